using System.Globalization;
using System.Text.Json;
using Trading.Domain.Integrity;
using Trading.Integrity;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Integrity;

/// <summary>
/// Renders stored message keys in the viewer's language: Trading.Integrity's own table for the screens' texts, the app's
/// resources for its notes. The screens name firms by platform id; the page shows their registered names instead.
/// </summary>
public static class IntegrityText
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static string Render(TextRef r, Texts t, IReadOnlyDictionary<Guid, string> names) =>
        Names(r.Web ? t[r.Key, r.Args.Cast<object>().ToArray()] : new LocalizedText(r.Key, r.Args).For(CultureInfo.CurrentUICulture.Name), names);

    public static string Explanation(IntegrityFinding f, IReadOnlyDictionary<Guid, string> names) =>
        Names(new LocalizedText(f.ExplanationKey, JsonSerializer.Deserialize<List<string>>(f.ExplanationArgsJson, Json) ?? []).For(CultureInfo.CurrentUICulture.Name), names);

    public static string Names(string text, IReadOnlyDictionary<Guid, string> names)
    {
        foreach (var (id, name) in names)
            text = text.Replace(id.ToString(), name, StringComparison.OrdinalIgnoreCase);
        return text;
    }

    public static string Firms(IntegrityFinding f, IReadOnlyDictionary<Guid, string> names) =>
        string.Join(CultureInfo.CurrentUICulture.Name.StartsWith("zh", StringComparison.Ordinal) ? "、" : ", ", f.Firms.Select(id => names.GetValueOrDefault(id, id.ToString())));

    public static string Grade(FindingGrade g, Texts t) => t[$"Integrity.Grade.{g}"];

    public static string GradeClass(FindingGrade g) => g == FindingGrade.Conclusive ? "text-bg-danger" : "text-bg-warning";

    /// <summary>An indicator's name ("L3" → "same project manager"); unknown ids show as themselves.</summary>
    public static string Indicator(string id, Texts t)
    {
        var key = $"Integrity.Indicator.{id}";
        var s = t[key];
        return s == key ? id : s;
    }

    public static string EvidenceKind(string kind, Texts t)
    {
        var key = $"Integrity.Evidence.{kind}";
        var s = t[key];
        return s == key ? kind : s;
    }

    public static string Number(double? v, string format = "0.####") => v is { } d ? d.ToString(format, CultureInfo.InvariantCulture) : "–";
}
