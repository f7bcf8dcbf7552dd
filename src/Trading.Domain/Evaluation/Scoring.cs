using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Trading.Domain.Evaluation;

/// <summary>A bid that passed preliminary review, with its opened price in fen.</summary>
public sealed record ValidBid(Guid BidId, long PriceFen);

/// <summary>One expert's mark on one item of one bid.</summary>
public sealed record ItemScore(Guid BidId, string ItemCode, decimal Points);

/// <summary>One expert's adjustment (经评审的最低投标价法) to one bid, in fen, within the item's bound either way.</summary>
public sealed record AdjustmentEntry(Guid BidId, string AdjustmentCode, long Fen);

/// <summary>
/// One member's score sheet: every hand-scored item (or adjustment) for every valid bid. Its commitment is
/// the SHA-256 of a canonical text and a random nonce, so the public log learns nothing of the marks until
/// the reveal, and a sheet changed afterwards no longer matches what was committed.
/// </summary>
public sealed record ScoreSheetContent(Guid MemberId, IReadOnlyList<ItemScore> Scores, IReadOnlyList<AdjustmentEntry> Adjustments)
{
    /// <summary>One line per mark, sorted, invariant culture: the same sheet always gives the same text.</summary>
    public string Canonical()
    {
        var sb = new StringBuilder("score-sheet/v1\n").Append("member ").Append(MemberId.ToString("N")).Append('\n');
        foreach (var s in Scores.OrderBy(x => x.BidId).ThenBy(x => x.ItemCode, StringComparer.Ordinal))
            sb.Append("score ").Append(s.BidId.ToString("N")).Append(' ').Append(s.ItemCode).Append(' ')
              .Append(s.Points.ToString("0.00", CultureInfo.InvariantCulture)).Append('\n');
        foreach (var a in Adjustments.OrderBy(x => x.BidId).ThenBy(x => x.AdjustmentCode, StringComparer.Ordinal))
            sb.Append("adjust ").Append(a.BidId.ToString("N")).Append(' ').Append(a.AdjustmentCode).Append(' ')
              .Append(a.Fen.ToString(CultureInfo.InvariantCulture)).Append('\n');
        return sb.ToString();
    }

    /// <summary>Hex SHA-256 over the nonce (hex) and the canonical text.</summary>
    public string Commitment(string nonceHex) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("nonce " + nonceHex + "\n" + Canonical())));

    public static string NewNonce() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
}

/// <summary>A mark further from the committee's mean than the scheme allows (畸高畸低).</summary>
public sealed record Deviation(Guid MemberId, Guid BidId, string ItemCode, decimal Value, decimal Mean, decimal Allowed);

/// <summary>One bid's line in the result, with its rank (1-based) among the valid bids.</summary>
public sealed record RankedBid(Guid BidId, long PriceFen, decimal? PriceScore, IReadOnlyDictionary<Guid, decimal> MemberTotals,
    decimal? FinalScore, long? EvaluatedPriceFen, decimal TechnicalMean, int Rank, bool Candidate);

/// <summary>The pure arithmetic of evaluation: price scores, sheet checks, deviations, final scores and ranking.</summary>
public static class Scoring
{
    /// <summary>Mean of the valid prices in yuan-fen, exact as a decimal.</summary>
    public static decimal MeanPrice(IReadOnlyCollection<ValidBid> bids) =>
        bids.Count == 0 ? 0 : bids.Sum(b => (decimal)b.PriceFen) / bids.Count;

    /// <summary>Bids priced more than the scheme's share below the mean of valid prices: the committee must ask them to clarify.</summary>
    public static IReadOnlyList<Guid> AbnormallyLow(ScoringScheme scheme, IReadOnlyCollection<ValidBid> bids)
    {
        if (bids.Count < 2) return [];
        var threshold = MeanPrice(bids) * (1 - scheme.AbnormallyLowShare);
        return bids.Where(b => b.PriceFen < threshold).Select(b => b.BidId).ToList();
    }

    /// <summary>The price item's points per bid by the scheme's named formula, rounded to 2 decimals, never below 0.</summary>
    public static IReadOnlyDictionary<Guid, decimal> PriceScores(ScoringScheme scheme, IReadOnlyCollection<ValidBid> bids)
    {
        var pMax = scheme.PriceItem?.MaxPoints ?? 0;
        var result = new Dictionary<Guid, decimal>();
        if (bids.Count == 0 || pMax == 0) return result;
        switch (scheme.Formula)
        {
            case PriceFormula.LowestPriceRatio:
                var lowest = (decimal)bids.Min(b => b.PriceFen);
                foreach (var b in bids)
                    result[b.BidId] = Round(b.PriceFen <= 0 ? 0 : pMax * lowest / b.PriceFen);
                break;
            case PriceFormula.BenchmarkDeduction:
                var benchmark = MeanPrice(bids) * scheme.BenchmarkFactor;
                foreach (var b in bids)
                {
                    var percent = (b.PriceFen - benchmark) / benchmark * 100m;
                    var off = percent >= 0 ? percent * scheme.DeductionAbovePerPercent : -percent * scheme.DeductionBelowPerPercent;
                    result[b.BidId] = Round(Math.Max(0, pMax - off));
                }
                break;
            default:
                throw new RuleViolationException(new RuleViolation(EvaluationRules.SchemeFormulaUnknown, ((int)scheme.Formula).ToString(CultureInfo.InvariantCulture)));
        }
        return result;
    }

    /// <summary>Everything wrong with a sheet against the scheme and the valid bids; empty when it may be committed.</summary>
    public static List<RuleViolation> CheckSheet(ScoringScheme scheme, IReadOnlyCollection<ValidBid> bids, ScoreSheetContent sheet)
    {
        var errors = new List<RuleViolation>();
        var bidIds = bids.Select(b => b.BidId).ToHashSet();
        if (scheme.Method == EvaluationMethod.ComprehensiveScoring)
        {
            var items = scheme.ExpertItems.ToDictionary(i => i.Code);
            foreach (var s in sheet.Scores)
            {
                if (!bidIds.Contains(s.BidId)) errors.Add(new RuleViolation(EvaluationRules.ScoreUnknownBid));
                else if (!items.TryGetValue(s.ItemCode, out var item)) errors.Add(new RuleViolation(EvaluationRules.ScoreUnknownItem, s.ItemCode));
                else if (s.Points < 0) errors.Add(new RuleViolation(EvaluationRules.ScoreNegative, item.Name));
                else if (s.Points > item.MaxPoints || decimal.Round(s.Points, 2) != s.Points)
                    errors.Add(new RuleViolation(EvaluationRules.ScoreAboveMaximum, item.Name, ScoringSchemeValidation.Points(s.Points), ScoringSchemeValidation.Points(item.MaxPoints)));
            }
            foreach (var b in bidIds)
                foreach (var i in items.Values)
                    if (sheet.Scores.Count(s => s.BidId == b && s.ItemCode == i.Code) != 1)
                        errors.Add(new RuleViolation(EvaluationRules.ScoreMissing, i.Name));
        }
        else
        {
            var adjustments = scheme.Adjustments.ToDictionary(a => a.Code);
            foreach (var a in sheet.Adjustments)
            {
                if (!bidIds.Contains(a.BidId)) errors.Add(new RuleViolation(EvaluationRules.ScoreUnknownBid));
                else if (!adjustments.TryGetValue(a.AdjustmentCode, out var adj)) errors.Add(new RuleViolation(EvaluationRules.ScoreUnknownItem, a.AdjustmentCode));
                else if (Math.Abs(a.Fen) > adj.MaxFen)
                    errors.Add(new RuleViolation(EvaluationRules.AdjustmentOutOfBounds, adj.Name, Money.Yuan(a.Fen), Money.Yuan(adj.MaxFen)));
            }
            foreach (var b in bidIds)
                foreach (var a in adjustments.Values)
                    if (sheet.Adjustments.Count(x => x.BidId == b && x.AdjustmentCode == a.Code) != 1)
                        errors.Add(new RuleViolation(EvaluationRules.ScoreMissing, a.Name));
        }
        return errors.Distinct().ToList();
    }

    /// <summary>
    /// 畸高畸低: every mark further from the committee's mean for that bid and item than DeviationShare of the
    /// item's maximum (for adjustments, of the adjustment's bound). Needs two or more sheets to mean anything.
    /// </summary>
    public static IReadOnlyList<Deviation> Deviations(ScoringScheme scheme, IReadOnlyCollection<ScoreSheetContent> sheets)
    {
        var found = new List<Deviation>();
        if (sheets.Count < 2) return found;
        foreach (var item in scheme.ExpertItems)
        {
            var allowed = item.MaxPoints * scheme.DeviationShare;
            foreach (var group in sheets.SelectMany(s => s.Scores.Where(x => x.ItemCode == item.Code).Select(x => (s.MemberId, x)))
                         .GroupBy(p => p.x.BidId))
            {
                var mean = group.Average(p => p.x.Points);
                found.AddRange(group.Where(p => Math.Abs(p.x.Points - mean) > allowed)
                    .Select(p => new Deviation(p.MemberId, group.Key, item.Code, p.x.Points, Round(mean), allowed)));
            }
        }
        foreach (var adj in scheme.Adjustments)
        {
            var allowed = adj.MaxFen * scheme.DeviationShare;
            foreach (var group in sheets.SelectMany(s => s.Adjustments.Where(x => x.AdjustmentCode == adj.Code).Select(x => (s.MemberId, x)))
                         .GroupBy(p => p.x.BidId))
            {
                var mean = group.Average(p => (decimal)p.x.Fen);
                found.AddRange(group.Where(p => Math.Abs(p.x.Fen - mean) > allowed)
                    .Select(p => new Deviation(p.MemberId, group.Key, adj.Code, p.x.Fen, Math.Round(mean), allowed)));
            }
        }
        return found;
    }

    /// <summary>
    /// Final scores and the ranking. 综合评估法: each member's total is their marks plus the computed price
    /// score; a bid's final score is the mean of the totals (without the highest and lowest when configured and
    /// the committee has 7 or more); higher ranks first. 经评审的最低投标价法: the evaluated price is the price
    /// plus the mean adjustment (rounded to the fen); lower ranks first. Ties by the scheme's tie rule.
    /// </summary>
    public static IReadOnlyList<RankedBid> Rank(ScoringScheme scheme, IReadOnlyCollection<ValidBid> bids, IReadOnlyCollection<ScoreSheetContent> sheets)
    {
        var lines = new List<RankedBid>();
        if (scheme.Method == EvaluationMethod.ComprehensiveScoring)
        {
            var priceScores = PriceScores(scheme, bids);
            var technical = scheme.Items.Where(i => i.Group == ScoringGroup.Technical).Select(i => i.Code).ToHashSet();
            foreach (var b in bids)
            {
                var totals = sheets.ToDictionary(s => s.MemberId,
                    s => s.Scores.Where(x => x.BidId == b.BidId).Sum(x => x.Points) + priceScores[b.BidId]);
                var counted = totals.Values.Order().ToList();
                if (scheme.DropExtremesFromSeven && counted.Count >= 7)
                    counted = counted.Skip(1).SkipLast(1).ToList();
                var final = counted.Count == 0 ? 0 : Round(counted.Average());
                var techMean = sheets.Count == 0 ? 0 : sheets.Average(s => s.Scores.Where(x => x.BidId == b.BidId && technical.Contains(x.ItemCode)).Sum(x => x.Points));
                lines.Add(new RankedBid(b.BidId, b.PriceFen, priceScores[b.BidId], totals, final, null, Round(techMean), 0, false));
            }
            var ordered = scheme.TieRule == TieRule.HigherTechnicalFirst
                ? lines.OrderByDescending(l => l.FinalScore).ThenByDescending(l => l.TechnicalMean).ThenBy(l => l.PriceFen)
                : lines.OrderByDescending(l => l.FinalScore).ThenBy(l => l.PriceFen);
            return Number(ordered.ThenBy(l => l.BidId), scheme.Candidates);
        }
        foreach (var b in bids)
        {
            var perMember = sheets.Select(s => s.Adjustments.Where(x => x.BidId == b.BidId).Sum(x => (decimal)x.Fen)).ToList();
            var adjustment = perMember.Count == 0 ? 0 : (long)Math.Round(perMember.Average(), MidpointRounding.AwayFromZero);
            lines.Add(new RankedBid(b.BidId, b.PriceFen, null, new Dictionary<Guid, decimal>(), null, b.PriceFen + adjustment, 0, 0, false));
        }
        // Lower evaluated price first; ties by the lower bid price (the only tie rule that means something without scores).
        return Number(lines.OrderBy(l => l.EvaluatedPriceFen).ThenBy(l => l.PriceFen).ThenBy(l => l.BidId), scheme.Candidates);
    }

    private static List<RankedBid> Number(IEnumerable<RankedBid> ordered, int candidates) =>
        ordered.Select((l, i) => l with { Rank = i + 1, Candidate = i < candidates }).ToList();

    private static decimal Round(decimal d) => Math.Round(d, 2, MidpointRounding.AwayFromZero);
}
