using System.Security.Cryptography.X509Certificates;
using Trading.PublicLog;

namespace Trading.Web.Features.Certificates;

public sealed class CertificateOptions
{
    /// <summary>Folder with centre-ca.crt/.key and seal.crt/.key (kept off the repository, mode 0600). Required in Production.</summary>
    public string? CaDirectory { get; set; }
    /// <summary>How long a firm certificate is valid.</summary>
    public int ValidityDays { get; set; } = 365;
    /// <summary>When true every bid must be signed with a firm certificate; otherwise only firms that hold one must use it.</summary>
    public bool RequireForBids { get; set; }
    /// <summary>Where the public reaches this site, for the revocation list's address inside certificates.</summary>
    public string? PublicBaseUrl { get; set; }
    /// <summary>PEM files of further roots the centre trusts (an external CA's firm certificates).</summary>
    public List<string> TrustedRoots { get; set; } = [];
}

/// <summary>
/// The centre's issuing CA at run time, loaded on first use: from <c>Certificates:CaDirectory</c> when set, else (outside
/// Production) generated once into the data folder's keys/centre-ca and reused. Production without the setting refuses
/// to issue rather than mint a CA nobody decided on.
/// </summary>
public sealed class CertificateAuthority(IConfiguration config, Infrastructure.DataFolder data, TimeProvider clock, IHostEnvironment environment,
    Microsoft.Extensions.Options.IOptions<CertificateOptions> options) : IDisposable
{
    public const string CrlPath = "/pki/firms.crl";
    public const string CaPath = "/pki/centre-ca.crt";
    public const string Sm2CrlPath = "/pki/firms-sm2.crl";
    public const string Sm2CaPath = "/pki/centre-ca-sm2.crt";

    private readonly Lazy<FirmCertificateAuthority> ca = new(() => Load(config, data.Path, clock, environment, options.Value), LazyThreadSafetyMode.ExecutionAndPublication);

    public FirmCertificateAuthority Ca => ca.Value;

    private readonly Lazy<Sm2CertificateAuthority?> sm2 = new(() => LoadSm2(config, data.Path, clock, environment, options.Value), LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>
    /// The SM2 issuing CA (certificates for SM2 keys, suite 2), or null where the deployment has none: a configured
    /// CaDirectory without centre-ca-sm2.crt/.key certifies P-256 keys only.
    /// </summary>
    public Sm2CertificateAuthority? Sm2 => sm2.Value;

    /// <summary>
    /// The suite of the signing keys browsers make here (firm keys, committee members' one-signing keys): SM2 at a suite 2
    /// deployment whose centre has an SM2 CA, else P-256.
    /// </summary>
    public string KeySuite(string deploymentSuite) =>
        deploymentSuite == Trading.Crypto.CryptoSuites.Sm2 && Sm2 is not null ? Trading.Crypto.CryptoSuites.Sm2 : Trading.Crypto.CryptoSuites.P256;

    /// <summary>SM2 roots a firm's SM2 certificate may chain to (DER): the centre's SM2 CA and configured SM2 roots.</summary>
    public IReadOnlyList<byte[]> Sm2Roots => sm2Roots ??= [.. Sm2 is { } s ? [s.Ca.GetEncoded()] : Array.Empty<byte[]>(), .. ConfiguredSm2Roots()];
    private IReadOnlyList<byte[]>? sm2Roots;

    private IEnumerable<byte[]> ConfiguredSm2Roots()
    {
        var parser = new Org.BouncyCastle.X509.X509CertificateParser();
        foreach (var path in options.Value.TrustedRoots)
        {
            var der = parser.ReadCertificate(System.Text.Encoding.ASCII.GetBytes(File.ReadAllText(path))).GetEncoded();
            if (Sm2CertificateAuthority.IsSm2Key(parser.ReadCertificate(der).CertificateStructure.SubjectPublicKeyInfo.GetEncoded())) yield return der;
        }
    }

    /// <summary>Roots a firm certificate may chain to: the centre's CA and any configured external roots.</summary>
    public IReadOnlyList<X509Certificate2> TrustedRoots => trusted ??= [Ca.Ca, .. ExternalRoots];
    private IReadOnlyList<X509Certificate2>? trusted;

    /// <summary>The configured roots alone: a certificate a firm registers must chain to one of these, not to the centre's CA.</summary>
    public IReadOnlyList<X509Certificate2> ExternalRoots => external ??= [.. options.Value.TrustedRoots.Select(p => X509Certificate2.CreateFromPem(File.ReadAllText(p)))];
    private IReadOnlyList<X509Certificate2>? external;

    /// <summary>
    /// Whether a firm can register a certificate here at all: a registered certificate must be P-256 and chain through
    /// .NET's chain builder to a configured root, so without a configured non-SM2 root every registration is refused.
    /// </summary>
    public bool AcceptsRegistrations => ExternalRoots.Any(r => !Sm2CertificateAuthority.IsSm2Key(r.PublicKey.ExportSubjectPublicKeyInfo()));

    public string? CrlUrl => BaseUrl is { } b ? b + CrlPath : null;

    /// <summary>The SM2 certificates' revocation list address (their issuer signs its own list).</summary>
    public string? Sm2CrlUrl => BaseUrl is { } b ? b + Sm2CrlPath : null;

    private string? BaseUrl => (options.Value.PublicBaseUrl ?? config["Notifications:BaseUrl"]) is { Length: > 0 } b ? b.TrimEnd('/') : null;

    private static Sm2CertificateAuthority? LoadSm2(IConfiguration config, string dataPath, TimeProvider clock, IHostEnvironment environment, CertificateOptions o)
    {
        // A configured folder is the deployment's decision: SM2 is offered only if it holds the SM2 CA's files.
        if (!string.IsNullOrEmpty(o.CaDirectory)) return Directory.Exists(o.CaDirectory) ? Sm2CertificateAuthority.FromPem(Read(o.CaDirectory)) : null;
        if (environment.IsProduction()) return null;
        var dir = Path.Combine(dataPath, "keys", "centre-ca");
        if (File.Exists(Path.Combine(dir, Sm2CertificateAuthority.Files.CaCertificate))) return Sm2CertificateAuthority.FromPem(Read(dir));
        Directory.CreateDirectory(dir);
        var name = config["Platform:CentreName"] is { Length: > 0 } n ? n : "Development Trading Centre";
        foreach (var (file, pem) in Sm2CertificateAuthority.Create(name, clock.GetUtcNow().AddDays(-1)).ToPemFiles())
        {
            var path = Path.Combine(dir, file);
            if (file.EndsWith(".key", StringComparison.Ordinal)) Trading.Crypto.SecretFile.WriteAllText(path, pem);
            else File.WriteAllText(path, pem);
        }
        return Sm2CertificateAuthority.FromPem(Read(dir));
    }

    private static FirmCertificateAuthority Load(IConfiguration config, string dataPath, TimeProvider clock, IHostEnvironment environment, CertificateOptions o)
    {
        if (!string.IsNullOrEmpty(o.CaDirectory))
        {
            if (!Directory.Exists(o.CaDirectory)) throw new InvalidOperationException($"Certificates:CaDirectory '{o.CaDirectory}' does not exist.");
            return FirmCertificateAuthority.FromPem(Read(o.CaDirectory));
        }
        if (environment.IsProduction())
            throw new InvalidOperationException("In Production the firm certificate CA is required: set Certificates:CaDirectory (certs/README.md). The server does not generate its own CA in Production.");
        var dir = Path.Combine(dataPath, "keys", "centre-ca");
        if (File.Exists(Path.Combine(dir, FirmCertificateAuthority.Files.CaCertificate))) return FirmCertificateAuthority.FromPem(Read(dir));
        Directory.CreateDirectory(dir);
        var name = config["Platform:CentreName"] is { Length: > 0 } n ? n : "Development Trading Centre";
        // Valid from a day back, like the log's development PKI: a skewed or test clock must not see it as not yet valid.
        using var created = FirmCertificateAuthority.Create(name, clock.GetUtcNow().AddDays(-1));
        foreach (var (file, pem) in created.ToPemFiles())
        {
            var path = Path.Combine(dir, file);
            if (file.EndsWith(".key", StringComparison.Ordinal)) Trading.Crypto.SecretFile.WriteAllText(path, pem);
            else File.WriteAllText(path, pem);
        }
        return FirmCertificateAuthority.FromPem(Read(dir));
    }

    private static Dictionary<string, string> Read(string dir) =>
        Directory.GetFiles(dir).Where(f => f.EndsWith(".crt", StringComparison.Ordinal) || f.EndsWith(".key", StringComparison.Ordinal))
            .ToDictionary(f => Path.GetFileName(f), File.ReadAllText);

    public void Dispose()
    {
        if (ca.IsValueCreated) ca.Value.Dispose();
    }
}
