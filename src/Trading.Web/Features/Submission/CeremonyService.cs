using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Trading.Crypto;
using Trading.Data;
using Trading.Domain;
using Trading.Domain.Bidding;
using Trading.Web.Features.Notifications;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Submission;

public sealed class SubmissionOptions
{
    /// <summary>Largest sealed bid accepted, in bytes.</summary>
    public long MaxBidBytes { get; set; } = 200L * 1024 * 1024;
    /// <summary>Largest chunk of a resumable upload.</summary>
    public int MaxChunkBytes { get; set; } = 8 * 1024 * 1024;
    public int MinPassphraseLength { get; set; } = 12;
    /// <summary>Wrong passphrases allowed per holder before the holder is locked and supervisors alerted.</summary>
    public int MaxPassphraseFailures { get; set; } = 3;
    /// <summary>Argon2id cost for sealing transport keys (production: 64 MiB, 3 passes).</summary>
    public int Argon2MemoryKiB { get; set; } = 64 * 1024;
    public int Argon2Iterations { get; set; } = 3;
    /// <summary>Key holders must have signed in with two-factor.</summary>
    public bool RequireTwoFactorForHolders { get; set; } = true;
    /// <summary>An upload with no chunk for this long is abandoned: the sweep removes its row and temp file.</summary>
    public TimeSpan AbandonedUploadAge { get; set; } = TimeSpan.FromDays(2);
    public TimeSpan UploadSweepPeriod { get; set; } = TimeSpan.FromHours(1);
}

/// <summary>
/// The tender's key ceremony in the web app, started by publication. Each holder's officer (supervision office,
/// centre, owner) joins by setting a passphrase (the server makes the holder's transport key and keeps it only
/// sealed under it) or with a transport key made by the CLI (the server keeps only its public point). When the third
/// holder joins, the three dealings run, every share is encrypted to its holder's transport key and checked, the
/// joint key is published, and the dealings are dropped. Honest limit: at that moment the server process holds all
/// three dealings in memory, off-server holders' shares included (docs/bidding.md, "What the server sees").
/// </summary>
public sealed class CeremonyService(TradingDbContext db, PublicLogWriter log, Notifier notifier, TimeProvider clock, IOptions<SubmissionOptions> options)
{
    private SubmissionOptions O => options.Value;

    public static readonly (HolderRole Role, string UserRole)[] HolderRoles =
        [(HolderRole.SupervisionOffice, Roles.Supervisor), (HolderRole.TradingCentre, Roles.CentreStaff), (HolderRole.Owner, Roles.Owner)];

    /// <summary>The tender's ceremony, or null before the notice is published (it is started by publication).</summary>
    public Task<KeyCeremony?> FindAsync(Guid tenderId, CancellationToken ct) =>
        db.Set<KeyCeremony>().Include(x => x.Holders).FirstOrDefaultAsync(x => x.TenderId == tenderId, ct);

    /// <summary>The tender's ceremony; refused with the rule when there is none (notice not yet published).</summary>
    public async Task<KeyCeremony> GetAsync(Guid tenderId, CancellationToken ct) =>
        await FindAsync(tenderId, ct) ?? throw new RuleViolationException(new RuleViolation(BiddingRules.NotPublished));

    /// <summary>
    /// Starts the ceremony as part of publishing the notice, inside the publication's transaction: the notice and
    /// its ceremony (with its log entry) are stored together or not at all.
    /// </summary>
    public async Task<KeyCeremony> StartAsync(Tender t, CancellationToken ct)
    {
        var supervision = await db.Organisations.Where(o => o.Kind == OrganisationKind.SupervisionOffice).Select(o => o.Id).FirstAsync(ct);
        var centre = await db.Organisations.Where(o => o.Kind == OrganisationKind.TradingCentre).Select(o => o.Id).FirstAsync(ct);
        var c = new KeyCeremony { TenderId = t.Id, CeremonyId = $"{t.Code}/{t.Id:N}", Status = CeremonyStatus.AwaitingHolders, CreatedAt = clock.GetUtcNow().UtcDateTime };
        c.Holders =
        [
            new KeyHolder { KeyCeremonyId = c.Id, HolderIndex = 1, Role = HolderRole.SupervisionOffice, OrganisationId = supervision },
            new KeyHolder { KeyCeremonyId = c.Id, HolderIndex = 2, Role = HolderRole.TradingCentre, OrganisationId = centre },
            new KeyHolder { KeyCeremonyId = c.Id, HolderIndex = 3, Role = HolderRole.Owner, OrganisationId = t.OwnerOrganisationId },
        ];
        db.Add(c);
        await log.AppendAsync("ceremony.started", t.Id, new { ceremony = c.CeremonyId, holders = 3, threshold = c.Threshold }, ct);
        return c;
    }

    /// <summary>The holder this actor may act for in this ceremony, or a refusal naming the rule.</summary>
    public KeyHolder HolderFor(Actor actor, ClaimsPrincipal user, KeyCeremony c)
    {
        var holder = c.Holders.FirstOrDefault(h => h.OrganisationId == actor.OrganisationId
            && HolderRoles.Any(r => r.Role == h.Role && actor.IsIn(r.UserRole)))
            ?? throw new RuleViolationException(new RuleViolation(BiddingRules.NotKeyHolder));
        if (O.RequireTwoFactorForHolders && !user.HasClaim("amr", "mfa"))
            throw new RuleViolationException(new RuleViolation(BiddingRules.TwoFactorRequired));
        return holder;
    }

    /// <summary>Joins with a passphrase: the server makes the holder's transport key and keeps it only sealed under it.</summary>
    public Task<KeyCeremony> JoinAsync(Actor actor, ClaimsPrincipal user, Guid tenderId, string passphrase, string confirm, CancellationToken ct) =>
        JoinCoreAsync(actor, user, tenderId, (holder, _) =>
        {
            if (passphrase.Length < O.MinPassphraseLength) throw new RuleViolationException(new RuleViolation(BiddingRules.PassphraseTooShort, O.MinPassphraseLength));
            if (!string.Equals(passphrase, confirm, StringComparison.Ordinal)) throw new RuleViolationException(new RuleViolation(BiddingRules.PassphraseMismatch));
            using var transport = ShareTransport.CreateTransportKey();
            holder.TransportPoint = ShareTransport.PublicPoint(transport);
            holder.SealedTransportKeyJson = CryptoJson.Serialize(ShareSealing.SealTransportKey(transport, holder.HolderIndex, actor.UserId.ToString(), passphrase,
                new Argon2Settings(O.Argon2MemoryKiB, O.Argon2Iterations)));
        }, ct);

    /// <summary>
    /// Joins keeping the share off the server: the officer made the transport key with <c>trading keyholder
    /// transport-key</c> and gives only its public point. The dealt shares are encrypted to it, and the server never
    /// holds anything that rebuilds this holder's share.
    /// </summary>
    public Task<KeyCeremony> JoinOffServerAsync(Actor actor, ClaimsPrincipal user, Guid tenderId, string transportKeyHex, CancellationToken ct) =>
        JoinCoreAsync(actor, user, tenderId, (holder, c) =>
        {
            byte[] point;
            try
            {
                point = Convert.FromHexString((transportKeyHex ?? "").Trim());
                ShareTransport.CheckPoint(point);
            }
            catch (Exception e) when (e is FormatException or CryptoException)
            {
                throw new RuleViolationException(new RuleViolation(BiddingRules.TransportKeyInvalid));
            }
            // Every holder's transport key must be its own: a copied key would send two holders' shares to one party.
            if (c.Holders.Any(h => h != holder && h.TransportPoint is { } p && p.AsSpan().SequenceEqual(point)))
                throw new RuleViolationException(new RuleViolation(BiddingRules.TransportKeyInvalid));
            holder.TransportPoint = point;
            holder.SealedTransportKeyJson = null;
        }, ct);

    private async Task<KeyCeremony> JoinCoreAsync(Actor actor, ClaimsPrincipal user, Guid tenderId, Action<KeyHolder, KeyCeremony> setTransportKey, CancellationToken ct)
    {
        var t = await db.Tenders.FirstOrDefaultAsync(x => x.Id == tenderId, ct) ?? throw new NotFoundException();
        var c = await GetAsync(tenderId, ct);
        var holder = HolderFor(actor, user, c);
        if (holder.OfficerUserId is not null) throw new RuleViolationException(new RuleViolation(BiddingRules.HolderAlreadyJoined));
        setTransportKey(holder, c);

        var now = clock.GetUtcNow().UtcDateTime;
        holder.OfficerUserId = actor.UserId;
        holder.JoinedAt = now;
        // Touching the ceremony (a new version) makes two holders joining at the same moment conflict, so the dealing
        // below runs exactly once, by whichever join completes the set.
        db.Touch(c);

        return await log.ActAsync(async () =>
        {
            await log.AppendAsync("ceremony.holder.joined", t.Id, new
            {
                ceremony = c.CeremonyId, holder = holder.HolderIndex, role = holder.Role.ToString(), offServer = holder.KeepsShareOffServer,
                transportKey = Convert.ToHexStringLower(holder.TransportPoint!), officer = log.Pseudonym("user", actor.UserId.ToString()),
            }, ct);
            if (c.Holders.All(h => h.TransportPoint is not null)) await CompleteAsync(t, c, now, ct);
            return c;
        }, ct);
    }

    /// <summary>
    /// What an off-server holder downloads after the ceremony: the public records and the shares dealt to it,
    /// encrypted to its own transport key. Only its officers get it; an on-server holder has no use for it.
    /// </summary>
    public async Task<HolderSharePackage> SharePackageAsync(Actor actor, ClaimsPrincipal user, Guid tenderId, CancellationToken ct)
    {
        var c = await GetAsync(tenderId, ct);
        var holder = HolderFor(actor, user, c);
        if (c.Status != CeremonyStatus.Complete) throw new RuleViolationException(new RuleViolation(BiddingRules.CeremonyNotComplete));
        if (!holder.KeepsShareOffServer) throw new RuleViolationException(new RuleViolation(BiddingRules.HolderOnServer));
        return new HolderSharePackage(1, c.CeremonyId, holder.HolderIndex, c.Holders.Count, c.Threshold, CryptoJson.Deserialize<JointKey>(c.JointKeyJson!),
            CryptoJson.Deserialize<List<DealerCommitment>>(c.CommitmentsJson!),
            CryptoJson.Deserialize<List<EncryptedShare>>(c.EncryptedSharesJson!).Where(s => s.RecipientIndex == holder.HolderIndex).ToList(), holder.TransportPoint!);
    }

    private async Task CompleteAsync(Tender t, KeyCeremony c, DateTime now, CancellationToken ct)
    {
        var p = new CeremonyParameters(c.CeremonyId, c.Holders.Count, c.Threshold);
        var dealers = c.Holders.OrderBy(h => h.HolderIndex).Select(h => HolderDealer.Create(p, h.HolderIndex)).ToList();
        var commitments = dealers.Select(d => d.Commitment).ToList();
        foreach (var cm in commitments) Trading.Crypto.CeremonyVerifier.VerifyCommitment(p, cm);
        var key = Trading.Crypto.CeremonyVerifier.ComputeJointKey(p, commitments);
        var shares = new List<EncryptedShare>();
        foreach (var d in dealers)
        {
            foreach (var h in c.Holders.OrderBy(h => h.HolderIndex))
                shares.Add(ShareTransport.Encrypt(p, d.ShareFor(h.HolderIndex), h.TransportPoint!));
        }
        c.JointKeyJson = CryptoJson.Serialize(key);
        c.KeyIdHex = key.KeyIdHex;
        c.CommitmentsJson = CryptoJson.Serialize(commitments);
        c.EncryptedSharesJson = CryptoJson.Serialize(shares);
        c.Status = CeremonyStatus.Complete;
        c.CompletedAt = now;
        await log.AppendAsync("ceremony.completed", t.Id, new
        {
            ceremony = c.CeremonyId, keyId = key.KeyIdHex, jointKey = Convert.ToHexStringLower(key.PublicKey),
            verificationKeys = key.VerificationKeys.Select(Convert.ToHexStringLower).ToArray(),
        }, ct);
    }

    /// <summary>
    /// Rebuilds the holder's secret from its passphrase: unseal the transport key, decrypt and check the three
    /// shares dealt to it, combine. The caller disposes the secret as soon as it is used. Wrong passphrases are
    /// counted and logged; after the limit the holder is locked and the supervision office alerted.
    /// </summary>
    public async Task<HolderSecret> UnlockAsync(Guid tenderId, KeyCeremony c, KeyHolder holder, string passphrase, CancellationToken ct)
    {
        if (c.Status != CeremonyStatus.Complete) throw new RuleViolationException(new RuleViolation(BiddingRules.CeremonyNotComplete));
        if (holder.KeepsShareOffServer) throw new RuleViolationException(new RuleViolation(BiddingRules.HolderOffServer));
        if (holder.FailedPassphraseAttempts >= O.MaxPassphraseFailures)
            throw new RuleViolationException(new RuleViolation(BiddingRules.PassphraseLocked, O.MaxPassphraseFailures));
        var sealedKey = CryptoJson.Deserialize<SealedShare>(holder.SealedTransportKeyJson!);
        System.Security.Cryptography.ECDiffieHellman transport;
        try
        {
            transport = ShareSealing.UnsealTransportKey(sealedKey, holder.TransportPoint!, passphrase);
        }
        catch (CryptoException e) when (e.Code == CryptoErrorCode.WrongPassphrase)
        {
            holder.FailedPassphraseAttempts++;
            var locked = holder.FailedPassphraseAttempts >= O.MaxPassphraseFailures;
            if (locked)
            {
                await notifier.RaiseToRoleAsync(Roles.Supervisor, id => new Notice(id, "ceremony.passphrase.locked", "Bid.Alert.LockedSubject", "Bid.Alert.LockedBody",
                    [holder.HolderIndex.ToString(System.Globalization.CultureInfo.InvariantCulture), c.CeremonyId], $"/Submission/Ceremony/{tenderId}", tenderId), ct);
            }
            await log.RecordAsync("ceremony.passphrase.failed", tenderId, new { ceremony = c.CeremonyId, holder = holder.HolderIndex, attempts = holder.FailedPassphraseAttempts, locked }, ct);
            throw new RuleViolationException(new RuleViolation(BiddingRules.WrongPassphrase, O.MaxPassphraseFailures - holder.FailedPassphraseAttempts));
        }

        using (transport)
        {
            var p = new CeremonyParameters(c.CeremonyId, c.Holders.Count, c.Threshold);
            var key = CryptoJson.Deserialize<JointKey>(c.JointKeyJson!);
            var commitments = CryptoJson.Deserialize<List<DealerCommitment>>(c.CommitmentsJson!);
            var mine = CryptoJson.Deserialize<List<EncryptedShare>>(c.EncryptedSharesJson!).Where(s => s.RecipientIndex == holder.HolderIndex)
                .Select(s => ShareTransport.Decrypt(p, s, transport)).ToList();
            var secret = Trading.Crypto.CeremonyVerifier.CombineShares(p, key, commitments, holder.HolderIndex, mine);
            if (holder.FailedPassphraseAttempts > 0)
            {
                holder.FailedPassphraseAttempts = 0;
            }
            return secret;
        }
    }

    /// <summary>Today's health-check challenge for a holder (UTC day): a proof over it cannot be made in advance or reused.</summary>
    public byte[] CanaryFor(KeyCeremony c, KeyHolder holder) => ThresholdOpening.CanaryPoint(
        $"{c.CeremonyId}|{holder.HolderIndex}|{clock.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)}");

    /// <summary>
    /// The health check of a holder keeping its share off the server: a partial with proof over today's challenge,
    /// made by <c>trading keyholder check --canary … --out …</c>. The server learns nothing of the share.
    /// </summary>
    public async Task HealthCheckOffServerAsync(Actor actor, ClaimsPrincipal user, Guid tenderId, Stream proofJson, CancellationToken ct)
    {
        var c = await GetAsync(tenderId, ct);
        var holder = HolderFor(actor, user, c);
        if (c.Status != CeremonyStatus.Complete) throw new RuleViolationException(new RuleViolation(BiddingRules.CeremonyNotComplete));
        if (!holder.KeepsShareOffServer) throw new RuleViolationException(new RuleViolation(BiddingRules.HolderOnServer));
        // A proof is a few hundred bytes.
        var json = await OpeningService.ReadLimitedAsync(proofJson, 8 * 1024, ct) ?? throw new RuleViolationException(new RuleViolation(BiddingRules.CanaryInvalid));
        PartialDecryption proof;
        try
        {
            proof = CryptoJson.Deserialize<PartialDecryption>(json);
        }
        catch (CryptoException)
        {
            throw new RuleViolationException(new RuleViolation(BiddingRules.CanaryInvalid));
        }
        if (proof.HolderIndex != holder.HolderIndex) throw new RuleViolationException(new RuleViolation(BiddingRules.PartialsOtherHolder, proof.HolderIndex, holder.HolderIndex));
        var canary = CanaryFor(c, holder);
        if (!proof.R.AsSpan().SequenceEqual(canary)) throw new RuleViolationException(new RuleViolation(BiddingRules.CanaryStale));
        try
        {
            ThresholdOpening.VerifyPartial(CryptoJson.Deserialize<JointKey>(c.JointKeyJson!), canary, proof);
        }
        catch (CryptoException)
        {
            throw new RuleViolationException(new RuleViolation(BiddingRules.CanaryInvalid));
        }
        holder.LastHealthCheckAt = clock.GetUtcNow().UtcDateTime;
        await log.RecordAsync("ceremony.health.ok", tenderId, new { ceremony = c.CeremonyId, holder = holder.HolderIndex, via = "cli", canary = Convert.ToHexStringLower(canary) }, ct);
    }

    /// <summary>The pre-deadline health check: the holder proves its passphrase still rebuilds a share of this key.</summary>
    public async Task HealthCheckAsync(Actor actor, ClaimsPrincipal user, Guid tenderId, string passphrase, CancellationToken ct)
    {
        var c = await GetAsync(tenderId, ct);
        var holder = HolderFor(actor, user, c);
        using var secret = await UnlockAsync(tenderId, c, holder, passphrase, ct);
        secret.CheckBelongsTo(CryptoJson.Deserialize<JointKey>(c.JointKeyJson!));
        holder.LastHealthCheckAt = clock.GetUtcNow().UtcDateTime;
        await log.RecordAsync("ceremony.health.ok", tenderId, new { ceremony = c.CeremonyId, holder = holder.HolderIndex }, ct);
    }

    /// <summary>
    /// A supervisor unlocks a holder locked after too many wrong passphrases, giving a reason: the reason goes into
    /// the public log and to every officer of the ceremony. Nobody else can unlock, and a supervisor cannot unlock a
    /// holder it is the officer of (the one who locked it would otherwise free itself).
    /// </summary>
    public async Task SupervisedUnlockAsync(Actor actor, Guid tenderId, int holderIndex, string reason, CancellationToken ct)
    {
        if (!actor.IsIn(Roles.Supervisor)) throw new RuleViolationException(new RuleViolation(BiddingRules.UnlockOnlySupervisor));
        reason = (reason ?? "").Trim();
        if (reason.Length is < 10 or > 500) throw new RuleViolationException(new RuleViolation(BiddingRules.UnlockReasonRequired, 10, 500));
        var c = await GetAsync(tenderId, ct);
        var holder = c.Holders.FirstOrDefault(h => h.HolderIndex == holderIndex) ?? throw new NotFoundException();
        if (holder.FailedPassphraseAttempts < O.MaxPassphraseFailures) throw new RuleViolationException(new RuleViolation(BiddingRules.HolderNotLocked, holderIndex));
        if (holder.OfficerUserId == actor.UserId) throw new RuleViolationException(new RuleViolation(BiddingRules.UnlockOwnHolder));
        var attempts = holder.FailedPassphraseAttempts;
        holder.FailedPassphraseAttempts = 0;
        var index = holderIndex.ToString(System.Globalization.CultureInfo.InvariantCulture);
        foreach (var officer in c.Holders.Where(h => h.OfficerUserId is not null).Select(h => h.OfficerUserId!.Value).Distinct())
            notifier.Raise(new Notice(officer, "ceremony.holder.unlocked", "Bid.Alert.UnlockedSubject", "Bid.Alert.UnlockedBody", [index, c.CeremonyId, reason],
                $"/Submission/Ceremony/{tenderId}", tenderId));
        // The reason is public on purpose (the form says so): an unlock is an exception the bidders may question.
        await log.RecordAsync("ceremony.holder.unlocked", tenderId, new
        {
            ceremony = c.CeremonyId, holder = holderIndex, failedAttempts = attempts, reason, by = log.Pseudonym("user", actor.UserId.ToString()),
        }, ct);
    }
}
