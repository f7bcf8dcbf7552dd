using System.Collections.Concurrent;
using Npgsql;

namespace Trading.Web.Tests.Infrastructure;

/// <summary>
/// The demo seeded once per configuration and copied for each test: a PostgreSQL template database
/// (<c>CREATE DATABASE … TEMPLATE</c>) and a copy of the data folder it was seeded with (documents, bids, keys).
/// Seeding plays real ceremonies, draws and openings, too slow to repeat for each of the web suite's tests; a copy
/// is the same state the seeding would have produced, since the test clock starts at the same instant every time.
/// </summary>
public static class SeededTemplates
{
    private sealed record Template(string Database, string DataDirectory);

    private static readonly ConcurrentDictionary<string, Lazy<Task<Template>>> Made = new(StringComparer.Ordinal);
    // PostgreSQL refuses to copy a template while another session reads it; copies from one template take turns.
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Turns = new(StringComparer.Ordinal);

    /// <summary>Replaces the (empty) database of <paramref name="connectionString"/> and fills <paramref name="dataDirectory"/> from the template for these settings.</summary>
    public static async Task CopyInto(string connectionString, string dataDirectory, IReadOnlyDictionary<string, string> settings, int signInPerMinute)
    {
        var key = string.Join('\n', settings.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + "=" + p.Value)) + "\nsignin=" + signInPerMinute;
        var template = await Made.GetOrAdd(key, _ => new Lazy<Task<Template>>(() => MakeAsync(connectionString, settings, signInPerMinute))).Value;
        var target = new NpgsqlConnectionStringBuilder(connectionString).Database!;
        var turn = Turns.GetOrAdd(template.Database, _ => new SemaphoreSlim(1, 1));
        await turn.WaitAsync();
        try
        {
            await using var admin = new NpgsqlConnection(Admin(connectionString));
            await admin.OpenAsync();
            await using (var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{target}\"", admin)) await drop.ExecuteNonQueryAsync();
            await using (var create = new NpgsqlCommand($"CREATE DATABASE \"{target}\" TEMPLATE \"{template.Database}\"", admin)) await create.ExecuteNonQueryAsync();
        }
        finally { turn.Release(); }
        Copy(template.DataDirectory, dataDirectory);
    }

    // One seeding at a time: each plays the demo's history (tens of CPU-seconds), and several at once on a small machine
    // starve the browser tests already running into their timeouts.
    private static readonly SemaphoreSlim Seeding = new(1, 1);

    private static async Task<Template> MakeAsync(string like, IReadOnlyDictionary<string, string> settings, int signInPerMinute)
    {
        await Seeding.WaitAsync();
        try { return await SeedAsync(like, settings, signInPerMinute); }
        finally { Seeding.Release(); }
    }

    private static async Task<Template> SeedAsync(string like, IReadOnlyDictionary<string, string> settings, int signInPerMinute)
    {
        var name = $"template_{Guid.NewGuid():N}";
        await using (var admin = new NpgsqlConnection(Admin(like)))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", admin);
            await create.ExecuteNonQueryAsync();
        }
        // Unpooled, so that no idle connection to the template stays open and blocks the copies.
        var cs = new NpgsqlConnectionStringBuilder(like) { Database = name, Pooling = false }.ConnectionString;
        var dir = Path.Combine(Path.GetTempPath(), "trading-web-tests", name);
        await using (var seeding = TradingFactory.ForTemplate(cs, dir, settings, signInPerMinute))
            _ = seeding.Services; // migrates and seeds
        return new Template(name, dir);
    }

    /// <summary>At the end of the run (the databases go with the server).</summary>
    public static void DeleteDataFolders()
    {
        foreach (var made in Made.Values.Where(m => m.IsValueCreated && m.Value.IsCompletedSuccessfully))
            try { Directory.Delete(made.Value.Result.DataDirectory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private static string Admin(string like) => new NpgsqlConnectionStringBuilder(like) { Database = "postgres", Pooling = false }.ConnectionString;

    private static void Copy(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var d in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, d)));
        foreach (var f in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
            File.Copy(f, Path.Combine(to, Path.GetRelativePath(from, f)), overwrite: false);
    }
}
