using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Microsoft.EntityFrameworkCore;
using Trading.Domain;
using Trading.Domain.Experts;
using Trading.Web.Tests.Infrastructure;

namespace Trading.Web.Tests;

/// <summary>
/// A newcomer with only the README: a fresh data folder with the demo data, the first page's demo sign-ins, and each
/// role's pages in both languages, with a screenshot per step under test-results/newcomer/. Any page that shows a raw
/// code from issue 22's list, a resource key instead of its text, or English interface text on a Chinese page fails.
/// Then, in the same app, a demo tender goes from sealing to its archive through the pages of the people who act.
/// </summary>
public sealed partial class NewcomerJourneyTests(PostgresServer pg) : BrowserTest(pg)
{
    private static readonly string Shots = Path.Combine(FindRoot(), "test-results", "newcomer");

    private static string FindRoot()
    {
        var d = new DirectoryInfo(AppContext.BaseDirectory);
        while (d is not null && !File.Exists(Path.Combine(d.FullName, "Trading.sln"))) d = d.Parent;
        return d?.FullName ?? AppContext.BaseDirectory;
    }

    /// <summary>Codes the issue found on pages, and shapes of an untranslated resource key.</summary>
    private static readonly string[] RawCodes =
    [
        "construction/", "economics/", "goods/", "services/", "sf/", "xm/", "qz/", "FinancialInterest", "Relative、", "tender.step.", "1-tech", "2-econ",
        "(server)", "pending (centre)", "（Pending）", "(Pending)", "原因 interval", "Unexpected token", "JSON deserialization", "field is required",
    ];

    private static readonly string[] Managers = ["张伟", "李娜", "王强"];
    private int _step;
    private readonly List<string> _problems = [];

    // What `dotnet run` gives a newcomer: the Development settings (holders sign in without two-factor) and the demo clock.
    protected override TradingFactory CreateFactory(string connectionString) => new(connectionString) { Settings = Bidding.FastSettings, UseDemoClock = true };

    [Fact]
    public async Task A_newcomer_follows_the_demo_page_through_every_role_and_takes_a_demo_tender_to_its_award()
    {
        // This run's screenshots only: a step numbered like an older run's would mix the two.
        if (Directory.Exists(Shots)) Directory.Delete(Shots, recursive: true);
        Directory.CreateDirectory(Shots);
        var started = System.Diagnostics.Stopwatch.StartNew();
        await TourAsync();
        var tour = started.Elapsed;
        await JourneyToTheAwardAsync();
        Assert.True(_problems.Count == 0, string.Join("\n", _problems));
        TestContext.Current.TestOutputHelper?.WriteLine($"newcomer journey: tour {tour.TotalSeconds:F0} s, sealing to archive {(started.Elapsed - tour).TotalSeconds:F0} s");
    }

    /// <summary>Every role's pages in both languages, as the demo seeds them.</summary>
    private async Task TourAsync()
    {
        var (tender, opened) = App.WithDb(db => (
            db.Tenders.Where(t => t.Step == LifecycleStep.NoticePublished).OrderBy(t => t.BidDeadline).Select(t => t.Id).First(),
            db.Set<Trading.Domain.Bidding.KeyCeremony>().Where(c => c.OpenedAt != null).OrderBy(c => c.OpenedAt).Select(c => (Guid?)c.TenderId).FirstOrDefault()));
        var journey = new (string? User, string[] Paths)[]
        {
            (null, ["/", "/Tenders", $"/Tenders/Details/{tender}", "/Log", "/Firms/Register"]),
            ("owner1", ["/Tenders", "/Tenders/Create", "/Draw"]),
            ("bidder01", ["/Tenders", $"/Tenders/Details/{tender}", $"/Submission/Bid/{tender}", "/Supervision/Mine"]),
            ("bidder12", [$"/Tenders/Details/{tender}"]),
            ("centre", ["/Firms", "/Experts", "/Draw", "/CheckIn", "/Supervision/Settings", $"/Submission/Ceremony/{tender}", "/DemoClock"]),
            ("supervisor", ["/Supervision", "/Integrity", "/Audit", "/Log/Witness", "/Notifications"]),
            ("expert01", ["/Draw/Invitations", "/Experts/Me", "/Integrity"]),
        };
        if (opened is { } o) journey[4].Paths = [.. journey[4].Paths, $"/Submission/Opening/{o}"];
        foreach (var culture in new[] { "zh-CN", "en" })
        {
            foreach (var (user, paths) in journey)
            {
                var page = user is null ? await NewPageAsync(culture == "en" ? "en-US" : "zh-CN") : await DemoSignInAsync(user, culture);
                foreach (var path in paths)
                {
                    var response = await page.GotoAsync(path + (path.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "culture=" + culture);
                    var where = $"{culture} {user ?? "visitor"} {path}";
                    if (response is not { Ok: true }) { _problems.Add($"{where}: HTTP {response?.Status}"); continue; }
                    await ShotAsync(page, culture, user ?? "visitor", Slug(path));
                }
                await page.Context.CloseAsync();
            }
        }
    }

    /// <summary>
    /// The way the README says: the first page lists a sign-in link for every demo role (an expert drawn for a committee
    /// uses the same link with their own name, which the page tells them).
    /// </summary>
    private async Task<IPage> DemoSignInAsync(string user, string culture = "zh-CN")
    {
        var page = await NewPageAsync(culture == "en" ? "en-US" : "zh-CN");
        await page.GotoAsync("/?culture=" + culture);
        var link = page.Locator($"a[href='/Account/Login?userName={user}']");
        if (await link.CountAsync() > 0) await link.ClickAsync();
        else await page.GotoAsync($"/Account/Login?userName={user}");
        await page.Locator("#Password").FillAsync(Trading.Web.Demo.DemoSeeder.Password);
        await page.Locator("main form button[type=submit]").ClickAsync();
        await page.WaitForSignInAsync(u => !u.Contains("/Account/Login", StringComparison.Ordinal));
        return page;
    }

    /// <summary>A screenshot of the step and the page's words checked (raw codes, resource keys, the other language).</summary>
    private async Task ShotAsync(IPage page, string culture, string who, string what)
    {
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Shots, $"{++_step:000}-{culture}-{who}-{what}.png"), FullPage = true });
        _problems.AddRange((await ProblemsAsync(page, culture)).Select(p => $"{culture} {who} {new Uri(page.Url).PathAndQuery} ({what}): {p}"));
    }

    private Task ShotAsync(IPage page, string who, string what) => ShotAsync(page, "zh-CN", who, what);

    private static ILocator Flash(IPage p) => p.Locator("div.alert-success[role=status]");

    private LifecycleStep StepOf(Guid id) => App.WithDb(db => db.Tenders.AsNoTracking().Single(t => t.Id == id).Step);

    private void AtStep(Guid id, LifecycleStep expected, string after) =>
        Assert.True(StepOf(id) == expected, $"after {after} the tender is at {StepOf(id)}, not {expected}");

    /// <summary>
    /// The demo tender that closes first (its ceremony done by the demo's officers), in Chinese as the demo's users have
    /// it: three bidders obtain the documents and seal in their browsers, centre staff move the demo clock past the
    /// deadline, the owner asks for the draw and the three offices draw the committee in their browsers, the five experts
    /// accept, the three holders open in the hall with the demo passphrase, the kiosk refuses each expert's photo (no face
    /// is enrolled in the demo) and the supervisor admits them, the committee evaluates and signs, the owner publishes the
    /// candidates, awards after the publicity, uploads the contract and refunds the bonds, the centre archives; the public
    /// sees the publicity and the result. The deadline job is the app's timer, run here on demand.
    /// </summary>
    private async Task JourneyToTheAwardAsync()
    {
        var tender = App.WithDb(db => db.Tenders.AsNoTracking().Where(t => t.Step == LifecycleStep.NoticePublished).OrderBy(t => t.BidDeadline).First());
        var id = tender.Id;
        var ownerUser = App.WithDb(db => db.Users.Where(u => u.OrganisationId == tender.OwnerOrganisationId).OrderBy(u => u.UserName).First().UserName!);
        var details = $"/Tenders/Details/{id}";

        var visitor = await NewPageAsync("zh-CN");
        await visitor.GotoAsync("/Tenders");
        await visitor.Locator($"a[href='{details}']").First.ClickAsync();
        await ShotAsync(visitor, "visitor", "notice");

        // Three bidders: documents, then the bid sealed in the browser.
        var bidFile = Path.Combine(App.DataDirectory, "技术方案.txt");
        await File.WriteAllTextAsync(bidFile, "技术方案：设备参数与售后服务承诺。");
        decimal[] prices = [11_980_000m, 12_150_000m, 12_420_000m];
        for (var i = 0; i < 3; i++)
        {
            var who = $"bidder0{i + 1}";
            var bidder = await DemoSignInAsync(who);
            await bidder.GotoAsync("/Tenders");
            await bidder.Locator($"a[href='{details}']").First.ClickAsync();
            await bidder.RunAndWaitForDownloadAsync(() => bidder.GetByTestId("download").First.ClickAsync());
            await bidder.GotoAsync(details);
            await bidder.GetByTestId("to-bid").ClickAsync();
            await bidder.Locator("#price").FillAsync(prices[i].ToString(System.Globalization.CultureInfo.InvariantCulture));
            await bidder.Locator("#duration").FillAsync("90");
            await bidder.Locator("#pm").FillAsync(Managers[i]);
            await bidder.Locator("#pmid").FillAsync($"11010119800101123{i}");
            await bidder.Locator("#bond").FillAsync($"6222 0000 0000 000{i}");
            await bidder.Locator("#files").SetInputFilesAsync(bidFile);
            await bidder.GetByTestId("seal-upload").ClickAsync();
            await Assertions.Expect(bidder.GetByTestId("receipt")).ToBeVisibleAsync(new() { Timeout = 60_000 });
            await ShotAsync(bidder, who, "sealed");
            await bidder.Context.CloseAsync();
        }

        // The deadline: centre staff move the demo clock just past it; the page runs the app's timers (the deadline freezes the bids).
        var centre = await DemoSignInAsync("centre");
        await centre.GotoAsync("/DemoClock");
        await centre.GetByTestId("advance-deadline").ClickAsync();
        await Assertions.Expect(Flash(centre)).ToBeVisibleAsync();
        await Assertions.Expect(centre.GetByTestId("demo-clock-bar")).ToBeVisibleAsync();
        AtStep(id, LifecycleStep.BidDeadline, "the deadline");
        await ShotAsync(centre, "centre", "deadline-passed");

        // The draw: the owner asks for it on the request page (its defaults: five experts tomorrow 09:00-12:00), and the
        // three offices commit and reveal in their browsers; the centre draws.
        var owner = await DemoSignInAsync(ownerUser);
        await owner.GotoAsync($"/Draw/Request?tenderId={id}");
        await ShotAsync(owner, ownerUser, "draw-request");
        await owner.GetByTestId("submit-request").ClickAsync();
        await owner.WaitForURLAsync(u => u.Contains("/Draw/Details/", StringComparison.Ordinal));
        var drawUrl = new Uri(owner.Url).PathAndQuery;
        var supervisor = await DemoSignInAsync("supervisor");
        var offices = new[] { (Page: supervisor, Office: "supervision"), (Page: centre, Office: "centre"), (Page: owner, Office: "owner") };
        foreach (var (page, office) in offices)
        {
            await page.GotoAsync(drawUrl);
            await page.Locator("#generate-value").ClickAsync();
            await Assertions.Expect(page.Locator("#commitment")).ToHaveValueAsync(new Regex("^[0-9a-f]{64}$"));
            await page.GetByTestId("commit").ClickAsync();
            await Assertions.Expect(page.Locator($"[data-office-commitment='{office}']")).ToHaveTextAsync(new Regex("^[0-9a-f]{64}$"));
        }
        foreach (var (page, office) in offices)
        {
            await page.GotoAsync(drawUrl);
            await page.GetByTestId("reveal").ClickAsync();
            await Assertions.Expect(page.Locator($"[data-office-reveal='{office}']")).ToHaveTextAsync(new Regex("^[0-9a-f]{64}$"));
        }
        await centre.GetByTestId("draw").ClickAsync();
        await Assertions.Expect(centre.GetByTestId("seed")).ToHaveTextAsync(new Regex("^[0-9a-f]{64}$"));
        await ShotAsync(centre, "centre", "drawn");
        AtStep(id, LifecycleStep.ExpertDraw, "the draw");

        // The five drawn experts accept. Who they are, the newcomer reads where the centre sees the committee: the demo names
        // each seat's demo sign-in there (each expert also finds the invitation on signing in).
        var session = App.WithDb(db => db.Set<EvaluationSession>().AsNoTracking().Single(s => s.TenderId == id && s.VoidedAt == null));
        var members = App.WithDb(db => (from m in db.Set<CommitteeMember>()
                                         join e in db.Set<PoolExpert>() on m.ExpertId equals e.Id
                                         join u in db.Users on e.UserId equals u.Id
                                         where m.SessionId == session.Id && m.Status == CommitteeMemberStatus.Invited
                                         select new { m.Id, m.Pseudonym, e.RegistrationNumber, u.UserName }).ToList())
            .OrderBy(m => m.Pseudonym, StringComparer.Ordinal).ToList();
        Assert.Equal(5, members.Count);
        var shown = await centre.Locator("[data-demo-sign-in]").EvaluateAllAsync<string[]>("els => els.map(e => e.dataset.demoSignIn)");
        Assert.Equal(members.Select(m => m.UserName!).Order(StringComparer.Ordinal), shown.Order(StringComparer.Ordinal));
        // The owner side sees the committee by pseudonym only, and so no sign-in either (Bidding Law art. 37).
        await owner.GotoAsync(drawUrl);
        await Assertions.Expect(owner.GetByTestId("committee")).ToBeVisibleAsync();
        await Assertions.Expect(owner.Locator("[data-demo-sign-in]")).ToHaveCountAsync(0);
        var experts = new List<IPage>();
        foreach (var m in members)
        {
            var expert = await DemoSignInAsync(m.UserName!);
            await expert.GotoAsync("/Draw/Invitations");
            await expert.Locator($"form:has(input[name=memberId][value='{m.Id}']) button[type=submit]").First.ClickAsync();
            await Assertions.Expect(Flash(expert)).ToBeVisibleAsync();
            if (experts.Count == 0) await ShotAsync(expert, m.UserName!, "invitation-accepted");
            experts.Add(expert);
        }

        // The opening: the three holders' officers in the hall, each with the demo passphrase typed in their browser.
        var holders = new[] { supervisor, centre, owner };
        for (var i = 0; i < holders.Length; i++)
        {
            var page = holders[i];
            await page.GotoAsync($"/Submission/Opening/{id}");
            await page.GetByTestId("opening-passphrase").FillAsync(Trading.Web.Features.Submission.SubmissionDemo.Passphrase);
            await page.GetByTestId("give").ClickAsync();
            await Assertions.Expect(page.Locator($"#holders tr[data-holder='{i + 1}'][data-given='true']")).ToHaveCountAsync(1, new() { Timeout = 60_000 });
        }
        // The last holder's partials open the bids in the hall (唱标), each row as it opens.
        await Assertions.Expect(owner.GetByTestId("opening-record")).ToContainTextAsync("12,420,000.00", new() { Timeout = 60_000 });
        await owner.ReloadAsync();
        AtStep(id, LifecycleStep.BidOpening, "the opening");
        await ShotAsync(owner, ownerUser, "opened");

        // The evaluation day: the clock moves a day to the session; the kiosk refuses each photo and the supervisor admits.
        await centre.GotoAsync("/DemoClock");
        await centre.GetByTestId("advance-24").ClickAsync();
        await Assertions.Expect(Flash(centre)).ToBeVisibleAsync();
        var photo = Path.Combine(App.DataDirectory, "kiosk.jpg");
        await File.WriteAllBytesAsync(photo, BlankJpeg());
        await centre.GotoAsync("/CheckIn");
        await centre.Locator($"a[href='/CheckIn/Kiosk?room={Uri.EscapeDataString(session.EvaluationRoom)}']").First.ClickAsync();
        foreach (var m in members)
        {
            await centre.Locator("#expert").SelectOptionAsync(m.RegistrationNumber);
            await centre.Locator("#photo").SetInputFilesAsync(photo);
            await centre.Locator("#check-in").ClickAsync();
            await Assertions.Expect(centre.GetByTestId("kiosk-result").Locator(".alert")).ToBeVisibleAsync(new() { Timeout = 60_000 });
            await centre.ReloadAsync();
        }
        await ShotAsync(centre, "centre", "kiosk");
        await supervisor.GotoAsync("/CheckIn");
        for (var i = 0; i < members.Count; i++)
        {
            var form = supervisor.Locator("form[action='/CheckIn?handler=Override']").First;
            await form.Locator("input[name=reason]").FillAsync("演示库未采集人脸，监察人员已核验身份证原件。");
            await form.Locator("button[type=submit]").ClickAsync();
            await supervisor.WaitForLoadStateAsync();
        }
        await ShotAsync(supervisor, "supervisor", "checked-in");
        AtStep(id, LifecycleStep.ExpertCheckIn, "the check-in");

        // The committee: seat 1 is elected, the chair records the preliminary review, every member commits and signs.
        var room = $"/Evaluation/Room/{session.Id}";
        foreach (var p in experts.Take(3))
        {
            await p.GotoAsync("/Evaluation");
            await p.Locator($"a[href='{room}']").First.ClickAsync();
            await p.Locator("#cand-1").CheckAsync();
            await p.Locator("#vote-form button[type=submit]").ClickAsync();
            await Assertions.Expect(Flash(p)).ToBeVisibleAsync();
        }
        AtStep(id, LifecycleStep.Evaluation, "the chair's election");
        var chair = experts[0];
        await chair.GotoAsync(room);
        await ShotAsync(chair, members[0].UserName!, "chair");
        for (var i = 0; i < 3; i++)
        {
            await chair.Locator("form.review-form").First.Locator("button[type=submit]").ClickAsync();
            await Assertions.Expect(Flash(chair)).ToBeVisibleAsync();
        }
        await Assertions.Expect(chair.Locator("#review-done")).ToBeVisibleAsync();
        foreach (var p in experts)
        {
            await p.GotoAsync(room);
            var inputs = p.Locator("#sheet-form input[type=number]");
            for (var k = await inputs.CountAsync() - 1; k >= 0; k--) await inputs.Nth(k).FillAsync("0");
            await p.Locator("#sheet-form button[type=submit]").ClickAsync();
            await Assertions.Expect(Flash(p)).ToBeVisibleAsync();
        }
        foreach (var p in experts)
        {
            await p.GotoAsync(room);
            await p.Locator("#password").FillAsync(Trading.Web.Demo.DemoSeeder.Password);
            await p.Locator("#sign-form button.btn-primary").ClickAsync();
            await Assertions.Expect(Flash(p)).ToBeVisibleAsync();
        }
        await Assertions.Expect(experts[^1].Locator("#report-issued")).ToBeVisibleAsync();
        await ShotAsync(experts[^1], members[^1].UserName!, "report-signed");
        AtStep(id, LifecycleStep.EvaluationReport, "the signatures");

        // Steps 14-18: the candidates published, the public's view, the award after the publicity, contract, refunds, archive.
        var award = $"/Award/Tender/{id}";
        await owner.GotoAsync("/Award/Mine");
        await owner.Locator($"a[href='{award}']").First.ClickAsync();
        await owner.GetByTestId("publish-form").Locator("button").ClickAsync();
        await Assertions.Expect(Flash(owner)).ToBeVisibleAsync();
        AtStep(id, LifecycleStep.CandidatePublicity, "the publicity");
        await owner.GotoAsync(award);
        await ShotAsync(owner, ownerUser, "publicity");
        await visitor.GotoAsync("/Award");
        await visitor.Locator($"a[href='/Award/Public/{id}']").First.ClickAsync();
        await Assertions.Expect(visitor.GetByTestId("candidates").Locator("tbody tr")).ToHaveCountAsync(3);
        await ShotAsync(visitor, "visitor", "publicity");

        await centre.GotoAsync("/DemoClock");
        await centre.GetByTestId("advance-168").ClickAsync();
        await Assertions.Expect(Flash(centre)).ToBeVisibleAsync();
        await owner.GotoAsync(award);
        await owner.GetByTestId("award-form").Locator("button").ClickAsync();
        await Assertions.Expect(Flash(owner)).ToBeVisibleAsync();
        AtStep(id, LifecycleStep.AwardNotice, "the award");
        await owner.GotoAsync(award);
        await Assertions.Expect(owner.GetByTestId("notices").Locator("li")).ToHaveCountAsync(3);
        await ShotAsync(owner, ownerUser, "awarded");

        var contract = Path.Combine(App.DataDirectory, "合同.pdf");
        await File.WriteAllBytesAsync(contract, TestApi.Pdf("医疗设备采购合同"));
        await owner.GetByTestId("contract-form").Locator("input[type=file]").SetInputFilesAsync(contract);
        await owner.GetByTestId("contract-form").Locator("button").ClickAsync();
        await Assertions.Expect(Flash(owner)).ToBeVisibleAsync();
        AtStep(id, LifecycleStep.Contract, "the contract");
        for (var i = 0; i < 3; i++)
        {
            await owner.GotoAsync(award);
            await owner.GetByTestId("refund-form").First.Locator("button").ClickAsync();
            await Assertions.Expect(Flash(owner)).ToBeVisibleAsync();
        }
        AtStep(id, LifecycleStep.BondRefundAndArchive, "the refunds");
        await owner.GotoAsync(award);
        await ShotAsync(owner, ownerUser, "refunded");

        await centre.GotoAsync(details);
        await centre.GetByTestId("archive-link").ClickAsync();
        await centre.GetByTestId("archive").ClickAsync();
        await Assertions.Expect(centre.GetByTestId("why-no-package")).ToBeVisibleAsync();
        await ShotAsync(centre, "centre", "archived");
        // The package proves every entry against a checkpoint the supervision office cosigned: the supervisor makes one
        // now and cosigns it on the witness page, and the package can be downloaded.
        var archive = centre.Url;
        await supervisor.GotoAsync("/Log/Witness");
        await supervisor.Locator("form[action*='handler=Checkpoint'] button").ClickAsync();
        await supervisor.GetByTestId("cosign").ClickAsync();
        await Assertions.Expect(supervisor.GetByTestId("last-cosigned")).ToBeVisibleAsync();
        await ShotAsync(supervisor, "supervisor", "cosigned");
        await centre.GotoAsync(archive);
        var package = await centre.RunAndWaitForDownloadAsync(() => centre.GetByTestId("download").ClickAsync());
        var packagePath = Path.Combine(App.DataDirectory, "archive.tar");
        await package.SaveAsAsync(packagePath);
        var packed = new List<string>();
        await using (var tar = new System.Formats.Tar.TarReader(File.OpenRead(packagePath)))
            while (await tar.GetNextEntryAsync() is { } entry) packed.Add(entry.Name);
        Assert.Equal("manifest.json", packed[0]);
        Assert.Contains(packed, m => m.Contains("report", StringComparison.Ordinal));
        // The real opening and draw are in it as the centre's sealed PDFs, and the package verifies offline.
        Assert.Contains(packed, m => m.StartsWith("opening/record-", StringComparison.Ordinal) && m.EndsWith(".pdf", StringComparison.Ordinal));
        Assert.Contains(packed, m => m.StartsWith("draw/", StringComparison.Ordinal) && m.EndsWith(".pdf", StringComparison.Ordinal));
        var rootPath = Path.Combine(App.DataDirectory, "root-ca.crt");
        await File.WriteAllTextAsync(rootPath, await App.Anonymous().GetStringAsync("/api/log/certificates/root-ca.crt"));
        var sealCaPath = Path.Combine(App.DataDirectory, "centre-ca.crt");
        await File.WriteAllTextAsync(sealCaPath, await App.Anonymous().GetStringAsync("/pki/centre-ca.crt"));
        var (verifyCode, verifyOutput) = await Log.CliRunner.RunAsync("verify-archive", packagePath, "--root", rootPath, "--seal-ca", sealCaPath, "--lang", "en");
        Assert.True(verifyCode == 0, verifyOutput);
        await ShotAsync(centre, "centre", "archive-package");

        await visitor.GotoAsync($"/Award/Public/{id}");
        await Assertions.Expect(visitor.GetByTestId("results").Locator("tbody tr")).ToHaveCountAsync(1);
        await ShotAsync(visitor, "visitor", "result");
        await visitor.GotoAsync("/Results");
        await ShotAsync(visitor, "visitor", "results");
        await visitor.GotoAsync("/Results?culture=en");
        await ShotAsync(visitor, "en", "visitor", "results");
    }

    /// <summary>A grey 64×64 JPEG: a photo with no face in it, which the kiosk refuses.</summary>
    private static byte[] BlankJpeg()
    {
        using var bmp = new SkiaSharp.SKBitmap(64, 64);
        bmp.Erase(new SkiaSharp.SKColor(128, 128, 128));
        using var data = bmp.Encode(SkiaSharp.SKEncodedImageFormat.Jpeg, 80);
        return data.ToArray();
    }

    private static async Task<List<string>> ProblemsAsync(IPage page, string culture)
    {
        var found = new List<string>();
        // Visible interface text, without code samples, hashes and the language picker's own names.
        var texts = await page.EvaluateAsync<string[]>("""
            () => { const out = []; const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
              for (let n = walker.nextNode(); n; n = walker.nextNode()) {
                const p = n.parentElement; if (!p || p.closest('code, pre, kbd, samp, script, style, textarea, option[lang], [data-testid="cli-command"], .log-data, [hidden]')) continue;
                const t = n.textContent.trim(); if (t) out.push(t); }
              for (const e of document.querySelectorAll('[aria-label], [placeholder], [title]')) for (const a of ['aria-label', 'placeholder', 'title']) { const v = e.getAttribute(a); if (v) out.push(v); }
              return out; }
            """);
        foreach (var t in texts)
        {
            foreach (var code in RawCodes.Where(c => t.Contains(c, StringComparison.Ordinal))) found.Add($"raw code \"{code}\" in \"{Short(t)}\"");
            if (ResourceKey().Match(t) is { Success: true } key) found.Add($"resource key shown: {key.Value}");
            if (culture == "zh-CN" && EnglishPhrase().Match(t) is { Success: true } en && !AllowedEnglish.Any(a => t.Contains(a, StringComparison.Ordinal)))
                found.Add($"English on a Chinese page: \"{Short(t)}\"");
        }
        return found.Distinct().ToList();
    }

    /// <summary>Names that stay as they are in Chinese text: products, standards, formats, the CLI's name.</summary>
    private static readonly string[] AllowedEnglish = ["OpenAPI", "AGPL", "SHA-256", "English", "trading ", "PDF", "JSON", "WebCrypto", "CSV", "DLEQ", "RFC", "GB/T", "Ctrl", "Shift", "Enter", "@example.cn", "http"];

    private static string Short(string s) => s.Length > 60 ? s[..60] + "…" : s;
    private static string Slug(string path) => Regex.Replace(path.Trim('/'), "[^A-Za-z0-9]+", "-").Trim('-') is { Length: > 0 } s ? (s.Length > 40 ? s[..40] : s) : "home";

    // "Bid.Ceremony.Via.server" or "Rule.Bid.X": a key the resources did not have, shown as it is.
    [GeneratedRegex(@"\b(?:Rule|Bid|Draw|Experts|Supervision|Integrity|CheckIn|Log|Tender|Tenders|Firm|Nav|Home|Account|Step|Role|DemoClock|Notifications|Validation|Field|LogType)\.[A-Z][A-Za-z0-9]*(?:\.[A-Za-z0-9.\-]+)?\b")]
    private static partial Regex ResourceKey();

    // Three or more English words in a row: interface text, not a name or a code.
    [GeneratedRegex(@"\b[A-Za-z]{2,}\s+[A-Za-z]{2,}\s+[A-Za-z]{2,}\b")]
    private static partial Regex EnglishPhrase();
}
