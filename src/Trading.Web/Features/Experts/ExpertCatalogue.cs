using Microsoft.AspNetCore.DataProtection;

namespace Trading.Web.Features.Experts;

/// <summary>
/// The two-level specialty classification (category / field) and the region codes the demo centre uses.
/// Names are shown through resources (Experts.Specialty.{code}); codes are what draws and records use.
/// </summary>
public static class ExpertCatalogue
{
    public static readonly IReadOnlyList<string> Specialties =
    [
        "construction/civil-works", "construction/building", "construction/road-bridge", "construction/municipal",
        "construction/water", "construction/installation", "construction/decoration",
        "economics/cost", "economics/finance", "economics/procurement",
        "goods/medical-equipment", "goods/it", "goods/vehicles",
        "services/property", "services/consulting",
    ];

    public static IEnumerable<string> Categories => Specialties.Select(s => s[..s.IndexOf('/', StringComparison.Ordinal)]).Distinct();

    /// <summary>Region codes, levels separated by '/': the demo city "sf" and two others.</summary>
    public static readonly IReadOnlyList<string> Regions = ["sf/gulou", "sf/taijiang", "sf/cangshan", "sf/jinan", "xm/siming", "qz/fengze"];

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
