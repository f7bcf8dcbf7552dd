namespace Trading.PublicLog;

/// <summary>
/// The append-only Merkle log over an <see cref="ILogStore"/>. Roots and proofs are assembled from
/// stored perfect-subtree nodes (O(log n) reads, one batched call), never recomputed from entries.
/// Callers serialise appends (the web app holds a row lock or advisory lock for the transaction).
/// </summary>
public sealed class MerkleLog(ILogStore store)
{
    /// <summary>Current number of entries.</summary>
    public ValueTask<long> GetSizeAsync(CancellationToken cancellationToken = default) => store.GetSizeAsync(cancellationToken);

    /// <summary>Appends an entry (canonical bytes) and returns its index.</summary>
    public async Task<long> AppendAsync(ReadOnlyMemory<byte> entry, CancellationToken cancellationToken = default)
    {
        long n = await store.GetSizeAsync(cancellationToken);
        // Appending leaf n completes one node per trailing 1-bit of n; each needs its stored left sibling.
        var siblings = new List<NodeAddress>();
        for (int level = 0; ((n >> level) & 1) == 1; level++)
        {
            siblings.Add(new NodeAddress(level, (n >> level) - 1));
        }
        var siblingHashes = siblings.Count == 0 ? [] : await store.GetNodesAsync(siblings, cancellationToken);
        var nodes = new List<StoredNode>(siblings.Count + 1);
        var hash = MerkleHash.Leaf(entry.Span);
        nodes.Add(new StoredNode(new NodeAddress(0, n), hash));
        for (int level = 0; level < siblings.Count; level++)
        {
            hash = MerkleHash.Node(siblingHashes[level], hash);
            nodes.Add(new StoredNode(new NodeAddress(level + 1, n >> (level + 1)), hash));
        }
        await store.AppendAsync(n, entry, nodes, cancellationToken);
        return n;
    }

    /// <summary>Root of the tree of the first <paramref name="size"/> entries.</summary>
    public async Task<byte[]> GetRootAsync(long size, CancellationToken cancellationToken = default)
    {
        await CheckSizeAsync(size, cancellationToken);
        if (size == 0)
        {
            return MerkleHash.EmptyRoot();
        }
        return (await ResolveAsync([(0, size)], cancellationToken))[0];
    }

    /// <summary>RFC 9162 inclusion proof (PATH) for entry <paramref name="index"/> in the tree of <paramref name="size"/>.</summary>
    public async Task<IReadOnlyList<byte[]>> GetInclusionProofAsync(long index, long size, CancellationToken cancellationToken = default)
    {
        await CheckSizeAsync(size, cancellationToken);
        if (index < 0 || index >= size)
        {
            throw new LogRangeException("proof.index-beyond-tree", Args.Of(("index", index), ("size", size)));
        }
        var ranges = new List<(long Start, long End)>();
        long a = 0, b = size, m = index;
        while (b - a > 1)
        {
            long k = MerkleHash.SplitPoint(b - a);
            if (m < a + k)
            {
                ranges.Add((a + k, b));
                b = a + k;
            }
            else
            {
                ranges.Add((a, a + k));
                a += k;
            }
        }
        // Recursion emits the top sibling first; the proof lists the leaf's sibling first.
        ranges.Reverse();
        return await ResolveAsync(ranges, cancellationToken);
    }

    /// <summary>RFC 9162 consistency proof (PROOF) from <paramref name="size1"/> to <paramref name="size2"/>; size 0 is refused.</summary>
    public async Task<IReadOnlyList<byte[]>> GetConsistencyProofAsync(long size1, long size2, CancellationToken cancellationToken = default)
    {
        if (size1 <= 0)
        {
            throw new LogRangeException("proof.consistency-from-zero", Args.Of(("size2", size2)));
        }
        if (size2 < size1)
        {
            throw new LogRangeException("proof.consistency-shrinks", Args.Of(("size1", size1), ("size2", size2)));
        }
        await CheckSizeAsync(size2, cancellationToken);
        var ranges = new List<(long Start, long End)>();
        long a = 0, b = size2, m = size1;
        bool whole = true;
        while (true)
        {
            long n = b - a;
            if (m == n)
            {
                if (!whole)
                {
                    ranges.Add((a, b));
                }
                break;
            }
            long k = MerkleHash.SplitPoint(n);
            if (m <= k)
            {
                ranges.Add((a + k, b));
                b = a + k;
            }
            else
            {
                ranges.Add((a, a + k));
                a += k;
                m -= k;
                whole = false;
            }
        }
        ranges.Reverse();
        return await ResolveAsync(ranges, cancellationToken);
    }

    private async Task CheckSizeAsync(long size, CancellationToken cancellationToken)
    {
        long current = await store.GetSizeAsync(cancellationToken);
        if (size < 0 || size > current)
        {
            throw new LogRangeException("proof.size-beyond-tree", Args.Of(("size", size), ("treeSize", current)));
        }
    }

    private async Task<IReadOnlyList<byte[]>> ResolveAsync(IReadOnlyList<(long Start, long End)> ranges, CancellationToken cancellationToken)
    {
        var parts = new List<List<NodeAddress>>(ranges.Count);
        var all = new List<NodeAddress>();
        foreach (var (start, end) in ranges)
        {
            var p = MerkleHash.Decompose(start, end);
            parts.Add(p);
            all.AddRange(p);
        }
        var hashes = all.Count == 0 ? [] : await store.GetNodesAsync(all, cancellationToken);
        var result = new List<byte[]>(ranges.Count);
        int offset = 0;
        foreach (var p in parts)
        {
            result.Add(MerkleHash.FoldRight([.. hashes.Skip(offset).Take(p.Count)]));
            offset += p.Count;
        }
        return result;
    }
}
