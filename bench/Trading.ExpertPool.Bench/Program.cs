using System.Diagnostics;
using BenchmarkDotNet.Running;
using Trading.ExpertPool;
using Trading.ExpertPool.Bench;

if (args is ["--profile", ..])
{
    // A breakdown outside BenchmarkDotNet for a shared, loaded machine: every run is timed on its
    // own, and the minimum and median are printed for wall time and for the process's CPU time
    // (all threads, the collector's included). The minimum is the run that waited least for a core.
    var runs = args.Length > 1 && int.TryParse(args[1], out var n) ? n : 15;
    var b = new DrawBenchmarks { PoolSize = 100_000 };
    b.Setup();
    Console.WriteLine($"// {Environment.ProcessorCount} cores, server GC {System.Runtime.GCSettings.IsServerGC}, {runs} runs after 3 warm-ups; load average {LoadAverage()}");
    Console.WriteLine("| operation | wall min | wall median | CPU min | CPU median | allocated |");
    Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: |");
    // A fixed reference workload, so a reader can tell how loaded the shared machine was:
    // SHA-256 over 16 MiB takes roughly 10 ms on an idle core with SHA extensions.
    var block = new byte[16 << 20];
    Measure("calibration: SHA-256 of 16 MiB (compute-bound)", () => System.Security.Cryptography.SHA256.HashData(block), runs);
    // And a memory-bound one: a HashSet of the 100,000 expert ids, a few milliseconds on an idle machine.
    var ids = Enumerable.Range(0, 100_000).Select(i => $"E{i:D7}").ToArray();
    Measure("calibration: HashSet of 100,000 ids (memory-bound)", () => new HashSet<string>(ids, StringComparer.Ordinal), runs);
    Measure("screen only", () => b.Screen(), runs);
    Measure("  of which: pseudonyms and canonical order of the eligible", () => b.Pseudonyms(), runs);
    Measure("  of which: seed, three permutations, selection (DrawProcess.Draw)", () => b.DrawOnly(), runs);
    Measure("filter + draw", () => b.PrepareAndDraw(), runs);
    Measure("verify (record object)", () => b.Verify(), runs);
    Measure("verify (from JSON bytes)", () => b.VerifyJson(), runs);
    Console.WriteLine($"// load average after: {LoadAverage()}");
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);

static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

static void Measure(string name, Func<object> action, int runs)
{
    for (var i = 0; i < 3; i++)
    {
        action();
    }
    var wall = new double[runs];
    var cpu = new double[runs];
    long allocated = 0;
    var process = Process.GetCurrentProcess();
    for (var i = 0; i < runs; i++)
    {
        process.Refresh();
        var c0 = process.TotalProcessorTime;
        var a0 = GC.GetTotalAllocatedBytes();
        var sw = Stopwatch.StartNew();
        action();
        sw.Stop();
        allocated += GC.GetTotalAllocatedBytes() - a0;
        process.Refresh();
        wall[i] = sw.Elapsed.TotalMilliseconds;
        cpu[i] = (process.TotalProcessorTime - c0).TotalMilliseconds;
    }
    Array.Sort(wall);
    Array.Sort(cpu);
    Console.WriteLine($"| {name} | {wall[0]:F1} ms | {wall[runs / 2]:F1} ms | {cpu[0]:F1} ms | {cpu[runs / 2]:F1} ms | {allocated / runs / 1e6:F1} MB |");
}
