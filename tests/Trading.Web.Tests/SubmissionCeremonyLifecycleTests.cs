using Microsoft.Extensions.DependencyInjection;
using System.Net;
using System.Net.Http.Json;
using Trading.Domain.Bidding;
using Trading.Web.Features.Submission;
using Trading.Web.Tests.Infrastructure;

namespace Trading.Web.Tests;

/// <summary>
/// The ceremony's life around the bids: started by publication (never by a page view), and abandoned uploads swept
/// after their age on the test clock.
/// </summary>
public sealed class SubmissionCeremonyLifecycleTests(PostgresServer pg) : WebTest(pg)
{
    // The sweep test holds three unfinished uploads of one lot at once (abandoned, active, and one being accepted).
    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>(Bidding.FastSettings) { ["Submission:MaxOpenUploadsPerLot"] = "3" };

    private KeyCeremony? CeremonyOf(Guid tenderId) => App.WithDb(db => db.Set<KeyCeremony>().SingleOrDefault(c => c.TenderId == tenderId));


    private long LogSize() => App.WithDb(db => db.LogEntries.LongCount());

    [Fact]
    public async Task Publishing_the_notice_starts_the_ceremony_in_the_same_transaction_and_looking_at_pages_creates_nothing()
    {
        var owner = await App.ApiAsync("owner1");
        var deadline = App.Clock.GetUtcNow().UtcDateTime.AddDays(25);
        // A refused publication (no documents filed) starts nothing.
        var created = await owner.PostAsJsonAsync("/api/tenders", TestApi.TenderBody(deadline));
        var draft = (await created.Json()).GetProperty("id").GetGuid();
        Assert.False((await owner.PostAsync($"/api/tenders/{draft}/publish", null)).IsSuccessStatusCode);
        Assert.Null(CeremonyOf(draft));
        Assert.Equal(HttpStatusCode.OK, (await (await Browser.SignInAsync(App, "owner1")).GetAsync($"/Tenders/Details/{draft}")).StatusCode);
        Assert.Null(CeremonyOf(draft));
        Assert.Empty(App.WithDb(db => db.LogEntries.Where(e => e.TenderId == draft && e.Type == "ceremony.started").ToList()));

        var id = await TestApi.PublishedTenderAsync(owner, deadline);
        var c = CeremonyOf(id);
        Assert.NotNull(c);
        Assert.Equal(CeremonyStatus.AwaitingHolders, c.Status);
        var entries = App.WithDb(db => db.LogEntries.Where(e => e.TenderId == id).OrderBy(e => e.Index).Select(e => new { e.Index, e.Type }).ToList());
        var published = entries.Single(e => e.Type == "tender.published");
        var started = entries.Single(e => e.Type == "ceremony.started");
        Assert.Equal(published.Index + 1, started.Index);

        // Reading the notice, the ceremony, the bid page and the public key writes nothing.
        var visits = new List<(HttpClient Client, string Url)>();
        foreach (var (user, url) in new[] { ("supervisor", $"/Tenders/Details/{id}"), ("centre", $"/Submission/Ceremony/{id}"), ("owner1", $"/Tenders/Details/{id}"), ("bidder01", $"/Submission/Bid/{id}") })
            visits.Add((await Browser.SignInAsync(App, user), url));
        var before = LogSize();
        foreach (var (client, url) in visits)
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(url)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await App.Anonymous().GetAsync($"/api/public/tenders/{id}/joint-key")).StatusCode);
        Assert.Equal(before, LogSize());
        Assert.Single(App.WithDb(db => db.Set<KeyCeremony>().Where(x => x.TenderId == id).ToList()));
    }

    [Fact]
    public async Task The_sweep_removes_only_uploads_abandoned_longer_than_its_age_never_active_or_accepted_ones()
    {
        var start = App.Clock.GetUtcNow();
        var id = await TestApi.PublishedTenderAsync(await App.ApiAsync("owner1"), start.UtcDateTime.AddDays(25));
        await Bidding.JoinAllAsync(App, id);
        var bidder = await App.ApiAsync("bidder01");
        await Bidding.ObtainDocumentsAsync(bidder, id);
        var sealedBid = await Bidding.SealAsync(bidder, id, 1_000_000m);

        async Task<Guid> StartAsync()
        {
            var r = await bidder.PostAsJsonAsync($"/api/tenders/{id}/bids/uploads", new { lotId = sealedBid.LotId, length = sealedBid.Envelope.LongLength });
            return (await r.Json()).GetProperty("uploadId").GetGuid();
        }
        var abandoned = await StartAsync();
        var active = await StartAsync();
        Assert.True((await bidder.PutAsync($"/api/bids/uploads/{active}?offset=0", new ByteArrayContent(sealedBid.Envelope[..100]))).IsSuccessStatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Bidding.UploadAsync(bidder, id, sealedBid)).StatusCode);
        var accepted = App.WithDb(db => db.Set<BidUpload>().Single(u => u.TenderId == id && u.CompletedAt != null));
        var bid = App.WithDb(db => db.Set<Bid>().Single(b => b.TenderId == id));
        string PathOf(Guid upload) => App.WithDb(db => db.Set<BidUpload>().Single(u => u.Id == upload).TempPath);
        var abandonedPath = PathOf(abandoned);
        var activePath = PathOf(active);
        var uploads = Path.GetDirectoryName(abandonedPath)!;
        // A temp file left by a crash before its row was saved, and a fresh stray one.
        var oldStray = Path.Combine(uploads, Guid.NewGuid().ToString("N") + ".part");
        var newStray = Path.Combine(uploads, Guid.NewGuid().ToString("N") + ".part");
        await File.WriteAllBytesAsync(oldStray, [1, 2, 3]);
        await File.WriteAllBytesAsync(newStray, [1, 2, 3]);

        // Within the age (2 days by default) nothing goes.
        App.Clock.Set(start.AddDays(1));
        Assert.Equal(0, await App.RunJobAsync<SubmissionModule.UploadSweep>());
        // The active one gets another chunk a day in.
        Assert.True((await bidder.PutAsync($"/api/bids/uploads/{active}?offset=100", new ByteArrayContent(sealedBid.Envelope[100..200]))).IsSuccessStatusCode);
        File.SetLastWriteTimeUtc(oldStray, start.AddDays(-1).UtcDateTime);
        File.SetLastWriteTimeUtc(newStray, start.AddDays(2).UtcDateTime);

        App.Clock.Set(start.AddDays(2.5));
        Assert.Equal(2, await App.RunJobAsync<SubmissionModule.UploadSweep>());
        Assert.False(File.Exists(abandonedPath));
        Assert.False(File.Exists(oldStray));
        Assert.True(File.Exists(newStray));
        Assert.True(File.Exists(activePath));
        Assert.Null(App.WithDb(db => db.Set<BidUpload>().SingleOrDefault(u => u.Id == abandoned)));
        Assert.NotNull(App.WithDb(db => db.Set<BidUpload>().SingleOrDefault(u => u.Id == active)));
        Assert.NotNull(App.WithDb(db => db.Set<BidUpload>().SingleOrDefault(u => u.Id == accepted.Id)));
        // The accepted bid is intact: still valid, its stored envelope still there with its hash.
        Assert.Equal(BidStatus.Valid, App.WithDb(db => db.Set<Bid>().Single(b => b.Id == bid.Id)).Status);
        var stored = App.Services.GetRequiredService<Trading.Web.Infrastructure.IFileStore>();
        await using (var s = stored.OpenRead(bid.StorageKey))
            Assert.Equal(bid.EnvelopeSha256, Convert.ToHexStringLower(await System.Security.Cryptography.SHA256.HashDataAsync(s)));

        // The bidder coming back to the swept upload is told it is gone, and can start again.
        await (await bidder.PutAsync($"/api/bids/uploads/{abandoned}?offset=0", new ByteArrayContent(sealedBid.Envelope))).AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.Bid.UploadUnknown");
        Assert.NotEqual(Guid.Empty, await StartAsync());

        // Once the active one is idle past the age, it goes too.
        App.Clock.Set(start.AddDays(3.5));
        Assert.True(await App.RunJobAsync<SubmissionModule.UploadSweep>() >= 1);
        Assert.False(File.Exists(activePath));
        Assert.NotNull(App.WithDb(db => db.Set<BidUpload>().SingleOrDefault(u => u.Id == accepted.Id)));
    }
}
