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
