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
