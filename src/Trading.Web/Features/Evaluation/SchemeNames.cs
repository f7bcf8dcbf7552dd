using Trading.Domain.Evaluation;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Evaluation;

/// <summary>
/// Names of the scoring table's rows on the committee's pages: a row the owner left as the starting table named it (both
/// languages in one) reads in the reader's language; a name the owner typed is the owner's and is shown as typed.
/// </summary>
public static class SchemeNames
{
    /// <summary>The scheme's row <paramref name="code"/> by its name (in the reader's language when untouched), never by its code.</summary>
    public static string Item(this Texts t, ScoringScheme scheme, string code) => scheme.NameOf(code) is { } name ? t.Item(code, name) : code;

    public static string Item(this Texts t, string code, string name)
    {
        if (ScoringScheme.TemplateName(code) != name) return name;
        var key = "Evaluation.Item." + code;
        var text = t[key];
        return text == key ? name : text;
    }
}
