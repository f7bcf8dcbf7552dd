using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Trading.PublicLog;

/// <summary>
/// One row of a downloaded log (JSON Lines, one canonical object per line):
/// <c>{"entry":"&lt;canonical entry JSON as a string&gt;","index":N,"leafHash":"base64"}</c>.
/// The leaf hash is what the server stored; it lets the verifier name the exact entry that changed.
/// </summary>
public sealed record LogExportRecord(long Index, byte[] Entry, byte[]? LeafHash)
{
    /// <summary>The JSON line (without the newline).</summary>
    public string ToJsonLine()
    {
        var obj = new JsonObject { ["index"] = Index, ["entry"] = Encoding.UTF8.GetString(Entry) };
        if (LeafHash is not null)
        {
            obj["leafHash"] = Convert.ToBase64String(LeafHash);
        }
        return Encoding.UTF8.GetString(CanonicalJson.Serialize(obj));
    }

    /// <summary>Parses one JSON line; <paramref name="position"/> (0-based row) is used in error messages.</summary>
    public static LogExportRecord ParseJsonLine(string line, long position) => ParseJsonLine(Encoding.UTF8.GetBytes(line), position);

    /// <summary>
    /// Parses one UTF-8 JSON line with a forward-only reader (no document tree): a million rows must
    /// parse in well under a second of the verification budget.
    /// </summary>
    public static LogExportRecord ParseJsonLine(ReadOnlySpan<byte> line, long position)
    {
        LogFormatException Bad(string reason, Exception? inner = null) =>
            new("verify.entry-invalid", Args.Of(("index", position), ("reason", reason)), inner);
        long? index = null;
        byte[]? entry = null;
        byte[]? leaf = null;
        try
        {
            var reader = new Utf8JsonReader(line, new JsonReaderOptions { MaxDepth = 2 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw Bad("row is not a JSON object");
            }
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                // Names compared as UTF-8 bytes and the hash decoded in place: no strings per row.
                if (reader.ValueTextEquals("index"u8) && index is null)
                {
                    reader.Read();
                    index = reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out long i) ? i : throw Bad("'index' must be an integer");
                }
                else if (reader.ValueTextEquals("entry"u8) && entry is null)
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        throw Bad("'entry' must be a string");
                    }
                    entry = reader.ValueIsEscaped && !reader.HasValueSequence ? Unescape(ref reader) : CopyString(ref reader);
                }
                else if (reader.ValueTextEquals("leafHash"u8) && leaf is null)
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.String || reader.ValueIsEscaped || reader.HasValueSequence)
                    {
                        throw Bad("'leafHash' must be a plain base64 string");
                    }
                    leaf = DecodeHash(reader.ValueSpan) ?? throw new LogFormatException("base64.invalid", Args.Of(("field", "leafHash")));
                }
                else
                {
                    throw Bad($"unexpected or repeated field '{reader.GetString()}'");
                }
            }
            if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
            {
                throw Bad("trailing data after the row");
            }
        }
        catch (JsonException e)
        {
            throw Bad(e.Message, e);
        }
        catch (InvalidOperationException e)
        {
            throw Bad(e.Message, e);
        }
        if (index is null || entry is null)
        {
            throw Bad("row needs integer 'index' and string 'entry'");
        }
        return new LogExportRecord(index.Value, entry, leaf);
    }

    private static byte[] CopyString(ref Utf8JsonReader reader)
    {
        var buffer = new byte[reader.HasValueSequence ? reader.ValueSequence.Length : reader.ValueSpan.Length];
        int written = reader.CopyString(buffer);
        return written == buffer.Length ? buffer : buffer[..written];
    }

    /// <summary>
    /// The entry string's bytes without its escapes. Every quote of the embedded JSON is escaped, and the reader's
    /// general unescaping was the larger part of parsing a row; the reader has already checked the escapes, so the
    /// two-character ones are replaced here run by run, and a string with a \u escape goes to the reader's own path.
    /// </summary>
    private static byte[] Unescape(ref Utf8JsonReader reader)
    {
        var raw = reader.ValueSpan;
        // \u escapes and bytes that are not UTF-8 keep the reader's path, and so its refusals, exactly.
        if (raw.IndexOf("\\u"u8) >= 0 || !System.Text.Unicode.Utf8.IsValid(raw))
        {
            return CopyString(ref reader);
        }
        var output = new byte[raw.Length];
        int written = 0;
        while (true)
        {
            int slash = raw.IndexOf((byte)'\\');
            if (slash < 0)
            {
                raw.CopyTo(output.AsSpan(written));
                written += raw.Length;
                break;
            }
            raw[..slash].CopyTo(output.AsSpan(written));
            written += slash;
            output[written++] = raw[slash + 1] switch
            {
                (byte)'b' => (byte)'\b',
                (byte)'f' => (byte)'\f',
                (byte)'n' => (byte)'\n',
                (byte)'r' => (byte)'\r',
                (byte)'t' => (byte)'\t',
                var c => c, // '"', '\\' and '/' stand for themselves
            };
            raw = raw[(slash + 2)..];
        }
        return written == output.Length ? output : output[..written];
    }

    private static byte[]? DecodeHash(ReadOnlySpan<byte> base64)
    {
        var hash = new byte[MerkleHash.Size];
        return TryDecodeHash(base64, hash) ? hash : null;
    }

    /// <summary>A 32-byte hash from canonical base64 into <paramref name="hash"/>, as the row parser accepts it.</summary>
    internal static bool TryDecodeHash(ReadOnlySpan<byte> base64, Span<byte> hash)
    {
        if (System.Buffers.Text.Base64.DecodeFromUtf8(base64, hash, out int consumed, out int written) != System.Buffers.OperationStatus.Done
            || consumed != base64.Length || written != MerkleHash.Size)
        {
            return false;
        }
        // Re-encoding catches non-canonical trailing bits, as StrictBase64 does for strings.
        Span<byte> again = stackalloc byte[64];
        System.Buffers.Text.Base64.EncodeToUtf8(hash, again, out _, out int length);
        return again[..length].SequenceEqual(base64);
    }
}

/// <summary>Outcome of verifying a whole downloaded log.</summary>
/// <param name="Ok">True when every entry and checkpoint checked out.</param>
/// <param name="Entries">Rows read.</param>
/// <param name="Checkpoints">Signed checkpoints checked.</param>
/// <param name="Cosigned">Checkpoints carrying a valid witness cosignature (when a witness key was given).</param>
/// <param name="VerifiedSize">Entries covered by the largest checkpoint that matched.</param>
/// <param name="FirstBadIndex">The first entry that no longer matches, or the first index of the range that must hold it.</param>
/// <param name="BadCheckpoint">Position (in the given list) of the checkpoint that failed, if one did.</param>
/// <param name="Problem">The refusal, with code and arguments for either language.</param>
public sealed record LogVerificationReport(bool Ok, long Entries, int Checkpoints, int Cosigned, long VerifiedSize, long? FirstBadIndex, int? BadCheckpoint, PublicLogException? Problem)
{
    /// <summary>Sealed entries read (<see cref="SealedActs"/>).</summary>
    public long Sealed { get; init; }
    /// <summary>Sealed entries a reveal opened and that matched their commitments.</summary>
    public long Opened { get; init; }
    /// <summary>Reveal entries checked.</summary>
    public long Reveals { get; init; }
}

/// <summary>
/// Re-verifies a downloaded log from scratch with no trust in the server: recomputes every leaf
/// hash and the root at each signed checkpoint, and stops at the first row that no longer matches.
/// Checkpoints are consistent with each other when each root is recomputed from the same entries,
/// so no consistency proofs are needed here.
/// </summary>
public static partial class LogVerifier
{
    /// <summary>Reads a downloaded log in JSON Lines form lazily (blank lines are refused as bad rows).</summary>
    public static IEnumerable<LogExportRecord> ReadJsonLines(TextReader reader)
    {
        long position = 0;
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            yield return LogExportRecord.ParseJsonLine(line, position);
            position++;
        }
    }

    /// <summary>Reads a downloaded log in JSON Lines form (UTF-8) lazily from a stream; the faster path.</summary>
    public static IEnumerable<LogExportRecord> ReadJsonLines(Stream stream)
    {
        // 1 MiB reads: a 386 MB download in a few hundred system calls rather than six thousand.
        var buffer = new byte[1 << 20];
        int start = 0, end = 0;
        long position = 0;
        while (true)
        {
            int newline = buffer.AsSpan(start, end - start).IndexOf((byte)'\n');
            if (newline >= 0)
            {
                yield return LogExportRecord.ParseJsonLine(buffer.AsSpan(start, newline), position++);
                start += newline + 1;
                continue;
            }
            // No full line buffered: compact, grow if one line fills the buffer, and read more.
            if (start > 0)
            {
                Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
                end -= start;
                start = 0;
            }
            if (end == buffer.Length)
            {
                Array.Resize(ref buffer, buffer.Length * 2);
            }
            int read = stream.Read(buffer, end, buffer.Length - end);
            if (read == 0)
            {
                if (end > start)
                {
                    yield return LogExportRecord.ParseJsonLine(buffer.AsSpan(start, end - start), position);
                }
                yield break;
            }
            end += read;
        }
    }

    /// <summary>Writes records as JSON Lines.</summary>
    public static void WriteJsonLines(IEnumerable<LogExportRecord> records, TextWriter writer)
    {
        foreach (var r in records)
        {
            writer.Write(r.ToJsonLine());
            writer.Write('\n');
        }
    }

    /// <summary>Parses a checkpoints file: a JSON array of signed checkpoint notes.</summary>
    public static IReadOnlyList<string> ParseCheckpoints(string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            if (doc.RootElement.ValueKind != JsonValueKind.Array)
            {
                throw new LogFormatException("checkpoint.malformed", Args.Of(("reason", "checkpoints file must be a JSON array of signed notes")));
            }
            return [.. doc.RootElement.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString()!
                : throw new LogFormatException("checkpoint.malformed", Args.Of(("reason", "checkpoints file must hold strings"))))];
        }
        catch (JsonException e)
        {
            throw new LogFormatException("checkpoint.malformed", Args.Of(("reason", e.Message)), e);
        }
    }

    /// <summary>Writes a checkpoints file.</summary>
    public static string WriteCheckpoints(IEnumerable<string> notes) => JsonSerializer.Serialize(notes.ToArray());

    /// <summary>Verification options.</summary>
    /// <param name="CheckEntryFormat">Also parse each entry as a canonical <see cref="LogEntry"/>.</param>
    /// <param name="Witness">When given, count (and check) the witness's cosignatures.</param>
    /// <param name="Origin">Expected log origin, when known.</param>
    public sealed record Options(bool CheckEntryFormat = true, NoteVerifier? Witness = null, string? Origin = null);

    /// <summary>Verifies <paramref name="records"/> (in file order) against signed checkpoint notes.</summary>
    public static LogVerificationReport Verify(IEnumerable<LogExportRecord> records, IReadOnlyList<string> checkpointNotes, NoteVerifier logKey, Options? options = null)
    {
        options ??= new Options();
        var checkFormat = options.CheckEntryFormat;
        return Verify(Prepare(records, checkFormat), checkpointNotes, logKey, options);

        static IEnumerable<PreparedRow> Prepare(IEnumerable<LogExportRecord> records, bool checkFormat)
        {
            using var e = records.GetEnumerator();
            using var hasher = new MerkleHasher();
            while (true)
            {
                PreparedRow row;
                try
                {
                    if (!e.MoveNext())
                    {
                        yield break;
                    }
                    row = PreparedRow.Of(e.Current, checkFormat, hasher);
                }
                catch (PublicLogException ex)
                {
                    // The enumeration cannot go on after a row that does not parse: it is the first bad entry.
                    row = new PreparedRow(null, ex, null, null);
                }
                yield return row;
                if (row.ParseError is not null)
                {
                    yield break;
                }
            }
        }
    }

    /// <summary>What one row yields before the ordered checks: the record (or why it did not parse), its leaf hash and, when asked, its format refusal.</summary>
    private sealed record PreparedRow(LogExportRecord? Record, PublicLogException? ParseError, byte[]? Leaf, PublicLogException? FormatError)
    {
        public static PreparedRow Of(LogExportRecord record, bool checkFormat, MerkleHasher hasher)
        {
            var leaf = new byte[MerkleHash.Size];
            hasher.Leaf(record.Entry, leaf);
            PublicLogException? format = null;
            if (checkFormat)
            {
                try
                {
                    LogEntry.Validate(record.Entry);
                }
                catch (PublicLogException e)
                {
                    format = e;
                }
            }
            return new PreparedRow(record, null, leaf, format);
        }
    }

    private static LogVerificationReport Verify(IEnumerable<PreparedRow> rows, IReadOnlyList<string> checkpointNotes, NoteVerifier logKey, Options options)
    {
        if (OpenCheckpoints(checkpointNotes, logKey, options, out var checkpoints, out var cosigned) is { } refused)
        {
            return refused;
        }
        using var hasher = new MerkleHasher();
        var range = new CompactRange(hasher);
        var sealedActs = new SealedActs.RevealChecker();
        int next = 0;
        long verified = 0;
        long position = 0;
        if (CheckpointsOfSize(0, range, checkpoints, cosigned, ref next, ref verified) is { } empty)
        {
            return empty;
        }
        foreach (var row in rows)
        {
            if (row.ParseError is { } e0)
            {
                // A row that does not even parse is the first bad entry.
                return Fail(position, checkpoints.Count, cosigned, verified, position, null,
                    e0.Code == "verify.entry-invalid" ? e0 : new LogVerificationException("verify.entry-invalid", Args.Of(("index", position), ("reason", e0.Message)), e0));
            }
            var record = row.Record!;
            var leaf = row.Leaf!;
            if (record.Index != position)
            {
                return Fail(position, checkpoints.Count, cosigned, verified, position, null,
                    new LogVerificationException("verify.index-mismatch", Args.Of(("position", position), ("index", record.Index))));
            }
            if (record.LeafHash is not null && !MerkleHash.Equal(leaf, record.LeafHash))
            {
                return Fail(position, checkpoints.Count, cosigned, verified, position, null,
                    new LogVerificationException("verify.leaf-hash-mismatch", Args.Of(("index", position))));
            }
            if (row.FormatError is { } e1)
            {
                return Fail(position, checkpoints.Count, cosigned, verified, position, null,
                    new LogVerificationException("verify.entry-invalid", Args.Of(("index", position), ("reason", e1.Message)), e1));
            }
            try
            {
                sealedActs.Observe(position, record.Entry);
            }
            catch (PublicLogException e)
            {
                return Fail(position, checkpoints.Count, cosigned, verified, position, null, e);
            }
            range.Append(leaf);
            position++;
            if (CheckpointsOfSize(position, range, checkpoints, cosigned, ref next, ref verified) is { } mismatch)
            {
                return mismatch;
            }
        }
        return Finish(position, checkpoints, next, cosigned, verified, sealedActs);
    }

    /// <summary>Opens and orders the signed checkpoints; a report when one is refused, else null.</summary>
    private static LogVerificationReport? OpenCheckpoints(IReadOnlyList<string> checkpointNotes, NoteVerifier logKey, Options options,
        out List<(int Position, Checkpoint Value)> checkpoints, out int cosigned)
    {
        checkpoints = [];
        cosigned = 0;
        for (int c = 0; c < checkpointNotes.Count; c++)
        {
            try
            {
                checkpoints.Add((c, SignedNote.OpenCheckpoint(checkpointNotes[c], logKey, options.Origin)));
                if (options.Witness is not null && checkpointNotes[c].Contains("— " + options.Witness.Name + " ", StringComparison.Ordinal))
                {
                    SignedNote.VerifyCosignature(checkpointNotes[c], options.Witness);
                    cosigned++;
                }
            }
            catch (PublicLogException e)
            {
                return Fail(0, checkpointNotes.Count, cosigned, 0, null, c, new LogVerificationException("verify.checkpoint-invalid", Args.Of(("checkpoint", c), ("reason", e.Message)), e));
            }
        }
        if (checkpoints.Count == 0)
        {
            return Fail(0, 0, 0, 0, null, null, new LogVerificationException("verify.no-checkpoint"));
        }
        checkpoints.Sort((a, b) => a.Value.Size != b.Value.Size ? a.Value.Size.CompareTo(b.Value.Size) : a.Position.CompareTo(b.Position));
        for (int k = 1; k < checkpoints.Count; k++)
        {
            var (prev, cur) = (checkpoints[k - 1].Value, checkpoints[k].Value);
            if (cur.Time < prev.Time)
            {
                return Fail(0, checkpoints.Count, cosigned, 0, null, checkpoints[k].Position, new LogVerificationException("verify.checkpoint-order",
                    Args.Of(("checkpoint", checkpoints[k].Position), ("size", cur.Size), ("time", cur.Time.ToString("O")))));
            }
            if (cur.Size == prev.Size && !MerkleHash.Equal(cur.Root, prev.Root))
            {
                return Fail(0, checkpoints.Count, cosigned, 0, null, checkpoints[k].Position, new LogVerificationException("proof.same-size-different-root", Args.Of(("size", cur.Size))));
            }
        }

        return null;
    }

    /// <summary>
    /// The checkpoints of exactly <paramref name="size"/> entries, next in order, against the tree of that size: a failed
    /// report at the first whose root differs, else null with <paramref name="next"/> past them and
    /// <paramref name="verified"/> at <paramref name="size"/>. Both verification paths call it before the first entry (size 0: the empty root) and after each entry.
    /// </summary>
    private static LogVerificationReport? CheckpointsOfSize(long size, CompactRange range, List<(int Position, Checkpoint Value)> checkpoints, int cosigned,
        ref int next, ref long verified)
    {
        if (next >= checkpoints.Count || checkpoints[next].Value.Size != size)
        {
            return null;
        }
        var root = range.Root();
        for (; next < checkpoints.Count && checkpoints[next].Value.Size == size; next++)
        {
            if (!MerkleHash.Equal(root, checkpoints[next].Value.Root))
            {
                return Fail(size, checkpoints.Count, cosigned, verified, verified, checkpoints[next].Position, RootMismatch(checkpoints[next], verified));
            }
        }
        verified = size;
        return null;
    }

    /// <summary>
    /// The report once every row was read: a checkpoint larger than the log is refused, else the log verified. Both
    /// verification paths end here.
    /// </summary>
    private static LogVerificationReport Finish(long entries, List<(int Position, Checkpoint Value)> checkpoints, int next, int cosigned, long verified,
        SealedActs.RevealChecker sealedActs)
    {
        if (next < checkpoints.Count)
        {
            var c = checkpoints[next];
            return Fail(entries, checkpoints.Count, cosigned, verified, entries, c.Position,
                new LogVerificationException("verify.checkpoint-beyond-log", Args.Of(("checkpoint", c.Position), ("size", c.Value.Size), ("entries", entries))));
        }
        return new LogVerificationReport(true, entries, checkpoints.Count, cosigned, verified, null, null, null)
        {
            Sealed = sealedActs.Sealed, Opened = sealedActs.Opened, Reveals = sealedActs.Reveals,
        };
    }

    private static LogVerificationException RootMismatch((int Position, Checkpoint Value) c, long from) =>
        new("verify.root-mismatch", Args.Of(("checkpoint", c.Position), ("size", c.Value.Size), ("from", from)));

    private static LogVerificationReport Fail(long entries, int checkpoints, int cosigned, long verified, long? firstBad, int? badCheckpoint, PublicLogException problem) =>
        new(false, entries, checkpoints, cosigned, verified, firstBad, badCheckpoint, problem);
}
