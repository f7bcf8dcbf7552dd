using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Trading.Data;
using Trading.Data.Log;
using Trading.PublicLog;

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
/// <para>
/// Speed: the tree's head (size and right edge, at most 63 hashes) is read from the stored rows once per
/// transaction, in the same round trip that takes the lock, and then kept here; every further append in that
/// transaction is hashing in memory plus rows handed to EF, which inserts them in one batch at SaveChanges.
/// The head is not kept in a table of its own: it would be a second, updatable copy of what the insert-only
/// rows already say, and the lock has to be taken anyway.
/// </para>
/// </summary>
public sealed class PublicLogWriter(TradingDbContext db, TimeProvider clock, PseudonymKey key, SealingOptions? sealing = null, LogQueue? queue = null,
    IEnumerable<ILogIntegrationHook>? hooks = null)
{
    private readonly SealingOptions _sealing = sealing ?? new SealingOptions();

    /// <summary>The PostgreSQL advisory lock (transaction-scoped) that orders every writer of the log.</summary>
    public const long AdvisoryLockId = 0x7472616469_6E67; // "trading"

    // The head belongs to one transaction: a new (or retried) transaction reads it again under its own lock.
    private IDbContextTransaction? _headTransaction;
    private long _size;
    // _edge[l] is the hash of node (l, (size >> l) - 1) when bit l of size is set: the right edge of the tree.
    private readonly byte[]?[] _edge = new byte[]?[64];
    // Set by a queued append, so the unit of work wakes the sequencer once its transaction has committed.
    private bool _queuedInTransaction;

    /// <summary>Queued entries read and numbered per batch (a lock-taking transaction takes batches until the queue is empty).</summary>
    public const int IntegrateBatch = 1000;

    public async Task<LogRecord> AppendAsync(string type, Guid? tenderId, object data, CancellationToken ct = default)
    {
        await LockAsync(ct);
        return Append(Entry(type, tenderId, data, Now()), tenderId);
    }

    /// <summary>
    /// Queues an entry in the caller's transaction without taking the log's writer lock: the act and its entry still
    /// commit or roll back together, but acts that queue commit side by side instead of one after another. The entry is
    /// numbered after the commit, by the <see cref="LogSequencer"/> or by the next act that takes the lock
    /// (<see cref="LockAsync"/> integrates what is queued before its own entries), so an entry queued and committed
    /// before a locked act always precedes it on the log. Until then it is not on the log; the returned ticket finds its
    /// index (<see cref="LogSequencer.WaitForIndexAsync"/>).
    /// </summary>
    public Task<Guid> AppendQueuedAsync(string type, Guid? tenderId, object data, CancellationToken ct = default) =>
        Task.FromResult(Queue(type, tenderId, data, sealPurpose: null));

    /// <summary>
    /// <see cref="AppendSealedAsync"/> through the queue (<see cref="AppendQueuedAsync"/>): the full entry and its nonce
    /// are queued; the sequencer appends the <c>sealed.act</c> commitment, dated to the padding window it is numbered in
    /// (never a window already padded: padding and numbering both hold the lock, and only ended windows are padded), and
    /// keeps the opening for the tender's reveal. The act must be ordered against the tender's deadline by other means
    /// (the bid completion holds <see cref="BiddingLock"/> shared; the deadline move takes it exclusively).
    /// </summary>
    public Task<Guid> AppendSealedQueuedAsync(string type, Guid tenderId, object data, CancellationToken ct = default) =>
        Task.FromResult(Queue(type, tenderId, data, SealedLogAct.ForTender));

    private Guid Queue(string type, Guid? tenderId, object data, string? sealPurpose)
    {
        _ = db.Database.CurrentTransaction
            ?? throw new InvalidOperationException("Log entries are appended inside the transaction of the change they record.");
        var entry = Entry(type, tenderId, data, Now());
        var bytes = entry.ToCanonicalBytes();
        // Refused now, in the act, for the same reason as Append: the sequencer must never meet an entry it cannot take.
        LogEntry.Validate(bytes);
        var pending = new PendingLogEntry
        {
            Ticket = Guid.NewGuid(), Type = entry.Type, TenderId = tenderId, Payload = Encoding.UTF8.GetString(bytes), RecordedAt = entry.Time.UtcDateTime,
            SealPurpose = sealPurpose, Nonce = sealPurpose is null ? null : SealedActs.NewNonce(),
        };
        db.PendingLogEntries.Add(pending);
        _queuedInTransaction = true;
        return pending.Ticket;
    }

    /// <summary>
    /// Appends an act a firm does on a tender before its deadline (documents obtained, a bid submitted, withdrawn or
    /// refused) as a <c>sealed.act</c> entry: the public log gets only a commitment dated to the padding window, with no
    /// tender and no firm; the full entry (<paramref name="type"/>, the tender, <paramref name="data"/>, the real time)
    /// and its nonce stay on the server until <see cref="RevealAsync"/> publishes them at the deadline.
    /// Use <see cref="TenderPseudonym"/> for anyone named in <paramref name="data"/>: the entry is public after the reveal.
    /// </summary>
    public async Task<LogRecord> AppendSealedAsync(string type, Guid tenderId, object data, CancellationToken ct = default)
    {
        await LockAsync(ct);
        return Seal(Entry(type, tenderId, data, Now()), SealedLogAct.ForTender, tenderId);
    }

    /// <summary>
    /// Appends a record the centre keeps but does not publish (a warning when warnings are not published) as a
    /// <c>sealed.act</c> commitment that no tender reveal opens: the act is on the log, fixed in time and provable later
    /// by whoever holds the opening (the supervision office), but unreadable to the public.
    /// </summary>
    public async Task<LogRecord> AppendSealedRecordAsync(string type, object data, CancellationToken ct = default)
    {
        await LockAsync(ct);
        return Seal(Entry(type, null, data, Now()), SealedLogAct.ForRecord, null);
    }

    /// <summary>
    /// At the deadline, inside its transaction: one <c>sealed.reveal</c> entry opening every sealed act of the tender
    /// (index, nonce, full entry), so each earlier commitment can be checked by anyone (<c>trading verify-log</c>).
    /// Returns the number of acts opened; a tender already revealed is not revealed twice.
    /// </summary>
    public async Task<int> RevealAsync(Guid tenderId, CancellationToken ct = default)
    {
        await LockAsync(ct);
        if (await db.LogEntries.AnyAsync(e => e.TenderId == tenderId && e.Type == SealedActs.RevealType, ct)
            || db.ChangeTracker.Entries<LogRecord>().Any(e => e.Entity.TenderId == tenderId && e.Entity.Type == SealedActs.RevealType))
            return 0;
        var stored = await db.SealedLogActs.AsNoTracking().Where(a => a.TenderId == tenderId && a.Purpose == SealedLogAct.ForTender).ToListAsync(ct);
        var pending = db.ChangeTracker.Entries<SealedLogAct>().Where(e => e.State == EntityState.Added).Select(e => e.Entity)
            .Where(a => a.TenderId == tenderId && a.Purpose == SealedLogAct.ForTender);
        var openings = stored.Concat(pending).DistinctBy(a => a.LogIndex)
            .Select(a => new SealedActs.Opening(a.LogIndex, a.Nonce!, Encoding.UTF8.GetBytes(a.Entry!))).ToList();
        var entry = new LogEntry(SealedActs.RevealType, 1, new DateTimeOffset(Now()), tenderId.ToString(), SealedActs.RevealData(openings));
        Append(entry, tenderId);
        return openings.Count;
    }

    /// <summary>
    /// Pads the padding window starting at <paramref name="windowStart"/> with cover entries up to
    /// <see cref="SealingOptions.PerWindow"/> sealed entries. Only for a window that has ended (a later act would
    /// otherwise land in a window already padded). Returns the number of cover entries appended.
    /// </summary>
    public async Task<int> PadWindowAsync(DateTime windowStart, CancellationToken ct = default)
    {
        await LockAsync(ct);
        if (windowStart + _sealing.Window > clock.GetUtcNow().UtcDateTime)
            throw new InvalidOperationException("Only a window that has ended is padded.");
        var have = await db.SealedLogActs.CountAsync(a => a.Window == windowStart, ct)
            + db.ChangeTracker.Entries<SealedLogAct>().Count(e => e.State == EntityState.Added && e.Entity.Window == windowStart);
        var added = 0;
        for (; have + added < _sealing.PerWindow; added++)
        {
            var record = Append(SealedActs.Cover(new DateTimeOffset(windowStart, TimeSpan.Zero)), null);
            db.SealedLogActs.Add(new SealedLogAct { LogIndex = record.Index, Window = windowStart, Purpose = SealedLogAct.ForCover });
        }
        return added;
    }

    /// <summary>The padding window that holds <paramref name="utc"/>.</summary>
    public DateTime WindowOf(DateTime utc) => SealedActs.WindowStart(new DateTimeOffset(utc, TimeSpan.Zero), _sealing.Window).UtcDateTime;

    private DateTime Now()
    {
        var now = clock.GetUtcNow().UtcDateTime;
        // Sub-millisecond precision is dropped so RecordedAt equals the "time" the entry states.
        return new DateTime(now.Ticks - now.Ticks % TimeSpan.TicksPerMillisecond, DateTimeKind.Utc);
    }

    private static LogEntry Entry(string type, Guid? tenderId, object data, DateTime now)
    {
        // The library's entry format, so trading verify-log checks the very bytes hashed here. The index is not in the
        // payload: the format forbids extra top-level fields, and the leaf's position in the tree already fixes it.
        var payload = JsonSerializer.SerializeToNode(data, JsonOptions)?.AsObject()
            ?? throw new ArgumentException("A log entry's data is a JSON object.", nameof(data));
        return new LogEntry(type, 1, new DateTimeOffset(now), tenderId?.ToString(), payload);
    }

    private LogRecord Seal(LogEntry inner, string purpose, Guid? tenderId)
    {
        var innerBytes = inner.ToCanonicalBytes();
        LogEntry.Validate(innerBytes);
        var (record, act) = AppendSealed(innerBytes, SealedActs.NewNonce(), WindowOf(inner.Time.UtcDateTime), purpose, tenderId, ticket: null, nodes: null);
        db.SealedLogActs.Add(act);
        return record;
    }

    /// <summary>
    /// Appends the public <c>sealed.act</c> commitment to <paramref name="innerBytes"/> dated to <paramref name="window"/>,
    /// and returns it with the opening the server keeps until the reveal (for the caller to store).
    /// </summary>
    private (LogRecord Record, SealedLogAct Act) AppendSealed(byte[] innerBytes, byte[] nonce, DateTime window, string purpose, Guid? tenderId, Guid? ticket,
        List<LogNode>? nodes)
    {
        var outer = SealedActs.Act(new DateTimeOffset(window, TimeSpan.Zero), SealedActs.Commitment(nonce, innerBytes));
        var outerBytes = outer.ToCanonicalBytes();
        var record = Append(new LogRecord { Type = outer.Type, SchemaVersion = 1, Payload = Encoding.UTF8.GetString(outerBytes), RecordedAt = outer.Time.UtcDateTime, Ticket = ticket },
            outerBytes, nodes);
        return (record, new SealedLogAct
        {
            LogIndex = record.Index, Window = window, Purpose = purpose, TenderId = tenderId, Nonce = nonce, Entry = Encoding.UTF8.GetString(innerBytes),
        });
    }

    private LogRecord Append(LogEntry logEntry, Guid? tenderId)
    {
        var bytes = logEntry.ToCanonicalBytes();
        // Refuse here what an outside verifier would refuse later (for example a malformed type name):
        // a bad entry must fail the act that makes it, not an audit years on.
        LogEntry.Validate(bytes);
        return Append(new LogRecord
        {
            Type = logEntry.Type, SchemaVersion = 1, TenderId = tenderId, Payload = Encoding.UTF8.GetString(bytes), RecordedAt = logEntry.Time.UtcDateTime,
        }, bytes);
    }

    /// <summary>Numbers <paramref name="entry"/> (whose payload is <paramref name="bytes"/>) at the head, stages it and the tree nodes its leaf completes.</summary>
    /// <remarks>With <paramref name="nodes"/>, the entry and its nodes are left to the caller to store instead of EF (the sequencer's bulk insert).</remarks>
    private LogRecord Append(LogRecord entry, byte[] bytes, List<LogNode>? nodes = null)
    {
        var index = _size;
        var leaf = MerkleHash.Leaf(bytes);
        entry.Index = index;
        entry.LeafHash = leaf;
        if (nodes is null) db.LogEntries.Add(entry);
        void Store(LogNode node)
        {
            if (nodes is null) db.LogNodes.Add(node);
            else nodes.Add(node);
        }

        // Leaf n completes one node per trailing 1-bit of n, each the hash of the right-edge node at that
        // level (its left sibling) and the node just below it (the same arithmetic as MerkleLog.AppendAsync).
        var hash = leaf;
        Store(new LogNode { Level = 0, Index = index, Hash = hash });
        var level = 0;
        for (; ((index >> level) & 1) == 1; level++)
        {
            hash = MerkleHash.Node(_edge[level]!, hash);
            _edge[level] = null;
            Store(new LogNode { Level = level + 1, Index = index >> (level + 1), Hash = hash });
        }
        _edge[level] = hash;
        _size = index + 1;
        return entry;
    }

    /// <summary>
    /// The one unit of work for a logged act: opens a transaction (or joins the caller's, who then commits), runs
    /// <paramref name="act"/>, which changes the model and appends its log entries, saves and commits. The act and its
    /// record are stored together or not at all; a refusal thrown inside the act leaves nothing behind.
    /// The log's writer lock is taken by the first append; an act that numbers something (a tender code, a record
    /// number) calls <see cref="LockAsync"/> first, so the number and the log entry agree under concurrency.
    /// </summary>
    public async Task<T> ActAsync<T>(Func<Task<T>> act, CancellationToken ct = default)
    {
        var own = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(ct) : null;
        await using (own)
        {
            if (own is not null) _queuedInTransaction = false;
            var result = await act();
            await db.SaveChangesAsync(ct);
            if (own is not null)
            {
                await own.CommitAsync(ct);
                if (_queuedInTransaction) queue?.Nudge();
                if (_integrated.Count > 0) queue?.Numbered(_integrated);
            }
            return result;
        }
    }

    /// <inheritdoc cref="ActAsync{T}(Func{Task{T}}, CancellationToken)"/>
    public Task ActAsync(Func<Task> act, CancellationToken ct = default) =>
        ActAsync(async () => { await act(); return true; }, ct);

    /// <summary>Saves the pending changes and one log entry about them as one unit of work (<see cref="ActAsync{T}"/>).</summary>
    public Task RecordAsync(string type, Guid? tenderId, object data, CancellationToken ct = default) =>
        ActAsync(() => AppendAsync(type, tenderId, data, ct), ct);

    /// <summary>
    /// Takes the log's writer lock for the rest of the transaction and reads the tree's head under it.
    /// Callers that number something themselves (tender codes) take it first so the number and the log entry
    /// agree under concurrency.
    /// </summary>
    public async Task LockAsync(CancellationToken ct = default)
    {
        var tx = db.Database.CurrentTransaction
            ?? throw new InvalidOperationException("Log entries are appended inside the transaction of the change they record.");
        if (ReferenceEquals(tx, _headTransaction))
            return;
        _headTransaction = null;
        Array.Clear(_edge);
        // Log rows this context tracks from an earlier transaction belong to it: committed ones are in the database
        // (and in the head about to be read), rolled-back ones must not come back under the same index.
        foreach (var e in db.ChangeTracker.Entries().Where(e => e.Entity is LogRecord or LogNode).ToList())
            e.State = EntityState.Detached;
        _integrated.Clear();
        Task<List<PendingLogEntry>> NextBatch() => db.PendingLogEntries.AsNoTracking().OrderBy(p => p.Id).Take(IntegrateBatch).ToListAsync(ct);
        List<PendingLogEntry> pending;
        if (db.Database.IsNpgsql())
            pending = await LoadHeadNpgsqlAsync(tx, ct);
        else
        {
            await LoadHeadAsync(ct);
            pending = await NextBatch();
        }
        _headTransaction = tx;
        // Everything queued and committed before the lock was granted is numbered before this transaction's own entries,
        // however much it is (a deadline surge): a locked act that follows a queued one never comes first on the log.
        for (; ; pending = await NextBatch())
        {
            await IntegrateAsync(pending, ct);
            if (pending.Count < IntegrateBatch) break;
        }
    }

    /// <summary>The queued entries this transaction's lock integrated (ticket and index), for the sequencer to hand on once it commits.</summary>
    public IReadOnlyList<(Guid Ticket, long Index)> Integrated => _integrated;
    private readonly List<(Guid Ticket, long Index)> _integrated = [];

    /// <summary>
    /// Numbers queued entries (already committed by their acts, or queued and saved earlier in this transaction) ahead
    /// of whatever this transaction appends, and deletes them from the queue by id, never by range: an entry with a
    /// lower id that commits meanwhile stays queued for the next pass instead of being deleted unnumbered.
    /// </summary>
    private async Task IntegrateAsync(List<PendingLogEntry> pending, CancellationToken ct)
    {
        if (pending.Count == 0) return;
        var npgsql = db.Database.IsNpgsql();
        List<LogRecord> entries = [];
        List<LogNode>? nodes = npgsql ? new(pending.Count * 2 + 64) : null;
        List<SealedLogAct> sealedActs = [];
        var numbered = new List<(Guid Ticket, long Index)>(pending.Count);
        // Sealed acts are dated to the window they are numbered in, one window for the whole batch.
        var window = WindowOf(Now());
        foreach (var p in pending)
        {
            LogRecord record;
            if (p.SealPurpose is { } purpose)
            {
                (record, var act) = AppendSealed(Encoding.UTF8.GetBytes(p.Payload), p.Nonce!, window, purpose, p.TenderId, p.Ticket, nodes);
                if (npgsql) sealedActs.Add(act);
                else db.SealedLogActs.Add(act);
            }
            else
                record = Append(new LogRecord { Type = p.Type, SchemaVersion = 1, TenderId = p.TenderId, Payload = p.Payload, RecordedAt = p.RecordedAt, Ticket = p.Ticket },
                    Encoding.UTF8.GetBytes(p.Payload), nodes);
            entries.Add(record);
            numbered.Add((p.Ticket, record.Index));
        }
        var ids = pending.Select(p => p.Id).ToArray();
        if (nodes is not null)
            await InsertIntegratedNpgsqlAsync(entries, nodes, sealedActs, ids, ct);
        else
            await db.PendingLogEntries.Where(p => ids.Contains(p.Id)).ExecuteDeleteAsync(ct);
        // What refers to a queued entry by its ticket learns its index in the same transaction (a bid its LogIndex).
        foreach (var hook in hooks ?? [])
            await hook.NumberedAsync(db, numbered, ct);
        _integrated.AddRange(numbered);
    }

    /// <summary>
    /// A batch's entries and nodes in one round trip, written now (so later queries of the transaction, and a receipt
    /// built in it, see them) rather than through EF, whose per-row work was most of a sequencer pass's cost:
    /// three arrays-to-rows inserts and the delete of the queued rows by id.
    /// </summary>
    private async Task InsertIntegratedNpgsqlAsync(List<LogRecord> entries, List<LogNode> nodes, List<SealedLogAct> sealedActs, long[] ids, CancellationToken ct)
    {
        var conn = db.Database.GetDbConnection();
        await using var cmd = conn.CreateCommand();
        cmd.Transaction = db.Database.CurrentTransaction!.GetDbTransaction();
        cmd.CommandText = """
            INSERT INTO "LogEntries" ("Index", "Type", "SchemaVersion", "TenderId", "Payload", "LeafHash", "RecordedAt", "Ticket")
            SELECT * FROM unnest(@index, @type, @version, @tender, @payload, @leaf, @recorded, @ticket);
            INSERT INTO "LogNodes" ("Level", "Index", "Hash") SELECT * FROM unnest(@nodeLevel, @nodeIndex, @nodeHash);
            INSERT INTO "LogSealedActs" ("LogIndex", "Window", "Purpose", "TenderId", "Nonce", "Entry")
            SELECT * FROM unnest(@actIndex, @actWindow, @actPurpose, @actTender, @actNonce, @actEntry);
            DELETE FROM "PendingLogEntries" WHERE "Id" = ANY(@ids);
            """;
        void Add<T>(string name, T value)
        {
            var parameter = cmd.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            cmd.Parameters.Add(parameter);
        }
        Add("index", entries.Select(e => e.Index).ToArray());
        Add("type", entries.Select(e => e.Type).ToArray());
        Add("version", entries.Select(e => e.SchemaVersion).ToArray());
        Add("tender", entries.Select(e => e.TenderId).ToArray());
        Add("payload", entries.Select(e => e.Payload).ToArray());
        Add("leaf", entries.Select(e => e.LeafHash).ToArray());
        Add("recorded", entries.Select(e => e.RecordedAt).ToArray());
        Add("ticket", entries.Select(e => e.Ticket).ToArray());
        Add("nodeLevel", nodes.Select(n => n.Level).ToArray());
        Add("nodeIndex", nodes.Select(n => n.Index).ToArray());
        Add("nodeHash", nodes.Select(n => n.Hash).ToArray());
        Add("actIndex", sealedActs.Select(a => a.LogIndex).ToArray());
        Add("actWindow", sealedActs.Select(a => a.Window).ToArray());
        Add("actPurpose", sealedActs.Select(a => a.Purpose).ToArray());
        Add("actTender", sealedActs.Select(a => a.TenderId).ToArray());
        Add("actNonce", sealedActs.Select(a => a.Nonce).ToArray());
        Add("actEntry", sealedActs.Select(a => a.Entry).ToArray());
        Add("ids", ids);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private async Task<List<PendingLogEntry>> LoadHeadNpgsqlAsync(IDbContextTransaction tx, CancellationToken ct)
    {
        // One round trip: the lock, then (a new statement, so a new snapshot under READ COMMITTED that sees every
        // append committed before the lock was granted) the size and the right-edge nodes it implies, then the
        // queued entries to integrate first (usually none: an index-only look at an empty table).
        var conn = db.Database.GetDbConnection();
        await using var cmd = conn.CreateCommand();
        cmd.Transaction = tx.GetDbTransaction();
        cmd.CommandText = $"""
            SELECT pg_advisory_xact_lock({AdvisoryLockId});
            SELECT s.n, g.l, nd."Hash"
            FROM (SELECT COALESCE(MAX("Index"), -1) + 1 AS n FROM "LogEntries") s
            LEFT JOIN LATERAL (SELECT l FROM generate_series(0, 62) l WHERE ((s.n >> l) & 1) = 1) g ON true
            LEFT JOIN "LogNodes" nd ON nd."Level" = g.l AND nd."Index" = (s.n >> g.l) - 1;
            SELECT "Id", "Ticket", "Type", "TenderId", "Payload", "RecordedAt", "SealPurpose", "Nonce" FROM "PendingLogEntries" ORDER BY "Id" LIMIT {IntegrateBatch};
            """;
        await using var rd = await cmd.ExecuteReaderAsync(ct);
        await rd.NextResultAsync(ct);
        while (await rd.ReadAsync(ct))
        {
            _size = rd.GetInt64(0);
            if (rd.IsDBNull(1)) continue; // empty tree
            var level = rd.GetInt32(1);
            _edge[level] = rd.IsDBNull(2) ? throw MissingNode(level) : (byte[])rd.GetValue(2);
        }
        CheckEdge();
        await rd.NextResultAsync(ct);
        var pending = new List<PendingLogEntry>();
        while (await rd.ReadAsync(ct))
            pending.Add(new PendingLogEntry
            {
                Id = rd.GetInt64(0), Ticket = rd.GetGuid(1), Type = rd.GetString(2), TenderId = rd.IsDBNull(3) ? null : rd.GetGuid(3),
                Payload = rd.GetString(4), RecordedAt = DateTime.SpecifyKind(rd.GetDateTime(5), DateTimeKind.Utc),
                SealPurpose = rd.IsDBNull(6) ? null : rd.GetString(6), Nonce = rd.IsDBNull(7) ? null : (byte[])rd.GetValue(7),
            });
        return pending;
    }

    private async Task LoadHeadAsync(CancellationToken ct)
    {
        var store = new EfLogStore(db);
        _size = await store.GetSizeAsync(ct);
        var addresses = new List<NodeAddress>();
        for (var level = 0; level < 63; level++)
            if (((_size >> level) & 1) == 1)
                addresses.Add(new NodeAddress(level, (_size >> level) - 1));
        var hashes = addresses.Count == 0 ? [] : await store.GetNodesAsync(addresses, ct);
        for (var i = 0; i < addresses.Count; i++)
            _edge[addresses[i].Level] = hashes[i];
    }

    private void CheckEdge()
    {
        for (var level = 0; level < 63; level++)
            if (((_size >> level) & 1) == 1 && _edge[level] is null)
                throw MissingNode(level);
    }

    private LogRangeException MissingNode(int level) =>
        new("store.node-missing", new Dictionary<string, object?> { ["level"] = level, ["index"] = (_size >> level) - 1 });

    /// <summary>A keyed hash of a personal identifier: stable per deployment, meaningless outside it.</summary>
    public string Pseudonym(string kind, string value) => key.Pseudonym(kind, value);

    /// <summary>
    /// A keyed hash that holds only within one tender: the same firm or person gets unrelated pseudonyms in two tenders,
    /// so what one tender's opening record shows links nothing in another. Use it for everyone a tender's entries name.
    /// </summary>
    public string TenderPseudonym(Guid tenderId, string kind, string value) => key.TenderPseudonym(tenderId, kind, value);

    /// <summary>RFC 9162 leaf hash: SHA-256(0x00 || entry).</summary>
    public static byte[] LeafHash(byte[] entry) => MerkleHash.Leaf(entry);

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);
}

/// <summary>
/// The per-deployment key for pseudonyms: configured, or generated once into the data folder. The pseudonyms
/// themselves are Trading.PublicLog's <see cref="Pseudonymizer"/> (one definition, the one docs/public-log.md
/// states), so an auditor holding the key recomputes them with the library alone.
/// </summary>
public sealed class PseudonymKey(byte[] key)
{
    private readonly Pseudonymizer _pseudonymizer = new(key);

    /// <summary><c>kind:</c> + 32 hex digits of HMAC-SHA256(key, "trading/pseudonym/v1" 0x00 kind 0x00 NFC(value)).</summary>
    public string Pseudonym(string kind, string value) => _pseudonymizer.Pseudonym(kind, value);

    /// <summary><c>kind:</c> + 32 hex digits of HMAC-SHA256(key, "trading/scoped-pseudonym/v1" 0x00 tender 0x00 kind 0x00 NFC(value)).</summary>
    public string TenderPseudonym(Guid tenderId, string kind, string value) => _pseudonymizer.ScopedPseudonym(tenderId.ToString(), kind, value);

    public static PseudonymKey LoadOrCreate(string? configured, string dataDirectory) =>
        new(DeploymentKey.LoadOrCreate(configured, dataDirectory, "pseudonym.key"));
}

/// <summary>
/// Padding of sealed entries (docs/public-log.md, "What the log reveals, and when"): every window of
/// <see cref="Window"/> (from the Unix epoch) in which a tender may be in its bidding period holds at least
/// <see cref="PerWindow"/> sealed entries, real acts and cover entries together, all dated to the window's start.
/// </summary>
public sealed class SealingOptions
{
    public TimeSpan Window { get; init; } = TimeSpan.FromMinutes(10);
    public int PerWindow { get; init; } = 16;

    public static SealingOptions From(IConfiguration config) => new()
    {
        Window = TimeSpan.FromMinutes(Math.Clamp(config.GetValue("PublicLog:SealedWindowMinutes", 10), 1, 24 * 60)),
        PerWindow = Math.Clamp(config.GetValue("PublicLog:SealedPerWindow", 16), 1, 10_000),
    };
}

/// <summary>
/// What this process's writers and its <see cref="LogSequencer"/> share: the wake-up a commit of a queued entry sends the
/// sequencer, and the waiters for queued entries' indexes, told when the transaction that numbered them commits.
/// (Until the queue, bid completions waited here for their turn at the log's lock, so that 1,000 at once did not each
/// hold a pooled connection while waiting in PostgreSQL; they no longer wait for the lock at all.)
/// </summary>
public sealed class LogQueue
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Guid, TaskCompletionSource<long>> _waiting = new();

    /// <summary>A task that completes with the index of the queued entry <paramref name="ticket"/> when a transaction of this process that numbered it commits.</summary>
    internal TaskCompletionSource<long> Waiter(Guid ticket) =>
        _waiting.GetOrAdd(ticket, _ => new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously));

    internal void Forget(Guid ticket) => _waiting.TryRemove(ticket, out _);

    /// <summary>Called after the commit of a transaction that numbered queued entries.</summary>
    internal void Numbered(IEnumerable<(Guid Ticket, long Index)> numbered)
    {
        foreach (var (ticket, index) in numbered)
            if (_waiting.TryRemove(ticket, out var waiter))
                waiter.TrySetResult(index);
    }

    // At most one wake-up waits: many commits in a row wake the sequencer once, and it then takes all they queued.
    private readonly System.Threading.Channels.Channel<bool> _queued = System.Threading.Channels.Channel.CreateBounded<bool>(
        new System.Threading.Channels.BoundedChannelOptions(1) { FullMode = System.Threading.Channels.BoundedChannelFullMode.DropWrite });

    /// <summary>Wakes the <see cref="LogSequencer"/>: an act has committed a queued entry.</summary>
    public void Nudge() => _queued.Writer.TryWrite(true);

    /// <summary>Waits for a <see cref="Nudge"/> or <paramref name="poll"/>, whichever comes first (entries queued by other nodes wake no one here).</summary>
    internal async Task WaitForQueuedAsync(TimeSpan poll, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(poll);
        try { await _queued.Reader.ReadAsync(timeout.Token); }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested) { }
    }
}

/// <summary>
/// A feature whose rows refer to a queued log entry by its ticket (a bid, <c>Bid.LogTicket</c>): told the indexes inside
/// the transaction that numbers the entries, so its rows and the log agree from that commit on.
/// </summary>
public interface ILogIntegrationHook
{
    Task NumberedAsync(TradingDbContext db, IReadOnlyList<(Guid Ticket, long Index)> numbered, CancellationToken ct);
}
