using System.IO.Compression;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Trading.Crypto;
using Trading.Domain.Bidding;
using Trading.Domain.CheckIn;
using Trading.Domain.Experts;
using Trading.Domain.Integrity;
using Trading.Domain.Supervision;
using Trading.Web.Features.Integrity;
using Trading.Web.Tests.Infrastructure;

namespace Trading.Web.Tests;

/// <summary>Collusion screens in the web app: automatic after a real opening, decisions, records, and who may see what.</summary>
public class IntegrityTests(PostgresServer pg) : WebTest(pg)
{
    protected override IReadOnlyDictionary<string, string> Settings => Bidding.FastSettings;

    private const string Method = "本工程采用分区分段流水施工，先深后浅、先地下后地上。池壁采用一次性支模、分层浇筑，每层厚度不超过五百毫米，振捣棒插入下层五十毫米以上。";

    // ---- a real tender, sealed bids, the three-key opening ----

    private sealed record PlannedBid(string User, decimal Price, string PmId, string Bond, params (string Name, byte[] Content)[] Files);

    private static byte[] Text(string s) => new UTF8Encoding(false).GetBytes(s);

    private static string Own(string user) => $"{user} 施工组织设计：{user} 的独立方案，编号 {user.GetHashCode(StringComparison.Ordinal)}，与他人无关的专有内容若干。";

    private static byte[] Zip(PlannedBid b, string? form = null)
    {
        using var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
        {
            using (var w = new StreamWriter(zip.CreateEntry("bid-form.json").Open(), Encoding.UTF8))
                w.Write(form ?? Bidding.FormJson(new OpeningForm(b.Price, 200, "项目经理", b.PmId, "技术负责人", b.Bond)));
            foreach (var (name, content) in b.Files)
            {
                using var s = zip.CreateEntry(name).Open();
                s.Write(content);
            }
        }
        return ms.ToArray();
    }

    /// <summary>Seals a given package the way Bidding.SealAsync does (which always zips its own standard form).</summary>
    private static async Task<Bidding.Sealed> SealAsync(HttpClient bidder, Guid tenderId, byte[] zip)
    {
        var s = await (await bidder.GetAsync($"/api/tenders/{tenderId}/sealing")).Json();
        var lot = s.GetProperty("lots")[0];
        var key = Bidding.JointKeyFrom(s.GetProperty("jointKey").GetString()!);
        var context = new BidContext(s.GetProperty("tender").GetString()!, lot.GetProperty("lotContext").GetString()!, s.GetProperty("bidder").GetString()!);
        using var output = new MemoryStream();
        var result = await Envelope.SealAsync(new MemoryStream(zip), output, key, context);
        using var signer = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return new Bidding.Sealed(output.ToArray(), CryptoJson.Serialize(ManifestSigning.Sign(result.ToManifest(), signer)), lot.GetProperty("id").GetGuid());
    }

    /// <summary>Publishes a tender, has each planned bidder seal and upload, passes the deadline and opens with the three holders.</summary>
    private async Task<Guid> OpenedTenderAsync(IEnumerable<(PlannedBid Bid, string? Form)> bids)
    {
        var deadline = App.Clock.GetUtcNow().UtcDateTime.AddDays(25);
        var id = await TestApi.PublishedTenderAsync(await App.ApiAsync("owner1"), deadline);
        await Bidding.JoinAllAsync(App, id);
        foreach (var (b, form) in bids)
        {
            var c = await App.ApiAsync(b.User);
            await Bidding.ObtainDocumentsAsync(c, id);
            var r = await Bidding.UploadAsync(c, id, await SealAsync(c, id, Zip(b, form)));
            Assert.True(r.StatusCode == HttpStatusCode.OK, await r.Content.ReadAsStringAsync());
        }
        App.Clock.Set(new DateTimeOffset(deadline.AddMinutes(1), TimeSpan.Zero));
        await App.RunDeadlineJobAsync();
        await OpeningOfficer.GiveAllAsync(App, id);
        Assert.NotNull(App.WithDb(db => db.Set<Trading.Domain.Bidding.KeyCeremony>().Single(c => c.TenderId == id).OpenedAt));
        return id;
    }

    /// <summary>Signs in and switches to English the way a user does (demo users prefer Chinese).</summary>
    private async Task<HttpClient> SignInAsync(string user)
    {
        var c = await Browser.SignInAsync(App, user);
        var r = await Browser.PostFormAsync(c, "/", "/Culture", new Dictionary<string, string> { ["culture"] = "en", ["returnUrl"] = "/" });
        Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
        return c;
    }

    private Guid Firm(string user) => App.WithDb(db => db.Users.Single(u => u.UserName == user).OrganisationId);

    private List<IntegrityFinding> Findings(Guid tenderId) => App.WithDb(db => db.Set<IntegrityFinding>().Where(f => f.TenderId == tenderId).ToList());

    private RunDetails Details(Guid tenderId) => App.WithDb(db =>
        JsonSerializer.Deserialize<RunDetails>(db.Set<ScreenRun>().Where(r => r.TenderId == tenderId && r.Status == ScreenRunStatus.Completed)
            .OrderByDescending(r => r.QueuedAt).First().DetailsJson!, new JsonSerializerOptions(JsonSerializerDefaults.Web))!);

    [Fact]
    public async Task Planted_collusion_in_a_real_opening_is_found_by_the_job_as_conclusive_findings_and_logged_without_personal_data()
    {
        // A bid-specific document: it names the project (only such a file can make an identical attachment conclusive).
        var copied = Text("Test road works 施工进度计划。" + Method + " 附：施工进度计划横道图说明，共十二项工序。");
        var id = await OpenedTenderAsync(
        [
            (new PlannedBid("bidder01", 1_000_000m, "350102197801011234", "6222 0000 1111 0001", ("files/方案.txt", Text(Own("bidder01")))), null),
            // Same project manager and same bond account: art. 40 items, both conclusive.
            (new PlannedBid("bidder02", 1_010_000m, "350103198203152216", "6222 0000 1111 0002", ("files/方案.txt", Text(Own("bidder02")))), null),
            (new PlannedBid("bidder03", 1_020_000m, "350103198203152216", "6222-0000-1111-0002", ("files/方案.txt", Text(Own("bidder03")))), null),
            // An identical attachment that is not a tender template.
            (new PlannedBid("bidder04", 1_030_000m, "350104198507083327", "6222 0000 1111 0004", ("files/进度计划.txt", copied)), null),
            (new PlannedBid("bidder05", 1_040_000m, "350105197912254418", "6222 0000 1111 0005", ("files/进度计划.txt", copied)), null),
        ]);
        // The opening kept each decrypted package for the screens and the committee; nothing is screened inside the opening.
        Assert.All(App.WithDb(db => db.Set<Bid>().Where(b => b.TenderId == id).ToList()), b => Assert.NotNull(b.PackageStorageKey));
        Assert.Empty(Findings(id));
        Assert.False(App.WithDb(db => db.Set<ScreenRun>().Any(r => r.TenderId == id)));

        Assert.True(await App.RunJobAsync<IntegrityScreenJob>() >= 1);

        var run = App.WithDb(db => db.Set<ScreenRun>().Single(r => r.TenderId == id));
        Assert.Equal(ScreenRunStatus.Completed, run.Status);
        Assert.Equal("opening", run.Trigger);
        Assert.Equal(5, run.BidCount);
        var conclusive = Findings(id).Where(f => f.Grade == FindingGrade.Conclusive).ToList();
        string Pair(params string[] users) => string.Join(',', users.Select(Firm).Order());
        Assert.Contains(conclusive, f => f.IndicatorId == "L3" && f.FirmIds == Pair("bidder02", "bidder03"));
        Assert.Contains(conclusive, f => f.IndicatorId == "L6" && f.FirmIds == Pair("bidder02", "bidder03"));
        Assert.Contains(conclusive, f => f.IndicatorId == "L4a" && f.FirmIds == Pair("bidder04", "bidder05"));
        // Nothing conclusive names the honest bidder01.
        Assert.DoesNotContain(conclusive, f => f.FirmIds.Contains(Firm("bidder01").ToString(), StringComparison.Ordinal));

        // The log entry commits with the findings: counts per indicator, no ID numbers, accounts or firm ids in the clear.
        var entry = App.WithDb(db => db.LogEntries.Single(e => e.TenderId == id && e.Type == "integrity.screened"));
        Assert.Contains("\"L3/Conclusive\":1", entry.Payload, StringComparison.Ordinal);
        Assert.Contains("\"L6/Conclusive\":1", entry.Payload, StringComparison.Ordinal);
        Assert.DoesNotContain("350103198203152216", entry.Payload, StringComparison.Ordinal);
        Assert.DoesNotContain("0002", entry.Payload, StringComparison.Ordinal);
        Assert.DoesNotContain(Firm("bidder02").ToString(), entry.Payload, StringComparison.Ordinal);

        // Every supervisor is told, in the transaction that stored the findings.
        var supervisorId = App.WithDb(db => db.Users.Single(u => u.UserName == "supervisor").Id);
        Assert.Single(App.WithDb(db => db.Set<Trading.Data.Notifications.Notification>().Where(n => n.UserId == supervisorId && n.Kind == "integrity.findings" && n.TenderId == id).ToList()));

        // The next pass finds nothing new to queue: one run per opening.
        Assert.Equal(0, await App.RunJobAsync<IntegrityScreenJob>());
        Assert.Single(App.WithDb(db => db.Set<ScreenRun>().Where(r => r.TenderId == id).ToList()));

        // The supervision office sees it on the page, in Chinese and English.
        var supervisor = await SignInAsync("supervisor");
        var html = await supervisor.GetStringAsync($"/Integrity/Tender/{id}");
        Assert.Contains("Conclusive", html, StringComparison.Ordinal);
        var firm2 = App.WithDb(db => db.Organisations.Single(o => o.Id == Firm("bidder02")).Name);
        Assert.Contains(firm2, html, StringComparison.Ordinal);
        var zh = await supervisor.GetStringAsync($"/Integrity/Tender/{id}?culture=zh-CN");
        Assert.Contains("认定级", zh, StringComparison.Ordinal);
        Assert.Contains("投标保证金从同一账户", zh, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Clean_bids_give_no_conclusive_finding_and_thin_or_malformed_input_gives_not_enough_data_and_notes()
    {
        var clean = await OpenedTenderAsync(
        [
            (new PlannedBid("bidder01", 2_000_000m, "350102197801011111", "6222 1000 0000 0001", ("files/a.txt", Text(Own("bidder01")))), null),
            (new PlannedBid("bidder02", 2_060_000m, "350102197801012222", "6222 1000 0000 0002", ("files/a.txt", Text(Own("bidder02")))), null),
            (new PlannedBid("bidder03", 2_150_000m, "350102197801013333", "6222 1000 0000 0003", ("files/a.txt", Text(Own("bidder03")))), null),
            (new PlannedBid("bidder04", 1_970_000m, "350102197801014444", "6222 1000 0000 0004", ("files/a.txt", Text(Own("bidder04")))), null),
        ]);
        // Three bids: one with a broken form (not opened), one without attachments, one with a damaged DOCX.
        var thin = await OpenedTenderAsync(
        [
            (new PlannedBid("bidder05", 3_000_000m, "350102197801015555", "6222 2000 0000 0005"), null),
            (new PlannedBid("bidder06", 3_100_000m, "350102197801016666", "6222 2000 0000 0006", ("files/技术标.docx", Encoding.ASCII.GetBytes("PK\u0003\u0004 this is not really a zip archive"))), null),
            (new PlannedBid("bidder07", 0m, "x", "x"), "{\"priceYuan\": \"lots\"}"),
        ]);
        await App.RunJobAsync<IntegrityScreenJob>();

        Assert.All(App.WithDb(db => db.Set<ScreenRun>().Where(r => r.TenderId == clean || r.TenderId == thin).ToList()), r => Assert.Equal(ScreenRunStatus.Completed, r.Status));
        Assert.DoesNotContain(Findings(clean), f => f.Grade == FindingGrade.Conclusive);
        Assert.DoesNotContain(Findings(thin), f => f.Grade == FindingGrade.Conclusive);

        var lot = Assert.Single(Details(thin).Lots);
        Assert.Equal(2, lot.BidCount);
        var missing = lot.Outcomes.Where(o => o.Status == "NotEnoughData").Select(o => o.Indicator).ToHashSet();
        Assert.Contains("L4a", missing);   // fewer than two bids with readable attachments
        Assert.Contains("L4b", missing);   // two prices are no pattern
        Assert.Contains("H3", missing);    // the centre's history is short
        Assert.Contains(lot.Notes, n => n.Message.Key == "Integrity.Note.NotOpened" && n.Message.Web);
        Assert.Contains(lot.Notes, n => n.FileName == "files/技术标.docx" && n.Message.Key == "note.attachment.malformed");

        var supervisor = await SignInAsync("supervisor");
        var html = await supervisor.GetStringAsync($"/Integrity/Tender/{thin}");
        Assert.Contains("Not enough data", html, StringComparison.Ordinal);
        Assert.Contains("files/技术标.docx", html, StringComparison.Ordinal);
        Assert.Contains("Not screened: the bid was not opened with a valid form", html, StringComparison.Ordinal);
    }

    /// <summary>A DOCX of a few hundred KB whose body inflates to <paramref name="bodyBytes"/>.</summary>
    private static byte[] BombDocx(long bodyBytes)
    {
        using var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
        {
            using var s = zip.CreateEntry("word/document.xml", CompressionLevel.SmallestSize).Open();
            s.Write("<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body><w:p><w:r><w:t>"u8);
            var chunk = new byte[1 << 20];
            chunk.AsSpan().Fill((byte)'a');
            for (long done = 0; done < bodyBytes; done += chunk.Length) s.Write(chunk);
            s.Write("</w:t></w:r></w:p></w:body></w:document>"u8);
        }
        return ms.ToArray();
    }

    [Fact]
    public async Task A_decompression_bomb_in_one_bid_is_skipped_with_its_reason_and_the_lot_and_later_tenders_are_still_screened()
    {
        var bomb = BombDocx(512L * 1024 * 1024);
        var bombed = await OpenedTenderAsync(
        [
            (new PlannedBid("bidder08", 4_000_000m, "350102197801018888", "6222 3000 0000 0008", ("files/施工方案.docx", bomb), ("files/a.txt", Text(Own("bidder08")))), null),
            (new PlannedBid("bidder09", 4_100_000m, "350102197801019999", "6222 3000 0000 0009", ("files/a.txt", Text(Own("bidder09")))), null),
            (new PlannedBid("bidder01", 4_200_000m, "350102197801011111", "6222 3000 0000 0001", ("files/a.txt", Text(Own("bidder01")))), null),
        ]);
        await App.RunJobAsync<IntegrityScreenJob>();
        // A later tender reads the bombed package again through the document baseline: still screened.
        var later = await OpenedTenderAsync(
        [
            (new PlannedBid("bidder08", 5_000_000m, "350102197801018888", "6222 3000 0000 0008", ("files/a.txt", Text(Own("bidder08") + "二"))), null),
            (new PlannedBid("bidder09", 5_100_000m, "350102197801019999", "6222 3000 0000 0009", ("files/a.txt", Text(Own("bidder09") + "二"))), null),
            (new PlannedBid("bidder01", 5_200_000m, "350102197801011111", "6222 3000 0000 0001", ("files/a.txt", Text(Own("bidder01") + "二"))), null),
        ]);
        await App.RunJobAsync<IntegrityScreenJob>();

        Assert.All(App.WithDb(db => db.Set<ScreenRun>().Where(r => r.TenderId == bombed || r.TenderId == later).ToList()), r => Assert.Equal(ScreenRunStatus.Completed, r.Status));
        var lot = Assert.Single(Details(bombed).Lots);
        // Deflate output of a bomb is itself repetitive, so the bid's ZIP compresses it again: it is caught either at the
        // package (ratio) or inside the DOCX (size), depending on how the bidder's tool zipped it.
        var note = Assert.Single(lot.Notes, n => n.FileName == "files/施工方案.docx");
        Assert.Matches("^(Integrity.Note.Skipped.CompressionRatio|note.attachment.limit.entrytoolarge)$", note.Message.Key);
        Assert.Contains(lot.Outcomes, o => o.Indicator == "L4a" && o.Status == "Ran"); // the other files of both bids were compared

        var supervisor = await SignInAsync("supervisor");
        var html = await supervisor.GetStringAsync($"/Integrity/Tender/{bombed}");
        Assert.Contains("files/施工方案.docx", html, StringComparison.Ordinal);
        Assert.Matches("decompression bomb|inflates past the limit", html);
    }

    // ---- decisions, records, access: on the demo tender the seed screened ----

    private (Guid Tender, IntegrityFinding L6, IntegrityFinding L3) DemoFindings() => App.WithDb(db =>
    {
        var f = db.Set<IntegrityFinding>().Where(x => x.Grade == FindingGrade.Conclusive).ToList();
        var l6 = f.Single(x => x.IndicatorId == "L6");
        return (l6.TenderId, l6, f.Single(x => x.IndicatorId == "L3"));
    });

    // The demo's history draws the screened tender's committee by a real lottery, so who sits on it changes from seed to seed:
    // the experts "off the committee" are read from the data, never named.
    private string[] ExpertsOffCommittee(Guid tender) => App.WithDb(db =>
    {
        var seated = db.Set<EvaluationSession>().Where(s => s.TenderId == tender).SelectMany(s => s.Members).Select(m => m.ExpertId).ToList();
        var free = db.Set<PoolExpert>().Where(e => !seated.Contains(e.Id)).Select(e => e.UserId).ToList();
        return db.Users.Where(u => free.Contains(u.Id) && u.UserName!.StartsWith("expert")).Select(u => u.UserName!).OrderBy(n => n).Take(2).ToArray();
    });

    private static Dictionary<string, string> Form(params (string K, string V)[] kv) => kv.ToDictionary(x => x.K, x => x.V);

    [Fact]
    public async Task The_demo_tender_was_screened_by_the_seed_and_the_overview_counts_its_findings()
    {
        var (tender, _, _) = DemoFindings();
        var supervisor = await SignInAsync("supervisor");
        var html = await supervisor.GetStringAsync("/Integrity");
        Assert.Contains($"/Integrity/Tender/{tender}", html, StringComparison.Ordinal);
        var findings = Findings(tender);
        Assert.Contains(findings, f => f.IndicatorId == "L4a" && f.Grade == FindingGrade.Conclusive);
        Assert.Contains(findings, f => f.IndicatorId == "L1b" && f.Grade == FindingGrade.Lead);
        var page = await supervisor.GetStringAsync($"/Integrity/Tender/{tender}");
        Assert.Contains("data-testid=\"price-chart\"", page, StringComparison.Ordinal);
        Assert.Contains("Price screens with their percentile", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_decision_needs_a_reason_and_a_token_is_logged_with_it_and_cannot_be_repeated()
    {
        var (tender, l6, l3) = DemoFindings();
        var supervisor = await SignInAsync("supervisor");
        var page = $"/Integrity/Finding/{l6.Id}";
        var post = $"{page}?handler=Decide";

        var empty = await Browser.PostFormAsync(supervisor, page, post, Form(("Decide.Decision", "Confirmed"), ("Decide.Reason", "   ")));
        Assert.Equal(HttpStatusCode.OK, empty.StatusCode);
        Assert.Contains("Give a reason for the decision", await empty.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var noChoice = await Browser.PostFormAsync(supervisor, page, post, Form(("Decide.Reason", "no choice")));
        Assert.Contains("Choose confirmed or dismissed", await noChoice.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var bogus = await Browser.PostFormAsync(supervisor, page, post, Form(("Decide.Decision", "7"), ("Decide.Reason", "bogus")));
        Assert.Contains("Choose confirmed or dismissed", await bogus.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var tooLong = await Browser.PostFormAsync(supervisor, page, post, Form(("Decide.Decision", "Confirmed"), ("Decide.Reason", new string('x', IntegrityFinding.MaxReason + 1))));
        Assert.Contains("Give a reason for the decision", await tooLong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        // Without the anti-forgery token the form is refused outright.
        var forged = await Browser.PostFormAsync(supervisor, page, post, Form(("Decide.Decision", "Confirmed"), ("Decide.Reason", "forged")), withToken: false);
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Null(App.WithDb(db => db.Set<IntegrityFinding>().Single(f => f.Id == l6.Id).Decision));
        Assert.False(App.WithDb(db => db.LogEntries.Any(e => e.Type == "integrity.finding.decided")));

        var ok = await Browser.PostFormAsync(supervisor, page, post, Form(("Decide.Decision", "Confirmed"), ("Decide.Reason", "银行流水证实两家保证金同一账户转出")));
        Assert.Equal(HttpStatusCode.Redirect, ok.StatusCode);
        var decided = App.WithDb(db => db.Set<IntegrityFinding>().Single(f => f.Id == l6.Id));
        Assert.Equal(FindingDecision.Confirmed, decided.Decision);
        var entry = App.WithDb(db => db.LogEntries.Single(e => e.Type == "integrity.finding.decided"));
        Assert.Equal(tender, entry.TenderId);
        Assert.Contains(l6.Id.ToString(), entry.Payload, StringComparison.Ordinal);
        Assert.DoesNotContain("银行流水", entry.Payload, StringComparison.Ordinal); // the reason is kept, the log has its hash
        Assert.Single(App.WithDb(db => db.Set<IntegrityDecision>().Where(d => d.FindingId == l6.Id).ToList()));

        // Deciding again (also the other way) is refused; the first decision stands.
        var again = await Browser.PostFormAsync(supervisor, page, post, Form(("Decide.Decision", "Dismissed"), ("Decide.Reason", "changed my mind")));
        Assert.Contains("already decided", await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(FindingDecision.Confirmed, App.WithDb(db => db.Set<IntegrityFinding>().Single(f => f.Id == l6.Id).Decision));

        // A new run with the same evidence keeps the decision (stable finding id).
        var run = await Browser.PostFormAsync(supervisor, $"/Integrity/Tender/{tender}", $"/Integrity/Tender/{tender}?handler=Run", Form());
        Assert.Equal(HttpStatusCode.Redirect, run.StatusCode);
        var progress = await (await supervisor.GetAsync($"/Integrity/Tender/{tender}?handler=Progress")).Json();
        Assert.Equal("Queued", progress.GetProperty("status").GetString());
        var twice = await Browser.PostFormAsync(supervisor, $"/Integrity/Tender/{tender}", $"/Integrity/Tender/{tender}?handler=Run", Form());
        Assert.Contains("already queued or running", await twice.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(1, await App.RunJobAsync<IntegrityScreenJob>());
        Assert.Equal("Completed", (await (await supervisor.GetAsync($"/Integrity/Tender/{tender}?handler=Progress")).Json()).GetProperty("status").GetString());
        var kept = App.WithDb(db => db.Set<IntegrityFinding>().Single(f => f.Id == l6.Id));
        Assert.Equal(FindingDecision.Confirmed, kept.Decision);
        Assert.NotEqual(kept.FirstRunId, kept.LastRunId);

        // A decision stands for its evidence: when a run brings other evidence than the decision was made on, the finding
        // opens again and the earlier decision stays in its history. (Simulated by dating the decision to other evidence.)
        var l3Page = $"/Integrity/Finding/{l3.Id}";
        Assert.Equal(HttpStatusCode.Redirect, (await Browser.PostFormAsync(supervisor, l3Page, $"{l3Page}?handler=Decide", Form(("Decide.Decision", "Dismissed"), ("Decide.Reason", "同名同号系录入错误")))).StatusCode);
        App.WithDb(db => db.Set<IntegrityFinding>().Where(f => f.Id == l3.Id).ExecuteUpdate(u => u.SetProperty(f => f.DecidedEvidenceSha256, new string('0', 64))));
        Assert.Equal(HttpStatusCode.Redirect, (await Browser.PostFormAsync(supervisor, $"/Integrity/Tender/{tender}", $"/Integrity/Tender/{tender}?handler=Run", Form())).StatusCode);
        Assert.Equal(1, await App.RunJobAsync<IntegrityScreenJob>());
        Assert.Null(App.WithDb(db => db.Set<IntegrityFinding>().Single(f => f.Id == l3.Id).Decision));
        Assert.Single(App.WithDb(db => db.Set<IntegrityDecision>().Where(d => d.FindingId == l3.Id).ToList()));
        Assert.Contains("\"reopened\":1", App.WithDb(db => db.LogEntries.Where(e => e.Type == "integrity.screened" && e.TenderId == tender).OrderByDescending(e => e.Index).First().Payload), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await Browser.PostFormAsync(supervisor, l3Page, $"{l3Page}?handler=Decide", Form(("Decide.Decision", "Confirmed"), ("Decide.Reason", "复核后确认")))).StatusCode);
        Assert.Contains("Earlier decisions on this finding", await supervisor.GetStringAsync(l3Page), StringComparison.Ordinal);

        // A confirmed finding becomes a bad-behaviour record for one of its firms, linked to the finding; an undecided one cannot.
        var firm = l6.Firms[0];
        var record = await Browser.PostFormAsync(supervisor, page, $"{page}?handler=Record", Form(("Record.FirmId", firm.ToString()), ("Record.Facts", "同一账户缴纳保证金"),
            ("Record.RuleBroken", "招标投标法实施条例第四十条"), ("Record.Sanction", "Warning")));
        Assert.Equal(HttpStatusCode.Redirect, record.StatusCode);
        var saved = App.WithDb(db => db.Set<BadBehaviourRecord>().Single(r => r.CollusionFindingRef == IntegrityService.FindingRefPrefix + l6.Id));
        Assert.Equal(firm, saved.SubjectId);
        Assert.Contains(saved.Number, await supervisor.GetStringAsync(page), StringComparison.Ordinal);
        var dup = await Browser.PostFormAsync(supervisor, $"/Integrity/Tender/{tender}", $"{page}?handler=Record", Form(("Record.FirmId", firm.ToString()), ("Record.Facts", "again"),
            ("Record.RuleBroken", "第四十条"), ("Record.Sanction", "Warning")));
        Assert.Contains("already has a record", await dup.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var outsider = await Browser.PostFormAsync(supervisor, $"/Integrity/Tender/{tender}", $"{page}?handler=Record", Form(("Record.FirmId", Firm("bidder09").ToString()), ("Record.Facts", "x"),
            ("Record.RuleBroken", "x"), ("Record.Sanction", "Warning")));
        Assert.Contains("Choose one of the finding", await outsider.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var lead = App.WithDb(db => db.Set<IntegrityFinding>().First(f => f.TenderId == tender && f.Grade == FindingGrade.Lead));
        var undecided = await Browser.PostFormAsync(supervisor, $"/Integrity/Tender/{tender}", $"/Integrity/Finding/{lead.Id}?handler=Record", Form(("Record.FirmId", lead.Firms[0].ToString()),
            ("Record.Facts", "x"), ("Record.RuleBroken", "x"), ("Record.Sanction", "Warning")));
        Assert.Contains("Only a confirmed finding", await undecided.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Single(App.WithDb(db => db.Set<BadBehaviourRecord>().Where(r => r.CollusionFindingRef != null && r.CollusionFindingRef.StartsWith(IntegrityService.FindingRefPrefix)).ToList()));
    }

    private static void AssertRefused(HttpResponseMessage r, string what)
    {
        var denied = r.StatusCode == HttpStatusCode.Forbidden
            || (r.StatusCode == HttpStatusCode.Redirect && r.Headers.Location?.ToString().Contains("/Account/Denied", StringComparison.Ordinal) == true);
        Assert.True(denied, $"{what}: {(int)r.StatusCode} {r.Headers.Location}");
    }

    [Fact]
    public async Task Bidders_owners_the_centre_and_experts_off_the_committee_are_refused_everywhere_and_the_checked_in_committee_reads_only()
    {
        var (tender, l6, _) = DemoFindings();
        var off = ExpertsOffCommittee(tender);
        Assert.Equal(2, off.Length);
        var (outsider, joiner) = (off[0], off[1]);
        var supervisorPage = await SignInAsync("supervisor");
        var token = await Browser.TokenAsync(supervisorPage, $"/Integrity/Finding/{l6.Id}");
        string[] gets = ["/Integrity", $"/Integrity/Tender/{tender}", $"/Integrity/Tender/{tender}?handler=Progress", $"/Integrity/Finding/{l6.Id}"];
        string[] posts = [$"/Integrity/Finding/{l6.Id}?handler=Decide", $"/Integrity/Finding/{l6.Id}?handler=Record", $"/Integrity/Tender/{tender}?handler=Run"];
        // bidder02 is one of the firms the finding names: being named gives no right to read it.
        var named = App.WithDb(db => db.Users.Where(u => u.OrganisationId == l6.Firms[0]).Select(u => u.UserName!).First());
        foreach (var user in new[] { named, "bidder09", "owner1", "agent", "centre", outsider })
        {
            var c = await SignInAsync(user);
            foreach (var g in gets)
            {
                var r = await c.GetAsync(g);
                if (user == outsider && g == "/Integrity")
                {
                    // Experts may open the overview; it lists only their committee's tenders (none).
                    Assert.DoesNotContain(tender.ToString(), await r.Content.ReadAsStringAsync(), StringComparison.Ordinal);
                    continue;
                }
                AssertRefused(r, $"{user} GET {g}");
            }
            foreach (var p in posts)
            {
                // The form token comes from a page they can open; it is theirs, so anti-forgery passes and authorization must refuse.
                var own = await Browser.TokenAsync(c, "/Account/Security");
                AssertRefused(await c.PostAsync(p, new FormUrlEncodedContent(Form(("__RequestVerificationToken", own), ("Decide.Decision", "Dismissed"),
                    ("Decide.Reason", "x"), ("Record.FirmId", l6.Firms[0].ToString()), ("Record.Facts", "x"), ("Record.RuleBroken", "x")))), $"{user} POST {p}");
            }
            // The supervisor's token in another session is no token (and the role would refuse anyway).
            var stolen = await c.PostAsync(posts[0], new FormUrlEncodedContent(Form(("__RequestVerificationToken", token), ("Decide.Decision", "Dismissed"), ("Decide.Reason", "x"))));
            if (stolen.StatusCode != HttpStatusCode.BadRequest) AssertRefused(stolen, $"{user} POST with the supervisor's token");
        }
        Assert.Null(App.WithDb(db => db.Set<IntegrityFinding>().Single(f => f.Id == l6.Id).Decision));

        // The joiner is seated on the lot's committee: refused until checked in, then reads (no decision form) and still cannot decide.
        var lot = l6.LotId;
        var expert = App.WithDb(db => db.Set<PoolExpert>().Single(e => e.UserId == db.Users.Single(u => u.UserName == joiner).Id));
        var session = new EvaluationSession
        {
            DrawId = "IT-1", TenderId = tender, LotId = lot, EvaluationRoom = "评标室一", StartsAt = App.Clock.GetUtcNow().UtcDateTime, EndsAt = App.Clock.GetUtcNow().UtcDateTime.AddHours(4),
            CommitteeSize = 5, RequestedAt = App.Clock.GetUtcNow().UtcDateTime, Phase = Trading.ExpertPool.DrawPhase.Drawn,
        };
        session.Members.Add(new CommitteeMember { ExpertId = expert.Id, Pseudonym = "p1", Stratum = "a", Status = CommitteeMemberStatus.Accepted, InvitedAt = session.RequestedAt, RespondBy = session.StartsAt });
        App.WithDb(db => { db.Add(session); return db.SaveChanges(); });
        var member = await SignInAsync(joiner);
        AssertRefused(await member.GetAsync($"/Integrity/Tender/{tender}"), $"{joiner} before check-in");
        App.WithDb(db =>
        {
            db.Add(new CheckInAttempt { SessionId = session.Id, Room = session.EvaluationRoom, ClaimedExpertId = expert.Id, At = App.Clock.GetUtcNow().UtcDateTime, Decision = CheckInDecision.Accepted, Reason = "Match",
                OperatorUserId = db.Users.Single(u => u.UserName == "centre").Id });
            return db.SaveChanges();
        });
        var html = await member.GetStringAsync($"/Integrity/Tender/{tender}");
        Assert.Contains("data-testid=\"committee-note\"", html, StringComparison.Ordinal);
        Assert.Contains($"/Integrity/Finding/{l6.Id}", html, StringComparison.Ordinal);
        Assert.DoesNotContain("handler=Run", html, StringComparison.Ordinal);
        var finding = await member.GetStringAsync($"/Integrity/Finding/{l6.Id}");
        Assert.Contains("data-testid=\"evidence\"", finding, StringComparison.Ordinal);
        Assert.DoesNotContain("decide-form", finding, StringComparison.Ordinal);
        Assert.Contains(tender.ToString(), await member.GetStringAsync("/Integrity"), StringComparison.Ordinal);
        var decide = await Browser.PostFormAsync(member, $"/Integrity/Finding/{l6.Id}", $"/Integrity/Finding/{l6.Id}?handler=Decide", Form(("Decide.Decision", "Dismissed"), ("Decide.Reason", "x")));
        AssertRefused(decide, "committee expert deciding");
        Assert.Null(App.WithDb(db => db.Set<IntegrityFinding>().Single(f => f.Id == l6.Id).Decision));
    }
}
