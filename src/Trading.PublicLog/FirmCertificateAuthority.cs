using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Trading.PublicLog;

/// <summary>
/// The centre's issuing CA for firms' signing certificates and for the centre's own document seal (PDF signatures).
/// It is its own trust anchor (a self-signed CA certificate published at a public URL); its private key lives in a file
/// outside the repository (mode 0600), never in the database. Issues X.509 v3 certificates from PKCS#10 requests and
/// signs the revocation list (RFC 5280 CRL) the platform publishes.
/// </summary>
public sealed class FirmCertificateAuthority : IDisposable
{
    /// <summary>File names in the CA folder.</summary>
    public static class Files
    {
        public const string CaCertificate = "centre-ca.crt";
        public const string CaKey = "centre-ca.key";
        public const string SealCertificate = "seal.crt";
        public const string SealKey = "seal.key";
    }

    /// <summary>The unified social credit code goes into organizationIdentifier (X.520, 2.5.4.97).</summary>
    public const string OrganizationIdentifierOid = "2.5.4.97";

    private FirmCertificateAuthority(X509Certificate2 ca, X509Certificate2 seal)
    {
        Ca = ca;
        Seal = seal;
    }

    /// <summary>The CA certificate with its private key.</summary>
    public X509Certificate2 Ca { get; }

    /// <summary>The centre's seal certificate (document signatures) with its private key.</summary>
    public X509Certificate2 Seal { get; }

    /// <summary>A new CA and seal for <paramref name="centreName"/>, valid from <paramref name="now"/>.</summary>
    public static FirmCertificateAuthority Create(string centreName, DateTimeOffset now)
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var name = new X500DistinguishedNameBuilder();
        name.AddCountryOrRegion("CN");
        name.AddOrganizationName(centreName);
        name.AddCommonName($"{centreName} Firm Certificate CA");
        var req = new CertificateRequest(name.Build(), caKey, HashAlgorithmName.SHA256);
        // Path length 0: this CA signs end-entity certificates only.
        req.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        req.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        req.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(req.PublicKey, false));
        var ca = req.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(10));

        using var sealKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var sealName = new X500DistinguishedNameBuilder();
        sealName.AddCountryOrRegion("CN");
        sealName.AddOrganizationName(centreName);
        sealName.AddCommonName($"{centreName} Document Seal");
        var sealReq = new CertificateRequest(sealName.Build(), sealKey, HashAlgorithmName.SHA256);
        AddLeafExtensions(sealReq, ca, null);
        using var issued = sealReq.Create(ca, now.AddMinutes(-5), now.AddYears(5), NewSerial());
        return new FirmCertificateAuthority(ca, issued.CopyWithPrivateKey(sealKey));
    }

    /// <summary>Loads the CA and seal from PEM text by file name (both keys are needed: this CA issues on line).</summary>
    public static FirmCertificateAuthority FromPem(IReadOnlyDictionary<string, string> files)
    {
        X509Certificate2 Load(string cert, string key)
        {
            if (!files.TryGetValue(cert, out var c) || !files.TryGetValue(key, out var k))
                throw new LogFormatException("key.invalid", Args.Of(("kind", cert), ("reason", "file missing")));
            return X509Certificate2.CreateFromPem(c, k);
        }
        return new FirmCertificateAuthority(Load(Files.CaCertificate, Files.CaKey), Load(Files.SealCertificate, Files.SealKey));
    }

    /// <summary>Certificates and keys as PEM by file name.</summary>
    public IReadOnlyDictionary<string, string> ToPemFiles()
    {
        using var caKey = Ca.GetECDsaPrivateKey()!;
        using var sealKey = Seal.GetECDsaPrivateKey()!;
        return new Dictionary<string, string>
        {
            [Files.CaCertificate] = Ca.ExportCertificatePem() + "\n",
            [Files.CaKey] = caKey.ExportPkcs8PrivateKeyPem() + "\n",
            [Files.SealCertificate] = Seal.ExportCertificatePem() + "\n",
            [Files.SealKey] = sealKey.ExportPkcs8PrivateKeyPem() + "\n",
        };
    }

    /// <summary>
    /// Reads a PKCS#10 request and checks its signature (the requester holds the key). Returns null when it is not a
    /// request, its signature fails, or its key is not ECDSA P-256 (SM2 requests: <see cref="Sm2CertificateAuthority.ReadRequest"/>).
    /// </summary>
    public static PublicKey? ReadRequest(string pem)
    {
        try
        {
            var request = CertificateRequest.LoadSigningRequestPem(pem, HashAlgorithmName.SHA256, CertificateRequestLoadOptions.Default);
            return IsCertifiable(request.PublicKey) ? request.PublicKey : null;
        }
        catch (CryptographicException)
        {
            return null;
        }
        catch (ArgumentException)
        {
            return null;
        }
        catch (NotSupportedException)
        {
            // An algorithm the platform's crypto does not know (an SM3withSM2 request is Sm2CertificateAuthority's).
            return null;
        }
    }

    /// <summary>The key algorithms the centre certifies: ECDSA on P-256 (id-ecPublicKey with the prime256v1 parameters).</summary>
    public static bool IsCertifiable(PublicKey key)
    {
        if (key.Oid.Value != "1.2.840.10045.2.1") return false;
        using var ec = key.GetECDsaPublicKey();
        if (ec is null) return false;
        var curve = ec.ExportParameters(false).Curve;
        return curve.IsNamed && curve.Oid.Value == "1.2.840.10045.3.1.7";
    }

    /// <summary>Issues a signing certificate for a firm's key.</summary>
    public X509Certificate2 Issue(PublicKey key, string firmName, string creditCode, string? legalRepresentative, byte[] serial,
        DateTimeOffset notBefore, DateTimeOffset notAfter, string? crlUrl)
    {
        var name = new X500DistinguishedNameBuilder();
        name.AddCountryOrRegion("CN");
        name.AddOrganizationName(firmName);
        name.Add(OrganizationIdentifierOid, creditCode, System.Formats.Asn1.UniversalTagNumber.UTF8String);
        name.AddCommonName(legalRepresentative is { Length: > 0 } rep ? $"{firmName} ({rep})" : firmName);
        return Issue(key, name.Build(), serial, notBefore, notAfter, crlUrl);
    }

    /// <summary>
    /// Issues an evaluation committee member's one-signing certificate (an "event certificate", 事件型证书) for a key the
    /// member's browser made: the subject is the seat's pseudonym and the session (<see cref="MemberSignatures.Subject"/>),
    /// never the member's name, and it lives only minutes. No revocation list: it certifies one signature, made at once.
    /// </summary>
    public X509Certificate2 IssueMember(PublicKey key, string seat, Guid session, byte[] serial, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        var name = new X500DistinguishedNameBuilder();
        name.AddCountryOrRegion("CN");
        name.AddOrganizationalUnitName(MemberSignatures.SessionUnit(session));
        name.Add("2.5.4.12", MemberSignatures.Title, System.Formats.Asn1.UniversalTagNumber.UTF8String);
        name.AddCommonName(MemberSignatures.SeatName(seat));
        return Issue(key, name.Build(), serial, notBefore, notAfter, null);
    }

    private X509Certificate2 Issue(PublicKey key, X500DistinguishedName subject, byte[] serial, DateTimeOffset notBefore, DateTimeOffset notAfter, string? crlUrl)
    {
        var req = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        AddLeafExtensions(req, Ca, crlUrl);
        var capped = notAfter < Ca.NotAfter ? notAfter : new DateTimeOffset(Ca.NotAfter.ToUniversalTime());
        return req.Create(Ca, notBefore, capped, serial);
    }

    private static void AddLeafExtensions(CertificateRequest req, X509Certificate2 ca, string? crlUrl)
    {
        req.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        // Non-repudiation (content commitment): the firm's and the seal's signatures are meant to bind.
        req.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.NonRepudiation, true));
        req.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(req.PublicKey, false));
        req.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        if (crlUrl is not null) req.CertificateExtensions.Add(CertificateRevocationListBuilder.BuildCrlDistributionPointExtension([crlUrl]));
    }

    /// <summary>A fresh positive 16-byte serial number.</summary>
    public static byte[] NewSerial()
    {
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] = (byte)((serial[0] & 0x7f) | 0x01);
        return serial;
    }

    /// <summary>The revocation list: every revoked serial with its time; numbered by its issue time (monotonic).</summary>
    public byte[] BuildCrl(IEnumerable<(byte[] Serial, DateTimeOffset RevokedAt)> revoked, DateTimeOffset now, TimeSpan validity)
    {
        var builder = new CertificateRevocationListBuilder();
        foreach (var (serial, at) in revoked) builder.AddEntry(serial, at);
        var thisUpdate = DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds());
        return builder.Build(Ca, new BigInteger(thisUpdate.ToUnixTimeSeconds()), thisUpdate + validity, HashAlgorithmName.SHA256, thisUpdate: thisUpdate);
    }

    /// <summary>
    /// Whether <paramref name="certificate"/> chains to <paramref name="roots"/> at <paramref name="at"/> (custom trust:
    /// the machine's store plays no part). Revocation is the caller's: the platform's own list is its database.
    /// </summary>
    public static bool Chains(X509Certificate2 certificate, IEnumerable<X509Certificate2> roots, DateTimeOffset at) =>
        Chains(certificate, roots, at, []);

    /// <summary>
    /// The same through the intermediate CA certificates given (and no others: nothing is fetched, no system store is
    /// used): each link's signature, every certificate valid at <paramref name="at"/>, basic constraints (a CA above
    /// every link, path lengths kept) as .NET's chain builder checks them, ending at one of <paramref name="roots"/>.
    /// Revocation is not checked here (the caller has no list for another CA's intermediates).
    /// </summary>
    public static bool Chains(X509Certificate2 certificate, IEnumerable<X509Certificate2> roots, DateTimeOffset at, IEnumerable<X509Certificate2> intermediates)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots.ToArray());
        chain.ChainPolicy.ExtraStore.AddRange(intermediates.ToArray());
        chain.ChainPolicy.DisableCertificateDownloads = true;
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = at.UtcDateTime;
        chain.ChainPolicy.VerificationTimeIgnored = false;
        return chain.Build(certificate);
    }

    /// <summary>
    /// Whether a firm certificate (DER) of either kind chains to one of <paramref name="cas"/> (CA certificates, DER, P-256
    /// and SM2 mixed) at <paramref name="at"/>: an SM2 certificate by the SM2 check, any other by .NET's chain builder with
    /// the non-SM2 roots as its only trust. What the receipt and opening verifiers need offline.
    /// </summary>
    public static bool ChainsToAny(byte[] der, IReadOnlyList<byte[]> cas, DateTimeOffset at) => ChainsToAny(der, cas, at, []);

    /// <summary>The same through the intermediate CA certificates (DER) a registered certificate was sent with (P-256 chains only).</summary>
    public static bool ChainsToAny(byte[] der, IReadOnlyList<byte[]> cas, DateTimeOffset at, IReadOnlyList<byte[]> intermediates)
    {
        static bool Sm2(byte[] certificate) =>
            Sm2CertificateAuthority.IsSm2Key(new Org.BouncyCastle.X509.X509CertificateParser().ReadCertificate(certificate).CertificateStructure.SubjectPublicKeyInfo.GetEncoded());
        if (Sm2(der)) return Sm2CertificateAuthority.Chains(der, cas, at);
        using var leaf = X509CertificateLoader.LoadCertificate(der);
        var roots = new List<X509Certificate2>();
        var extra = new List<X509Certificate2>();
        try
        {
            foreach (var ca in cas)
            {
                if (!Sm2(ca)) roots.Add(X509CertificateLoader.LoadCertificate(ca));
            }
            foreach (var i in intermediates) extra.Add(X509CertificateLoader.LoadCertificate(i));
            return roots.Count > 0 && Chains(leaf, roots, at, extra);
        }
        finally
        {
            roots.ForEach(r => r.Dispose());
            extra.ForEach(r => r.Dispose());
        }
    }

    public void Dispose()
    {
        Ca.Dispose();
        Seal.Dispose();
    }
}
