using Trading.Domain;

namespace Trading.Web.Features.Firms;

/// <summary>The registration form as posted by the page and the API (multipart), parsed into a <see cref="FirmRegistration"/>.</summary>
public sealed class FirmRegistrationForm
{
    public string Name { get; set; } = "";
    public string CreditCode { get; set; } = "";
    public string LegalRepresentative { get; set; } = "";
    public string? Address { get; set; }
    public string ContactName { get; set; } = "";
    public string ContactPhone { get; set; } = "";
    public string ContactEmail { get; set; } = "";
    public string? QualificationSummary { get; set; }
    /// <summary>"Name:percent" per line.</summary>
    public string? Shareholders { get; set; }
    public string UserName { get; set; } = "";
    public string UserDisplayName { get; set; } = "";
    public string Password { get; set; } = "";

    public FirmRegistration ToRegistration() => new(Name, CreditCode, LegalRepresentative, Address, ContactName, ContactPhone, ContactEmail,
        QualificationSummary, ParseShareholders(Shareholders), UserName, UserDisplayName, Password);

    public static List<ShareholderInput> ParseShareholders(string? text)
    {
        var list = new List<ShareholderInput>();
        foreach (var line in (text ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var i = line.LastIndexOfAny([':', '：']);
            if (i <= 0 || !decimal.TryParse(line[(i + 1)..].Trim().TrimEnd('%'), System.Globalization.NumberStyles.Number, System.Globalization.CultureInfo.InvariantCulture, out var pct))
                throw new RuleViolationException(new RuleViolation("Rule.Firm.ShareholderLine", line));
            list.Add(new ShareholderInput(line[..i].Trim(), pct));
        }
        return list;
    }
}
