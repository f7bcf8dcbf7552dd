using Microsoft.EntityFrameworkCore;
using Trading.Data;
using Trading.PublicLog;

namespace Trading.Web.Infrastructure;

/// <summary>
/// Trading.PublicLog's <see cref="ILogStore"/> over the LogEntries and LogNodes tables, so
/// <see cref="MerkleLog"/> assembles roots and proofs from stored nodes. Appends go through
/// <see cref="PublicLogWriter.AppendAsync"/>, which writes the same rows inside the business transaction
/// and knows the entry's type and tender; this store is the read side.
/// Rows added but not yet saved in the same context count: several appends in one transaction need
/// each other's nodes before SaveChanges.
/// </summary>
public sealed class EfLogStore(TradingDbContext db) : ILogStore
{
    public async ValueTask<long> GetSizeAsync(CancellationToken cancellationToken = default)
    {
        var pending = db.ChangeTracker.Entries<LogRecord>().Where(e => e.State == EntityState.Added).Select(e => e.Entity.Index).DefaultIfEmpty(-1).Max();
        var stored = await db.LogEntries.MaxAsync(e => (long?)e.Index, cancellationToken) ?? -1;
        return Math.Max(pending, stored) + 1;
    }

    public async ValueTask<IReadOnlyList<byte[]>> GetNodesAsync(IReadOnlyList<NodeAddress> addresses, CancellationToken cancellationToken = default)
    {
        var found = db.ChangeTracker.Entries<LogNode>().ToDictionary(e => (e.Entity.Level, e.Entity.Index), e => e.Entity.Hash);
        var missing = addresses.Where(a => !found.ContainsKey((a.Level, a.Index))).ToList();
        if (missing.Count > 0)
        {
            // One query for the batch. Filtering by level set and index set over-fetches at most
            // (levels x indexes) rows, a few hundred for any proof, and EF translates it on both providers.
            var levels = missing.Select(a => a.Level).Distinct().ToList();
            var indexes = missing.Select(a => a.Index).Distinct().ToList();
            var rows = await db.LogNodes.AsNoTracking()
                .Where(n => levels.Contains(n.Level) && indexes.Contains(n.Index))
                .Select(n => new { n.Level, n.Index, n.Hash })
                .ToListAsync(cancellationToken);
            foreach (var r in rows)
                found.TryAdd((r.Level, r.Index), r.Hash);
        }
        var result = new byte[addresses.Count][];
        for (var i = 0; i < addresses.Count; i++)
        {
            var a = addresses[i];
            result[i] = found.TryGetValue((a.Level, a.Index), out var h) ? h
                : throw new LogRangeException("store.node-missing", new Dictionary<string, object?> { ["level"] = a.Level, ["index"] = a.Index });
        }
        return result;
    }

    /// <summary>Not used: the app appends through <see cref="PublicLogWriter.AppendAsync"/>, which also records the entry's type and tender.</summary>
    public ValueTask AppendAsync(long index, ReadOnlyMemory<byte> entry, IReadOnlyList<StoredNode> nodes, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("Append through Trading.Web.Infrastructure.PublicLogWriter, inside the business transaction.");

    public async ValueTask<IReadOnlyList<byte[]>> GetEntriesAsync(long start, int count, CancellationToken cancellationToken = default)
    {
        // Entries appended in this transaction but not yet saved count too (a receipt is built before the commit).
        var end = start + count;
        var pending = db.ChangeTracker.Entries<LogRecord>().Where(e => e.State == EntityState.Added && e.Entity.Index >= start && e.Entity.Index < end)
            .Select(e => e.Entity).ToList();
        var rows = await GetRowsAsync(start, count, cancellationToken);
        return rows.Concat(pending).OrderBy(e => e.Index).Select(e => System.Text.Encoding.UTF8.GetBytes(e.Payload)).ToList();
    }

    /// <summary>Entry rows [start, start + count), in index order.</summary>
    public async Task<List<LogRecord>> GetRowsAsync(long start, int count, CancellationToken cancellationToken = default)
    {
        var end = start + count;
        return await db.LogEntries.AsNoTracking().Where(e => e.Index >= start && e.Index < end).OrderBy(e => e.Index).ToListAsync(cancellationToken);
    }
}
