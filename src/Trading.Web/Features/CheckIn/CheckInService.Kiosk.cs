using System.Diagnostics;
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

/// <summary>The check-in kiosk: challenges, who is expected today, attempts and supervisors' overrides.</summary>
public sealed partial class CheckInService
{
    /// <summary>Draws the movement this kiosk's next attempt must perform.</summary>
    public KioskChallenge DrawChallenge(Actor actor, string? room)
    {
        if (!MayRunKiosk(actor)) throw new ForbiddenException(CheckInRules.NotSupervisor);
        room = room?.Trim();
        if (string.IsNullOrEmpty(room)) throw new RuleViolationException(new RuleViolation(CheckInRules.RoomMissing));
        return challenges.Draw(room, actor.UserId);
    }

    /// <summary>Today's (centre time) non-voided sessions, for choosing the kiosk's room.</summary>
    public async Task<IReadOnlyList<EvaluationSession>> SessionsTodayAsync(CancellationToken ct)
    {
        var (dayStart, dayEnd) = TodayUtc();
        return await db.Set<EvaluationSession>().AsNoTracking()
            .Where(s => s.VoidedAt == null && s.EndsAt >= dayStart && s.StartsAt < dayEnd)
            .OrderBy(s => s.EvaluationRoom).ThenBy(s => s.StartsAt).ToListAsync(ct);
    }

    /// <summary>Experts who accepted a seat on a session in <paramref name="room"/> today: who the kiosk expects.</summary>
    public async Task<IReadOnlyList<KioskExpert>> ExpectedAsync(string room, CancellationToken ct)
    {
        var (dayStart, dayEnd) = TodayUtc();
        var rows = await (from m in db.Set<CommitteeMember>().AsNoTracking()
                          join s in db.Set<EvaluationSession>().AsNoTracking() on m.SessionId equals s.Id
                          join e in db.Set<PoolExpert>().AsNoTracking() on m.ExpertId equals e.Id
                          where s.EvaluationRoom == room && s.VoidedAt == null && s.EndsAt >= dayStart && s.StartsAt < dayEnd
                                && m.Status == CommitteeMemberStatus.Accepted
                          select new { e.Id, e.RegistrationNumber, e.Name, SessionId = s.Id, s.StartsAt }).ToListAsync(ct);
        var ids = rows.Select(r => r.Id).ToList();
        var enrolled = (await db.Set<FaceEnrolmentRecord>().AsNoTracking().Where(f => ids.Contains(f.ExpertId)).Select(f => f.ExpertId).ToListAsync(ct)).ToHashSet();
        var inside = (await db.Set<CheckInAttempt>().AsNoTracking()
            .Where(a => a.At >= dayStart && a.At < dayEnd && a.Room == room && a.Decision != CheckInDecision.Refused)
            .Select(a => a.ClaimedExpertId).ToListAsync(ct)).ToHashSet();
        return rows.OrderBy(r => r.StartsAt).ThenBy(r => r.RegistrationNumber, StringComparer.Ordinal)
            .Select(r => new KioskExpert(r.Id, r.RegistrationNumber, r.Name, r.SessionId, enrolled.Contains(r.Id), inside.Contains(r.Id))).ToList();
    }

    /// <summary>Attempts made in <paramref name="room"/> today (or at every kiosk when null), newest first.</summary>
    public async Task<IReadOnlyList<(CheckInAttempt Attempt, PoolExpert Expert, string? OtherName)>> AttemptsTodayAsync(string? room, CancellationToken ct)
    {
        var (dayStart, dayEnd) = TodayUtc();
        var q = db.Set<CheckInAttempt>().AsNoTracking().Where(a => a.At >= dayStart && a.At < dayEnd);
        if (!string.IsNullOrEmpty(room)) q = q.Where(a => a.Room == room);
        var rows = await (from a in q join e in db.Set<PoolExpert>().AsNoTracking() on a.ClaimedExpertId equals e.Id
                          orderby a.At descending select new { a, e }).Take(500).ToListAsync(ct);
        var otherIds = rows.Where(r => r.a.SubstitutionFlagged && r.a.BestOtherExpertId != null).Select(r => r.a.BestOtherExpertId!.Value).Distinct().ToList();
        var others = await db.Set<PoolExpert>().AsNoTracking().Where(e => otherIds.Contains(e.Id)).ToDictionaryAsync(e => e.Id, e => e.Name, ct);
        return rows.Select(r => (r.a, r.e, r.a.SubstitutionFlagged && r.a.BestOtherExpertId is { } o ? others.GetValueOrDefault(o) : null)).ToList();
    }

    /// <summary>
    /// One check-in attempt: the expert (registration number or pool id) claims a seat in <paramref name="room"/> with
    /// a photo. The draw is checked first (drawn and accepted, today, this room, inside the window), then the face,
    /// 1:1 against the claimed expert and 1:N against everyone else enrolled. Whatever the outcome, the attempt is
    /// stored and logged with its scores, decision and image hash.
    /// </summary>
    /// <remarks>
    /// In kiosk mode (<paramref name="kiosk"/> given) there is no photo: the expert answers a movement challenge drawn by
    /// <see cref="DrawChallenge"/> with a few seconds of camera frames, and a photo file is refused before anything is read.
    /// </remarks>
    public async Task<CheckInOutcome> CheckInAsync(Actor actor, string? room, string? expertKey, PhotoUpload? photo, CancellationToken ct, KioskAnswer? kiosk = null)
    {
        var started = Stopwatch.GetTimestamp();
        if (!MayRunKiosk(actor)) throw new ForbiddenException(CheckInRules.NotSupervisor);
        room = room?.Trim();
        if (string.IsNullOrEmpty(room)) throw new RuleViolationException(new RuleViolation(CheckInRules.RoomMissing));
        var key = expertKey?.Trim() ?? "";
        var expert = Guid.TryParse(key, out var gid)
            ? await db.Set<PoolExpert>().AsNoTracking().FirstOrDefaultAsync(e => e.Id == gid, ct)
            : await db.Set<PoolExpert>().AsNoTracking().FirstOrDefaultAsync(e => e.RegistrationNumber == key, ct);
        if (expert is null) throw new RuleViolationException(new RuleViolation(CheckInRules.UnknownExpert, key));
        KioskChallenge? challenge = null;
        KioskDevice? device = null;
        if (kiosk is not null)
        {
            // The kiosk is camera-only: a file is what a print or an injected image would arrive as.
            if (photo is not null) throw new RuleViolationException(new RuleViolation(CheckInRules.FileInKiosk));
            if (kiosk.ChallengeId is null || kiosk.Frames.Count == 0) throw new RuleViolationException(new RuleViolation(CheckInRules.ChallengeMissing));
            device = await devices.RequireActiveAsync(kiosk.Device, ct);
        }
        else if (photo is null) throw new RuleViolationException(new RuleViolation(CheckInRules.PhotoMissing));

        var attempt = new CheckInAttempt { Room = room, ClaimedExpertId = expert.Id, OperatorUserId = actor.UserId };
        byte[]? bytes = null;
        List<byte[]>? frames = null;
        if (kiosk is not null)
        {
            frames = [];
            foreach (var f in kiosk.Frames.Take(Options.Active.MaxFrames + 1))
            {
                var b = await ReadAllAsync(f, Options.MaxImageBytes, ct);
                if (b is null) { frames = null; break; }
                frames.Add(b);
            }
            attempt.ImageBytes = kiosk.Frames.Sum(f => f.Length);
            if (frames is null)
            {
                attempt.ImageSha256 = "";
                Refuse(attempt, BiometricReason.ImageTooLarge.ToString(), $"{attempt.ImageBytes} bytes", $"{Options.MaxImageBytes} bytes");
            }
            else attempt.ImageSha256 = CheckInVerifier.SequenceSha256(frames);
            // The frames must come from the approved kiosk that asked for this challenge: its key signed them.
            if (frames is not null && !KioskDeviceService.Verify(device!, KioskDeviceService.SignedMessage(kiosk.ChallengeId!.Value, room, attempt.ImageSha256), kiosk.Signature))
                throw new RuleViolationException(new RuleViolation(CheckInRules.DeviceSignatureInvalid));
            challenge = challenges.Take(kiosk.ChallengeId!.Value, room, actor.UserId);
        }
        else
        {
            attempt.ImageBytes = photo!.Length;
            bytes = await ReadAllAsync(photo, Options.MaxImageBytes, ct);
            if (bytes is null)
            {
                attempt.ImageSha256 = await HashAsync(photo, ct);
                Refuse(attempt, BiometricReason.ImageTooLarge.ToString(), $"{photo.Length} bytes", $"{Options.MaxImageBytes} bytes");
            }
            else
            {
                attempt.ImageSha256 = Convert.ToHexStringLower(SHA256.HashData(bytes));
                attempt.ImageBytes = bytes.Length;
            }
        }
        var readOk = bytes is not null || frames is not null;
        ChallengeOutcome? active = null;

        var now = clock.GetUtcNow();
        var offset = centre.Zone.GetUtcOffset(now.UtcDateTime);
        var nowCentre = now.ToOffset(offset);
        var seats = await SeatsAsync(expert.Id, offset, ct);
        var eligibility = CheckInEligibility.Check(seats, expert.Id.ToString(), room, nowCentre);
        if (Guid.TryParse(eligibility.Seat?.SessionId, out var seatSession)) attempt.SessionId = seatSession;
        else attempt.SessionId = await KioskSessionAsync(room, ct);

        if (readOk && !eligibility.Eligible)
        {
            Refuse(attempt, eligibility.Reason.ToString(), [.. eligibility.Arguments]);
        }
        else if (readOk && kiosk is not null && challenge is null)
        {
            Refuse(attempt, BiometricReason.ChallengeExpired.ToString());
        }
        else if (readOk)
        {
            var enrolment = await db.Set<FaceEnrolmentRecord>().AsNoTracking().FirstOrDefaultAsync(e => e.ExpertId == expert.Id, ct);
            if (enrolment is null)
            {
                Refuse(attempt, CheckInRules.NoTemplateReason);
            }
            else
            {
                var all = await gallery.LoadAsync(db, templates, ct);
                var claimed = all.TryGetValue(expert.Id, out var t) ? t : templates.Open(expert.Id, enrolment.ProtectedTemplate);
                var others = all.Where(kv => kv.Key != expert.Id).Select(kv => new GalleryEntry(kv.Key.ToString(), kv.Value)).ToList();
                CheckInResult r;
                if (challenge is not null && frames is not null)
                {
                    var c = challenge.Challenge;
                    (r, active) = await engine.RunAsync(v => v.VerifyActive(c, frames, claimed, others, Options.Active), ct);
                }
                else r = await engine.RunAsync(v => v.Verify(bytes!, claimed, others), ct);
                attempt.MatchScore = r.MatchScore;
                attempt.LiveScore = r.LiveScore;
                attempt.BestOtherExpertId = Guid.TryParse(r.BestOtherExpertId, out var other) ? other : null;
                attempt.BestOtherScore = r.BestOtherScore;
                attempt.SubstitutionFlagged = r.Reason == BiometricReason.PossibleSubstitution;
                if (r.Accepted)
                {
                    attempt.Decision = CheckInDecision.Accepted;
                    attempt.Reason = r.Reason.ToString();
                }
                else
                {
                    Refuse(attempt, r.Reason.ToString(), [.. r.Arguments]);
                }
            }
        }

        attempt.At = now.UtcDateTime;
        attempt.ProcessingMs = Math.Round(Stopwatch.GetElapsedTime(started).TotalMilliseconds, 1);
        var tenderId = attempt.SessionId is { } sid ? await db.Set<EvaluationSession>().Where(s => s.Id == sid).Select(s => (Guid?)s.TenderId).FirstOrDefaultAsync(ct) : null;
        string? substitute = null;
        string? substitutePseudonym = null;
        if (attempt.SubstitutionFlagged && attempt.BestOtherExpertId is { } oid)
        {
            var o = await db.Set<PoolExpert>().AsNoTracking().FirstAsync(e => e.Id == oid, ct);
            substitute = $"{o.Name} ({o.RegistrationNumber})";
            substitutePseudonym = log.Pseudonym("expert", o.RegistrationNumber);
        }
        db.Add(attempt);
        // The attempt, its log entry and the tender's move are one unit of work (joins a caller's transaction).
        await log.ActAsync(async () =>
        {
            await log.AppendAsync("checkin.attempt", tenderId, new
            {
                attempt = attempt.Id,
                session = attempt.SessionId,
                room,
                expert = log.Pseudonym("expert", expert.RegistrationNumber),
                decision = attempt.Decision.ToString(),
                reason = attempt.Reason,
                match = Score(attempt.MatchScore),
                live = Score(attempt.LiveScore),
                bestOther = attempt.BestOtherExpertId is { } b ? log.Pseudonym("expert", await RegistrationAsync(b, ct)) : null,
                bestOtherScore = Score(attempt.BestOtherScore),
                substitution = substitutePseudonym,
                image = attempt.ImageSha256,
                imageBytes = attempt.ImageBytes,
                thresholds = new { match = Score(engine.Thresholds.Match), live = Score(engine.Thresholds.Liveness) },
                challenge = challenge?.Challenge.ToString(),
                device = device?.Fingerprint,
                frames = frames?.Count,
                turn = active is null ? null : Score((float)active.Shift),
                sameFace = active is null ? null : Score(active.LowestSameFace),
                by = log.Pseudonym("user", actor.UserId.ToString()),
            }, ct);
            // A drawn member the kiosk refused waits for a supervisor's decision: the supervision office is told once per
            // member and session (a second refusal of the same person adds nothing to do).
            if (attempt.Decision == CheckInDecision.Refused && attempt.SessionId is not null && Overridable(attempt))
                await notifier.RaiseOnceAsync(await notifier.UsersWithRoleAsync(Roles.Supervisor, ct),
                    u => new Notifications.Notice(u, "checkin.refused", "CheckIn.Notice.RefusedSubject", "CheckIn.Notice.RefusedBody", [room, expert.Name], "/CheckIn", tenderId), ct);
            await db.SaveChangesAsync(ct);
            // An admitted member may complete step 11: the tender moves with the check-in, in its transaction.
            if (tenderId is { } tid && attempt.Decision != CheckInDecision.Refused) await moves.AdvanceAsync(tid, actor, ct);
        }, ct);
        return new CheckInOutcome(attempt, expert, Describe(attempt), substitute);
    }

    /// <summary>The draw decides who sits on the committee; a supervisor may vouch for a face, not seat someone the draw did not.</summary>
    private static bool Overridable(CheckInAttempt attempt) => attempt.Reason is not (nameof(BiometricReason.NotDrawnToday) or nameof(BiometricReason.WrongRoom));

    /// <summary>A supervisor admits an expert whose check-in was refused, with a written reason; logged beside the attempt.</summary>
    public async Task<CheckInAttempt> OverrideAsync(Actor actor, Guid attemptId, string? reason, CancellationToken ct)
    {
        if (!actor.IsIn(Roles.Supervisor)) throw new ForbiddenException(CheckInRules.NotSupervisor);
        var attempt = await db.Set<CheckInAttempt>().FirstOrDefaultAsync(a => a.Id == attemptId, ct) ?? throw new NotFoundException();
        if (attempt.Decision != CheckInDecision.Refused) throw new RuleViolationException(new RuleViolation(CheckInRules.OverrideNotNeeded));
        // The draw decides who sits on the committee; a supervisor may vouch for a face, not seat someone the draw did not.
        if (!Overridable(attempt))
            throw new RuleViolationException(new RuleViolation(CheckInRules.OverrideNotAllowed, ReasonText(attempt)));
        reason = reason?.Trim();
        if (string.IsNullOrEmpty(reason)) throw new RuleViolationException(new RuleViolation(CheckInRules.OverrideReasonMissing));
        if (reason.Length > 1000) reason = reason[..1000];
        var expert = await db.Set<PoolExpert>().AsNoTracking().FirstAsync(e => e.Id == attempt.ClaimedExpertId, ct);
        attempt.Decision = CheckInDecision.Overridden;
        attempt.OverriddenAt = clock.GetUtcNow().UtcDateTime;
        attempt.OverriddenByUserId = actor.UserId;
        attempt.OverrideReason = reason;
        var tenderId = attempt.SessionId is { } sid ? await db.Set<EvaluationSession>().Where(s => s.Id == sid).Select(s => (Guid?)s.TenderId).FirstOrDefaultAsync(ct) : null;
        // The attempt, its log entry and the tender's move are one unit of work (joins a caller's transaction).
        await log.ActAsync(async () =>
        {
            await log.AppendAsync("checkin.overridden", tenderId, new
            {
                attempt = attempt.Id,
                session = attempt.SessionId,
                room = attempt.Room,
                expert = log.Pseudonym("expert", expert.RegistrationNumber),
                overridden = attempt.Reason,
                image = attempt.ImageSha256,
                reason,
                by = log.Pseudonym("user", actor.UserId.ToString()),
            }, ct);
            await db.SaveChangesAsync(ct);
            // An admitted member may complete step 11: the tender moves with the check-in, in its transaction.
            if (tenderId is { } tid && attempt.Decision != CheckInDecision.Refused) await moves.AdvanceAsync(tid, actor, ct);
        }, ct);
        return attempt;
    }
}
