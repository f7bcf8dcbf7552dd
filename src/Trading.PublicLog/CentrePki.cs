using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Trading.PublicLog;

/// <summary>
/// The trading centre's certificates: a root CA, an issuing CA, and under it the TSA certificate
/// (critical timeStamping EKU), the public log's signing certificate, the supervision office's
/// witness certificate and a TLS server certificate. All keys are ECDSA P-256. A centre with its own
/// CA loads its files through <see cref="FromPem"/> instead of <see cref="CreateDevelopment"/>.
/// </summary>
public sealed class CentrePki : IDisposable
{
    /// <summary>File names used by <see cref="ToPemFiles"/> and <see cref="FromPem"/>.</summary>
    public static class Files
    {
        /// <summary>Root CA certificate (the one file verifiers need).</summary>
        public const string RootCertificate = "root-ca.crt";
        /// <summary>Root CA private key (keep offline).</summary>
        public const string RootKey = "root-ca.key";
        /// <summary>Issuing CA certificate.</summary>
        public const string IssuingCertificate = "issuing-ca.crt";
        /// <summary>Issuing CA private key.</summary>
        public const string IssuingKey = "issuing-ca.key";
        /// <summary>TSA certificate.</summary>
        public const string TsaCertificate = "tsa.crt";
        /// <summary>TSA private key.</summary>
        public const string TsaKey = "tsa.key";
        /// <summary>Log signing certificate.</summary>
        public const string LogCertificate = "log-signing.crt";
        /// <summary>Log signing private key.</summary>
        public const string LogKey = "log-signing.key";
        /// <summary>Supervision office witness certificate.</summary>
        public const string WitnessCertificate = "witness.crt";
        /// <summary>Supervision office witness private key.</summary>
        public const string WitnessKey = "witness.key";
        /// <summary>TLS server certificate for localhost.</summary>
        public const string TlsCertificate = "tls.crt";
        /// <summary>TLS server private key.</summary>
        public const string TlsKey = "tls.key";
    }

    /// <summary>OID of the timeStamping extended key usage.</summary>
    public const string TimeStampingEku = "1.3.6.1.5.5.7.3.8";

    private CentrePki(X509Certificate2 root, X509Certificate2 issuing, X509Certificate2 tsa, X509Certificate2 log, X509Certificate2? witness, X509Certificate2? tls)
    {
        Root = root;
        Issuing = issuing;
        Tsa = tsa;
        LogSigning = log;
        Witness = witness;
        Tls = tls;
    }

    /// <summary>Root CA certificate (with key when generated here).</summary>
    public X509Certificate2 Root { get; }
    /// <summary>Issuing CA certificate.</summary>
    public X509Certificate2 Issuing { get; }
    /// <summary>TSA certificate with its private key.</summary>
    public X509Certificate2 Tsa { get; }
    /// <summary>Log signing certificate with its private key.</summary>
    public X509Certificate2 LogSigning { get; }
    /// <summary>Witness certificate (the supervision office's), when present.</summary>
    public X509Certificate2? Witness { get; }
    /// <summary>TLS certificate, when present.</summary>
    public X509Certificate2? Tls { get; }

    /// <summary>Creates a complete development PKI for <paramref name="centreName"/>, valid from <paramref name="now"/>.</summary>
    public static CentrePki CreateDevelopment(string centreName, DateTimeOffset now)
    {
        var notBefore = now.AddMinutes(-5);
        using var rootKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var rootReq = new CertificateRequest($"CN={centreName} Root CA, O={centreName}", rootKey, HashAlgorithmName.SHA256);
        rootReq.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 1, true));
        rootReq.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        rootReq.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(rootReq.PublicKey, false));
        var root = rootReq.CreateSelfSigned(notBefore, now.AddYears(10));

        using var issuingKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var issuingReq = new CertificateRequest($"CN={centreName} Issuing CA, O={centreName}", issuingKey, HashAlgorithmName.SHA256);
        issuingReq.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        issuingReq.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        issuingReq.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(issuingReq.PublicKey, false));
        issuingReq.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(root, true, false));
        X509Certificate2 issuing;
        using (var issued = issuingReq.Create(root, notBefore, now.AddYears(5), Serial()))
        {
            issuing = issued.CopyWithPrivateKey(issuingKey);
        }

        var tsa = Leaf(issuing, $"CN={centreName} Time-Stamping Authority, O={centreName}", notBefore, now.AddYears(3),
            X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.NonRepudiation, [TimeStampingEku], null);
        var log = Leaf(issuing, $"CN={centreName} Public Log, O={centreName}", notBefore, now.AddYears(3),
            X509KeyUsageFlags.DigitalSignature, null, null);
        var witness = Leaf(issuing, $"CN={centreName} Supervision Office Witness, O={centreName}", notBefore, now.AddYears(3),
            X509KeyUsageFlags.DigitalSignature, null, null);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        san.AddIpAddress(System.Net.IPAddress.Loopback);
        san.AddIpAddress(System.Net.IPAddress.IPv6Loopback);
        var tls = Leaf(issuing, "CN=localhost", notBefore, now.AddYears(1),
            X509KeyUsageFlags.DigitalSignature, ["1.3.6.1.5.5.7.3.1"], san.Build());
        return new CentrePki(root, issuing, tsa, log, witness, tls);
    }

    private static X509Certificate2 Leaf(X509Certificate2 issuer, string subject, DateTimeOffset notBefore, DateTimeOffset notAfter,
        X509KeyUsageFlags usage, string[]? ekus, X509Extension? san)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var req = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        req.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        req.CertificateExtensions.Add(new X509KeyUsageExtension(usage, true));
        if (ekus is not null)
        {
            var oids = new OidCollection();
            foreach (var e in ekus)
            {
                oids.Add(new Oid(e));
            }
            // RFC 3161 section 2.3: the TSA's timeStamping EKU must be critical.
            req.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(oids, ekus.Contains(TimeStampingEku)));
        }
        if (san is not null)
        {
            req.CertificateExtensions.Add(san);
        }
        req.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(req.PublicKey, false));
        req.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, true, false));
        var cappedNotAfter = notAfter < issuer.NotAfter ? notAfter : new DateTimeOffset(issuer.NotAfter.ToUniversalTime());
        using var cert = req.Create(issuer, notBefore, cappedNotAfter, Serial());
        return cert.CopyWithPrivateKey(key);
    }

    private static byte[] Serial()
    {
        var s = RandomNumberGenerator.GetBytes(16);
        s[0] &= 0x7f; // positive
        s[0] |= 0x01; // no leading zero byte
        return s;
    }

    /// <summary>All certificates and keys as PEM text keyed by file name (<see cref="Files"/>).</summary>
    public IReadOnlyDictionary<string, string> ToPemFiles()
    {
        var files = new Dictionary<string, string>();
        void Add(X509Certificate2? cert, string certFile, string keyFile)
        {
            if (cert is null)
            {
                return;
            }
            files[certFile] = cert.ExportCertificatePem() + "\n";
            using var key = cert.GetECDsaPrivateKey();
            if (key is not null)
            {
                files[keyFile] = key.ExportPkcs8PrivateKeyPem() + "\n";
            }
        }
        Add(Root, Files.RootCertificate, Files.RootKey);
        Add(Issuing, Files.IssuingCertificate, Files.IssuingKey);
        Add(Tsa, Files.TsaCertificate, Files.TsaKey);
        Add(LogSigning, Files.LogCertificate, Files.LogKey);
        Add(Witness, Files.WitnessCertificate, Files.WitnessKey);
        Add(Tls, Files.TlsCertificate, Files.TlsKey);
        return files;
    }

    /// <summary>
    /// Loads a centre's PKI from PEM text by file name. The root and issuing CA keys are not needed
    /// (keep them offline); the TSA and log keys are; witness and TLS files are optional.
    /// </summary>
    public static CentrePki FromPem(IReadOnlyDictionary<string, string> files)
    {
        X509Certificate2 Cert(string certFile, string keyFile, bool keyRequired)
        {
            if (!files.TryGetValue(certFile, out var pem))
            {
                throw new LogFormatException("key.invalid", Args.Of(("kind", certFile), ("reason", "file missing")));
            }
            try
            {
                if (files.TryGetValue(keyFile, out var keyPem))
                {
                    return X509Certificate2.CreateFromPem(pem, keyPem);
                }
                if (keyRequired)
                {
                    throw new LogFormatException("key.invalid", Args.Of(("kind", keyFile), ("reason", "file missing")));
                }
                return X509Certificate2.CreateFromPem(pem);
            }
            catch (CryptographicException e)
            {
                throw new LogFormatException("key.invalid", Args.Of(("kind", certFile), ("reason", e.Message)), e);
            }
        }
        X509Certificate2? Optional(string certFile, string keyFile) => files.ContainsKey(certFile) ? Cert(certFile, keyFile, false) : null;
        return new CentrePki(
            Cert(Files.RootCertificate, Files.RootKey, false),
            Cert(Files.IssuingCertificate, Files.IssuingKey, false),
            Cert(Files.TsaCertificate, Files.TsaKey, true),
            Cert(Files.LogCertificate, Files.LogKey, true),
            Optional(Files.WitnessCertificate, Files.WitnessKey),
            Optional(Files.TlsCertificate, Files.TlsKey));
    }

    /// <summary>The log's note signer, named by the log origin.</summary>
    public NoteSigner LogSigner(string origin) => new(origin, LogSigning.GetECDsaPrivateKey()
        ?? throw new LogFormatException("key.invalid", Args.Of(("kind", "log signing key"), ("reason", "certificate has no private key"))));

    /// <summary>The witness's note signer.</summary>
    public NoteSigner WitnessSigner(string name) => new(name, Witness?.GetECDsaPrivateKey()
        ?? throw new LogFormatException("key.invalid", Args.Of(("kind", "witness key"), ("reason", "no witness certificate with a private key"))));

    /// <summary>The centre's TSA.</summary>
    public TimeStampAuthority TimeStampAuthority() => new(Tsa, [Issuing]);

    /// <inheritdoc />
    public void Dispose()
    {
        Root.Dispose();
        Issuing.Dispose();
        Tsa.Dispose();
        LogSigning.Dispose();
        Witness?.Dispose();
        Tls?.Dispose();
    }
}

/// <summary>Checks that a certificate chains to the centre's root, offline, at a given time.</summary>
public static class CentreTrust
{
    /// <summary>
    /// Throws <see cref="LogVerificationException"/> (<c>cert.untrusted</c>) unless <paramref name="certificate"/>
    /// chains to <paramref name="root"/> through <paramref name="intermediates"/> at <paramref name="at"/>.
    /// Revocation is not checked: verification is offline by design.
    /// </summary>
    public static void RequireChain(X509Certificate2 certificate, X509Certificate2 root, IEnumerable<X509Certificate2> intermediates, DateTimeOffset at)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(root);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = at.UtcDateTime;
        chain.ChainPolicy.VerificationTimeIgnored = false;
        foreach (var c in intermediates)
        {
            chain.ChainPolicy.ExtraStore.Add(c);
        }
        if (!chain.Build(certificate))
        {
            var reason = string.Join("; ", chain.ChainStatus.Select(s => s.Status + ": " + s.StatusInformation.Trim()));
            throw new LogVerificationException("cert.untrusted", Args.Of(("subject", certificate.Subject), ("reason", reason)));
        }
        var top = chain.ChainElements[^1].Certificate;
        if (!top.RawDataMemory.Span.SequenceEqual(root.RawDataMemory.Span))
        {
            throw new LogVerificationException("cert.untrusted", Args.Of(("subject", certificate.Subject), ("reason", "chain ends at another root")));
        }
    }
}
