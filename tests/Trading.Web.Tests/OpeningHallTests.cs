using System.Net;
using Trading.Crypto;
using Trading.Domain.Bidding;
using Trading.Web.Tests.Infrastructure;

namespace Trading.Web.Tests;

/// <summary>
/// The opening with partials made outside the server (the officer client does what the hall's page does), its bad
/// inputs refused by rule with nothing changed, the confirmation window, and an opening that stops midway on a failed
/// read and resumes where it stopped. Real PostgreSQL, real files, real crypto.
/// </summary>
public sealed class OpeningHallTests(PostgresServer pg) : WebTest(pg)
{
    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>(Bidding.FastSettings) { ["Opening:ConfirmationWindow"] = "00:30:00" };

    private async Task<(Guid Id, DateTime Deadline)> TenderWithBidsAsync(params decimal[] prices)
    {
        var deadline = App.Clock.GetUtcNow().UtcDateTime.AddDays(25);
        var id = await TestApi.PublishedTenderAsync(await App.ApiAsync("owner1"), deadline);
        // The ceremony as a relay: each officer deals and checks on its own side (Officers.cs).
        _officers = await Officers.RunCeremonyAsync(App, id);
        for (var i = 0; i < prices.Length; i++)
        {
            var b = await App.ApiAsync($"bidder0{i + 1}");
            await Bidding.ObtainDocumentsAsync(b, id);
            var r = await Bidding.UploadAsync(b, id, await Bidding.SealAsync(b, id, prices[i], pm: $"项目经理{i}"));
            Assert.True(r.StatusCode == HttpStatusCode.OK, await r.Content.ReadAsStringAsync());
        }
        return (id, deadline);
    }

    private Dictionary<string, OfficerClient> _officers = [];

    private async Task GiveAllAsync(Guid id)
    {
        foreach (var o in _officers.Values) await Officers.AssertOk(await o.GivePartialsAsync(App, id));
    }

    private async Task PassDeadlineAsync(DateTime deadline)
    {
        App.Clock.Set(new DateTimeOffset(deadline.AddMinutes(1), TimeSpan.Zero));
        await App.RunDeadlineJobAsync();
    }

    private int Entries(Guid id, string type) => App.WithDb(db => db.LogEntries.Count(e => e.TenderId == id && e.Type == type));

    private List<KeyHolder> Holders(Guid id) => App.WithDb(db => db.Set<KeyHolder>().Where(h => db.Set<KeyCeremony>().Any(c => c.Id == h.KeyCeremonyId && c.TenderId == id)).ToList());

    private static Task<HttpResponseMessage> ResumeAsync(HttpClient c, Guid id) =>
        Browser.PostFormAsync(c, $"/Submission/Opening/{id}", $"/Submission/Opening/{id}?handler=Resume", new Dictionary<string, string>());

    [Fact]
    public async Task Bad_partials_from_the_browser_path_are_refused_by_rule_and_nothing_changes()
    {
        var (id, deadline) = await TenderWithBidsAsync(1_000_000m, 1_100_000m, 1_200_000m);
        await PassDeadlineAsync(deadline);

        // A batch that slips in a point outside the frozen list: the officer's side refuses before computing anything.
        var foreign = ThresholdOpening.CanaryPoint("a point that is no frozen bid");
        var refused = await Assert.ThrowsAsync<CryptoException>(() => _officers["supervisor"].MakePartialsAsync(App, id, extraPoint: foreign));
        Assert.Equal(CryptoErrorCode.NotInFrozenList, refused.Code);

        // A careless client that trusts the batch: the server refuses the partial for a point outside the frozen list.
        var careless = await _officers["supervisor"].MakePartialsAsync(App, id, extraPoint: foreign, trustBatch: true);
        await (await OpeningOfficer.PostAsync(careless.Client, id, CryptoJson.Serialize(careless.Partials))).AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.Opening.PointNotFrozen");

        // An officer of another holder posting the supervision office's partials.
        var good = await _officers["supervisor"].MakePartialsAsync(App, id);
        var centre = await Browser.SignInAsync(App, "centre");
        await (await OpeningOfficer.PostAsync(centre, id, CryptoJson.Serialize(good.Partials))).AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.Bid.PartialsOtherHolder");
        // A bidder is nobody's officer: no material, no batch, no upload.
        var bidder = await Browser.SignInAsync(App, "bidder01");
        await (await bidder.GetAsync($"/Submission/Opening/{id}?handler=Material")).AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.Bid.NotKeyHolder");
        await (await OpeningOfficer.PostAsync(bidder, id, CryptoJson.Serialize(good.Partials))).AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.Bid.NotKeyHolder");
        Assert.All(Holders(id), h => Assert.Null(h.PartialsJson));
        Assert.Equal(0, Entries(id, "opening.partials"));

        // Accepted once; the same upload again (a replay) and a second act of the same holder are refused.
        var accepted = await OpeningOfficer.PostAsync(good.Client, id, CryptoJson.Serialize(good.Partials));
        Assert.True(accepted.StatusCode == HttpStatusCode.OK, await accepted.Content.ReadAsStringAsync());
        await (await OpeningOfficer.PostAsync(good.Client, id, CryptoJson.Serialize(good.Partials))).AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.Bid.PartialsAlreadyGiven");
        await (await _officers["supervisor"].GivePartialsAsync(App, id)).AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.Bid.PartialsAlreadyGiven");
        Assert.Equal(1, Entries(id, "opening.partials"));
        Assert.Contains("\"via\":\"browser\"", App.WithDb(db => db.LogEntries.Single(e => e.TenderId == id && e.Type == "opening.partials").Payload), StringComparison.Ordinal);

        // With a holder missing, the opening cannot be pushed on.
        var supervisor = await Browser.SignInAsync(App, "supervisor");
        var missing = await ResumeAsync(supervisor, id);
        Assert.Equal(HttpStatusCode.OK, missing.StatusCode);
        Assert.Contains("全部提供后方可开标", await missing.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, Entries(id, "opening.resumed"));
        Assert.Empty(App.WithDb(db => db.Set<Bid>().Where(b => b.TenderId == id && b.OpeningStatus != null).ToList()));
    }

    [Fact]
    public async Task An_opening_that_stops_on_a_failed_read_resumes_where_it_stopped_and_opens_every_bid_once()
    {
        decimal[] prices = [2_000_000m, 2_100_000m, 2_200_000m];
        var (id, deadline) = await TenderWithBidsAsync(prices);
        await PassDeadlineAsync(deadline);

        // The second bid's file cannot be read at the moment of the opening (a failed disk read).
        var second = App.WithDb(db => db.Set<Bid>().Where(b => b.TenderId == id && b.Status == BidStatus.Valid).OrderBy(b => b.LogIndex).Skip(1).First());
        var path = Directory.EnumerateFiles(App.DataDirectory, Path.GetFileName(second.StorageKey), SearchOption.AllDirectories).Single();
        File.Move(path, path + ".away");

        await GiveAllAsync(id);
        Assert.Equal(1, Entries(id, "opening.interrupted"));
        Assert.Equal(0, Entries(id, "opening.completed"));
        var opened = App.WithDb(db => db.Set<Bid>().Where(b => b.TenderId == id && b.OpeningStatus != null).Select(b => b.Id).ToList());
        Assert.NotEqual(second.Id, Assert.Single(opened));

        // The firm whose row is not there yet is told the opening has not reached its bid, not that it is no bidder.
        var waiting = await Browser.SignInAsync(App, App.WithDb(db => db.Users.First(u => u.OrganisationId == second.FirmId && u.UserName!.StartsWith("bidder")).UserName!));
        var hall = $"/Submission/Opening/{id}";
        var early = await Browser.PostFormAsync(waiting, hall, hall + "?handler=Confirm", new Dictionary<string, string>());
        Assert.Equal(HttpStatusCode.OK, early.StatusCode);
        Assert.Contains("开标尚未进行到您的投标", await early.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, Entries(id, "opening.confirmed"));

        // Every holder is refused acting again, but nothing is stuck: any participant goes on with the opening.
        var owner = await Browser.SignInAsync(App, "owner1");
        Assert.Contains("data-testid=\"resume\"", await owner.GetStringAsync($"/Submission/Opening/{id}"), StringComparison.Ordinal);
        // Still unreadable: it stops again at the same bid, and the first bid is not opened twice.
        Assert.Equal(HttpStatusCode.Redirect, (await ResumeAsync(owner, id)).StatusCode);
        Assert.Equal(2, Entries(id, "opening.interrupted"));
        File.Move(path + ".away", path);
        Assert.Equal(HttpStatusCode.Redirect, (await ResumeAsync(owner, id)).StatusCode);

        Assert.Equal(1, Entries(id, "opening.completed"));
        Assert.Equal(3, Entries(id, "opening.bid"));
        Assert.Equal(2, Entries(id, "opening.resumed"));
        var rows = App.WithDb(db => db.Set<Bid>().Where(b => b.TenderId == id && b.Status == BidStatus.Valid).ToList());
        Assert.All(rows, b => Assert.Equal(BidOpeningStatus.Opened, b.OpeningStatus));
        Assert.Equal(prices.Select(p => (long)(p * 100)).Order(), rows.Select(b => b.PriceFen!.Value).Order());
        // The transcript covers every bid, including those opened before the stop, and verifies.
        var transcript = await (await (await App.ApiAsync("supervisor")).GetAsync($"/api/tenders/{id}/opening/transcript")).Content.ReadAsStringAsync();
        var report = OpeningVerifier.Verify(CryptoJson.Deserialize<OpeningTranscript>(transcript));
        Assert.True(report.Valid, string.Join("; ", report.Bids.SelectMany(b => b.Problems)));
        Assert.Equal(3, report.Bids.Count);
        // Completed: nothing left to resume.
        var done = await ResumeAsync(owner, id);
        Assert.Contains("开标已完成", await done.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stored_envelope_changed_after_its_receipt_is_recorded_as_corrupt_with_both_hashes_and_the_others_open_with_their_packages_kept()
    {
        decimal[] prices = [3_000_000m, 3_100_000m, 3_200_000m];
        var (id, deadline) = await TenderWithBidsAsync(prices);
        await PassDeadlineAsync(deadline);

        // One byte of the second bid's stored ciphertext flips (a disk fault after the receipt): the opening hashes the
        // envelope in the pass that decrypts it, so the platform, not the bidder, is blamed, and nothing of it is kept.
        var second = App.WithDb(db => db.Set<Bid>().Where(b => b.TenderId == id && b.Status == BidStatus.Valid).OrderBy(b => b.LogIndex).Skip(1).First());
        var path = Directory.EnumerateFiles(App.DataDirectory, Path.GetFileName(second.StorageKey), SearchOption.AllDirectories).Single();
        var bytes = await File.ReadAllBytesAsync(path);
        bytes[^40] ^= 0x01;
        await File.WriteAllBytesAsync(path, bytes);

        await GiveAllAsync(id);
        Assert.Equal(1, Entries(id, "opening.completed"));
        var rows = App.WithDb(db => db.Set<Bid>().Where(b => b.TenderId == id && b.Status == BidStatus.Valid).OrderBy(b => b.LogIndex).ToList());
        var corrupt = rows[1];
        Assert.Equal(BidOpeningStatus.EnvelopeCorrupt, corrupt.OpeningStatus);
        Assert.Contains($"differs from receipt {second.EnvelopeSha256}", corrupt.OpeningProblem, StringComparison.Ordinal);
        Assert.Null(corrupt.PackageStorageKey);
        Assert.Null(corrupt.PriceFen);
        foreach (var b in new[] { rows[0], rows[2] })
        {
            Assert.Equal(BidOpeningStatus.Opened, b.OpeningStatus);
            // The kept package is the decrypted ZIP itself, whole.
            var kept = Directory.EnumerateFiles(App.DataDirectory, Path.GetFileName(b.PackageStorageKey!), SearchOption.AllDirectories).Single();
            using var zip = System.IO.Compression.ZipFile.OpenRead(kept);
            Assert.NotNull(zip.GetEntry("bid-form.json"));
        }
        Assert.Equal([300_000_000L, 320_000_000L], rows.Where(b => b.PriceFen is not null).Select(b => b.PriceFen!.Value).Order());
        // Each bid has its own entry, in the order the bids were frozen, though bids already decrypted commit together.
        var entries = App.WithDb(db => db.LogEntries.Where(e => e.TenderId == id && e.Type == "opening.bid").OrderBy(e => e.Index).Select(e => e.Payload).ToList());
        Assert.Equal([1, 2, 3], entries.Select(e => int.Parse(System.Text.RegularExpressions.Regex.Match(e, "\"position\":(\\d+)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(rows.Select(b => b.Id.ToString()), entries.Select(e => System.Text.RegularExpressions.Regex.Match(e, "\"bid\":\"([0-9a-f-]+)\"").Groups[1].Value));
        // No temp file of the opening is left behind in the store.
        var storeTemp = Directory.EnumerateDirectories(App.DataDirectory, "tmp", SearchOption.AllDirectories).ToList();
        Assert.NotEmpty(storeTemp);
        Assert.All(storeTemp, d => Assert.Empty(Directory.EnumerateFiles(d)));
        var transcript = await (await (await App.ApiAsync("supervisor")).GetAsync($"/api/tenders/{id}/opening/transcript")).Content.ReadAsStringAsync();
        Assert.Equal(2, CryptoJson.Deserialize<OpeningTranscript>(transcript).Bids.Count);
    }

    [Fact]
    public async Task An_officer_still_waiting_to_be_added_is_told_why_instead_of_being_shown_a_form_the_server_would_refuse()
    {
        var (id, deadline) = await TenderWithBidsAsync(1_500_000m, 1_600_000m, 1_700_000m);
        await Officers.CreateUserLikeAsync(App, "centre", "centre2");
        using var pending = await Officers.ClientAsync(App, "centre2");
        Assert.Equal(HttpStatusCode.Created, (await pending.EnrolAsync(id)).StatusCode);
        await PassDeadlineAsync(deadline);

        var hall = await (await Browser.SignInAsync(App, "centre2")).GetStringAsync($"/Submission/Opening/{id}");
        Assert.Contains("data-testid=\"officer-refusal\"", hall, StringComparison.Ordinal);
        Assert.DoesNotContain("data-testid=\"give\"", hall, StringComparison.Ordinal);
        // The active officer of the same holder still gets the form.
        var active = await (await Browser.SignInAsync(App, "centre")).GetStringAsync($"/Submission/Opening/{id}");
        Assert.Contains("data-testid=\"give\"", active, StringComparison.Ordinal);
        Assert.DoesNotContain("data-testid=\"officer-refusal\"", active, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bidders_confirm_or_object_within_the_window_and_only_bidders_of_the_tender_may()
    {
        var (id, deadline) = await TenderWithBidsAsync(3_000_000m, 3_100_000m, 3_200_000m);
        await PassDeadlineAsync(deadline);
        await GiveAllAsync(id);

        var bidder1 = await Browser.SignInAsync(App, "bidder01");
        var page = $"/Submission/Opening/{id}";
        Assert.Equal(HttpStatusCode.Redirect, (await Browser.PostFormAsync(bidder1, page, page + "?handler=Confirm", new Dictionary<string, string>())).StatusCode);
        Assert.Equal(1, Entries(id, "opening.confirmed"));

        // A firm that did not bid in this tender sees no hall and cannot confirm.
        var outsider = await Browser.SignInAsync(App, "bidder05");
        Assert.Equal(HttpStatusCode.Forbidden, (await outsider.GetAsync(page)).StatusCode);
        var outsiderApi = await App.ApiAsync("bidder05");
        Assert.Equal(HttpStatusCode.Forbidden, (await outsiderApi.GetAsync($"/api/tenders/{id}/opening")).StatusCode);

        // An objection within the window is recorded; after it, refused by rule and nothing kept.
        var bidder2 = await Browser.SignInAsync(App, "bidder02");
        Assert.Equal(HttpStatusCode.Redirect, (await Browser.PostFormAsync(bidder2, page, page + "?handler=Object", new Dictionary<string, string> { ["Text"] = "第二行的工期与我方投标文件不符" })).StatusCode);
        App.Clock.Set(App.Clock.GetUtcNow().AddMinutes(31));
        var late = await Browser.PostFormAsync(bidder2, page, page + "?handler=Object", new Dictionary<string, string> { ["Text"] = "too late" });
        Assert.Equal(HttpStatusCode.OK, late.StatusCode);
        Assert.Contains("开标记录已于", await late.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var lateConfirm = await Browser.PostFormAsync(bidder2, page, page + "?handler=Confirm", new Dictionary<string, string>());
        Assert.Contains("不再接受确认或异议", await lateConfirm.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(1, Entries(id, "opening.objection"));
        Assert.Equal(1, Entries(id, "opening.confirmed"));
        Assert.Single(App.WithDb(db => db.Set<OpeningObjection>().Where(o => o.TenderId == id).ToList()));
        Assert.Contains("data-testid=\"record-closed\"", await bidder2.GetStringAsync(page), StringComparison.Ordinal);
    }
}
