using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Trading.Domain;
using Trading.Domain.Experts;
using Trading.ExpertPool;
using Trading.Web.Tests.Infrastructure;

namespace Trading.Web.Tests;

/// <summary>
/// A tender from its deadline to the signed evaluation report, under each method, with every act done the way its
/// users do it: the deadline job, the draw through the offices' pages, the three holders' opening, the kiosk's
/// check-ins (each admitted by the supervisor after a refused photo, the path a camera failure takes), and the
/// committee's whole evaluation in Chromium, one browser per member.
/// </summary>
public class EvaluationJourneyTests(PostgresServer pg) : BrowserTest(pg)
{
    protected override TradingFactory CreateFactory(string connectionString) => new(connectionString) { Settings = Bidding.FastSettings };

    private const string Room = "评标室二";
    private static readonly decimal[] Prices = [950_000m, 900_000m, 980_000m];
    private static readonly string[] Managers = ["张伟", "李娜", "王强"];

    private static ILocator Flash(IPage p) => p.Locator("div.alert-success[role=status]");
    private static ILocator Refusal(IPage p) => p.Locator("div.alert-danger[role=alert]");

    private LifecycleStep Step(Guid id) => App.WithDb(db => db.Tenders.Single(t => t.Id == id).Step);

    /// <summary>Who holds a notice of this kind about the tender, by user name.</summary>
    private List<string> Told(Guid tenderId, string kind) => App.WithDb(db =>
        (from n in db.Set<Trading.Data.Notifications.Notification>() join u in db.Users on n.UserId equals u.Id
         where n.TenderId == tenderId && n.Kind == kind select u.UserName!).ToList()).Order(StringComparer.Ordinal).ToList();

    [Theory]
    [InlineData("ComprehensiveScoring")]
    [InlineData("LowestEvaluatedPrice")]
    public async Task A_tender_goes_from_its_deadline_to_a_signed_evaluation_report(string method)
    {
        var comprehensive = method == "ComprehensiveScoring";
        var start = App.Clock.GetUtcNow().UtcDateTime;
        var deadline = new DateTime(start.Year, start.Month, start.Day, 1, 0, 0, DateTimeKind.Utc).AddDays(25); // 09:00 in Beijing
        var owner = await App.ApiAsync("owner1");
        var created = await owner.PostAsJsonAsync("/api/tenders", new
        {
            title = "Evaluation journey " + method, description = "desc", category = "ConstructionWorks", evaluationMethod = method,
            qualificationRequirements = "Grade 1", bidDeadlineUtc = deadline, openingTimeUtc = deadline, openingPlace = "Room 1",
            lots = new[] { new { name = "Lot 1", estimatedPriceYuan = 1_000_000m, bidBondYuan = 20_000m } },
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Json()).GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.Created, (await owner.PostAsync($"/api/tenders/{id}/documents", TestApi.File("file", "documents.pdf", TestApi.Pdf()))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await owner.PostAsync($"/api/tenders/{id}/file-documents", null)).StatusCode);
        Assert.True((await owner.PostAsync($"/api/tenders/{id}/publish", null)).IsSuccessStatusCode);
        await Bidding.JoinAllAsync(App, id);
        var firms = new string[3];
        for (var i = 0; i < 3; i++)
        {
            var bidder = await App.ApiAsync($"bidder0{i + 1}");
            await Bidding.ObtainDocumentsAsync(bidder, id);
            var r = await Bidding.UploadAsync(bidder, id, await Bidding.SealAsync(bidder, id, Prices[i], pm: Managers[i]));
            Assert.True(r.StatusCode == HttpStatusCode.OK, await r.Content.ReadAsStringAsync());
            firms[i] = App.WithDb(db => db.Organisations.Single(o => o.Id == db.Users.Single(u => u.UserName == $"bidder0{i + 1}").OrganisationId).Name);
        }

        // 8: the deadline.
        App.Clock.Set(new DateTimeOffset(deadline.AddMinutes(1), TimeSpan.Zero));
        await App.RunDeadlineJobAsync();
        Assert.Equal(LifecycleStep.BidDeadline, Step(id));

        // 9: the committee is drawn through the offices' pages for 12:00-18:00 that day.
        DrawPages.NormalisePool(App);
        var offices = (Supervision: await Browser.SignInAsync(App, "supervisor"), Centre: await Browser.SignInAsync(App, "centre"), Owner: await Browser.SignInAsync(App, "owner1"));
        var lotId = App.WithDb(db => db.Set<Lot>().Single(l => l.TenderId == id).Id);
        var request = await Browser.PostFormAsync(offices.Owner, $"/Draw/Request?tenderId={id}", "/Draw/Request", new Dictionary<string, string>
        {
            ["Input.TenderId"] = id.ToString(), ["Input.LotId"] = lotId.ToString(), ["Input.EvaluationRoom"] = Room,
            ["Day"] = deadline.AddHours(8).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), ["From"] = "12:00", ["To"] = "18:00",
            ["Input.CommitteeSize"] = "5", ["Input.OwnerRepresentativeSeats"] = "0", ["Input.ResponseWindowHours"] = "2",
            ["Input.Strata[0].Stratum"] = "1-tech", ["Input.Strata[0].Kind"] = "Technical", ["Input.Strata[0].Specialties"] = "construction/*", ["Input.Strata[0].Count"] = "3",
            ["Input.Strata[1].Stratum"] = "2-econ", ["Input.Strata[1].Kind"] = "Economic", ["Input.Strata[1].Specialties"] = "economics/*", ["Input.Strata[1].Count"] = "2",
        });
        Assert.True(request.StatusCode == HttpStatusCode.Redirect, DrawPages.Errors(await request.Content.ReadAsStringAsync()));
        var sessionId = Guid.Parse(request.Headers.Location!.OriginalString.Split('/')[^1]);
        var drawId = DrawPages.Session(App, sessionId).DrawId;
        var values = new Dictionary<string, byte[]>();
        foreach (var (office, client) in new[] { ("supervision", offices.Supervision), ("centre", offices.Centre), ("owner", offices.Owner) })
        {
            values[office] = RandomNumberGenerator.GetBytes(32);
            var r = await DrawPages.ActAsync(client, sessionId, "Commit", new() { ["commitment"] = DrawAlgorithm.Commitment(drawId, office, values[office]) });
            Assert.True(r.StatusCode == HttpStatusCode.Redirect, DrawPages.Errors(await r.Content.ReadAsStringAsync()));
        }
        // The third commitment closed them: each office is told to reveal, once; nobody is told to draw yet.
        Assert.Equal(["centre", "owner1", "supervisor"], Told(id, "draw.reveal"));
        foreach (var (office, client) in new[] { ("owner", offices.Owner), ("supervision", offices.Supervision), ("centre", offices.Centre) })
        {
            Assert.Empty(Told(id, "draw.ready"));
            var r = await DrawPages.ActAsync(client, sessionId, "Reveal", new() { ["value"] = Convert.ToHexStringLower(values[office]) });
            Assert.True(r.StatusCode == HttpStatusCode.Redirect, DrawPages.Errors(await r.Content.ReadAsStringAsync()));
        }
        Assert.Equal(["centre"], Told(id, "draw.ready"));
        var drawn = await DrawPages.ActAsync(offices.Centre, sessionId, "Draw");
        Assert.True(drawn.StatusCode == HttpStatusCode.Redirect, DrawPages.Errors(await drawn.Content.ReadAsStringAsync()));
        Assert.Equal(LifecycleStep.ExpertDraw, Step(id));

        // Each drawn expert accepts the invitation within the response window.
        var accepted = new List<string>();
        foreach (var (memberId, user) in App.WithDb(db => (from m in db.Set<CommitteeMember>()
                                                           join e in db.Set<PoolExpert>() on m.ExpertId equals e.Id
                                                           join u in db.Users on e.UserId equals u.Id
                                                           where m.SessionId == sessionId && m.Status == CommitteeMemberStatus.Invited
                                                           select new { m.Id, u.UserName }).ToList()).Select(x => (x.Id, x.UserName!)))
        {
            var expert = await Browser.SignInAsync(App, user);
            var r = await Browser.PostFormAsync(expert, "/Draw/Invitations", "/Draw/Invitations?handler=Accept", new Dictionary<string, string> { ["memberId"] = memberId.ToString() });
            Assert.True(r.StatusCode == HttpStatusCode.Redirect, DrawPages.Errors(await r.Content.ReadAsStringAsync()));
            accepted.Add(user);
        }
        // The session is hours away: each expert who accepted is reminded of it, once however often the watcher runs.
        await App.RunJobAsync<Trading.Web.Features.Notifications.TurnWatcher>();
        await App.RunJobAsync<Trading.Web.Features.Notifications.TurnWatcher>();
        Assert.Equal(accepted.Order(StringComparer.Ordinal).ToList(), Told(id, "evaluation.session.near"));

        // 10: the three holders open the bids.
        await OpeningOfficer.GiveAllAsync(App, id);
        Assert.Equal(LifecycleStep.BidOpening, Step(id));

        // 11: each member at the kiosk; the camera's frame is refused and the supervisor admits the member with a reason.
        var session = DrawPages.Session(App, sessionId);
        App.Clock.Set(new DateTimeOffset(session.StartsAt.AddMinutes(5), TimeSpan.Zero));
        var members = App.WithDb(db => (from m in db.Set<CommitteeMember>()
                                         join e in db.Set<PoolExpert>() on m.ExpertId equals e.Id
                                         join u in db.Users on e.UserId equals u.Id
                                         where m.SessionId == sessionId && (m.Status == CommitteeMemberStatus.Invited || m.Status == CommitteeMemberStatus.Accepted)
                                         select new { m.Pseudonym, e.RegistrationNumber, u.UserName, u.DisplayName }).ToList())
            .OrderBy(m => m.Pseudonym, StringComparer.Ordinal).ToList();
        Assert.Equal(5, members.Count);
        var centre = await App.ApiAsync("centre");
        var supervisor = await App.ApiAsync("supervisor");
        foreach (var m in members)
        {
            using var form = new MultipartFormDataContent { { new StringContent(Room), "room" }, { new StringContent(m.RegistrationNumber), "expert" } };
            var frame = new ByteArrayContent([0x00, 0x01, 0x02]);
            frame.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("image/jpeg");
            form.Add(frame, "photo", "frame.jpg");
            var attempt = await (await centre.PostAsync("/api/checkin/attempts", form)).Json();
            Assert.False(attempt.GetProperty("admitted").GetBoolean());
            var admitted = await supervisor.PostAsJsonAsync($"/api/checkin/attempts/{attempt.GetProperty("id").GetGuid()}/override", new { reason = "Camera failed; identity card checked by the supervisor" });
            Assert.True(admitted.StatusCode == HttpStatusCode.OK, attempt + " " + await admitted.Content.ReadAsStringAsync());
        }
        Assert.Equal(LifecycleStep.ExpertCheckIn, Step(id));

        // 12: the committee in Chromium. Seat 1 (the lowest pseudonym) is elected chair; seat 5 gives the deviating mark.
        var pages = new List<IPage>();
        foreach (var m in members)
        {
            var p = await NewPageAsync();
            await SignInAsync(p, m.UserName);
            await p.GotoAsync("/Evaluation");
            await p.GetByRole(AriaRole.Link, new() { NameRegex = new System.Text.RegularExpressions.Regex("Evaluation journey") }).ClickAsync();
            await Assertions.Expect(p.GetByRole(AriaRole.Heading, new() { Name = "The committee" })).ToBeVisibleAsync();
            pages.Add(p);
        }
        var room = $"/Evaluation/Room/{sessionId}";
        Assert.EndsWith(room, pages[0].Url, StringComparison.Ordinal);
        await Assertions.Expect(pages[0].Locator("[data-step]")).ToHaveAttributeAsync("data-step", "11");
        foreach (var p in pages.Take(3))
        {
            await p.GetByLabel("Seat 1", new() { Exact = true }).CheckAsync();
            await p.GetByRole(AriaRole.Button, new() { Name = "Vote" }).ClickAsync();
            await Assertions.Expect(Flash(p)).ToContainTextAsync("Your vote is recorded.");
        }
        Assert.Equal(LifecycleStep.Evaluation, Step(id));
        var chair = pages[0];
        await chair.GotoAsync(room);
        await Assertions.Expect(chair.Locator("#chair")).ToContainTextAsync("Chair: Seat 1");
        await AccessibilityBrowserTests.AssertUsableAsync(chair, room);
        // A rejection without its art. 51 ground is refused in words; then every bid passes.
        var first = chair.Locator("form.review-form").First;
        await first.Locator("select[name='pass-qual-licence']").SelectOptionAsync("fail");
        await first.Locator("input[name='reason-qual-licence']").FillAsync("营业执照已过期。");
        await first.GetByRole(AriaRole.Button, new() { Name = "Record the committee's conclusions" }).ClickAsync();
        await Assertions.Expect(Refusal(chair)).ToContainTextAsync("art. 51");
        for (var i = 0; i < 3; i++)
        {
            await chair.Locator("form.review-form").First.GetByRole(AriaRole.Button, new() { Name = "Record the committee's conclusions" }).ClickAsync();
            await Assertions.Expect(Flash(chair)).ToContainTextAsync("The preliminary review of the bid is recorded.");
        }
        await Assertions.Expect(chair.Locator("#review-done")).ToContainTextAsync("3 bids passed, 0 rejected");

        // Comprehensive: seat 5 marks the dearest bid's plan 28 where the others give 20, which lifts it over the middle
        // one. Lowest evaluated price: seat 5 adds the full 50 000 yuan duration adjustment to the cheapest bid.
        var deviant = App.WithDb(db => db.Set<Trading.Domain.Bidding.Bid>().Single(b => b.TenderId == id && b.PriceFen == (long)((comprehensive ? Prices[2] : Prices[1]) * 100)).Id);
        for (var seat = 0; seat < 5; seat++)
        {
            var p = pages[seat];
            await p.GotoAsync(room);
            var inputs = p.Locator("#sheet-form input[type=number]");
            var count = await inputs.CountAsync();
            Assert.Equal(comprehensive ? 12 : 6, count);
            for (var k = 0; k < count; k++)
            {
                var input = inputs.Nth(k);
                var item = await input.GetAttributeAsync("data-item");
                var bid = Guid.Parse((await input.GetAttributeAsync("data-bid"))!);
                var deviates = seat == 4 && bid == deviant && item is "tech-plan" or "adj-duration";
                var value = comprehensive
                    ? item switch { "tech-plan" => deviates ? "28" : "20", "tech-quality" => "13", "com-record" => "8", _ => "3" }
                    : deviates ? "50000" : "0";
                await input.FillAsync(value);
            }
            await p.GetByRole(AriaRole.Button, new() { Name = "Commit my sheet" }).ClickAsync();
            await Assertions.Expect(Flash(p)).ToContainTextAsync("Your sheet is committed");
            await Assertions.Expect(p.Locator("#my-commitment")).ToBeVisibleAsync();
        }

        // The deviating marks are flagged for everyone; only their member explains them, and nobody signs before.
        var deviator = pages[4];
        await deviator.GotoAsync(room);
        var flags = deviator.Locator("#deviations li");
        await Assertions.Expect(flags).ToHaveCountAsync(1);
        await Assertions.Expect(flags.First).ToContainTextAsync("Seat 5");
        // The flagged row by its name in the reader's language, never its code.
        await Assertions.Expect(flags.First).ToContainTextAsync(comprehensive ? "\"Construction plan\"" : "\"Duration deviation\"");
        await Assertions.Expect(flags.First).Not.ToContainTextAsync(comprehensive ? "tech-plan" : "adj-duration");
        await pages[1].GotoAsync(room);
        await Assertions.Expect(pages[1].Locator("#deviations li").First).ToContainTextAsync("The member has not given the reason yet.");
        await Assertions.Expect(pages[1].Locator("#sign-form")).ToHaveCountAsync(0);
        Assert.Empty(Told(id, "evaluation.sign"));
        while (await deviator.Locator("form.explain-form").CountAsync() > 0)
        {
            var f = deviator.Locator("form.explain-form").First;
            await f.GetByLabel("Your written reason for this mark").FillAsync("施工方案对深基坑支护有专项论证，明显优于一般做法。");
            await f.GetByRole(AriaRole.Button, new() { Name = "Give the reason" }).ClickAsync();
            await Assertions.Expect(Flash(deviator)).ToContainTextAsync("Your reason is recorded.");
        }
        await Assertions.Expect(deviator.Locator(".flag-reason").First).ToContainTextAsync("专项论证");
        // The last reason made the report signable: every member is told to sign, once.
        Assert.Equal(members.Select(m => m.UserName!).Order(StringComparer.Ordinal).ToList(), Told(id, "evaluation.sign"));

        // The ranking on the page, then the signatures: a wrong password first, one dissent, the rest sign.
        await AccessibilityBrowserTests.AssertUsableAsync(pages[2], room);
        await pages[2].GotoAsync(room);
        var rankedFirms = await pages[2].Locator("#ranking tbody th").AllInnerTextsAsync();
        // 84.00 (lowest price, 40 price points), 82.33 (36.73 + 1.60 from the deviating mark), 81.89; or by evaluated price
        // 910 000 (900 000 + the mean adjustment), 950 000, 980 000.
        string[] expected = comprehensive ? [firms[1], firms[2], firms[0]] : [firms[1], firms[0], firms[2]];
        Assert.Equal(expected, rankedFirms.ToArray());
        await pages[2].Locator("#password").FillAsync("not-the-password");
        await pages[2].GetByRole(AriaRole.Button, new() { Name = "Sign the report" }).ClickAsync();
        await Assertions.Expect(Refusal(pages[2])).ToContainTextAsync("Re-enter your password");
        for (var seat = 0; seat < 5; seat++)
        {
            var p = pages[seat];
            await p.GotoAsync(room);
            await Assertions.Expect(p.Locator("[data-step]")).ToHaveAttributeAsync("data-step", "12");
            await p.Locator("#password").FillAsync(Trading.Web.Demo.DemoSeeder.Password);
            if (seat == 3)
            {
                await p.GetByLabel("Dissenting opinion (only to record dissent)").FillAsync("第二名的报价风险未充分评估，保留意见。");
                await p.GetByRole(AriaRole.Button, new() { Name = "Record my dissent" }).ClickAsync();
                await Assertions.Expect(Flash(p)).ToContainTextAsync("Your dissent is recorded in the report.");
            }
            else
            {
                await p.GetByRole(AriaRole.Button, new() { Name = "Sign the report" }).ClickAsync();
                await Assertions.Expect(Flash(p)).ToContainTextAsync("You have signed the report.");
            }
        }
        // 13: the last signature issued the report.
        await Assertions.Expect(pages[4].Locator("#report-issued")).ToBeVisibleAsync();
        await Assertions.Expect(pages[4].Locator("[data-step]")).ToHaveAttributeAsync("data-step", "13");
        Assert.Equal(LifecycleStep.EvaluationReport, Step(id));
        await AccessibilityBrowserTests.AssertUsableAsync(pages[4], room);
        await AccessibilityBrowserTests.AssertUsableAsync(pages[4], "/Evaluation");

        // The owner's copy reads back with the ranking and the dissent, and names no expert.
        var pdf = await offices.Owner.GetAsync($"/Evaluation/Report/{sessionId}");
        Assert.Equal(HttpStatusCode.OK, pdf.StatusCode);
        var pdfBytes = await pdf.Content.ReadAsByteArrayAsync();
        var text = EvaluationRoomTests.PdfText(pdfBytes);
        var ranking = text[text.IndexOf("排名与中标候选人", StringComparison.Ordinal)..];
        var positions = expected.Select(f => ranking.IndexOf(f, StringComparison.Ordinal)).ToArray();
        Assert.True(positions.All(x => x >= 0) && positions[0] < positions[1] && positions[1] < positions[2], text);
        Assert.Contains("第1中标候选人", text, StringComparison.Ordinal);
        Assert.Contains("保留意见", text, StringComparison.Ordinal);
        // The deviation table names the row in the report's language (Chinese), not by its code or in two languages.
        Assert.Contains(comprehensive ? "施工组织设计" : "工期偏差", text, StringComparison.Ordinal);
        Assert.DoesNotContain(comprehensive ? "tech-plan" : "adj-duration", text, StringComparison.Ordinal);
        Assert.DoesNotContain(comprehensive ? "Construction plan" : "Duration deviation", text, StringComparison.Ordinal);
        Assert.All(members, m => Assert.DoesNotContain(m.DisplayName, text, StringComparison.Ordinal));

        // Each member's browser signed with a key made for that signing, certified for the seat: the PDF attaches one valid
        // member signature per seat, which `trading verify-pdf` (the built tool, its own process) checks against the
        // attached content and the centre's CA; pdfsig still validates the one PDF signature, the centre's seal.
        Assert.All(App.WithDb(db => db.Set<Trading.Domain.Evaluation.ReportSignature>().Where(x => x.SessionId == sessionId).ToList()),
            r => Assert.True(r.MemberCertificate is not null && r.MemberSignature is not null && r.MemberStatement is not null));
        var dir = Directory.CreateDirectory(Path.Combine(App.DataDirectory, "report-" + method));
        var (pdfPath, caPath) = (Path.Combine(dir.FullName, "report.pdf"), Path.Combine(dir.FullName, "centre-ca.crt"));
        await File.WriteAllBytesAsync(pdfPath, pdfBytes);
        await File.WriteAllTextAsync(caPath, await App.Anonymous().GetStringAsync("/pki/centre-ca.crt"));
        var (code, output) = await Log.CliRunner.RunAsync("verify-pdf", pdfPath, "--root", caPath, "--lang", "en");
        Assert.True(code == 0, output);
        for (var seat = 1; seat <= 5; seat++) Assert.Contains($"seat {seat} (", output, StringComparison.Ordinal);
        Assert.Equal(5, System.Text.RegularExpressions.Regex.Count(output, "member signature is valid"));
        var pdfsig = FirmCertificateTests.PdfSig(pdfPath);
        Assert.Contains("Signature Validation: Signature is Valid.", pdfsig, StringComparison.Ordinal);
        Assert.DoesNotContain("Signature #2", pdfsig, StringComparison.Ordinal);

        // A bidder's pages never show an expert's name.
        var bidderPage = await NewPageAsync();
        await SignInAsync(bidderPage, "bidder01");
        foreach (var path in new[] { $"/Tenders/Details/{id}", $"/Submission/Bid/{id}", $"/Submission/Opening/{id}", "/Notifications" })
        {
            await bidderPage.GotoAsync(path);
            var html = await bidderPage.ContentAsync();
            Assert.All(members, m => Assert.DoesNotContain(m.DisplayName, html, StringComparison.Ordinal));
        }
        var denied = await bidderPage.GotoAsync($"/Evaluation/Report/{sessionId}");
        Assert.NotEqual(200, denied!.Status);
    }
}
