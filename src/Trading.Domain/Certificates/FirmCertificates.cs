namespace Trading.Domain.Certificates;

/// <summary>Where a firm's certificate stands: asked for, issued (until it expires or is revoked), refused, revoked.</summary>
public enum FirmCertificateStatus { Requested = 0, Issued = 1, Rejected = 2, Revoked = 3 }

/// <summary>
/// A firm's signing certificate (数字证书): the firm's key, certified by the centre's issuing CA after the firm's
/// request (made by a firm account with two-factor, re-confirmed with a code) and a centre officer's approval.
/// Bids are signed with the key and checked against the certificate valid at the time of submission.
/// </summary>
public class FirmCertificate
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid FirmId { get; set; }
    public Guid RequestedByUserId { get; set; }
    public DateTime RequestedAt { get; set; }
    /// <summary>The PKCS#10 request as sent (PEM): the key's proof of possession, kept for auditors.</summary>
    public string RequestPem { get; set; } = "";
    /// <summary>The certified public key (SubjectPublicKeyInfo DER) and its SHA-256 (lowercase hex), the lookup key.</summary>
    public byte[] PublicKey { get; set; } = [];
    public string KeySha256 { get; set; } = "";
    /// <summary>The certificate this one renews (same firm), if any.</summary>
    public Guid? RenewsId { get; set; }
    public FirmCertificateStatus Status { get; set; }
    public Guid? DecidedByUserId { get; set; }
    public DateTime? DecidedAt { get; set; }
    public string? RejectionReason { get; set; }
    /// <summary>Serial number (lowercase hex), certificate (DER) and its SHA-256 fingerprint, once issued.</summary>
    public string? SerialNumber { get; set; }
    public byte[]? Certificate { get; set; }
    public string? CertificateSha256 { get; set; }
    public DateTime? NotBefore { get; set; }
    public DateTime? NotAfter { get; set; }
    public DateTime? RevokedAt { get; set; }
    public string? RevocationReason { get; set; }
    public Guid? RevokedByUserId { get; set; }
    public Guid Version { get; set; } = Guid.NewGuid();

    /// <summary>
    /// A certificate from a CA the centre trusts, registered by the firm rather than issued by the centre: what the firm
    /// sent (<see cref="RequestPem"/>) is the certificate itself. The centre approves and may revoke it, but its own
    /// revocation list does not speak for another issuer's serials.
    /// </summary>
    public bool External => IsCertificate(RequestPem);

    /// <summary>
    /// A registered certificate's intermediate CA certificates (DER), in the order the firm sent them: what follows the
    /// leaf in <see cref="RequestPem"/> (the chain as sent, leaf first). Empty for a certificate issued directly by a root
    /// and for the centre's own.
    /// </summary>
    public IReadOnlyList<byte[]> Intermediates
    {
        get
        {
            if (!External) return [];
            var all = new System.Security.Cryptography.X509Certificates.X509Certificate2Collection();
            all.ImportFromPem(RequestPem);
            var der = all.Skip(1).Select(c => c.RawData).ToList();
            foreach (var c in all) c.Dispose();
            return der;
        }
    }

    /// <summary>Whether what a firm sent is a certificate (a registration) rather than a PKCS#10 request.</summary>
    public static bool IsCertificate(string sent) => sent.StartsWith("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal);

    /// <summary>Why this certificate cannot vouch for a signature made at <paramref name="at"/>, or null.</summary>
    public RuleViolation? WhyNotValidAt(DateTime at)
    {
        if (Status == FirmCertificateStatus.Revoked && RevokedAt is { } r && r <= at) return new RuleViolation(CertificateRules.SignerRevoked, SerialNumber ?? "");
        if (Status is not (FirmCertificateStatus.Issued or FirmCertificateStatus.Revoked)) return new RuleViolation(CertificateRules.SignerNotCertified);
        if (NotBefore is not { } nb || NotAfter is not { } na || at < nb || at > na) return new RuleViolation(CertificateRules.SignerExpired, SerialNumber ?? "");
        return null;
    }
}

/// <summary>The rules of firm certificates and of bids signed with them (codes with words in both languages).</summary>
public static class CertificateRules
{
    public const int MaxReason = 500;

    /// <summary>The request must come from a firm account with two-factor on, confirmed with a current code.</summary>
    public const string TwoFactorRequired = "Rule.Certificate.TwoFactorRequired";
    public const string CodeWrong = "Rule.Certificate.CodeWrong";
    /// <summary>Not a readable PKCS#10 request, its signature does not verify, or its key is of an algorithm the centre does not certify.</summary>
    public const string RequestInvalid = "Rule.Certificate.RequestInvalid";
    /// <summary>An SM2 key where the deployment has no SM2 issuing CA (its CA folder holds the P-256 CA only).</summary>
    public const string Sm2NotOffered = "Rule.Certificate.Sm2NotOffered";
    public const string KeyAlreadyUsed = "Rule.Certificate.KeyAlreadyUsed";
    public const string RequestPending = "Rule.Certificate.RequestPending";
    public const string NotPending = "Rule.Certificate.NotPending";
    public const string NotIssued = "Rule.Certificate.NotIssued";
    public const string ReasonRequired = "Rule.Certificate.ReasonRequired";
    public const string CentreOnly = "Rule.Certificate.CentreOnly";

    /// <summary>
    /// A registration at a deployment that trusts no other CA (no usable <c>Certificates:TrustedRoots</c>): every
    /// certificate would be refused, so the reason is the deployment's, not the certificate's.
    /// </summary>
    public const string RegistrationNotOffered = "Rule.Certificate.RegistrationNotOffered";
    /// <summary>A registered certificate (one from a CA the centre trusts) that cannot be read as X.509, PEM or DER.</summary>
    public const string NotACertificate = "Rule.Certificate.NotACertificate";
    /// <summary>It does not chain to a root the centre configured for firms' own certificates.</summary>
    public const string UntrustedIssuer = "Rule.Certificate.UntrustedIssuer";
    /// <summary>A certificate the firm sent after its own (an intermediate) is not a CA certificate (no basicConstraints with cA true).</summary>
    public const string IntermediateNotCa = "Rule.Certificate.IntermediateNotCa";
    /// <summary>An intermediate CA certificate of the chain sent is not valid now (expired or not yet valid).</summary>
    public const string IntermediateNotValid = "Rule.Certificate.IntermediateNotValid";
    /// <summary>At most this many intermediate certificates after the firm's own.</summary>
    public const int MaxIntermediates = 4;
    /// <summary>It is the centre's own CA's: those come through a request, not a registration.</summary>
    public const string UseRequest = "Rule.Certificate.UseRequest";
    public const string NotValidNow = "Rule.Certificate.NotValidNow";
    public const string KeyNotP256 = "Rule.Certificate.KeyNotP256";
    public const string NoDigitalSignature = "Rule.Certificate.NoDigitalSignature";
    /// <summary>Its subject does not name the firm's unified social credit code (organizationIdentifier or serialNumber).</summary>
    public const string NotTheFirms = "Rule.Certificate.NotTheFirms";

    /// <summary>The bid's manifest is signed by a key the firm holds no certificate for, while the firm signs with certificates.</summary>
    public const string SignerNotCertified = "Rule.Bid.SignerNotCertified";
    public const string SignerRevoked = "Rule.Bid.SignerRevoked";
    public const string SignerExpired = "Rule.Bid.SignerExpired";
    /// <summary>The deployment requires certified signatures and the firm has none.</summary>
    public const string CertificateRequired = "Rule.Bid.CertificateRequired";
    /// <summary>The certificate does not chain to a root the centre trusts at the time of submission.</summary>
    public const string SignerUntrusted = "Rule.Bid.SignerUntrusted";

    /// <summary>
    /// Which certificate, if any, a signature by the key <paramref name="keySha256"/> at <paramref name="at"/> stands on.
    /// A firm that has ever held a certificate signs with one: a fresh key is refused. A firm that never had one
    /// signs with a per-bid key unless the deployment requires certificates.
    /// </summary>
    public static (FirmCertificate? Certificate, RuleViolation? Refusal) SignerFor(IReadOnlyList<FirmCertificate> firmCertificates, string keySha256, DateTime at, bool required)
    {
        var matching = firmCertificates.Where(c => c.KeySha256 == keySha256 && c.Status is FirmCertificateStatus.Issued or FirmCertificateStatus.Revoked).ToList();
        if (matching.Count == 0)
        {
            var enrolled = firmCertificates.Any(c => c.Status is FirmCertificateStatus.Issued or FirmCertificateStatus.Revoked);
            if (enrolled) return (null, new RuleViolation(SignerNotCertified));
            return (null, required ? new RuleViolation(CertificateRequired) : null);
        }
        // One key may be certified twice (a renewal that kept it): any one valid certificate is enough.
        foreach (var c in matching.OrderByDescending(c => c.NotAfter))
            if (c.WhyNotValidAt(at) is null) return (c, null);
        return (null, matching.OrderByDescending(c => c.NotAfter).First().WhyNotValidAt(at));
    }
}
