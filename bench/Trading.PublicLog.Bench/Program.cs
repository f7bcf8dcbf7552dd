using System.Diagnostics;
using BenchmarkDotNet.Running;
using Trading.PublicLog;
using Trading.PublicLog.Bench;

// "--stopwatch [runs]": the full-verification cases timed directly, wall and CPU time per run. On a shared
// machine CPU time says what the code costs while wall time says what the load did to it.
// "--cli-files DIR": writes a 1,000,000-entry download, its checkpoints and a development PKI into DIR, so the
// whole `trading verify-log` process can be timed against `sha256sum` of the same file (bench/cli-verify-log.sh).
if (args is ["--cli-files", var dir])
{
    CliFiles.Write(dir, MillionLog.Size);
    Console.WriteLine($"wrote {dir}");
    return;
}

// "--profile": where the row-by-row path's CPU goes, step by step (each row adds one step to the one above).
if (args is ["--profile", ..])
{
    var bench = new FullVerification();
    bench.Setup();
    Console.WriteLine($"# steps of the JSON Lines path over 1,000,000 entries, load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
    foreach (var (name, run) in bench.Steps().Where(s => args.Length < 2 || s.Name.Contains(args[1], StringComparison.Ordinal)))
    {
        run();
        for (var i = 0; i < 2; i++)
        {
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var sw = Stopwatch.StartNew();
            run();
            Console.WriteLine($"{name,-58} wall {sw.Elapsed.TotalSeconds,6:F2} s  cpu {(Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds,6:F2} s  load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
        }
    }
    return;
}

if (args is ["--stopwatch", ..])
{
    var runs = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 3;
    var bench = new FullVerification();
    bench.Setup();
    Console.WriteLine($"# full verification of 1,000,000 entries, {Environment.ProcessorCount} cores, load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
    var cases = new (string Name, Func<bool> Run)[]
    {
        ("hashes only (records in memory)", bench.Hashes_only_1M),
        ("with entry format (records in memory)", bench.With_entry_format_1M),
        ("from JSON Lines", bench.From_json_lines_1M),
        ("SHA-256 of the JSON Lines download (baseline)", bench.Sha256_of_the_download),
        ("from JSON Lines with entry format, row by row", bench.From_json_lines_with_entry_format_1M),
        ("from JSON Lines with entry format, parallel (verify-log)", bench.Verify_json_lines_parallel_1M),
    };
    foreach (var (name, run) in cases)
    {
        run(); // warm-up
        for (var i = 0; i < runs; i++)
        {
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var sw = Stopwatch.StartNew();
            run();
            sw.Stop();
            var used = Process.GetCurrentProcess().TotalProcessorTime - cpu;
            Console.WriteLine($"{name,-58} wall {sw.Elapsed.TotalSeconds,6:F2} s  cpu {used.TotalSeconds,6:F2} s  load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
        }
    }
    bench.Cleanup();
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
