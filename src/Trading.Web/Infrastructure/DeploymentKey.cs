using System.Security.Cryptography;

namespace Trading.Web.Infrastructure;

/// <summary>
/// A per-deployment 32-byte secret: from configuration (base64) when the centre sets one, otherwise generated once
/// into <c>&lt;data&gt;/keys/&lt;file&gt;</c> (owner-only) and read back on every later start.
/// </summary>
public static class DeploymentKey
{
    public static byte[] LoadOrCreate(string? configured, string dataDirectory, string fileName)
    {
        if (!string.IsNullOrEmpty(configured))
            return Convert.FromBase64String(configured);
        var path = Path.Combine(dataDirectory, "keys", fileName);
        if (File.Exists(path))
            return Convert.FromBase64String(File.ReadAllText(path).Trim());
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var key = RandomNumberGenerator.GetBytes(32);
        Trading.Crypto.SecretFile.WriteAllText(path, Convert.ToBase64String(key));
        return key;
    }
}
