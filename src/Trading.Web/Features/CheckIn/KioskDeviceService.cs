using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Trading.Data;
using Trading.Domain;
using Trading.Domain.CheckIn;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.CheckIn;

/// <summary>
/// Kiosks as registered devices (issue 21). A kiosk's browser asks once with its public key (the private key never
/// leaves the browser's key store); centre staff approve or revoke it on the devices page; each kiosk-mode check-in
/// carries the device's fingerprint and an ECDSA P-256 signature over the challenge, the room and the frames' hash.
/// </summary>
public sealed class KioskDeviceService(TradingDbContext db, PublicLogWriter log, TimeProvider clock)
{
    /// <summary>What a kiosk signs for one attempt; the frames are named by <see cref="Trading.Biometrics.CheckInVerifier.SequenceSha256"/>.</summary>
    public static byte[] SignedMessage(Guid challengeId, string room, string framesSha256) =>
        Encoding.UTF8.GetBytes($"trading-kiosk-checkin/v1\n{challengeId:D}\n{room}\n{framesSha256}");

    public static string FingerprintOf(byte[] spki) => Convert.ToHexStringLower(SHA256.HashData(spki));

    /// <summary>A kiosk asks to be registered (idempotent for the same key).</summary>
    public async Task<KioskDevice> RequestAsync(Actor actor, string? publicKeySpki, CancellationToken ct)
    {
        if (!CheckInService.MayRunKiosk(actor)) throw new ForbiddenException(CheckInRules.NotSupervisor);
        var spki = ParseKey(publicKeySpki) ?? throw new RuleViolationException(new RuleViolation(CheckInRules.DeviceKeyInvalid));
        var fingerprint = FingerprintOf(spki);
        var existing = await db.Set<KioskDevice>().FirstOrDefaultAsync(d => d.Fingerprint == fingerprint, ct);
        if (existing is not null) return existing;
        var device = new KioskDevice
        {
            PublicKeySpki = Convert.ToBase64String(spki), Fingerprint = fingerprint,
            RequestedAt = clock.GetUtcNow().UtcDateTime, RequestedByUserId = actor.UserId,
        };
        db.Add(device);
        await log.RecordAsync("checkin.device.requested", null, new { device = fingerprint, by = log.Pseudonym("user", actor.UserId.ToString()) }, ct);
        return device;
    }

    public Task<List<KioskDevice>> ListAsync(CancellationToken ct) =>
        db.Set<KioskDevice>().AsNoTracking().OrderByDescending(d => d.RequestedAt).Take(500).ToListAsync(ct);

    /// <summary>Centre staff approve a requested kiosk under a name (room, desk).</summary>
    public async Task<KioskDevice> ApproveAsync(Actor actor, Guid id, string? name, CancellationToken ct)
    {
        if (!CheckInService.MayEnrol(actor)) throw new ForbiddenException(CheckInRules.NotSupervisor);
        var device = await db.Set<KioskDevice>().FirstOrDefaultAsync(d => d.Id == id, ct) ?? throw new NotFoundException();
        name = name?.Trim();
        if (string.IsNullOrEmpty(name)) throw new RuleViolationException(new RuleViolation(CheckInRules.DeviceNameMissing));
        if (name.Length > 100) name = name[..100];
        device.Name = name;
        device.ApprovedAt = clock.GetUtcNow().UtcDateTime;
        device.ApprovedByUserId = actor.UserId;
        device.RevokedAt = null;
        device.RevokedByUserId = null;
        await log.RecordAsync("checkin.device.approved", null, new { device = device.Fingerprint, name, by = log.Pseudonym("user", actor.UserId.ToString()) }, ct);
        return device;
    }

    public async Task<KioskDevice> RevokeAsync(Actor actor, Guid id, CancellationToken ct)
    {
        if (!CheckInService.MayEnrol(actor)) throw new ForbiddenException(CheckInRules.NotSupervisor);
        var device = await db.Set<KioskDevice>().FirstOrDefaultAsync(d => d.Id == id, ct) ?? throw new NotFoundException();
        device.RevokedAt = clock.GetUtcNow().UtcDateTime;
        device.RevokedByUserId = actor.UserId;
        await log.RecordAsync("checkin.device.revoked", null, new { device = device.Fingerprint, by = log.Pseudonym("user", actor.UserId.ToString()) }, ct);
        return device;
    }

    /// <summary>The approved, unrevoked device with this fingerprint; refused with its rule otherwise.</summary>
    public async Task<KioskDevice> RequireActiveAsync(string? fingerprint, CancellationToken ct)
    {
        fingerprint = fingerprint?.Trim().ToLowerInvariant();
        var device = string.IsNullOrEmpty(fingerprint) ? null : await db.Set<KioskDevice>().AsNoTracking().FirstOrDefaultAsync(d => d.Fingerprint == fingerprint, ct);
        if (device is null || !device.Active) throw new RuleViolationException(new RuleViolation(CheckInRules.UnregisteredDevice));
        return device;
    }

    /// <summary>Checks the device's signature (IEEE P1363, as WebCrypto gives it) over <paramref name="message"/>.</summary>
    public static bool Verify(KioskDevice device, byte[] message, string? signatureBase64)
    {
        byte[] signature;
        try
        {
            signature = Convert.FromBase64String(signatureBase64 ?? "");
        }
        catch (FormatException)
        {
            return false;
        }
        using var key = ECDsa.Create();
        key.ImportSubjectPublicKeyInfo(Convert.FromBase64String(device.PublicKeySpki), out _);
        return key.VerifyData(message, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }

    /// <summary>The SPKI bytes if they hold a P-256 public key; null otherwise.</summary>
    private static byte[]? ParseKey(string? base64)
    {
        if (string.IsNullOrWhiteSpace(base64) || base64.Length > 400) return null;
        try
        {
            var spki = Convert.FromBase64String(base64.Trim());
            using var key = ECDsa.Create();
            key.ImportSubjectPublicKeyInfo(spki, out var read);
            if (read != spki.Length || key.KeySize != 256) return null;
            return key.ExportSubjectPublicKeyInfo();
        }
        catch (Exception e) when (e is FormatException or CryptographicException)
        {
            return null;
        }
    }
}
