using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Trading.ExpertPool;

/// <summary>
/// Feeds length-prefixed fields into a hash so that no two different inputs share an encoding:
/// each string or byte field is its length as a 4-byte big-endian integer followed by its bytes
/// (strings in UTF-8). Hashing a binary encoding instead of JSON keeps the verifier
/// re-implementable in any language without a canonical-JSON library.
/// </summary>
internal sealed class CanonicalHasher : IDisposable
{
    // Fields are gathered in a buffer and handed to the hash in large pieces: each AppendData is a
    // native call, and the eligible list has tens of thousands of tiny fields.
    private const int BufferSize = 8192;
    private readonly IncrementalHash _hash;
    private readonly byte[] _buffer = new byte[BufferSize];
    private int _length;

    private CanonicalHasher(IncrementalHash hash) => _hash = hash;

    public static CanonicalHasher Sha256() => new(IncrementalHash.CreateHash(HashAlgorithmName.SHA256));

    public static CanonicalHasher HmacSha256(byte[] key) => new(IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key));

    public CanonicalHasher Bytes(ReadOnlySpan<byte> value)
    {
        U32((uint)value.Length);
        Raw(value);
        return this;
    }

    public CanonicalHasher Str(string value)
    {
        var max = Encoding.UTF8.GetMaxByteCount(value.Length);
        if (max + 4 <= BufferSize - _length)
        {
            // Encode straight into the buffer behind a length placeholder.
            var n = Encoding.UTF8.GetBytes(value, _buffer.AsSpan(_length + 4));
            BinaryPrimitives.WriteUInt32BigEndian(_buffer.AsSpan(_length), (uint)n);
            _length += 4 + n;
            return this;
        }
        return Bytes(Encoding.UTF8.GetBytes(value));
    }

    public CanonicalHasher U32(uint value)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(b, value);
        Raw(b);
        return this;
    }

    public CanonicalHasher U64(ulong value)
    {
        Span<byte> b = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(b, value);
        Raw(b);
        return this;
    }

    public CanonicalHasher Flag(bool value)
    {
        Span<byte> b = [value ? (byte)1 : (byte)0];
        Raw(b);
        return this;
    }

    public CanonicalHasher Date(DateOnly value) => Str(value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));

    public byte[] Finish()
    {
        Flush();
        return _hash.GetHashAndReset();
    }

    public int Finish(Span<byte> destination)
    {
        Flush();
        return _hash.GetHashAndReset(destination);
    }

    public void Dispose() => _hash.Dispose();

    private void Raw(ReadOnlySpan<byte> data)
    {
        if (data.Length > BufferSize - _length)
        {
            Flush();
            if (data.Length > BufferSize)
            {
                _hash.AppendData(data);
                return;
            }
        }
        data.CopyTo(_buffer.AsSpan(_length));
        _length += data.Length;
    }

    private void Flush()
    {
        if (_length > 0)
        {
            _hash.AppendData(_buffer, 0, _length);
            _length = 0;
        }
    }
}

/// <summary>The fixed names and hash formulas of draw algorithm "trading/draw/v1" (see docs/expert-draw.md).</summary>
public static class DrawAlgorithm
{
    /// <summary>Algorithm name and version, part of every record and of the seed.</summary>
    public const string Name = "trading/draw/v1";
    /// <summary>Record format name.</summary>
    public const string RecordFormat = "trading/expert-draw-record/v1";
    /// <summary>The three offices, in the fixed order their reveals enter the seed.</summary>
    public static IReadOnlyList<string> Offices { get; } = ["supervision", "centre", "owner"];
    /// <summary>Smallest revealed value, in bytes: less could be guessed from its commitment.</summary>
    public const int MinRevealBytes = 16;
    /// <summary>Smallest beacon value, in bytes.</summary>
    public const int MinBeaconBytes = 16;
    /// <summary>Smallest pseudonym key, in bytes.</summary>
    public const int MinKeyBytes = 32;

    internal const string PseudonymDomain = "trading/draw/pseudonym/v1";
    internal const string BiddersDomain = "trading/draw/bidders/v1";
    internal const string RequestDomain = "trading/draw/request/v1";
    internal const string ListDomain = "trading/draw/list/v1";
    internal const string CommitDomain = "trading/draw/commit/v1";

    /// <summary>Commitment = SHA-256(enc(domain) || enc(draw id) || enc(office) || enc(value)), lowercase hex.</summary>
    public static string Commitment(string drawId, string office, ReadOnlySpan<byte> value)
    {
        using var h = CanonicalHasher.Sha256();
        return Convert.ToHexStringLower(h.Str(CommitDomain).Str(drawId).Str(office).Bytes(value).Finish());
    }

    /// <summary>
    /// Seed = SHA-256(enc("trading/draw/v1") || enc(draw id) || enc(list hash) || enc(request hash)
    /// || for each office in fixed order: enc(office) || present flag || [enc(value)]
    /// || beacon flag || [enc(round) || enc(value)]).
    /// </summary>
    public static byte[] Seed(string drawId, ReadOnlySpan<byte> listHash, ReadOnlySpan<byte> requestHash,
        IReadOnlyDictionary<string, byte[]> reveals, string? beaconRound, byte[]? beaconValue)
    {
        ArgumentNullException.ThrowIfNull(reveals);
        using var h = CanonicalHasher.Sha256();
        h.Str(Name).Str(drawId).Bytes(listHash).Bytes(requestHash);
        foreach (var office in Offices)
        {
            h.Str(office);
            if (reveals.TryGetValue(office, out var v))
            {
                h.Flag(true).Bytes(v);
            }
            else
            {
                h.Flag(false);
            }
        }
        if (beaconRound is not null && beaconValue is not null)
        {
            h.Flag(true).Str(beaconRound).Bytes(beaconValue);
        }
        else
        {
            h.Flag(false);
        }
        return h.Finish();
    }

    /// <summary>SHA-256 over the public request fields in fixed order (see docs/expert-draw.md).</summary>
    public static byte[] RequestHash(PublicRequest r)
    {
        ArgumentNullException.ThrowIfNull(r);
        using var h = CanonicalHasher.Sha256();
        h.Str(RequestDomain).Str(r.DrawId).Str(r.TenderId).Str(r.LotId).Str(r.OwnerId).Str(r.BiddersDigest)
            .Date(r.EvaluationDate).Str(r.EvaluationPlace)
            .U32((uint)r.CommitteeSize).U32((uint)r.OwnerRepresentativeSeats);
        var rules = r.Rules;
        h.U32((uint)rules.MinYearsOfExperience).Str(EnumName(rules.MinTitle)).U32((uint)rules.RetirementAge)
            .U32((uint)rules.FormerEmployerWindowYears).U32((uint)rules.OwnerCooldownDays).U32((uint)rules.MinCommitteeSize);
        h.U32((uint)r.Strata.Count);
        foreach (var s in r.Strata)
        {
            h.Str(s.Id).Str(EnumName(s.Kind)).U32((uint)s.Count).U32((uint)s.Specialties.Count);
            foreach (var p in s.Specialties)
            {
                h.Str(p);
            }
            if (s.Region is null)
            {
                h.Flag(false);
            }
            else
            {
                h.Flag(true).Str(EnumName(s.Region.Mode)).U32((uint)s.Region.Regions.Count);
                foreach (var reg in s.Region.Regions)
                {
                    h.Str(reg);
                }
            }
        }
        h.U32((uint)r.DeclineReasons.Count);
        foreach (var d in r.DeclineReasons)
        {
            h.Str(d);
        }
        if (r.BeaconRound is null)
        {
            h.Flag(false);
        }
        else
        {
            h.Flag(true).Str(r.BeaconRound);
        }
        return h.Finish();
    }

    /// <summary>List hash = SHA-256(enc(domain) || enc(draw id) || u32 count || per entry: enc(pseudonym bytes) || u32 n || enc(stratum id)...).</summary>
    public static byte[] ListHash(string drawId, IReadOnlyList<EligibleEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        using var h = CanonicalHasher.Sha256();
        h.Str(ListDomain).Str(drawId).U32((uint)entries.Count);
        Span<byte> p = stackalloc byte[32];
        foreach (var e in entries)
        {
            if (!Convert.FromHexString(e.Pseudonym, p, out _, out var written).Equals(System.Buffers.OperationStatus.Done) || written != 32)
            {
                throw new FormatException($"Pseudonym '{e.Pseudonym}' is not 64 hex digits.");
            }
            var es = e.Strata;
            h.Bytes(p).U32((uint)es.Count);
            for (var k = 0; k < es.Count; k++)
            {
                h.Str(es[k]);
            }
        }
        return h.Finish();
    }

    /// <summary>Digest of the owner-side and bidder parties, keyed so the small set of likely bidders cannot be guessed from it.</summary>
    public static string BiddersDigest(byte[] pseudonymKey, string drawId, IEnumerable<string> bidderIds)
    {
        ArgumentNullException.ThrowIfNull(bidderIds);
        CheckKey(pseudonymKey);
        var sorted = bidderIds.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        using var h = CanonicalHasher.HmacSha256(pseudonymKey);
        h.Str(BiddersDomain).Str(drawId).U32((uint)sorted.Count);
        foreach (var b in sorted)
        {
            h.Str(b);
        }
        return Convert.ToHexStringLower(h.Finish());
    }

    /// <summary>
    /// Pseudonym of an expert in one draw: HMAC-SHA256(key, enc(domain) || enc(draw id) || enc(expert id)), hex.
    /// Per-draw pseudonyms keep the public from linking an expert across draws; auditors holding the key can open them.
    /// </summary>
    public static string Pseudonym(byte[] pseudonymKey, string drawId, string expertId)
    {
        CheckKey(pseudonymKey);
        using var h = CanonicalHasher.HmacSha256(pseudonymKey);
        return Convert.ToHexStringLower(h.Str(PseudonymDomain).Str(drawId).Str(expertId).Finish());
    }

    /// <summary>An enum value as written in the record JSON and hashed: its name in camelCase.</summary>
    internal static string EnumName<T>(T value) where T : struct, Enum => EnumNames<T>.Of(value);

    private static class EnumNames<T> where T : struct, Enum
    {
        private static readonly Dictionary<T, string> Names = Enum.GetValues<T>().ToDictionary(v => v, v => System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(v.ToString()));

        public static string Of(T value) => Names.TryGetValue(value, out var n) ? n : System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(value.ToString());
    }

    internal static void CheckKey(byte[] key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length < MinKeyBytes)
        {
            throw new DrawRequestInvalidException(Reason.Of(ReasonCodes.PseudonymKeyTooShort, ("bytes", key.Length), ("min", MinKeyBytes)));
        }
    }
}
