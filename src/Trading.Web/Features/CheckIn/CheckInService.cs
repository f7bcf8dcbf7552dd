using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Trading.Biometrics;
using Trading.Data;
using Trading.Domain;
using Trading.Domain.CheckIn;
using Trading.Domain.Experts;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.CheckIn;

/// <summary>A photo as received: the bytes are read by the service, never trusted by name.</summary>
public sealed record PhotoUpload(string FileName, long Length, Func<Stream> Open);

/// <summary>A kiosk's answer to its movement challenge: the challenge drawn for it and the camera frames in capture order.</summary>
/// <param name="Device">The kiosk's device fingerprint.</param>
/// <param name="Signature">The device's signature over <see cref="KioskDeviceService.SignedMessage"/>, base64.</param>
public sealed record KioskAnswer(Guid? ChallengeId, IReadOnlyList<PhotoUpload> Frames, string? Device = null, string? Signature = null);

/// <summary>The outcome of one check-in: the stored attempt and its reason in the user's language.</summary>
public sealed record CheckInOutcome(CheckInAttempt Attempt, PoolExpert Expert, string Message, string? SubstituteName);

/// <summary>An accepted expert of a session in a room today, as the kiosk lists them.</summary>
public sealed record KioskExpert(Guid ExpertId, string RegistrationNumber, string Name, Guid SessionId, bool Enrolled, bool CheckedIn);

/// <summary>
/// Enrolment (centre staff) and check-in (the kiosk) of experts by face. Face work runs on <see cref="FaceEngine"/>;
/// the draw decides who may check in where and when; every enrolment and every attempt goes to the public log
/// with pseudonyms and image hashes only, never a template, score vector or photo.
/// </summary>
public sealed partial class CheckInService(
    TradingDbContext db, PublicLogWriter log, FaceEngine engine, FaceTemplates templates, FaceGallery gallery,
    IFileStore files, TimeProvider clock, CentreTime centre, Texts texts, IOptions<BiometricsOptions> options, Tenders.TenderMoves moves,
    KioskChallenges challenges, KioskDeviceService devices, Notifications.Notifier notifier)
{
    private BiometricsOptions Options => options.Value;

    public static bool MayEnrol(Actor actor) => actor.IsIn(Roles.CentreStaff);

    public static bool MayRunKiosk(Actor actor) => actor.IsIn(Roles.CentreStaff, Roles.Supervisor);

    /// <summary>The attempt's reason in the current UI language: the library's own wording for face and draw reasons.</summary>
    public string Describe(CheckInAttempt a) => a.Decision switch
    {
        CheckInDecision.Accepted => BiometricMessages.Format(BiometricReason.Accepted, CultureInfo.CurrentUICulture.Name),
        _ => ReasonText(a),
    };

    private string ReasonText(CheckInAttempt a)
    {
        if (a.Reason == CheckInRules.NoTemplateReason) return texts["CheckIn.Reason.NoTemplate"];
        object?[] args = a.ReasonArgs.Length == 0 ? [] : a.ReasonArgs.Split('\t');
        return Enum.TryParse<BiometricReason>(a.Reason, out var r) ? BiometricMessages.Format(r, CultureInfo.CurrentUICulture.Name, args) : a.Reason;
    }

    private static void Refuse(CheckInAttempt a, string reason, params object?[] args)
    {
        a.Decision = CheckInDecision.Refused;
        a.Reason = reason;
        a.ReasonArgs = string.Join('\t', args.Select(x => Convert.ToString(x, CultureInfo.InvariantCulture)));
    }

    // The log's canonical JSON has integers only, so scores are written as decimal strings with three places.
    private static string? Score(float? v) => v?.ToString("F3", CultureInfo.InvariantCulture);

    private async Task<string> RegistrationAsync(Guid expertId, CancellationToken ct) =>
        await db.Set<PoolExpert>().Where(e => e.Id == expertId).Select(e => e.RegistrationNumber).FirstAsync(ct);

    /// <summary>Accepted seats of the expert on non-voided sessions around today, as the library's eligibility check takes them.</summary>
    private async Task<List<DrawnSeat>> SeatsAsync(Guid expertId, TimeSpan offset, CancellationToken ct)
    {
        var (dayStart, dayEnd) = TodayUtc();
        var rows = await (from m in db.Set<CommitteeMember>().AsNoTracking()
                          join s in db.Set<EvaluationSession>().AsNoTracking() on m.SessionId equals s.Id
                          where m.ExpertId == expertId && m.Status == CommitteeMemberStatus.Accepted && s.VoidedAt == null
                                && s.EndsAt >= dayStart.AddDays(-1) && s.StartsAt < dayEnd.AddDays(1)
                          select new { s.Id, s.EvaluationRoom, s.StartsAt, s.EndsAt }).ToListAsync(ct);
        var early = TimeSpan.FromMinutes(Options.OpensMinutesBeforeStart);
        return rows.Select(r => new DrawnSeat(expertId.ToString(), r.Id.ToString(), r.EvaluationRoom,
            new DateTimeOffset(DateTime.SpecifyKind(r.StartsAt, DateTimeKind.Utc) - early).ToOffset(offset),
            new DateTimeOffset(DateTime.SpecifyKind(r.EndsAt, DateTimeKind.Utc)).ToOffset(offset))).ToList();
    }

    /// <summary>The room's session today nearest to now, so refused attempts of undrawn experts still belong to one.</summary>
    private async Task<Guid?> KioskSessionAsync(string room, CancellationToken ct)
    {
        var (dayStart, dayEnd) = TodayUtc();
        var now = clock.GetUtcNow().UtcDateTime;
        var sessions = await db.Set<EvaluationSession>().AsNoTracking()
            .Where(s => s.EvaluationRoom == room && s.VoidedAt == null && s.EndsAt >= dayStart && s.StartsAt < dayEnd)
            .Select(s => new { s.Id, s.StartsAt }).ToListAsync(ct);
        return sessions.OrderBy(s => Math.Abs((s.StartsAt - now).Ticks)).Select(s => (Guid?)s.Id).FirstOrDefault();
    }

    private (DateTime From, DateTime To) TodayUtc()
    {
        var local = centre.ToLocal(clock.GetUtcNow().UtcDateTime).Date;
        return (centre.ToUtc(local), centre.ToUtc(local.AddDays(1)));
    }

    private static RuleViolationException Refused(BiometricException e) =>
        new(new RuleViolation(CheckInRules.EnrolmentRefused, e.LocalizedMessage(CultureInfo.CurrentUICulture.Name)));

    /// <summary>The whole upload, or null when it exceeds <paramref name="max"/> (checked while reading, not from the declared length alone).</summary>
    private static async Task<byte[]?> ReadAllAsync(PhotoUpload p, long max, CancellationToken ct)
    {
        if (p.Length > max) return null;
        await using var s = p.Open();
        using var ms = new MemoryStream((int)Math.Min(Math.Max(p.Length, 0), max));
        var buffer = new byte[81920];
        int n;
        while ((n = await s.ReadAsync(buffer, ct)) > 0)
        {
            if (ms.Length + n > max) return null;
            ms.Write(buffer, 0, n);
        }
        return ms.ToArray();
    }

    private static async Task<string> HashAsync(PhotoUpload p, CancellationToken ct)
    {
        await using var s = p.Open();
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(s, ct));
    }

    private void Discard(string key)
    {
        try { files.Delete(key); } catch (IOException) { /* an orphan photo file is harmless; the row is what counts */ }
    }
}
