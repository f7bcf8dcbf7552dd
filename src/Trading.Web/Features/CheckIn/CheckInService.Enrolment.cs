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

/// <summary>Enrolment of experts' faces by centre staff, with the 1:N duplicate check.</summary>
public sealed partial class CheckInService
{
    /// <summary>
    /// Enrols an expert's face. The new template is compared 1:N with every other enrolled expert first: a face that
    /// already belongs to someone else is refused, naming that expert to staff, unless staff give a written reason
    /// (twins, a re-registered expert), which goes to the log with the match.
    /// </summary>
    public async Task<FaceEnrolmentRecord> EnrolAsync(Actor actor, Guid expertId, IReadOnlyList<PhotoUpload> photos, CancellationToken ct, string? duplicateReason = null)
    {
        if (!MayEnrol(actor)) throw new ForbiddenException(CheckInRules.NotSupervisor);
        var expert = await db.Set<PoolExpert>().FirstOrDefaultAsync(e => e.Id == expertId, ct) ?? throw new NotFoundException();
        // Staff who are themselves in the pool must not make their own template: the point is a second person's check.
        if (expert.UserId == actor.UserId) throw new RuleViolationException(new RuleViolation(CheckInRules.SelfEnrolment));
        if (photos.Count is < 1 or > 3)
            throw Refused(new BiometricException(BiometricReason.EnrolmentPhotoCount, photos.Count));

        var images = new List<byte[]>();
        foreach (var p in photos)
        {
            if (p.Length > Options.MaxImageBytes)
                throw Refused(new BiometricException(BiometricReason.ImageTooLarge, $"{p.Length} bytes", $"{Options.MaxImageBytes} bytes"));
            images.Add(await ReadAllAsync(p, Options.MaxImageBytes, ct) ?? throw Refused(new BiometricException(BiometricReason.ImageTooLarge, $"> {Options.MaxImageBytes} bytes", $"{Options.MaxImageBytes} bytes")));
        }

        EnrolmentResult result;
        try
        {
            result = await engine.RunAsync(v => FaceEnrolment.Enrol(v.Pipeline, images, v.Thresholds), ct);
        }
        catch (BiometricException e)
        {
            throw Refused(e);
        }

        var enrolled = await gallery.LoadAsync(db, templates, ct);
        var (dupId, dupScore) = enrolled.Where(kv => kv.Key != expert.Id)
            .Select(kv => (Id: (Guid?)kv.Key, Score: kv.Value.Similarity(result.Template.Embedding)))
            .OrderByDescending(x => x.Score).FirstOrDefault();
        duplicateReason = duplicateReason?.Trim();
        if (duplicateReason is { Length: > 1000 }) duplicateReason = duplicateReason[..1000];
        string? duplicateOf = null;
        if (dupId is { } did && dupScore >= engine.Thresholds.Match)
        {
            var other = await db.Set<PoolExpert>().AsNoTracking().FirstAsync(e => e.Id == did, ct);
            if (string.IsNullOrEmpty(duplicateReason))
                throw new RuleViolationException(new RuleViolation(CheckInRules.DuplicateFace, $"{other.Name} ({other.RegistrationNumber})", Score(dupScore)!));
            duplicateOf = log.Pseudonym("expert", other.RegistrationNumber);
        }

        var hashes = images.Select(i => Convert.ToHexStringLower(SHA256.HashData(i))).ToList();
        var kept = new List<string>();
        if (Options.KeepPhotos)
        {
            foreach (var i in images)
            {
                using var s = new MemoryStream(i, writable: false);
                kept.Add((await files.SaveAsync(s, Options.MaxImageBytes, ct)).Key);
            }
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var record = await db.Set<FaceEnrolmentRecord>().FirstOrDefaultAsync(e => e.ExpertId == expert.Id, ct);
        var replacedPhotos = record?.PhotoKeys.ToList() ?? [];
        if (record is null)
        {
            record = new FaceEnrolmentRecord { ExpertId = expert.Id };
            db.Add(record);
        }
        else
        {
            record.Generation++;
        }
        record.ProtectedTemplate = templates.Protect(expert.Id, result.Template);
        record.PhotoCount = images.Count;
        record.PhotoSha256 = string.Join(',', hashes);
        record.PhotoKeys = kept;
        record.EnrolledAt = now;
        record.EnrolledByUserId = actor.UserId;

        try
        {
            await log.RecordAsync("checkin.enrolled", null, new
            {
                expert = log.Pseudonym("expert", expert.RegistrationNumber),
                generation = record.Generation,
                photos = hashes,
                photosKept = Options.KeepPhotos,
                lowestPairScore = Score(result.LowestPairScore),
                duplicateOf,
                duplicateScore = duplicateOf is null ? null : Score(dupScore),
                duplicateReason = duplicateOf is null ? null : duplicateReason,
                by = log.Pseudonym("user", actor.UserId.ToString()),
            }, ct);
        }
        catch
        {
            foreach (var k in kept) Discard(k);
            throw;
        }
        foreach (var k in replacedPhotos) Discard(k);
        return record;
    }

    public Task<FaceEnrolmentRecord?> EnrolmentAsync(Guid expertId, CancellationToken ct) =>
        db.Set<FaceEnrolmentRecord>().AsNoTracking().FirstOrDefaultAsync(e => e.ExpertId == expertId, ct);
}
