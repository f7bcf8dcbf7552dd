using System.Net;
using System.Text;
using Trading.Crypto;
using Trading.Web.Tests.Infrastructure;

namespace Trading.Web.Tests;

/// <summary>
/// An officer who keeps every key off every browser: the owner's second officer makes its transport key, deals,
/// checks the dealings and runs its health check with `trading keyholder` only, and gives the relay the files the tool
/// writes as they are (what curl would post). Real PostgreSQL, the real CLI commands in-process.
/// </summary>
public sealed class CeremonyCliRelayTests(PostgresServer pg) : WebTest(pg), IDisposable
{
    private const string CliPassphrase = "owner's offline officer: basalt-heron 口令 2026";
    private readonly string _dir = Directory.CreateTempSubdirectory("cli-relay-").FullName;
    // A variable of its own, so no other test running in this process can read or change it.
    private readonly string _passEnv = "TRADING_TEST_PASSPHRASE_" + Guid.NewGuid().ToString("N");

    protected override IReadOnlyDictionary<string, string> Settings => Bidding.FastSettings;

    public void Dispose()
    {
        Environment.SetEnvironmentVariable(_passEnv, null);
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private string P(string file) => Path.Combine(_dir, file);

    private void Cli(params string[] args)
    {
        // Dealing needs no key of the officer's own, so `deal` takes no passphrase.
        var (code, output, err) = TradingCli.Run(args[1] == "deal" ? args : [.. args, "--passphrase-env", _passEnv]);
        Assert.True(code == 0, $"trading {string.Join(' ', args)}: {err}{output}");
    }

    private static async Task SaveAsync(HttpClient api, string url, string path)
    {
        var r = await api.GetAsync(url);
        Assert.True(r.StatusCode == HttpStatusCode.OK, await r.Content.ReadAsStringAsync());
        await File.WriteAllBytesAsync(path, await r.Content.ReadAsByteArrayAsync());
    }

    private static async Task PostFileAsync(HttpClient api, string url, string path) =>
        await Officers.AssertOk(await api.PostAsync(url, new StringContent(await File.ReadAllTextAsync(path), Encoding.UTF8, "application/json")));

    [Fact]
    public async Task An_officer_using_only_the_cli_enrols_deals_checks_and_passes_its_health_check_through_the_relay()
    {
        Environment.SetEnvironmentVariable(_passEnv, CliPassphrase);
        var id = await TestApi.PublishedTenderAsync(await App.ApiAsync("owner1"), App.Clock.GetUtcNow().UtcDateTime.AddDays(25));
        var room = $"/api/tenders/{id}/ceremony";
        await Officers.CreateUserLikeAsync(App, "owner1", "owner1cli");
        var api = await App.ApiAsync("owner1cli");
        var userId = (await (await api.GetAsync(room + "/state")).Json()).GetProperty("userId").GetString()!;

        // The transport key, made and sealed on the officer's machine; its file is posted as written.
        Cli("keyholder", "transport-key", "--holder", "3", "--officer", userId, "--out", P("transport.json"));
        await PostFileAsync(api, room + "/transport-key", P("transport.json"));
        // The owner's first officer (the demo's, back with its passphrase) adds it before anyone deals.
        var officers = new Dictionary<string, OfficerClient>();
        foreach (var u in Officers.Holders)
        {
            officers[u] = await Officers.ClientAsync(App, u);
            await officers[u].JoinAsync(id);
        }
        var pending = (await (await api.GetAsync(room + "/state")).Json()).GetProperty("me").GetProperty("id").GetGuid();
        await Officers.AssertOk(await officers["owner1"].Api.PostAsync($"{room}/officers/{pending}/add", new StringContent("[]", Encoding.UTF8, "application/json")));

        // The owner deals with the CLI from the roster file the relay serves; the two other holders from their machines.
        await SaveAsync(api, room + "/roster", P("roster.json"));
        Cli("keyholder", "deal", "--roster", P("roster.json"), "--holder", "3", "--out", P("dealing-3.json"));
        await PostFileAsync(api, room + "/dealing", P("dealing-3.json"));
        foreach (var u in new[] { "supervisor", "centre" }) await Officers.AssertOk(await officers[u].DealAsync(id));

        // The CLI checks the three dealings; its acknowledgements go to the relay one by one.
        for (var d = 1; d <= 3; d++) await SaveAsync(api, $"{room}/dealings/{d}", P($"dealing-{d}.json"));
        Cli("keyholder", "check-dealings", "--roster", P("roster.json"), "--transport", P("transport.json"),
            "--dealing", P("dealing-1.json"), P("dealing-2.json"), P("dealing-3.json"), "--out", P("responses.json"), "--joint-key-out", P("joint-key.json"));
        var responses = CryptoJson.Deserialize<DealingResponses>(await File.ReadAllTextAsync(P("responses.json")));
        Assert.Equal(3, responses.Acknowledgements.Count);
        foreach (var ack in responses.Acknowledgements)
            await Officers.AssertOk(await api.PostAsync(room + "/acknowledgements", new StringContent(CryptoJson.Serialize(ack), Encoding.UTF8, "application/json")));
        foreach (var u in new[] { "supervisor", "centre" })
            foreach (var r in await officers[u].CheckAsync(id)) await Officers.AssertOk(r);

        // The joint key the CLI computed from the commitments is the one the relay published.
        var published = CryptoJson.Deserialize<JointKey>(await App.Anonymous().GetStringAsync($"/api/public/tenders/{id}/joint-key"));
        Assert.Equal(published.PublicKey, CryptoJson.Deserialize<JointKey>(await File.ReadAllTextAsync(P("joint-key.json"))).PublicKey);

        // The health check over today's canary, made by the CLI, posted as written.
        var canary = (await (await api.GetAsync(room + "/state")).Json()).GetProperty("me").GetProperty("canary").GetString()!;
        Cli("keyholder", "check", "--transport", P("transport.json"), "--roster", P("roster.json"),
            "--dealing", P("dealing-1.json"), P("dealing-2.json"), P("dealing-3.json"), "--joint-key", P("joint-key.json"), "--canary", canary, "--out", P("health.json"));
        await PostFileAsync(api, room + "/health-check?via=cli", P("health.json"));
        var health = App.WithDb(db => db.LogEntries.Single(e => e.TenderId == id && e.Type == "ceremony.health.ok").Payload);
        Assert.Contains("\"via\":\"cli\"", health, StringComparison.Ordinal);
        Assert.Contains("\"holder\":3", health, StringComparison.Ordinal);

        // Nothing the server keeps holds the CLI officer's passphrase.
        var stored = App.WithDb(db => string.Join("\n", db.Set<Trading.Domain.Bidding.HolderOfficer>().Select(o => o.SealedTransportKeyJson).ToList()
            .Concat(db.LogEntries.Where(e => e.TenderId == id).Select(e => e.Payload).ToList())));
        Assert.DoesNotContain(CliPassphrase, stored, StringComparison.Ordinal);
    }
}
