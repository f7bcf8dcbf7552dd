using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Trading.ExpertPool;

/// <summary>
/// The deterministic part of the draw: a counter-mode HMAC stream per stratum, exact uniform
/// integers by rejection sampling, a forward Fisher-Yates permutation, and the selection rule.
/// </summary>
public static class DrawOrdering
{
    /// <summary>
    /// Uniform words from block i = HMAC-SHA256(seed, enc(stratum id) || u64be(i)), i = 0, 1, ...;
    /// each 32-byte block gives four 64-bit big-endian words, used in order.
    /// </summary>
    internal sealed class Stream : IDisposable
    {
        private readonly IncrementalHash _hmac;
        private readonly byte[] _message;
        private readonly byte[] _block = new byte[32];
        private ulong _next;
        private int _used = 4;

        public Stream(byte[] seed, string stratumId)
        {
            _hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, seed);
            var id = Encoding.UTF8.GetBytes(stratumId);
            // enc(stratum id) followed by the 8-byte counter, rewritten in place for each block.
            _message = new byte[4 + id.Length + 8];
            BinaryPrimitives.WriteUInt32BigEndian(_message, (uint)id.Length);
            id.CopyTo(_message, 4);
        }

        public ulong NextWord()
        {
            if (_used == 4)
            {
                BinaryPrimitives.WriteUInt64BigEndian(_message.AsSpan(_message.Length - 8), _next++);
                _hmac.AppendData(_message);
                _hmac.GetHashAndReset(_block);
                _used = 0;
            }
            return BinaryPrimitives.ReadUInt64BigEndian(_block.AsSpan(8 * _used++, 8));
        }

        /// <summary>
        /// A uniform integer in [0, bound): words at or above the largest multiple of bound
        /// below 2^64 are rejected, so every result is exactly equally likely.
        /// </summary>
        public int Below(int bound)
        {
            var b = (ulong)bound;
            // 2^64 mod b, computed without 128-bit arithmetic.
            var rem = (ulong.MaxValue % b + 1) % b;
            while (true)
            {
                var x = NextWord();
                if (rem == 0 || x < 0UL - rem)
                {
                    return (int)(x % b);
                }
            }
        }

        public void Dispose() => _hmac.Dispose();
    }

    /// <summary>
    /// A permutation of 0..n-1 for one stratum: forward Fisher-Yates, for i = 0..n-2 swap
    /// position i with i + uniform(n - i). The result's position 0 is drawn first.
    /// </summary>
    public static int[] Permutation(byte[] seed, string stratumId, int n)
    {
        ArgumentNullException.ThrowIfNull(seed);
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        var a = new int[n];
        for (var i = 0; i < n; i++)
        {
            a[i] = i;
        }
        using var s = new Stream(seed, stratumId);
        for (var i = 0; i < n - 1; i++)
        {
            var j = i + s.Below(n - i);
            (a[i], a[j]) = (a[j], a[i]);
        }
        return a;
    }

    /// <summary>
    /// Orders every stratum and selects: strata in ordinal id order, each takes the first
    /// <c>Count</c> of its permutation not already taken by an earlier stratum.
    /// </summary>
    /// <param name="seed">The 32-byte seed.</param>
    /// <param name="strata">Strata in any order; they are processed in ordinal id order.</param>
    /// <param name="entries">The eligible list in canonical order.</param>
    /// <returns>Per stratum: the order (indices into <paramref name="entries"/>) and the selected indices.</returns>
    public static IReadOnlyList<StratumOutcome> Draw(byte[] seed, IReadOnlyList<StratumQuota> strata, IReadOnlyList<EligibleEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(strata);
        ArgumentNullException.ThrowIfNull(entries);
        var members = StratumMembers(strata, entries);
        var taken = new HashSet<int>();
        var outcomes = new List<StratumOutcome>(strata.Count);
        foreach (var s in strata.OrderBy(s => s.Id, StringComparer.Ordinal))
        {
            var list = members[s.Id];
            var perm = Permutation(seed, s.Id, list.Count);
            var order = new int[list.Count];
            for (var i = 0; i < order.Length; i++)
            {
                order[i] = list[perm[i]];
            }
            var selected = new List<int>(s.Count);
            foreach (var idx in order)
            {
                if (selected.Count == s.Count)
                {
                    break;
                }
                if (taken.Add(idx))
                {
                    selected.Add(idx);
                }
            }
            outcomes.Add(new StratumOutcome(s.Id, order, selected));
        }
        return outcomes;
    }

    /// <summary>Each stratum's eligible entries (indices into the canonical list, ascending).</summary>
    internal static Dictionary<string, List<int>> StratumMembers(IReadOnlyList<StratumQuota> strata, IReadOnlyList<EligibleEntry> entries)
    {
        var index = new StratumIndex(strata.Select(s => s.Id));
        var lists = new List<int>[index.Count];
        for (var p = 0; p < lists.Length; p++)
        {
            lists[p] = [];
        }
        for (var i = 0; i < entries.Count; i++)
        {
            var es = entries[i].Strata;
            for (var k = 0; k < es.Count; k++)
            {
                var p = index.IndexOf(es[k]);
                if (p >= 0)
                {
                    lists[p].Add(i);
                }
            }
        }
        var members = new Dictionary<string, List<int>>(lists.Length, StringComparer.Ordinal);
        for (var p = 0; p < lists.Length; p++)
        {
            members[index[p]] = lists[p];
        }
        return members;
    }
}

/// <summary>
/// Position of a stratum id among a request's few strata. Every entry of the eligible list names
/// its strata, so this runs tens of thousands of times per draw: a linear scan that tries
/// reference equality first (entries made by screening share the request's id strings) beats
/// hashing the id each time.
/// </summary>
internal sealed class StratumIndex
{
    private readonly string[] _ids;

    public StratumIndex(IEnumerable<string> ids)
    {
        _ids = ids.ToArray();
        if (_ids.Distinct(StringComparer.Ordinal).Count() != _ids.Length)
        {
            throw new ArgumentException("A stratum id is named twice.", nameof(ids));
        }
    }

    public int Count => _ids.Length;

    public string this[int position] => _ids[position];

    /// <summary>The position of <paramref name="id"/> (the first, if named twice), or -1.</summary>
    public int IndexOf(string id)
    {
        var ids = _ids;
        for (var i = 0; i < ids.Length; i++)
        {
            if (ReferenceEquals(ids[i], id))
            {
                return i;
            }
        }
        for (var i = 0; i < ids.Length; i++)
        {
            if (string.Equals(ids[i], id, StringComparison.Ordinal))
            {
                return i;
            }
        }
        return -1;
    }
}

/// <summary>The ordering and selection of one stratum, as indices into the canonical eligible list.</summary>
/// <param name="Stratum">Stratum id.</param>
/// <param name="Order">The full permutation of the stratum's eligible experts; after the selected ones, the reserve order.</param>
/// <param name="Selected">The selected experts, in draw order.</param>
public sealed record StratumOutcome(string Stratum, IReadOnlyList<int> Order, IReadOnlyList<int> Selected);
