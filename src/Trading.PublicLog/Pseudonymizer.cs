using System.Security.Cryptography;
using System.Text;

namespace Trading.PublicLog;

/// <summary>
/// Keyed pseudonyms for personal and firm identifiers in the public log: HMAC-SHA256 under a
/// per-deployment secret key, so the same person maps to the same pseudonym within a deployment
/// (links are visible to auditors) while outsiders cannot test guesses without the key.
/// The value is NFC-normalised; other normalisation (case, spacing) is the caller's.
/// </summary>
public sealed class Pseudonymizer
{
    /// <summary>Minimum key length in bytes.</summary>
    public const int MinKeyLength = 32;

    private readonly byte[] _key;

    /// <summary>Creates a pseudonymizer over the deployment's secret key (at least 32 bytes).</summary>
    public Pseudonymizer(ReadOnlySpan<byte> key)
    {
        if (key.Length < MinKeyLength)
        {
            throw new LogFormatException("pseudonym.key-too-short", Args.Of(("min", MinKeyLength)));
        }
        _key = key.ToArray();
    }

    /// <summary>A fresh random deployment key.</summary>
    public static byte[] GenerateKey() => RandomNumberGenerator.GetBytes(MinKeyLength);

    /// <summary>
    /// The pseudonym of <paramref name="value"/> of the given <paramref name="kind"/> (e.g. "firm",
    /// "person", "expert"): <c>kind:</c> followed by 32 hex digits (128 bits). The kind is inside the MAC so
    /// one identifier used as two kinds gives unrelated pseudonyms.
    /// </summary>
    public string Pseudonym(string kind, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(kind);
        ArgumentNullException.ThrowIfNull(value);
        return Mac(kind, "trading/pseudonym/v1\0" + kind + "\0" + value.Normalize(NormalizationForm.FormC));
    }

    /// <summary>
    /// A pseudonym that holds only within one <paramref name="scope"/> (a tender id): <c>kind:</c> + 32 hex digits of
    /// HMAC-SHA256(key, "trading/scoped-pseudonym/v1" 0x00 scope 0x00 kind 0x00 NFC(value)). The same firm gets
    /// unrelated pseudonyms in two tenders, so an opening record of one tender links nothing in another.
    /// </summary>
    public string ScopedPseudonym(string scope, string kind, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(scope);
        ArgumentException.ThrowIfNullOrEmpty(kind);
        ArgumentNullException.ThrowIfNull(value);
        return Mac(kind, "trading/scoped-pseudonym/v1\0" + scope.Normalize(NormalizationForm.FormC) + "\0" + kind + "\0" + value.Normalize(NormalizationForm.FormC));
    }

    /// <summary><c>kind:</c> + the first 16 bytes of HMAC-SHA256 under the key, in hex.</summary>
    private string Mac(string kind, string message) =>
        kind + ":" + Convert.ToHexStringLower(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(message)).AsSpan(0, 16));
}
