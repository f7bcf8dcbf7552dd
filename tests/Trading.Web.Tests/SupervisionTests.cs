using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Trading.Data;
using Trading.Data.Notifications;
using Trading.Domain;
using Trading.Domain.Supervision;
using Trading.Web.Features.Notifications;
using Trading.Web.Features.Supervision;
using Trading.Web.Features.Tenders;
using Trading.Web.Infrastructure;
using Trading.Web.Tests.Infrastructure;

namespace Trading.Web.Tests;

/// <summary>
/// Time limits over a tender's life on the test clock, the calendar and thresholds pages, and bad-behaviour
/// records with suspensions. Steps 9 to 18 have no pages yet, so the tests move the tender through the
/// domain state machine (TenderLifecycle.Apply) and save the transition as TenderService does; steps 1 to 3
/// go through the real API and step 8 through TenderService.CloseBiddingAsync.
/// </summary>
public class SupervisionTests(PostgresServer pg) : WebTest(pg)
{
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    /// <summary>Centre-local time as UTC.</summary>
    private static DateTime L(int y, int m, int d, int h = 0, int min = 0) =>
        TimeZoneInfo.ConvertTimeToUtc(new DateTime(y, m, d, h, min, 0, DateTimeKind.Unspecified), Shanghai);

    private DateTime Now => App.Clock.GetUtcNow().UtcDateTime;

    private void SetClock(DateTime utc) => App.Clock.Set(new DateTimeOffset(utc, TimeSpan.Zero));

    private void Move(Guid tenderId, LifecycleStep to) => App.WithDb(db =>
    {
        var t = db.Tenders.Include(x => x.Transitions).Include(x => x.Documents).Include(x => x.Lots).First(x => x.Id == tenderId);
        // These tests are about the time limits, not the acts: each step's act is given as done (the lifecycle tests
        // cover the acts themselves), with the bid count a real opening would find.
        var tr = TenderLifecycle.Apply(t, to, new LifecycleContext(Now, TenderRules.Default, ValidBidCount: 3) { Done = Enum.GetValues<LifecycleStep>().ToHashSet() }, Guid.Empty, "test", null);
        db.StepTransitions.Add(tr);
        return db.SaveChanges();
    });

    private Task<int> RunAsync() => App.RunJobAsync<SupervisionJob>();

    private List<LimitColourChange> Changes(Guid subject, string code) =>
        App.WithDb(db => db.Set<LimitColourChange>().AsNoTracking().Where(c => c.SubjectId == subject && c.LimitCode == code).OrderBy(c => c.CrossedAt).ToList());

    private List<LogRecord> Log(string type, Guid? tender = null) =>
        App.WithDb(db => db.LogEntries.AsNoTracking().Where(e => e.Type == type && (tender == null || e.TenderId == tender)).ToList());

    private List<Notification> Notices(string user, string kind, Guid? tender) => App.WithDb(db =>
        (from n in db.Set<Notification>() join u in db.Users on n.UserId equals u.Id
         where u.UserName == user && n.Kind == kind && n.TenderId == tender select n).AsNoTracking().ToList());

    private async Task<Guid> TenderAtReportAsync(DateTime reportAt)
    {
        var owner = await App.ApiAsync("owner1");
        var id = await TestApi.PublishedTenderAsync(owner, Now.AddDays(21));
        SetClock(Now.AddDays(21).AddMinutes(1));
        // Moved directly rather than by the deadline move: that move applies the minimum-bids rule, and a tender
        // without three sealed bids fails there. Sealing real bids belongs to the submission and lifecycle tests.
        foreach (var s in new[] { LifecycleStep.BidDeadline, LifecycleStep.ExpertDraw, LifecycleStep.BidOpening, LifecycleStep.ExpertCheckIn, LifecycleStep.Evaluation })
            Move(id, s);
        SetClock(reportAt);
        Move(id, LifecycleStep.EvaluationReport);
        return id;
    }

    [Fact]
    public async Task A_tenders_limits_go_green_yellow_red_at_the_configured_moments_with_alerts_and_log_entries()
    {
        // Deadline Sun 13 Dec 2026; report Mon 14 Dec 10:00. Publicity within 3 days: due end of Thu 17 Dec.
        var report = L(2026, 12, 14, 10);
        var id = await TenderAtReportAsync(report);
        var due = L(2026, 12, 18);
        var yellowAt = due - TimeSpan.FromTicks((due - report).Ticks / 5); // a fifth of the time left

        SetClock(yellowAt.AddMinutes(-1));
        await RunAsync();
        Assert.Empty(Changes(id, "publicity-start"));
        var state = App.WithDb(db => db.Set<LimitState>().Single(s => s.SubjectId == id && s.LimitCode == "publicity-start"));
        Assert.Equal(LimitColour.Green, state.Colour);
        Assert.Equal(due, state.DueAt);

        SetClock(yellowAt.AddMinutes(1));
        Assert.True(await RunAsync() >= 1);
        var yellow = Assert.Single(Changes(id, "publicity-start"));
        Assert.Equal((LimitColour.Green, LimitColour.Yellow), (yellow.From, yellow.To));
        Assert.Equal(yellowAt, yellow.CrossedAt, TimeSpan.FromMilliseconds(1));
        Assert.Single(Log("supervision.limit.yellow", id));
        Assert.Single(Notices("supervisor", "limit.yellow", id));
        Assert.Single(Notices("owner1", "limit.yellow", id));
        Assert.Empty(Notices("owner2", "limit.yellow", id)); // another owner is not told
        Assert.Empty(Notices("agent", "limit.yellow", id)); // this tender has no agent

        // Running again changes nothing.
        Assert.Equal(0, await RunAsync());

        SetClock(due.AddMinutes(-1));
        Assert.Equal(0, await RunAsync());
        SetClock(due);
        await RunAsync();
        var changes = Changes(id, "publicity-start");
        Assert.Equal(2, changes.Count);
        Assert.Equal((LimitColour.Yellow, LimitColour.Red, due), (changes[1].From, changes[1].To, changes[1].CrossedAt));
        Assert.Single(Log("supervision.limit.red", id));
        Assert.Single(Notices("supervisor", "limit.red", id));
        Assert.Single(Notices("owner1", "limit.red", id));

        // Publicity starts late on Fri 18 Dec and the award notice comes the next day: publicity too short, red at once.
        SetClock(L(2026, 12, 18, 9));
        Move(id, LifecycleStep.CandidatePublicity);
        SetClock(L(2026, 12, 19, 9));
        Move(id, LifecycleStep.Objections);
        Move(id, LifecycleStep.AwardNotice);
        await RunAsync();
        var shortPublicity = Assert.Single(Changes(id, "publicity-duration"));
        Assert.Equal(LimitColour.Red, shortPublicity.To);
        Assert.True(shortPublicity.Completed);
        // The late publicity step is done but its red stays on record.
        Assert.Equal(2, Changes(id, "publicity-start").Count);

        // Contract within 30 days of the award notice (Sat 19 Dec 09:00): day 30 is Mon 18 Jan 2027, due at its end.
        var contractDue = L(2027, 1, 19);
        var contractYellow = contractDue - TimeSpan.FromTicks((contractDue - L(2026, 12, 19, 9)).Ticks / 5);
        SetClock(contractYellow.AddMinutes(-1));
        await RunAsync();
        Assert.Empty(Changes(id, "contract"));
        SetClock(contractYellow.AddHours(1));
        await RunAsync();
        Assert.Equal(LimitColour.Yellow, Assert.Single(Changes(id, "contract")).To);
        // Signed while yellow: stays yellow on record, never turns red.
        Move(id, LifecycleStep.Contract);
        var signed = Now;
        SetClock(contractDue.AddDays(3));
        await RunAsync();
        Assert.Equal(LimitColour.Yellow, Assert.Single(Changes(id, "contract")).To);

        // Bond refund within 5 days of the contract; nobody refunds: yellow and red recorded at their own moments in one run.
        SetClock(signed.AddDays(20));
        await RunAsync();
        var refund = Changes(id, "bond-refund");
        Assert.Equal([LimitColour.Yellow, LimitColour.Red], refund.Select(c => c.To));
        Assert.True(refund[0].CrossedAt < refund[1].CrossedAt);
        Assert.Equal(2, App.WithDb(db => db.LogEntries.Count(e => e.TenderId == id && e.Type.StartsWith("supervision.limit.") && e.Payload.Contains("\"bond-refund\""))));
        Move(id, LifecycleStep.BondRefundAndArchive);
        await RunAsync();

        // Every change is in the public log with its limit, and the counts per organisation include them.
        var owner1 = App.WithDb(db => db.Users.First(u => u.UserName == "owner1").OrganisationId);
        var all = App.WithDb(db => db.Set<LimitColourChange>().AsNoTracking().Where(c => c.TenderId == id).ToList());
        Assert.Equal(6, all.Count); // publicity-start yellow+red, publicity-duration red, contract yellow, bond-refund yellow+red
        Assert.All(all, c => Assert.Equal(owner1, c.ResponsibleOrganisationId));
        Assert.Equal(all.Count(c => c.To == LimitColour.Yellow), App.WithDb(db => db.LogEntries.Count(e => e.TenderId == id && e.Type == "supervision.limit.yellow")));
        Assert.Equal(all.Count(c => c.To == LimitColour.Red), App.WithDb(db => db.LogEntries.Count(e => e.TenderId == id && e.Type == "supervision.limit.red")));

        var supervisor = await Browser.SignInAsync(App, "supervisor");
        var page = await supervisor.GetStringAsync($"/Supervision?Owner={owner1}&From=2026-12-01&To=2027-02-28");
        Assert.Contains("data-testid=\"counts\"", page, StringComparison.Ordinal);
        var ownerName = App.WithDb(db => db.Organisations.First(o => o.Id == owner1).Name);
        Assert.Contains($"{ownerName}</th><td class=\"num\">3</td><td class=\"num\">3</td>", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Working_day_thresholds_set_by_the_centre_count_across_the_weekend_for_firm_filing()
    {
        var centre = await Browser.SignInAsync(App, "centre");
        // Nonsense is refused with the rule and nothing is saved.
        var bad = await Browser.PostFormAsync(centre, "/Supervision/Settings", "/Supervision/Settings?handler=Thresholds",
            new Dictionary<string, string> { ["Mode"] = "DaysLate", ["YellowFractionLeft"] = "0.2", ["YellowDaysLate"] = "3", ["RedDaysLate"] = "1" });
        Assert.Equal(HttpStatusCode.OK, bad.StatusCode);
        Assert.Contains("黄灯（超期 3 个工作日）必须早于红灯（超期 1 个工作日）", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var negative = await Browser.PostFormAsync(centre, "/Supervision/Settings", "/Supervision/Settings?handler=Thresholds",
            new Dictionary<string, string> { ["Mode"] = "DaysLate", ["YellowFractionLeft"] = "0.2", ["YellowDaysLate"] = "-1", ["RedDaysLate"] = "2" });
        Assert.Contains(Wording.Of(SupervisionRules.ThresholdNegative), await negative.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(App.WithDb(db => db.Set<SupervisionSetting>().ToList()));

        var ok = await Browser.PostFormAsync(centre, "/Supervision/Settings", "/Supervision/Settings?handler=Thresholds",
            new Dictionary<string, string> { ["Mode"] = "DaysLate", ["YellowFractionLeft"] = "0.2", ["YellowDaysLate"] = "1", ["RedDaysLate"] = "2" });
        Assert.Equal(HttpStatusCode.Redirect, ok.StatusCode);
        Assert.Single(Log("supervision.thresholds.changed"));

        // A firm registers on Fri 4 Dec 2026. Five working days end on Fri 11 Dec; yellow at the end of Mon 14, red at the end of Tue 15.
        var firm = new Organisation { Kind = OrganisationKind.BidderFirm, Name = "测试建设有限公司", Status = FirmStatus.Pending, RegisteredAt = L(2026, 12, 4, 10) };
        App.WithDb(db => { db.Organisations.Add(firm); return db.SaveChanges(); });
        SetClock(L(2026, 12, 13, 12)); // Sunday: late, but not a working day late
        await RunAsync();
        Assert.Empty(Changes(firm.Id, "firm-centre-approval"));
        SetClock(L(2026, 12, 14, 23, 59));
        await RunAsync();
        Assert.Empty(Changes(firm.Id, "firm-centre-approval"));
        SetClock(L(2026, 12, 15, 0, 1));
        await RunAsync();
        Assert.Equal(LimitColour.Yellow, Assert.Single(Changes(firm.Id, "firm-centre-approval")).To);
        Assert.Single(Notices("centre", "limit.yellow", null), n => System.Text.Json.JsonSerializer.Deserialize<string[]>(n.ArgsJson)![1] == "测试建设有限公司");
        Assert.Equal(LimitColour.Yellow, Assert.Single(Changes(firm.Id, "firm-supervision-approval")).To);
        SetClock(L(2026, 12, 16, 0, 1));
        await RunAsync();
        Assert.Equal(LimitColour.Red, Changes(firm.Id, "firm-centre-approval").Last().To);
        var centreOrg = App.WithDb(db => db.Organisations.First(o => o.Kind == OrganisationKind.TradingCentre).Id);
        Assert.All(Changes(firm.Id, "firm-centre-approval"), c => Assert.Equal(centreOrg, c.ResponsibleOrganisationId));

        // The e-mail goes out in the reader's language through the pluggable channel.
        Assert.True(await App.RunJobAsync<NotificationDispatcher>() > 0);
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(App.DataDirectory, "mail"), "*.eml"));

        // A supervisor reads the settings but cannot change them.
        var supervisor = await Browser.SignInAsync(App, "supervisor");
        var denied = await Browser.PostFormAsync(supervisor, "/Supervision/Settings", "/Supervision/Settings?handler=Thresholds",
            new Dictionary<string, string> { ["Mode"] = "FractionLeft", ["YellowFractionLeft"] = "0.5", ["YellowDaysLate"] = "1", ["RedDaysLate"] = "2" });
        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
    }

    [Fact]
    public async Task The_centre_edits_the_calendar_and_bad_files_are_refused()
    {
        var centre = await Browser.SignInAsync(App, "centre");
        var page = await centre.GetStringAsync("/Supervision/Settings");
        Assert.Contains("2027", page, StringComparison.Ordinal);
        Assert.Contains("暂定", page, StringComparison.Ordinal); // 2027 is marked provisional

        var bad = """{ "years": [ { "year": 2027, "holidays": [ { "name": "国庆节", "from": "2027-10-01", "to": "2027-10-07" } ], "workdays": [ { "name": "国庆节调休", "date": "2027-10-08" } ] } ] }""";
        var r = await Browser.PostFormAsync(centre, "/Supervision/Settings", "/Supervision/Settings?handler=Calendar", new Dictionary<string, string> { ["CalendarJson"] = bad });
        Assert.Contains(Wording.Of(SupervisionRules.CalendarWorkdayNotWeekend), await r.Content.ReadAsStringAsync(), StringComparison.Ordinal); // 8 Oct 2027 is a Friday
        r = await Browser.PostFormAsync(centre, "/Supervision/Settings", "/Supervision/Settings?handler=Calendar", new Dictionary<string, string> { ["CalendarJson"] = "{ not json" });
        Assert.Contains(Wording.Of(SupervisionRules.CalendarJson), await r.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        r = await Browser.PostFormAsync(centre, "/Supervision/Settings", "/Supervision/Settings?handler=Calendar", new Dictionary<string, string> { ["CalendarJson"] = new string(' ', 300_000) + "{}" });
        Assert.Contains(Wording.Of(SupervisionRules.CalendarTooLarge), await r.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(App.WithDb(db => db.Set<SupervisionSetting>().ToList()));

        // The centre publishes 2027 with a make-up Saturday; the evaluator uses it at once.
        var good = """{ "years": [ { "year": 2027, "holidays": [ { "name": "国庆节", "from": "2027-10-01", "to": "2027-10-07" } ], "workdays": [ { "name": "国庆节调休", "date": "2027-10-09" } ] } ] }""";
        r = await Browser.PostFormAsync(centre, "/Supervision/Settings", "/Supervision/Settings?handler=Calendar", new Dictionary<string, string> { ["CalendarJson"] = good });
        Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
        Assert.Single(Log("supervision.calendar.changed"));
        using var scope = App.Services.CreateScope();
        var cal = (await scope.ServiceProvider.GetRequiredService<SupervisionSettings>().CalendarAsync(default)).Calendar;
        Assert.True(cal.IsWorkingDay(new DateOnly(2027, 10, 9)));
        Assert.False(cal.IsWorkingDay(new DateOnly(2027, 10, 6)));

        // Without the anti-forgery token nothing happens.
        var forged = await Browser.PostFormAsync(centre, "/Supervision/Settings", "/Supervision/Settings?handler=Calendar", new Dictionary<string, string> { ["CalendarJson"] = good }, withToken: false);
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
    }

    [Fact]
    public async Task Nonsensical_configuration_stops_the_server_at_start_with_a_clear_message()
    {
        var cs = await pg.CreateDatabaseAsync("SupervisionBadConfig");
        using var order = new TradingFactory(cs) { Demo = false }.WithWebHostBuilder(b => b
            .UseSetting("Supervision:Thresholds:Mode", "DaysLate").UseSetting("Supervision:Thresholds:YellowDaysLate", "3").UseSetting("Supervision:Thresholds:RedDaysLate", "1"));
        var e = Assert.ThrowsAny<Exception>(() => order.Services);
        Assert.Contains("yellow (3 working days late) must come before red (1)", Flatten(e), StringComparison.Ordinal);

        using var negative = new TradingFactory(cs) { Demo = false }.WithWebHostBuilder(b => b.UseSetting("Supervision:Limits:4:Days", "-30"));
        e = Assert.ThrowsAny<Exception>(() => negative.Services);
        Assert.Contains("Limit 'contract': days must be 1 to 366, not -30", Flatten(e), StringComparison.Ordinal);

        static string Flatten(Exception e) => e.InnerException is null ? e.Message : e.Message + " | " + Flatten(e.InnerException);
    }

    private readonly PostgresServer pg = pg;

    private static Dictionary<string, string> RecordForm(string subject, string sanction, string? start, string? end, string? reason, string facts = "串通投标", string rule = "招标投标法第三十二条") => new()
    {
        ["Form.Subject"] = subject, ["Form.Facts"] = facts, ["Form.RuleBroken"] = rule, ["Form.Sanction"] = sanction,
        ["Form.SuspensionStart"] = start ?? "", ["Form.SuspensionEnd"] = end ?? "", ["Form.SuspensionReason"] = reason ?? "",
    };

    [Fact]
    public async Task A_suspension_from_a_record_blocks_every_trading_action_and_an_appeal_lifts_it()
    {
        var owner = await App.ApiAsync("owner1");
        var tender = await TestApi.PublishedTenderAsync(owner, Now.AddDays(25));
        var docId = (await (await owner.GetAsync($"/api/tenders/{tender}")).Json()).GetProperty("documents")[0].GetProperty("id").GetGuid();
        var url = $"/api/tenders/{tender}/documents/{docId}";
        var bidder = await App.ApiAsync("bidder03");
        Assert.Equal(HttpStatusCode.OK, (await bidder.PostAsync(url, null)).StatusCode);

        var firm = App.WithDb(db => db.Users.First(u => u.UserName == "bidder03").OrganisationId);
        var supervisor = await Browser.SignInAsync(App, "supervisor");
        var today = TimeZoneInfo.ConvertTimeFromUtc(Now, Shanghai).ToString("yyyy-MM-dd");
        var end = TimeZoneInfo.ConvertTimeFromUtc(Now, Shanghai).AddDays(90).ToString("yyyy-MM-dd");

        // Refused: no reason; no end date. Nothing saved.
        var r = await Browser.PostFormAsync(supervisor, "/Supervision/Records/New", "/Supervision/Records/New", RecordForm($"Firm:{firm}", "Suspension", today, end, null));
        Assert.Contains(Wording.Of(SupervisionRules.SuspensionReason), await r.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        r = await Browser.PostFormAsync(supervisor, "/Supervision/Records/New", "/Supervision/Records/New", RecordForm($"Firm:{firm}", "Suspension", today, null, "串通投标"));
        Assert.Contains(Wording.Of(SupervisionRules.SuspensionDates), await r.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        r = await Browser.PostFormAsync(supervisor, "/Supervision/Records/New", "/Supervision/Records/New", RecordForm($"Firm:{Guid.NewGuid()}", "Suspension", today, end, "x"));
        Assert.Contains(Wording.Of(SupervisionRules.RecordSubject), await r.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        r = await Browser.PostFormAsync(supervisor, "/Supervision/Records/New", "/Supervision/Records/New", RecordForm($"Firm:{firm}", "Suspension", today, end, "串通投标", facts: new string('事', 5000)));
        Assert.Contains(Wording.Of(SupervisionRules.RecordTooLong), await r.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(App.WithDb(db => db.Set<BadBehaviourRecord>().Where(x => x.SubjectId == firm).ToList()));

        // With an evidence file, multipart as the browser sends it.
        var form = new MultipartFormDataContent();
        foreach (var (k, v) in RecordForm($"Firm:{firm}", "Suspension", today, end, "与他人串通投标"))
            form.Add(new StringContent(v), k);
        form.Add(new StringContent(await Browser.TokenAsync(supervisor, "/Supervision/Records/New")), "__RequestVerificationToken");
        var pdf = new ByteArrayContent(TestApi.Pdf("evidence"));
        pdf.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/pdf");
        form.Add(pdf, "Evidence", "evidence.pdf");
        r = await supervisor.PostAsync("/Supervision/Records/New", form);
        Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
        var record = App.WithDb(db => db.Set<BadBehaviourRecord>().Single(x => x.SubjectId == firm));
        Assert.Equal(SanctionKind.Suspension, record.Sanction);
        Assert.NotNull(record.EvidenceSha256);
        Assert.Single(Log("supervision.record.created"), e => e.Payload.Contains(record.Number, StringComparison.Ordinal));
        Assert.Equal(TestApi.Pdf("evidence"), await supervisor.GetByteArrayAsync($"/Supervision/Records/Details/{record.Id}?handler=Evidence"));

        // Every trading action that exists is refused, naming the record: obtaining documents (API and page).
        var why = await (await bidder.PostAsync(url, null)).AssertRefused(HttpStatusCode.UnprocessableEntity, RuleCodes.FirmSuspended);
        Assert.Contains(record.Number, why, StringComparison.Ordinal);
        Assert.Contains("与他人串通投标", why, StringComparison.Ordinal);
        var page = await Browser.SignInAsync(App, "bidder03");
        var html = await (await Browser.PostFormAsync(page, $"/Tenders/Details/{tender}", $"/Tenders/Details/{tender}?handler=Download", new Dictionary<string, string> { ["docId"] = docId.ToString() })).Content.ReadAsStringAsync();
        Assert.Contains(record.Number, html, StringComparison.Ordinal);
        // The service other features call (bid submission) refuses the same way.
        using (var scope = App.Services.CreateScope())
        {
            var s = scope.ServiceProvider.GetRequiredService<Sanctions>();
            var ex = await Assert.ThrowsAsync<RuleViolationException>(() => s.EnsureMayTradeAsync(firm, Now, default));
            Assert.Equal(RuleCodes.FirmSuspended, ex.Violation.Code);
            Assert.True(await s.IsSuspendedAsync(SanctionSubjectKind.Firm, firm, Now));
            Assert.False(await s.IsSuspendedAsync(SanctionSubjectKind.Firm, firm, Now.AddDays(91)));
        }
        // The firm's own record is visible to it; the firm page shows the suspension.
        Assert.Contains(record.Number, await page.GetStringAsync("/Supervision/Mine"), StringComparison.Ordinal);
        Assert.Contains(record.Number, await page.GetStringAsync($"/Firms/Details/{firm}"), StringComparison.Ordinal);

        // Appeal reduced to end tomorrow, then overturned: the firm trades again.
        var details = $"/Supervision/Records/Details/{record.Id}";
        var tomorrow = TimeZoneInfo.ConvertTimeFromUtc(Now, Shanghai).AddDays(1).ToString("yyyy-MM-dd");
        r = await Browser.PostFormAsync(supervisor, details, details + "?handler=Appeal", new Dictionary<string, string>
            { ["Appeal.LodgedOn"] = today, ["Appeal.Grounds"] = "证据不足", ["Appeal.Decision"] = "Reduced", ["Appeal.ReducedEnd"] = tomorrow, ["Appeal.DecisionReason"] = "情节较轻" });
        Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
        SetClock(Now.AddDays(3));
        Assert.Equal(HttpStatusCode.OK, (await bidder.PostAsync(url, null)).StatusCode);
        SetClock(Now.AddDays(-3));
        await (await bidder.PostAsync(url, null)).AssertRefused(HttpStatusCode.UnprocessableEntity, RuleCodes.FirmSuspended);
        // A reduced end after the current one is refused.
        r = await Browser.PostFormAsync(supervisor, details, details + "?handler=Appeal", new Dictionary<string, string>
            { ["Appeal.Grounds"] = "再次申诉", ["Appeal.Decision"] = "Reduced", ["Appeal.ReducedEnd"] = end });
        Assert.Contains(Wording.Of(SupervisionRules.AppealReducedEnd), await r.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        r = await Browser.PostFormAsync(supervisor, details, details + "?handler=Appeal", new Dictionary<string, string>
            { ["Appeal.Grounds"] = "再次申诉", ["Appeal.Decision"] = "Overturned", ["Appeal.DecisionReason"] = "复核撤销" });
        Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await bidder.PostAsync(url, null)).StatusCode);
        Assert.Null(App.WithDb(db => db.Organisations.First(o => o.Id == firm).SuspendedUntil));
        Assert.Equal(2, Log("supervision.record.appeal").Count);
    }

    [Fact]
    public async Task A_suspension_starting_later_blocks_from_its_start_and_suspended_agents_and_experts_are_caught()
    {
        var supervisor = await Browser.SignInAsync(App, "supervisor");
        var local = TimeZoneInfo.ConvertTimeFromUtc(Now, Shanghai);
        var firm = App.WithDb(db => db.Users.First(u => u.UserName == "bidder04").OrganisationId);
        var r = await Browser.PostFormAsync(supervisor, "/Supervision/Records/New", "/Supervision/Records/New",
            RecordForm($"Firm:{firm}", "Suspension", local.AddDays(10).ToString("yyyy-MM-dd"), local.AddDays(40).ToString("yyyy-MM-dd"), "围标"));
        Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
        using (var scope = App.Services.CreateScope())
        {
            var s = scope.ServiceProvider.GetRequiredService<Sanctions>();
            await s.EnsureMayTradeAsync(firm, Now, default);
            await Assert.ThrowsAsync<RuleViolationException>(() => s.EnsureMayTradeAsync(firm, Now.AddDays(11), default));
        }

        var agency = App.WithDb(db => db.Users.First(u => u.UserName == "agent").OrganisationId);
        r = await Browser.PostFormAsync(supervisor, "/Supervision/Records/New", "/Supervision/Records/New",
            RecordForm($"Agent:{agency}", "Suspension", local.ToString("yyyy-MM-dd"), local.AddDays(30).ToString("yyyy-MM-dd"), "代理违规"));
        Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
        // An owner that engaged the agency (the demo's owner1), so the suspension is the only reason to refuse.
        var ownerUnit = App.WithDb(db => db.Users.First(u => u.UserName == "owner1").OrganisationId);
        var agent = await App.ApiAsync("agent");
        await (await agent.PostAsJsonAsync("/api/tenders", TestApi.TenderBody(Now.AddDays(30), owner: ownerUnit)))
            .AssertRefused(HttpStatusCode.UnprocessableEntity, SupervisionRules.AgentSuspended);

        var expert = App.WithDb(db => db.Users.First(u => u.UserName == "expert07").Id);
        r = await Browser.PostFormAsync(supervisor, "/Supervision/Records/New", "/Supervision/Records/New",
            RecordForm($"Expert:{expert}", "Suspension", local.ToString("yyyy-MM-dd"), local.AddDays(365).ToString("yyyy-MM-dd"), "评标不公正"));
        Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
        using (var scope = App.Services.CreateScope())
        {
            var s = scope.ServiceProvider.GetRequiredService<Sanctions>();
            Assert.True(await s.IsSuspendedAsync(SanctionSubjectKind.Expert, expert, Now));
            Assert.Contains(expert, await s.SuspendedAsync(SanctionSubjectKind.Expert, Now));
            Assert.False(await s.IsSuspendedAsync(SanctionSubjectKind.Expert, expert, Now.AddDays(400)));
        }
        // The expert pool's own status, which the draw reads, follows the record; overturning it restores the expert.
        var pooled = App.WithDb(db => db.Set<Trading.Domain.Experts.PoolExpert>().AsNoTracking().Single(e => e.UserId == expert));
        Assert.Equal(Trading.ExpertPool.ExpertStatus.Suspended, pooled.Status);
        Assert.StartsWith(App.WithDb(db => db.Set<BadBehaviourRecord>().Single(x => x.SubjectId == expert).Number), pooled.StatusReason, StringComparison.Ordinal);
        var expertRecord = App.WithDb(db => db.Set<BadBehaviourRecord>().Single(x => x.SubjectId == expert).Id);
        var details = $"/Supervision/Records/Details/{expertRecord}";
        r = await Browser.PostFormAsync(supervisor, details, details + "?handler=Appeal", new Dictionary<string, string>
            { ["Appeal.Grounds"] = "评分有据", ["Appeal.Decision"] = "Overturned" });
        Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
        Assert.Equal(Trading.ExpertPool.ExpertStatus.Active, App.WithDb(db => db.Set<Trading.Domain.Experts.PoolExpert>().AsNoTracking().Single(e => e.UserId == expert)).Status);
    }

    [Fact]
    public async Task Only_oversight_sees_the_dashboard_only_supervisors_record_and_bidders_see_only_their_own_records()
    {
        foreach (var user in new[] { "bidder01", "owner1", "agent", "expert01" })
        {
            var c = await Browser.SignInAsync(App, user);
            foreach (var path in new[] { "/Supervision", "/Supervision?handler=Csv", "/Supervision/Settings", "/Supervision/Records", "/Supervision/Records/New" })
            {
                var res = await c.GetAsync(path);
                Assert.True(res.StatusCode == HttpStatusCode.Redirect && res.Headers.Location!.ToString().Contains("/Account/Denied", StringComparison.Ordinal), $"{user} {path}: {res.StatusCode}");
            }
            var firm = App.WithDb(db => db.Users.First(u => u.UserName == "bidder02").OrganisationId);
            var post = await Browser.PostFormAsync(c, "/Tenders", "/Supervision/Records/New", RecordForm($"Firm:{firm}", "Warning", null, null, null), withToken: false);
            Assert.Contains("/Account/Denied", post.Headers.Location?.ToString() ?? "", StringComparison.Ordinal);
        }
        var anon = Browser.Client(App);
        Assert.Equal(HttpStatusCode.Redirect, (await anon.GetAsync("/Supervision")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await anon.GetAsync("/Supervision/Mine")).StatusCode);

        var centre = await Browser.SignInAsync(App, "centre");
        Assert.Equal(HttpStatusCode.OK, (await centre.GetAsync("/Supervision")).StatusCode);
        Assert.Contains("/Account/Denied", (await centre.GetAsync("/Supervision/Records/New")).Headers.Location!.ToString(), StringComparison.Ordinal);

        // Demo records: 2026-001 warns bidder05's firm, 2026-003 suspends bidder12's.
        var records = App.WithDb(db => db.Set<BadBehaviourRecord>().AsNoTracking().OrderBy(r => r.Sequence).ToList());
        var (warning, suspension) = (records.First(r => r.Number.EndsWith("-001", StringComparison.Ordinal)), records.First(r => r.Number.EndsWith("-003", StringComparison.Ordinal)));
        var b12 = await Browser.SignInAsync(App, "bidder12");
        var mine = await b12.GetStringAsync("/Supervision/Mine");
        Assert.Contains(suspension.Number, mine, StringComparison.Ordinal);
        Assert.DoesNotContain(warning.Number, mine, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await b12.GetAsync($"/Supervision/Records/Details/{warning.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await b12.GetAsync($"/Supervision/Records/Details/{suspension.Id}")).StatusCode);
        Assert.DoesNotContain("appeal-form", await b12.GetStringAsync($"/Supervision/Records/Details/{suspension.Id}"), StringComparison.Ordinal);
        // The firm cannot record an appeal's outcome itself.
        var forged = await Browser.PostFormAsync(b12, $"/Supervision/Records/Details/{suspension.Id}", $"/Supervision/Records/Details/{suspension.Id}?handler=Appeal",
            new Dictionary<string, string> { ["Appeal.Grounds"] = "x", ["Appeal.Decision"] = "Overturned" });
        Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
        Assert.Empty(App.WithDb(db => db.Set<SanctionAppeal>().ToList()));

        // The public sees published suspensions only (warnings and expert records are not published by default).
        var pub = await anon.GetStringAsync("/Supervision/Public");
        Assert.Contains(suspension.Number, pub, StringComparison.Ordinal);
        Assert.DoesNotContain(warning.Number, pub, StringComparison.Ordinal);

        // The record form refuses a post without the anti-forgery token.
        var supervisor = await Browser.SignInAsync(App, "supervisor");
        var noToken = await Browser.PostFormAsync(supervisor, "/Supervision/Records/New", "/Supervision/Records/New",
            RecordForm($"Firm:{suspension.SubjectId}", "Warning", null, null, null), withToken: false);
        Assert.Equal(HttpStatusCode.BadRequest, noToken.StatusCode);
        // A replayed post with a token records a second, separately numbered record, never a silent overwrite.
        var once = await Browser.PostFormAsync(supervisor, "/Supervision/Records/New", "/Supervision/Records/New", RecordForm($"Firm:{suspension.SubjectId}", "Warning", null, null, null));
        Assert.Equal(HttpStatusCode.Redirect, once.StatusCode);
        // Malformed subject and sanction values are refused with the rule, not a crash.
        var malformed = await Browser.PostFormAsync(supervisor, "/Supervision/Records/New", "/Supervision/Records/New",
            new Dictionary<string, string> { ["Form.Subject"] = "Firm:not-a-guid", ["Form.Sanction"] = "Banish", ["Form.SuspensionEnd"] = "31/31/2026" });
        Assert.Equal(HttpStatusCode.OK, malformed.StatusCode);
        Assert.Contains(Wording.Of(SupervisionRules.RecordSubject), await malformed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_dashboard_filters_by_colour_and_exports_csv_with_bom_and_pdf()
    {
        await RunAsync();
        var supervisor = await Browser.SignInAsync(App, "supervisor");
        var red = await supervisor.GetStringAsync("/Supervision?Colour=Red");
        Assert.Contains("data-colour=\"red\"", red, StringComparison.Ordinal);
        Assert.DoesNotContain("<tr data-limit=\"contract\" data-colour=\"yellow\"", red, StringComparison.Ordinal);
        var yellow = await supervisor.GetStringAsync("/Supervision?Colour=Yellow");
        Assert.Contains("<tr data-limit=\"contract\" data-colour=\"yellow\"", yellow, StringComparison.Ordinal); // demo: award notice 27 days ago
        // Colour is never the only signal: the badge carries text.
        Assert.Contains("红灯 超期", red, StringComparison.Ordinal);

        var csv = await supervisor.GetAsync("/Supervision?handler=Csv&Colour=Red");
        Assert.Equal("text/csv", csv.Content.Headers.ContentType!.MediaType);
        var bytes = await csv.Content.ReadAsByteArrayAsync();
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
        var text = Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3);
        Assert.StartsWith("项目或企业,", text, StringComparison.Ordinal);
        Assert.Contains("示范市滨江绿道景观提升工程", text, StringComparison.Ordinal);
        Assert.DoesNotContain("示范市图书馆智能化改造项目", text.Split("\r\n\r\n")[0], StringComparison.Ordinal); // yellow, filtered out

        var pdf = await supervisor.GetAsync("/Supervision?handler=Pdf");
        Assert.Equal("application/pdf", pdf.Content.Headers.ContentType!.MediaType);
        Assert.Equal("%PDF"u8.ToArray(), (await pdf.Content.ReadAsByteArrayAsync())[..4]);
    }
}
