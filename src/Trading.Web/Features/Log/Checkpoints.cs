using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Trading.PublicLog;
using Trading.Data;
using Trading.Data.Log;
using Trading.Domain;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Log;

/// <summary>
/// Signed, time-stamped checkpoints the centre keeps (on a timer when the log grew, and on demand at every
/// deadline and opening), and the supervision office's cosignatures of them. A witness cosigns a checkpoint
/// only after checking it extends the last one it cosigned, so the centre cannot show a rewritten history
/// without the witness refusing.
/// </summary>
public sealed class Checkpoints(TradingDbContext db, EfLogStore store, PublicLogWriter log, CentreKeys keys, TimeStamper stamper, TimeProvider clock)
{
    /// <summary>The RFC 3161 imprint of a stored checkpoint: SHA-256 of a domain prefix and the signed note.</summary>
    public static byte[] Imprint(string note) => SHA256.HashData([.. "trading/checkpoint/v1\n"u8, .. Encoding.UTF8.GetBytes(note)]);

    /// <summary>
    /// Signs, time-stamps and stores a checkpoint of the log as it is now. Inside the caller's transaction it
    /// covers the caller's own appends too and is saved with them (the submission code calls it at the deadline);
    /// alone it runs and commits its own transaction. The log lock is taken, so stored checkpoints never go back
    /// in time as the size grows.
    /// </summary>
    public async Task<LogCheckpoint> CheckpointNowAsync(string reason, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(reason) || reason.Length > 200)
            throw new ArgumentException("A checkpoint reason is 1 to 200 characters.", nameof(reason));
        var own = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(ct) : null;
        try
        {
            await log.LockAsync(ct);
            var size = await store.GetSizeAsync(ct);
            var root = await new MerkleLog(store).GetRootAsync(size, ct);
            var now = clock.GetUtcNow();
            var time = new DateTimeOffset(now.UtcTicks - now.UtcTicks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
            var note = SignedNote.SignCheckpoint(new Checkpoint(keys.Origin, size, root, time), keys.LogSigner);
            var row = new LogCheckpoint
            {
                Size = size, Root = root, Time = time.UtcDateTime, Reason = reason, Note = note,
                TimeStampToken = await stamper.StampAsync(Imprint(note), ct),
            };
            db.Add(row);
            if (own is not null)
            {
                await db.SaveChangesAsync(ct);
                await own.CommitAsync(ct);
            }
            return row;
        }
        finally
        {
            if (own is not null) await own.DisposeAsync();
        }
    }

    public Task<LogCheckpoint?> LatestAsync(CancellationToken ct) =>
        db.Set<LogCheckpoint>().AsNoTracking().OrderByDescending(c => c.Size).ThenByDescending(c => c.Time).FirstOrDefaultAsync(ct);

    public Task<LogCosignature?> LatestCosignedAsync(CancellationToken ct) =>
        db.Set<LogCosignature>().AsNoTracking().OrderByDescending(c => c.Size).ThenByDescending(c => c.CosignedAt).FirstOrDefaultAsync(ct);

    /// <summary>
    /// Cosigns the latest stored checkpoint with the witness key held on this server (a development deployment,
    /// or an office that chose to keep its key here), after the same checks an off-server witness makes.
    /// </summary>
    public async Task<LogCosignature> CosignLatestAsync(Actor actor, CancellationToken ct)
    {
        RequireSupervisor(actor);
        var signer = keys.WitnessSigner ?? throw Refuse(LogRules.WitnessKeyOffServer);
        var latest = await LatestAsync(ct) ?? throw Refuse(LogRules.NothingToCosign);
        var last = await LatestCosignedAsync(ct);
        if (last is not null && last.CheckpointId == latest.Id)
            throw Refuse(LogRules.AlreadyCosigned, latest.Size);
        var proof = await ProofFromAsync(last, latest.Size, ct);
        string cosigned;
        try
        {
            var witness = new Witness(signer, keys.LogSigner.Verifier, keys.Origin);
            (cosigned, _) = witness.Cosign(latest.Note, proof, last is null ? null : new WitnessState(last.Size, last.Root), clock.GetUtcNow());
        }
        catch (PublicLogException e)
        {
            throw Refuse(LogRules.WitnessRefused, latest.Size, e.Localized(System.Globalization.CultureInfo.CurrentUICulture.Name));
        }
        return await StoreAsync(latest, cosigned, actor, uploaded: false, ct);
    }

    /// <summary>
    /// Stores a cosignature made off the server: the office fetched the checkpoint and a consistency proof from
    /// its own last cosigned size, checked them with its own copy of the state, cosigned with its own key, and
    /// uploads the note with its witness line. The server checks the line against witness.crt and the
    /// consistency with the last stored cosignature before keeping it.
    /// </summary>
    public async Task<LogCosignature> UploadCosignatureAsync(Guid checkpointId, string cosignedNote, Actor actor, CancellationToken ct)
    {
        RequireSupervisor(actor);
        if (cosignedNote.Length > 8192) throw Refuse(LogRules.NoteTooLarge, 8192);
        var verifier = keys.WitnessVerifier ?? throw Refuse(LogRules.NoWitnessCertificate);
        var cp = await db.Set<LogCheckpoint>().AsNoTracking().FirstOrDefaultAsync(c => c.Id == checkpointId, ct) ?? throw Refuse(LogRules.CheckpointUnknown);
        // Browsers send CR LF from a text area; the note format is LF only.
        cosignedNote = cosignedNote.Replace("\r\n", "\n", StringComparison.Ordinal);
        if (!cosignedNote.EndsWith('\n')) cosignedNote += "\n";
        try
        {
            if (SignedNote.Split(cosignedNote).Text != SignedNote.Split(cp.Note).Text)
                throw Refuse(LogRules.CosignatureInvalid, "the note is not this checkpoint");
            SignedNote.OpenCheckpoint(cosignedNote, keys.LogSigner.Verifier, keys.Origin);
            SignedNote.VerifyCosignature(cosignedNote, verifier);
        }
        catch (PublicLogException e)
        {
            throw Refuse(LogRules.CosignatureInvalid, e.Localized(System.Globalization.CultureInfo.CurrentUICulture.Name));
        }
        var last = await LatestCosignedAsync(ct);
        if (last is not null && last.CheckpointId == cp.Id) throw Refuse(LogRules.AlreadyCosigned, cp.Size);
        if (last is not null && last.Size > cp.Size) throw Refuse(LogRules.OlderThanCosigned, cp.Size, last.Size);
        try
        {
            if (last is not null)
            {
                var proof = await ProofFromAsync(last, cp.Size, ct);
                MerkleProof.VerifyConsistency(last.Size, cp.Size, last.Root, cp.Root, proof);
            }
        }
        catch (PublicLogException e)
        {
            throw Refuse(LogRules.WitnessRefused, cp.Size, e.Localized(System.Globalization.CultureInfo.CurrentUICulture.Name));
        }
        return await StoreAsync(cp, cosignedNote, actor, uploaded: true, ct);
    }

    private async Task<IReadOnlyList<byte[]>> ProofFromAsync(LogCosignature? last, long size, CancellationToken ct) =>
        last is null || last.Size == 0 || last.Size > size ? [] : await new MerkleLog(store).GetConsistencyProofAsync(last.Size, size, ct);

    private async Task<LogCosignature> StoreAsync(LogCheckpoint cp, string cosignedNote, Actor actor, bool uploaded, CancellationToken ct)
    {
        var row = new LogCosignature
        {
            CheckpointId = cp.Id, Size = cp.Size, Root = cp.Root, CosignedNote = cosignedNote, WitnessName = CentreKeys.WitnessName,
            CosignedAt = clock.GetUtcNow().UtcDateTime, UserId = actor.UserId, Uploaded = uploaded,
        };
        db.Add(row);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Two supervisors cosigning the same checkpoint at once: the unique index keeps one.
            throw Refuse(LogRules.AlreadyCosigned, cp.Size);
        }
        return row;
    }

    private static void RequireSupervisor(Actor actor)
    {
        if (!actor.IsIn(Roles.Supervisor)) throw new ForbiddenException(RuleCodes.SupervisorOnly);
    }

    private static RuleViolationException Refuse(string code, params object[] args) =>
        new(new RuleViolation(code, args.Select(a => a is long or int ? Convert.ToString(a, System.Globalization.CultureInfo.InvariantCulture)! : a).ToArray()));
}

/// <summary>Signs and stores a checkpoint every <c>PublicLog:CheckpointMinutes</c> (default 10) when the log grew since the last one.</summary>
public sealed class CheckpointJob(IServiceScopeFactory scopes, IConfiguration config, ILogger<CheckpointJob> logger) : ScheduledJob(config, logger)
{
    private readonly TimeSpan _period = TimeSpan.FromMinutes(Math.Max(1, config.GetValue("PublicLog:CheckpointMinutes", 10)));

    protected override TimeSpan Period => _period;

    public override async Task<int> RunOnceAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var sp = scope.ServiceProvider;
        var checkpoints = sp.GetRequiredService<Checkpoints>();
        var size = await sp.GetRequiredService<EfLogStore>().GetSizeAsync(ct);
        var latest = await checkpoints.LatestAsync(ct);
        if (latest is not null && latest.Size >= size) return 0;
        await checkpoints.CheckpointNowAsync("interval", ct);
        return 1;
    }
}
