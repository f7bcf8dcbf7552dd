using System.Security.Cryptography;

namespace Trading.Web.Tests.Infrastructure;

/// <summary>RFC 6238 TOTP (SHA-1, 30 s, 6 digits), as an authenticator app computes it: independent of Identity's code.</summary>
public static class Totp
{
    // Identity checks codes against the system clock, not the injected TimeProvider, so codes use real time.
    public static string Code(string base32Key, DateTimeOffset now)
    {
        var key = Base32(base32Key);
        var counter = now.ToUnixTimeSeconds() / 30;
        var msg = BitConverter.GetBytes(counter);
        if (BitConverter.IsLittleEndian) Array.Reverse(msg);
#pragma warning disable CA5350 // RFC 6238's default, which every authenticator app uses
        var h = HMACSHA1.HashData(key, msg);
#pragma warning restore CA5350
        var o = h[^1] & 0x0f;
        var bin = ((h[o] & 0x7f) << 24) | (h[o + 1] << 16) | (h[o + 2] << 8) | h[o + 3];
        return (bin % 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
    }

    private static readonly Dictionary<string, long> LastStep = [];

    /// <summary>
    /// A code the server has not seen yet for this key: codes are one-time, so two uses within one 30-second step need
    /// the next step's code (accepted one step ahead for phone clock drift); a third waits for the clock.
    /// </summary>
    public static string FreshCode(string base32Key)
    {
        while (true)
        {
            var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 30;
            long step;
            lock (LastStep)
            {
                step = Math.Max(now, LastStep.GetValueOrDefault(base32Key, -1) + 1);
                if (step <= now + 1)
                {
                    LastStep[base32Key] = step;
                    return Code(base32Key, DateTimeOffset.FromUnixTimeSeconds(step * 30));
                }
            }
            Thread.Sleep(1000);
        }
    }

    private static byte[] Base32(string s)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var bits = 0; var value = 0; var output = new List<byte>();
        foreach (var ch in s.TrimEnd('=').ToUpperInvariant())
        {
            value = (value << 5) | alphabet.IndexOf(ch, StringComparison.Ordinal);
            bits += 5;
            if (bits >= 8) { output.Add((byte)(value >> (bits - 8))); bits -= 8; }
        }
        return output.ToArray();
    }
}
