using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Trading.Crypto;
using Trading.Data;
using Trading.Domain;
using Trading.Domain.Bidding;
using Trading.Web.Features.Notifications;
using Trading.Web.Infrastructure;
using KeyCeremony = Trading.Domain.Bidding.KeyCeremony;

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
}

/// <summary>
/// The tender's key ceremony in the web app. Each holder's officer (supervision office, centre, owner) joins by
/// setting a passphrase: the server makes the holder's transport key and keeps it only sealed under that
/// passphrase. When the third holder joins, the three dealings run, every share is encrypted to its holder's
/// transport key and checked, the joint key is published, and the dealings are dropped. Honest limit: at that
/// moment the server process holds all three dealings in memory; a holder that wants no such moment deals in
/// its own browser or with the CLI, which the records (commitments + encrypted shares) already allow.
/// </summary>
public sealed class CeremonyService(TradingDbContext db, PublicLog log, Notifier notifier, TimeProvider clock, IOptions<SubmissionOptions> options)
{
    private SubmissionOptions O => options.Value;

    public static readonly (HolderRole Role, string UserRole)[] HolderRoles =
        [(HolderRole.SupervisionOffice, Roles.Supervisor), (HolderRole.TradingCentre, Roles.CentreStaff), (HolderRole.Owner, Roles.Owner)];

    /// <summary>The tender's ceremony, created the first time anyone looks once the notice is published.</summary>
    public async Task<KeyCeremony?> GetOrCreateAsync(Tender t, CancellationToken ct)
    {
        var c = await db.Set<KeyCeremony>().Include(x => x.Holders).FirstOrDefaultAsync(x => x.TenderId == t.Id, ct);
        if (c is not null || t.Step < LifecycleStep.NoticePublished) return c;
        var supervision = await db.Organisations.Where(o => o.Kind == OrganisationKind.SupervisionOffice).Select(o => o.Id).FirstAsync(ct);
        var centre = await db.Organisations.Where(o => o.Kind == OrganisationKind.TradingCentre).Select(o => o.Id).FirstAsync(ct);
        c = new KeyCeremony { TenderId = t.Id, CeremonyId = $"{t.Code}/{t.Id:N}", Status = CeremonyStatus.AwaitingHolders, CreatedAt = clock.GetUtcNow().UtcDateTime };
        c.Holders =
        [
            new KeyHolder { KeyCeremonyId = c.Id, HolderIndex = 1, Role = HolderRole.SupervisionOffice, OrganisationId = supervision },
            new KeyHolder { KeyCeremonyId = c.Id, HolderIndex = 2, Role = HolderRole.TradingCentre, OrganisationId = centre },
            new KeyHolder { KeyCeremonyId = c.Id, HolderIndex = 3, Role = HolderRole.Owner, OrganisationId = t.OwnerOrganisationId },
        ];
        db.Add(c);
        try
        {
            await log.RecordAsync("ceremony.started", t.Id, new { ceremony = c.CeremonyId, holders = 3, threshold = c.Threshold }, ct);
        }
        catch (DbUpdateException)
        {
            // Two first visits at once: the unique index lets one create it; read that one.
            db.ChangeTracker.Clear();
            return await db.Set<KeyCeremony>().Include(x => x.Holders).FirstAsync(x => x.TenderId == t.Id, ct);
        }
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

    public async Task<KeyCeremony> JoinAsync(Actor actor, ClaimsPrincipal user, Guid tenderId, string passphrase, string confirm, CancellationToken ct)
    {
        var t = await db.Tenders.FirstOrDefaultAsync(x => x.Id == tenderId, ct) ?? throw new NotFoundException();
        var c = await GetOrCreateAsync(t, ct) ?? throw new RuleViolationException(new RuleViolation(BiddingRules.NotPublished));
        var holder = HolderFor(actor, user, c);
        if (holder.OfficerUserId is not null) throw new RuleViolationException(new RuleViolation(BiddingRules.HolderAlreadyJoined));
        if (passphrase.Length < O.MinPassphraseLength) throw new RuleViolationException(new RuleViolation(BiddingRules.PassphraseTooShort, O.MinPassphraseLength));
        if (!string.Equals(passphrase, confirm, StringComparison.Ordinal)) throw new RuleViolationException(new RuleViolation(BiddingRules.PassphraseMismatch));

        var now = clock.GetUtcNow().UtcDateTime;
        using (var transport = ShareTransport.CreateTransportKey())
        {
            holder.TransportPoint = ShareTransport.PublicPoint(transport);
            holder.SealedTransportKeyJson = CryptoJson.Serialize(ShareSealing.SealTransportKey(transport, holder.HolderIndex, actor.UserId.ToString(), passphrase,
                new Argon2Settings(O.Argon2MemoryKiB, O.Argon2Iterations)));
        }
        holder.OfficerUserId = actor.UserId;
        holder.JoinedAt = now;
        holder.Version = Guid.NewGuid();
        // Bumping the ceremony's version makes two holders joining at the same moment conflict, so the dealing
        // below runs exactly once, by whichever join completes the set.
        c.Version = Guid.NewGuid();

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await log.AppendAsync("ceremony.holder.joined", t.Id, new
        {
            ceremony = c.CeremonyId, holder = holder.HolderIndex, role = holder.Role.ToString(),
            transportKey = Convert.ToHexStringLower(holder.TransportPoint), officer = log.Pseudonym("user", actor.UserId.ToString()),
        }, ct);
        if (c.Holders.All(h => h.TransportPoint is not null)) await CompleteAsync(t, c, now, ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return c;
    }

    private async Task CompleteAsync(Tender t, KeyCeremony c, DateTime now, CancellationToken ct)
    {
        var p = new CeremonyParameters(c.CeremonyId, c.Holders.Count, c.Threshold);
        var dealers = c.Holders.OrderBy(h => h.HolderIndex).Select(h => HolderDealer.Create(p, h.HolderIndex)).ToList();
        var commitments = dealers.Select(d => d.Commitment).ToList();
        foreach (var cm in commitments) Trading.Crypto.KeyCeremony.VerifyCommitment(p, cm);
        var key = Trading.Crypto.KeyCeremony.ComputeJointKey(p, commitments);
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
            holder.Version = Guid.NewGuid();
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
            var secret = Trading.Crypto.KeyCeremony.CombineShares(p, key, commitments, holder.HolderIndex, mine);
            if (holder.FailedPassphraseAttempts > 0)
            {
                holder.FailedPassphraseAttempts = 0;
                holder.Version = Guid.NewGuid();
            }
            return secret;
        }
    }

    /// <summary>The pre-deadline health check: the holder proves its passphrase still rebuilds a share of this key.</summary>
    public async Task HealthCheckAsync(Actor actor, ClaimsPrincipal user, Guid tenderId, string passphrase, CancellationToken ct)
    {
        var t = await db.Tenders.FirstOrDefaultAsync(x => x.Id == tenderId, ct) ?? throw new NotFoundException();
        var c = await GetOrCreateAsync(t, ct) ?? throw new RuleViolationException(new RuleViolation(BiddingRules.NotPublished));
        var holder = HolderFor(actor, user, c);
        using var secret = await UnlockAsync(tenderId, c, holder, passphrase, ct);
        secret.CheckBelongsTo(CryptoJson.Deserialize<JointKey>(c.JointKeyJson!));
        holder.LastHealthCheckAt = clock.GetUtcNow().UtcDateTime;
        holder.Version = Guid.NewGuid();
        await log.RecordAsync("ceremony.health.ok", tenderId, new { ceremony = c.CeremonyId, holder = holder.HolderIndex }, ct);
    }
}
