using System.Runtime.InteropServices;

namespace Trading.Crypto.Bench;

/// <summary>
/// CPU time beside wall time: on a machine shared with other busy processes, wall time mostly measures waiting for a
/// core. .NET exposes the process's total CPU time but not the calling thread's, hence clock_gettime.
/// </summary>
internal static partial class CpuClock
{
    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out Timespec time);

    private static double Ms(int clock)
    {
        ClockGetTime(clock, out var t);
        return t.Seconds * 1000.0 + t.Nanoseconds / 1e6;
    }

    /// <summary>CLOCK_THREAD_CPUTIME_ID: the calling thread only.</summary>
    public static double ThreadMs() => Ms(3);

    /// <summary>CLOCK_PROCESS_CPUTIME_ID: every thread of the process, the runtime's own included.</summary>
    public static double ProcessMs() => Ms(2);
}
