using System.Globalization;
using System.Text.Json.Serialization;

namespace Trading.Integrity;

/// <summary>How much weight a finding carries (docs/design/COLLUSION.md).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<Grade>))]
public enum Grade
{
    /// <summary>线索级: a signal a person must judge.</summary>
    Lead,
    /// <summary>认定级: a fact the regulations treat as collusion or as making bids invalid.</summary>
    Conclusive,
}

/// <summary>
/// User-facing text as a message key with arguments; <see cref="En"/> and <see cref="ZhCn"/> render it
/// from the library's resource table so a web app can either store the key or show either language.
/// </summary>
public sealed record LocalizedText(string Key, IReadOnlyList<string> Args)
{
    /// <summary>Creates a text from a key and its arguments.</summary>
    public static LocalizedText Of(string key, params object?[] args) =>
        new(key, args.Select(a => Convert.ToString(a, CultureInfo.InvariantCulture) ?? "").ToArray());

    /// <summary>English rendering.</summary>
    public string En => Messages.Render(Key, Args, Messages.English);

    /// <summary>Simplified Chinese rendering.</summary>
    public string ZhCn => Messages.Render(Key, Args, Messages.Chinese);

    /// <summary>Renders for a culture name ("zh-CN", "zh", anything else gives English).</summary>
    public string For(string culture) =>
        culture.StartsWith("zh", StringComparison.OrdinalIgnoreCase) ? ZhCn : En;

    /// <inheritdoc/>
    public override string ToString() => En;
}

/// <summary>One piece of evidence: a value, a passage, a page.</summary>
/// <param name="Kind">What it is, e.g. "agent.phone", "price", "passage", "sha256", "author".</param>
/// <param name="FirmId">The bidder it belongs to, if one.</param>
/// <param name="BidId">The bid it comes from, if one.</param>
/// <param name="Value">The value (a phone number, a price, a hash, a statistic).</param>
/// <param name="FileName">Attachment it was found in.</param>
/// <param name="Page">1-based page in that attachment, when known.</param>
public sealed record Evidence(
    string Kind,
    string? FirmId = null,
    string? BidId = null,
    string? Value = null,
    string? FileName = null,
    int? Page = null);

/// <summary>A collusion finding: indicator, grade, bidders, evidence and a plain explanation.</summary>
public sealed record Finding
{
    /// <summary>Indicator id from docs/design/COLLUSION.md: L1, L1b, L2, L3, L4a, L4b, L5, L6, L7, PS, H1..H5.</summary>
    public required string IndicatorId { get; init; }
    /// <summary>Grade.</summary>
    public required Grade Grade { get; init; }
    /// <summary>What the finding rests on within the indicator, e.g. "a.phone", "sha256", "passages", "author".</summary>
    public required string Basis { get; init; }
    /// <summary>The lot, for lot screens; null for history patterns.</summary>
    public string? LotId { get; init; }
    /// <summary>The bidders involved, sorted.</summary>
    public required IReadOnlyList<string> FirmIds { get; init; }
    /// <summary>The evidence.</summary>
    public required IReadOnlyList<Evidence> Evidence { get; init; }
    /// <summary>Plain explanation in zh-CN and en.</summary>
    public required LocalizedText Explanation { get; init; }
    /// <summary>Strength for ranking leads (larger is stronger; meaning depends on the indicator).</summary>
    public double Score { get; init; }

    /// <summary>Stable id, so a supervisor's confirm/dismiss decision can be stored against it.</summary>
    public string Id => $"{IndicatorId}|{Basis}|{LotId}|{string.Join('+', FirmIds)}";

    internal static Finding Make(string indicator, string basis, Grade grade, string? lotId, IEnumerable<string> firms,
        IEnumerable<Evidence> evidence, LocalizedText explanation, double score = 0) => new()
    {
        IndicatorId = indicator,
        Basis = basis,
        Grade = grade,
        LotId = lotId,
        FirmIds = firms.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray(),
        Evidence = evidence.ToArray(),
        Explanation = explanation,
        Score = score,
    };

    internal static string JoinFirms(IEnumerable<string> firms) => string.Join(", ", firms.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));
}

/// <summary>Whether a screen could run.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ScreenStatus>))]
public enum ScreenStatus
{
    /// <summary>The screen ran (it may or may not have found something).</summary>
    Ran,
    /// <summary>The data it needs is missing or too thin; no finding is possible from it.</summary>
    NotEnoughData,
}

/// <summary>Outcome of one screen for one lot or one history.</summary>
public sealed record ScreenOutcome(string IndicatorId, ScreenStatus Status, LocalizedText? Note = null);

/// <summary>A note about input that was skipped (a malformed attachment, an unreadable format).</summary>
public sealed record InputNote(string? BidId, string? FileName, LocalizedText Message);

/// <summary>One price screen value with its percentile among comparable past lots.</summary>
/// <param name="Screen">CV, SPD, DIFFP, RD, RDNOR, RDALT, KURT, SKEW.</param>
/// <param name="Value">Value, null when the lot has too few bids for it.</param>
/// <param name="Percentile">0..100 among comparable past lots; null without a baseline.</param>
/// <param name="BaselineSize">How many past lots the percentile compares with.</param>
public sealed record PriceScreenValue(string Screen, double? Value, double? Percentile, int BaselineSize);

/// <summary>All screens for one lot.</summary>
public sealed record LotScreenReport(
    string LotId,
    int BidCount,
    IReadOnlyList<Finding> Findings,
    IReadOnlyList<ScreenOutcome> Outcomes,
    IReadOnlyList<PriceScreenValue> PriceScreens,
    IReadOnlyList<InputNote> Notes);

/// <summary>A pair of firms that bid together more often than chance (H3 evidence, also for a network view).</summary>
public sealed record CoBiddingPair(string FirmA, string FirmB, int Together, double Expected, double PValue);

/// <summary>Results of the history screens.</summary>
public sealed record HistoryScreenReport(
    IReadOnlyList<Finding> Findings,
    IReadOnlyList<ScreenOutcome> Outcomes,
    IReadOnlyList<CoBiddingPair> CoBiddingPairs)
{
    /// <summary>The history findings that involve at least <paramref name="minFirms"/> of the given bidders (e.g. a lot's).</summary>
    public IReadOnlyList<Finding> ForFirms(IEnumerable<string> firmIds, int minFirms = 1)
    {
        var set = firmIds.ToHashSet(StringComparer.Ordinal);
        return Findings.Where(f => f.FirmIds.Count(set.Contains) >= minFirms).ToList();
    }
}
