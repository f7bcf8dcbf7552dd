using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;

namespace Trading.Web.Features.Experts;

/// <summary>
/// The specialty classification and the administrative divisions, with their Chinese and English names, from
/// <c>classifications.json</c> (which names its sources). Codes are what draws and records use; people see names.
/// The names live in the data file rather than the resx files because they are reference data a centre extends
/// from the published tables, not page text.
/// </summary>
public static class ExpertCatalogue
{
    public sealed record Entry(string Code, string Zh, string En)
    {
        public string Name => CultureInfo.CurrentUICulture.Name.StartsWith("en", StringComparison.Ordinal) ? En : Zh;
    }


    private static readonly (List<Entry> Categories, List<Entry> Fields, List<Entry> Regions, string SpecialtySource, string RegionSource) Data = Load();

    private static (List<Entry>, List<Entry>, List<Entry>, string, string) Load()
    {
        using var stream = typeof(ExpertCatalogue).Assembly.GetManifestResourceStream("Trading.Web.classifications.json")
            ?? throw new InvalidOperationException("classifications.json is not embedded");
        using var doc = JsonDocument.Parse(stream);
        static List<Entry> Read(JsonElement a) => a.EnumerateArray()
            .Select(x => new Entry(x.GetProperty("code").GetString()!, x.GetProperty("zh").GetString()!, x.GetProperty("en").GetString()!)).ToList();
        var sp = doc.RootElement.GetProperty("specialties");
        var rg = doc.RootElement.GetProperty("regions");
        return (Read(sp.GetProperty("categories")), Read(sp.GetProperty("fields")), Read(rg.GetProperty("divisions")),
            sp.GetProperty("source").GetString()!, rg.GetProperty("source").GetString()!);
    }

    public static IReadOnlyList<string> Specialties { get; } = Data.Fields.Select(f => f.Code).ToList();
    public static IReadOnlyList<Entry> SpecialtyEntries => Data.Fields;
    public static IReadOnlyList<Entry> CategoryEntries => Data.Categories;
    public static IEnumerable<string> Categories => Data.Categories.Select(c => c.Code);

    /// <summary>Every division, provinces and cities included (a region rule may name any level).</summary>
    public static IReadOnlyList<Entry> RegionEntries => Data.Regions;

    /// <summary>The lowest level, where an expert is registered.</summary>
    public static IReadOnlyList<string> Regions { get; } = Data.Regions.Where(r => r.Code.Count(c => c == '/') == 2).Select(r => r.Code).ToList();

    public static string SpecialtySource => Data.SpecialtySource;
    public static string RegionSource => Data.RegionSource;

    /// <summary>A specialty or a pattern "category/*" by name; an unknown code is shown as it is.</summary>
    public static string SpecialtyName(string code)
    {
        if (code.EndsWith("/*", StringComparison.Ordinal))
            return Data.Categories.FirstOrDefault(c => c.Code == code[..^2])?.Name ?? code;
        return Data.Fields.FirstOrDefault(f => f.Code == code)?.Name ?? code;
    }

    public static string CategoryName(string code) => Data.Categories.FirstOrDefault(c => c.Code == code)?.Name ?? code;

    /// <summary>A region as its path of names ("福建省 福州市 鼓楼区"); an unknown code is shown as it is.</summary>
    public static string RegionName(string code)
    {
        var entry = Data.Regions.FirstOrDefault(r => r.Code == code);
        if (entry is null) return code;
        var names = new List<string>();
        var parts = code.Split('/');
        for (var i = 1; i <= parts.Length; i++)
        {
            var prefix = string.Join('/', parts[..i]);
            if (Data.Regions.FirstOrDefault(r => r.Code == prefix) is { } e) names.Add(e.Name);
        }
        return string.Join(' ', names);
    }

    private static readonly System.Resources.ResourceManager Strings = new("Trading.Web.Resources.SharedResource", typeof(ExpertCatalogue).Assembly);
    private static readonly CultureInfo[] UiCultures = [CultureInfo.GetCultureInfo("zh-CN"), CultureInfo.GetCultureInfo("en")];

    /// <summary>An interest kind in the reader's language (the profile's text lines show names, not enum codes).</summary>
    public static string InterestName(Trading.ExpertPool.RelationshipKind kind) =>
        Strings.GetString("Experts.Interest." + kind, CultureInfo.CurrentUICulture) ?? kind.ToString();

    /// <summary>Reads an interest kind typed in either language, or its code (older lines and scripts).</summary>
    public static bool TryParseInterest(string text, out Trading.ExpertPool.RelationshipKind kind)
    {
        var t = text.Trim();
        if (Enum.TryParse(t, true, out kind) && Enum.IsDefined(kind)) return true;
        foreach (var k in Enum.GetValues<Trading.ExpertPool.RelationshipKind>())
            foreach (var c in UiCultures)
                if (string.Equals(Strings.GetString("Experts.Interest." + k, c), t, StringComparison.OrdinalIgnoreCase)) { kind = k; return true; }
        return false;
    }

    public static readonly IReadOnlyList<string> DeclineReasons = Trading.ExpertPool.DrawRequest.DefaultDeclineReasons;
}

/// <summary>
/// Resident ID numbers (居民身份证号码): checked (GB 11643 check digit), stored only protected with ASP.NET
/// Data Protection (keys in the database), shown masked.
/// </summary>
public sealed class ExpertIdNumbers(IDataProtectionProvider provider)
{
    private readonly IDataProtector _protector = provider.CreateProtector("Trading.Experts.IdNumber.v1");

    public string Protect(string idNumber) => _protector.Protect(Normalize(idNumber));
    public string Unprotect(string protectedValue) => _protector.Unprotect(protectedValue);

    public static string Normalize(string idNumber) => idNumber.Trim().ToUpperInvariant();

    /// <summary>First four and last four shown, the rest starred: enough for a person to recognise, useless to misuse.</summary>
    public static string Mask(string idNumber)
    {
        var n = Normalize(idNumber);
        return n.Length < 8 ? new string('*', n.Length) : n[..4] + new string('*', n.Length - 8) + n[^4..];
    }

    public static bool IsValid(string? idNumber)
    {
        if (idNumber is null) return false;
        var n = Normalize(idNumber);
        if (n.Length != 18 || !n[..17].All(char.IsAsciiDigit)) return false;
        if (!DateOnly.TryParseExact(n[6..14], "yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out _)) return false;
        return n[17] == CheckDigit(n[..17]);
    }

    public static char CheckDigit(string first17)
    {
        int[] weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
        var sum = 0;
        for (var i = 0; i < 17; i++) sum += (first17[i] - '0') * weights[i];
        return "10X98765432"[sum % 11];
    }
}
