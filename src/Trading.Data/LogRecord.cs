namespace Trading.Data;

/// <summary>
/// One entry of the append-only public log. Index is gapless from 0. Payload is canonical JSON
/// (type, schema version, data) and LeafHash is SHA-256(0x00 || payload) as RFC 9162 prescribes, so a
/// Merkle tree over the table can be built and proven without re-reading payloads.
/// </summary>
public class LogRecord
{
    public long Index { get; set; }
    public string Type { get; set; } = "";
    public int SchemaVersion { get; set; } = 1;
    public Guid? TenderId { get; set; }
    public string Payload { get; set; } = "";
    public byte[] LeafHash { get; set; } = [];
    public DateTime RecordedAt { get; set; }
    /// <summary>For an entry that waited in <see cref="PendingLogEntry"/>: its ticket, by which the act that queued it finds its index.</summary>
    public Guid? Ticket { get; set; }
}

/// <summary>
/// An entry an act has committed but the sequencer has not yet numbered: the act's transaction inserts it without
/// taking the log's writer lock, so such acts commit side by side, and the sequencer (or the next act that takes the
/// lock) moves it into <see cref="LogRecord"/> under the lock, gapless, in batches. Until then it is not on the log:
/// nothing public reads this table. Id orders the queue; Ticket names the entry to the act that queued it.
/// </summary>
public class PendingLogEntry
{
    public long Id { get; set; }
    public Guid Ticket { get; set; }
    public string Type { get; set; } = "";
    public Guid? TenderId { get; set; }
    /// <summary>The entry's canonical bytes as UTF-8, validated when queued; for a sealed act, the inner entry the commitment hides.</summary>
    public string Payload { get; set; } = "";
    public DateTime RecordedAt { get; set; }
    /// <summary>
    /// Set for a sealed act (<c>Log.SealedLogAct.ForTender</c> and the like): the sequencer appends the <c>sealed.act</c>
    /// commitment to <see cref="Payload"/> with <see cref="Nonce"/>, dated to the padding window it is numbered in, and
    /// keeps the opening (<c>Log.SealedLogAct</c>) for the tender's reveal.
    /// </summary>
    public string? SealPurpose { get; set; }
    public byte[]? Nonce { get; set; }
}
