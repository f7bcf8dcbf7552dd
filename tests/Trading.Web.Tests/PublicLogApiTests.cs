using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Trading.PublicLog;
using Trading.Web.Tests.Infrastructure;

namespace Trading.Web.Tests;

/// <summary>
/// The public log endpoints as an outside verifier uses them: everything is checked with
/// Trading.PublicLog's own verifier against the signed checkpoint, trusting nothing else the server says.
/// </summary>
public class PublicLogApiTests(PostgresServer pg) : WebTest(pg)
{
    private sealed record Cp(long Size, byte[] Root, string Note, string Origin, byte[] PublicKey);

    private static async Task<Cp> CheckpointAsync(HttpClient c)
    {
        var j = await (await c.GetAsync("/api/log/checkpoint")).Json();
        var origin = j.GetProperty("origin").GetString()!;
        var spki = Convert.FromBase64String(j.GetProperty("publicKey").GetString()!);
        var note = j.GetProperty("note").GetString()!;
        // The signed note is the authority; the plain fields must say the same.
        var opened = SignedNote.OpenCheckpoint(note, new NoteVerifier(origin, spki), origin);
        var root = Convert.FromHexString(j.GetProperty("root").GetString()!);
        Assert.Equal(opened.Size, j.GetProperty("size").GetInt64());
        Assert.Equal(opened.Root, root);
        return new Cp(opened.Size, root, note, origin, spki);
    }

    private static async Task<List<(long Index, byte[] Entry, byte[] LeafHash)>> AllEntriesAsync(HttpClient c, long size)
    {
        var all = new List<(long, byte[], byte[])>();
        for (long start = 0; start < size; start += 1000)
        {
            var j = await (await c.GetAsync($"/api/log/entries?start={start}&count=1000")).Json();
            foreach (var e in j.GetProperty("entries").EnumerateArray())
                all.Add((e.GetProperty("index").GetInt64(), Encoding.UTF8.GetBytes(e.GetProperty("entry").GetString()!), Convert.FromBase64String(e.GetProperty("leafHash").GetString()!)));
        }
        return all;
    }

    private async Task GrowAsync(int tenders)
    {
        var owner = await App.ApiAsync("owner1");
        var now = App.Clock.GetUtcNow().UtcDateTime;
        for (var i = 0; i < tenders; i++)
            Assert.Equal(HttpStatusCode.Created, (await owner.PostAsJsonAsync("/api/tenders", TestApi.TenderBody(now.AddDays(25), title: $"log {i}"))).StatusCode);
    }

    [Fact]
    public async Task Inclusion_and_consistency_proofs_verify_against_the_signed_checkpoint()
    {
        var c = App.Anonymous();
        await GrowAsync(3);
        var first = await CheckpointAsync(c);
        Assert.True(first.Size >= 3);
        await GrowAsync(5);
        var second = await CheckpointAsync(c);
        Assert.Equal(first.Size + 5, second.Size);

        var entries = await AllEntriesAsync(c, second.Size);
        foreach (var index in new[] { 0, 1, first.Size / 2, first.Size - 1, first.Size, second.Size - 1 }.Distinct())
        {
            var j = await (await c.GetAsync($"/api/log/proof/inclusion?index={index}&size={second.Size}")).Json();
            var proof = MerkleProof.FromBase64(j.GetProperty("hashes").EnumerateArray().Select(h => h.GetString()!));
            // The leaf is hashed here from the entry bytes, not taken from the server.
            MerkleProof.VerifyInclusion(index, second.Size, MerkleHash.Leaf(entries[(int)index].Entry), proof, second.Root);
        }
        // An inclusion proof in the older tree verifies against the older root.
        var old = await (await c.GetAsync($"/api/log/proof/inclusion?index=0&size={first.Size}")).Json();
        MerkleProof.VerifyInclusion(0, first.Size, MerkleHash.Leaf(entries[0].Entry), MerkleProof.FromBase64(old.GetProperty("hashes").EnumerateArray().Select(h => h.GetString()!)), first.Root);

        foreach (var from in new[] { 1, first.Size / 2, first.Size, second.Size }.Where(s => s >= 1).Distinct())
        {
            var fromRoot = MerkleHash.RootOfLeafHashes(entries.Take((int)from).Select(e => MerkleHash.Leaf(e.Entry)).ToList());
            var j = await (await c.GetAsync($"/api/log/proof/consistency?from={from}&to={second.Size}")).Json();
            var proof = MerkleProof.FromBase64(j.GetProperty("hashes").EnumerateArray().Select(h => h.GetString()!));
            MerkleProof.VerifyConsistency(from, second.Size, fromRoot, second.Root, proof);
        }
        var p = await (await c.GetAsync($"/api/log/proof/consistency?from={first.Size}&to={second.Size}")).Json();
        MerkleProof.VerifyConsistency(first.Size, second.Size, first.Root, second.Root, MerkleProof.FromBase64(p.GetProperty("hashes").EnumerateArray().Select(h => h.GetString()!)));
    }

    [Fact]
    public async Task The_root_matches_a_recomputation_over_the_entries_and_entries_are_in_the_library_format()
    {
        var c = App.Anonymous();
        await GrowAsync(2);
        var cp = await CheckpointAsync(c);
        var entries = await AllEntriesAsync(c, cp.Size);
        Assert.Equal(Enumerable.Range(0, (int)cp.Size).Select(i => (long)i), entries.Select(e => e.Index));
        foreach (var e in entries)
        {
            Assert.Equal(MerkleHash.Leaf(e.Entry), e.LeafHash);
            // The same bytes trading verify-log checks: canonical, with only the library's fields.
            LogEntry.Validate(e.Entry);
        }
        Assert.Equal(MerkleHash.RootOfLeafHashes(entries.Select(e => MerkleHash.Leaf(e.Entry)).ToList()), cp.Root);

        // The whole download verifies with the library's full-log verifier and the published key.
        var records = entries.Select(e => new LogExportRecord(e.Index, e.Entry, e.LeafHash));
        var report = LogVerifier.Verify(records, [cp.Note], new NoteVerifier(cp.Origin, cp.PublicKey));
        Assert.True(report.Ok, report.Problem?.Code);
        Assert.Equal(cp.Size, report.VerifiedSize);
    }

    [Theory]
    [InlineData("/api/log/entries?start=-1", "Rule.Log.Negative")]
    [InlineData("/api/log/entries?start=0&count=0", "Rule.Log.CountRange")]
    [InlineData("/api/log/entries?start=0&count=1001", "Rule.Log.CountRange")]
    [InlineData("/api/log/entries?start=1000000", "Rule.Log.BeyondTree")]
    [InlineData("/api/log/proof/inclusion?index=-1&size=1", "Rule.Log.Negative")]
    [InlineData("/api/log/proof/inclusion?index=0&size=-1", "Rule.Log.Negative")]
    [InlineData("/api/log/proof/inclusion?index=0&size=1000000", "Rule.Log.BeyondTree")]
    [InlineData("/api/log/proof/inclusion?index=3&size=3", "Rule.Log.IndexNotInTree")]
    [InlineData("/api/log/proof/consistency?from=0&to=3", "Rule.Log.ConsistencyFromZero")]
    [InlineData("/api/log/proof/consistency?from=-2&to=3", "Rule.Log.Negative")]
    [InlineData("/api/log/proof/consistency?from=4&to=3", "Rule.Log.ConsistencyShrinks")]
    [InlineData("/api/log/proof/consistency?from=1&to=1000000", "Rule.Log.BeyondTree")]
    public async Task Bad_parameters_are_refused_with_the_rule_in_the_callers_language(string url, string rule)
    {
        var en = await (await App.Anonymous("en").GetAsync(url)).AssertRefused(HttpStatusCode.UnprocessableEntity, rule);
        var zh = await (await App.Anonymous("zh-CN").GetAsync(url)).AssertRefused(HttpStatusCode.UnprocessableEntity, rule);
        Assert.NotEqual(en, zh);
    }

    [Fact]
    public async Task Missing_or_malformed_parameters_are_a_bad_request()
    {
        foreach (var url in new[] { "/api/log/proof/inclusion?index=x&size=1", "/api/log/proof/consistency?from=1" })
        {
            var r = await App.Anonymous().GetAsync(url);
            Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
            // Problem JSON naming the rule (the filter's code for unreadable input), as for every API refusal.
            Assert.EndsWith("BadRequest", (await r.Json()).GetProperty("rule").GetString(), StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("UPDATE \"LogNodes\" SET \"Hash\" = '\\x00'::bytea WHERE \"Level\" = 0 AND \"Index\" = 0")]
    [InlineData("DELETE FROM \"LogNodes\" WHERE \"Level\" = 0 AND \"Index\" = 0")]
    [InlineData("TRUNCATE \"LogNodes\"")]
    public void The_database_refuses_to_change_or_remove_stored_tree_nodes(string sql)
    {
        var before = App.WithDb(db => db.LogNodes.AsNoTracking().Count());
        Assert.True(before > 0);
        var e = Assert.Throws<PostgresException>(() => App.WithDb(db => db.Database.ExecuteSqlRaw(sql)));
        Assert.Contains("append-only", e.MessageText, StringComparison.Ordinal);
        Assert.Equal(before, App.WithDb(db => db.LogNodes.AsNoTracking().Count()));
    }

    [Fact]
    public async Task The_checkpoint_and_proofs_are_in_the_openapi_document()
    {
        var doc = await (await App.Anonymous().GetAsync("/openapi/v1.json")).Content.ReadAsStringAsync();
        foreach (var path in new[] { "/api/log/checkpoint", "/api/log/entries", "/api/log/proof/inclusion", "/api/log/proof/consistency" })
            Assert.Contains($"\"{path}\"", doc, StringComparison.Ordinal);
        using var _ = JsonDocument.Parse(doc);
    }
}

/// <summary>
/// The supervisor's audit page. A class of its own: it tampers with its database (triggers switched
/// off for the purpose), which must not leak into the endpoint tests above.
/// </summary>
public class PublicLogAuditPageTests(PostgresServer pg) : WebTest(pg)
{
    [Fact]
    public async Task Supervisors_filter_by_tender_and_verify_the_whole_log_down_to_the_first_bad_entry()
    {
        var owner = await App.ApiAsync("owner1");
        var created = await owner.PostAsJsonAsync("/api/tenders", TestApi.TenderBody(App.Clock.GetUtcNow().UtcDateTime.AddDays(25), title: "audited"));
        var id = (await created.Json()).GetProperty("id").GetGuid();

        var c = await Browser.SignInAsync(App, "supervisor");
        var html = await c.GetStringAsync($"/Audit?Tender={id}");
        Assert.Contains("tender.registered", html, StringComparison.Ordinal);
        Assert.Contains("data-total=\"1\"", html, StringComparison.Ordinal);

        var ok = await (await Browser.PostFormAsync(c, "/Audit", "/Audit?handler=Verify", new Dictionary<string, string>())).Content.ReadAsStringAsync();
        var size = App.WithDb(db => db.LogEntries.LongCount());
        Assert.Contains("alert-success", ok, StringComparison.Ordinal);
        Assert.Contains($"data-size=\"{size}\"", ok, StringComparison.Ordinal);

        // Someone with database access edits entry 5 behind the triggers' back: the check names it.
        App.WithDb(db => db.Database.ExecuteSqlRaw("""
            ALTER TABLE "LogEntries" DISABLE TRIGGER log_entries_no_update_delete;
            UPDATE "LogEntries" SET "Payload" = replace("Payload", '"v":1', '"v":2') WHERE "Index" = 5;
            ALTER TABLE "LogEntries" ENABLE TRIGGER log_entries_no_update_delete;
            """));
        var bad = await (await Browser.PostFormAsync(c, "/Audit", "/Audit?handler=Verify", new Dictionary<string, string>())).Content.ReadAsStringAsync();
        Assert.Contains("data-bad-index=\"5\"", bad, StringComparison.Ordinal);
    }
}
