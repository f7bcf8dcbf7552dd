using System.Security.Cryptography.Pkcs;
using Microsoft.EntityFrameworkCore;
using Trading.Data;
using Trading.Domain.Certificates;
using Trading.Reports;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Certificates;

/// <summary>A stored record that waits for its seal's time-stamp, or got it, as the oversight offices see it.</summary>
public sealed record SealStampView(Guid Id, string TenderCode, string Kind, Guid RecordId, string IssuedSha256, DateTime IssuedAt,
    int Attempts, DateTime? LastAttemptAt, DateTime? StampedAt, string? StampedSha256, DateTime? StampTime, string? TsaSubject, long? LogIndex);

/// <summary>
/// Stored records (the evaluation report, the award and result notices) whose seal the external TSA did not stamp when
/// they were issued (<see cref="DocumentSeal"/>): noted with the record in its transaction, stamped when the TSA answers
/// again (<see cref="SealStampJob"/>), listed for the centre and the supervision office on /Certificates.
/// </summary>
/// <remarks>
/// The issued file is never replaced: its SHA-256 is in the record's log entry (and an award notice's signature is over
/// it), so it stays what the log says. The stamped copy (the same file with the time-stamp in the seal's reserved space,
/// <see cref="ReportSeal.AddTimeStamp"/>) is stored beside it and its SHA-256 is logged next to the issued one
/// (<c>seal.time-stamped</c>); downloads and the archive give the stamped copy from then on, bound to that entry.
/// </remarks>
public sealed class SealStamps(TradingDbContext db, IFileStore files, DocumentSeal seal, PublicLogWriter log, TimeProvider clock, ILogger<SealStamps> logger)
{
    /// <summary>Records one issued without a time-stamp, in the caller's transaction; a stamped one needs nothing.</summary>
    public void Track(string kind, Guid tenderId, Guid recordId, byte[] pdf, StoredFile stored, DateTime issuedAt)
    {
        if (ReportSeal.HasTimeStamp(pdf)) return;
        logger.LogWarning("{Kind} {Record} was issued with a seal that has no time-stamp; it is stamped when the TSA answers", kind, recordId);
        db.Add(new SealStamp { TenderId = tenderId, Kind = kind, RecordId = recordId, IssuedStorageKey = stored.Key, IssuedSha256 = stored.Sha256, IssuedAt = issuedAt });
    }

    /// <summary>The stamped copy of a record (storage key and SHA-256), once there is one.</summary>
    public async Task<(string Key, string Sha256)?> StampedAsync(Guid recordId, CancellationToken ct) =>
        await db.Set<SealStamp>().AsNoTracking().Where(s => s.RecordId == recordId && s.StampedStorageKey != null)
            .Select(s => new { s.StampedStorageKey, s.StampedSha256 }).FirstOrDefaultAsync(ct) is { } s ? (s.StampedStorageKey!, s.StampedSha256!) : null;

    /// <summary>Every record that waited for a stamp, those still waiting first; for the centre and the supervision office.</summary>
    public async Task<List<SealStampView>> ListAsync(Actor actor, CancellationToken ct)
    {
        if (!actor.IsOversight) throw new ForbiddenException(CertificateRules.CentreOnly);
        var rows = await (from s in db.Set<SealStamp>().AsNoTracking() join t in db.Tenders on s.TenderId equals t.Id select new { s, t.Code }).ToListAsync(ct);
        return rows.OrderBy(r => r.s.StampedAt != null).ThenByDescending(r => r.s.IssuedAt)
            .Select(r => new SealStampView(r.s.Id, r.Code, r.s.Kind, r.s.RecordId, r.s.IssuedSha256, r.s.IssuedAt, r.s.Attempts, r.s.LastAttemptAt,
                r.s.StampedAt, r.s.StampedSha256, r.s.StampTime, r.s.TsaSubject, r.s.LogIndex)).ToList();
    }

    /// <summary>
    /// Asks the TSA for the oldest waiting records' stamps, at most <paramref name="max"/>; stops at the first the TSA does
    /// not stamp (it is down: the next run asks again). Returns how many were stamped.
    /// </summary>
    public async Task<int> StampWaitingAsync(int max, CancellationToken ct)
    {
        var waiting = await db.Set<SealStamp>().Where(s => s.StampedAt == null).OrderBy(s => s.IssuedAt).Take(max).Select(s => s.Id).ToListAsync(ct);
        var done = 0;
        foreach (var id in waiting)
        {
            if (!await StampOneAsync(id, ct)) break;
            done++;
        }
        return done;
    }

    private async Task<bool> StampOneAsync(Guid id, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        var s = await db.Set<SealStamp>().FirstAsync(x => x.Id == id, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        s.Attempts++;
        s.LastAttemptAt = now;
        byte[] issued;
        await using (var input = files.OpenRead(s.IssuedStorageKey))
        using (var ms = new MemoryStream())
        {
            await input.CopyToAsync(ms, ct);
            issued = ms.ToArray();
        }
        byte[]? token = null;
        // The HTTP request is synchronous and bounded (DocumentSeal.Stamp); a background job may wait for it.
        var stamped = ReportSeal.AddTimeStamp(issued, imprint => token = seal.Stamp(imprint));
        if (stamped is null || token is null || !Rfc3161TimestampToken.TryDecode(token, out var tst, out _))
        {
            await db.SaveChangesAsync(ct);
            return false;
        }
        await using (var ms = new MemoryStream(stamped))
        {
            var stored = await files.SaveAsync(ms, stamped.Length, ct);
            s.StampedStorageKey = stored.Key;
            s.StampedSha256 = stored.Sha256;
        }
        s.StampedAt = now;
        s.StampTime = tst.TokenInfo.Timestamp.UtcDateTime;
        s.TsaSubject = tst.AsSignedCms().SignerInfos is { Count: > 0 } si && si[0].Certificate is { } cert ? cert.Subject : null;
        await log.ActAsync(async () =>
        {
            var entry = await log.AppendAsync("seal.time-stamped", s.TenderId, new
            {
                kind = s.Kind, record = s.RecordId, issued = s.IssuedSha256, sha256 = s.StampedSha256,
                stampedAt = s.StampTime.Value.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture), tsa = s.TsaSubject ?? "",
            }, ct);
            s.LogIndex = entry.Index;
        }, ct);
        logger.LogInformation("{Kind} {Record}: its seal was time-stamped by {Tsa} after {Attempts} attempts", s.Kind, s.RecordId, s.TsaSubject, s.Attempts);
        return true;
    }
}

/// <summary>Stamps the seals of stored records issued while the external TSA gave no time-stamp (<see cref="SealStamps"/>), every minute.</summary>
public sealed class SealStampJob(IServiceScopeFactory scopes, IConfiguration config, ILogger<SealStampJob> logger) : ScheduledJob(config, logger)
{
    private readonly TimeSpan _period = TimeSpan.FromSeconds(Math.Max(5, config.GetValue("Certificates:SealStampRetrySeconds", 60)));

    protected override TimeSpan Period => _period;

    public override async Task<int> RunOnceAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<SealStamps>().StampWaitingAsync(20, ct);
    }
}
