using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text.Unicode;

namespace Trading.PublicLog;

public static partial class LogVerifier
{
    // Rows per block: 2^13, so that block k holds exactly the leaves of the perfect subtree (13, k) and a worker can
    // hash its block's whole subtree. The thread that keeps the order then adds one hash per block instead of one per
    // row, which is what bounded the earlier parallel path (its ordered thread hashed every node of the tree).
    private const int BlockLevel = 13;
    private const int BlockRows = 1 << BlockLevel;

    /// <summary>
    /// Verifies a downloaded log in JSON Lines form (UTF-8) with exactly the report of
    /// <see cref="Verify(IEnumerable{LogExportRecord}, IReadOnlyList{string}, NoteVerifier, Options?)"/> over
    /// <see cref="ReadJsonLines(Stream)"/>, but faster: rows are cut from large sequential reads in blocks of 8,192,
    /// and workers parse each row straight from the bytes (no per-row objects), hash its leaf, check its format and
    /// hash the block's whole perfect subtree, while this thread keeps everything that depends on order (indexes are
    /// checked against the row's position, which a block knows; the tree; checkpoints; sealed acts) in file order.
    /// </summary>
    public static LogVerificationReport VerifyJsonLines(Stream stream, IReadOnlyList<string> checkpointNotes, NoteVerifier logKey, Options? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        options ??= new Options();
        if (OpenCheckpoints(checkpointNotes, logKey, options, out var checkpoints, out var cosigned) is { } refused)
        {
            return refused;
        }
        int next = 0;
        using var hasher = new MerkleHasher();
        var range = new CompactRange(hasher);
        var sealedActs = new SealedActs.RevealChecker();
        long verified = 0;
        long position = 0;
        if (CheckpointsAt(0) is { } empty)
        {
            return empty;
        }
        var checkFormat = options.CheckEntryFormat;
        // Two blocks per core in flight keep every core busy while this thread waits for the oldest; each holds a few MiB.
        var ahead = Math.Max(2, Environment.ProcessorCount * 2);
        var queue = new Queue<(RowBlock Block, Task<BlockResult> Work)>();
        using var blocks = ReadRowBlocks(stream).GetEnumerator();
        var more = true;
        try
        {
            while (true)
            {
                while (more && queue.Count < ahead)
                {
                    more = blocks.MoveNext();
                    if (more)
                    {
                        var block = blocks.Current;
                        queue.Enqueue((block, Task.Run(() => PrepareBlock(block, checkFormat))));
                    }
                }
                if (queue.Count == 0)
                {
                    break;
                }
                var (done, work) = queue.Dequeue();
                var result = work.GetAwaiter().GetResult();
                try
                {
                    // Sealed acts first, in order; the first refusal is reported only after the rows before it were appended
                    // and their checkpoints checked, as the row-by-row path orders its refusals.
                    int observed = result.Good;
                    PublicLogException? observeError = null;
                    foreach (var (row, entry) in result.Sealed)
                    {
                        try
                        {
                            sealedActs.Observe(done.First + row, entry);
                        }
                        catch (PublicLogException e)
                        {
                            observeError = e;
                            observed = row;
                            break;
                        }
                    }
                    var end = done.First + result.Good;
                    var checkpointInside = next < checkpoints.Count && checkpoints[next].Value.Size < end;
                    if (result.Subtree is not null && observeError is null && !checkpointInside)
                    {
                        range.AppendSubtree(BlockLevel, result.Subtree);
                        position = end;
                    }
                    else
                    {
                        for (int i = 0; i < result.Good; i++)
                        {
                            if (i == observed)
                            {
                                return Fail(position, checkpoints.Count, cosigned, verified, position, null, observeError!);
                            }
                            range.Append(result.Leaves.AsSpan(i * MerkleHash.Size, MerkleHash.Size));
                            position++;
                            if (CheckpointsAt(position) is { } mismatch)
                            {
                                return mismatch;
                            }
                        }
                        if (result.Problem is not null)
                        {
                            return Fail(position, checkpoints.Count, cosigned, verified, position, null, result.Problem);
                        }
                    }
                    if (CheckpointsAt(position) is { } atEnd)
                    {
                        return atEnd;
                    }
                }
                finally
                {
                    done.Release();
                    ArrayPool<byte>.Shared.Return(result.Leaves);
                }
            }
        }
        finally
        {
            // Stopped early (a bad row): let the blocks in flight finish before their buffers go back to the pool.
            foreach (var (block, work) in queue)
            {
                work.ContinueWith(_ => { }, TaskScheduler.Default).Wait();
                block.Release();
            }
        }
        return Finish(position, checkpoints, next, cosigned, verified, sealedActs);

        // The checkpoints of exactly the size appended so far, as the row-by-row path checks them after each row.
        LogVerificationReport? CheckpointsAt(long size) => CheckpointsOfSize(size, range, checkpoints, cosigned, ref next, ref verified);
    }

    /// <summary>Up to <see cref="BlockRows"/> rows of the file: their bytes and where each ends (its newline, or the file's end).</summary>
    private sealed class RowBlock(byte[] buffer, int[] ends, int count, long first)
    {
        public byte[] Buffer { get; } = buffer;
        public int[] Ends { get; } = ends;
        public int Count { get; } = count;
        /// <summary>Position (0-based row) of the block's first row.</summary>
        public long First { get; } = first;

        public void Release() => ArrayPool<byte>.Shared.Return(Buffer);
    }

    /// <summary>
    /// What a worker found in a block: how many leading rows passed every per-row check, the refusal of the next one as the
    /// ordered checks would word it, their leaf hashes, the block's subtree hash when all of its 8,192 rows passed, and
    /// the entries (few) that the sealed-act check must see in order.
    /// </summary>
    private sealed record BlockResult(int Good, PublicLogException? Problem, byte[] Leaves, byte[]? Subtree, List<(int Row, byte[] Entry)> Sealed);

    /// <summary>The rows of a JSON Lines stream in blocks of <see cref="BlockRows"/>, cut exactly as <see cref="ReadJsonLines(Stream)"/> cuts them.</summary>
    private static IEnumerable<RowBlock> ReadRowBlocks(Stream stream)
    {
        // 4 MiB holds a block of typical rows (about 400 bytes each); a block of longer rows grows its buffer.
        var buffer = ArrayPool<byte>.Shared.Rent(4 << 20);
        int end = 0;
        long first = 0;
        var eof = false;
        while (true)
        {
            var ends = new int[BlockRows];
            int count = 0, scan = 0;
            while (true)
            {
                while (count < BlockRows)
                {
                    int newline = buffer.AsSpan(scan, end - scan).IndexOf((byte)'\n');
                    if (newline < 0)
                    {
                        break;
                    }
                    ends[count++] = scan + newline;
                    scan += newline + 1;
                }
                if (count == BlockRows || eof)
                {
                    break;
                }
                if (end == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    Buffer.BlockCopy(buffer, 0, larger, 0, end);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }
                int read = stream.ReadAtLeast(buffer.AsSpan(end), buffer.Length - end, throwOnEndOfStream: false);
                eof = read < buffer.Length - end;
                end += read;
            }
            if (eof && count < BlockRows && scan < end)
            {
                // The last row has no newline after it.
                ends[count++] = end;
                scan = end;
            }
            // The rest goes to a fresh buffer: this one belongs to the block until its worker and the ordered pass are done.
            var rest = end - scan;
            var fresh = ArrayPool<byte>.Shared.Rent(Math.Max(4 << 20, rest * 2));
            Buffer.BlockCopy(buffer, scan, fresh, 0, rest);
            if (count == 0)
            {
                ArrayPool<byte>.Shared.Return(buffer);
                ArrayPool<byte>.Shared.Return(fresh);
                yield break;
            }
            yield return new RowBlock(buffer, ends, count, first);
            first += count;
            buffer = fresh;
            end = rest;
        }
    }

    // Fully optimised at once: each call runs thousands of rows and there are only ~120 calls, so tiering would run it
    // as tier-0 and instrumented code for much of the file (a whole run with PGO instrumentation took about a third more CPU).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static BlockResult PrepareBlock(RowBlock block, bool checkFormat)
    {
        var leaves = ArrayPool<byte>.Shared.Rent(BlockRows * MerkleHash.Size);
        var sealedRows = new List<(int, byte[])>();
        using var hasher = new MerkleHasher();
        // The entry is unescaped after a 0x00 byte, the leaf prefix, so the leaf hash is one call over the buffer.
        var scratch = new byte[4096];
        Span<byte> given = stackalloc byte[MerkleHash.Size];
        int start = 0;
        for (int i = 0; i < block.Count; i++)
        {
            var line = block.Buffer.AsSpan(start, block.Ends[i] - start);
            start = block.Ends[i] + 1;
            var position = block.First + i;
            long index;
            int length;
            bool hasLeaf;
            if (!TryParseRow(line, ref scratch, out length, out index, given, out hasLeaf))
            {
                // Anything but the exact form the platform writes takes the general parser, and so its acceptance and words.
                LogExportRecord record;
                try
                {
                    record = LogExportRecord.ParseJsonLine(line, position);
                }
                catch (PublicLogException e)
                {
                    return Stop(i, e.Code == "verify.entry-invalid" ? e
                        : new LogVerificationException("verify.entry-invalid", Args.Of(("index", position), ("reason", e.Message)), e));
                }
                if (scratch.Length < record.Entry.Length + 1)
                {
                    scratch = new byte[record.Entry.Length + 1];
                }
                record.Entry.CopyTo(scratch, 1);
                length = record.Entry.Length;
                index = record.Index;
                hasLeaf = false;
                if (record.LeafHash is { } stored)
                {
                    hasLeaf = true;
                    stored.CopyTo(given);
                }
            }
            var entry = scratch.AsSpan(1, length);
            if (index != position)
            {
                return Stop(i, new LogVerificationException("verify.index-mismatch", Args.Of(("position", position), ("index", index))));
            }
            var leaf = leaves.AsSpan(i * MerkleHash.Size, MerkleHash.Size);
            scratch[0] = 0x00;
            hasher.LeafOfPrefixed(scratch.AsSpan(0, length + 1), leaf);
            if (hasLeaf && !MerkleHash.Equal(leaf, given))
            {
                return Stop(i, new LogVerificationException("verify.leaf-hash-mismatch", Args.Of(("index", position))));
            }
            if (checkFormat)
            {
                try
                {
                    LogEntry.Validate(entry);
                }
                catch (PublicLogException e)
                {
                    return Stop(i, new LogVerificationException("verify.entry-invalid", Args.Of(("index", position), ("reason", e.Message)), e));
                }
            }
            if (SealedActs.RevealChecker.MayConcern(entry))
            {
                sealedRows.Add((i, entry.ToArray()));
            }
        }
        byte[]? subtree = null;
        if (block.Count == BlockRows)
        {
            // The block's perfect subtree, level by level in a copy (the leaves stay for a checkpoint inside the block).
            var level = new byte[BlockRows / 2 * MerkleHash.Size];
            for (int j = 0; j < BlockRows / 2; j++)
            {
                hasher.Node(leaves.AsSpan(2 * j * MerkleHash.Size, MerkleHash.Size), leaves.AsSpan((2 * j + 1) * MerkleHash.Size, MerkleHash.Size),
                    level.AsSpan(j * MerkleHash.Size, MerkleHash.Size));
            }
            for (int width = BlockRows / 4; width >= 1; width /= 2)
            {
                for (int j = 0; j < width; j++)
                {
                    hasher.Node(level.AsSpan(2 * j * MerkleHash.Size, MerkleHash.Size), level.AsSpan((2 * j + 1) * MerkleHash.Size, MerkleHash.Size),
                        level.AsSpan(j * MerkleHash.Size, MerkleHash.Size));
                }
            }
            subtree = level[..MerkleHash.Size];
        }
        return new BlockResult(block.Count, null, leaves, subtree, sealedRows);

        BlockResult Stop(int row, PublicLogException problem) => new(row, problem, leaves, null, sealedRows);
    }

    /// <summary>
    /// Parses a row of exactly the form <see cref="LogExportRecord.ToJsonLine"/> writes,
    /// <c>{"entry":"…","index":N,"leafHash":"…"}</c> (leafHash optional), unescaping the entry into
    /// <paramref name="scratch"/> after its first byte. False for anything else (other field orders, whitespace, \u
    /// escapes, bytes that are not UTF-8, numbers written otherwise), which then goes to the general parser: this one
    /// only ever accepts what that one accepts, with the same result.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool TryParseRow(ReadOnlySpan<byte> line, ref byte[] scratch, out int length, out long index, Span<byte> leafHash, out bool hasLeaf)
    {
        length = 0;
        index = 0;
        hasLeaf = false;
        if (!line.StartsWith("{\"entry\":\""u8))
        {
            return false;
        }
        var rest = line["{\"entry\":\""u8.Length..];
        // Unescaped byte by byte while looking for the closing quote: the embedded entry escapes every one of its quotes,
        // so runs between escapes are a few bytes long and a vectorised search per run cost more than this loop.
        if (scratch.Length < rest.Length + 1)
        {
            scratch = new byte[Math.Max(rest.Length + 1, scratch.Length * 2)];
        }
        var output = scratch.AsSpan(1, rest.Length);
        int written = 0, at = 0;
        while (true)
        {
            if (at >= rest.Length)
            {
                return false;
            }
            byte c = rest[at];
            if (c == (byte)'"')
            {
                break;
            }
            if (c < 0x20)
            {
                return false; // a control byte inside a JSON string: the general parser refuses it
            }
            if (c == (byte)'\\')
            {
                if (at + 1 >= rest.Length)
                {
                    return false;
                }
                switch (rest[at + 1])
                {
                    case (byte)'b': c = (byte)'\b'; break;
                    case (byte)'f': c = (byte)'\f'; break;
                    case (byte)'n': c = (byte)'\n'; break;
                    case (byte)'r': c = (byte)'\r'; break;
                    case (byte)'t': c = (byte)'\t'; break;
                    case (byte)'"': c = (byte)'"'; break;
                    case (byte)'\\': c = (byte)'\\'; break;
                    case (byte)'/': c = (byte)'/'; break;
                    default: return false; // \u escapes (and invalid ones) take the general parser
                }
                at++;
            }
            output[written++] = c;
            at++;
        }
        // Escapes only stand for ASCII, so the unescaped bytes are UTF-8 exactly when the string's bytes are.
        if (!Utf8.IsValid(output[..written]))
        {
            return false;
        }
        int close = at;
        length = written;

        rest = rest[(close + 1)..];
        if (!rest.StartsWith(",\"index\":"u8))
        {
            return false;
        }
        rest = rest[",\"index\":"u8.Length..];
        // A plain non-negative integer of at most 18 digits, no leading zero: it cannot overflow a long.
        int digits = 0;
        while (digits < rest.Length && char.IsAsciiDigit((char)rest[digits]))
        {
            digits++;
        }
        if (digits == 0 || digits > 18 || (digits > 1 && rest[0] == (byte)'0'))
        {
            return false;
        }
        for (int d = 0; d < digits; d++)
        {
            index = index * 10 + (rest[d] - (byte)'0');
        }
        rest = rest[digits..];
        if (rest.StartsWith(",\"leafHash\":\""u8))
        {
            rest = rest[",\"leafHash\":\""u8.Length..];
            int quote = rest.IndexOf((byte)'"');
            if (quote < 0 || !LogExportRecord.TryDecodeHash(rest[..quote], leafHash))
            {
                return false;
            }
            hasLeaf = true;
            rest = rest[(quote + 1)..];
        }
        return rest.Length == 1 && rest[0] == (byte)'}';
    }
}
