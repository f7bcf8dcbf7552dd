using UglyToad.PdfPig;

namespace Trading.Reports.Tests;

/// <summary>Reads a rendered report back, page by page, as the text a reader's copy-paste would give.</summary>
internal static class Pdf
{
    public static IReadOnlyList<string> Pages(byte[] pdf)
    {
        using var doc = PdfDocument.Open(pdf);
        return doc.GetPages().Select(p => p.Text).ToList();
    }

    // Wrapping drops the spaces where lines break and draws lines as separate strings, so compare without spaces.
    public static string Squash(string s) => string.Concat(s.Where(c => !char.IsWhiteSpace(c)));
}
