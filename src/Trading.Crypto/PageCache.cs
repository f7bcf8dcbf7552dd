using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Trading.Crypto;

/// <summary>
/// Hands a file's cached pages back to the kernel once the file is on disk. Why: on a virtual machine whose free memory
/// is returned to the host (free page reporting, as on the platform's own VMs), every page the page cache takes from
/// the free pool is faulted in from the host on first touch. An opening that keeps 200 packages of 20 MiB grows the
/// cache by 4 GiB, and copying into those cold pages was two thirds of the opening's CPU samples; writing 1 GiB files
/// one after another, the third and later cost 5.7-7.3 s of system time each against 0.4-0.5 s when each file's pages
/// are dropped after it is written, so the next file reuses them (dd, bench/results/deadline-line-rate.md, issue 19).
/// Used by the web app's file store for decrypted packages and by the CLI for the envelopes and bids it writes (it
/// lives here for the unsafe code the imports need). Neither is read again soon, so nothing is lost by not caching it. .NET has no call for
/// posix_fadvise or sync_file_range, hence the imports; where they are missing (not Linux) nothing is done.
/// </summary>
public static partial class PageCache
{
    private const int DontNeed = 4; // POSIX_FADV_DONTNEED on Linux
    private const uint WaitBefore = 1, Write = 2, WaitAfter = 4; // SYNC_FILE_RANGE_* on Linux
    private const int Einval = 22, Espipe = 29, Enosys = 38; // errno values meaning "not for this file" on Linux

    [LibraryImport("libc", EntryPoint = "posix_fadvise")]
    private static partial int Fadvise(SafeFileHandle fd, long offset, long length, int advice);

    [LibraryImport("libc", EntryPoint = "sync_file_range", SetLastError = true)]
    private static partial int SyncFileRange(SafeFileHandle fd, long offset, long length, uint flags);

    /// <summary>Drops the pages of a file already flushed to disk (dirty pages are not dropped; the caller syncs first).</summary>
    public static void Drop(SafeFileHandle file) => Drop(file, 0, 0);

    private static void Drop(SafeFileHandle file, long offset, long length)
    {
        if (!OperatingSystem.IsLinux()) return;
        try
        {
            _ = Fadvise(file, offset, length, DontNeed);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // Only advice: without it the file is cached as before.
        }
    }

    /// <summary>
    /// Write-behind for a large file written front to back and not read again soon (a sealed envelope, an opened bid
    /// from the command line): each window of <paramref name="window"/> bytes is sent to the disk as soon as it is
    /// written, and the window before it, by then on disk, leaves the page cache. The file then occupies two windows of
    /// cache, whose pages the next windows reuse, instead of a fresh gibibyte (the cost above). It is the streaming-write
    /// pattern of sync_file_range(2); it makes nothing durable (no metadata, no cache flush), so it replaces no fsync.
    /// </summary>
    public sealed class WriteBehind(SafeFileHandle file, long window = 8 << 20)
    {
        private long written, started, dropped;
        private bool off = !OperatingSystem.IsLinux();

        /// <summary>Bytes of the file now in the page cache that this helper has not yet handed back.</summary>
        public long Held => written - dropped;

        /// <summary>Called after each write, with the bytes it added at the end of the file.</summary>
        public void Wrote(long bytes)
        {
            written += bytes;
            if (off || written - started < window) return;
            try
            {
                // Start writing back the window just filled, then wait for the previous one and drop it.
                if (SyncFileRange(file, started, written - started, Write) != 0 ||
                    (started > dropped && SyncFileRange(file, dropped, started - dropped, WaitBefore | Write | WaitAfter) != 0))
                {
                    var errno = Marshal.GetLastPInvokeError();
                    if (errno is not (Einval or Espipe or Enosys))
                    {
                        // The disk refused the bytes (EIO, ENOSPC): the writer learns it now, not from a file found short later.
                        throw new IOException($"writing the file back to disk failed: {Marshal.GetPInvokeErrorMessage(errno)}");
                    }
                    // A file system without it (or a pipe): the file is cached as it would be without the helper.
                    off = true;
                    return;
                }
                if (started > dropped)
                {
                    // (A length of 0 would mean "to the end of the file".)
                    Drop(file, dropped, started - dropped);
                    dropped = started;
                }
                started = written;
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
            {
                off = true;
            }
        }
    }

    /// <summary>
    /// Writes a large file front to back in pieces of 1 MiB, one system call each, with write-behind
    /// (<see cref="WriteBehind"/>); an asynchronous write runs the whole block on a pool thread, so the caller can hash
    /// or decrypt the next block while the kernel copies. Used where a file is written once and not read again soon: the
    /// CLI's sealed envelopes and opened bids (1 GiB opened in 1.6-1.8 s with write-behind against 4.2-4.6 s without on
    /// the platform's VM), and the packages the web app's opening keeps. With pages reused, 1 MiB pieces cost a third
    /// less system time than 32 KiB pieces (bench/results/crypto.md, issue 19).
    /// </summary>
    public sealed class WriteBehindStream(FileStream file, long window) : Stream
    {
        private readonly WriteBehind behind = new(file.SafeFileHandle, window);

        /// <summary>Bytes per write system call.</summary>
        public const int Piece = 1 << 20;

        /// <inheritdoc/>
        public override bool CanRead => false;
        /// <inheritdoc/>
        public override bool CanSeek => false;
        /// <inheritdoc/>
        public override bool CanWrite => true;
        /// <inheritdoc/>
        public override long Length => file.Length;
        /// <inheritdoc/>
        public override long Position { get => file.Position; set => throw new NotSupportedException(); }
        /// <inheritdoc/>
        public override void Flush() => file.Flush();
        /// <inheritdoc/>
        public override Task FlushAsync(CancellationToken cancellationToken) => file.FlushAsync(cancellationToken);
        /// <inheritdoc/>
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        /// <inheritdoc/>
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        /// <inheritdoc/>
        public override void SetLength(long value) => throw new NotSupportedException();
        /// <inheritdoc/>
        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        /// <inheritdoc/>
        public override void Write(ReadOnlySpan<byte> buffer)
        {
            for (var at = 0; at < buffer.Length; at += Piece)
            {
                file.Write(buffer.Slice(at, Math.Min(Piece, buffer.Length - at)));
            }
            behind.Wrote(buffer.Length);
        }

        /// <inheritdoc/>
        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        /// <inheritdoc/>
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
            new(Task.Run(() => Write(buffer.Span), cancellationToken));
    }
}
