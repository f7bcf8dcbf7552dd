using System.Globalization;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Trading.Crypto;
using Trading.Data;
using Trading.Domain;
using Trading.Domain.Bidding;
using Trading.Web.Features.Notifications;
using Trading.Web.Features.Submission;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Custody;

/// <summary>
/// The key ceremony as a relay (docs/bidding.md, "Custody"). The server stores and serves officers' public transport
/// points, their sealed transport keys (sealed on their own machines), dealings (commitments, proofs, encrypted
/// shares), acknowledgements and complaints; it checks every proof it can and computes the joint key from public
/// commitments. Nothing here makes a polynomial, opens a share or sees a passphrase.
/// </summary>
public sealed class CustodyService(TradingDbContext db, PublicLogWriter log, Notifier notifier, TimeProvider clock, CeremonyService ceremonies,
    IOptions<CustodyOptions> options, CeremonyEvents events)
{
    /// <summary>Largest JSON body of a relayed act (a dealing to a few dozen officers is a few tens of KiB).</summary>
    public const int MaxBodyBytes = 256 * 1024;

    private static RuleViolationException Refuse(string rule, params object[] args) => new(new RuleViolation(rule, args));

    public async Task<(Tender Tender, KeyCeremony Ceremony)> LoadAsync(Guid tenderId, CancellationToken ct)
    {
        var t = await db.Tenders.AsNoTracking().FirstOrDefaultAsync(x => x.Id == tenderId, ct) ?? throw new NotFoundException();
        return (t, await ceremonies.GetAsync(tenderId, ct));
    }

    private CeremonyParameters ParametersOf(KeyCeremony c) => ceremonies.ParametersOf(c);

    /// <summary>The holder of this ceremony the actor's organisation and role make it part of, or a refusal.</summary>
    public KeyHolder HolderOf(Actor actor, ClaimsPrincipal user, KeyCeremony c) => ceremonies.HolderFor(actor, user, c);

    /// <summary>The actor's officer record for this holder, active; a removed or pending officer is refused by its rule.</summary>
    public async Task<HolderOfficer> ActiveOfficerAsync(Actor actor, KeyHolder holder, CancellationToken ct)
    {
        var mine = await db.Set<HolderOfficer>().Where(o => o.OrganisationId == holder.OrganisationId && o.UserId == actor.UserId)
            .OrderByDescending(o => o.EnrolledAt).FirstOrDefaultAsync(ct) ?? throw Refuse(CustodyRules.NotOfficer);
        if (mine.RemovedAt is not null) throw Refuse(CustodyRules.OfficerRemoved);
        if (mine.AddedAt is null) throw Refuse(CustodyRules.OfficerPending);
        return mine;
    }

    private Task<List<HolderOfficer>> OfficersAsync(IEnumerable<Guid> organisations, CancellationToken ct)
    {
        var orgs = organisations.ToList();
        return db.Set<HolderOfficer>().Where(o => orgs.Contains(o.OrganisationId)).OrderBy(o => o.EnrolledAt).ToListAsync(ct);
    }

    /// <summary>Active officers' transport points by holder index: whom every share must be encrypted to.</summary>
    public async Task<Dictionary<int, IReadOnlyList<byte[]>>> RosterAsync(KeyCeremony c, CancellationToken ct)
    {
        var officers = await OfficersAsync(c.Holders.Select(h => h.OrganisationId), ct);
        return c.Holders.ToDictionary(h => h.HolderIndex,
            h => (IReadOnlyList<byte[]>)officers.Where(o => o.OrganisationId == h.OrganisationId && o.IsActive).Select(o => o.TransportPoint).ToList());
    }

    // ------------------------------------------------------------------ officers

    /// <summary>
    /// An officer gives its transport point and its sealed transport key (both made on its machine). The first officer
    /// of an organisation is effective at once; later ones wait until an existing officer adds them, re-encrypting the
    /// holder's shares to them in that officer's browser. The server checks only what it can: the point, that the
    /// blob is bound to it, and the Argon2id cost recorded in the blob.
    /// </summary>
    public async Task<HolderOfficer> EnrolAsync(Actor actor, ClaimsPrincipal user, Guid tenderId, string pointHex, string sealedJson, CancellationToken ct)
    {
        var (t, c) = await LoadAsync(tenderId, ct);
        var holder = HolderOf(actor, user, c);
        var point = CheckTransportKey(pointHex, sealedJson, holder.HolderIndex, actor.UserId);
        var existing = await db.Set<HolderOfficer>().Where(o => o.OrganisationId == holder.OrganisationId).ToListAsync(ct);
        if (existing.Any(o => o.UserId == actor.UserId && o.RemovedAt is null)) throw Refuse(CustodyRules.AlreadyOfficer);
        if (await db.Set<HolderOfficer>().AnyAsync(o => o.TransportPoint == point, ct)) throw Refuse(CustodyRules.TransportKeyInUse);

        var now = clock.GetUtcNow().UtcDateTime;
        var first = !existing.Any(o => o.IsActive);
        var otherOrgs = c.Holders.Select(h => h.OrganisationId).Where(o => o != holder.OrganisationId).ToList();
        var existingActive = (await db.Set<HolderOfficer>().Where(o => otherOrgs.Contains(o.OrganisationId) && o.AddedAt != null && o.RemovedAt == null)
            .Select(o => o.OrganisationId).Distinct().ToListAsync(ct)).ToHashSet();
        var officer = new HolderOfficer
        {
            OrganisationId = holder.OrganisationId, UserId = actor.UserId, TransportPoint = point, SealedTransportKeyJson = sealedJson, EnrolledAt = now,
            AddedAt = first ? now : null, AddedByUserId = first ? actor.UserId : null,
        };
        db.Add(officer);
        if (!first)
        {
            foreach (var o in existing.Where(o => o.IsActive))
                notifier.Raise(new Notice(o.UserId, "custody.officer.pending", "Custody.Notice.PendingSubject", "Custody.Notice.PendingBody", [actor.Name, t.Code],
                    Link(tenderId), tenderId));
        }
        if (first && c.Holders.All(h => h.OrganisationId == holder.OrganisationId || existingActive.Contains(h.OrganisationId)))
            await NotifyOfficersAsync(c, t, h => h.OrganisationId != holder.OrganisationId, "ceremony.turn.deal", "Custody.Notice.DealSubject", "Custody.Notice.DealBody", ct);
        await log.RecordAsync(first ? "custody.officer.added" : "custody.officer.enrolled", tenderId, new
        {
            organisation = holder.OrganisationId, holder = holder.HolderIndex, officer = officer.Id, transportKey = Convert.ToHexStringLower(point),
            by = log.Pseudonym("user", actor.UserId.ToString()), firstOfficer = first,
        }, ct);
        await events.ChangedAsync(tenderId);
        return officer;
    }

    /// <summary>Checks a transport point and its sealed key; a weak Argon2id cost is refused in every environment.</summary>
    public static byte[] CheckTransportKey(string pointHex, string sealedJson, int holderIndex, Guid userId)
    {
        byte[] point;
        try
        {
            point = Convert.FromHexString((pointHex ?? "").Trim());
            ShareTransport.CheckPoint(point);
        }
        catch (Exception e) when (e is FormatException or CryptoException)
        {
            throw Refuse(BiddingRules.TransportKeyInvalid);
        }

        SealedShare sealedKey;
        try
        {
            sealedKey = CryptoJson.Deserialize<SealedShare>(sealedJson);
        }
        catch (CryptoException)
        {
            throw Refuse(CustodyRules.SealedKeyInvalid);
        }
        if (sealedKey.Argon2.MemoryKiB < CustodyRules.MinArgon2MemoryKiB || sealedKey.Argon2.Iterations < CustodyRules.MinArgon2Iterations)
            throw Refuse(CustodyRules.WeakArgon2, CustodyRules.MinArgon2MemoryKiB / 1024, CustodyRules.MinArgon2Iterations);
        if (sealedKey.Version != 1 || sealedKey.Suite != CryptoSuites.P256 || sealedKey.Kdf != "argon2id-v19" || sealedKey.HolderIndex != holderIndex
            || sealedKey.OfficerId != userId.ToString() || sealedKey.Salt.Length < 16 || sealedKey.Nonce.Length != 12 || sealedKey.Ciphertext.Length != 48
            || !sealedKey.KeyId.AsSpan().SequenceEqual(System.Security.Cryptography.SHA256.HashData(point)))
            throw Refuse(CustodyRules.SealedKeyInvalid);
        return point;
    }

    /// <summary>
    /// An existing officer adds a pending one: it re-encrypted, in its browser, the shares this holder received in this
    /// ceremony to the new officer's transport point (reencryptForOfficer). Logged; the new officer is told.
    /// </summary>
    public async Task AddOfficerAsync(Actor actor, ClaimsPrincipal user, Guid tenderId, Guid officerId, string sharesJson, CancellationToken ct)
    {
        var (t, c) = await LoadAsync(tenderId, ct);
        var holder = HolderOf(actor, user, c);
        var me = await ActiveOfficerAsync(actor, holder, ct);
        var added = await db.Set<HolderOfficer>().FirstOrDefaultAsync(o => o.Id == officerId, ct) ?? throw new NotFoundException();
        if (added.OrganisationId != holder.OrganisationId) throw Refuse(CustodyRules.OtherHolder);
        if (added.RemovedAt is not null) throw Refuse(CustodyRules.OfficerRemoved);
        await AppendSharesAsync(c, holder, added, sharesJson, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var wasPending = added.AddedAt is null;
        if (wasPending)
        {
            added.AddedAt = now;
            added.AddedByUserId = actor.UserId;
        }
        notifier.Raise(new Notice(added.UserId, "custody.officer.added", "Custody.Notice.AddedSubject", "Custody.Notice.AddedBody", [t.Code], Link(tenderId), tenderId));
        db.Touch(c);
        await log.RecordAsync(wasPending ? "custody.officer.added" : "ceremony.shares.reencrypted", tenderId, new
        {
            organisation = holder.OrganisationId, holder = holder.HolderIndex, officer = added.Id, transportKey = Convert.ToHexStringLower(added.TransportPoint),
            ceremony = c.CeremonyId, by = log.Pseudonym("user", actor.UserId.ToString()), byOfficer = me.Id,
        }, ct);
        await events.ChangedAsync(tenderId);
    }

    private async Task AppendSharesAsync(KeyCeremony c, KeyHolder holder, HolderOfficer added, string sharesJson, CancellationToken ct)
    {
        var dealings = await db.Set<CeremonyDealing>().Where(d => d.KeyCeremonyId == c.Id).ToListAsync(ct);
        List<OfficerShare> shares;
        try
        {
            shares = string.IsNullOrWhiteSpace(sharesJson) ? [] : CryptoJson.Deserialize<List<OfficerShare>>(sharesJson);
        }
        catch (CryptoException)
        {
            throw Refuse(CustodyRules.ReencryptionInvalid);
        }
        // One share from each dealing so far, each to the new officer, labelled for this holder: the new officer checks
        // them against the commitments itself (the server cannot).
        var p = ParametersOf(c);
        if (shares.Count != dealings.Count || shares.Select(s => s.Share.DealerIndex).Distinct().Count() != shares.Count)
            throw Refuse(CustodyRules.ReencryptionInvalid);
        foreach (var s in shares)
        {
            var d = dealings.FirstOrDefault(x => x.DealerIndex == s.Share.DealerIndex);
            try
            {
                if (d is null || s.Share.CeremonyId != p.CeremonyId || s.Share.RecipientIndex != holder.HolderIndex || s.Share.Ciphertext.Length != 48
                    || !s.OfficerPoint.AsSpan().SequenceEqual(added.TransportPoint))
                    throw Refuse(CustodyRules.ReencryptionInvalid);
                ShareTransport.CheckPoint(s.Share.EphemeralPoint);
            }
            catch (CryptoException)
            {
                throw Refuse(CustodyRules.ReencryptionInvalid);
            }
            var list = CryptoJson.Deserialize<List<OfficerShare>>(d.SharesJson);
            list.RemoveAll(x => x.Share.RecipientIndex == holder.HolderIndex && x.OfficerPoint.AsSpan().SequenceEqual(added.TransportPoint));
            list.Add(s);
            d.SharesJson = CryptoJson.Serialize(list);
        }
    }

    /// <summary>A supervisor removes an officer (lost device, left the unit); never the last active officer of a holder.</summary>
    public async Task RemoveOfficerAsync(Actor actor, Guid tenderId, Guid officerId, CancellationToken ct)
    {
        if (!actor.IsIn(Roles.Supervisor)) throw Refuse(CustodyRules.RemoveOnlySupervisor);
        var (_, c) = await LoadAsync(tenderId, ct);
        var officer = await db.Set<HolderOfficer>().FirstOrDefaultAsync(o => o.Id == officerId, ct) ?? throw new NotFoundException();
        if (c.Holders.All(h => h.OrganisationId != officer.OrganisationId)) throw new NotFoundException();
        if (officer.RemovedAt is not null) throw Refuse(CustodyRules.OfficerRemoved);
        if (officer.IsActive && !await db.Set<HolderOfficer>().AnyAsync(o => o.OrganisationId == officer.OrganisationId && o.Id != officer.Id
                && o.AddedAt != null && o.RemovedAt == null, ct))
            throw Refuse(CustodyRules.LastOfficer);
        officer.RemovedAt = clock.GetUtcNow().UtcDateTime;
        officer.RemovedByUserId = actor.UserId;
        notifier.Raise(new Notice(officer.UserId, "custody.officer.removed", "Custody.Notice.RemovedSubject", "Custody.Notice.RemovedBody", [c.CeremonyId], Link(tenderId), tenderId));
        db.Touch(c);
        await log.RecordAsync("custody.officer.removed", tenderId, new
        {
            organisation = officer.OrganisationId, officer = officer.Id, transportKey = Convert.ToHexStringLower(officer.TransportPoint),
            by = log.Pseudonym("user", actor.UserId.ToString()),
        }, ct);
        await events.ChangedAsync(tenderId);
    }

    // ------------------------------------------------------------------ dealing, acknowledgements, complaints

    /// <summary>A holder's officer posts its dealing, made on its machine; the relay checks proof and shape, then stores it.</summary>
    public async Task<CeremonyDealing> DealAsync(Actor actor, ClaimsPrincipal user, Guid tenderId, string json, CancellationToken ct)
    {
        var (t, c) = await LoadAsync(tenderId, ct);
        var holder = HolderOf(actor, user, c);
        var me = await ActiveOfficerAsync(actor, holder, ct);
        if (c.Status == CeremonyStatus.Complete) throw Refuse(CustodyRules.CeremonyComplete);
        var dealing = Parse<HolderDealing>(json, CustodyRules.DealingInvalid);
        if (dealing.Commitment.DealerIndex != holder.HolderIndex) throw Refuse(CustodyRules.OtherHolder);
        if (await db.Set<CeremonyDealing>().AnyAsync(d => d.KeyCeremonyId == c.Id && d.DealerIndex == holder.HolderIndex, ct))
            throw Refuse(CustodyRules.HolderAlreadyDealt, holder.HolderIndex);
        var roster = await RosterAsync(c, ct);
        if (roster.Values.Any(v => v.Count == 0)) throw Refuse(CustodyRules.RosterIncomplete);
        var p = ParametersOf(c);
        try
        {
            HolderProtocol.VerifyDealing(p, dealing, roster);
        }
        catch (CryptoException)
        {
            throw Refuse(CustodyRules.DealingInvalid);
        }
        var hash = Convert.ToHexStringLower(HolderProtocol.CommitmentHash(p, dealing.Commitment));
        var row = new CeremonyDealing
        {
            KeyCeremonyId = c.Id, DealerIndex = holder.HolderIndex, DealtByOfficerId = me.Id, CommitmentJson = CryptoJson.Serialize(dealing.Commitment),
            SharesJson = CryptoJson.Serialize(dealing.Shares), CommitmentHashHex = hash, PostedAt = clock.GetUtcNow().UtcDateTime,
        };
        db.Add(row);
        holder.JoinedAt ??= row.PostedAt;
        db.Touch(c);
        await NotifyOfficersAsync(c, t, h => h != holder, "ceremony.turn.check", "Custody.Notice.CheckSubject", "Custody.Notice.CheckBody", ct);
        await log.RecordAsync("ceremony.dealt", tenderId, new
        {
            ceremony = c.CeremonyId, holder = holder.HolderIndex, commitmentHash = hash,
            commitments = dealing.Commitment.Coefficients.Select(Convert.ToHexStringLower).ToArray(),
            shares = dealing.Shares.Count, officer = me.Id,
        }, ct);
        await events.ChangedAsync(tenderId);
        return row;
    }

    /// <summary>A recipient's officer says the share it received matches; the last acknowledgement completes the ceremony.</summary>
    public async Task AcknowledgeAsync(Actor actor, ClaimsPrincipal user, Guid tenderId, string json, CancellationToken ct)
    {
        var (t, c) = await LoadAsync(tenderId, ct);
        var holder = HolderOf(actor, user, c);
        var me = await ActiveOfficerAsync(actor, holder, ct);
        var ack = Parse<ShareAcknowledgement>(json, CustodyRules.AcknowledgementInvalid);
        if (ack.RecipientIndex != holder.HolderIndex) throw Refuse(CustodyRules.OtherHolder);
        if (!ack.OfficerPoint.AsSpan().SequenceEqual(me.TransportPoint)) throw Refuse(CustodyRules.NotYourKey);
        var dealing = await db.Set<CeremonyDealing>().FirstOrDefaultAsync(d => d.KeyCeremonyId == c.Id && d.DealerIndex == ack.DealerIndex, ct)
            ?? throw Refuse(CustodyRules.DealingUnknown);
        if (await db.Set<CeremonyAcknowledgement>().AnyAsync(a => a.KeyCeremonyId == c.Id && a.DealerIndex == ack.DealerIndex && a.RecipientIndex == ack.RecipientIndex, ct))
            throw Refuse(CustodyRules.AlreadyAcknowledged, ack.DealerIndex);
        var p = ParametersOf(c);
        try
        {
            HolderProtocol.VerifyAcknowledgement(p, CryptoJson.Deserialize<DealerCommitment>(dealing.CommitmentJson), ack);
        }
        catch (CryptoException)
        {
            throw Refuse(CustodyRules.AcknowledgementInvalid);
        }
        var now = clock.GetUtcNow().UtcDateTime;
        db.Add(new CeremonyAcknowledgement
        {
            KeyCeremonyId = c.Id, DealingId = dealing.Id, DealerIndex = ack.DealerIndex, RecipientIndex = ack.RecipientIndex, OfficerId = me.Id,
            Json = CryptoJson.Serialize(ack), PostedAt = now,
        });
        db.Touch(c);
        await log.ActAsync(async () =>
        {
            await log.AppendAsync("ceremony.acknowledged", tenderId, new
            {
                ceremony = c.CeremonyId, dealer = ack.DealerIndex, recipient = ack.RecipientIndex, commitmentHash = dealing.CommitmentHashHex,
                officerKey = Convert.ToHexStringLower(ack.OfficerPoint), signature = Convert.ToHexStringLower([.. ack.Signature.Challenge, .. ack.Signature.Response]),
            }, ct);
            await db.SaveChangesAsync(ct);
            await CompleteIfReadyAsync(t, c, now, ct);
        }, ct);
        await events.ChangedAsync(tenderId);
    }

    /// <summary>
    /// When every holder's dealing is acknowledged by every holder: the joint key and verification keys from the public
    /// commitments alone (anyone can recompute them from the log).
    /// </summary>
    private async Task CompleteIfReadyAsync(Tender t, KeyCeremony c, DateTime now, CancellationToken ct)
    {
        var dealings = await db.Set<CeremonyDealing>().Where(d => d.KeyCeremonyId == c.Id).ToListAsync(ct);
        var acks = await db.Set<CeremonyAcknowledgement>().Where(a => a.KeyCeremonyId == c.Id).CountAsync(ct);
        if (dealings.Count != c.Holders.Count || acks != c.Holders.Count * c.Holders.Count) return;
        var p = ParametersOf(c);
        var commitments = dealings.OrderBy(d => d.DealerIndex).Select(d => CryptoJson.Deserialize<DealerCommitment>(d.CommitmentJson)).ToList();
        var key = CeremonyVerifier.ComputeJointKey(p, commitments);
        c.JointKeyJson = CryptoJson.Serialize(key);
        c.KeyIdHex = key.KeyIdHex;
        c.CommitmentsJson = CryptoJson.Serialize(commitments);
        c.Status = CeremonyStatus.Complete;
        c.CompletedAt = now;
        await NotifyOfficersAsync(c, t, _ => true, "ceremony.turn.health", "Custody.Notice.HealthSubject", "Custody.Notice.HealthBody", ct);
        await log.AppendAsync("ceremony.completed", t.Id, new
        {
            ceremony = c.CeremonyId, keyId = key.KeyIdHex, jointKey = Convert.ToHexStringLower(key.PublicKey),
            verificationKeys = key.VerificationKeys.Select(Convert.ToHexStringLower).ToArray(), via = "relay",
        }, ct);
    }

    /// <summary>
    /// A complaint with evidence. False evidence (the proof fails, or the share it opens does match) is refused and
    /// changes nothing; a justified complaint removes the dealing (and its acknowledgements): that holder deals again.
    /// </summary>
    public async Task ComplainAsync(Actor actor, ClaimsPrincipal user, Guid tenderId, string json, CancellationToken ct)
    {
        var (t, c) = await LoadAsync(tenderId, ct);
        var holder = HolderOf(actor, user, c);
        var me = await ActiveOfficerAsync(actor, holder, ct);
        if (c.Status == CeremonyStatus.Complete) throw Refuse(CustodyRules.CeremonyComplete);
        var evidence = Parse<ComplaintEvidence>(json, CustodyRules.ComplaintFalse);
        if (evidence.RecipientIndex != holder.HolderIndex) throw Refuse(CustodyRules.OtherHolder);
        if (!evidence.OfficerPoint.AsSpan().SequenceEqual(me.TransportPoint)) throw Refuse(CustodyRules.NotYourKey);
        var dealing = await db.Set<CeremonyDealing>().FirstOrDefaultAsync(d => d.KeyCeremonyId == c.Id && d.DealerIndex == evidence.DealerIndex, ct)
            ?? throw Refuse(CustodyRules.DealingUnknown);
        var relayed = CryptoJson.Deserialize<List<OfficerShare>>(dealing.SharesJson)
            .FirstOrDefault(s => s.Share.RecipientIndex == holder.HolderIndex && s.OfficerPoint.AsSpan().SequenceEqual(me.TransportPoint))
            ?? throw Refuse(CustodyRules.ComplaintFalse);
        try
        {
            HolderProtocol.JudgeComplaint(ParametersOf(c), CryptoJson.Deserialize<DealerCommitment>(dealing.CommitmentJson), relayed, evidence);
        }
        catch (CryptoException)
        {
            throw Refuse(CustodyRules.ComplaintFalse);
        }
        db.RemoveRange(await db.Set<CeremonyAcknowledgement>().Where(a => a.DealingId == dealing.Id).ToListAsync(ct));
        db.Remove(dealing);
        db.Touch(c);
        await NotifyOfficersAsync(c, t, h => h.HolderIndex == dealing.DealerIndex, "ceremony.turn.redeal", "Custody.Notice.RedealSubject", "Custody.Notice.RedealBody", ct);
        // The evidence is public: anyone can decrypt that one share with it and see that it fails the commitments.
        await log.RecordAsync("ceremony.complaint.upheld", tenderId, new
        {
            ceremony = c.CeremonyId, dealer = evidence.DealerIndex, recipient = evidence.RecipientIndex, commitmentHash = dealing.CommitmentHashHex,
            evidence = System.Text.Json.JsonDocument.Parse(CryptoJson.Serialize(evidence)).RootElement,
        }, ct);
        await events.ChangedAsync(tenderId);
    }

    // ------------------------------------------------------------------ health checks

    /// <summary>The health-check challenge of a holder for today (UTC): a proof over it cannot be made in advance or reused.</summary>
    public string CanaryContext(KeyCeremony c, int holderIndex) =>
        $"{c.CeremonyId}|{holderIndex}|{clock.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}";

    /// <summary>When every holder must have passed a health check: a configured time before the bid deadline.</summary>
    public DateTime HealthDeadline(Tender t) => t.BidDeadline - options.Value.HealthCheckBeforeDeadline;

    /// <summary>A partial over today's canary, made on the officer's machine (browser or CLI); the server verifies the proof.</summary>
    public async Task HealthCheckAsync(Actor actor, ClaimsPrincipal user, Guid tenderId, string json, string via, CancellationToken ct)
    {
        var (_, c) = await LoadAsync(tenderId, ct);
        var holder = HolderOf(actor, user, c);
        var me = await ActiveOfficerAsync(actor, holder, ct);
        if (c.Status != CeremonyStatus.Complete) throw Refuse(BiddingRules.CeremonyNotComplete);
        var proof = Parse<PartialDecryption>(json, CustodyRules.HealthCheckInvalid);
        if (proof.HolderIndex != holder.HolderIndex) throw Refuse(CustodyRules.OtherHolder);
        var canary = ThresholdOpening.CanaryPoint(CanaryContext(c, holder.HolderIndex));
        if (!proof.R.AsSpan().SequenceEqual(canary)) throw Refuse(BiddingRules.CanaryStale);
        try
        {
            ThresholdOpening.VerifyPartial(CryptoJson.Deserialize<JointKey>(c.JointKeyJson!), canary, proof);
        }
        catch (CryptoException)
        {
            throw Refuse(CustodyRules.HealthCheckInvalid);
        }
        holder.LastHealthCheckAt = clock.GetUtcNow().UtcDateTime;
        db.Touch(holder);
        await log.RecordAsync("ceremony.health.ok", tenderId, new
        {
            ceremony = c.CeremonyId, holder = holder.HolderIndex, via = via == "cli" ? "cli" : "browser", officer = me.Id, canary = Convert.ToHexStringLower(canary),
        }, ct);
        await events.ChangedAsync(tenderId);
    }

    /// <summary>Holders of ceremonies still before their bid deadline that have not passed a health check since the ceremony.</summary>
    public async Task<List<HealthProblem>> HealthProblemsAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var rows = await (from c in db.Set<KeyCeremony>().Include(x => x.Holders)
                          join t in db.Tenders on c.TenderId equals t.Id
                          where c.Status == CeremonyStatus.Complete && t.BidDeadline > now && c.OpenedAt == null
                          select new { c, t }).ToListAsync(ct);
        var problems = new List<HealthProblem>();
        foreach (var r in rows)
        {
            var deadline = HealthDeadline(r.t);
            foreach (var h in r.c.Holders.Where(h => HealthStatus(r.c, h, deadline) != "ok").OrderBy(h => h.HolderIndex))
                problems.Add(new HealthProblem(r.t.Id, r.t.Code, r.t.Title, h.HolderIndex, h.Role, h.OrganisationId, deadline, now >= deadline));
        }
        return problems;
    }

    /// <summary>
    /// The health-check watch (a scheduled job): a reminder a day to the officers of each holder still due; once the
    /// health-check deadline has passed, the supervision office is alerted (once per holder, logged) while there is
    /// still time before the bid deadline to act.
    /// </summary>
    public async Task<int> WatchHealthAsync(CancellationToken ct)
    {
        var acted = 0;
        var today = clock.GetUtcNow().UtcDateTime.Date;
        foreach (var p in await HealthProblemsAsync(ct))
        {
            acted += await log.ActAsync(async () =>
            {
                var n = 0;
                var officers = await db.Set<HolderOfficer>().Where(o => o.OrganisationId == p.OrganisationId && o.AddedAt != null && o.RemovedAt == null).Select(o => o.UserId).ToListAsync(ct);
                var reminded = await db.Set<Trading.Data.Notifications.Notification>()
                    .Where(x => x.TenderId == p.TenderId && x.Kind == "ceremony.health.reminder" && x.CreatedAt >= today && officers.Contains(x.UserId)).Select(x => x.UserId).ToListAsync(ct);
                foreach (var u in officers.Except(reminded))
                {
                    notifier.Raise(new Notice(u, "ceremony.health.reminder", "Custody.Notice.ReminderSubject", "Custody.Notice.ReminderBody", [p.Code, Format(p.Deadline)], Link(p.TenderId), p.TenderId));
                    n++;
                }
                if (p.Missed && !await db.LogEntries.AnyAsync(e => e.TenderId == p.TenderId && e.Type == "ceremony.health.missed" && e.Payload.Contains($"\"holder\":{p.Holder}"), ct))
                {
                    await notifier.RaiseToRoleAsync(Roles.Supervisor, id => new Notice(id, "ceremony.health.missed", "Custody.Notice.MissedSubject", "Custody.Notice.MissedBody",
                        [p.Code, p.Holder.ToString(CultureInfo.InvariantCulture)], Link(p.TenderId), p.TenderId), ct);
                    await log.AppendAsync("ceremony.health.missed", p.TenderId, new { holder = p.Holder, healthDeadline = p.Deadline }, ct);
                    n++;
                }
                return n;
            }, ct);
        }
        return acted;
    }

    private static string Format(DateTime utc) => utc.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    // ------------------------------------------------------------------ what the room and officers' clients read

    /// <summary>The ceremony's public state, plus, for a signed-in active officer, its own material and shares.</summary>
    public async Task<CeremonyState> StateAsync(Actor actor, ClaimsPrincipal user, Guid tenderId, CancellationToken ct)
    {
        var (t, c) = await LoadAsync(tenderId, ct);
        var officers = await OfficersAsync(c.Holders.Select(h => h.OrganisationId), ct);
        var userIds = officers.Select(o => o.UserId).ToList();
        var names = await db.Users.Where(u => userIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.DisplayName, ct);
        var dealings = await db.Set<CeremonyDealing>().AsNoTracking().Where(d => d.KeyCeremonyId == c.Id).OrderBy(d => d.DealerIndex).ToListAsync(ct);
        var acks = await db.Set<CeremonyAcknowledgement>().AsNoTracking().Where(a => a.KeyCeremonyId == c.Id).ToListAsync(ct);
        var p = ParametersOf(c);

        KeyHolder? myHolder = null;
        HolderOfficer? me = null;
        try
        {
            myHolder = HolderOf(actor, user, c);
            me = officers.Where(o => o.OrganisationId == myHolder.OrganisationId && o.UserId == actor.UserId).OrderByDescending(o => o.EnrolledAt).FirstOrDefault();
        }
        catch (RuleViolationException)
        {
            // Not a holder (or without two-factor): the public state only.
        }
        if (myHolder is null && !actor.IsOversight && !actor.IsOwnerSideOf(t)) throw new ForbiddenException(BiddingRules.NotKeyHolder);

        var healthDeadline = HealthDeadline(t);
        var holders = c.Holders.OrderBy(h => h.HolderIndex).Select(h => new HolderState(
            h.HolderIndex, h.Role.ToString(),
            officers.Where(o => o.OrganisationId == h.OrganisationId && o.RemovedAt is null)
                .Select(o => new OfficerState(o.Id, names.GetValueOrDefault(o.UserId, ""), Convert.ToHexStringLower(o.TransportPoint), o.IsActive)).ToList(),
            dealings.Any(d => d.DealerIndex == h.HolderIndex),
            acks.Where(a => a.RecipientIndex == h.HolderIndex).Select(a => a.DealerIndex).Order().ToList(),
            h.LastHealthCheckAt, HealthStatus(c, h, healthDeadline))).ToList();

        var next = c.Status == CeremonyStatus.Complete ? (holders.All(h => h.Health == "ok") ? "done" : "health")
            : holders.Any(h => !h.Officers.Any(o => o.Active)) ? "enrol"
            : dealings.Count < c.Holders.Count ? "deal" : "acknowledge";

        OfficerView? mine = null;
        if (me is not null && myHolder is not null)
        {
            var mineShares = dealings.Select(d => new HolderDealing(CryptoJson.Deserialize<DealerCommitment>(d.CommitmentJson),
                CryptoJson.Deserialize<List<OfficerShare>>(d.SharesJson).Where(s => s.Share.RecipientIndex == myHolder.HolderIndex && s.OfficerPoint.AsSpan().SequenceEqual(me.TransportPoint)).ToList())).ToList();
            mine = new OfficerView(me.Id, myHolder.HolderIndex, me.IsActive, me.RemovedAt is not null, Convert.ToHexStringLower(me.TransportPoint),
                System.Text.Json.JsonDocument.Parse(me.SealedTransportKeyJson).RootElement, mineShares,
                mineShares.Where(d => d.Shares.Count > 0 && !acks.Any(a => a.DealerIndex == d.Commitment.DealerIndex && a.RecipientIndex == myHolder.HolderIndex))
                    .Select(d => d.Commitment.DealerIndex).ToList(),
                CanaryContext(c, myHolder.HolderIndex), Convert.ToHexStringLower(ThresholdOpening.CanaryPoint(CanaryContext(c, myHolder.HolderIndex))));
        }

        return new CeremonyState(t.Id, t.Code, c.CeremonyId, actor.UserId, myHolder?.HolderIndex, c.Status.ToString(), p, next, holders,
            dealings.Select(d => new DealingState(d.DealerIndex, CryptoJson.Deserialize<DealerCommitment>(d.CommitmentJson), d.CommitmentHashHex, d.PostedAt)).ToList(),
            c.JointKeyJson is null ? null : CryptoJson.Deserialize<JointKey>(c.JointKeyJson), healthDeadline, mine,
            // All officers of every holder (roster for dealing): the points every share must be encrypted to.
            c.Holders.ToDictionary(h => h.HolderIndex.ToString(CultureInfo.InvariantCulture),
                h => officers.Where(o => o.OrganisationId == h.OrganisationId && o.IsActive).Select(o => Convert.ToHexStringLower(o.TransportPoint)).ToList()));
    }

    /// <summary>The roster file of the CLI (CeremonyRoster), for the ceremony's holders' officers and the oversight offices.</summary>
    public async Task<CeremonyRoster> RosterFileAsync(Guid tenderId, CancellationToken ct)
    {
        // Transport points are public values (the state shows them too); the file is what `trading keyholder deal` reads.
        var (_, c) = await LoadAsync(tenderId, ct);
        var p = ParametersOf(c);
        return new CeremonyRoster(1, c.CeremonyId, p.Holders, p.Threshold,
            (await RosterAsync(c, ct)).OrderBy(h => h.Key).SelectMany(h => h.Value.Select(pt => new RosterOfficer(h.Key, pt))).ToList(), p.Suite);
    }

    /// <summary>One dealing whole (commitments and every encrypted share: public ciphertexts), for an active officer's CLI.</summary>
    public async Task<HolderDealing> DealingFileAsync(Actor actor, ClaimsPrincipal user, Guid tenderId, int dealer, CancellationToken ct)
    {
        var (_, c) = await LoadAsync(tenderId, ct);
        await ActiveOfficerAsync(actor, HolderOf(actor, user, c), ct);
        var d = await db.Set<CeremonyDealing>().AsNoTracking().FirstOrDefaultAsync(x => x.KeyCeremonyId == c.Id && x.DealerIndex == dealer, ct)
            ?? throw Refuse(CustodyRules.DealingUnknown);
        return new HolderDealing(CryptoJson.Deserialize<DealerCommitment>(d.CommitmentJson), CryptoJson.Deserialize<List<OfficerShare>>(d.SharesJson));
    }

    private string HealthStatus(KeyCeremony c, KeyHolder h, DateTime deadline)
    {
        if (c.Status != CeremonyStatus.Complete) return "pending";
        if (h.LastHealthCheckAt is { } at && at >= c.CompletedAt) return "ok";
        return clock.GetUtcNow().UtcDateTime >= deadline ? "missed" : "due";
    }

    /// <summary>
    /// What a signed-in officer's machine needs to rebuild its holder's secret after the ceremony (docs/bidding.md,
    /// "holder material"): nothing in it is secret without the officer's passphrase.
    /// </summary>
    public async Task<HolderMaterial> HolderMaterialAsync(Actor actor, ClaimsPrincipal user, Guid tenderId, CancellationToken ct)
    {
        var (_, c) = await LoadAsync(tenderId, ct);
        var holder = HolderOf(actor, user, c);
        var me = await ActiveOfficerAsync(actor, holder, ct);
        if (c.Status != CeremonyStatus.Complete) throw Refuse(BiddingRules.CeremonyNotComplete);
        var dealings = await db.Set<CeremonyDealing>().AsNoTracking().Where(d => d.KeyCeremonyId == c.Id).OrderBy(d => d.DealerIndex).ToListAsync(ct);
        return new HolderMaterial(ParametersOf(c), holder.HolderIndex, CryptoJson.Deserialize<JointKey>(c.JointKeyJson!),
            new OfficerMaterial(me.Id, me.TransportPoint, CryptoJson.Deserialize<SealedShare>(me.SealedTransportKeyJson)),
            dealings.Select(d => new HolderDealing(CryptoJson.Deserialize<DealerCommitment>(d.CommitmentJson),
                CryptoJson.Deserialize<List<OfficerShare>>(d.SharesJson).Where(s => s.Share.RecipientIndex == holder.HolderIndex && s.OfficerPoint.AsSpan().SequenceEqual(me.TransportPoint)).ToList())).ToList());
    }

    private async Task NotifyOfficersAsync(KeyCeremony c, Tender t, Func<KeyHolder, bool> which, string kind, string subject, string body, CancellationToken ct)
    {
        var orgs = c.Holders.Where(which).Select(h => h.OrganisationId).ToList();
        var users = await db.Set<HolderOfficer>().Where(o => orgs.Contains(o.OrganisationId) && o.AddedAt != null && o.RemovedAt == null).Select(o => o.UserId).Distinct().ToListAsync(ct);
        foreach (var u in users) notifier.Raise(new Notice(u, kind, subject, body, [t.Code], Link(t.Id), t.Id));
    }

    public static string Link(Guid tenderId) => $"/Submission/Ceremony/{tenderId}";

    private static T Parse<T>(string json, string rule)
    {
        try
        {
            return CryptoJson.Deserialize<T>(json);
        }
        catch (CryptoException)
        {
            throw Refuse(rule);
        }
    }
}

public sealed class CustodyOptions
{
    /// <summary>Every holder must pass a health check by this long before the bid deadline.</summary>
    public TimeSpan HealthCheckBeforeDeadline { get; set; } = TimeSpan.FromHours(24);
    /// <summary>How often the health-check watch looks for holders that are late or missed the deadline.</summary>
    public TimeSpan HealthWatchPeriod { get; set; } = TimeSpan.FromHours(1);
}

public sealed record HealthProblem(Guid TenderId, string Code, string Title, int Holder, HolderRole Role, Guid OrganisationId, DateTime Deadline, bool Missed);
public sealed record OfficerState(Guid Id, string Name, string Point, bool Active);
public sealed record HolderState(int Index, string Role, IReadOnlyList<OfficerState> Officers, bool Dealt, IReadOnlyList<int> Acknowledged, DateTime? LastHealthCheckAt, string Health);
public sealed record DealingState(int DealerIndex, DealerCommitment Commitment, string CommitmentHash, DateTime PostedAt);
public sealed record OfficerView(Guid Id, int HolderIndex, bool Active, bool Removed, string Point, System.Text.Json.JsonElement Sealed,
    IReadOnlyList<HolderDealing> Dealings, IReadOnlyList<int> ToCheck, string CanaryContext, string Canary);
public sealed record CeremonyState(Guid TenderId, string Tender, string CeremonyId, Guid UserId, int? HolderIndex, string Status, CeremonyParameters Params, string Next,
    IReadOnlyList<HolderState> Holders, IReadOnlyList<DealingState> Dealings, JointKey? JointKey, DateTime HealthDeadline, OfficerView? Me,
    IReadOnlyDictionary<string, List<string>> Roster);
