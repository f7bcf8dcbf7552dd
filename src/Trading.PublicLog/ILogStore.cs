namespace Trading.PublicLog;

/// <summary>
/// Where the log keeps its entries and stored tree nodes. The web app implements this over its
/// log table and node table inside the same database transaction as the change being logged;
/// <see cref="InMemoryLogStore"/> serves tests, benchmarks and the CLI. Implementations must
/// never update or delete: the log is append-only.
/// </summary>
public interface ILogStore
{
    /// <summary>Number of entries (leaves) in the log.</summary>
    ValueTask<long> GetSizeAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Stored node hashes in the order asked. Every perfect subtree fully inside the log is stored
    /// (level 0 holds leaf hashes); asking for any other node is a caller bug and must throw.
    /// </summary>
    ValueTask<IReadOnlyList<byte[]>> GetNodesAsync(IReadOnlyList<NodeAddress> addresses, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores entry <paramref name="index"/> and the nodes it completes. Must refuse (throw
    /// <see cref="LogRangeException"/> with code <c>log.gap</c>) when <paramref name="index"/> is not the
    /// current size, so numbering has no gaps even when writers race.
    /// </summary>
    ValueTask AppendAsync(long index, ReadOnlyMemory<byte> entry, IReadOnlyList<StoredNode> nodes, CancellationToken cancellationToken = default);

    /// <summary>Entries [start, start + count) as stored bytes.</summary>
    ValueTask<IReadOnlyList<byte[]>> GetEntriesAsync(long start, int count, CancellationToken cancellationToken = default);
}

/// <summary>An <see cref="ILogStore"/> in memory. Not thread-safe: the log serialises appends anyway.</summary>
public sealed class InMemoryLogStore : ILogStore
{
    private readonly List<byte[]> _entries = [];
    // One flat array per level keeps a million-leaf tree at ~64 MB instead of millions of small arrays.
    private readonly List<byte[]> _levels = [];
    private readonly List<long> _levelCounts = [];

    /// <summary>Number of entries, synchronously.</summary>
    public long Size => _entries.Count;

    /// <inheritdoc />
    public ValueTask<long> GetSizeAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult((long)_entries.Count);

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<byte[]>> GetNodesAsync(IReadOnlyList<NodeAddress> addresses, CancellationToken cancellationToken = default)
    {
        var result = new byte[addresses.Count][];
        for (int i = 0; i < addresses.Count; i++)
        {
            result[i] = GetNode(addresses[i]);
        }
        return ValueTask.FromResult<IReadOnlyList<byte[]>>(result);
    }

    /// <summary>One stored node hash.</summary>
    public byte[] GetNode(NodeAddress address)
    {
        if (address.Level < 0 || address.Level >= _levels.Count || address.Index < 0 || address.Index >= _levelCounts[address.Level])
        {
            throw new LogRangeException("store.node-missing", Args.Of(("level", address.Level), ("index", address.Index)));
        }
        return _levels[address.Level].AsSpan((int)(address.Index * MerkleHash.Size), MerkleHash.Size).ToArray();
    }

    /// <inheritdoc />
    public ValueTask AppendAsync(long index, ReadOnlyMemory<byte> entry, IReadOnlyList<StoredNode> nodes, CancellationToken cancellationToken = default)
    {
        if (index != _entries.Count)
        {
            throw new LogRangeException("log.gap", Args.Of(("index", index), ("size", (long)_entries.Count)));
        }
        foreach (var node in nodes)
        {
            PutNode(node);
        }
        _entries.Add(entry.ToArray());
        return ValueTask.CompletedTask;
    }

    private void PutNode(StoredNode node)
    {
        var (level, index) = (node.Address.Level, node.Address.Index);
        while (_levels.Count <= level)
        {
            _levels.Add(new byte[MerkleHash.Size * 16]);
            _levelCounts.Add(0);
        }
        if (index != _levelCounts[level])
        {
            throw new LogRangeException("store.node-out-of-order", Args.Of(("level", level), ("index", index)));
        }
        var buffer = _levels[level];
        if ((index + 1) * MerkleHash.Size > buffer.Length)
        {
            Array.Resize(ref buffer, buffer.Length * 2);
            _levels[level] = buffer;
        }
        node.Hash.CopyTo(buffer, (int)(index * MerkleHash.Size));
        _levelCounts[level] = index + 1;
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<byte[]>> GetEntriesAsync(long start, int count, CancellationToken cancellationToken = default)
    {
        if (start < 0 || count < 0 || start + count > _entries.Count)
        {
            throw new LogRangeException("log.range-beyond-tree", Args.Of(("start", start), ("count", count), ("size", (long)_entries.Count)));
        }
        return ValueTask.FromResult<IReadOnlyList<byte[]>>(_entries.GetRange((int)start, count));
    }
}
