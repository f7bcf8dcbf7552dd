using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

[assembly: AssemblyFixture(typeof(Trading.Web.Tests.Infrastructure.PostgresServer))]

namespace Trading.Web.Tests.Infrastructure;

/// <summary>
/// A throwaway PostgreSQL server started from the installed binaries, once per test run. Each test class
/// gets its own database. Runs initdb/pg_ctl as the postgres user when the tests run as root, because
/// PostgreSQL refuses to run as root.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private const string DirPrefix = "trading-pg-";
    private string _dir = "";
    private string _bin = "";
    private bool _asPostgresUser;
    public int Port { get; private set; }

    public async ValueTask InitializeAsync()
    {
        _bin = FindBinaries();
        CleanStaleDirectories();
        _dir = Path.Combine(Path.GetTempPath(), DirPrefix + Environment.ProcessId + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(_dir);
        _asPostgresUser = Environment.UserName == "root";
        if (_asPostgresUser)
            await RunAsync("chown", ["-R", "postgres", _dir], asPostgres: false);
        Port = FreePort();
        await RunAsync(Path.Combine(_bin, "initdb"), ["-D", Path.Combine(_dir, "data"), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"]);
        await RunAsync(Path.Combine(_bin, "pg_ctl"), ["-D", Path.Combine(_dir, "data"), "-l", Path.Combine(_dir, "log"), "-w", "-t", "60", "start",
            "-o", $"-p {Port} -k {_dir} -c listen_addresses=127.0.0.1 -F -c max_connections=200"]);
    }

    public string ConnectionString(string database) =>
        new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = Port, Username = "postgres", Database = database, Pooling = true, MaxPoolSize = 20 }.ConnectionString;

    /// <summary>Creates an empty database for one test class and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix)
    {
        var full = $"{prefix.ToLowerInvariant()}_{Guid.NewGuid():N}";
        var name = full[..Math.Min(full.Length, 60)];
        await using var conn = new NpgsqlConnection(ConnectionString("postgres"));
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", conn);
        await cmd.ExecuteNonQueryAsync();
        return ConnectionString(name);
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        SeededTemplates.DeleteDataFolders();
        if (_dir.Length == 0) return;
        try { await RunAsync(Path.Combine(_bin, "pg_ctl"), ["-D", Path.Combine(_dir, "data"), "-m", "immediate", "-w", "stop"]); }
        catch (InvalidOperationException) { /* already stopped */ }
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private static string FindBinaries()
    {
        var env = Environment.GetEnvironmentVariable("PG_BIN");
        if (!string.IsNullOrEmpty(env) && File.Exists(Path.Combine(env, "initdb"))) return env;
        var root = "/usr/lib/postgresql";
        var found = Directory.Exists(root)
            ? Directory.GetDirectories(root).Select(d => Path.Combine(d, "bin")).Where(b => File.Exists(Path.Combine(b, "initdb")))
                .OrderByDescending(b => int.TryParse(Path.GetFileName(Path.GetDirectoryName(b)), out var v) ? v : 0).FirstOrDefault()
            : null;
        return found ?? throw new InvalidOperationException(
            "PostgreSQL server binaries were not found (looked in $PG_BIN and /usr/lib/postgresql/*/bin). Install them with 'apt-get install postgresql' or set PG_BIN; .ci/run does this.");
    }

    private static void CleanStaleDirectories()
    {
        foreach (var d in Directory.GetDirectories(Path.GetTempPath(), DirPrefix + "*"))
        {
            // A directory whose owning test process is gone was left by a crashed run.
            var parts = Path.GetFileName(d)[DirPrefix.Length..].Split('-');
            if (int.TryParse(parts[0], out var pid) && ProcessAlive(pid)) continue;
            try { Directory.Delete(d, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private static bool ProcessAlive(int pid)
    {
        try { return !Process.GetProcessById(pid).HasExited; } catch (ArgumentException) { return false; }
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    private async Task RunAsync(string file, string[] args, bool? asPostgres = null)
    {
        var psi = new ProcessStartInfo { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (asPostgres ?? _asPostgresUser)
        {
            psi.FileName = "runuser";
            foreach (var a in (string[])["-u", "postgres", "--", file, .. args]) psi.ArgumentList.Add(a);
        }
        else
        {
            psi.FileName = file;
            foreach (var a in args) psi.ArgumentList.Add(a);
        }
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"Could not start {file}");
        // Read both streams while waiting: pg_ctl's child keeps them open and a full pipe would block it.
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await p.WaitForExitAsync(cts.Token);
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({p.ExitCode}): {await stderr} {await stdout}");
    }
}
