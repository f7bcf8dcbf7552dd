using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Trading.Data;
using Trading.Domain;
using Trading.Domain.Supervision;
using Trading.Web.Features.Tenders;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Supervision;

/// <summary>Deployment switches of the supervision feature (section "Supervision", beside the limits and thresholds).</summary>
public sealed class SupervisionOptions
{
    /// <summary>Show suspensions on the public page /Supervision/Public.</summary>
    public bool PublishSanctions { get; set; } = true;
    /// <summary>Show warnings there too (many centres publish only suspensions).</summary>
    public bool PublishWarnings { get; set; }
    public int JobPeriodSeconds { get; set; } = 300;
    public long MaxEvidenceBytes { get; set; } = 10 * 1024 * 1024;
}

/// <summary>
/// The calendar and thresholds in force: the centre's edited copies in the database when there are any,
/// otherwise the shipped holiday file and the thresholds from configuration. Every edit is checked and logged.
/// </summary>
public sealed class SupervisionSettings(TradingDbContext db, IOptions<SupervisionConfig> config, CentreTime time, PublicLogWriter log)
{
    public const string CalendarKey = "calendar";
    public const string ThresholdsKey = "thresholds";
    public const int MaxCalendarBytes = 256 * 1024;

    public SupervisionConfig Config => config.Value;

    public async Task<(WorkingCalendar Calendar, SupervisionSetting? Row)> CalendarAsync(CancellationToken ct)
    {
        var row = await db.Set<SupervisionSetting>().AsNoTracking().FirstOrDefaultAsync(s => s.Key == CalendarKey, ct);
        // A stored calendar was checked when saved; should it not parse now, the shipped one is safer than none.
        var cal = row is null ? WorkingCalendar.Default() : WorkingCalendar.Parse(row.Json, out var errors) is var c && errors.Count == 0 ? c : WorkingCalendar.Default();
        return (cal, row);
    }

    public async Task<(LimitThresholds Thresholds, SupervisionSetting? Row)> ThresholdsAsync(CancellationToken ct)
    {
        var row = await db.Set<SupervisionSetting>().AsNoTracking().FirstOrDefaultAsync(s => s.Key == ThresholdsKey, ct);
        var t = row is null ? null : JsonSerializer.Deserialize<LimitThresholds>(row.Json);
        return (t is not null && !t.Validate().Any() ? t : config.Value.Thresholds, row);
    }

    public async Task<LimitEvaluator> EvaluatorAsync(CancellationToken ct)
    {
        var (cal, _) = await CalendarAsync(ct);
        var (thresholds, _) = await ThresholdsAsync(ct);
        var effective = new SupervisionConfig { Thresholds = thresholds, Limits = config.Value.Limits, ExtendOverRestDays = config.Value.ExtendOverRestDays };
        return new LimitEvaluator(cal, effective, time.Zone);
    }

    public async Task<WorkingCalendar> SaveCalendarAsync(Actor actor, string json, CancellationToken ct)
    {
        EnsureCentre(actor);
        if (Encoding.UTF8.GetByteCount(json) > MaxCalendarBytes)
            throw new RuleViolationException(new RuleViolation(SupervisionRules.CalendarTooLarge, MaxCalendarBytes / 1024));
        var cal = WorkingCalendar.Parse(json, out var errors);
        if (errors.Count > 0) throw new RuleViolationsException(errors);
        var normalised = cal.ToJson();
        await UpsertAsync(CalendarKey, normalised, actor);
        await log.RecordAsync("supervision.calendar.changed", null, new
        {
            years = cal.Years.Order().ToArray(),
            sha256 = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(normalised))),
            by = log.Pseudonym("user", actor.UserId.ToString()),
        }, ct);
        return cal;
    }

    public async Task<LimitThresholds> SaveThresholdsAsync(Actor actor, LimitThresholds t, CancellationToken ct)
    {
        EnsureCentre(actor);
        var errors = t.Validate().ToList();
        if (errors.Count > 0) throw new RuleViolationsException(errors);
        await UpsertAsync(ThresholdsKey, JsonSerializer.Serialize(t), actor);
        await log.RecordAsync("supervision.thresholds.changed", null, new
        {
            mode = t.Mode.ToString(), yellowFractionLeft = t.YellowFractionLeft.ToString(System.Globalization.CultureInfo.InvariantCulture), yellowDaysLate = t.YellowDaysLate, redDaysLate = t.RedDaysLate,
            by = log.Pseudonym("user", actor.UserId.ToString()),
        }, ct);
        return t;
    }

    private async Task UpsertAsync(string key, string json, Actor actor)
    {
        var row = await db.Set<SupervisionSetting>().FirstOrDefaultAsync(s => s.Key == key);
        if (row is null) db.Set<SupervisionSetting>().Add(row = new SupervisionSetting { Key = key });
        row.Json = json;
        row.UpdatedAt = time.UtcNow;
        row.UpdatedBy = actor.Name;
    }

    private static void EnsureCentre(Actor actor)
    {
        if (!actor.IsIn(Roles.CentreStaff, Roles.Admin)) throw new ForbiddenException(RuleCodes.CentreOrAdminOnly);
    }
}
