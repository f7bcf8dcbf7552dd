namespace Trading.Web.Infrastructure;

/// <summary>Shows UTC instants in the centre's time zone and reads typed local times back as UTC.</summary>
public sealed class CentreTime(TimeProvider clock, Microsoft.Extensions.Options.IOptions<PlatformOptions> options)
{
    private readonly TimeZoneInfo _zone = TimeZoneInfo.FindSystemTimeZoneById(options.Value.TimeZone);

    public TimeZoneInfo Zone => _zone;
    /// <summary>The platform's clock itself, for what reads the time on its own (a report's PDF dates).</summary>
    public TimeProvider Clock => clock;
    public DateTime UtcNow => clock.GetUtcNow().UtcDateTime;
    public DateTime ToLocal(DateTime utc) => TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), _zone);
    public DateTime ToUtc(DateTime local) => TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), _zone);
    public string Format(DateTime utc) => ToLocal(utc).ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture);
    public string FormatDate(DateTime utc) => ToLocal(utc).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
}
