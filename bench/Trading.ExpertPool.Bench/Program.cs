using System.Diagnostics;
using BenchmarkDotNet.Running;
using Trading.ExpertPool;
using Trading.ExpertPool.Bench;

if (args is ["--profile", ..])
{
    // A quick breakdown outside BenchmarkDotNet: CPU time per phase, which stays meaningful when
    // the shared machine is loaded and wall-clock times are not.
    var b = new DrawBenchmarks { PoolSize = 100_000 };
    b.Setup();
    // A fixed reference workload, so a reader can tell how loaded the shared machine was:
    // SHA-256 over 16 MiB takes roughly 10 ms on an idle core with SHA extensions.
    var block = new byte[16 << 20];
    Measure("calibration: SHA-256 of 16 MiB (compute-bound)", () => System.Security.Cryptography.SHA256.HashData(block));
    // And a memory-bound one, the kind of work screening a pool is: a HashSet of the 100,000
    // expert ids, a few milliseconds on an idle machine.
    var ids = Enumerable.Range(0, 100_000).Select(i => $"E{i:D7}").ToArray();
    Measure("calibration: HashSet of 100,000 ids (memory-bound)", () => new HashSet<string>(ids, StringComparer.Ordinal));
    Measure("screen only", () => b.Screen());
    Measure("filter + draw", () => b.PrepareAndDraw());
    Measure("verify (record object)", () => b.Verify());
    Measure("verify (from JSON bytes)", () => b.VerifyJson());
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);

static void Measure(string name, Func<object> action)
{
    for (var i = 0; i < 3; i++)
    {
        action();
    }
    const int runs = 10;
    var cpu = Process.GetCurrentProcess().TotalProcessorTime;
    var wall = Stopwatch.StartNew();
    for (var i = 0; i < runs; i++)
    {
        action();
    }
    wall.Stop();
    var used = Process.GetCurrentProcess().TotalProcessorTime - cpu;
    Console.WriteLine($"| {name} | {used.TotalMilliseconds / runs:F1} ms CPU | {wall.Elapsed.TotalMilliseconds / runs:F1} ms wall |");
}
