using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Trading.Crypto;
using Trading.Data;
using Trading.Domain;
using Trading.Domain.Certificates;
using Trading.PublicLog;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Certificates;

/// <summary>A firm certificate as the pages and the API show it.</summary>
public sealed record CertificateView(Guid Id, Guid FirmId, string Firm, string? CreditCode, FirmCertificateStatus Status, bool ValidNow, string KeySha256, string? SerialNumber,
    string? CertificateSha256, DateTime RequestedAt, DateTime? NotBefore, DateTime? NotAfter, DateTime? RevokedAt, string? Reason, Guid? RenewsId, bool Sm2 = false, bool External = false)
{
    /// <summary>The key's kind as the bid page names it: "sm2" (suite 2) or "p256" (suite 1).</summary>
    public string KeyKind => Sm2 ? "sm2" : "p256";
}

/// <summary>
/// Firm certificates: a firm asks (a PKCS#10 request for a key made in its browser or by `trading bidder-key`, confirmed
/// by the account's two-factor code, as the firm's legal representative's act), a centre officer approves or refuses,
/// and the certificate is renewed or revoked later. Every step is in the public log; the revocation list is public.
/// Bids then check their manifest's signer here (<see cref="SignerAsync"/>).
/// </summary>
public sealed class CertificateService(TradingDbContext db, PublicLogWriter log, TimeProvider clock, CertificateAuthority authority,
    UserManager<AppUser> users, Account.SignInThrottle throttle, IOptions<CertificateOptions> options)
{
    private static RuleViolationException Refuse(string code, params object[] args) => new(new RuleViolation(code, args));

    public async Task<List<CertificateView>> ListAsync(Actor actor, CancellationToken ct)
    {
        var q = db.Set<FirmCertificate>().AsNoTracking();
        if (actor.IsIn(Roles.Bidder)) q = q.Where(c => c.FirmId == actor.OrganisationId);
        else if (!actor.IsOversight) throw new ForbiddenException(CertificateRules.CentreOnly);
        var now = clock.GetUtcNow().UtcDateTime;
        var rows = await (from c in q join o in db.Organisations on c.FirmId equals o.Id select new { c, o.Name, o.CreditCode }).ToListAsync(ct);
        return rows.OrderBy(r => r.c.Status != FirmCertificateStatus.Requested).ThenByDescending(r => r.c.RequestedAt)
            .Select(r => View(r.c, r.Name, r.CreditCode, now)).ToList();
    }

    private static CertificateView View(FirmCertificate c, string firm, string? credit, DateTime now) =>
        new(c.Id, c.FirmId, firm, credit, c.Status, c.Status == FirmCertificateStatus.Issued && c.WhyNotValidAt(now) is null, c.KeySha256, c.SerialNumber,
            c.CertificateSha256, c.RequestedAt, c.NotBefore, c.NotAfter, c.RevokedAt, c.RevocationReason ?? c.RejectionReason, c.RenewsId,
            Sm2CertificateAuthority.IsSm2Key(c.PublicKey), c.External);

    /// <summary>
    /// The firm's request: only a bidder account of an approved firm with two-factor on, confirming with a current code
    /// (the signature of the firm's legal representative's account); one open request at a time; a key certified once.
    /// </summary>
    public async Task<FirmCertificate> RequestAsync(Actor actor, string? requestPem, string? code, Guid? renews, CancellationToken ct)
    {
        if (!actor.IsIn(Roles.Bidder)) throw new ForbiddenException(RuleCodes.BidderOnly);
        var firm = await db.Organisations.FirstAsync(o => o.Id == actor.OrganisationId, ct);
        if (firm.CheckApproved() is { } notApproved) throw new RuleViolationException(notApproved);
        await ConfirmCodeAsync(actor, code);
        // An ECDSA P-256 key (suite 1) or an SM2 key (suite 2, certified by the SM2 CA where the deployment has one).
        // SM2 first: .NET's request reader does not know SM3withSM2, and is not asked about a request it cannot read.
        var spki = Sm2CertificateAuthority.ReadRequest(requestPem ?? "") ?? FirmCertificateAuthority.ReadRequest(requestPem ?? "")?.ExportSubjectPublicKeyInfo()
            ?? throw Refuse(CertificateRules.RequestInvalid);
        if (Sm2CertificateAuthority.IsSm2Key(spki) && authority.Sm2 is null) throw Refuse(CertificateRules.Sm2NotOffered);
        var keySha = Convert.ToHexStringLower(SHA256.HashData(spki));
        if (renews is { } r && !await db.Set<FirmCertificate>().AnyAsync(c => c.Id == r && c.FirmId == firm.Id && c.Status == FirmCertificateStatus.Issued, ct))
            throw Refuse(CertificateRules.NotIssued);
        var row = new FirmCertificate
        {
            FirmId = firm.Id, RequestedByUserId = actor.UserId, RequestedAt = clock.GetUtcNow().UtcDateTime, RequestPem = requestPem!.Trim(),
            PublicKey = spki, KeySha256 = keySha, RenewsId = renews, Status = FirmCertificateStatus.Requested,
        };
        return await log.ActAsync(async () =>
        {
            // Under the log's lock: two requests at once cannot both be the firm's one open request.
            await log.LockAsync(ct);
            if (await db.Set<FirmCertificate>().AnyAsync(c => c.FirmId == firm.Id && c.Status == FirmCertificateStatus.Requested, ct)) throw Refuse(CertificateRules.RequestPending);
            if (await db.Set<FirmCertificate>().AnyAsync(c => c.KeySha256 == keySha && c.Status != FirmCertificateStatus.Rejected, ct)) throw Refuse(CertificateRules.KeyAlreadyUsed);
            db.Add(row);
            await log.AppendAsync("certificate.requested", null, new { request = row.Id, firm = firm.Id, key = keySha, renews, by = log.Pseudonym("user", actor.UserId.ToString()), confirmation = "totp" }, ct);
            return row;
        }, ct);
    }

    /// <summary>
    /// The firm registers a certificate from a CA the centre trusts (PEM or DER): refused unless it chains to a configured
    /// root (not the centre's CA: that is <see cref="RequestAsync"/>), is valid now, certifies a P-256 key for
    /// digitalSignature and names the firm's unified social credit code; then confirmed with the two-factor code like a
    /// request, and it waits for the centre's approval. The certificate is checked before the code, so a certificate
    /// that cannot be registered costs no code.
    /// </summary>
    public async Task<FirmCertificate> RegisterAsync(Actor actor, byte[]? certificate, string? code, CancellationToken ct)
    {
        if (!actor.IsIn(Roles.Bidder)) throw new ForbiddenException(RuleCodes.BidderOnly);
        // Said first: at a deployment that trusts no other CA, no certificate and no firm could change the answer.
        if (!authority.AcceptsRegistrations) throw Refuse(CertificateRules.RegistrationNotOffered);
        var firm = await db.Organisations.FirstAsync(o => o.Id == actor.OrganisationId, ct);
        if (firm.CheckApproved() is { } notApproved) throw new RuleViolationException(notApproved);
        // The firm's certificate first, then the intermediate CAs up to (not including) a configured root. The PEM kept must
        // fit the request column; real firm certificates are a tenth of this.
        var sent = ReadCertificates(certificate);
        using var chain = new DisposableList(sent ?? []);
        if (sent is not { Count: > 0 } || sent.Count > 1 + CertificateRules.MaxIntermediates || sent.Any(c => c.RawData.Length > 5000))
            throw Refuse(CertificateRules.NotACertificate);
        var cert = sent[0];
        var intermediates = sent.Skip(1).ToList();
        var pem = string.Join("\n", sent.Select(c => c.ExportCertificatePem()));
        if (pem.Length > 8000) throw Refuse(CertificateRules.NotACertificate);
        CheckRegistrable(cert, intermediates, firm.CreditCode, clock.GetUtcNow());
        await ConfirmCodeAsync(actor, code);
        var spki = cert.PublicKey.ExportSubjectPublicKeyInfo();
        var keySha = Convert.ToHexStringLower(SHA256.HashData(spki));
        var row = new FirmCertificate
        {
            FirmId = firm.Id, RequestedByUserId = actor.UserId, RequestedAt = clock.GetUtcNow().UtcDateTime, RequestPem = pem,
            PublicKey = spki, KeySha256 = keySha, Status = FirmCertificateStatus.Requested, Certificate = cert.RawData,
            CertificateSha256 = Convert.ToHexStringLower(SHA256.HashData(cert.RawData)), SerialNumber = cert.SerialNumber.ToLowerInvariant(),
            NotBefore = cert.NotBefore.ToUniversalTime(), NotAfter = cert.NotAfter.ToUniversalTime(),
        };
        return await log.ActAsync(async () =>
        {
            await log.LockAsync(ct);
            if (await db.Set<FirmCertificate>().AnyAsync(c => c.FirmId == firm.Id && c.Status == FirmCertificateStatus.Requested, ct)) throw Refuse(CertificateRules.RequestPending);
            if (await db.Set<FirmCertificate>().AnyAsync(c => c.KeySha256 == keySha && c.Status != FirmCertificateStatus.Rejected, ct)) throw Refuse(CertificateRules.KeyAlreadyUsed);
            db.Add(row);
            await log.AppendAsync("certificate.requested", null, new
            {
                request = row.Id, firm = firm.Id, key = keySha, external = new { sha256 = row.CertificateSha256, serial = row.SerialNumber, issuer = cert.Issuer },
                by = log.Pseudonym("user", actor.UserId.ToString()), confirmation = "totp",
            }, ct);
            return row;
        }, ct);
    }

    /// <summary>The certificates sent: every CERTIFICATE block of a PEM text in order (the firm's first), or one DER certificate.</summary>
    private static List<X509Certificate2>? ReadCertificates(byte[]? bytes)
    {
        if (bytes is not { Length: > 0 }) return null;
        try
        {
            var text = System.Text.Encoding.ASCII.GetString(bytes);
            if (!text.Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal)) return [X509CertificateLoader.LoadCertificate(bytes)];
            var read = new X509Certificate2Collection();
            read.ImportFromPem(text);
            return [.. read];
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    /// <summary>Certificates disposed together.</summary>
    private sealed class DisposableList(IEnumerable<X509Certificate2> items) : IDisposable
    {
        private readonly List<X509Certificate2> _items = [.. items];
        public void Dispose() => _items.ForEach(c => c.Dispose());
    }

    /// <summary>The registration rules, at <paramref name="now"/> (again at approval: it may have expired while it waited).</summary>
    private void CheckRegistrable(X509Certificate2 cert, IReadOnlyList<X509Certificate2> intermediates, string? creditCode, DateTimeOffset now)
    {
        static string Day(DateTime t) => t.ToUniversalTime().ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        if (FirmCertificateAuthority.Chains(cert, [authority.Ca.Ca], now)) throw Refuse(CertificateRules.UseRequest);
        if (now.UtcDateTime < cert.NotBefore.ToUniversalTime() || now.UtcDateTime > cert.NotAfter.ToUniversalTime())
            throw Refuse(CertificateRules.NotValidNow, Day(cert.NotBefore), Day(cert.NotAfter));
        // Each intermediate by itself first, so the firm is told which link is wrong and why; then the chain as a whole
        // (signatures, names, path lengths, ending at a configured root) through these intermediates and no others.
        foreach (var i in intermediates)
        {
            if (i.Extensions.OfType<X509BasicConstraintsExtension>().FirstOrDefault() is not { CertificateAuthority: true })
                throw Refuse(CertificateRules.IntermediateNotCa, i.Subject);
            if (now.UtcDateTime < i.NotBefore.ToUniversalTime() || now.UtcDateTime > i.NotAfter.ToUniversalTime())
                throw Refuse(CertificateRules.IntermediateNotValid, i.Subject, Day(i.NotBefore), Day(i.NotAfter));
        }
        if (!FirmCertificateAuthority.Chains(cert, authority.ExternalRoots, now, intermediates)) throw Refuse(CertificateRules.UntrustedIssuer, cert.Issuer);
        if (!FirmCertificateAuthority.IsCertifiable(cert.PublicKey)) throw Refuse(CertificateRules.KeyNotP256);
        if (cert.Extensions.OfType<X509KeyUsageExtension>().FirstOrDefault() is not { } usage || !usage.KeyUsages.HasFlag(X509KeyUsageFlags.DigitalSignature))
            throw Refuse(CertificateRules.NoDigitalSignature);
        if (creditCode is not { Length: > 0 } code || !NamesCreditCode(cert.SubjectName, code)) throw Refuse(CertificateRules.NotTheFirms, creditCode ?? "");
    }

    /// <summary>
    /// The subject attributes Chinese and European CAs put an organisation's registration number in: organizationIdentifier
    /// (2.5.4.97), as the code or with ETSI EN 319 412-1's "NTRCN-" prefix, and serialNumber (2.5.4.5), as the code.
    /// </summary>
    private static bool NamesCreditCode(X500DistinguishedName subject, string code)
    {
        foreach (var rdn in subject.EnumerateRelativeDistinguishedNames())
        {
            if (rdn.HasMultipleElements || rdn.GetSingleElementValue() is not { } value) continue;
            var matches = rdn.GetSingleElementType().Value switch
            {
                "2.5.4.97" => string.Equals(value, code, StringComparison.OrdinalIgnoreCase) || string.Equals(value, "NTRCN-" + code, StringComparison.OrdinalIgnoreCase),
                "2.5.4.5" => string.Equals(value, code, StringComparison.OrdinalIgnoreCase),
                _ => false,
            };
            if (matches) return true;
        }
        return false;
    }

    private async Task ConfirmCodeAsync(Actor actor, string? code)
    {
        var user = await users.FindByIdAsync(actor.UserId.ToString()) ?? throw new ForbiddenException(RuleCodes.SignInRequired);
        if (!user.TwoFactorEnabled) throw Refuse(CertificateRules.TwoFactorRequired);
        var ip = System.Net.IPAddress.TryParse(actor.IpAddress, out var a) ? a : null;
        // Counted like a sign-in: asking for a certificate is not a way round the throttle.
        if (!throttle.Allows(user.UserName ?? "", ip)) throw Refuse("Auth.Throttled");
        var digits = (code ?? "").Replace(" ", "", StringComparison.Ordinal);
        if (digits.Length == 0 || !await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, digits))
        {
            throttle.Failed(user.UserName ?? "", ip);
            throw Refuse(CertificateRules.CodeWrong);
        }
    }

    private static void RequireCentre(Actor actor)
    {
        if (!actor.IsIn(Roles.CentreStaff)) throw new ForbiddenException(CertificateRules.CentreOnly);
    }

    /// <summary>A centre officer issues the certificate the firm asked for.</summary>
    public async Task<FirmCertificate> ApproveAsync(Actor actor, Guid id, CancellationToken ct)
    {
        RequireCentre(actor);
        return await log.ActAsync(async () =>
        {
            await log.LockAsync(ct);
            var c = await db.Set<FirmCertificate>().FirstOrDefaultAsync(x => x.Id == id, ct) ?? throw new NotFoundException();
            if (c.Status != FirmCertificateStatus.Requested) throw Refuse(CertificateRules.NotPending);
            var firm = await db.Organisations.FirstAsync(o => o.Id == c.FirmId, ct);
            var now = clock.GetUtcNow();
            if (c.External) return await AcceptExternalAsync(actor, c, firm.CreditCode, now, ct);
            var serial = FirmCertificateAuthority.NewSerial();
            var (credit, notBefore, notAfter) = (firm.CreditCode ?? firm.Id.ToString("N"), now.AddMinutes(-5), now.AddDays(options.Value.ValidityDays));
            if (Sm2CertificateAuthority.IsSm2Key(c.PublicKey))
            {
                var sm2 = authority.Sm2 ?? throw Refuse(CertificateRules.Sm2NotOffered);
                c.Certificate = sm2.Issue(c.PublicKey, firm.Name, credit, firm.LegalRepresentative, serial, notBefore, notAfter, authority.Sm2CrlUrl);
                var issued = new Org.BouncyCastle.X509.X509CertificateParser().ReadCertificate(c.Certificate);
                (c.NotBefore, c.NotAfter) = (issued.NotBefore.ToUniversalTime(), issued.NotAfter.ToUniversalTime());
            }
            else
            {
                var key = PublicKey.CreateFromSubjectPublicKeyInfo(c.PublicKey, out _);
                using var cert = authority.Ca.Issue(key, firm.Name, credit, firm.LegalRepresentative, serial, notBefore, notAfter, authority.CrlUrl);
                c.Certificate = cert.RawData;
                (c.NotBefore, c.NotAfter) = (cert.NotBefore.ToUniversalTime(), cert.NotAfter.ToUniversalTime());
            }
            c.Status = FirmCertificateStatus.Issued;
            c.DecidedAt = now.UtcDateTime;
            c.DecidedByUserId = actor.UserId;
            c.SerialNumber = Convert.ToHexStringLower(serial);
            c.CertificateSha256 = Convert.ToHexStringLower(SHA256.HashData(c.Certificate));
            await log.AppendAsync("certificate.issued", null, new
            {
                certificate = c.Id, firm = c.FirmId, serial = c.SerialNumber, sha256 = c.CertificateSha256, key = c.KeySha256, notBefore = c.NotBefore, notAfter = c.NotAfter,
                renews = c.RenewsId, by = log.Pseudonym("user", actor.UserId.ToString()),
            }, ct);
            return c;
        }, ct);
    }

    /// <summary>Approval of a registered certificate: the same checks as at registration, now; it is then the firm's like an issued one.</summary>
    private async Task<FirmCertificate> AcceptExternalAsync(Actor actor, FirmCertificate c, string? creditCode, DateTimeOffset now, CancellationToken ct)
    {
        using (var cert = X509CertificateLoader.LoadCertificate(c.Certificate!))
        {
            var intermediates = c.Intermediates.Select(X509CertificateLoader.LoadCertificate).ToList();
            using var disposeIntermediates = new DisposableList(intermediates);
            CheckRegistrable(cert, intermediates, creditCode, now);
        }
        c.Status = FirmCertificateStatus.Issued;
        c.DecidedAt = now.UtcDateTime;
        c.DecidedByUserId = actor.UserId;
        await log.AppendAsync("certificate.issued", null, new
        {
            certificate = c.Id, firm = c.FirmId, serial = c.SerialNumber, sha256 = c.CertificateSha256, key = c.KeySha256, notBefore = c.NotBefore, notAfter = c.NotAfter,
            external = true, by = log.Pseudonym("user", actor.UserId.ToString()),
        }, ct);
        return c;
    }

    public async Task<FirmCertificate> RejectAsync(Actor actor, Guid id, string? reason, CancellationToken ct)
    {
        RequireCentre(actor);
        var why = Reason(reason);
        return await log.ActAsync(async () =>
        {
            await log.LockAsync(ct);
            var c = await db.Set<FirmCertificate>().FirstOrDefaultAsync(x => x.Id == id, ct) ?? throw new NotFoundException();
            if (c.Status != FirmCertificateStatus.Requested) throw Refuse(CertificateRules.NotPending);
            c.Status = FirmCertificateStatus.Rejected;
            c.DecidedAt = clock.GetUtcNow().UtcDateTime;
            c.DecidedByUserId = actor.UserId;
            c.RejectionReason = why;
            await log.AppendAsync("certificate.rejected", null, new { request = c.Id, firm = c.FirmId, reason = why, by = log.Pseudonym("user", actor.UserId.ToString()) }, ct);
            return c;
        }, ct);
    }

    /// <summary>The centre, or the firm itself (a lost or exposed key), revokes an issued certificate; the revocation list says so at once.</summary>
    public async Task<FirmCertificate> RevokeAsync(Actor actor, Guid id, string? reason, CancellationToken ct)
    {
        if (!actor.IsIn(Roles.CentreStaff, Roles.Bidder)) throw new ForbiddenException(CertificateRules.CentreOnly);
        var why = Reason(reason);
        return await log.ActAsync(async () =>
        {
            await log.LockAsync(ct);
            var c = await db.Set<FirmCertificate>().FirstOrDefaultAsync(x => x.Id == id, ct) ?? throw new NotFoundException();
            if (actor.IsIn(Roles.Bidder) && !actor.IsIn(Roles.CentreStaff) && c.FirmId != actor.OrganisationId) throw new NotFoundException();
            if (c.Status != FirmCertificateStatus.Issued) throw Refuse(CertificateRules.NotIssued);
            c.Status = FirmCertificateStatus.Revoked;
            c.RevokedAt = clock.GetUtcNow().UtcDateTime;
            c.RevokedByUserId = actor.UserId;
            c.RevocationReason = why;
            await log.AppendAsync("certificate.revoked", null, new { certificate = c.Id, firm = c.FirmId, serial = c.SerialNumber, reason = why, by = log.Pseudonym("user", actor.UserId.ToString()) }, ct);
            return c;
        }, ct);
    }

    private static string Reason(string? reason)
    {
        var why = (reason ?? "").Trim();
        if (why.Length == 0) throw Refuse(CertificateRules.ReasonRequired);
        if (why.Length > CertificateRules.MaxReason) throw Refuse("Rule.Engagement.TooLong", CertificateRules.MaxReason);
        return why;
    }

    /// <summary>The firm's own certificate (DER), for its download.</summary>
    public async Task<FirmCertificate> GetIssuedAsync(Actor actor, Guid id, CancellationToken ct)
    {
        var c = await db.Set<FirmCertificate>().AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct);
        if (c?.Certificate is null || (!actor.IsOversight && !(actor.IsIn(Roles.Bidder) && c.FirmId == actor.OrganisationId))) throw new NotFoundException();
        return c;
    }

    /// <summary>The revocation list the platform publishes: every revoked serial, signed by the CA, fresh for a day.</summary>
    public async Task<byte[]> CrlAsync(CancellationToken ct) =>
        authority.Ca.BuildCrl(await RevokedAsync(sm2: false, ct), clock.GetUtcNow(), TimeSpan.FromDays(1));

    /// <summary>The SM2 certificates' revocation list, signed SM3withSM2 by the SM2 CA (each issuer lists its own serials); null without an SM2 CA.</summary>
    public async Task<byte[]?> Sm2CrlAsync(CancellationToken ct) =>
        authority.Sm2 is { } sm2 ? sm2.BuildCrl(await RevokedAsync(sm2: true, ct), clock.GetUtcNow(), TimeSpan.FromDays(1)) : null;

    private async Task<List<(byte[] Serial, DateTimeOffset RevokedAt)>> RevokedAsync(bool sm2, CancellationToken ct)
    {
        var revoked = await db.Set<FirmCertificate>().AsNoTracking().Where(c => c.Status == FirmCertificateStatus.Revoked)
            .Select(c => new { c.SerialNumber, c.RevokedAt, c.PublicKey, c.RequestPem }).ToListAsync(ct);
        // The issuer follows from the key: SM2 keys are certified by the SM2 CA, all others by the P-256 CA; a registered
        // certificate's serial is its own CA's, which the centre's list cannot speak for (the centre's refusal is its database).
        return revoked.Where(r => Sm2CertificateAuthority.IsSm2Key(r.PublicKey) == sm2 && !FirmCertificate.IsCertificate(r.RequestPem))
            .Select(r => (Convert.FromHexString(r.SerialNumber!), new DateTimeOffset(DateTime.SpecifyKind(r.RevokedAt!.Value, DateTimeKind.Utc)))).ToList();
    }

    /// <summary>
    /// The certificate a bid's manifest is signed under, checked at <paramref name="at"/> (the submission time): the signer's
    /// key must be the firm's certified key (when the firm signs with certificates), the certificate neither revoked nor
    /// expired then, and chained to a trusted root then. Null: a firm without certificates signed with a per-bid key.
    /// The signature itself is checked against the certificate's key by the caller's <see cref="ManifestSigning.Verify"/>.
    /// </summary>
    public async Task<FirmCertificate?> SignerAsync(Guid firmId, SignedManifest manifest, DateTime at, CancellationToken ct)
    {
        var certs = await db.Set<FirmCertificate>().AsNoTracking().Where(c => c.FirmId == firmId).ToListAsync(ct);
        var keySha = Convert.ToHexStringLower(SHA256.HashData(manifest.SignerPublicKey));
        var (cert, refusal) = CertificateRules.SignerFor(certs, keySha, at, options.Value.RequireForBids);
        if (refusal is not null) throw new RuleViolationException(refusal);
        if (cert is null) return null;
        var atUtc = new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc));
        if (Sm2CertificateAuthority.IsSm2Key(cert.PublicKey))
        {
            // .NET's chain builder does not do SM2: the SM2 CA's signature, names and validity are checked with BouncyCastle.
            if (!Sm2CertificateAuthority.Chains(cert.Certificate!, authority.Sm2Roots, atUtc)) throw Refuse(CertificateRules.SignerUntrusted);
            ManifestSigning.Verify(manifest, new Org.BouncyCastle.X509.X509CertificateParser().ReadCertificate(cert.Certificate!)
                .CertificateStructure.SubjectPublicKeyInfo.GetEncoded());
            return cert;
        }
        using var x509 = X509CertificateLoader.LoadCertificate(cert.Certificate!);
        var extra = cert.Intermediates.Select(X509CertificateLoader.LoadCertificate).ToList();
        using var disposeExtra = new DisposableList(extra);
        if (!FirmCertificateAuthority.Chains(x509, authority.TrustedRoots, atUtc, extra))
            throw Refuse(CertificateRules.SignerUntrusted);
        // The key the signature is checked with comes from the certificate, not from the manifest.
        ManifestSigning.Verify(manifest, x509.PublicKey.ExportSubjectPublicKeyInfo());
        return cert;
    }
}
