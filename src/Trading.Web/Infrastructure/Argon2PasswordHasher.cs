using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Trading.Data;

namespace Trading.Web.Infrastructure;

/// <summary>
/// Identity's built-in hasher is PBKDF2; the platform's rule is Argon2id for every password. The hash is
/// stored in the PHC string format with its parameters, so raising the cost later re-hashes users at their
/// next sign-in (SuccessRehashNeeded) instead of locking them out.
/// </summary>
public sealed class Argon2PasswordHasher(IOptions<PasswordHashOptions> options) : IPasswordHasher<AppUser>
{
    private const int SaltBytes = 16, HashBytes = 32;

    public string HashPassword(AppUser user, string password)
    {
        var o = options.Value;
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Derive(password, salt, o.MemoryKiB, o.Iterations, o.Parallelism, HashBytes);
        return $"$argon2id$v=19$m={o.MemoryKiB},t={o.Iterations},p={o.Parallelism}${B64(salt)}${B64(hash)}";
    }

    public PasswordVerificationResult VerifyHashedPassword(AppUser user, string hashedPassword, string providedPassword)
    {
        if (!TryParse(hashedPassword, out var m, out var t, out var p, out var salt, out var expected))
            return PasswordVerificationResult.Failed;
        var actual = Derive(providedPassword, salt, m, t, p, expected.Length);
        if (!CryptographicOperations.FixedTimeEquals(actual, expected))
            return PasswordVerificationResult.Failed;
        var o = options.Value;
        return m != o.MemoryKiB || t != o.Iterations || p != o.Parallelism
            ? PasswordVerificationResult.SuccessRehashNeeded
            : PasswordVerificationResult.Success;
    }

    private static byte[] Derive(string password, byte[] salt, int memoryKiB, int iterations, int parallelism, int length)
    {
        var gen = new Argon2BytesGenerator();
        gen.Init(new Argon2Parameters.Builder(Argon2Parameters.Argon2id)
            .WithVersion(Argon2Parameters.Version13)
            .WithMemoryAsKB(memoryKiB).WithIterations(iterations).WithParallelism(parallelism)
            .WithSalt(salt).Build());
        var output = new byte[length];
        gen.GenerateBytes(System.Text.Encoding.UTF8.GetBytes(password), output);
        return output;
    }

    private static bool TryParse(string phc, out int m, out int t, out int p, out byte[] salt, out byte[] hash)
    {
        m = t = p = 0; salt = hash = [];
        var parts = phc.Split('$');
        // ["", "argon2id", "v=19", "m=..,t=..,p=..", salt, hash]
        if (parts.Length != 6 || parts[1] != "argon2id" || parts[2] != "v=19") return false;
        foreach (var kv in parts[3].Split(','))
        {
            var pair = kv.Split('=');
            if (pair.Length != 2 || !int.TryParse(pair[1], out var v) || v <= 0) return false;
            switch (pair[0]) { case "m": m = v; break; case "t": t = v; break; case "p": p = v; break; default: return false; }
        }
        if (m == 0 || t == 0 || p == 0) return false;
        try { salt = FromB64(parts[4]); hash = FromB64(parts[5]); }
        catch (FormatException) { return false; }
        return salt.Length >= 8 && hash.Length >= 16;
    }

    private static string B64(byte[] b) => Convert.ToBase64String(b).TrimEnd('=');
    private static byte[] FromB64(string s) => Convert.FromBase64String(s.PadRight(s.Length + (4 - s.Length % 4) % 4, '='));
}
