using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Trading.Data;

namespace Trading.Web.Infrastructure;

/// <summary>
/// Appends events to the public log inside the caller's transaction, so an act and its record commit
/// together or not at all. Index numbers are gapless: PostgreSQL serialises appenders with a
/// transaction-scoped advisory lock; SQLite has a single writer anyway.
/// Personal identifiers never enter the payload in the clear: callers pass them through <see cref="Pseudonym"/>.
/// </summary>
public sealed class PublicLog(TradingDbContext db, TimeProvider clock, PseudonymKey key)
{
    private const long AdvisoryLockId = 0x7472616469_6E67; // "trading"

    public async Task<LogEntry> AppendAsync(string type, Guid? tenderId, object data, CancellationToken ct = default)
    {
        await LockAsync(ct);

        var pending = db.ChangeTracker.Entries<LogEntry>().Where(e => e.State == EntityState.Added).Select(e => e.Entity.Index).DefaultIfEmpty(-1).Max();
        var stored = await db.LogEntries.MaxAsync(e => (long?)e.Index, ct) ?? -1;
        var index = Math.Max(pending, stored) + 1;
        var now = clock.GetUtcNow().UtcDateTime;

        var envelope = new JsonObject
        {
            ["type"] = type,
            ["v"] = 1,
            ["index"] = index,
            ["time"] = now.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture),
            ["tender"] = tenderId?.ToString(),
            ["data"] = JsonSerializer.SerializeToNode(data, JsonOptions),
        };
        var payload = Canonical(envelope);
        var entry = new LogEntry
        {
            Index = index, Type = type, SchemaVersion = 1, TenderId = tenderId, Payload = payload,
            LeafHash = LeafHash(Encoding.UTF8.GetBytes(payload)), RecordedAt = now,
        };
        db.LogEntries.Add(entry);
        return entry;
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

    public static byte[] LeafHash(byte[] entry)
    {
        // RFC 9162 leaf hash: SHA-256(0x00 || entry).
        var buf = new byte[entry.Length + 1];
        entry.CopyTo(buf, 1);
        return SHA256.HashData(buf);
    }

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    /// <summary>Canonical JSON: object keys sorted by ordinal, no whitespace, UTF-8.</summary>
    public static string Canonical(JsonNode? node)
    {
        var sb = new StringBuilder();
        Write(node, sb);
        return sb.ToString();

        static void Write(JsonNode? n, StringBuilder sb)
        {
            switch (n)
            {
                case null: sb.Append("null"); break;
                case JsonObject o:
                    sb.Append('{');
                    var first = true;
                    foreach (var (k, v) in o.OrderBy(p => p.Key, StringComparer.Ordinal))
                    {
                        if (!first) sb.Append(',');
                        first = false;
                        sb.Append(JsonSerializer.Serialize(k)).Append(':');
                        Write(v, sb);
                    }
                    sb.Append('}');
                    break;
                case JsonArray a:
                    sb.Append('[');
                    for (var i = 0; i < a.Count; i++) { if (i > 0) sb.Append(','); Write(a[i], sb); }
                    sb.Append(']');
                    break;
                default: sb.Append(n.ToJsonString()); break;
            }
        }
    }
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
