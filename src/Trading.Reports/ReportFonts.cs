using PdfSharp.Drawing;
using PdfSharp.Fonts;

namespace Trading.Reports;

/// <summary>
/// Finds the CJK font reports are set in and installs it into PDFsharp. Every family name resolves to this
/// one face: it carries Latin glyphs too, and a report never falls back to a font without Chinese.
/// </summary>
public static class ReportFonts
{
    /// <summary>The family name the report layout asks PDFsharp for.</summary>
    public const string FamilyName = "Trading Report Sans";

    /// <summary>Environment variable naming a font file (.ttf, or .ttc for its first face; "file.ttc#1" picks another face).</summary>
    public const string EnvironmentVariable = "TRADING_REPORT_FONT";

    internal const string FaceName = "TradingReportSans";

    private static readonly Lock Gate = new();
    private static string? fontPath;
    private static byte[]? fontData;
    private static string? loadedFrom;
    private static bool installed;

    /// <summary>
    /// A centre's own font file, taking precedence over every other location. Set it before the first report is
    /// rendered; the font is read once per process.
    /// </summary>
    public static string? FontPath
    {
        get { lock (Gate) return fontPath; }
        set
        {
            lock (Gate)
            {
                if (fontData is not null && !string.Equals(value, fontPath, StringComparison.Ordinal))
                    throw new InvalidOperationException($"The report font was already loaded from '{loadedFrom}'; set ReportFonts.FontPath before the first report is rendered.");
                fontPath = value;
            }
        }
    }

    /// <summary>Where the font in use was read from, or null before the first report.</summary>
    public static string? LoadedFrom
    {
        get { lock (Gate) return loadedFrom; }
    }

    /// <summary>The locations searched, in order: explicit path, environment variable, next to the app, system fonts.</summary>
    public static IReadOnlyList<string> Candidates()
    {
        var list = new List<string>();
        lock (Gate)
        {
            if (!string.IsNullOrWhiteSpace(fontPath))
                list.Add(fontPath);
        }
        var env = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(env))
            list.Add(env);
        // A centre that ships its own font drops it here; walking up also finds it from a test's bin folder.
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            list.Add(Path.Combine(dir.FullName, "fonts", "report.ttf"));
            list.Add(Path.Combine(dir.FullName, "fonts", "report.ttc"));
        }
        // No npm package carries a free TrueType-outline Simplified Chinese font (see TrueTypeCollection), so
        // the default is Debian's fonts-wqy-microhei, which .ci/run installs; the others are fallbacks.
        list.Add("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc");
        list.Add("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc");
        list.Add("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf");
        var windows = Environment.GetFolderPath(Environment.SpecialFolder.Fonts);
        if (!string.IsNullOrEmpty(windows))
        {
            list.Add(Path.Combine(windows, "msyh.ttc"));
            list.Add(Path.Combine(windows, "simhei.ttf"));
        }
        return list;
    }

    /// <summary>Reads a font file into a standalone TrueType font; a ".ttc#N" suffix selects face N of a collection.</summary>
    public static byte[] ReadFontFile(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var face = 0;
        var hash = path.LastIndexOf('#');
        if (hash > 0 && int.TryParse(path.AsSpan(hash + 1), out var n))
        {
            face = n;
            path = path[..hash];
        }
        var bytes = File.ReadAllBytes(path);
        if (TrueTypeCollection.IsCollection(bytes))
            return TrueTypeCollection.ExtractFace(bytes, face);
        TrueTypeCollection.EnsureTrueTypeOutlines(bytes);
        return bytes;
    }

    /// <summary>Loads the font and registers the resolver with PDFsharp; safe to call from many threads.</summary>
    /// <exception cref="InvalidOperationException">No usable font was found, or another font resolver is installed.</exception>
    public static void EnsureInstalled()
    {
        lock (Gate)
        {
            if (installed)
                return;
            LoadLocked();
            // PDFsharp allows its global resolver to be set once, before any font is used.
            var current = GlobalFontSettings.FontResolver;
            if (current is null)
                GlobalFontSettings.FontResolver = Resolver.Instance;
            else if (current is not Resolver)
                throw new InvalidOperationException($"Another PDFsharp font resolver ({current.GetType().FullName}) is installed; reports need ReportFonts' resolver, which serves the CJK font.");
            installed = true;
        }
    }

    private static void LoadLocked()
    {
        if (fontData is not null)
            return;
        fontData = Load(Candidates(), out var from);
        loadedFrom = from;
    }

    /// <summary>Reads the first usable font among <paramref name="candidates"/>.</summary>
    /// <exception cref="InvalidOperationException">None is usable; the message lists each and names the fix.</exception>
    internal static byte[] Load(IEnumerable<string> candidates, out string loadedFrom)
    {
        var tried = new List<string>();
        foreach (var candidate in candidates)
        {
            var file = candidate.Split('#')[0];
            if (!File.Exists(file))
            {
                tried.Add(candidate + " (absent)");
                continue;
            }
            try
            {
                var data = ReadFontFile(candidate);
                loadedFrom = candidate;
                return data;
            }
            catch (Exception e) when (e is InvalidDataException or IOException or ArgumentOutOfRangeException or UnauthorizedAccessException)
            {
                tried.Add($"{candidate} ({e.Message})");
            }
        }
        throw new InvalidOperationException(
            "No TrueType-outline CJK font for PDF reports was found. Fix: install the Debian package fonts-wqy-microhei " +
            $"(apt-get install fonts-wqy-microhei), or set ReportFonts.FontPath or the {EnvironmentVariable} environment variable " +
            "to a .ttf/.ttc with TrueType (glyf) outlines and Chinese glyphs. Tried: " + string.Join("; ", tried));
    }

    private static byte[] Data()
    {
        lock (Gate)
        {
            LoadLocked();
            return fontData!;
        }
    }

    /// <summary>PDFsharp's hook: every family and style maps to the one face; bold and italic are simulated.</summary>
    internal sealed class Resolver : IFontResolver
    {
        public static readonly Resolver Instance = new();

        public FontResolverInfo? ResolveTypeface(string familyName, bool bold, bool italic)
        {
            var simulation = (bold, italic) switch
            {
                (true, true) => XStyleSimulations.BoldItalicSimulation,
                (true, false) => XStyleSimulations.BoldSimulation,
                (false, true) => XStyleSimulations.ItalicSimulation,
                _ => XStyleSimulations.None,
            };
            return new FontResolverInfo(FaceName, simulation);
        }

        public byte[]? GetFont(string faceName) => faceName == FaceName ? Data() : null;
    }
}
