using Trading.Domain.Evaluation;

namespace Trading.Domain.Tests.Evaluation;

public class ScoringSchemeValidationTests
{
    [Theory]
    [InlineData(EvaluationMethod.ComprehensiveScoring)]
    [InlineData(EvaluationMethod.LowestEvaluatedPrice)]
    public void Templates_are_valid_and_survive_json(EvaluationMethod method)
    {
        var s = ScoringScheme.Template(method);
        Assert.Empty(ScoringSchemeValidation.Validate(s));
        var back = ScoringScheme.FromJson(s.ToJson())!;
        Assert.Equal(s.ToJson(), back.ToJson());
        Assert.Empty(ScoringSchemeValidation.Validate(back));
    }

    [Fact]
    public void Points_must_add_up_to_100()
    {
        var t = ScoringScheme.Template(EvaluationMethod.ComprehensiveScoring);
        var s = t with { Items = [.. t.Items.Select(i => i.Code == "tech-plan" ? i with { MaxPoints = 31 } : i)] };
        var e = Assert.Single(ScoringSchemeValidation.Validate(s));
        Assert.Equal(EvaluationRules.SchemePointsTotal, e.Code);
        Assert.Equal("101", e.Args[0]);
    }

    [Fact]
    public void Exactly_one_price_item_and_known_formula_constants()
    {
        var t = ScoringScheme.Template(EvaluationMethod.ComprehensiveScoring);
        var noPrice = t with { Items = [.. t.Items.Select(i => i.Group == ScoringGroup.Price ? i with { Group = ScoringGroup.Commercial } : i)] };
        Assert.Contains(ScoringSchemeValidation.Validate(noPrice), v => v.Code == EvaluationRules.SchemeNoPriceItem);

        var badK = t with { Formula = PriceFormula.BenchmarkDeduction, BenchmarkFactor = 0.5m };
        Assert.Contains(ScoringSchemeValidation.Validate(badK), v => v.Code == EvaluationRules.SchemeFormulaConstant && (string)v.Args[0] == "K");

        var unknown = t with { Formula = (PriceFormula)99 };
        Assert.Contains(ScoringSchemeValidation.Validate(unknown), v => v.Code == EvaluationRules.SchemeFormulaUnknown);
    }

    [Fact]
    public void Codes_review_kinds_shares_and_candidates_are_checked()
    {
        var t = ScoringScheme.Template(EvaluationMethod.ComprehensiveScoring);
        var s = t with
        {
            Items = [.. t.Items.Select(i => i.Code == "com-staff" ? i with { Code = "com-record" } : i)],
            ReviewItems = [.. t.ReviewItems.Where(r => r.Kind != ReviewKind.Qualification)],
            DeviationShare = 1.5m,
            Candidates = 4,
        };
        var codes = ScoringSchemeValidation.Validate(s).Select(v => v.Code).ToList();
        Assert.Contains(EvaluationRules.SchemeCodeDuplicate, codes);
        Assert.Contains(EvaluationRules.SchemeReviewKindMissing, codes);
        // The kind goes to the text as a resource key, so the message reads "资格评审", never "Qualification".
        Assert.Equal("ReviewKind.Qualification", ScoringSchemeValidation.Validate(s).Single(v => v.Code == EvaluationRules.SchemeReviewKindMissing).Args[0]);
        Assert.Contains(EvaluationRules.SchemeShare, codes);
        Assert.Contains(EvaluationRules.SchemeCandidates, codes);
    }

    [Fact]
    public void Lowest_price_needs_bounded_adjustments_and_no_items()
    {
        var t = ScoringScheme.Template(EvaluationMethod.LowestEvaluatedPrice);
        Assert.Contains(ScoringSchemeValidation.Validate(t with { Adjustments = [] }), v => v.Code == EvaluationRules.SchemeNoAdjustments);
        Assert.Contains(ScoringSchemeValidation.Validate(t with { Adjustments = [t.Adjustments[0] with { MaxFen = 0 }] }), v => v.Code == EvaluationRules.SchemeAdjustmentBound);
        var mixed = t with { Items = ScoringScheme.Template(EvaluationMethod.ComprehensiveScoring).Items };
        Assert.Contains(ScoringSchemeValidation.Validate(mixed), v => v.Code == EvaluationRules.SchemeUnexpected);
    }
}

public class ScoringTests
{
    private static readonly Guid A = new("00000000-0000-0000-0000-00000000000a");
    private static readonly Guid B = new("00000000-0000-0000-0000-00000000000b");
    private static readonly Guid C = new("00000000-0000-0000-0000-00000000000c");
    private static readonly ScoringScheme Comprehensive = ScoringScheme.Template(EvaluationMethod.ComprehensiveScoring);
    private static readonly ValidBid[] Bids = [new(A, 100_000_00), new(B, 80_000_00), new(C, 90_000_00)];

    [Fact]
    public void Lowest_price_ratio_gives_the_lowest_the_full_points()
    {
        var p = Scoring.PriceScores(Comprehensive, Bids);
        Assert.Equal(40m, p[B]);
        Assert.Equal(32m, p[A]);          // 40 × 80/100
        Assert.Equal(35.56m, p[C]);       // 40 × 80/90 = 35.555… → 35.56
    }

    [Fact]
    public void Benchmark_deduction_takes_points_per_percent_either_side()
    {
        var s = Comprehensive with { Formula = PriceFormula.BenchmarkDeduction, BenchmarkFactor = 1m, DeductionAbovePerPercent = 1m, DeductionBelowPerPercent = 0.5m };
        var p = Scoring.PriceScores(s, Bids);   // mean 90 000 yuan = benchmark
        Assert.Equal(40m, p[C]);
        Assert.Equal(28.89m, p[A]);             // 11.11% above: 40 − 11.11
        Assert.Equal(34.44m, p[B]);             // 11.11% below: 40 − 5.56
    }

    [Fact]
    public void Abnormally_low_is_below_the_mean_by_more_than_the_share()
    {
        var bids = new[] { new ValidBid(A, 100_00), new ValidBid(B, 100_00), new ValidBid(C, 70_00) };
        Assert.Equal([C], Scoring.AbnormallyLow(Comprehensive, bids));     // mean 90, threshold 76.5
        Assert.Empty(Scoring.AbnormallyLow(Comprehensive with { AbnormallyLowShare = 0.3m }, bids));
    }

    private static ScoreSheetContent Sheet(Guid member, decimal plan, decimal rest = 5) => new(member,
        [.. Bids.SelectMany(b => Comprehensive.ExpertItems.Select(i => new ItemScore(b.BidId, i.Code, i.Code == "tech-plan" ? plan : Math.Min(rest, i.MaxPoints))))], []);

    [Fact]
    public void Sheet_check_refuses_above_maximum_missing_and_unknown()
    {
        var ok = Sheet(Guid.NewGuid(), 20);
        Assert.Empty(Scoring.CheckSheet(Comprehensive, Bids, ok));
        var above = ok with { Scores = [.. ok.Scores.Select(s => s.ItemCode == "tech-plan" && s.BidId == A ? s with { Points = 30.5m } : s)] };
        var e = Assert.Single(Scoring.CheckSheet(Comprehensive, Bids, above));
        Assert.Equal(EvaluationRules.ScoreAboveMaximum, e.Code);
        var missing = ok with { Scores = [.. ok.Scores.Skip(1)] };
        Assert.Contains(Scoring.CheckSheet(Comprehensive, Bids, missing), v => v.Code == EvaluationRules.ScoreMissing);
        var priceTyped = ok with { Scores = [.. ok.Scores, new ItemScore(A, "price", 40)] };
        Assert.Contains(Scoring.CheckSheet(Comprehensive, Bids, priceTyped), v => v.Code == EvaluationRules.ScoreUnknownItem);
    }

    [Fact]
    public void Commitment_binds_the_sheet_and_hides_it_behind_the_nonce()
    {
        var sheet = Sheet(A, 20);
        var nonce = ScoreSheetContent.NewNonce();
        var reordered = sheet with { Scores = [.. sheet.Scores.Reverse()] };
        Assert.Equal(sheet.Commitment(nonce), reordered.Commitment(nonce));
        var changed = sheet with { Scores = [.. sheet.Scores.Select((s, i) => i == 0 ? s with { Points = s.Points + 0.01m } : s)] };
        Assert.NotEqual(sheet.Commitment(nonce), changed.Commitment(nonce));
        Assert.NotEqual(sheet.Commitment(nonce), sheet.Commitment(ScoreSheetContent.NewNonce()));
    }

    [Fact]
    public void A_mark_further_than_20_percent_of_the_maximum_from_the_mean_is_a_deviation()
    {
        // tech-plan max 30: allowed 6 points. Marks 20, 20, 20, 20, 28: mean 21.6, the 28 is 6.4 off.
        var sheets = new[] { Sheet(Guid.NewGuid(), 20), Sheet(Guid.NewGuid(), 20), Sheet(Guid.NewGuid(), 20), Sheet(Guid.NewGuid(), 20), Sheet(C, 28) };
        var d = Scoring.Deviations(Comprehensive, sheets);
        Assert.Equal(3, d.Count);                                     // one per bid
        Assert.All(d, x => { Assert.Equal(C, x.MemberId); Assert.Equal("tech-plan", x.ItemCode); Assert.Equal(6m, x.Allowed); });
        var near = new[] { Sheet(Guid.NewGuid(), 20), Sheet(Guid.NewGuid(), 20), Sheet(Guid.NewGuid(), 20), Sheet(Guid.NewGuid(), 20), Sheet(C, 27) };
        Assert.Empty(Scoring.Deviations(Comprehensive, near));        // 27 − 21.4 = 5.6 ≤ 6
    }

    [Fact]
    public void Final_score_is_the_mean_of_totals_and_the_lower_price_wins_a_tie()
    {
        // Same marks for every bid: the price score decides; A and a copy of A at the same price tie on score.
        var bids = new[] { new ValidBid(A, 90_000_00), new ValidBid(B, 80_000_00), new ValidBid(C, 90_000_00) };
        var sheets = new[] { SheetFor(bids, Guid.NewGuid(), 20), SheetFor(bids, Guid.NewGuid(), 24), SheetFor(bids, Guid.NewGuid(), 22) };
        var ranked = Scoring.Rank(Comprehensive, bids, sheets);
        Assert.Equal(B, ranked[0].BidId);
        Assert.Equal(22m + 15m + 10m + 5m + 40m, ranked[0].FinalScore);  // plan mean 22, every other item at its maximum, full price points
        Assert.Equal(ranked[1].FinalScore, ranked[2].FinalScore);
        Assert.Equal([1, 2, 3], ranked.Select(r => r.Rank));
        Assert.All(ranked, r => Assert.True(r.Candidate));
        Assert.Single(Scoring.Rank(Comprehensive with { Candidates = 1 }, bids, sheets), r => r.Candidate);
    }

    private static ScoreSheetContent SheetFor(IEnumerable<ValidBid> bids, Guid member, decimal plan) => new(member,
        [.. bids.SelectMany(b => Comprehensive.ExpertItems.Select(i => new ItemScore(b.BidId, i.Code, i.Code == "tech-plan" ? plan : i.MaxPoints)))], []);

    [Fact]
    public void Ties_follow_the_named_rule()
    {
        // B is cheaper (price score 40 against 32), A has 8 more marks, all technical: both end on 92.
        var bids = new[] { new ValidBid(A, 100_00), new ValidBid(B, 80_00) };
        ScoreSheetContent S(Guid m) => new(m, [
            new(A, "tech-plan", 30), new(A, "tech-quality", 15), new(A, "com-record", 10), new(A, "com-staff", 5),
            new(B, "tech-plan", 22), new(B, "tech-quality", 15), new(B, "com-record", 10), new(B, "com-staff", 5)], []);
        var sheets = new[] { S(Guid.NewGuid()), S(Guid.NewGuid()), S(Guid.NewGuid()) };
        var byPrice = Scoring.Rank(Comprehensive, bids, sheets);
        Assert.Equal(byPrice[0].FinalScore, byPrice[1].FinalScore);
        Assert.Equal(B, byPrice[0].BidId);
        Assert.Equal(A, Scoring.Rank(Comprehensive with { TieRule = TieRule.HigherTechnicalFirst }, bids, sheets)[0].BidId);
    }

    [Fact]
    public void Seven_members_drop_the_highest_and_lowest_total_when_configured()
    {
        var bids = new[] { new ValidBid(A, 100_00) };
        var marks = new decimal[] { 0, 20, 20, 20, 20, 20, 30 };
        var sheets = marks.Select(m => SheetFor(bids, Guid.NewGuid(), m)).ToArray();
        var plain = Scoring.Rank(Comprehensive, bids, sheets)[0].FinalScore;
        var dropped = Scoring.Rank(Comprehensive with { DropExtremesFromSeven = true }, bids, sheets)[0].FinalScore;
        Assert.Equal(20m + 15 + 10 + 5 + 40, dropped);
        Assert.NotEqual(plain, dropped);
        var six = sheets.Take(6).ToArray();
        Assert.Equal(Scoring.Rank(Comprehensive, bids, six)[0].FinalScore, Scoring.Rank(Comprehensive with { DropExtremesFromSeven = true }, bids, six)[0].FinalScore);
    }

    [Fact]
    public void Lowest_evaluated_price_adds_the_mean_adjustment_and_checks_bounds()
    {
        var s = ScoringScheme.Template(EvaluationMethod.LowestEvaluatedPrice);
        var bids = new[] { new ValidBid(A, 1_000_000_00), new ValidBid(B, 1_020_000_00) };
        ScoreSheetContent S(Guid m, long adjA) => new(m, [], [
            new(A, "adj-duration", adjA), new(A, "adj-payment", 0), new(B, "adj-duration", 0), new(B, "adj-payment", 0)]);
        var sheets = new[] { S(Guid.NewGuid(), 3_000_000), S(Guid.NewGuid(), 3_000_000), S(Guid.NewGuid(), 3_000_000) };
        Assert.All(sheets, x => Assert.Empty(Scoring.CheckSheet(s, bids, x)));
        var r = Scoring.Rank(s, bids, sheets);
        Assert.Equal(B, r[0].BidId);                       // A: 1 000 000 + 30 000 = 1 030 000 yuan > 1 020 000
        Assert.Equal(1_030_000_00, r[1].EvaluatedPriceFen);
        Assert.Contains(Scoring.CheckSheet(s, bids, S(A, 6_000_000)), v => v.Code == EvaluationRules.AdjustmentOutOfBounds);
        var dev = Scoring.Deviations(s, [.. sheets, S(C, 0)]);
        Assert.Contains(dev, d => d.MemberId == C && d.BidId == A);
    }
}
