using Microsoft.EntityFrameworkCore;
using Trading.Data;
using Trading.Domain.Bidding;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Submission;

/// <summary>
/// Orders a tender's bid acts against its deadline move now that a bid's log entry is queued rather than appended under
/// the log's writer lock: a completion holds the tender's lock shared for its whole transaction (completions do not wait
/// for each other), and the deadline move takes it exclusively before the log lock, so the move begins only once every
/// completion already under way has committed or rolled back, and a completion that begins after the move finds the
/// tender closed. The move's log lock then numbers every queued entry before it freezes the list.
/// PostgreSQL transaction-scoped advisory locks (the two-key form, a key space apart from the log's one-key lock);
/// on SQLite a write transaction already excludes every other (BEGIN IMMEDIATE), so there is nothing to take.
/// </summary>
public static class BiddingLock
{
    private const int KeySpace = 0x62696473; // "bids"
    private const int FirmKeySpace = 0x62696466; // "bidf"

    public static async Task EnterAsync(TradingDbContext db, Guid tenderId, bool exclusive, CancellationToken ct)
    {
        if (!db.Database.IsNpgsql()) return;
        _ = db.Database.CurrentTransaction ?? throw new InvalidOperationException("The bidding lock is held by a transaction.");
        // Two tenders whose ids share these 32 bits only wait for each other's moves: harmless, and rare.
        var key = BitConverter.ToInt32(tenderId.ToByteArray(), 0);
        if (exclusive)
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({KeySpace}, {key})", ct);
        else
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock_shared({KeySpace}, {key})", ct);
    }

    /// <summary>
    /// One firm's acts on one lot, one at a time (taken after <see cref="EnterAsync"/>, before the log's lock): a completion
    /// supersedes the firm's earlier valid bid, and two at once would each leave its own bid valid.
    /// </summary>
    public static async Task EnterFirmAsync(TradingDbContext db, Guid lotId, Guid firmId, CancellationToken ct)
    {
        if (!db.Database.IsNpgsql()) return;
        var key = BitConverter.ToInt32(lotId.ToByteArray(), 0) ^ BitConverter.ToInt32(firmId.ToByteArray(), 0);
        await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({FirmKeySpace}, {key})", ct);
    }
}

/// <summary>Gives each bid whose <c>bid.submitted</c> entry was queued its <see cref="Bid.LogIndex"/>, in the transaction that numbers the entry.</summary>
public sealed class BidLogIndexHook : ILogIntegrationHook
{
    public async Task NumberedAsync(TradingDbContext db, IReadOnlyList<(Guid Ticket, long Index)> numbered, CancellationToken ct)
    {
        if (numbered.Count == 0) return;
        if (db.Database.IsNpgsql())
        {
            var table = db.Model.FindEntityType(typeof(Bid))!.GetTableName();
            var tickets = numbered.Select(n => n.Ticket).ToArray();
            var indexes = numbered.Select(n => n.Index).ToArray();
            // One statement for a whole batch (a deadline surge numbers a thousand at once); entries that are not bids match no row.
#pragma warning disable EF1003 // the table name comes from the model, the values are parameters
            await db.Database.ExecuteSqlRawAsync(
                "UPDATE \"" + table + "\" b SET \"LogIndex\" = u.i FROM unnest({0}, {1}) AS u(t, i) WHERE b.\"LogTicket\" = u.t", [tickets, indexes], ct);
#pragma warning restore EF1003
        }
        else
        {
            foreach (var (ticket, index) in numbered)
                await db.Set<Bid>().Where(b => b.LogTicket == ticket).ExecuteUpdateAsync(s => s.SetProperty(b => b.LogIndex, index), ct);
        }
        // A bid this context already tracks (a withdrawal that loaded it) sees its index too.
        var byTicket = numbered.ToDictionary(n => n.Ticket, n => n.Index);
        foreach (var entry in db.ChangeTracker.Entries<Bid>())
            if (entry.Entity.LogTicket is { } t && byTicket.TryGetValue(t, out var index))
                CatchUp(entry, index);
    }

    /// <summary>A tracked bid takes the index already in its row, without a second write of it.</summary>
    public static void CatchUp(Microsoft.EntityFrameworkCore.ChangeTracking.EntityEntry<Bid> entry, long index)
    {
        entry.Property(b => b.LogIndex).CurrentValue = index;
        if (entry.State is not (EntityState.Unchanged or EntityState.Modified)) return;
        entry.Property(b => b.LogIndex).OriginalValue = index;
        entry.Property(b => b.LogIndex).IsModified = false;
    }
}
