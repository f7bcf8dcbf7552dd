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
}
