extern alias publiclog;

using System.Security.Cryptography;
using publiclog::Trading.PublicLog;

namespace Trading.Web.Infrastructure;

/// <summary>
/// The key that signs public log checkpoints (ECDSA P-256, C2SP signed-note). Production configures it
/// (PublicLog:SigningKeyFile, a PKCS#8 PEM issued under the centre PKI); a developer machine gets one
/// generated into the data directory's keys/ folder on first use, which .gitignore keeps out of git.
/// </summary>
public sealed class LogSigningKey
{
    public const string DefaultOrigin = "trading.local/log";

    private LogSigningKey(string origin, ECDsa key)
    {
        Origin = origin;
        Signer = new NoteSigner(origin, key);
    }

    /// <summary>The log's name: the first line of every checkpoint and the signature key name.</summary>
    public string Origin { get; }

    public NoteSigner Signer { get; }

    /// <summary>DER SubjectPublicKeyInfo, published so anyone can check checkpoints without trusting the server.</summary>
    public ReadOnlySpan<byte> PublicKey => Signer.Verifier.SubjectPublicKeyInfo;

    public static LogSigningKey LoadOrCreate(IConfiguration config, string dataDirectory)
    {
        var origin = config["PublicLog:Origin"] is { Length: > 0 } o ? o : DefaultOrigin;
        var key = ECDsa.Create();
        var configured = config["PublicLog:SigningKeyFile"];
        var path = string.IsNullOrEmpty(configured) ? Path.Combine(dataDirectory, "keys", "log-signing.pem") : configured;
        if (File.Exists(path))
        {
            key.ImportFromPem(File.ReadAllText(path));
        }
        else if (!string.IsNullOrEmpty(configured))
        {
            // A configured key that is missing is a deployment error, not a reason to mint a new identity.
            throw new InvalidOperationException($"PublicLog:SigningKeyFile '{configured}' does not exist.");
        }
        else
        {
            key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, key.ExportPkcs8PrivateKeyPem());
            if (!OperatingSystem.IsWindows())
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        return new LogSigningKey(origin, key);
    }
}
