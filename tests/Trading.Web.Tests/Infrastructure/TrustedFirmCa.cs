using System.Security.Cryptography.X509Certificates;

namespace Trading.Web.Tests.Infrastructure;

/// <summary>
/// A throwaway CA a deployment is configured to trust for firm certificates (<c>Certificates:TrustedRoots</c>), and
/// another it does not know, for the external-certificate tests; the root file lives in a folder of its own.
/// </summary>
public sealed class TrustedFirmCa : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("trading-extca-").FullName;

    public X509Certificate2 Trusted { get; } = ExternalCertificateTests.Ca("Test Firm CA");

    public X509Certificate2 Other { get; } = ExternalCertificateTests.Ca("Unknown CA");

    /// <summary>A second trusted root with no path length limit, which issues through intermediate CAs.</summary>
    public X509Certificate2 Deep { get; } = ExternalCertificateTests.Ca("Test Firm Root CA", pathLength: null);

    /// <summary>The settings that make the deployment trust <see cref="Trusted"/>, on top of <paramref name="settings"/>.</summary>
    public Dictionary<string, string> Settings(IReadOnlyDictionary<string, string>? settings = null)
    {
        var path = Path.Combine(dir, "firm-ca.crt");
        File.WriteAllText(path, Trusted.ExportCertificatePem());
        var deep = Path.Combine(dir, "firm-root-ca.crt");
        File.WriteAllText(deep, Deep.ExportCertificatePem());
        return new Dictionary<string, string>(settings ?? new Dictionary<string, string>()) { ["Certificates:TrustedRoots:0"] = path, ["Certificates:TrustedRoots:1"] = deep };
    }

    public void Dispose()
    {
        Trusted.Dispose();
        Other.Dispose();
        Deep.Dispose();
        Directory.Delete(dir, recursive: true);
    }
}
