namespace Trading.Integrity;

/// <summary>Thresholds of the screens; defaults are the ones measured in docs/collusion-screens.md.</summary>
public sealed record ScreenOptions
{
    /// <summary>Default thresholds.</summary>
    public static ScreenOptions Default { get; } = new();

    /// <summary>L1b: uploads from one /24 network within this many minutes are a lead.</summary>
    public int SubnetWindowMinutes { get; init; } = 5;
    /// <summary>L4a: words per shingle.</summary>
    public int ShingleSize { get; init; } = 8;
    /// <summary>L4a: a shingle is rare when at most this many firms of earlier lots, other than the two bidders compared, used it
    /// (the pair's own earlier bids never make their text common).</summary>
    public int RareInHistoryMaxFirms { get; init; } = 0;
    /// <summary>L4a: shared rare passages of at least this many words in total make a lead.</summary>
    public int MinSharedRareWords { get; init; } = 40;
    /// <summary>L4a: exact Jaccard similarity of shingle sets at or above this is a near-duplicate lead.</summary>
    public double NearDuplicateJaccard { get; init; } = 0.5;
    /// <summary>L4a: identical attachments shared by at least this share of the lot's bidders (and 3 or more) are treated as undeclared templates (lead, not conclusive).</summary>
    public double TemplateLikeShare { get; init; } = 0.5;
    /// <summary>L4a: metadata values used by at least this many firms of the lot are generic, not evidence.</summary>
    public int GenericMetadataMinFirms { get; init; } = 3;
    /// <summary>L4a: metadata values used by at least this many firms of earlier lots other than the suspects are generic (software defaults).</summary>
    public int GenericMetadataMinOtherFirms { get; init; } = 2;
    /// <summary>L4a: an identical file that this many firms other than the suspects submitted in earlier lots is common in the market
    /// (a template vendor's file, a maker's brochure) and is not evidence at all.</summary>
    public int CommonFileMinOtherFirms { get; init; } = 1;
    /// <summary>L2: a phone or e-mail that this many registered firms (or bidders of the lot) give is an agency's or a group's address, not evidence.</summary>
    public int CommonContactMinFirms { get; init; } = 3;
    /// <summary>L4b: sorted adjacent differences (or ratios) whose coefficient of variation is at most this are regular.</summary>
    public double RegularStepMaxCv { get; init; } = 0.005;
    /// <summary>L4b: bids needed for the step screen (3 bids give only two steps, which agree by chance too often).</summary>
    public int RegularStepMinBids { get; init; } = 4;
    /// <summary>
    /// L4b: two price lists are "near-exact linear" when, fitting log(B) on log(A), the residual standard deviation is at most this.
    /// Fitting in logs matters: item prices span orders of magnitude, so an ordinary R² is near 1 for every honest pair.
    /// </summary>
    public double LinearPriceListMaxLogResidualSd { get; init; } = 0.005;
    /// <summary>L4b: items two price lists must share.</summary>
    public int LinearPriceListMinItems { get; init; } = 5;
    /// <summary>L7: share (percent) that makes a holder controlling.</summary>
    public decimal ControlSharePercent { get; init; } = 50m;
    /// <summary>PS and H5: comparable past lots needed for percentiles.</summary>
    public int MinBaselineLots { get; init; } = 30;
    /// <summary>PS: a screen in this lower/upper percentile tail counts as unusual.</summary>
    public double PriceScreenTailPercent { get; init; } = 1.0;
    /// <summary>PS: unusual screens needed for a lead.</summary>
    public int PriceScreenMinUnusual { get; init; } = 2;
    /// <summary>PS: bids needed for a price-screen lead (screens are still reported below it).</summary>
    public int PriceScreenMinBids { get; init; } = 5;
    /// <summary>H5: DIFFP percentile at or below which the second bid is "close to the winner".</summary>
    public double CloseToWinnerPercentile { get; init; } = 1.0;
    /// <summary>H5: bids needed.</summary>
    public int CloseToWinnerMinBids { get; init; } = 3;
}

/// <summary>Thresholds of the history screens.</summary>
public sealed record HistoryOptions
{
    /// <summary>Default thresholds.</summary>
    public static HistoryOptions Default { get; } = new();

    /// <summary>Past lots needed before the history screens say anything.</summary>
    public int MinLots { get; init; } = 50;
    /// <summary>H3: a pair must have bid together at least this often.</summary>
    public int MinTogether { get; init; } = 6;
    /// <summary>H3: observed / expected co-bids at least this.</summary>
    public double MinRatio { get; init; } = 3.0;
    /// <summary>H3: Poisson upper-tail probability at most this (small because many pairs are tested).</summary>
    public double MaxPValue { get; init; } = 1e-7;
    /// <summary>H1: lots where at least two members bid, needed to judge rotation.</summary>
    public int RotationMinLots { get; init; } = 6;
    /// <summary>H1: share of those lots the group won.</summary>
    public double RotationMinGroupWinShare { get; init; } = 0.6;
    /// <summary>H1: distinct members that won.</summary>
    public int RotationMinWinners { get; init; } = 2;
    /// <summary>H2: bids needed for a firm to be judged.</summary>
    public int CoverMinBids { get; init; } = 15;
    /// <summary>H2: Poisson lower-tail probability of so few wins, at most this.</summary>
    public double CoverMaxPValue { get; init; } = 0.01;
    /// <summary>H2: share of the firm's lots in which one other firm, which has won, also bid (a cover follows its beneficiary).</summary>
    public double CoverMinShadowShare { get; init; } = 0.8;
    /// <summary>H6: lots two firms must have bid in together (with a known estimate or control price) to be compared.</summary>
    public int MarkupMinTogether { get; init; } = 5;
    /// <summary>H6: how much higher (log ratio to the estimate, relative to the lot's other bidders) members must price together than apart.</summary>
    public double MarkupMinDifference { get; init; } = 0.02;
    /// <summary>H6: Welch t a pair needs to become a candidate.</summary>
    public double MarkupPairMinT { get; init; } = 3.0;
    /// <summary>H6: Welch t the confirmed group needs (members together against members apart).</summary>
    public double MarkupGroupMinT { get; init; } = 4.0;
    /// <summary>H6: bids of members apart (without another member) needed as the comparison.</summary>
    public int MarkupMinApart { get; init; } = 8;
    /// <summary>H6: on the choosing half of the lots, lots two firms must have bid in together to be compared.</summary>
    public int MarkupSelectMinTogether { get; init; } = 3;
    /// <summary>H6: on the choosing half, Welch t a pair needs to become a candidate (low: the other half judges).</summary>
    public double MarkupSelectPairMinT { get; init; } = 1.5;
    /// <summary>H6: Welch t the group chosen on one half needs on the other half.</summary>
    public double MarkupConfirmMinT { get; init; } = 3.0;
    /// <summary>H6 cohesive groups: lots two firms must have met in to be joined while a group grows.</summary>
    public int MarkupCohesiveMinMet { get; init; } = 3;
    /// <summary>H6 cohesive groups: Welch t a pair needs to start a group (low: the grown group is judged whole).</summary>
    public double MarkupCohesiveStartMinT { get; init; } = 1.0;
    /// <summary>H6 cohesive groups: most members a grown group may have.</summary>
    public int MarkupCohesiveMaxSize { get; init; } = 5;
    /// <summary>H6 cohesive groups: share of the members' bids placed in another member's company (chosen on tuning seeds 101-108).</summary>
    public double MarkupCohesiveMinShare { get; init; } = 0.7;
    /// <summary>H6 cohesive groups: Welch t the group needs (chosen on tuning seeds 101-108, above their largest honest group's 3.6).</summary>
    public double MarkupCohesiveMinT { get; init; } = 4.3;
    /// <summary>H6 cohesive groups: Welch t the group still needs without any one member's own bids.</summary>
    public double MarkupCohesiveLeaveOneOutMinT { get; init; } = 3.2;
    /// <summary>H7: bids in a market (category and region) that make a firm a regular bidder there.</summary>
    public int AllocationMinLots { get; init; } = 8;
    /// <summary>H7: Poisson lower-tail probability of meeting so rarely, at most this.</summary>
    public double AllocationMaxPValue { get; init; } = 1e-3;
    /// <summary>H7: met at most this share of the expected meetings.</summary>
    public double AllocationMaxRatio { get; init; } = 0.25;
    /// <summary>H8: lots a group of three must have met in (each with an estimate or control price).</summary>
    public int SubsetMinLots { get; init; } = 8;
    /// <summary>H8: z of the mean RD and spread percentiles a group of three needs.</summary>
    public double SubsetMinZ { get; init; } = 4.5;
    /// <summary>H8: lots two firms must have met in (with two or more other bidders' residuals to control for) to test dependence.</summary>
    public int DependenceMinLots { get; init; } = 8;
    /// <summary>H8: Fisher z of the pair's partial correlation (one-sided; many pairs are tested, so it is high).</summary>
    public double DependenceMinZ { get; init; } = 4.5;
    /// <summary>H8: on the choosing half, lots a pair must have met in to be linked.</summary>
    public int DependenceSelectMinLots { get; init; } = 4;
    /// <summary>H8: on the choosing half, Fisher z of a pair's residual correlation that links it.</summary>
    public double DependenceSelectMinZ { get; init; } = 2.0;
    /// <summary>H8: z of the shared variance the chosen group needs on the other half.</summary>
    public double DependenceConfirmMinZ { get; init; } = 3.0;
    /// <summary>H8: random groups of three drawn per lot for the null (lots of up to seven bids give all of theirs).</summary>
    public int SubsetNullPerLot { get; init; } = 20;
    /// <summary>H4: late withdrawals in favour of the same winner needed.</summary>
    public int WithdrawalMinLots { get; init; } = 2;
}
