using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection;
using Trading.Data;

namespace Trading.Web.Infrastructure;

/// <summary>
/// The Data Protection key ring (which signs the sign-in cookies, antiforgery and bearer tokens) lives in the database
/// so every server of the centre shares it; each key is encrypted there with a certificate that is not in the database,
/// so a copy of the database alone cannot forge a session. Production names the certificate in configuration
/// (<c>DataProtection:CertificatePath</c> and <c>DataProtection:KeyPath</c>, PEM) and refuses to start without it;
/// elsewhere one is generated once into the data directory's keys folder (git-ignored).
/// </summary>
public static class DataProtectionSetup
{
    public const string ProductionNeedsCertificate = "In Production the Data Protection keys must be protected at rest: set DataProtection:CertificatePath and DataProtection:KeyPath (PEM).";

    public static IServiceCollection AddProtectedDataProtection(this IServiceCollection services, IConfiguration config, IHostEnvironment env, string dataDir)
    {
        var cert = Certificate(config, env, dataDir);
        services.AddDataProtection().PersistKeysToDbContext<TradingDbContext>().SetApplicationName("trading")
            .ProtectKeysWithCertificate(cert)
            // The framework looks for the decrypting certificate in the machine's store by default; it is in a file here.
            .UnprotectKeysWithAnyCertificate(cert);
        return services;
    }

    private static X509Certificate2 Certificate(IConfiguration config, IHostEnvironment env, string dataDir)
    {
        if (config["DataProtection:CertificatePath"] is { Length: > 0 } certPath)
            return X509Certificate2.CreateFromPemFile(certPath, config["DataProtection:KeyPath"] is { Length: > 0 } k ? k : null);
        if (env.IsProduction())
            throw new InvalidOperationException(ProductionNeedsCertificate);
        var dir = Path.Combine(dataDir, "keys");
        var crt = Path.Combine(dir, "data-protection.crt");
        var key = Path.Combine(dir, "data-protection.key");
        if (!File.Exists(crt) || !File.Exists(key))
        {
            Directory.CreateDirectory(dir);
            using var rsa = RSA.Create(3072);
            var req = new CertificateRequest("CN=Trading data protection (development)", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            using var made = req.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(20));
            Trading.Crypto.SecretFile.WriteAllText(key, rsa.ExportPkcs8PrivateKeyPem());
            File.WriteAllText(crt, made.ExportCertificatePem());
        }
        return X509Certificate2.CreateFromPemFile(crt, key);
    }
}
