using System.Net;
using System.Text;
using System.Text.Json;
using Trading.Crypto;
using Trading.Domain.Bidding;
using Trading.Web.Tests.Infrastructure;

namespace Trading.Web.Tests;

/// <summary>
/// Three key holders whose officers use only <c>trading keyholder</c> on their own machines: transport key, dealing,
/// checking the dealings, the health check and the partial decryptions (after checking the server's batch against the
/// log's frozen list). The test only carries the files the CLI writes to the relay API and back, as an officer's
/// script would; the server never sees a passphrase, a key or a share, and the bids open with the right prices.
/// </summary>
public sealed class CliHoldersOpeningTests(PostgresServer pg) : WebTest(pg), IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cli-holders-web-").FullName;
    private readonly Dictionary<string, string> _passEnv = [];

    protected override IReadOnlyDictionary<string, string> Settings => Bidding.FastSettings;

    public void Dispose()
    {
        foreach (var v in _passEnv.Values) Environment.SetEnvironmentVariable(v, null);
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private string P(string file) => Path.Combine(_dir, file);

    private static void Ok((int Code, string Out, string Err) r) => Assert.True(r.Code == 0, r.Err + r.Out);

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    [Fact]
    public async Task Three_holders_deal_check_and_open_a_tender_with_the_command_line_only()
    {
        var deadline = App.Clock.GetUtcNow().UtcDateTime.AddDays(25);
        var id = await TestApi.PublishedTenderAsync(await App.ApiAsync("owner1"), deadline);
        var api = new Dictionary<string, HttpClient>();
        var holderOf = new Dictionary<string, int>();
        foreach (var u in Officers.Holders)
        {
            // The demo's officers of these three holders are active already: a CLI officer of each enrols, and is added by them.
            await Officers.CreateUserLikeAsync(App, u, u + "-cli");
            api[u] = await App.ApiAsync(u + "-cli");
            var state = await (await api[u].GetAsync($"/api/tenders/{id}/ceremony/state")).Json();
            holderOf[u] = state.GetProperty("holderIndex").GetInt32();
            var env = _passEnv[u] = "TRADING_TEST_CLI_HOLDER_" + Guid.NewGuid().ToString("N");
            Environment.SetEnvironmentVariable(env, $"{u} keeps this passphrase on paper: ochre-kestrel 2026");
            Ok(TradingCli.Run("keyholder", "transport-key", "--holder", holderOf[u].ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--officer", state.GetProperty("userId").GetString()!, "--passphrase-env", env, "--out", P($"officer-{u}.json")));
            var file = CryptoJson.Deserialize<Trading.Cli.Crypto.TransportKeyFile>(await File.ReadAllTextAsync(P($"officer-{u}.json")));
            await Officers.AssertOk(await api[u].PostAsync($"/api/tenders/{id}/ceremony/transport-key",
                Json($"{{\"point\":\"{Convert.ToHexStringLower(file.TransportPoint)}\",\"sealed\":{CryptoJson.Serialize(file.Sealed)}}}")));
            var demo = await Officers.ClientAsync(App, u);
            await demo.JoinAsync(id);
            var added = (await (await api[u].GetAsync($"/api/tenders/{id}/ceremony/state")).Json()).GetProperty("me").GetProperty("id").GetGuid();
            await Officers.AssertOk(await demo.Api.PostAsync($"/api/tenders/{id}/ceremony/officers/{added}/add", Json("[]")));
        }

        // The roster from the relay's public state; each holder deals with the CLI and posts the file.
        var roster = OfficerClient.RosterOf(await (await api["owner1"].GetAsync($"/api/tenders/{id}/ceremony/state")).Json());
        await File.WriteAllTextAsync(P("roster.json"), CryptoJson.Serialize(roster));
        foreach (var u in Officers.Holders)
        {
            Ok(TradingCli.Run("keyholder", "deal", "--roster", P("roster.json"), "--holder", holderOf[u].ToString(System.Globalization.CultureInfo.InvariantCulture), "--out", P($"dealing-{holderOf[u]}.json")));
            await Officers.AssertOk(await api[u].PostAsync($"/api/tenders/{id}/ceremony/dealing", Json(await File.ReadAllTextAsync(P($"dealing-{holderOf[u]}.json")))));
        }
        var dealingFiles = Enumerable.Range(1, 3).Select(h => P($"dealing-{h}.json")).ToArray();

        // Each officer checks every dealing with the CLI and posts its acknowledgements; the relay completes the key.
        foreach (var u in Officers.Holders)
        {
            Ok(TradingCli.Run(["keyholder", "check-dealings", "--roster", P("roster.json"), "--transport", P($"officer-{u}.json"), "--dealing", .. dealingFiles,
                "--passphrase-env", _passEnv[u], "--out", P($"responses-{u}.json"), "--joint-key-out", P($"key-{u}.json")]));
            var responses = CryptoJson.Deserialize<DealingResponses>(await File.ReadAllTextAsync(P($"responses-{u}.json")));
            Assert.Empty(responses.Complaints);
            foreach (var ack in responses.Acknowledgements)
                await Officers.AssertOk(await api[u].PostAsync($"/api/tenders/{id}/ceremony/acknowledgements", Json(CryptoJson.Serialize(ack))));
        }
        var published = await App.Anonymous().GetStringAsync($"/api/public/tenders/{id}/joint-key");
        var key = CryptoJson.Deserialize<JointKey>(published);
        foreach (var u in Officers.Holders)
            Assert.Equal(key.PublicKey, CryptoJson.Deserialize<JointKey>(await File.ReadAllTextAsync(P($"key-{u}.json"))).PublicKey);
        await File.WriteAllTextAsync(P("joint-key.json"), published);

        // Health checks with the CLI over the day's challenge the relay names.
        foreach (var u in Officers.Holders)
        {
            var me = (await (await api[u].GetAsync($"/api/tenders/{id}/ceremony/state")).Json()).GetProperty("me");
            var canary = Convert.ToHexStringLower(ThresholdOpening.CanaryPoint(me.GetProperty("canaryContext").GetString()!));
            Ok(TradingCli.Run(["keyholder", "check", "--transport", P($"officer-{u}.json"), "--roster", P("roster.json"), "--dealing", .. dealingFiles,
                "--joint-key", P("joint-key.json"), "--canary", canary, "--passphrase-env", _passEnv[u], "--out", P($"health-{u}.json")]));
            await Officers.AssertOk(await api[u].PostAsync($"/api/tenders/{id}/ceremony/health-check?via=cli", Json(await File.ReadAllTextAsync(P($"health-{u}.json")))));
        }

        decimal[] prices = [5_100_000m, 5_050_000.25m, 5_200_000m];
        for (var i = 0; i < prices.Length; i++)
        {
            var b = await App.ApiAsync($"bidder0{i + 1}");
            await Bidding.ObtainDocumentsAsync(b, id);
            var r = await Bidding.UploadAsync(b, id, await Bidding.SealAsync(b, id, prices[i], pm: $"CLI经理{i}"));
            Assert.True(r.StatusCode == HttpStatusCode.OK, await r.Content.ReadAsStringAsync());
        }
        App.Clock.Set(new DateTimeOffset(deadline.AddMinutes(1), TimeSpan.Zero));
        await App.RunDeadlineJobAsync();

        // The frozen list as the log holds it (the data of its bids.frozen entry), and the server's batch.
        var frozenIndex = App.WithDb(db => db.LogEntries.Single(e => e.TenderId == id && e.Type == "bids.frozen").Index);
        var entry = JsonDocument.Parse((await (await App.Anonymous().GetAsync($"/api/log/entries?start={frozenIndex}&count=1")).Json()).GetProperty("entries")[0].GetProperty("entry").GetString()!);
        await File.WriteAllTextAsync(P("frozen.json"), entry.RootElement.GetProperty("data").GetRawText());
        foreach (var u in Officers.Holders)
        {
            var batch = await api[u].GetAsync($"/api/tenders/{id}/opening/batch");
            Assert.True(batch.StatusCode == HttpStatusCode.OK, await batch.Content.ReadAsStringAsync());
            await File.WriteAllBytesAsync(P($"batch-{u}.json"), await batch.Content.ReadAsByteArrayAsync());
            Ok(TradingCli.Run(["keyholder", "partial-decrypt", "--transport", P($"officer-{u}.json"), "--roster", P("roster.json"), "--dealing", .. dealingFiles,
                "--frozen", P("frozen.json"), "--batch", P($"batch-{u}.json"), "--passphrase-env", _passEnv[u], "--out", P($"partials-{u}.json")]));
            var given = await api[u].PostAsync($"/api/tenders/{id}/opening/partials", Json(await File.ReadAllTextAsync(P($"partials-{u}.json"))));
            Assert.True(given.StatusCode == HttpStatusCode.OK, await given.Content.ReadAsStringAsync());
        }

        var rows = App.WithDb(db => db.Set<Bid>().Where(b => b.TenderId == id && b.Status == BidStatus.Valid).ToList());
        Assert.All(rows, b => Assert.Equal(BidOpeningStatus.Opened, b.OpeningStatus));
        Assert.Equal(prices.Select(p => (long)(p * 100)).Order(), rows.Select(b => b.PriceFen!.Value).Order());
        Assert.Equal(3, App.WithDb(db => db.LogEntries.Count(e => e.TenderId == id && e.Type == "opening.partials" && e.Payload.Contains("\"via\":\"cli\""))));

        // The transcript verifies with the CLI against the published key; the replay page shows the opening from the log.
        await File.WriteAllTextAsync(P("transcript.json"), await (await api["supervisor"].GetAsync($"/api/tenders/{id}/opening/transcript")).Content.ReadAsStringAsync());
        var verify = TradingCli.Run("verify-opening", "--transcript", P("transcript.json"), "--joint-key", P("joint-key.json"));
        Assert.True(verify.Code == 0, verify.Out + verify.Err);
        var replay = await App.Anonymous().GetStringAsync($"/Opening/Replay/{id}");
        Assert.Contains("trading verify-opening", replay, StringComparison.Ordinal);
        Assert.Equal(3, System.Text.RegularExpressions.Regex.Count(replay, "data-testid=\"replay-bid\""));
        Assert.Contains(App.WithDb(db => db.Set<KeyCeremony>().Single(c => c.TenderId == id).TranscriptSha256)!, replay, StringComparison.Ordinal);
        Assert.Contains("5,050,000.25", replay, StringComparison.Ordinal);
    }
}
