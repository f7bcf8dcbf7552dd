using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Trading.Data.Log;
using Trading.Domain;
using Trading.Web.Tests.Infrastructure;

namespace Trading.Web.Tests;

/// <summary>
/// The deadline move, locks, failed tenders and re-tenders on real PostgreSQL: the same move whoever triggers it,
/// the races, and the probes of issue 16 (close-bidding and postpone at the deadline, a one-bid tender).
/// </summary>
public class LifecycleTests(PostgresServer pg) : WebTest(pg)
{
    protected override IReadOnlyDictionary<string, string> Settings => Bidding.FastSettings;

    private DateTime Now => App.Clock.GetUtcNow().UtcDateTime;

    private async Task<(Guid Id, DateTime Deadline)> TenderWithBidsAsync(int bids)
    {
        var deadline = Now.AddDays(25);
        var id = await TestApi.PublishedTenderAsync(await App.ApiAsync("owner1"), deadline);
        await Bidding.JoinAllAsync(App, id);
        for (var i = 1; i <= bids; i++)
        {
            var b = await App.ApiAsync($"bidder0{i}");
            await Bidding.ObtainDocumentsAsync(b, id);
            var r = await Bidding.UploadAsync(b, id, await Bidding.SealAsync(b, id, 1_000_000m + i));
            Assert.True(r.StatusCode == HttpStatusCode.OK, await r.Content.ReadAsStringAsync());
        }
        return (id, deadline);
    }

    private Tender Load(Guid id) => App.WithDb(db => db.Tenders.AsNoTracking().Include(t => t.Lots).Include(t => t.Transitions).First(t => t.Id == id));
    private int Entries(Guid id, string type) => App.WithDb(db => db.LogEntries.Count(e => e.TenderId == id && e.Type == type));
    private int Checkpoints(string reason) => App.WithDb(db => db.Set<LogCheckpoint>().Count(c => c.Reason == reason));

    [Fact]
    public async Task A_one_bid_tender_fails_at_the_deadline_through_the_api_with_the_freeze_and_the_checkpoint()
    {
        var (id, deadline) = await TenderWithBidsAsync(1);
        var owner = await App.ApiAsync("owner1");
        await (await owner.PostAsync($"/api/tenders/{id}/close-bidding", null)).AssertRefused(HttpStatusCode.UnprocessableEntity, RuleCodes.DeadlineNotPassed);
        Assert.Equal(LifecycleStep.NoticePublished, Load(id).Step);

        App.Clock.Set(new DateTimeOffset(deadline, TimeSpan.Zero));
        var checkpointsBefore = Checkpoints("deadline");
        var r = await owner.PostAsync($"/api/tenders/{id}/close-bidding", null);
        Assert.True(r.IsSuccessStatusCode, await r.Content.ReadAsStringAsync());
        var t = Load(id);
        Assert.Equal(LifecycleStep.BidDeadline, t.Step);
        Assert.True(t.Failed);
        Assert.Equal($"{RuleCodes.NotEnoughBids}|1|3", t.FailedReason);
        Assert.Equal(1, Entries(id, "bids.frozen"));
        Assert.Equal(1, Entries(id, "tender.failed"));
        Assert.Equal(checkpointsBefore + 1, Checkpoints("deadline"));

        // The job finds nothing to do, a second call is refused by rule, and the opening is refused citing the failure.
        await App.RunDeadlineJobAsync(); // the demo's tenders may be due too; this one is not touched again
        await (await owner.PostAsync($"/api/tenders/{id}/close-bidding", null)).AssertRefused(HttpStatusCode.UnprocessableEntity, RuleCodes.AlreadyClosed);
        Assert.Equal(1, Entries(id, "bids.frozen"));
        var refused = await OpeningOfficer.GiveAsync(App, "supervisor", id);
        Assert.Contains("流标", await OpeningOfficer.TitleAsync(refused), StringComparison.Ordinal);

        // Everyone sees it failed, with its rule, on its page and in the public list.
        var anon = Browser.Client(App);
        var page = await anon.GetStringAsync($"/Tenders/Details/{id}");
        Assert.Contains("data-testid=\"failed\"", page, StringComparison.Ordinal);
        Assert.Contains("Regulations art. 44", page, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"failed-badge\"", await anon.GetStringAsync("/Tenders"), StringComparison.Ordinal);
        Assert.DoesNotContain("data-testid=\"retender\"", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_job_and_the_page_make_the_same_move_and_a_one_bid_tender_fails_either_way()
    {
        var (byJob, deadline) = await TenderWithBidsAsync(1);
        var byPage = await TestApi.PublishedTenderAsync(await App.ApiAsync("owner1"), deadline);
        App.Clock.Set(new DateTimeOffset(deadline.AddSeconds(1), TimeSpan.Zero));

        var centre = await Browser.SignInAsync(App, "centre");
        var r = await Browser.PostFormAsync(centre, $"/Tenders/Details/{byPage}", $"/Tenders/Details/{byPage}?handler=CloseBidding", new Dictionary<string, string>());
        Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
        await App.RunDeadlineJobAsync();

        foreach (var id in new[] { byJob, byPage })
        {
            var t = Load(id);
            Assert.Equal(LifecycleStep.BidDeadline, t.Step);
            Assert.True(t.Failed, id.ToString());
            Assert.Equal(1, Entries(id, "tender.deadline"));
            Assert.Equal(1, Entries(id, "bids.frozen"));
            Assert.Single(t.Transitions, x => x.To == LifecycleStep.BidDeadline);
        }
        Assert.Equal($"{RuleCodes.NotEnoughBids}|0|3", Load(byPage).FailedReason);
    }

    [Fact]
    public async Task Two_deadline_moves_at_once_make_one_move_and_refuse_the_other_by_rule()
    {
        var (id, deadline) = await TenderWithBidsAsync(0);
        App.Clock.Set(new DateTimeOffset(deadline, TimeSpan.Zero));
        var owner = await App.ApiAsync("owner1");
        var centre = await App.ApiAsync("centre");
        var results = await Task.WhenAll(
            owner.PostAsync($"/api/tenders/{id}/close-bidding", null),
            centre.PostAsync($"/api/tenders/{id}/close-bidding", null),
            App.RunDeadlineJobAsync().ContinueWith(_ => new HttpResponseMessage(HttpStatusCode.NoContent), TaskScheduler.Default));
        var api = results.Take(2).ToList();
        // Whoever wins (either call or the job), the others find it made.
        Assert.True(api.Count(x => x.IsSuccessStatusCode) <= 1);
        foreach (var x in api.Where(x => !x.IsSuccessStatusCode))
            await x.AssertRefused(HttpStatusCode.UnprocessableEntity, RuleCodes.AlreadyClosed);
        Assert.Equal(1, Entries(id, "tender.deadline"));
        Assert.Equal(1, Entries(id, "bids.frozen"));
        Assert.Single(Load(id).Transitions, x => x.To == LifecycleStep.BidDeadline);
    }

    [Fact]
    public async Task Nobody_postpones_at_or_after_the_deadline_even_before_the_move_has_run_and_no_bid_arrives_after_it()
    {
        var (id, deadline) = await TenderWithBidsAsync(0);
        var owner = await App.ApiAsync("owner1");
        var late = await App.ApiAsync("bidder02");
        await Bidding.ObtainDocumentsAsync(late, id);
        var sealedBid = await Bidding.SealAsync(late, id, 999_000m);

        App.Clock.Set(new DateTimeOffset(deadline.AddMilliseconds(100), TimeSpan.Zero));
        await (await owner.PostAsJsonAsync($"/api/tenders/{id}/postpone", new { newDeadlineUtc = deadline.AddDays(7) }))
            .AssertRefused(HttpStatusCode.UnprocessableEntity, RuleCodes.DeadlinePassed);
        foreach (var user in new[] { "centre", "supervisor", "admin" })
            Assert.False((await (await App.ApiAsync(user)).PostAsJsonAsync($"/api/tenders/{id}/postpone", new { newDeadlineUtc = deadline.AddDays(7) })).IsSuccessStatusCode, user);
        Assert.Equal(deadline, Load(id).BidDeadline);
        var upload = await Bidding.UploadAsync(late, id, sealedBid);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, upload.StatusCode);
        Assert.Equal(0, App.WithDb(db => db.Set<Trading.Domain.Bidding.Bid>().Count(b => b.TenderId == id)));
    }

    [Fact]
    public async Task A_supervisor_locks_a_step_everyone_sees_the_rule_nothing_moves_and_only_a_supervisor_unlocks_with_a_reason()
    {
        var (id, deadline) = await TenderWithBidsAsync(0);
        var owner = await App.ApiAsync("owner1");
        var supervisor = await App.ApiAsync("supervisor");
        var lockBody = new { rule = "Regulations art. 40", reason = "Two bidders' documents were made on the same computer." };
        await (await owner.PostAsJsonAsync($"/api/tenders/{id}/lock", lockBody)).AssertRefused(HttpStatusCode.UnprocessableEntity, RuleCodes.LockOnlySupervisor);
        await (await supervisor.PostAsJsonAsync($"/api/tenders/{id}/lock", new { rule = "", reason = "x" })).AssertRefused(HttpStatusCode.UnprocessableEntity, RuleCodes.LockReasonRequired);
        Assert.True((await supervisor.PostAsJsonAsync($"/api/tenders/{id}/lock", lockBody)).IsSuccessStatusCode);
        Assert.Equal(1, Entries(id, "tender.locked"));

        // A bidder's view of the tender names the rule and the reason; bidding and the deadline move are refused by the lock.
        var bidderPage = await (await Browser.SignInAsync(App, "bidder03")).GetStringAsync($"/Tenders/Details/{id}");
        Assert.Contains("Regulations art. 40", bidderPage, StringComparison.Ordinal);
        Assert.Contains("same computer", bidderPage, StringComparison.Ordinal);
        App.Clock.Set(new DateTimeOffset(deadline, TimeSpan.Zero));
        await (await owner.PostAsync($"/api/tenders/{id}/close-bidding", null)).AssertRefused(HttpStatusCode.UnprocessableEntity, RuleCodes.StepLocked);
        await App.RunDeadlineJobAsync();
        Assert.Equal(LifecycleStep.NoticePublished, Load(id).Step);

        await (await owner.PostAsJsonAsync($"/api/tenders/{id}/unlock", new { reason = "please" })).AssertRefused(HttpStatusCode.UnprocessableEntity, RuleCodes.LockOnlySupervisor);
        await (await supervisor.PostAsJsonAsync($"/api/tenders/{id}/unlock", new { reason = " " })).AssertRefused(HttpStatusCode.UnprocessableEntity, RuleCodes.LockReasonRequired);
        Assert.True((await supervisor.PostAsJsonAsync($"/api/tenders/{id}/unlock", new { reason = "Explained: the centre's shared terminal." })).IsSuccessStatusCode);
        var unlocked = App.WithDb(db => db.LogEntries.Single(e => e.TenderId == id && e.Type == "tender.unlocked"));
        Assert.Contains("shared terminal", unlocked.Payload, StringComparison.Ordinal);
        await App.RunDeadlineJobAsync();
        Assert.Equal(LifecycleStep.BidDeadline, Load(id).Step);
    }

    [Fact]
    public async Task The_owner_re_tenders_a_failed_tender_linked_to_it_and_nothing_else()
    {
        var (id, deadline) = await TenderWithBidsAsync(0);
        var owner = await App.ApiAsync("owner1");
        var body = TestApi.TenderBody(deadline.AddDays(30), title: "Road works (re-tender)");
        await (await owner.PostAsJsonAsync($"/api/tenders/{id}/retender", body)).AssertRefused(HttpStatusCode.UnprocessableEntity, RuleCodes.RetenderNotFailed);
        App.Clock.Set(new DateTimeOffset(deadline, TimeSpan.Zero));
        await App.RunDeadlineJobAsync();
        Assert.True(Load(id).Failed);

        var other = await App.ApiAsync("owner2");
        Assert.Equal(HttpStatusCode.Forbidden, (await other.PostAsJsonAsync($"/api/tenders/{id}/retender", TestApi.TenderBody(Now.AddDays(25)))).StatusCode);
        var created = await owner.PostAsJsonAsync($"/api/tenders/{id}/retender", TestApi.TenderBody(Now.AddDays(25), title: "Road works (re-tender)"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var newId = (await created.Json()).GetProperty("id").GetGuid();
        Assert.Equal(id, Load(newId).RetenderOfId);

        var ownerPage = await Browser.SignInAsync(App, "owner1");
        Assert.Contains("data-testid=\"retender\"", await ownerPage.GetStringAsync($"/Tenders/Details/{id}"), StringComparison.Ordinal);
        var form = await ownerPage.GetStringAsync($"/Tenders/Create?retender={id}");
        Assert.Contains("data-testid=\"retender-of\"", form, StringComparison.Ordinal);
        Assert.Contains(Load(id).Code, await ownerPage.GetStringAsync($"/Tenders/Details/{newId}"), StringComparison.Ordinal);
    }
}
