extern alias publiclog;

using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Trading.Data;
using publiclog::Trading.PublicLog;
using LogEntry = Trading.Data.LogEntry;

namespace Trading.Web.Infrastructure;

/// <summary>
/// Appends events to the public log inside the caller's transaction, so an act and its record commit
/// together or not at all. Index numbers are gapless: PostgreSQL serialises appenders with a
/// transaction-scoped advisory lock; SQLite has a single writer anyway.
/// Each append also stores the perfect-subtree nodes the new leaf completes (<see cref="LogNode"/>), in the
/// same transaction, so roots and proofs are read from O(log n) stored nodes, never recomputed.
/// The payload is the entry format of Trading.PublicLog (type, v, time, optional tender, data in its
/// canonical JSON), so <c>trading verify-log</c> checks the same bytes the server hashed.
/// Personal identifiers never enter the payload in the clear: callers pass them through <see cref="Pseudonym"/>.
/// </summary>
public sealed class PublicLog(TradingDbContext db, TimeProvider clock, PseudonymKey key)
{
    private const long AdvisoryLockId = 0x7472616469_6E67; // "trading"

    public async Task<LogEntry> AppendAsync(string type, Guid? tenderId, object data, CancellationToken ct = default)
    {
        await LockAsync(ct);

        var store = new EfLogStore(db);
        var index = await store.GetSizeAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        // Sub-millisecond precision is dropped so RecordedAt equals the "time" the entry states.
        now = new DateTime(now.Ticks - now.Ticks % TimeSpan.TicksPerMillisecond, DateTimeKind.Utc);

        // The index is not in the payload: the library's entry format forbids extra top-level fields,
        // and the leaf's position in the tree already fixes it.
        var envelope = new JsonObject
        {
            ["type"] = type,
            ["v"] = 1,
            ["time"] = now.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture),
            ["data"] = JsonSerializer.SerializeToNode(data, JsonOptions),
        };
        if (tenderId is { } t)
            envelope["tender"] = t.ToString();
        var bytes = CanonicalJson.Serialize(envelope);
        // Refuse here what an outside verifier would refuse later (for example a malformed type name):
        // a bad entry must fail the act that makes it, not an audit years on.
        publiclog::Trading.PublicLog.LogEntry.Validate(bytes);
        var leaf = MerkleHash.Leaf(bytes);
        var entry = new LogEntry
        {
            Index = index, Type = type, SchemaVersion = 1, TenderId = tenderId, Payload = Encoding.UTF8.GetString(bytes),
            LeafHash = leaf, RecordedAt = now,
        };
        db.LogEntries.Add(entry);

        // Leaf n completes one node per trailing 1-bit of n, each the hash of its stored left sibling
        // and the node just below it (the same arithmetic as MerkleLog.AppendAsync).
        var siblings = new List<NodeAddress>();
        for (var level = 0; ((index >> level) & 1) == 1; level++)
            siblings.Add(new NodeAddress(level, (index >> level) - 1));
        var siblingHashes = siblings.Count == 0 ? [] : await store.GetNodesAsync(siblings, ct);
        var hash = leaf;
        db.LogNodes.Add(new LogNode { Level = 0, Index = index, Hash = hash });
        for (var level = 0; level < siblings.Count; level++)
        {
            hash = MerkleHash.Node(siblingHashes[level], hash);
            db.LogNodes.Add(new LogNode { Level = level + 1, Index = index >> (level + 1), Hash = hash });
        }
        return entry;
    }

    /// <summary>
    /// Saves the pending changes and their log entry in one transaction: both are stored, or neither.
    /// The common case of every service; acts that must number something under the lock use
    /// <see cref="LockAsync"/> and <see cref="AppendAsync"/> inside their own transaction instead.
    /// </summary>
    public async Task RecordAsync(string type, Guid? tenderId, object data, CancellationToken ct = default)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await AppendAsync(type, tenderId, data, ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>
    /// Takes the log's writer lock for the rest of the transaction. Callers that number something
    /// themselves (tender codes) take it first so the number and the log entry agree under concurrency.
    /// </summary>
    public async Task LockAsync(CancellationToken ct = default)
    {
        if (db.Database.CurrentTransaction is null)
            throw new InvalidOperationException("Log entries are appended inside the transaction of the change they record.");
        if (db.Database.IsNpgsql())
            await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_xact_lock({AdvisoryLockId})", ct);
    }

    /// <summary>A keyed hash of a personal identifier: stable per deployment, meaningless outside it.</summary>
    public string Pseudonym(string kind, string value) => key.Pseudonym(kind, value);

    /// <summary>RFC 9162 leaf hash: SHA-256(0x00 || entry).</summary>
    public static byte[] LeafHash(byte[] entry) => MerkleHash.Leaf(entry);

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);
}

/// <summary>The per-deployment key for pseudonyms: configured, or generated once into the data folder.</summary>
public sealed class PseudonymKey(byte[] key)
{
    public string Pseudonym(string kind, string value)
    {
        var mac = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"trading/pseudonym/v1\n{kind}\n{value}"));
        return Convert.ToHexStringLower(mac.AsSpan(0, 16));
    }

    public static PseudonymKey LoadOrCreate(string? configured, string dataDirectory)
    {
        if (!string.IsNullOrEmpty(configured))
            return new PseudonymKey(Convert.FromBase64String(configured));
        var path = Path.Combine(dataDirectory, "keys", "pseudonym.key");
        if (File.Exists(path))
            return new PseudonymKey(Convert.FromBase64String(File.ReadAllText(path).Trim()));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var k = RandomNumberGenerator.GetBytes(32);
        File.WriteAllText(path, Convert.ToBase64String(k));
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return new PseudonymKey(k);
    }
}
