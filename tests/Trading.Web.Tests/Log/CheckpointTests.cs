using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Trading.Data;
using Trading.PublicLog;
using Trading.Domain;
using Trading.Web.Tests.Infrastructure;

namespace Trading.Web.Tests.Log;

using Trading.Web.Features.Log;
using Trading.Data.Log;
using Trading.Web.Infrastructure;

/// <summary>
/// Stored checkpoints (timer and on demand), the supervision office's cosigning on the witness page (server-held
/// key and uploaded off-server cosignatures), and the downloads that `trading verify-log` re-verifies.
/// </summary>
public class CheckpointTests(PostgresServer pg) : WebTest(pg)
{
    private async Task<X509Certificate2> CertAsync(string file) =>
        X509Certificate2.CreateFromPem(await App.Anonymous().GetStringAsync($"/api/log/certificates/{file}"));

    private async Task GrowAsync(int tenders)
    {
        var owner = await App.ApiAsync("owner1");
        for (var i = 0; i < tenders; i++)
            Assert.Equal(HttpStatusCode.Created, (await owner.PostAsJsonAsync("/api/tenders", TestApi.TenderBody(App.Clock.GetUtcNow().UtcDateTime.AddDays(25), title: $"cp {i}"))).StatusCode);
    }

    /// <summary>A signed-in supervisor reading the pages in English (the demo supervisor prefers Chinese).</summary>
    private async Task<HttpClient> SupervisorAsync(string user = "supervisor")
    {
        var c = await Browser.SignInAsync(App, user);
        await Browser.PostFormAsync(c, "/", "/Culture", new Dictionary<string, string> { ["culture"] = "en", ["returnUrl"] = "/" });
        return c;
    }

    private List<LogCheckpoint> Stored() => App.WithDb(db => db.Set<LogCheckpoint>().AsNoTracking().OrderBy(c => c.Size).ThenBy(c => c.Time).ToList());

    [Fact]
    public async Task The_job_signs_and_time_stamps_a_checkpoint_only_when_the_log_grew()
    {
        // The seed leaves checkpoints of its own (the demo's failed tender passed its deadline, and a deadline makes
        // one); this test counts from there, and grows the log first so that the first run has something to cover.
        var seeded = Stored().Count;
        await GrowAsync(1);
        Assert.Equal(1, await App.RunJobAsync<CheckpointJob>());
        Assert.Equal(0, await App.RunJobAsync<CheckpointJob>());
        App.Clock.Advance(TimeSpan.FromMinutes(10));
        await GrowAsync(1);
        Assert.Equal(1, await App.RunJobAsync<CheckpointJob>());

        var rows = Stored().Skip(seeded).ToList();
        Assert.Equal(2, rows.Count);
        Assert.Equal(App.WithDb(db => db.LogEntries.LongCount()), rows[^1].Size);
        using var root = await CertAsync("root-ca.crt");
        using var logCert = await CertAsync("log-signing.crt");
        foreach (var cp in rows)
        {
            var opened = SignedNote.OpenCheckpoint(cp.Note, NoteVerifier.FromCertificate("trading.local/log", logCert));
            Assert.Equal(cp.Size, opened.Size);
            Assert.Equal("interval", cp.Reason);
            var stamp = TimeStampVerifier.Verify(cp.TimeStampToken, Checkpoints.Imprint(cp.Note), root);
            Assert.True(stamp.Time >= opened.Time);
            // A token is bound to its note: another note's imprint is refused.
            Assert.Throws<LogVerificationException>(() => TimeStampVerifier.Verify(cp.TimeStampToken, Checkpoints.Imprint(cp.Note + " "), root));
        }

        // The stored list, newest first, with reasons and tokens; bad paging is refused with a rule.
        var list = await (await App.Anonymous().GetAsync("/api/log/checkpoints/stored?count=1")).Json();
        Assert.Equal(1, list.GetArrayLength());
        Assert.Equal(rows[^1].Size, list[0].GetProperty("size").GetInt64());
        await (await App.Anonymous().GetAsync("/api/log/checkpoints/stored?count=0")).AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.Log.CountRange");
        await (await App.Anonymous().GetAsync("/api/log/checkpoints/stored?count=5000")).AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.Log.CountRange");
        await (await App.Anonymous().GetAsync("/api/log/checkpoints/stored?skip=-1")).AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.Log.Negative");
        Assert.Equal(HttpStatusCode.BadRequest, (await App.Anonymous().GetAsync("/api/log/checkpoints/stored?count=x")).StatusCode);
    }

    [Fact]
    public async Task A_deadline_checkpoint_inside_the_callers_transaction_covers_its_entries_and_rolls_back_with_them()
    {
        var before = App.WithDb(db => db.LogEntries.LongCount());
        var seeded = Stored().Count;
        for (var commit = 0; commit < 2; commit++)
        {
            await using var scope = App.Services.CreateAsyncScope();
            var sp = scope.ServiceProvider;
            var db = sp.GetRequiredService<TradingDbContext>();
            await using var tx = await db.Database.BeginTransactionAsync();
            await sp.GetRequiredService<PublicLogWriter>().AppendAsync("deadline.checkpoint", null, new { bids = "aa" });
            var cp = await sp.GetRequiredService<Checkpoints>().CheckpointNowAsync("deadline:test", default);
            Assert.Equal(before + 1, cp.Size);
            await db.SaveChangesAsync();
            if (commit == 1) await tx.CommitAsync();
        }
        var rows = Stored().Skip(seeded).ToList();
        Assert.Single(rows);
        Assert.Equal("deadline:test", rows[0].Reason);
        Assert.Equal(before + 1, rows[0].Size);
    }

    [Fact]
    public async Task Before_the_first_checkpoint_the_public_is_told_none_is_cosigned_and_outside_the_demo_the_server_cannot_cosign()
    {
        // A deployment without the demo data: its log has no checkpoint yet (the demo's failed tender passed its
        // deadline at seeding, and a deadline makes one), and the table refuses deletes, so this needs its own app.
        await using var empty = new TradingFactory(await Postgres.CreateDatabaseAsync(GetType().Name + "_empty")) { Demo = false };
        Assert.Equal(0, empty.WithDb(db => db.Set<LogCheckpoint>().Count()));
        await (await empty.Anonymous().GetAsync("/api/log/checkpoint/cosigned")).AssertRefused(HttpStatusCode.NotFound, "Rule.Log.NothingToCosign");
        // Only the demo, where one person plays every role, keeps the supervision office's witness key on this server.
        await using var scope = empty.Services.CreateAsyncScope();
        var supervisor = new Actor(Guid.NewGuid(), "supervisor", Guid.NewGuid(), new HashSet<string> { Roles.Supervisor }, null);
        var refused = await Assert.ThrowsAsync<RuleViolationException>(() => scope.ServiceProvider.GetRequiredService<Checkpoints>().CosignLatestAsync(supervisor, default));
        Assert.Equal("Rule.Log.WitnessKeyOffServer", refused.Violation.Code);
        Assert.Equal(0, empty.WithDb(db => db.Set<LogCosignature>().Count()));
    }

    [Fact]
    public async Task Supervisors_cosign_on_the_witness_page_only_consistent_checkpoints_and_the_public_sees_the_cosigned_one()
    {
        var sup = await SupervisorAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await App.Anonymous().GetAsync("/api/log/checkpoint/cosigned")).StatusCode);

        var r = await Browser.PostFormAsync(sup, "/Log/Witness", "/Log/Witness?handler=Checkpoint", new Dictionary<string, string>());
        Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
        r = await Browser.PostFormAsync(sup, "/Log/Witness", "/Log/Witness?handler=Cosign", new Dictionary<string, string>());
        Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
        // Replayed: the same checkpoint is not cosigned twice.
        r = await Browser.PostFormAsync(sup, "/Log/Witness", "/Log/Witness?handler=Cosign", new Dictionary<string, string>());
        Assert.Contains("already cosigned", await r.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(1, App.WithDb(db => db.Set<LogCosignature>().Count()));

        await GrowAsync(3);
        App.Clock.Advance(TimeSpan.FromMinutes(10));
        await App.RunJobAsync<CheckpointJob>();
        var html = await sup.GetStringAsync("/Log/Witness");
        Assert.Contains("data-testid=\"consistency\" data-ok=\"true\"", html, StringComparison.Ordinal);
        r = await Browser.PostFormAsync(sup, "/Log/Witness", "/Log/Witness?handler=Cosign", new Dictionary<string, string>());
        Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);

        var latest = Stored()[^1];
        var pub = await (await App.Anonymous().GetAsync("/api/log/checkpoint/cosigned")).Json();
        Assert.Equal(latest.Size, pub.GetProperty("size").GetInt64());
        var note = pub.GetProperty("note").GetString()!;
        using var witness = await CertAsync("witness.crt");
        using var logCert = await CertAsync("log-signing.crt");
        using var root = await CertAsync("root-ca.crt");
        using var issuing = await CertAsync("issuing-ca.crt");
        CentreTrust.RequireChain(witness, root, [issuing], DateTimeOffset.FromUnixTimeSeconds(App.Clock.GetUtcNow().ToUnixTimeSeconds()));
        SignedNote.VerifyCosignature(note, NoteVerifier.FromCertificate("supervision/witness", witness));
        Assert.Equal(latest.Size, SignedNote.OpenCheckpoint(note, NoteVerifier.FromCertificate("trading.local/log", logCert)).Size);

        // A forked history: a checkpoint signed by the log key whose root does not extend the cosigned tree.
        await GrowAsync(1);
        var size = App.WithDb(db => db.LogEntries.LongCount());
        var signer = new NoteSigner("trading.local/log", LoadKey("log-signing.key"));
        var forged = SignedNote.SignCheckpoint(new Checkpoint("trading.local/log", size, RandomNumberGenerator.GetBytes(32), App.Clock.GetUtcNow()), signer);
        App.WithDb(db =>
        {
            db.Add(new LogCheckpoint { Size = size, Root = SignedNote.OpenCheckpoint(forged, signer.Verifier).Root, Time = App.Clock.GetUtcNow().UtcDateTime, Reason = "forged", Note = forged, TimeStampToken = [1] });
            return db.SaveChanges();
        });
        html = await sup.GetStringAsync("/Log/Witness");
        Assert.Contains("data-testid=\"consistency\" data-ok=\"false\"", html, StringComparison.Ordinal);
        r = await Browser.PostFormAsync(sup, "/Log/Witness", "/Log/Witness?handler=Cosign", new Dictionary<string, string>());
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Contains("does not extend", await r.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(2, App.WithDb(db => db.Set<LogCosignature>().Count()));
    }

    [Fact]
    public async Task An_office_that_keeps_its_key_off_the_server_uploads_its_cosignature_and_bad_uploads_are_refused()
    {
        var sup = await SupervisorAsync();
        await Browser.PostFormAsync(sup, "/Log/Witness", "/Log/Witness?handler=Checkpoint", new Dictionary<string, string>());
        var cp = Stored()[^1];

        // What the office does on its own machine: check the log signature, cosign with its own key.
        using var logCert = await CertAsync("log-signing.crt");
        var officeKey = new NoteSigner("supervision/witness", LoadKey("witness.key"));
        var witness = new Witness(officeKey, NoteVerifier.FromCertificate("trading.local/log", logCert), "trading.local/log");
        var (cosigned, _) = witness.Cosign(cp.Note, [], null, App.Clock.GetUtcNow());

        async Task<string> Upload(string note, Guid? id = null, bool token = true)
        {
            var resp = await Browser.PostFormAsync(sup, "/Log/Witness", "/Log/Witness?handler=Upload",
                new Dictionary<string, string> { ["CheckpointId"] = (id ?? cp.Id).ToString(), ["CosignedNote"] = note }, token);
            return resp.StatusCode == HttpStatusCode.Redirect ? "ok" : resp.StatusCode + " " + await resp.Content.ReadAsStringAsync();
        }

        Assert.Contains("not valid", await Upload("garbage"), StringComparison.Ordinal);
        Assert.Contains("not valid", await Upload(cp.Note), StringComparison.Ordinal); // no witness line
        var stranger = new NoteSigner("supervision/witness", ECDsa.Create(ECCurve.NamedCurves.nistP256));
        Assert.Contains("not valid", await Upload(SignedNote.AddCosignature(cp.Note, stranger, App.Clock.GetUtcNow())), StringComparison.Ordinal);
        Assert.Contains("not valid", await Upload(new string('x', 9000)), StringComparison.Ordinal);
        Assert.Contains("no such stored checkpoint", await Upload(cosigned, Guid.NewGuid()), StringComparison.Ordinal);
        Assert.StartsWith("BadRequest", await Upload(cosigned, token: false), StringComparison.Ordinal);
        Assert.Equal(0, App.WithDb(db => db.Set<LogCosignature>().Count()));

        Assert.Equal("ok", await Upload(cosigned.Replace("\n", "\r\n", StringComparison.Ordinal)));
        Assert.Contains("already cosigned", await Upload(cosigned), StringComparison.Ordinal); // replayed
        var row = App.WithDb(db => db.Set<LogCosignature>().Single());
        Assert.True(row.Uploaded);
        Assert.Equal(cosigned, row.CosignedNote);

        // Only supervisors reach the witness desk.
        foreach (var user in new[] { "centre", "admin", "bidder01", "owner1" })
        {
            var denied = await (await Browser.SignInAsync(App, user)).GetAsync("/Log/Witness");
            Assert.Equal(HttpStatusCode.Redirect, denied.StatusCode);
            Assert.Contains("/Account/Denied", denied.Headers.Location!.ToString(), StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.Redirect, (await Browser.PostFormAsync(await Browser.SignInAsync(App, user), "/", "/Log/Witness?handler=Checkpoint", new Dictionary<string, string>())).StatusCode);
        }
        Assert.Equal(HttpStatusCode.Redirect, (await App.Anonymous().GetAsync("/Log/Witness")).StatusCode);
    }

    [Fact]
    public async Task Downloaded_entries_and_checkpoints_verify_with_the_cli_and_a_changed_byte_is_named()
    {
        var seeded = Stored().Count;
        await GrowAsync(4);
        await App.RunJobAsync<CheckpointJob>();
        var sup = await SupervisorAsync();
        await Browser.PostFormAsync(sup, "/Log/Witness", "/Log/Witness?handler=Cosign", new Dictionary<string, string>());
        App.Clock.Advance(TimeSpan.FromMinutes(10));
        await GrowAsync(3);
        await App.RunJobAsync<CheckpointJob>();
        await GrowAsync(1); // not yet covered by a checkpoint

        var c = App.Anonymous();
        var dir = Path.Combine(Path.GetTempPath(), "trading-verify-log-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        try
        {
            var entries = await c.GetAsync("/api/log/entries.jsonl");
            Assert.Equal("application/jsonl", entries.Content.Headers.ContentType?.MediaType);
            var jsonl = await entries.Content.ReadAsByteArrayAsync();
            await File.WriteAllBytesAsync(Path.Combine(dir, "entries.jsonl"), jsonl);
            await File.WriteAllTextAsync(Path.Combine(dir, "checkpoints.json"), await c.GetStringAsync("/api/log/checkpoints"));
            foreach (var f in new[] { "root-ca.crt", "issuing-ca.crt", "log-signing.crt", "witness.crt" })
                await File.WriteAllTextAsync(Path.Combine(dir, f), await c.GetStringAsync($"/api/log/certificates/{f}"));
            string[] Args(string file) => ["verify-log", Path.Combine(dir, file), "--checkpoints", Path.Combine(dir, "checkpoints.json"),
                "--log-cert", Path.Combine(dir, "log-signing.crt"), "--issuing", Path.Combine(dir, "issuing-ca.crt"), "--root", Path.Combine(dir, "root-ca.crt"),
                "--witness-cert", Path.Combine(dir, "witness.crt"), "--lang", "en"];

            var (code, output) = await CliRunner.RunAsync(Args("entries.jsonl"));
            Assert.True(code == 0, output);
            Assert.Contains("Log is valid", output, StringComparison.Ordinal);
            Assert.Contains($"checkpoints {seeded + 2}", output, StringComparison.Ordinal);
            Assert.Contains("witness cosignatures 1", output, StringComparison.Ordinal);
            Assert.Contains("the last 1 entries are not yet covered", output, StringComparison.Ordinal);

            // One byte of entry 3 changed in the download: the tool names index 3.
            var original = Encoding.UTF8.GetString(jsonl).Split('\n');
            var lines = (string[])original.Clone();
            lines[3] = lines[3].Replace("\\\"v\\\":1", "\\\"v\\\":2", StringComparison.Ordinal);
            await File.WriteAllTextAsync(Path.Combine(dir, "tampered.jsonl"), string.Join('\n', lines));
            (code, output) = await CliRunner.RunAsync(Args("tampered.jsonl"));
            Assert.True(code == 1, output);
            Assert.Contains("first bad index: 3", output, StringComparison.Ordinal);

            // Ranges and tender filter: the same line format, only the rows asked for.
            var part = Encoding.UTF8.GetString(await c.GetByteArrayAsync("/api/log/entries.jsonl?start=2&end=5")).TrimEnd('\n').Split('\n');
            Assert.Equal(original[2..5], part);
            var tender = App.WithDb(db => db.LogEntries.Where(e => e.TenderId != null).Select(e => e.TenderId!.Value).First());
            var mine = App.WithDb(db => db.LogEntries.Count(e => e.TenderId == tender));
            var rows = Encoding.UTF8.GetString(await c.GetByteArrayAsync($"/api/log/entries.jsonl?tender={tender}")).TrimEnd('\n').Split('\n');
            Assert.Equal(mine, rows.Length);
            Assert.All(rows, l => Assert.Contains(tender.ToString(), LogExportRecord.ParseJsonLine(l, 0).Entry.Length > 0 ? Encoding.UTF8.GetString(LogExportRecord.ParseJsonLine(l, 0).Entry) : "", StringComparison.Ordinal));
            Assert.Empty(await c.GetByteArrayAsync($"/api/log/entries.jsonl?tender={Guid.NewGuid()}"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }

        await (await c.GetAsync("/api/log/entries.jsonl?start=-1")).AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.Log.RangeInvalid");
        await (await c.GetAsync("/api/log/entries.jsonl?start=5&end=2")).AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.Log.RangeInvalid");
        await (await c.GetAsync("/api/log/entries.jsonl?end=100000000")).AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.Log.BeyondTree");
        Assert.Equal(HttpStatusCode.BadRequest, (await c.GetAsync("/api/log/entries.jsonl?tender=not-a-guid")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await c.GetAsync("/api/log/entries.jsonl?start=99999999999999999999")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await c.GetAsync("/api/log/certificates/tsa.key")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await c.GetAsync("/api/log/certificates/..%2Fkeys%2Flog-signing.key")).StatusCode);
    }

    private ECDsa LoadKey(string file)
    {
        var key = ECDsa.Create();
        key.ImportFromPem(File.ReadAllText(Path.Combine(App.DataDirectory, "keys", "pki", file)));
        return key;
    }
}
