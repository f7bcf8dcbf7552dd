using System.Buffers;
using System.Numerics;
using System.Security.Cryptography;

namespace Trading.PublicLog;

/// <summary>Address of a stored tree node: the perfect subtree of 2^Level leaves starting at leaf Index * 2^Level.</summary>
public readonly record struct NodeAddress(int Level, long Index)
{
    /// <summary>First leaf the node covers.</summary>
    public long FirstLeaf => Index << Level;
}

/// <summary>A tree node to store, with its hash.</summary>
public readonly record struct StoredNode(NodeAddress Address, byte[] Hash);

/// <summary>RFC 9162 section 2.1.1 hashing: leaves and interior nodes are domain-separated by a prefix byte.</summary>
public static class MerkleHash
{
    /// <summary>Size of every hash in the log (SHA-256).</summary>
    public const int Size = 32;

    /// <summary>Root of the empty tree: SHA-256 of the empty string.</summary>
    public static byte[] EmptyRoot() => SHA256.HashData([]);

    /// <summary>Leaf hash: SHA-256(0x00 || entry).</summary>
    public static byte[] Leaf(ReadOnlySpan<byte> entry)
    {
        var hash = new byte[Size];
        Leaf(entry, hash);
        return hash;
    }

    /// <summary>Leaf hash written into <paramref name="destination"/> (32 bytes).</summary>
    public static void Leaf(ReadOnlySpan<byte> entry, Span<byte> destination)
    {
        // One-shot hashing over a prefixed copy: creating an IncrementalHash per leaf costs more
        // than hashing a typical few-hundred-byte entry, and full-log verification hashes millions.
        if (entry.Length < 1024)
        {
            Span<byte> buffer = stackalloc byte[entry.Length + 1];
            buffer[0] = 0x00;
            entry.CopyTo(buffer[1..]);
            SHA256.HashData(buffer, destination);
            return;
        }
        var rented = ArrayPool<byte>.Shared.Rent(entry.Length + 1);
        try
        {
            rented[0] = 0x00;
            entry.CopyTo(rented.AsSpan(1));
            SHA256.HashData(rented.AsSpan(0, entry.Length + 1), destination);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Interior node hash: SHA-256(0x01 || left || right).</summary>
    public static byte[] Node(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right)
    {
        var hash = new byte[Size];
        Node(left, right, hash);
        return hash;
    }

    /// <summary>Interior node hash written into <paramref name="destination"/>.</summary>
    public static void Node(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right, Span<byte> destination)
    {
        Span<byte> buffer = stackalloc byte[1 + 2 * Size];
        buffer[0] = 0x01;
        left.CopyTo(buffer[1..]);
        right.CopyTo(buffer[(1 + Size)..]);
        SHA256.HashData(buffer, destination);
    }

    /// <summary>
    /// The perfect subtrees (largest first) whose RFC 9162 combination is MTH(D[start:end]),
    /// for a range whose start is aligned to the largest power of two not above its length,
    /// which holds for every subtree the RFC 9162 proof algorithms ask for.
    /// </summary>
    public static List<NodeAddress> Decompose(long start, long end)
    {
        var result = new List<NodeAddress>();
        while (start < end)
        {
            long length = end - start;
            int level = 63 - BitOperations.LeadingZeroCount((ulong)length);
            // Shrink until aligned: keeps the function total even for unaligned starts.
            while (level > 0 && (start & ((1L << level) - 1)) != 0)
            {
                level--;
            }
            result.Add(new NodeAddress(level, start >> level));
            start += 1L << level;
        }
        return result;
    }

    /// <summary>Folds perfect-subtree hashes (largest first, left to right) into one RFC 9162 subtree hash.</summary>
    public static byte[] FoldRight(IReadOnlyList<byte[]> hashes)
    {
        if (hashes.Count == 0)
        {
            return EmptyRoot();
        }
        var acc = hashes[^1];
        for (int i = hashes.Count - 2; i >= 0; i--)
        {
            acc = Node(hashes[i], acc);
        }
        return acc;
    }

    /// <summary>Largest power of two strictly less than <paramref name="n"/> (n &gt; 1), the RFC 9162 split point.</summary>
    public static long SplitPoint(long n) => 1L << (63 - BitOperations.LeadingZeroCount((ulong)(n - 1)));

    /// <summary>
    /// MTH over a list of leaf hashes, straight from the RFC 9162 recursive definition.
    /// Used for small trees and as the reference the fast paths are tested against.
    /// </summary>
    public static byte[] RootOfLeafHashes(IReadOnlyList<byte[]> leafHashes)
    {
        var range = new CompactRange();
        foreach (var leaf in leafHashes)
        {
            range.Append(leaf);
        }
        return range.Root();
    }

    /// <summary>Constant-time comparison of two hashes.</summary>
    public static bool Equal(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b) => CryptographicOperations.FixedTimeEquals(a, b);
}

/// <summary>
/// RFC 9162 leaf and node hashes through one SHA-256 context reused for every hash: the one-shot calls of
/// <see cref="MerkleHash"/> set a context up and free it each time, about a tenth of a small entry's hashing cost,
/// which a verifier hashing a million leaves and a million nodes in a row need not pay. One per thread.
/// </summary>
public sealed class MerkleHasher : IDisposable
{
    // The platform's OpenSSL called directly where it can be (OpenSslSha256 says why), else .NET's IncrementalHash.
    private readonly OpenSslSha256? _direct = OpenSslSha256.Create();
    private readonly IncrementalHash? _sha;

    /// <summary>A hasher; one per thread.</summary>
    public MerkleHasher()
    {
        if (_direct is null)
        {
            _sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        }
    }

    /// <summary>SHA-256(0x00 || entry) into <paramref name="destination"/> (32 bytes).</summary>
    public void Leaf(ReadOnlySpan<byte> entry, Span<byte> destination) => Hash([0x00], entry, destination);

    /// <summary>
    /// SHA-256 of <paramref name="prefixedEntry"/>, which already starts with the leaf prefix 0x00: a verifier that
    /// unescapes each entry into a buffer after that byte hashes it with one call into the library instead of two.
    /// </summary>
    internal void LeafOfPrefixed(ReadOnlySpan<byte> prefixedEntry, Span<byte> destination) => Hash(prefixedEntry, [], destination);

    /// <summary>SHA-256(0x01 || left || right); <paramref name="destination"/> may be either input.</summary>
    public void Node(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right, Span<byte> destination)
    {
        Span<byte> buffer = stackalloc byte[1 + 2 * MerkleHash.Size];
        buffer[0] = 0x01;
        left.CopyTo(buffer[1..]);
        right.CopyTo(buffer[(1 + MerkleHash.Size)..]);
        Hash(buffer, [], destination);
    }

    private void Hash(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, Span<byte> destination)
    {
        if (_direct is not null)
        {
            _direct.Hash(a, b, destination);
            return;
        }

        _sha!.AppendData(a);
        if (!b.IsEmpty)
        {
            _sha.AppendData(b);
        }

        _sha.GetHashAndReset(destination);
    }

    /// <summary>Frees the context.</summary>
    public void Dispose()
    {
        _direct?.Dispose();
        _sha?.Dispose();
    }
}

/// <summary>
/// The right edge of a growing tree: at most one perfect subtree per level, so roots of a log of any
/// length stream in O(log n) memory. Used by the full-log verifier and for batch roots.
/// </summary>
/// <param name="hasher">A reused hashing context for many appends in a row (the verifier's), or none.</param>
public sealed class CompactRange(MerkleHasher? hasher = null)
{
    // Level l holds a perfect subtree exactly when bit l of Size is set: the range is a binary counter.
    private readonly byte[] _levels = new byte[64 * MerkleHash.Size];

    /// <summary>Number of leaves appended.</summary>
    public long Size { get; private set; }

    /// <summary>Appends one leaf hash (32 bytes).</summary>
    public void Append(ReadOnlySpan<byte> leafHash)
    {
        if (leafHash.Length != MerkleHash.Size)
        {
            throw new LogFormatException("hash.wrong-length", Args.Of(("expected", MerkleHash.Size), ("actual", leafHash.Length)));
        }
        Span<byte> hash = stackalloc byte[MerkleHash.Size];
        leafHash.CopyTo(hash);
        int level = 0;
        while (((Size >> level) & 1) == 1)
        {
            if (hasher is null)
            {
                MerkleHash.Node(Slot(level), hash, hash);
            }
            else
            {
                hasher.Node(Slot(level), hash, hash);
            }
            level++;
        }
        hash.CopyTo(Slot(level));
        Size++;
    }

    /// <summary>
    /// Appends the hash of a whole perfect subtree of 2^<paramref name="level"/> leaves, as that many <see cref="Append"/>
    /// calls would: the verifier's workers hash aligned blocks of leaves into their subtrees, and the thread that keeps
    /// the order then adds one hash per block. The size must be a multiple of the subtree's leaves.
    /// </summary>
    internal void AppendSubtree(int level, ReadOnlySpan<byte> subtreeHash)
    {
        if ((Size & ((1L << level) - 1)) != 0 || subtreeHash.Length != MerkleHash.Size)
        {
            throw new InvalidOperationException("a subtree must start at a multiple of its size");
        }
        Span<byte> hash = stackalloc byte[MerkleHash.Size];
        subtreeHash.CopyTo(hash);
        int l = level;
        while (((Size >> l) & 1) == 1)
        {
            if (hasher is null)
            {
                MerkleHash.Node(Slot(l), hash, hash);
            }
            else
            {
                hasher.Node(Slot(l), hash, hash);
            }
            l++;
        }
        hash.CopyTo(Slot(l));
        Size += 1L << level;
    }

    private Span<byte> Slot(int level) => _levels.AsSpan(level * MerkleHash.Size, MerkleHash.Size);

    /// <summary>RFC 9162 root of everything appended so far.</summary>
    public byte[] Root()
    {
        if (Size == 0)
        {
            return MerkleHash.EmptyRoot();
        }
        byte[]? acc = null;
        for (int level = 0; level < 63; level++)
        {
            if (((Size >> level) & 1) == 0)
            {
                continue;
            }
            acc = acc is null ? Slot(level).ToArray() : MerkleHash.Node(Slot(level), acc);
        }
        return acc!;
    }
}
