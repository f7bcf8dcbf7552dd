using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using Trading.Crypto;
using Trading.Domain.Bidding;
using Trading.Web.Tests.Infrastructure;

namespace Trading.Web.Tests;

/// <summary>
/// A key holder that keeps its share off the server (the owner here): it joins with a transport key made by the CLI,
/// rebuilds its share from the downloaded package, and at the opening uploads partials computed with the CLI from the
/// server's batch of frozen bids. Real PostgreSQL, the real CLI commands in-process.
/// </summary>
public sealed class SubmissionOffServerHolderTests(PostgresServer pg) : WebTest(pg), IDisposable
{
    private const string OfficerPassphrase = "owner's own offline 口令 2026";
    private readonly string _dir = Directory.CreateTempSubdirectory("offserver-holder-").FullName;
    // A variable of its own, so no other test running in this process can read or change it.
    private readonly string _passEnv = "TRADING_TEST_PASSPHRASE_" + Guid.NewGuid().ToString("N");

    protected override IReadOnlyDictionary<string, string> Settings => Bidding.FastSettings;

    public void Dispose()
    {
        Environment.SetEnvironmentVariable(_passEnv, null);
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private string P(string file) => Path.Combine(_dir, file);

    private (int Code, string Out, string Err) Cli(params string[] args) => TradingCli.Run([.. args, "--passphrase-env", _passEnv]);

    /// <summary>Supervision office and centre join on the server; the owner makes its transport key with the CLI and joins with its public point.</summary>
    private async Task<(Guid Id, DateTime Deadline, HttpClient Owner)> TenderWithOffServerOwnerAsync()
    {
        Environment.SetEnvironmentVariable(_passEnv, OfficerPassphrase);
        var deadline = App.Clock.GetUtcNow().UtcDateTime.AddDays(25);
        var id = await TestApi.PublishedTenderAsync(await App.ApiAsync("owner1"), deadline);
        foreach (var u in new[] { "supervisor", "centre" })
            Assert.Equal(HttpStatusCode.Redirect, (await Bidding.HolderPostAsync(App, u, id, "Join")).StatusCode);

        var (code, output, err) = Cli("keyholder", "transport-key", "--holder", "3", "--out", P("transport.json"));
        Assert.True(code == 0, err);
        var point = Regex.Match(output, "transport key: ([0-9a-f]{130})").Groups[1].Value;
        var owner = await Browser.SignInAsync(App, "owner1");
        var page = $"/Submission/Ceremony/{id}";
        Assert.Equal(HttpStatusCode.Redirect, (await Browser.PostFormAsync(owner, page, page + "?handler=JoinOffServer",
            new Dictionary<string, string> { ["TransportKey"] = point })).StatusCode);

        // The server keeps only the public point for this holder: nothing it has rebuilds the share.
        var holder = HolderOf(id, 3);
        Assert.Null(holder.SealedTransportKeyJson);
        Assert.Equal(point, Convert.ToHexStringLower(holder.TransportPoint!));
        Assert.Contains("data-testid=\"off-server-3\"", await owner.GetStringAsync(page), StringComparison.Ordinal);
        Assert.Contains("\"offServer\":true", App.WithDb(db => db.LogEntries.Where(e => e.TenderId == id && e.Type == "ceremony.holder.joined").OrderBy(e => e.Index).ToList()).Last().Payload, StringComparison.Ordinal);

        // The package from the page, opened offline into a sealed share that the health check accepts.
        var package = await owner.GetAsync(page + "?handler=SharePackage");
        Assert.Equal(HttpStatusCode.OK, package.StatusCode);
        await File.WriteAllBytesAsync(P("package.json"), await package.Content.ReadAsByteArrayAsync());
        (code, _, err) = Cli("keyholder", "receive", "--package", P("package.json"), "--transport", P("transport.json"), "--out", P("share.json"));
        Assert.True(code == 0, err);
        await File.WriteAllTextAsync(P("key.json"), await App.Anonymous().GetStringAsync($"/api/public/tenders/{id}/joint-key"));
        (code, output, err) = Cli("keyholder", "check", "--share", P("share.json"), "--joint-key", P("key.json"));
        Assert.True(code == 0, err + output);
        return (id, deadline, owner);
    }

    private KeyHolder HolderOf(Guid tenderId, int index) => App.WithDb(db => db.Set<KeyHolder>()
        .Single(h => h.HolderIndex == index && db.Set<Trading.Domain.Bidding.KeyCeremony>().Any(c => c.Id == h.KeyCeremonyId && c.TenderId == tenderId)));

    private async Task<decimal[]> ThreeBidsAndDeadlineAsync(Guid id, DateTime deadline)
    {
        decimal[] prices = [2_000_000m, 1_950_000.25m, 2_100_000m];
        for (var i = 0; i < prices.Length; i++)
        {
            var bidder = await App.ApiAsync($"bidder0{i + 1}");
            await Bidding.ObtainDocumentsAsync(bidder, id);
            var r = await Bidding.UploadAsync(bidder, id, await Bidding.SealAsync(bidder, id, prices[i]));
            Assert.True(r.StatusCode == HttpStatusCode.OK, await r.Content.ReadAsStringAsync());
        }
        App.Clock.Set(new DateTimeOffset(deadline.AddMinutes(1), TimeSpan.Zero));
        await App.RunDeadlineJobAsync();
        return prices;
    }

    /// <summary>The batch export and the CLI's partials made from it.</summary>
    private async Task<string> CliPartialsAsync(HttpClient ownerApi, Guid id, string name = "partials.json")
    {
        var batch = await ownerApi.GetAsync($"/api/tenders/{id}/opening/batch");
        Assert.True(batch.StatusCode == HttpStatusCode.OK, await batch.Content.ReadAsStringAsync());
        await File.WriteAllBytesAsync(P("batch.json"), await batch.Content.ReadAsByteArrayAsync());
        var (code, output, err) = Cli("keyholder", "partial-decrypt", "--share", P("share.json"), "--batch", P("batch.json"), "--out", P(name));
        Assert.True(code == 0, err);
        Assert.Contains("holder 3: 3 partial decryptions written", output, StringComparison.Ordinal);
        return await File.ReadAllTextAsync(P(name));
    }

    private static Task<HttpResponseMessage> UploadApiAsync(HttpClient api, Guid id, string body) =>
        api.PostAsync($"/api/tenders/{id}/opening/partials", new StringContent(body, Encoding.UTF8, "application/json"));

    private static async Task<HttpResponseMessage> UploadPageAsync(HttpClient browser, Guid id, byte[] file)
    {
        var page = $"/Submission/Opening/{id}";
        var form = new MultipartFormDataContent { { new StringContent(await Browser.TokenAsync(browser, page)), "__RequestVerificationToken" } };
        var part = new ByteArrayContent(file);
        part.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        form.Add(part, "partials", "partials.json");
        return await browser.PostAsync(page + "?handler=Partials", form);
    }

    [Fact]
    public async Task A_holder_keeping_its_share_off_the_server_opens_with_partials_made_by_the_cli_and_the_record_is_right()
    {
        var (id, deadline, owner) = await TenderWithOffServerOwnerAsync();
        var prices = await ThreeBidsAndDeadlineAsync(id, deadline);

        // No sealed key of this holder is served to a browser: its share was never on the server.
        var onServer = await OpeningOfficer.GiveAsync(App, "owner1", id, OfficerPassphrase);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, onServer.StatusCode);
        Shows(await OpeningOfficer.TitleAsync(onServer), "不能在此输入口令操作", "cannot act with a passphrase here");

        Assert.Equal(HttpStatusCode.OK, (await OpeningOfficer.GiveAsync(App, "supervisor", id)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await OpeningOfficer.GiveAsync(App, "centre", id)).StatusCode);
        // The opening page offers the holder the batch and the upload; the CLI computes the partials offline.
        Assert.Contains("data-testid=\"upload-partials\"", await owner.GetStringAsync($"/Submission/Opening/{id}"), StringComparison.Ordinal);
        var batchFromPage = await owner.GetAsync($"/Submission/Opening/{id}?handler=Batch");
        Assert.Equal(HttpStatusCode.OK, batchFromPage.StatusCode);
        Assert.Equal(3, CryptoJson.Deserialize<PartialDecryptionBatch>(await batchFromPage.Content.ReadAsStringAsync()).Bids.Count);
        var partials = await CliPartialsAsync(await App.ApiAsync("owner1"), id);

        var uploaded = await UploadPageAsync(owner, id, Encoding.UTF8.GetBytes(partials));
        Assert.True(uploaded.StatusCode == HttpStatusCode.Redirect, await uploaded.Content.ReadAsStringAsync());

        var record = await (await (await App.ApiAsync("supervisor")).GetAsync($"/api/tenders/{id}/opening")).Json();
        var rows = record.GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal(prices.Select(p => (long)(p * 100)).Order(), rows.Select(r => r.GetProperty("priceFen").GetInt64()).Order());
        Assert.All(rows, r => Assert.Equal("Opened", r.GetProperty("status").GetString()));
        Assert.Equal("cli", HolderOf(id, 3).PartialsVia);
        Assert.Contains("\"via\":\"cli\"", App.WithDb(db => db.LogEntries.Single(e => e.TenderId == id && e.Type == "opening.partials" && e.Payload.Contains("\"holder\":3"))).Payload, StringComparison.Ordinal);

        // The transcript holds the CLI holder's partials and verifies with the CLI against the published key.
        var transcript = await (await (await App.ApiAsync("supervisor")).GetAsync($"/api/tenders/{id}/opening/transcript")).Content.ReadAsStringAsync();
        await File.WriteAllTextAsync(P("transcript.json"), transcript);
        var (code, output, err) = TradingCli.Run("verify-opening", "--transcript", P("transcript.json"), "--joint-key", P("key.json"));
        Assert.True(code == 0, output + err);
        Assert.Contains("opening verified", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_partials_are_refused_with_their_reason_the_holder_named_and_nothing_kept()
    {
        var (id, deadline, owner) = await TenderWithOffServerOwnerAsync();
        var ownerApi = await App.ApiAsync("owner1");

        // Before the deadline there is neither a batch nor an upload.
        await (await ownerApi.GetAsync($"/api/tenders/{id}/opening/batch")).AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.Bid.OpeningBeforeDeadline");
        await (await UploadApiAsync(ownerApi, id, "[]")).AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.Bid.OpeningBeforeDeadline");

        await ThreeBidsAndDeadlineAsync(id, deadline);
        var good = await CliPartialsAsync(ownerApi, id);
        var list = CryptoJson.Deserialize<List<PartialDecryption>>(good);

        // Malformed and oversized files, by the API and through the page.
        await (await UploadApiAsync(ownerApi, id, "this is not json")).AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.Bid.PartialsMalformed");
        await (await UploadApiAsync(ownerApi, id, "[null]")).AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.Bid.PartialsMalformed");
        await (await UploadApiAsync(ownerApi, id, "[" + new string(' ', 200 * 1024) + "]")).AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.Bid.PartialsTooLarge");
        var emptyFile = await UploadPageAsync(owner, id, []);
        Assert.Equal(HttpStatusCode.OK, emptyFile.StatusCode);
        Shows(await emptyFile.Content.ReadAsStringAsync(), "生成的部分解密结果列表", "is not a list of partial decryptions");

        // A proof that does not verify; a D that is not x_3 R.
        var badProof = list.Select((p, i) => i == 1 ? p with { Proof = p.Proof with { Response = Flip(p.Proof.Response) } } : p).ToList();
        var why = await (await UploadApiAsync(ownerApi, id, CryptoJson.Serialize(badProof))).AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.Bid.PartialsProofInvalid");
        Shows(why, "第 2 份投标", "bid 2");
        var swappedD = list.Select((p, i) => i == 0 ? p with { D = list[1].D } : p).ToList();
        await (await UploadApiAsync(ownerApi, id, CryptoJson.Serialize(swappedD))).AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.Bid.PartialsProofInvalid");

        // Wrong bids: one missing, one twice, and a valid partial of a point that is no frozen bid (the CLI computed it
        // from a doctored batch: a holder must never decrypt such a point, and the server never accepts it).
        await (await UploadApiAsync(ownerApi, id, CryptoJson.Serialize(list.Take(2).ToList()))).AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.Bid.PartialsWrongBids");
        await (await UploadApiAsync(ownerApi, id, CryptoJson.Serialize(new List<PartialDecryption> { list[0], list[0], list[1] }))).AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.Bid.PartialsWrongBids");
        var batch = CryptoJson.Deserialize<PartialDecryptionBatch>(await File.ReadAllTextAsync(P("batch.json")));
        var doctored = batch with { Bids = [batch.Bids[0], batch.Bids[1], batch.Bids[2] with { R = batch.Key!.PublicKey }] };
        await File.WriteAllTextAsync(P("batch.json"), CryptoJson.Serialize(doctored));
        var (code, _, err) = Cli("keyholder", "partial-decrypt", "--share", P("share.json"), "--batch", P("batch.json"), "--out", P("foreign.json"));
        Assert.True(code == 0, err);
        var notFrozen = await (await UploadApiAsync(ownerApi, id, await File.ReadAllTextAsync(P("foreign.json")))).AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.Opening.PointNotFrozen");
        Shows(notFrozen, "冻结投标", "not a frozen bid");

        // Another holder's file: the supervision office's officer uploading the owner's partials.
        var supervisorApi = await App.ApiAsync("supervisor");
        await (await UploadApiAsync(supervisorApi, id, good)).AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.Bid.PartialsOtherHolder");
        // Nobody outside the holders.
        await (await UploadApiAsync(await App.ApiAsync("bidder01"), id, good)).AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.Bid.NotKeyHolder");
        await (await (await App.ApiAsync("bidder01")).GetAsync($"/api/tenders/{id}/opening/batch")).AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.Bid.NotKeyHolder");

        // Nothing was kept by any refusal; each bad share is in the log with its holder.
        Assert.All(Enumerable.Range(1, 3), i => Assert.Null(HolderOf(id, i).PartialsJson));
        Assert.Empty(App.WithDb(db => db.LogEntries.Where(e => e.TenderId == id && e.Type == "opening.partials").ToList()));
        var refused = App.WithDb(db => db.LogEntries.Where(e => e.TenderId == id && e.Type == "opening.partials.refused").Select(e => e.Payload).ToList());
        Assert.Equal(6, refused.Count);
        Assert.Contains(refused, p => p.Contains("\"holder\":1", StringComparison.Ordinal) && p.Contains("PartialsOtherHolder", StringComparison.Ordinal));

        // The good file is accepted once; the same file again is a replay.
        var accepted = await UploadApiAsync(ownerApi, id, good);
        Assert.True(accepted.StatusCode == HttpStatusCode.OK, await accepted.Content.ReadAsStringAsync());
        await (await UploadApiAsync(ownerApi, id, good)).AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.Bid.PartialsAlreadyGiven");
        Assert.Single(App.WithDb(db => db.LogEntries.Where(e => e.TenderId == id && e.Type == "opening.partials").ToList()));
        Assert.Empty(App.WithDb(db => db.Set<Bid>().Where(b => b.TenderId == id && b.OpeningStatus != null).ToList()));
    }

    [Fact]
    public async Task An_off_server_join_needs_a_valid_transport_key_of_its_own_and_only_that_holder_gets_the_package()
    {
        var deadline = App.Clock.GetUtcNow().UtcDateTime.AddDays(25);
        var id = await TestApi.PublishedTenderAsync(await App.ApiAsync("owner1"), deadline);
        var page = $"/Submission/Ceremony/{id}";
        Assert.Equal(HttpStatusCode.Redirect, (await Bidding.HolderPostAsync(App, "supervisor", id, "Join")).StatusCode);
        var owner = await Browser.SignInAsync(App, "owner1");
        var copied = Convert.ToHexStringLower(HolderOf(id, 1).TransportPoint!);
        var offCurve = "04" + new string('1', 128);
        foreach (var bad in new[] { "not hex at all", "04abcd", offCurve, copied })
        {
            var r = await Browser.PostFormAsync(owner, page, page + "?handler=JoinOffServer", new Dictionary<string, string> { ["TransportKey"] = bad });
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            Shows(await r.Content.ReadAsStringAsync(), "传输公钥必须是", "The transport key must be");
        }
        Assert.Null(HolderOf(id, 3).OfficerUserId);

        using var transport = ShareTransport.CreateTransportKey();
        Assert.Equal(HttpStatusCode.Redirect, (await Browser.PostFormAsync(owner, page, page + "?handler=JoinOffServer",
            new Dictionary<string, string> { ["TransportKey"] = Convert.ToHexStringLower(ShareTransport.PublicPoint(transport)) })).StatusCode);
        var ownerApi = await App.ApiAsync("owner1");
        await (await ownerApi.GetAsync($"/api/tenders/{id}/ceremony/share-package")).AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.Bid.CeremonyNotComplete");
        Assert.Equal(HttpStatusCode.Redirect, (await Bidding.HolderPostAsync(App, "centre", id, "Join")).StatusCode);

        // Complete: the package opens with the owner's transport key alone, and is for the owner only.
        var package = CryptoJson.Deserialize<HolderSharePackage>(await ownerApi.GetStringAsync($"/api/tenders/{id}/ceremony/share-package"));
        using (var secret = package.Open(transport)) Assert.Equal(3, secret.HolderIndex);
        await (await (await App.ApiAsync("supervisor")).GetAsync($"/api/tenders/{id}/ceremony/share-package")).AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.Bid.HolderOnServer");
        await (await (await App.ApiAsync("owner2")).GetAsync($"/api/tenders/{id}/ceremony/share-package")).AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.Bid.NotKeyHolder");
        // The health check by passphrase is not for this holder.
        var check = await Bidding.HolderPostAsync(App, "owner1", id, "Check");
        Shows(await check.Content.ReadAsStringAsync(), "不能在此输入口令操作", "cannot act with a passphrase here");
    }

    [Fact]
    public async Task The_off_server_health_check_proves_the_share_on_todays_challenge_and_an_old_proof_is_refused()
    {
        var (id, _, owner) = await TenderWithOffServerOwnerAsync();
        var page = $"/Submission/Ceremony/{id}";
        string Canary(string html) => Regex.Match(html, "data-testid=\"canary\">([0-9a-f]{130})<").Groups[1].Value;
        var canary = Canary(await owner.GetStringAsync(page));
        Assert.Equal(130, canary.Length);
        var (code, _, err) = Cli("keyholder", "check", "--share", P("share.json"), "--joint-key", P("key.json"), "--canary", canary, "--out", P("health.json"));
        Assert.True(code == 0, err);
        var proof = await File.ReadAllBytesAsync(P("health.json"));

        async Task<HttpResponseMessage> UploadAsync(byte[] file)
        {
            var form = new MultipartFormDataContent { { new StringContent(await Browser.TokenAsync(owner, page)), "__RequestVerificationToken" } };
            form.Add(new ByteArrayContent(file), "canary", "health.json");
            return await owner.PostAsync(page + "?handler=CheckOffServer", form);
        }
        // A proof over another point (the joint key, the CLI's default canary) or a malformed file proves nothing today.
        (code, _, err) = Cli("keyholder", "check", "--share", P("share.json"), "--joint-key", P("key.json"), "--out", P("other.json"));
        Assert.True(code == 0, err);
        Shows(await (await UploadAsync(await File.ReadAllBytesAsync(P("other.json")))).Content.ReadAsStringAsync(), "不是针对今天的挑战值", "not over today");
        var tampered = CryptoJson.Deserialize<PartialDecryption>(Encoding.UTF8.GetString(proof));
        tampered = tampered with { Proof = tampered.Proof with { Challenge = Flip(tampered.Proof.Challenge) } };
        Shows(await (await UploadAsync(Encoding.UTF8.GetBytes(CryptoJson.Serialize(tampered)))).Content.ReadAsStringAsync(), "不是本持有方有效的健康检查证明", "not a valid health-check proof");
        Shows(await (await UploadAsync("{}"u8.ToArray())).Content.ReadAsStringAsync(), "不是本持有方有效的健康检查证明", "not a valid health-check proof");
        Assert.Null(HolderOf(id, 3).LastHealthCheckAt);

        Assert.Equal(HttpStatusCode.Redirect, (await UploadAsync(proof)).StatusCode);
        Assert.Equal(App.Clock.GetUtcNow().UtcDateTime, HolderOf(id, 3).LastHealthCheckAt);
        Assert.Contains("\"via\":\"cli\"", App.WithDb(db => db.LogEntries.Single(e => e.TenderId == id && e.Type == "ceremony.health.ok")).Payload, StringComparison.Ordinal);

        // The next day the challenge is new and yesterday's proof is refused.
        App.Clock.Set(App.Clock.GetUtcNow().AddDays(1));
        Assert.NotEqual(canary, Canary(await owner.GetStringAsync(page)));
        Shows(await (await UploadAsync(proof)).Content.ReadAsStringAsync(), "不是针对今天的挑战值", "not over today");
        Assert.Single(App.WithDb(db => db.LogEntries.Where(e => e.TenderId == id && e.Type == "ceremony.health.ok").ToList()));
    }

    /// <summary>The refusal's explanation, in whichever of the two languages the user reads.</summary>
    private static void Shows(string html, string zh, string en) =>
        Assert.True(html.Contains(zh, StringComparison.Ordinal) || html.Contains(en, StringComparison.Ordinal), $"neither \"{zh}\" nor \"{en}\" in the response");

    private static byte[] Flip(byte[] b)
    {
        var c = b.ToArray();
        c[^1] ^= 0x01;
        return c;
    }
}
