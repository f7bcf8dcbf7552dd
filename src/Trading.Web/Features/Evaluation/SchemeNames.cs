using Trading.Domain.Evaluation;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Evaluation;

/// <summary>
/// Names of the scoring table's rows on the committee's pages: a row the owner left as the starting table named it (both
/// languages in one) reads in the reader's language; a name the owner typed is the owner's and is shown as typed.
/// </summary>
public static class SchemeNames
{
    public static string Item(this Texts t, string code, string name)
    {
        if (ScoringScheme.TemplateName(code) != name) return name;
        var key = "Evaluation.Item." + code;
        var text = t[key];
        return text == key ? name : text;
    }
}
