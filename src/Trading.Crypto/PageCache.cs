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
/// Used by the web app's file store for decrypted packages (it lives here for the unsafe code the import needs).
/// A package is not read again until the evaluation, so nothing is lost by not caching it. .NET has no call for
/// posix_fadvise, hence the one import; where it is missing (not Linux) it does nothing.
/// </summary>
public static partial class PageCache
{
    private const int DontNeed = 4; // POSIX_FADV_DONTNEED on Linux

    [LibraryImport("libc", EntryPoint = "posix_fadvise")]
    private static partial int Fadvise(SafeFileHandle fd, long offset, long length, int advice);

    /// <summary>Drops the pages of a file already flushed to disk (dirty pages are not dropped; the caller syncs first).</summary>
    public static void Drop(SafeFileHandle file)
    {
        if (!OperatingSystem.IsLinux()) return;
        try
        {
            _ = Fadvise(file, 0, 0, DontNeed);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // Only advice: without it the file is cached as before.
        }
    }
}
