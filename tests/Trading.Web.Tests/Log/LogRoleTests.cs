using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Trading.PublicLog;
using Trading.Web.Tests.Infrastructure;

namespace Trading.Web.Tests.Log;

using Trading.Web.Features.Log;

/// <summary>
/// The application's own database role: it runs the whole app, but PostgreSQL itself refuses it UPDATE, DELETE and
/// TRUNCATE on the log's tables, triggers or not.
/// </summary>
public class LogRoleTests(PostgresServer pg) : WebTest(pg)
{
    [Fact]
    public async Task The_app_role_may_not_update_delete_or_truncate_log_tables_yet_runs_the_app()
    {
        var cs = App.WithDb(db => db.Database.GetConnectionString())!;
        await using (var admin = new NpgsqlConnection(cs))
        {
            await admin.OpenAsync();
            // An operator gives the role a password; the test cluster trusts local connections.
            await using var cmd = new NpgsqlCommand("ALTER ROLE trading_app LOGIN", admin);
            await cmd.ExecuteNonQueryAsync();
        }
        var appCs = new NpgsqlConnectionStringBuilder(cs) { Username = "trading_app", Pooling = false }.ConnectionString;
        await using (var conn = new NpgsqlConnection(appCs))
        {
            await conn.OpenAsync();
            foreach (var table in LogDatabaseRole.AppendOnlyTables)
            {
                foreach (var sql in new[] { $"UPDATE \"{table}\" SET \"{Column(table)}\" = \"{Column(table)}\"", $"DELETE FROM \"{table}\"", $"TRUNCATE \"{table}\"" })
                {
                    await using var cmd = new NpgsqlCommand(sql, conn);
                    var e = await Assert.ThrowsAsync<PostgresException>(() => cmd.ExecuteNonQueryAsync());
                    Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, e.SqlState);
                    // The grant refuses it, before any trigger runs.
                    Assert.StartsWith("permission denied for table", e.MessageText, StringComparison.Ordinal);
                }
            }
            // Other tables stay writable, and the log readable.
            await using (var ok = new NpgsqlCommand("UPDATE \"Organisations\" SET \"Name\" = \"Name\"; SELECT count(*) FROM \"LogEntries\"", conn))
                Assert.True((long)(await ok.ExecuteScalarAsync())! > 0);
            await using var ddl = new NpgsqlCommand("ALTER TABLE \"LogEntries\" DISABLE TRIGGER log_entries_no_update_delete", conn);
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, (await Assert.ThrowsAsync<PostgresException>(() => ddl.ExecuteNonQueryAsync())).SqlState);
        }

        // The web app itself connected as the role (migrations run by the owner beforehand): acts are logged, checkpoints stored.
        await using var asRole = new TradingFactory(appCs) { Demo = false, Settings = new Dictionary<string, string> { ["Database:MigrateOnStartup"] = "false" } };
        var before = asRole.WithDb(db => db.LogEntries.LongCount());
        var owner = await asRole.ApiAsync("owner1");
        var r = await owner.PostAsJsonAsync("/api/tenders", TestApi.TenderBody(asRole.Clock.GetUtcNow().UtcDateTime.AddDays(25), title: "as app role"));
        Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        Assert.Equal(before + 1, asRole.WithDb(db => db.LogEntries.LongCount()));
        Assert.Equal(1, await asRole.RunJobAsync<CheckpointJob>());
    }

    private static string Column(string table) => table switch
    {
        "LogEntries" => "Payload",
        "LogNodes" => "Hash",
        "LogReceipts" => "Json",
        "LogCheckpoints" => "Note",
        _ => "CosignedNote",
    };

    [Fact]
    public void The_grant_sql_refuses_role_names_that_are_not_plain_identifiers()
    {
        foreach (var bad in new[] { "", "Trading", "x; DROP TABLE y", "a-b", new string('a', 64) })
            Assert.Throws<ArgumentException>(() => LogDatabaseRole.GrantSql(bad));
        Assert.Contains("REVOKE UPDATE, DELETE, TRUNCATE ON \"LogEntries\"", LogDatabaseRole.GrantSql("trading_app"), StringComparison.Ordinal);
    }
}

/// <summary>
/// Someone with superuser access tampers behind the triggers' back (each case undone afterwards, so the next one is
/// seen on its own): the audit page's whole-log check and `trading verify-log` on a fresh download name the first bad index.
/// </summary>
public class LogTamperTests(PostgresServer pg) : WebTest(pg)
{
    private const string Off = "ALTER TABLE \"LogEntries\" DISABLE TRIGGER log_entries_no_update_delete;";
    private const string On = "ALTER TABLE \"LogEntries\" ENABLE TRIGGER log_entries_no_update_delete;";

    private async Task<long?> AuditBadIndexAsync(HttpClient c)
    {
        var html = await (await Browser.PostFormAsync(c, "/Audit", "/Audit?handler=Verify", new Dictionary<string, string>())).Content.ReadAsStringAsync();
        var m = System.Text.RegularExpressions.Regex.Match(html, "data-bad-index=\"(\\d+)\"");
        if (m.Success) return long.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        var at = html.IndexOf("verify-result", StringComparison.Ordinal);
        Assert.True(html.Contains("alert-success", StringComparison.Ordinal), at < 0 ? html[..Math.Min(html.Length, 3000)] : html.Substring(Math.Max(0, at - 200), Math.Min(600, html.Length - Math.Max(0, at - 200))));
        return null;
    }

    private Task<(int Code, string Output)> VerifyDownloadAsync(string? checkpointsOverride = null) =>
        CliRunner.VerifyDownloadedLogAsync(App.Anonymous(), checkpointsOverride);

    [Fact]
    public async Task Deleted_swapped_and_changed_rows_and_a_forged_checkpoint_are_each_named()
    {
        Assert.Equal(1, await App.RunJobAsync<CheckpointJob>());
        var sup = await Browser.SignInAsync(App, "supervisor");
        Assert.Null(await AuditBadIndexAsync(sup));
        var clean = await VerifyDownloadAsync();
        Assert.True(clean.Code == 0, clean.Output);

        // Two rows swapped (their contents exchanged; indexes kept).
        Swap(3, 4);
        Assert.Equal(3, await AuditBadIndexAsync(sup));
        var swapped = await VerifyDownloadAsync();
        Assert.Contains("first bad index: 3", swapped.Output, StringComparison.Ordinal);
        Swap(3, 4);
        Assert.Null(await AuditBadIndexAsync(sup));

        // One byte changed, leaf hash column recomputed to match: the stored tree's leaf node still names it.
        App.WithDb(db => db.Database.ExecuteSqlRaw(Off + "UPDATE \"LogEntries\" SET \"Payload\" = replace(\"Payload\", '\"v\":1', '\"v\":2'), \"LeafHash\" = sha256(E'\\\\x00'::bytea || convert_to(replace(\"Payload\", '\"v\":1', '\"v\":2'), 'UTF8')) WHERE \"Index\" = 9;" + On));
        Assert.Equal(9, await AuditBadIndexAsync(sup));
        var changed = await VerifyDownloadAsync();
        Assert.Equal(1, changed.Code);
        Assert.Contains("first bad index: 9", changed.Output, StringComparison.Ordinal);
        App.WithDb(db => db.Database.ExecuteSqlRaw(Off + "UPDATE \"LogEntries\" SET \"Payload\" = replace(\"Payload\", '\"v\":2', '\"v\":1'), \"LeafHash\" = sha256(E'\\\\x00'::bytea || convert_to(replace(\"Payload\", '\"v\":2', '\"v\":1'), 'UTF8')) WHERE \"Index\" = 9;" + On));
        Assert.Null(await AuditBadIndexAsync(sup));

        // A forged checkpoint (a different root, signed by a key that is not the log's) in the download.
        var notes = LogVerifier.ParseCheckpoints(await App.Anonymous().GetStringAsync("/api/log/checkpoints")).ToList();
        var cp = Checkpoint.ParseNoteText(SignedNote.Split(notes[0]).Text);
        var forger = new NoteSigner("trading.local/log", ECDsa.Create(ECCurve.NamedCurves.nistP256));
        var forgedAt = notes.Count; // after the seed's own checkpoints and the job's
        notes.Add(SignedNote.SignCheckpoint(cp with { Root = RandomNumberGenerator.GetBytes(32) }, forger));
        var forged = await VerifyDownloadAsync(LogVerifier.WriteCheckpoints(notes));
        Assert.Equal(1, forged.Code);
        Assert.Contains($"bad checkpoint: {forgedAt}", forged.Output, StringComparison.Ordinal);
        // The same note with its signature line kept but the root changed: the log key's signature fails.
        var (text, _) = SignedNote.Split(notes[0]);
        var altered = notes[0].Replace(text.Split('\n')[2], Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)), StringComparison.Ordinal);
        forged = await VerifyDownloadAsync(LogVerifier.WriteCheckpoints([altered]));
        Assert.Contains("bad checkpoint: 0", forged.Output, StringComparison.Ordinal);

        // Last, as nothing restores it: a row deleted as superuser.
        App.WithDb(db => db.Database.ExecuteSqlRaw(Off + "DELETE FROM \"LogEntries\" WHERE \"Index\" = 7;" + On));
        Assert.Equal(7, await AuditBadIndexAsync(sup));
        var deleted = await VerifyDownloadAsync();
        Assert.Equal(1, deleted.Code);
        Assert.Contains("first bad index: 7", deleted.Output, StringComparison.Ordinal);

    }

    private void Swap(long a, long b)
    {
        var sql = Off + $"""
            UPDATE "LogEntries" x SET "Payload" = y."Payload", "Type" = y."Type", "TenderId" = y."TenderId", "LeafHash" = y."LeafHash", "RecordedAt" = y."RecordedAt"
            FROM "LogEntries" y WHERE (x."Index", y."Index") IN (({a}, {b}), ({b}, {a}));
            """ + On;
        App.WithDb(db => db.Database.ExecuteSqlRaw(sql));
    }
}
