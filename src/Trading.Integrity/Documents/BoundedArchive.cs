using System.IO.Compression;

namespace Trading.Integrity.Documents;

/// <summary>
/// How much the screens read out of one archive (a bid's package, or a DOCX inside it). A bid is written by a party
/// who may want the screens switched off: a 1.2 MB DOCX can inflate to gigabytes, so every read is bounded by what
/// is actually decompressed, never by the sizes the ZIP directory claims.
/// </summary>
/// <param name="MaxEntryBytes">Largest decompressed entry read.</param>
/// <param name="MaxTotalBytes">Largest decompressed total read from one archive.</param>
/// <param name="MaxEntries">Most entries read from one archive; the rest are skipped with one note.</param>
/// <param name="MaxRatio">Largest ratio of decompressed to compressed bytes of an entry. Office XML and text compress
/// about 5-20 times; deflate cannot exceed about 1,032, and bombs sit near that.</param>
public sealed record ArchiveLimits(long MaxEntryBytes, long MaxTotalBytes, int MaxEntries, double MaxRatio)
{
    /// <summary>32 MiB per entry, 128 MiB per archive, 2,000 entries, ratio 200.</summary>
    public static ArchiveLimits Default { get; } = new(32L * 1024 * 1024, 128L * 1024 * 1024, 2000, 200);
}

/// <summary>Why an entry was not read; each maps to a message in both languages.</summary>
public enum ArchiveSkip
{
    /// <summary>Decompressed, the entry is larger than <see cref="ArchiveLimits.MaxEntryBytes"/>.</summary>
    EntryTooLarge,
    /// <summary>Reading it would pass <see cref="ArchiveLimits.MaxTotalBytes"/> for the archive.</summary>
    TotalTooLarge,
    /// <summary>It inflates more than <see cref="ArchiveLimits.MaxRatio"/> times its compressed size.</summary>
    CompressionRatio,
    /// <summary>The archive has more entries than <see cref="ArchiveLimits.MaxEntries"/>.</summary>
    TooManyEntries,
    /// <summary>The entry's data is damaged or uses a method that cannot be read.</summary>
    Unreadable,
}

/// <summary>An entry read whole, within the limits.</summary>
public sealed record ArchiveEntryBytes(string Name, byte[] Content);

/// <summary>An entry left out, with the reason and the bytes it claims or had reached.</summary>
public sealed record SkippedEntry(string Name, ArchiveSkip Reason, long Bytes);

/// <summary>Thrown by a bounded entry stream when reading on would break a limit.</summary>
public sealed class ArchiveLimitException(ArchiveSkip reason, long bytes)
    : IOException($"archive limit: {reason} at {bytes} bytes")
{
    /// <summary>The limit that stopped the read.</summary>
    public ArchiveSkip Reason { get; } = reason;
    /// <summary>Bytes inflated (or claimed by the directory) when it stopped.</summary>
    public long Bytes { get; } = bytes;
}

/// <summary>Reads ZIP archives within <see cref="ArchiveLimits"/>; screening degrades per file, never per platform.</summary>
public static class BoundedArchive
{
    /// <summary>
    /// Every file entry that <paramref name="include"/> accepts, read whole, in directory order, until the limits say
    /// stop; what is left out is listed with its reason. Never throws for a limit; a stream that is not a ZIP throws
    /// <see cref="InvalidDataException"/> as <see cref="ZipArchive"/> does.
    /// </summary>
    public static (List<ArchiveEntryBytes> Entries, List<SkippedEntry> Skipped) ReadAll(Stream zipStream, ArchiveLimits limits, Func<string, bool>? include = null)
    {
        ArgumentNullException.ThrowIfNull(limits);
        var read = new List<ArchiveEntryBytes>();
        var skipped = new List<SkippedEntry>();
        using var zip = new ZipArchive(zipStream, ZipArchiveMode.Read, leaveOpen: true);
        long total = 0;
        var seen = 0;
        foreach (var entry in zip.Entries)
        {
            if (entry.FullName.EndsWith('/') || include?.Invoke(entry.FullName) == false) continue;
            if (++seen > limits.MaxEntries)
            {
                // One note for the rest: 100,000 tiny entries must not become 100,000 notes.
                skipped.Add(new SkippedEntry("…", ArchiveSkip.TooManyEntries, zip.Entries.Count));
                break;
            }
            if (Precheck(entry, limits, total) is { } claim)
            {
                skipped.Add(new SkippedEntry(entry.FullName, claim, entry.Length));
                continue;
            }
            try
            {
                var bytes = ReadEntry(entry, Math.Min(limits.MaxEntryBytes, limits.MaxTotalBytes - total), limits.MaxRatio);
                total += bytes.Length;
                read.Add(new ArchiveEntryBytes(entry.FullName, bytes));
            }
            catch (ArchiveLimitException e)
            {
                // The directory lied about the size: the reason is what the bytes showed.
                var reason = e.Reason == ArchiveSkip.EntryTooLarge && e.Bytes <= limits.MaxEntryBytes ? ArchiveSkip.TotalTooLarge : e.Reason;
                skipped.Add(new SkippedEntry(entry.FullName, reason, e.Bytes));
            }
            catch (InvalidDataException)
            {
                skipped.Add(new SkippedEntry(entry.FullName, ArchiveSkip.Unreadable, entry.CompressedLength));
            }
        }
        return (read, skipped);
    }

    /// <summary>An entry's stream that stops with <see cref="ArchiveLimitException"/> at the limits, whatever the directory claims.</summary>
    public static Stream OpenBounded(ZipArchiveEntry entry, ArchiveLimits limits)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(limits);
        if (Precheck(entry, limits, 0) is { } claim) throw new ArchiveLimitException(claim, entry.Length);
        return new BoundedStream(entry.Open(), limits.MaxEntryBytes, RatioCap(entry, limits.MaxRatio));
    }

    /// <summary>What the directory's own numbers already rule out, before a byte is inflated.</summary>
    private static ArchiveSkip? Precheck(ZipArchiveEntry entry, ArchiveLimits limits, long total)
    {
        if (entry.Length > limits.MaxEntryBytes) return ArchiveSkip.EntryTooLarge;
        if (total + entry.Length > limits.MaxTotalBytes) return ArchiveSkip.TotalTooLarge;
        if (entry.Length > 0 && entry.Length > RatioCap(entry, limits.MaxRatio)) return ArchiveSkip.CompressionRatio;
        return null;
    }

    /// <summary>The most bytes an entry may inflate to by the ratio rule; small entries get 64 KiB of slack (a short text
    /// of repeated characters compresses far better than 200:1 and is harmless).</summary>
    private static long RatioCap(ZipArchiveEntry entry, double ratio) =>
        Math.Max(64 * 1024, (long)Math.Min(long.MaxValue / 2, entry.CompressedLength * ratio));

    private static byte[] ReadEntry(ZipArchiveEntry entry, long max, double ratio)
    {
        using var s = new BoundedStream(entry.Open(), max, RatioCap(entry, ratio));
        using var buffer = new MemoryStream();
        s.CopyTo(buffer);
        return buffer.ToArray();
    }

    /// <summary>Counts what is inflated and stops at the first limit; the reason says which.</summary>
    private sealed class BoundedStream(Stream inner, long maxBytes, long ratioCap) : Stream
    {
        private long _read;

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var n = inner.Read(buffer);
            _read += n;
            if (_read > maxBytes) throw new ArchiveLimitException(ArchiveSkip.EntryTooLarge, _read);
            if (_read > ratioCap) throw new ArchiveLimitException(ArchiveSkip.CompressionRatio, _read);
            return n;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _read; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
