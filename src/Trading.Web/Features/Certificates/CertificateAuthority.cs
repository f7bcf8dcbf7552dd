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

    private readonly Lazy<FirmCertificateAuthority> ca = new(() => Load(config, data.Path, clock, environment, options.Value), LazyThreadSafetyMode.ExecutionAndPublication);

    public FirmCertificateAuthority Ca => ca.Value;

    /// <summary>Roots a firm certificate may chain to: the centre's CA and any configured external roots.</summary>
    public IReadOnlyList<X509Certificate2> TrustedRoots => trusted ??= [Ca.Ca, .. options.Value.TrustedRoots.Select(p => X509Certificate2.CreateFromPem(File.ReadAllText(p)))];
    private IReadOnlyList<X509Certificate2>? trusted;

    public string? CrlUrl => (options.Value.PublicBaseUrl ?? config["Notifications:BaseUrl"]) is { Length: > 0 } b ? b.TrimEnd('/') + CrlPath : null;

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
