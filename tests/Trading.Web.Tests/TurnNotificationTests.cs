using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Trading.Data.Notifications;
using Trading.Web.Features.Notifications;
using Trading.Web.Tests.Infrastructure;

namespace Trading.Web.Tests;

/// <summary>
/// Each role is told when a step needs it, once: holders to join the ceremony and to open, firms that took the
/// documents of clarifications and of the deadline, bidders of the opening and its record, the owner side of the draw
/// to request, and everyone concerned of a failed tender. Real moves on real PostgreSQL; no notice to a bidder tells it
/// of another firm.
/// </summary>
public class TurnNotificationTests(PostgresServer pg) : WebTest(pg)
{
    protected override IReadOnlyDictionary<string, string> Settings => Bidding.FastSettings;

    private static readonly string[] Kinds =
        ["ceremony.invited", "tender.clarification", "tender.deadline.near", "opening.due", "opening.turn", "opening.record", "draw.due", "tender.failed"];

    private List<(string User, Notification N)> Notices(Guid tenderId) => App.WithDb(db =>
        (from n in db.Set<Notification>() join u in db.Users on n.UserId equals u.Id where n.TenderId == tenderId && Kinds.Contains(n.Kind) select new { u.UserName, n })
        .AsEnumerable().Select(x => (x.UserName!, x.n)).ToList());

    private List<string> Told(Guid tenderId, string kind) => Notices(tenderId).Where(x => x.N.Kind == kind).Select(x => x.User).Order(StringComparer.Ordinal).ToList();

    private async Task<HttpClient> TakeDocumentsAsync(string user, Guid tenderId)
    {
        var c = await App.ApiAsync(user);
        await Bidding.ObtainDocumentsAsync(c, tenderId);
        return c;
    }

    [Fact]
    public async Task Every_role_hears_of_its_turn_once_and_a_bidder_hears_only_of_its_own_tender()
    {
        var deadline = App.Clock.GetUtcNow().UtcDateTime.AddDays(25);
        var owner = await App.ApiAsync("owner1");
        var id = await TestApi.PublishedTenderAsync(owner, deadline);
        var code = App.WithDb(db => db.Tenders.Single(t => t.Id == id).Code);

        // Publication: each of the three holders' people is asked to join the key ceremony.
        Assert.Equal(["centre", "owner1", "supervisor"], Told(id, "ceremony.invited"));
        await Bidding.JoinAllAsync(App, id);

        // Three firms take the documents and bid, a fourth only takes them, a fifth does nothing.
        for (var i = 1; i <= 3; i++)
        {
            var bidder = await TakeDocumentsAsync($"bidder0{i}", id);
            var r = await Bidding.UploadAsync(bidder, id, await Bidding.SealAsync(bidder, id, 1_000_000m + i));
            Assert.True(r.StatusCode == HttpStatusCode.OK, await r.Content.ReadAsStringAsync());
        }
        await TakeDocumentsAsync("bidder04", id);

        // A clarification reaches every firm that took the documents, and no one else.
        var clarified = await owner.PostAsJsonAsync($"/api/tenders/{id}/clarifications", new { question = "工期能否顺延？", answer = "不能。", changesDocuments = false });
        Assert.True(clarified.IsSuccessStatusCode, await clarified.Content.ReadAsStringAsync());
        Assert.Equal(["bidder01", "bidder02", "bidder03", "bidder04"], Told(id, "tender.clarification"));

        // Nothing about the deadline while it is far; a day before it, the same four are told, once however often the job runs.
        // (The first run does remind the demo's two accepted experts of their session tomorrow: nothing of this tender.)
        await App.RunJobAsync<TurnWatcher>();
        Assert.Empty(Told(id, "tender.deadline.near"));
        App.Clock.Set(new DateTimeOffset(deadline.AddHours(-12), TimeSpan.Zero));
        Assert.Equal(4, await App.RunJobAsync<TurnWatcher>());
        Assert.Equal(0, await App.RunJobAsync<TurnWatcher>());
        Assert.Equal(["bidder01", "bidder02", "bidder03", "bidder04"], Told(id, "tender.deadline.near"));
        // Promise 2: before the deadline a notice names the tender and its deadline, nothing about who or how many took part.
        var title = App.WithDb(db => db.Tenders.Single(t => t.Id == id).Title);
        Assert.All(Notices(id).Where(x => x.N.Kind is "tender.deadline.near" or "tender.clarification"),
            x => Assert.All(System.Text.Json.JsonSerializer.Deserialize<string[]>(x.N.ArgsJson)!, a => Assert.True(a == code || a == title || DateTime.TryParse(a, out _), a)));

        // The reader's language: the same notice in Chinese and in English.
        Assert.Contains("投标即将截止", await (await Browser.SignInAsync(App, "bidder04")).GetStringAsync("/Notifications"), StringComparison.Ordinal);
        App.WithDb(db => db.Users.Where(u => u.UserName == "bidder04").ExecuteUpdate(s => s.SetProperty(u => u.PreferredCulture, "en")));
        var english = await (await Browser.SignInAsync(App, "bidder04")).GetStringAsync("/Notifications");
        Assert.Contains($"Bid deadline of {code} is near", english, StringComparison.Ordinal);

        // The deadline: bidders to the opening, holders' officers to open, the owner side to request the draw. The firm
        // that only took the documents and the one that did nothing hear nothing of it.
        App.Clock.Set(new DateTimeOffset(deadline.AddMinutes(1), TimeSpan.Zero));
        await App.RunDeadlineJobAsync();
        Assert.Equal(0, await App.RunDeadlineJobAsync());
        Assert.Equal(["bidder01", "bidder02", "bidder03"], Told(id, "opening.due"));
        Assert.Equal(["centre", "owner1", "supervisor"], Told(id, "opening.turn"));
        Assert.Equal(["owner1"], Told(id, "draw.due"));
        Assert.Empty(Told(id, "tender.failed"));

        // The opening: each bidder is asked to check its row.
        await OpeningOfficer.GiveAllAsync(App, id);
        Assert.Equal(["bidder01", "bidder02", "bidder03"], Told(id, "opening.record"));

        // Once each: no user holds two notices of one kind for this tender (the clarification is one event).
        Assert.All(Notices(id).GroupBy(x => (x.User, x.N.Kind)), g => Assert.True(g.Count() == 1, $"{g.Key.User} told {g.Count()} times of {g.Key.Kind}"));
        Assert.DoesNotContain(Notices(id), x => x.User == "bidder05");
    }

    [Fact]
    public async Task A_failed_tender_is_told_to_its_owner_and_bidders_and_nobody_is_asked_to_open_it()
    {
        var deadline = App.Clock.GetUtcNow().UtcDateTime.AddDays(25);
        var id = await TestApi.PublishedTenderAsync(await App.ApiAsync("owner1"), deadline);
        await Bidding.JoinAllAsync(App, id);
        var bidder = await TakeDocumentsAsync("bidder01", id);
        Assert.Equal(HttpStatusCode.OK, (await Bidding.UploadAsync(bidder, id, await Bidding.SealAsync(bidder, id, 900_000m))).StatusCode);
        await TakeDocumentsAsync("bidder02", id);

        App.Clock.Set(new DateTimeOffset(deadline.AddMinutes(1), TimeSpan.Zero));
        await App.RunDeadlineJobAsync();
        Assert.True(App.WithDb(db => db.Tenders.Single(t => t.Id == id).Failed));
        Assert.Equal(["bidder01", "owner1"], Told(id, "tender.failed"));
        Assert.Empty(Told(id, "opening.turn"));
        Assert.Empty(Told(id, "opening.due"));
        Assert.Empty(Told(id, "draw.due"));

        var page = await (await Browser.SignInAsync(App, "owner1")).GetStringAsync("/Notifications");
        Assert.Contains("流标", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_experts_who_accepted_a_seat_are_reminded_of_their_session_a_day_before_once()
    {
        // The demo's drawn session (tomorrow 09:00, two of five seats accepted): nothing two days before it.
        var session = App.WithDb(db => db.Set<Trading.Domain.Experts.EvaluationSession>().AsNoTracking().Single(s => s.DrawnAt != null && s.StartsAt > TradingFactory.Start.UtcDateTime));
        List<string> Reminded() => App.WithDb(db => (from n in db.Set<Notification>() join u in db.Users on n.UserId equals u.Id
                                                      where n.Kind == "evaluation.session.near" select u.UserName!).ToList()).Order(StringComparer.Ordinal).ToList();
        var accepted = App.WithDb(db => (from m in db.Set<Trading.Domain.Experts.CommitteeMember>()
                                         join e in db.Set<Trading.Domain.Experts.PoolExpert>() on m.ExpertId equals e.Id
                                         join u in db.Users on e.UserId equals u.Id
                                         where m.SessionId == session.Id && m.Status == Trading.Domain.Experts.CommitteeMemberStatus.Accepted
                                         select u.UserName!).ToList()).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(2, accepted.Count);
        App.Clock.Set(new DateTimeOffset(session.StartsAt.AddHours(-48), TimeSpan.Zero));
        await App.RunJobAsync<TurnWatcher>();
        Assert.Empty(Reminded());

        // A day before: the two who accepted, not the three still invited; once however often the watcher runs.
        App.Clock.Set(new DateTimeOffset(session.StartsAt.AddHours(-20), TimeSpan.Zero));
        await App.RunJobAsync<TurnWatcher>();
        await App.RunJobAsync<TurnWatcher>();
        Assert.Equal(accepted, Reminded());
        var page = await (await Browser.SignInAsync(App, accepted[0])).GetStringAsync("/Notifications");
        Assert.Contains(session.EvaluationRoom, page, StringComparison.Ordinal);
        Assert.Contains("刷脸签到", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_demo_seed_leaves_nobody_a_pile_of_notices_about_its_history()
    {
        var counts = App.WithDb(db => (from n in db.Set<Notification>() join u in db.Users on n.UserId equals u.Id group n by u.UserName into g select new { User = g.Key!, Count = g.Count() })
            .ToDictionary(x => x.User, x => x.Count));
        // The supervisor, the centre and the owners hold keys and commit draw values for every demo tender; none of
        // that history is a turn now. What is left: the two drawn experts' invitations and the lights' alerts.
        Assert.True(counts.GetValueOrDefault("supervisor") <= 5, $"supervisor holds {counts.GetValueOrDefault("supervisor")} notices after seeding");
        Assert.True(counts.GetValueOrDefault("centre") <= 5, $"centre holds {counts.GetValueOrDefault("centre")} notices after seeding");
        Assert.All(counts, kv => Assert.True(kv.Value <= 5, $"{kv.Key} holds {kv.Value} notices after seeding"));
        Assert.Empty(App.WithDb(db => db.Set<Notification>().Where(n => n.Kind.StartsWith("ceremony.") || n.Kind.StartsWith("custody.") || n.Kind == "draw.requested" || n.Kind == "draw.reveal" || n.Kind == "draw.ready").ToList()));

        // The time-limit watch's first run over the demo raises the still-pending filings of firms 10 and 11 and the supervision
        // demo's deliberate lights (7 when written), not a red per settled filing (27 before).
        await App.RunJobAsync<Trading.Web.Features.Supervision.SupervisionJob>();
        var supervisorLights = App.WithDb(db => (from n in db.Set<Notification>() join u in db.Users on n.UserId equals u.Id
                                                 where u.UserName == "supervisor" && n.Kind.StartsWith("limit.") select n).Count());
        Assert.True(supervisorLights <= 8, $"the supervisor holds {supervisorLights} time-limit notices after the first watch over the demo");

        // The demo's failed tender failed by the deadline move itself (its log says so), and its owner heard it once.
        var failed = App.WithDb(db => db.Tenders.AsNoTracking().Single(t => t.Title == "示范市教育局校园安防监控设备采购"));
        Assert.True(failed.Failed);
        Assert.Single(App.WithDb(db => db.LogEntries.Where(e => e.TenderId == failed.Id && e.Type == "tender.failed").ToList()));
        Assert.Single(App.WithDb(db => db.LogEntries.Where(e => e.TenderId == failed.Id && e.Type == "bids.frozen").ToList()));
        Assert.Equal(["owner3"], Told(failed.Id, "tender.failed"));
    }
}
