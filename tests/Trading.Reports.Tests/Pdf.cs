using UglyToad.PdfPig;
using UglyToad.PdfPig.Content;

namespace Trading.Reports.Tests;

/// <summary>Reads a rendered report back, page by page, as the text a reader's copy-paste would give.</summary>
internal static class Pdf
{
    public static IReadOnlyList<string> Pages(byte[] pdf, string? name = null)
    {
        // REPORTS_DUMP=/some/dir keeps the rendered files, to look at them (pdftoppm) when a layout test fails.
        var dump = Environment.GetEnvironmentVariable("REPORTS_DUMP");
        if (name is not null && !string.IsNullOrEmpty(dump))
            File.WriteAllBytes(Path.Combine(dump, name + ".pdf"), pdf);
        using var doc = PdfDocument.Open(pdf);
        return doc.GetPages().Select(p => p.Text).ToList();
    }

    public static IReadOnlyList<(double Width, double Height, IReadOnlyList<Letter> Letters)> Layout(byte[] pdf)
    {
        using var doc = PdfDocument.Open(pdf);
        return doc.GetPages().Select(p => (p.Width, p.Height, (IReadOnlyList<Letter>)p.Letters.ToList())).ToList();
    }

    public static string? Title(byte[] pdf)
    {
        using var doc = PdfDocument.Open(pdf);
        return doc.Information.Title;
    }

    // Wrapping drops the spaces where lines break and draws lines as separate strings, so compare without spaces.
    public static string Squash(string s) => string.Concat(s.Where(c => !char.IsWhiteSpace(c)));

    public static int Count(string haystack, string needle)
    {
        var n = 0;
        for (var i = haystack.IndexOf(needle, StringComparison.Ordinal); i >= 0; i = haystack.IndexOf(needle, i + needle.Length, StringComparison.Ordinal))
            n++;
        return n;
    }
}
