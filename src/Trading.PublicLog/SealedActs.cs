using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Trading.PublicLog;

/// <summary>
/// Sealed entries: what a firm does on a tender before its deadline (documents obtained, bids submitted, withdrawn or
/// refused) must not tell an outsider who acted, on which tender, or how many acted (Bidding Law art. 22). Such an act
/// is logged as a <c>sealed.act</c> entry that carries only a hiding, binding commitment to the full entry
/// (the "inner" entry, the ordinary entry format with its tender and per-tender pseudonyms):
/// <c>commitment = SHA-256("trading/sealed-act/v1" 0x00 || nonce || inner canonical bytes)</c> with a fresh random
/// 32-byte nonce kept on the server. No tender, no firm, and a time rounded down to the padding window, so a sealed
/// entry looks like every other sealed entry of its window, and like a cover entry (32 random bytes).
/// At the tender's deadline a <c>sealed.reveal</c> entry opens every sealed act of that tender (index, nonce, inner
/// entry); from then on anyone can check each commitment (<see cref="RevealChecker"/>, run by <see cref="LogVerifier"/>).
/// docs/public-log.md, "What the log reveals, and when", says what stays hidden and what does not.
/// </summary>
public static class SealedActs
{
    /// <summary>The public form of a sealed act (and of a cover entry).</summary>
    public const string ActType = "sealed.act";
    /// <summary>Opens every sealed act of one tender, at its deadline.</summary>
    public const string RevealType = "sealed.reveal";
    /// <summary>Nonce length in bytes.</summary>
    public const int NonceLength = 32;

    private static readonly byte[] Domain = Encoding.ASCII.GetBytes("trading/sealed-act/v1\0");

    /// <summary>SHA-256("trading/sealed-act/v1" 0x00 || nonce || inner entry bytes).</summary>
    public static byte[] Commitment(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> innerEntry)
    {
        if (nonce.Length != NonceLength)
        {
            throw new LogFormatException("sealed.bad-nonce", Args.Of(("length", nonce.Length)));
        }
        using var h = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        h.AppendData(Domain);
        h.AppendData(nonce);
        h.AppendData(innerEntry);
        return h.GetHashAndReset();
    }

    /// <summary>A fresh random nonce.</summary>
    public static byte[] NewNonce() => RandomNumberGenerator.GetBytes(NonceLength);

    /// <summary>The start of the padding window that contains <paramref name="time"/> (windows start at the Unix epoch).</summary>
    public static DateTimeOffset WindowStart(DateTimeOffset time, TimeSpan window)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(window, TimeSpan.Zero);
        var ticks = time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        return new DateTimeOffset(time.UtcTicks - ticks % window.Ticks, TimeSpan.Zero);
    }

    /// <summary>
    /// The commitment a well-formed sealed act carries (no tender, only a 64-hex-digit lower-case "commitment"), or null
    /// when <paramref name="entry"/> is not one: the one reading of an act that receipts and the verifier share.
    /// </summary>
    public static byte[]? CommitmentOf(LogEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return entry.Type == ActType && entry.Tender is null && entry.Data.Count == 1 && entry.Data["commitment"] is JsonValue v
            && v.TryGetValue<string>(out var hex) && hex.Length == 64 && hex.All(char.IsAsciiHexDigitLower)
            ? Convert.FromHexString(hex) : null;
    }

    /// <summary>Whether <paramref name="nonce"/> and <paramref name="innerEntry"/> open <paramref name="commitment"/>.</summary>
    public static bool Opens(ReadOnlySpan<byte> commitment, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> innerEntry) =>
        MerkleHash.Equal(Commitment(nonce, innerEntry), commitment);

    /// <summary>The public sealed entry: commitment only, no tender, the window's start as its time.</summary>
    public static LogEntry Act(DateTimeOffset windowStart, ReadOnlySpan<byte> commitment) =>
        new(ActType, 1, windowStart, null, new JsonObject { ["commitment"] = Convert.ToHexStringLower(commitment) });

    /// <summary>A cover entry: indistinguishable from <see cref="Act"/> without the nonce (it commits to nothing).</summary>
    public static LogEntry Cover(DateTimeOffset windowStart) => Act(windowStart, RandomNumberGenerator.GetBytes(32));

    /// <summary>One opening in a reveal: the sealed entry's index, its nonce and the inner entry.</summary>
    public sealed record Opening(long Index, byte[] Nonce, byte[] Entry);

    /// <summary>The data of a <c>sealed.reveal</c> entry: <c>{"acts":[{"entry":"…","index":N,"nonce":"hex"}],"count":n}</c>, acts in index order.</summary>
    public static JsonObject RevealData(IEnumerable<Opening> openings)
    {
        var acts = new JsonArray();
        var count = 0;
        foreach (var o in openings.OrderBy(o => o.Index))
        {
            acts.Add(new JsonObject
            {
                ["index"] = o.Index,
                ["nonce"] = Convert.ToHexStringLower(o.Nonce),
                ["entry"] = Encoding.UTF8.GetString(o.Entry),
            });
            count++;
        }
        return new JsonObject { ["count"] = count, ["acts"] = acts };
    }

    /// <summary>
    /// Checks sealed entries and reveals while a verifier streams the log in index order: every opening must name an
    /// earlier <c>sealed.act</c> entry not opened before, its nonce and inner entry must give that entry's commitment,
    /// and the inner entry must be a well-formed entry of the reveal's tender (never itself sealed).
    /// Memory: 32 bytes per sealed entry not yet opened.
    /// </summary>
    public sealed class RevealChecker
    {
        private readonly Dictionary<long, byte[]> _unopened = [];

        /// <summary>Sealed entries seen.</summary>
        public long Sealed { get; private set; }
        /// <summary>Sealed entries opened by a reveal.</summary>
        public long Opened { get; private set; }
        /// <summary>Reveal entries checked.</summary>
        public long Reveals { get; private set; }

        private static ReadOnlySpan<byte> SealedMarker => "\"type\":\"sealed."u8;

        /// <summary>Whether <see cref="Observe"/> could do anything with the entry (false for most: one vectorised search).</summary>
        internal static bool MayConcern(ReadOnlySpan<byte> entryBytes) => entryBytes.IndexOf(SealedMarker) >= 0;

        /// <summary>Looks at entry <paramref name="index"/>; throws <see cref="LogVerificationException"/> on a bad reveal.</summary>
        public void Observe(long index, ReadOnlySpan<byte> entryBytes)
        {
            // Canonical entries put "type" at the top level after data/tender/time; the marker can only also occur as a
            // key inside data, so a hit is parsed properly and most entries cost one vectorised search.
            if (entryBytes.IndexOf(SealedMarker) < 0)
            {
                return;
            }
            LogEntry entry;
            try
            {
                entry = LogEntry.Parse(entryBytes);
            }
            catch (PublicLogException)
            {
                return; // the format check names it; a sealed check of an unreadable entry adds nothing
            }
            if (entry.Type == ActType)
            {
                _unopened[index] = CommitmentOf(entry) ?? throw Bad("sealed.act-malformed", index);
                Sealed++;
            }
            else if (entry.Type == RevealType)
            {
                CheckReveal(index, entry);
                Reveals++;
            }
        }

        private void CheckReveal(long index, LogEntry reveal)
        {
            if (reveal.Tender is null || reveal.Data["acts"] is not JsonArray acts || reveal.Data["count"] is not JsonValue c
                || !c.TryGetValue<long>(out var count) || count != acts.Count)
            {
                throw Bad("sealed.reveal-malformed", index);
            }
            foreach (var node in acts)
            {
                if (node is not JsonObject a || a["index"] is not JsonValue iv || !iv.TryGetValue<long>(out var at)
                    || a["nonce"] is not JsonValue nv || !nv.TryGetValue<string>(out var nonceHex) || nonceHex.Length != 2 * NonceLength
                    || !nonceHex.All(char.IsAsciiHexDigitLower) || a["entry"] is not JsonValue ev || !ev.TryGetValue<string>(out var inner))
                {
                    throw Bad("sealed.reveal-malformed", index);
                }
                if (at >= index || !_unopened.Remove(at, out var commitment))
                {
                    throw new LogVerificationException("sealed.not-sealed", Args.Of(("index", index), ("act", at)));
                }
                var innerBytes = Encoding.UTF8.GetBytes(inner);
                if (!Opens(commitment, Convert.FromHexString(nonceHex), innerBytes))
                {
                    throw new LogVerificationException("sealed.commitment-mismatch", Args.Of(("index", index), ("act", at)));
                }
                LogEntry opened;
                try
                {
                    opened = LogEntry.Parse(innerBytes);
                }
                catch (PublicLogException e)
                {
                    throw new LogVerificationException("sealed.inner-invalid", Args.Of(("index", index), ("act", at), ("reason", e.Message)), e);
                }
                if (opened.Tender != reveal.Tender || opened.Type.StartsWith("sealed.", StringComparison.Ordinal))
                {
                    throw new LogVerificationException("sealed.inner-invalid", Args.Of(("index", index), ("act", at),
                        ("reason", string.Create(CultureInfo.InvariantCulture, $"{opened.Type} of tender {opened.Tender ?? "(none)"}"))));
                }
                Opened++;
            }
        }

        private static LogVerificationException Bad(string code, long index) => new(code, Args.Of(("index", index)));
    }
}
