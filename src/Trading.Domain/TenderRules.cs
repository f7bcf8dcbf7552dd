namespace Trading.Domain;

/// <summary>
/// The legal rules of docs/design/DOMAIN.md with their defaults; a jurisdiction configures its own values
/// (appsettings section "Rules"). Day counts are calendar days.
/// </summary>
public sealed record TenderRules
{
    /// <summary>Bidding Law art. 24: first issue of documents to the bid deadline.</summary>
    public int MinDaysDocumentsToDeadline { get; init; } = 20;
    /// <summary>Bidding Law art. 23: a clarification that changes the documents, before the deadline.</summary>
    public int MinDaysClarificationBeforeDeadline { get; init; } = 15;
    /// <summary>Regulations art. 26: the bid bond as a share of the estimated price, in basis points (200 = 2%).</summary>
    public int MaxBondBasisPoints { get; init; } = 200;
    /// <summary>Regulations art. 44: fewer valid bids and the tender fails.</summary>
    public int MinBidsToOpen { get; init; } = 3;
    /// <summary>Bidding Law art. 34: opening at the deadline. Some centres allow a short gap; default none.</summary>
    public int MaxOpeningDelayMinutes { get; init; }

    public static TenderRules Default { get; } = new();

    public IEnumerable<RuleViolation> Validate()
    {
        if (MinDaysDocumentsToDeadline < 0 || MinDaysClarificationBeforeDeadline < 0 || MaxBondBasisPoints < 0 || MinBidsToOpen < 1 || MaxOpeningDelayMinutes < 0)
            yield return new RuleViolation("Rule.Config.Negative");
    }
}

/// <summary>The schedule and money checks a tender must pass to be published, and again on every change.</summary>
public static class TenderValidation
{
    public static List<RuleViolation> ValidateTerms(Tender t, DateTime nowUtc, TenderRules rules)
    {
        var errors = new List<RuleViolation>();
        if (t.Lots.Count == 0)
            errors.Add(new RuleViolation(RuleCodes.NoLots));
        foreach (var lot in t.Lots)
        {
            if (lot.EstimatedPriceFen <= 0)
                errors.Add(new RuleViolation(RuleCodes.EstimatedPriceInvalid, lot.Number));
            if (lot.ControlPriceFen is <= 0)
                errors.Add(new RuleViolation(RuleCodes.ControlPriceInvalid, lot.Number));
            if (lot.BidBondFen < 0)
                errors.Add(new RuleViolation(RuleCodes.BondNegative, lot.Number));
            // Compare bond * 10000 with price * bp, all integers: no rounding at the 2% boundary.
            else if ((decimal)lot.BidBondFen * 10_000 > (decimal)lot.EstimatedPriceFen * rules.MaxBondBasisPoints)
                errors.Add(new RuleViolation(RuleCodes.BondTooHigh, lot.Number, Money.Yuan(lot.BidBondFen),
                    Money.Yuan(lot.EstimatedPriceFen * rules.MaxBondBasisPoints / 10_000),
                    (rules.MaxBondBasisPoints / 100m).ToString("0.##", System.Globalization.CultureInfo.InvariantCulture)));
        }
        if (t.Region is { Length: > Tender.RegionMaxLength })
            errors.Add(new RuleViolation(RuleCodes.RegionTooLong, Tender.RegionMaxLength));
        if (Evaluation.ScoringScheme.FromJson(t.ScoringSchemeJson) is { } scheme)
        {
            if (scheme.Method != t.EvaluationMethod)
                errors.Add(new RuleViolation(Evaluation.EvaluationRules.SchemeMethodMismatch));
            errors.AddRange(Evaluation.ScoringSchemeValidation.Validate(scheme));
        }
        if (t.BidDeadline <= nowUtc)
            errors.Add(new RuleViolation(RuleCodes.DeadlineInPast, t.BidDeadline));
        else
        {
            // Documents are first issued when the notice is published; before that, "now" is the earliest issue.
            var issue = t.DocumentsFirstIssuedAt ?? nowUtc;
            var earliest = issue.AddDays(rules.MinDaysDocumentsToDeadline);
            if (t.BidDeadline < earliest)
                errors.Add(new RuleViolation(RuleCodes.DocumentsTooLate, rules.MinDaysDocumentsToDeadline, earliest));
        }
        var gap = t.OpeningTime - t.BidDeadline;
        if (gap < TimeSpan.Zero || gap > TimeSpan.FromMinutes(rules.MaxOpeningDelayMinutes))
            errors.Add(new RuleViolation(RuleCodes.OpeningNotAtDeadline, t.OpeningTime, t.BidDeadline));
        return errors;
    }

    /// <summary>A clarification that changes the documents needs the configured days before the deadline.</summary>
    public static RuleViolation? CheckClarification(Tender t, bool changesDocuments, DateTime nowUtc, TenderRules rules)
    {
        if (t.BidDeadline <= nowUtc)
            return new RuleViolation(RuleCodes.DeadlinePassed, t.BidDeadline);
        if (!changesDocuments)
            return null;
        var latest = t.BidDeadline.AddDays(-rules.MinDaysClarificationBeforeDeadline);
        if (nowUtc > latest)
            return new RuleViolation(RuleCodes.ClarificationTooLate, rules.MinDaysClarificationBeforeDeadline, nowUtc.AddDays(rules.MinDaysClarificationBeforeDeadline));
        return null;
    }
}

public static class Money
{
    /// <summary>Fen to yuan as a decimal, for display and messages.</summary>
    public static decimal Yuan(long fen) => fen / 100m;

    /// <summary>Yuan (as typed by a person, up to 2 decimals) to fen; null when it has more precision or is out of range.</summary>
    public static long? Fen(decimal yuan)
    {
        var fen = yuan * 100m;
        if (fen != decimal.Truncate(fen) || fen > long.MaxValue || fen < long.MinValue) return null;
        return (long)fen;
    }
}
