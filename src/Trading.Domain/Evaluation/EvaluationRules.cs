using System.Globalization;
using System.Text.RegularExpressions;

namespace Trading.Domain.Evaluation;

/// <summary>Rule codes of the scoring scheme and the evaluation; each has a text in both languages in the web app.</summary>
public static class EvaluationRules
{
    public const string SchemeMissing = "Rule.Scheme.Missing";
    public const string SchemePointsTotal = "Rule.Scheme.PointsTotal";
    public const string SchemeNoPriceItem = "Rule.Scheme.NoPriceItem";
    public const string SchemeTwoPriceItems = "Rule.Scheme.TwoPriceItems";
    public const string SchemeNoExpertItems = "Rule.Scheme.NoExpertItems";
    public const string SchemeItemPoints = "Rule.Scheme.ItemPoints";
    public const string SchemeItemName = "Rule.Scheme.ItemName";
    public const string SchemeCodeInvalid = "Rule.Scheme.CodeInvalid";
    public const string SchemeCodeDuplicate = "Rule.Scheme.CodeDuplicate";
    public const string SchemeFormulaUnknown = "Rule.Scheme.FormulaUnknown";
    public const string SchemeFormulaConstant = "Rule.Scheme.FormulaConstant";
    public const string SchemeNoAdjustments = "Rule.Scheme.NoAdjustments";
    public const string SchemeAdjustmentBound = "Rule.Scheme.AdjustmentBound";
    public const string SchemeReviewKindMissing = "Rule.Scheme.ReviewKindMissing";
    public const string SchemeShare = "Rule.Scheme.Share";
    public const string SchemeCandidates = "Rule.Scheme.Candidates";
    public const string SchemeUnexpected = "Rule.Scheme.Unexpected";
    public const string SchemeTieRuleUnknown = "Rule.Scheme.TieRuleUnknown";

    public const string ScoreAboveMaximum = "Rule.Evaluation.ScoreAboveMaximum";
    public const string ScoreNegative = "Rule.Evaluation.ScoreNegative";
    public const string ScoreMissing = "Rule.Evaluation.ScoreMissing";
    public const string ScoreUnknownItem = "Rule.Evaluation.ScoreUnknownItem";
    public const string ScoreUnknownBid = "Rule.Evaluation.ScoreUnknownBid";
    public const string AdjustmentOutOfBounds = "Rule.Evaluation.AdjustmentOutOfBounds";
    public const string NotMember = "Rule.Evaluation.NotMember";
    public const string NotCheckedIn = "Rule.Evaluation.NotCheckedIn";
    public const string SessionClosed = "Rule.Evaluation.SessionClosed";
    public const string NotYourSheet = "Rule.Evaluation.NotYourSheet";
    public const string SheetCommitted = "Rule.Evaluation.SheetCommitted";
    public const string NotAllCommitted = "Rule.Evaluation.NotAllCommitted";
    public const string DeviationReasonMissing = "Rule.Evaluation.DeviationReasonMissing";
    public const string NoSuchDeviation = "Rule.Evaluation.NoSuchDeviation";
    public const string ReasonLength = "Rule.Evaluation.ReasonLength";
    public const string ReasonGiven = "Rule.Evaluation.ReasonGiven";
    public const string SchemeMethodMismatch = "Rule.Scheme.MethodMismatch";
    public const string AlreadyVoted = "Rule.Evaluation.AlreadyVoted";
    public const string NoSuchSeat = "Rule.Evaluation.NoSuchSeat";
    public const string ChairNotElected = "Rule.Evaluation.ChairNotElected";
    public const string NotChair = "Rule.Evaluation.NotChair";
    public const string ReviewDecided = "Rule.Evaluation.ReviewDecided";
    public const string ReviewIncomplete = "Rule.Evaluation.ReviewIncomplete";
    public const string RejectionRuleMissing = "Rule.Evaluation.RejectionRuleMissing";
    public const string ReauthenticationFailed = "Rule.Evaluation.ReauthenticationFailed";
    public const string ReportSigned = "Rule.Evaluation.ReportSigned";
    public const string MemberSignatureMissing = "Rule.Evaluation.MemberSignatureMissing";
    public const string MemberRequestInvalid = "Rule.Evaluation.MemberRequestInvalid";
    public const string MemberStatementMalformed = "Rule.Evaluation.MemberStatementMalformed";
    public const string MemberStatementContent = "Rule.Evaluation.MemberStatementContent";
    public const string MemberStatementSession = "Rule.Evaluation.MemberStatementSession";
    public const string MemberStatementSeat = "Rule.Evaluation.MemberStatementSeat";
    public const string MemberStatementDissent = "Rule.Evaluation.MemberStatementDissent";
    public const string MemberSignatureInvalid = "Rule.Evaluation.MemberSignatureInvalid";
    public const string MemberKeyReused = "Rule.Evaluation.MemberKeyReused";
    public const string NoValidBids = "Rule.Evaluation.NoValidBids";
    public const string SheetAltered = "Rule.Evaluation.SheetAltered";
    /// <summary>A clarification question or answer that is empty or longer than <see cref="ClarificationRules.MaxText"/>.</summary>
    public const string ClarificationText = "Rule.Evaluation.ClarificationText";
    /// <summary>The answer deadline is outside <see cref="ClarificationRules.MinMinutes"/>..<see cref="ClarificationRules.MaxMinutes"/> or after the session's end.</summary>
    public const string ClarificationDeadline = "Rule.Evaluation.ClarificationDeadline";
    /// <summary>Past the answer deadline, or answered already: an answer is given once and never changed.</summary>
    public const string ClarificationClosed = "Rule.Evaluation.ClarificationClosed";
    /// <summary>A question to a bid the committee is not evaluating (another lot, or rejected).</summary>
    public const string ClarificationUnknownBid = "Rule.Evaluation.ClarificationUnknownBid";
    /// <summary>Only the bidder whose bid is asked about answers.</summary>
    public const string ClarificationNotYourBid = "Rule.Evaluation.ClarificationNotYourBid";
}

/// <summary>What a clarification (评标澄清) may be: one rule for the room, the bidder's page and the API.</summary>
public static class ClarificationRules
{
    public const int MaxText = 4000;
    public const int MinMinutes = 10;
    public const int MaxMinutes = 24 * 60;

    /// <summary>The chair's question: some text, a deadline the bidder can meet that ends before the session does.</summary>
    public static RuleViolation? CheckQuestion(string? question, int minutes, DateTime nowUtc, DateTime sessionEndsAt)
    {
        if (string.IsNullOrWhiteSpace(question) || question.Trim().Length > MaxText) return new RuleViolation(EvaluationRules.ClarificationText, MaxText);
        if (minutes < MinMinutes || minutes > MaxMinutes || nowUtc.AddMinutes(minutes) > sessionEndsAt)
            return new RuleViolation(EvaluationRules.ClarificationDeadline, MinMinutes, MaxMinutes, sessionEndsAt);
        return null;
    }

    /// <summary>The bidder's answer: once, before the deadline, with some text.</summary>
    public static RuleViolation? CheckAnswer(BidClarification c, string? answer, DateTime nowUtc)
    {
        if (c.Answer is not null || nowUtc > c.AnswerBy) return new RuleViolation(EvaluationRules.ClarificationClosed, c.AnswerBy);
        if (string.IsNullOrWhiteSpace(answer) || answer.Trim().Length > MaxText) return new RuleViolation(EvaluationRules.ClarificationText, MaxText);
        return null;
    }
}

/// <summary>The checks a scoring scheme must pass before the tender's documents can be filed.</summary>
public static partial class ScoringSchemeValidation
{
    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,31}$")]
    private static partial Regex CodePattern();

    public static List<RuleViolation> Validate(ScoringScheme s)
    {
        var errors = new List<RuleViolation>();
        if (!Enum.IsDefined(s.Method))
        {
            errors.Add(new RuleViolation(EvaluationRules.SchemeMissing));
            return errors;
        }
        if (s.Method == EvaluationMethod.ComprehensiveScoring)
            ValidateComprehensive(s, errors);
        else
            ValidateLowestPrice(s, errors);

        foreach (var kind in Enum.GetValues<ReviewKind>())
            if (!s.ReviewItems.Any(r => r.Kind == kind))
                errors.Add(new RuleViolation(EvaluationRules.SchemeReviewKindMissing, "ReviewKind." + kind));
        foreach (var r in s.ReviewItems)
            CheckNamed(r.Code, r.Name, errors);
        CheckUnique(s.ReviewItems.Select(r => r.Code), errors);

        if (s.AbnormallyLowShare <= 0 || s.AbnormallyLowShare >= 1)
            errors.Add(new RuleViolation(EvaluationRules.SchemeShare, "AbnormallyLowShare", Percent(s.AbnormallyLowShare)));
        if (s.DeviationShare <= 0 || s.DeviationShare >= 1)
            errors.Add(new RuleViolation(EvaluationRules.SchemeShare, "DeviationShare", Percent(s.DeviationShare)));
        if (s.Candidates is < 1 or > 3)
            errors.Add(new RuleViolation(EvaluationRules.SchemeCandidates, s.Candidates));
        if (!Enum.IsDefined(s.TieRule))
            errors.Add(new RuleViolation(EvaluationRules.SchemeTieRuleUnknown));
        return errors;
    }

    private static void ValidateComprehensive(ScoringScheme s, List<RuleViolation> errors)
    {
        if (s.Adjustments.Count > 0)
            errors.Add(new RuleViolation(EvaluationRules.SchemeUnexpected, "Adjustments"));
        var prices = s.Items.Count(i => i.Group == ScoringGroup.Price);
        if (prices == 0) errors.Add(new RuleViolation(EvaluationRules.SchemeNoPriceItem));
        if (prices > 1) errors.Add(new RuleViolation(EvaluationRules.SchemeTwoPriceItems, prices));
        if (!s.ExpertItems.Any()) errors.Add(new RuleViolation(EvaluationRules.SchemeNoExpertItems));
        foreach (var i in s.Items)
        {
            CheckNamed(i.Code, i.Name, errors);
            if (!Enum.IsDefined(i.Group) || i.MaxPoints <= 0 || decimal.Round(i.MaxPoints, 2) != i.MaxPoints)
                errors.Add(new RuleViolation(EvaluationRules.SchemeItemPoints, i.Code, Points(i.MaxPoints)));
        }
        CheckUnique(s.Items.Select(i => i.Code), errors);
        var total = s.Items.Sum(i => i.MaxPoints);
        if (total != ScoringScheme.TotalPoints)
            errors.Add(new RuleViolation(EvaluationRules.SchemePointsTotal, Points(total), Points(ScoringScheme.TotalPoints)));
        switch (s.Formula)
        {
            case PriceFormula.LowestPriceRatio:
                break;
            case PriceFormula.BenchmarkDeduction:
                // K outside 0.8-1.2 or a deduction of more than 10 points per 1% is not a formula any centre uses:
                // it is a typo that would decide the tender on price alone.
                if (s.BenchmarkFactor is < 0.8m or > 1.2m)
                    errors.Add(new RuleViolation(EvaluationRules.SchemeFormulaConstant, "K", s.BenchmarkFactor.ToString(CultureInfo.InvariantCulture)));
                if (s.DeductionAbovePerPercent is <= 0 or > 10)
                    errors.Add(new RuleViolation(EvaluationRules.SchemeFormulaConstant, "E", s.DeductionAbovePerPercent.ToString(CultureInfo.InvariantCulture)));
                if (s.DeductionBelowPerPercent is < 0 or > 10)
                    errors.Add(new RuleViolation(EvaluationRules.SchemeFormulaConstant, "E'", s.DeductionBelowPerPercent.ToString(CultureInfo.InvariantCulture)));
                break;
            default:
                errors.Add(new RuleViolation(EvaluationRules.SchemeFormulaUnknown, ((int)s.Formula).ToString(CultureInfo.InvariantCulture)));
                break;
        }
    }

    private static void ValidateLowestPrice(ScoringScheme s, List<RuleViolation> errors)
    {
        if (s.Items.Count > 0)
            errors.Add(new RuleViolation(EvaluationRules.SchemeUnexpected, "Items"));
        if (s.Adjustments.Count == 0)
            errors.Add(new RuleViolation(EvaluationRules.SchemeNoAdjustments));
        foreach (var a in s.Adjustments)
        {
            CheckNamed(a.Code, a.Name, errors);
            if (a.MaxFen <= 0)
                errors.Add(new RuleViolation(EvaluationRules.SchemeAdjustmentBound, a.Code, Money.Yuan(a.MaxFen)));
        }
        CheckUnique(s.Adjustments.Select(a => a.Code), errors);
    }

    private static void CheckNamed(string code, string name, List<RuleViolation> errors)
    {
        if (!CodePattern().IsMatch(code ?? ""))
            errors.Add(new RuleViolation(EvaluationRules.SchemeCodeInvalid, code ?? ""));
        if (string.IsNullOrWhiteSpace(name) || name.Length > 200)
            errors.Add(new RuleViolation(EvaluationRules.SchemeItemName, code ?? "", 200));
    }

    private static void CheckUnique(IEnumerable<string> codes, List<RuleViolation> errors)
    {
        foreach (var dup in codes.GroupBy(c => c).Where(g => g.Count() > 1))
            errors.Add(new RuleViolation(EvaluationRules.SchemeCodeDuplicate, dup.Key));
    }

    internal static string Points(decimal p) => p.ToString("0.##", CultureInfo.InvariantCulture);
    internal static string Percent(decimal share) => (share * 100).ToString("0.##", CultureInfo.InvariantCulture) + "%";
}
