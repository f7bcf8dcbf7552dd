using System.Diagnostics;
using System.Security.Cryptography;
using Trading.Crypto;

namespace Trading.Crypto.Tests;

public sealed class PageCacheTests : IDisposable
{
    // Beside the test binaries, on the checkout's disk: a tmpfs /tmp would keep every page whatever the advice.
    private readonly string _dir = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "page-cache-" + Guid.NewGuid().ToString("N"))).FullName;

    [Fact]
    public void A_file_on_disk_leaves_the_page_cache_when_dropped_and_still_reads_back_whole()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "posix_fadvise is used on Linux only");
        var path = Path.Combine(_dir, "package.bin");
        var bytes = RandomNumberGenerator.GetBytes(8 << 20);
        using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 0))
        {
            file.Write(bytes);
            file.Flush(flushToDisk: true);
            Assert.True(Resident(path) > 4 << 20, "a file just written is in the cache");

            PageCache.Drop(file.SafeFileHandle);

            // The kernel may keep a page or two it is still using; the file's megabytes are gone.
            Assert.InRange(Resident(path), 0, 64 << 10);
        }
        Assert.Equal(SHA256.HashData(bytes), SHA256.HashData(File.ReadAllBytes(path)));
    }

    [Fact]
    public void A_file_written_with_write_behind_keeps_about_two_windows_in_the_cache_and_reads_back_whole()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "sync_file_range is used on Linux only");
        var path = Path.Combine(_dir, "envelope.bin");
        const int window = 1 << 20;
        using var whole = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 0))
        {
            var behind = new PageCache.WriteBehind(file.SafeFileHandle, window);
            for (var i = 0; i < 48; i++)
            {
                var block = RandomNumberGenerator.GetBytes(256 << 10);
                whole.AppendData(block);
                file.Write(block);
                behind.Wrote(block.Length);
            }
            // 12 MiB written in 1 MiB windows: everything but the last two windows has been handed back.
            Assert.InRange(behind.Held, window, 2 * window);
            Assert.InRange(Resident(path), 0, 2 * window + (64 << 10));
        }
        Assert.Equal(whole.GetHashAndReset(), SHA256.HashData(File.ReadAllBytes(path)));
    }

    [Fact]
    public async Task A_file_written_through_the_write_behind_stream_in_blocks_larger_than_a_window_keeps_two_windows_cached_and_reads_back_whole()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "sync_file_range is used on Linux only");
        var path = Path.Combine(_dir, "package.zip");
        const int window = 1 << 20;
        using var whole = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        await using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 0))
        {
            var stream = new PageCache.WriteBehindStream(file, window);
            // Blocks of 3 MiB and a tail, as the envelope pipeline writes them: each is cut into 1 MiB system calls.
            foreach (var size in new[] { 3 << 20, 3 << 20, 3 << 20, 3 << 20, 12_345 })
            {
                var block = RandomNumberGenerator.GetBytes(size);
                whole.AppendData(block);
                await stream.WriteAsync(block);
            }
            Assert.Equal((12L << 20) + 12_345, file.Length);
            // Everything but the windows still being written back has left the cache.
            Assert.InRange(Resident(path), 0, 2 * (3 << 20) + (64 << 10));
        }
        Assert.Equal(whole.GetHashAndReset(), SHA256.HashData(File.ReadAllBytes(path)));
    }

    [Fact]
    public async Task Write_behind_on_a_pipe_stops_quietly_and_the_bytes_still_arrive()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "sync_file_range is used on Linux only");
        using var server = new System.IO.Pipes.AnonymousPipeServerStream(System.IO.Pipes.PipeDirection.Out);
        using var client = new System.IO.Pipes.AnonymousPipeClientStream(System.IO.Pipes.PipeDirection.In, server.ClientSafePipeHandle);
        var behind = new PageCache.WriteBehind(new Microsoft.Win32.SafeHandles.SafeFileHandle(server.SafePipeHandle.DangerousGetHandle(), ownsHandle: false), 4096);
        var reader = Task.Run(() => { var got = new MemoryStream(); client.CopyTo(got); return got.Length; });
        for (var i = 0; i < 4; i++)
        {
            server.Write(new byte[8192]);
            behind.Wrote(8192);
        }
        server.Dispose();
        Assert.Equal(4 * 8192, await reader);
        // The pipe refused sync_file_range, so nothing was counted as handed back.
        Assert.Equal(4 * 8192, behind.Held);
    }

    private static long Resident(string path)
    {
        // util-linux's fincore reports the bytes of a file held in the page cache (mincore).
        using var p = Process.Start(new ProcessStartInfo("fincore", ["--bytes", "--noheadings", "--output", "RES", path]) { RedirectStandardOutput = true })!;
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.Equal(0, p.ExitCode);
        return long.Parse(output.Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
