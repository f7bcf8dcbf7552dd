using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Trading.Data;
using Trading.LogAppend.Bench;
using Trading.Web.Infrastructure;

// Appends per second to the public log on a throwaway PostgreSQL server (started from the installed binaries,
// like the web tests do), through the web app's own PublicLogWriter: one transaction per append (advisory lock, entry,
// tree nodes, commit), with 1 and 8 concurrent writers, and batched (many appends per transaction); then queued
// (each act commits its entry without the lock, a sequencer numbers them in batches) with 1, 8 and 16 writers.
// Usage: dotnet run -c Release --project bench/Trading.LogAppend.Bench [-- seconds]
var seconds = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 10;
await using var pg = await ThrowawayPostgres.StartAsync();
var options = new DbContextOptionsBuilder<TradingDbContext>().UseNpgsql(pg.ConnectionString, n => n.MigrationsAssembly("Trading.Data.Postgres")).Options;
await using (var db = new TradingDbContext(options)) await db.Database.MigrateAsync();
var key = new PseudonymKey(new byte[32]);

Task<(long Appends, double Seconds)> RunAsync(int writers, int perTransaction, TimeSpan duration) => AppendRun.RunAsync(options, key, writers, perTransaction, duration);

if (Environment.GetEnvironmentVariable("LOG_BENCH_PHASES") is "1")
{
    // Where the time of a one-append transaction goes (wall and app CPU per phase), one writer.
    var phases = new double[5];
    var cpus = new double[5];
    const int n = 300;
    for (var k = 0; k < n + 50; k++)
    {
        var marks = new List<(long Ticks, TimeSpan Cpu)>();
        void Mark() => marks.Add((Stopwatch.GetTimestamp(), Process.GetCurrentProcess().TotalProcessorTime));
        Mark();
        await using var db = new TradingDbContext(options);
        var log = new PublicLogWriter(db, TimeProvider.System, key);
        await using var tx = await db.Database.BeginTransactionAsync();
        Mark();
        await log.LockAsync();
        Mark();
        await log.AppendAsync("bid.submitted", null, new { lot = "1", bidder = log.Pseudonym("firm", "w"), ciphertextSha256 = new string('a', 64), ciphertextLength = 123456L, k });
        Mark();
        await db.SaveChangesAsync();
        Mark();
        await tx.CommitAsync();
        Mark();
        if (k < 50) continue;
        for (var i = 0; i < 5; i++)
        {
            phases[i] += Stopwatch.GetElapsedTime(marks[i].Ticks, marks[i + 1].Ticks).TotalMicroseconds / n;
            cpus[i] += (marks[i + 1].Cpu - marks[i].Cpu).TotalMicroseconds / n;
        }
    }
    string[] names = ["context+begin", "lock+head", "append (memory)", "SaveChanges", "commit"];
    for (var i = 0; i < 5; i++) Console.WriteLine($"{names[i],-16} wall {phases[i],8:F0} µs  app cpu {cpus[i],8:F0} µs");
    return;
}

Console.WriteLine($"# public log appends on PostgreSQL ({pg.Version}), {Environment.ProcessorCount} cores, load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
await RunAsync(2, 1, TimeSpan.FromSeconds(2)); // warm-up: JIT, connection pool, first pages
// LOG_BENCH_QUEUED=1 runs only the queued rows (the locked ones take most of the run).
var lockedRows = Environment.GetEnvironmentVariable("LOG_BENCH_QUEUED") is "1" ? [] : new[] { (1, 1), (8, 1), (1, 10), (8, 10), (1, 100), (8, 100), (1, 1000), (8, 1000) };
foreach (var (writers, batch) in lockedRows)
{
    var cpu = Process.GetCurrentProcess().TotalProcessorTime;
    var (appends, secs) = await RunAsync(writers, batch, TimeSpan.FromSeconds(seconds));
    // CPU of this process (the app side: JSON, hashing, EF) per append; the server's share is not in it.
    var cpuPerAppend = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMicroseconds / Math.Max(1, appends);
    Console.WriteLine($"writers {writers,2}  appends/transaction {batch,4}  appends {appends,8}  {appends / secs,9:F0} appends/s  app cpu {cpuPerAppend,6:F0} µs/append  load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
}
// Queued appends: each act commits its entry without the lock; one sequencer numbers them in batches.
static (long Busy, long All) CpuTicks()
{
    // /proc/stat's first line: user nice system idle iowait irq softirq steal ...; idle and iowait are not busy.
    var f = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8).Select(long.Parse).ToArray();
    var all = f.Sum();
    return (all - f[3] - f[4], all);
}
await AppendRun.RunQueuedAsync(options, key, 4, TimeSpan.FromSeconds(2)); // warm-up of the queued path
foreach (var writers in new[] { 1, 8, 16 })
{
    var cpu = Process.GetCurrentProcess().TotalProcessorTime;
    var ticks = CpuTicks();
    var (appends, secs, largest) = await AppendRun.RunQueuedAsync(options, key, writers, TimeSpan.FromSeconds(seconds));
    var cpuPerAppend = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMicroseconds / Math.Max(1, appends);
    // The machine's busy share over the row (this process, PostgreSQL and anything else): whether the rate is CPU-bound.
    var after = CpuTicks();
    var busy = (double)(after.Busy - ticks.Busy) / Math.Max(1, after.All - ticks.All);
    // The same run's baseline: the same transactions with nothing numbered meanwhile, then the queue drained on its own.
    var (commits, commitSecs, _) = await AppendRun.RunQueuedAsync(options, key, writers, TimeSpan.FromSeconds(seconds), sequenceAlongside: false);
    var (drained, drainSecs) = await AppendRun.DrainAsync(options, key);
    Console.WriteLine($"writers {writers,2}  queued, one per transaction  appends {appends,8}  {appends / secs,9:F0} appends/s numbered" +
        $"  (baseline: the same transactions alone {commits / commitSecs:F0}/s, the sequencer alone {drained / drainSecs:F0}/s)" +
        $"  largest pass {largest,5}  app cpu {cpuPerAppend,6:F0} µs/append  machine busy {busy,4:P0}  load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
}
var (size, gapless, nodesOk) = await AppendRun.CheckAsync(options);
Console.WriteLine($"log size {size}, gapless: {gapless}, stored nodes match a recomputation: {nodesOk}");

sealed class ThrowawayPostgres : IAsyncDisposable
{
    private string _dir = "", _bin = "";
    private bool _asPostgres;
    public string ConnectionString { get; private set; } = "";
    public string Version => Path.GetFileName(Path.GetDirectoryName(_bin)!);

    public static async Task<ThrowawayPostgres> StartAsync()
    {
        var p = new ThrowawayPostgres();
        p._bin = Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).First(b => File.Exists(Path.Combine(b, "initdb")));
        p._dir = Path.Combine(Path.GetTempPath(), "trading-bench-pg-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(p._dir);
        p._asPostgres = Environment.UserName == "root";
        if (p._asPostgres) await p.RunAsync("chown", ["-R", "postgres", p._dir], false);
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        await p.RunAsync(Path.Combine(p._bin, "initdb"), ["-D", Path.Combine(p._dir, "data"), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"]);
        // Durable commits (fsync on, synchronous_commit on): the numbers are for a real deployment, not a test setting.
        await p.RunAsync(Path.Combine(p._bin, "pg_ctl"), ["-D", Path.Combine(p._dir, "data"), "-l", Path.Combine(p._dir, "log"), "-w", "-t", "60", "start",
            "-o", $"-p {port} -k {p._dir} -c listen_addresses=127.0.0.1 -c max_connections=50"]);
        p.ConnectionString = new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = port, Username = "postgres", Database = "postgres", MaxPoolSize = 20 }.ConnectionString;
        return p;
    }

    private async Task RunAsync(string file, string[] args, bool? asPostgres = null)
    {
        var psi = new ProcessStartInfo { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (asPostgres ?? _asPostgres) { psi.FileName = "runuser"; foreach (var a in (string[])["-u", "postgres", "--", file, .. args]) psi.ArgumentList.Add(a); }
        else { psi.FileName = file; foreach (var a in args) psi.ArgumentList.Add(a); }
        using var proc = Process.Start(psi)!;
        var o = proc.StandardOutput.ReadToEndAsync();
        var e = proc.StandardError.ReadToEndAsync();
        await proc.WaitForExitAsync();
        if (proc.ExitCode != 0) throw new InvalidOperationException($"{file} failed: {await e} {await o}");
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        try { await RunAsync(Path.Combine(_bin, "pg_ctl"), ["-D", Path.Combine(_dir, "data"), "-m", "fast", "-w", "stop"]); } catch (InvalidOperationException) { }
        try { Directory.Delete(_dir, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
