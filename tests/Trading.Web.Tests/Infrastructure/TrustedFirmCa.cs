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

    /// <summary>The settings that make the deployment trust <see cref="Trusted"/>, on top of <paramref name="settings"/>.</summary>
    public Dictionary<string, string> Settings(IReadOnlyDictionary<string, string>? settings = null)
    {
        var path = Path.Combine(dir, "firm-ca.crt");
        File.WriteAllText(path, Trusted.ExportCertificatePem());
        return new Dictionary<string, string>(settings ?? new Dictionary<string, string>()) { ["Certificates:TrustedRoots:0"] = path };
    }

    public void Dispose()
    {
        Trusted.Dispose();
        Other.Dispose();
        Directory.Delete(dir, recursive: true);
    }
}
