namespace Trading.ExpertPool;

/// <summary>Whether a stratum's experts count as technical or economic (both count toward the two thirds).</summary>
public enum StratumKind
{
    /// <summary>Technical expert (技术专家).</summary>
    Technical,
    /// <summary>Economic expert (经济专家).</summary>
    Economic,
}

/// <summary>How a region rule treats the listed regions.</summary>
public enum RegionRuleMode
{
    /// <summary>The expert's region must lie within one of the listed regions.</summary>
    Within,
    /// <summary>The expert's region must lie outside all listed regions (e.g. experts from outside the city).</summary>
    Outside,
}

/// <summary>A region rule on a stratum. Regions are hierarchical codes; "zj/hz" contains "zj/hz/xihu".</summary>
public sealed record RegionRule(RegionRuleMode Mode, IReadOnlyList<string> Regions)
{
    /// <summary>True when an expert from <paramref name="region"/> satisfies the rule.</summary>
    public bool Allows(string region)
    {
        var inside = false;
        // A plain loop: this runs for every expert of a large pool.
        for (var i = 0; i < Regions.Count && !inside; i++)
        {
            inside = RegionContains(Regions[i], region);
        }
        return Mode == RegionRuleMode.Within ? inside : !inside;
    }

    internal static bool RegionContains(string outer, string region) =>
        region == outer || (region.Length > outer.Length && region.StartsWith(outer, StringComparison.Ordinal) && region[outer.Length] == '/');
}

/// <summary>
/// One stratum of the draw: how many experts of which specialties (and optionally which
/// regions) to draw. Strata are drawn in ordinal order of <see cref="Id"/>.
/// </summary>
/// <param name="Id">Short ASCII code [a-z0-9._-], unique in the request; it fixes the stratum order.</param>
/// <param name="Kind">Technical or economic.</param>
/// <param name="Specialties">Patterns "category/field" or "category/*"; an expert qualifies with any one.</param>
/// <param name="Count">Seats to fill from this stratum.</param>
/// <param name="Region">Optional region rule.</param>
public sealed record StratumQuota(string Id, StratumKind Kind, IReadOnlyList<string> Specialties, int Count, RegionRule? Region = null);

/// <summary>Eligibility rules of a jurisdiction. Defaults follow docs/design/LOTTERY.md and common practice.</summary>
public sealed record PoolRules
{
    /// <summary>Default rules: 8 years, senior title, retire at 70, 3-year former-employer window, 30-day owner cool-down.</summary>
    public static PoolRules Default { get; } = new();
    /// <summary>Minimum whole years of practice.</summary>
    public int MinYearsOfExperience { get; init; } = 8;
    /// <summary>Minimum title.</summary>
    public ExpertTitle MinTitle { get; init; } = ExpertTitle.Senior;
    /// <summary>Age at which an expert is treated as retired.</summary>
    public int RetirementAge { get; init; } = 70;
    /// <summary>A former employer that is a party conflicts if the employment ended within this many years of the evaluation day.</summary>
    public int FormerEmployerWindowYears { get; init; } = 3;
    /// <summary>An expert who served the same owner within this many days before the evaluation day is not drawn.</summary>
    public int OwnerCooldownDays { get; init; } = 30;
    /// <summary>Smallest committee allowed (the law says 5).</summary>
    public int MinCommitteeSize { get; init; } = 5;
}

/// <summary>
/// A request for an expert draw (抽取申请). The owner and bidder ids are used for avoidance;
/// the bidders never appear in clear in the draw record.
/// </summary>
public sealed record DrawRequest
{
    /// <summary>Unique id of this draw (one per attempt; a voided draw's successor has a new id).</summary>
    public required string DrawId { get; init; }
    /// <summary>Tender id.</summary>
    public required string TenderId { get; init; }
    /// <summary>Lot (标段) id.</summary>
    public required string LotId { get; init; }
    /// <summary>The owner's party id.</summary>
    public required string OwnerId { get; init; }
    /// <summary>Party ids of every bidder of the lot (confidential).</summary>
    public required IReadOnlyList<string> BidderIds { get; init; }
    /// <summary>
    /// The tendering agent's party id (招标代理机构), when the owner engaged one. The agent acts for
    /// the owner, so avoidance treats it as the owner does: its staff, former staff within the
    /// window, declared relationships and registry links exclude an expert (role "agent"). Not part
    /// of the request hash (the v1 format has no field for it); the agent is named in the public
    /// tender notice, and each exclusion keeps the party and role for auditors.
    /// </summary>
    public string? AgentId { get; init; }
    /// <summary>Day of the evaluation.</summary>
    public required DateOnly EvaluationDate { get; init; }
    /// <summary>Place of the evaluation (room or site code).</summary>
    public required string EvaluationPlace { get; init; }
    /// <summary>Total committee size including owner representatives: 5 or more and odd.</summary>
    public required int CommitteeSize { get; init; }
    /// <summary>Seats for owner representatives, which are not drawn.</summary>
    public int OwnerRepresentativeSeats { get; init; }
    /// <summary>Strata to draw.</summary>
    public required IReadOnlyList<StratumQuota> Strata { get; init; }
    /// <summary>Reasons an expert may give to decline, declared before the draw (codes).</summary>
    public IReadOnlyList<string> DeclineReasons { get; init; } = DefaultDeclineReasons;
    /// <summary>A public beacon round named in advance (e.g. "drand:quicknet:1234567"), or null.</summary>
    public string? BeaconRound { get; init; }
    /// <summary>Eligibility rules.</summary>
    public PoolRules Rules { get; init; } = PoolRules.Default;

    /// <summary>The decline reasons used when a request declares none.</summary>
    public static IReadOnlyList<string> DefaultDeclineReasons { get; } = ["illness", "prior-engagement", "travel", "family-emergency"];
}
