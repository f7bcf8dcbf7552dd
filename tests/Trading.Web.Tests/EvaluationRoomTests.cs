using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Trading.Web.Features.Evaluation;
using Trading.Domain;
using Trading.Domain.Bidding;
using Trading.Domain.CheckIn;
using Trading.Domain.Evaluation;
using Trading.Domain.Experts;
using Trading.Web.Tests.Infrastructure;

namespace Trading.Web.Tests;

/// <summary>
/// The evaluation room's rules on PostgreSQL. The opened bids, the drawn session and the check-ins are written
/// straight into the database here (their own features test how they come about); every evaluation act goes
/// through the JSON API as a committee member.
/// </summary>
public class EvaluationRoomTests(PostgresServer pg) : WebTest(pg)
{
    internal static readonly string[] Experts = ["expert01", "expert02", "expert03", "expert04", "expert05"];
    private DateTime Now => App.Clock.GetUtcNow().UtcDateTime;

    internal sealed record Setup(Guid TenderId, Guid SessionId, Guid[] Bids, Dictionary<string, Guid> Seats);

    private Task<Setup> ArrangeAsync(params string[] checkedIn) => ArrangeAsync(App, checkedIn);

    /// <summary>A tender whose opened bids wait for a seated committee of the five experts, the given ones checked in (also for browser tests).</summary>
    internal static async Task<Setup> ArrangeAsync(TradingFactory app, params string[] checkedIn)
    {
        var now = app.Clock.GetUtcNow().UtcDateTime;
        var owner = await app.ApiAsync("owner1");
        var tenderId = await TestApi.PublishedTenderAsync(owner, now.AddDays(25));
        return app.WithDb(db =>
        {
            var tender = db.Tenders.Include(t => t.Lots).First(t => t.Id == tenderId);
            // The opening, the draw and the check-in are their own features' tests: here the tender stands where they leave it.
            tender.Step = LifecycleStep.ExpertCheckIn;
            var lot = tender.Lots[0];
            var firms = db.Organisations.Where(o => o.Kind == OrganisationKind.BidderFirm).OrderBy(o => o.Name).Take(3).ToList();
            var prices = new long[] { 950_000_00, 900_000_00, 980_000_00 };
            var bids = firms.Select((f, i) => new Bid
            {
                TenderId = tenderId, LotId = lot.Id, FirmId = f.Id, SubmittedByUserId = Guid.NewGuid(), SubmittedAt = now,
                OpeningStatus = BidOpeningStatus.Opened, PriceFen = prices[i], ConfirmedAt = now,
            }).ToList();
            db.AddRange(bids);
            var experts = Experts.Select(u => (from e in db.Set<PoolExpert>() join x in db.Users on e.UserId equals x.Id where x.UserName == u select e).Single()).ToList();
            var session = new EvaluationSession
            {
                DrawId = "EVAL-" + Guid.NewGuid().ToString("N")[..10], TenderId = tenderId, LotId = lot.Id, EvaluationRoom = "评标室一",
                StartsAt = now.AddMinutes(-10), EndsAt = now.AddHours(4), CommitteeSize = 5, RequestedAt = now, RequestedByUserId = experts[0].UserId,
                RecordJson = "{}", ScreeningJson = "{}", PseudonymMapJson = "{}", Phase = Trading.ExpertPool.DrawPhase.Drawn,
                Members = experts.Select((x, i) => new CommitteeMember
                {
                    ExpertId = x.Id, Pseudonym = new string((char)('a' + i), 64), Stratum = "1-tech", Status = CommitteeMemberStatus.Accepted,
                    InvitedAt = now.AddDays(-2), RespondBy = now.AddDays(-1),
                }).ToList(),
            };
            db.Add(session);
            db.SaveChanges();
            foreach (var u in checkedIn) CheckIn(db, session, experts[Array.IndexOf(Experts, u)].Id);
            db.SaveChanges();
            var seats = Experts.Select((u, i) => (u, session.Members.First(m => m.ExpertId == experts[i].Id).Id)).ToDictionary(x => x.u, x => x.Id);
            return new Setup(tenderId, session.Id, bids.Select(b => b.Id).ToArray(), seats);
        });
    }

    private static void CheckIn(Trading.Data.TradingDbContext db, EvaluationSession s, Guid expertId) => db.Add(new CheckInAttempt
    {
        SessionId = s.Id, Room = s.EvaluationRoom, ClaimedExpertId = expertId, At = s.StartsAt, OperatorUserId = db.Users.First(u => u.UserName == "centre").Id,
        Decision = CheckInDecision.Accepted, Reason = "Accepted", ImageSha256 = new string('0', 64),
    });

    internal static object Sheet(Setup s, string user, decimal plan, decimal? aboveForFirst = null) => new
    {
        memberId = s.Seats[user],
        scores = s.Bids.SelectMany((b, i) => ScoringScheme.Template(EvaluationMethod.ComprehensiveScoring).ExpertItems.Select(item => new
        {
            bidId = b, itemCode = item.Code,
            points = item.Code == "tech-plan" ? (i == 0 && aboveForFirst is { } a ? a : plan) : item.MaxPoints - 2,
        })).ToArray(),
    };

    /// <summary>This test's entries of a type (the demo's history, weeks before the present, evaluated tenders too).</summary>
    private int Entries(string type) => App.WithDb(db => db.LogEntries.Count(e => e.Type == type && e.RecordedAt >= TradingFactory.Start.UtcDateTime));

    internal static string Room(Setup s, string tail = "") => $"/api/evaluation/{s.SessionId}{tail}";

    /// <summary>Three votes elect expert01 chair; the chair passes every bid on every review item (or rejects <paramref name="reject"/>).</summary>
    internal static async Task ChairAndReviewAsync(Setup s, Dictionary<string, HttpClient> api, Guid? reject = null)
    {
        foreach (var u in Experts.Take(3))
            Assert.Equal(HttpStatusCode.NoContent, (await api[u].PostAsJsonAsync(Room(s, "/chair-votes"), new { candidateMemberId = s.Seats["expert01"] })).StatusCode);
        foreach (var b in s.Bids)
        {
            var body = new
            {
                bidId = b,
                items = ScoringScheme.Template(EvaluationMethod.ComprehensiveScoring).ReviewItems.Select(i => new
                {
                    itemCode = i.Code, passed = !(b == reject && i.Code == "resp-price"),
                    ground = b == reject && i.Code == "resp-price" ? "PriceBelowCostOrAboveCeiling" : null,
                    reason = b == reject && i.Code == "resp-price" ? "报价超过最高投标限价 1 200 000 元。" : null,
                }).ToArray(),
            };
            Assert.Equal(HttpStatusCode.NoContent, (await api["expert01"].PostAsJsonAsync(Room(s, "/review"), body)).StatusCode);
        }
    }

    internal static async Task<Dictionary<string, HttpClient>> MembersAsync(TradingFactory app, string culture = "en")
    {
        var api = new Dictionary<string, HttpClient>();
        foreach (var u in Experts) api[u] = await app.ApiAsync(u, culture: culture);
        return api;
    }

    /// <summary>
    /// A signature as the room's browser posts it: the re-authentication, the dissent, and the member's own signature over
    /// the statement for the content, session and seat the room shows (a key made here as the browser would: DemoMemberSigning).
    /// </summary>
    internal static async Task<object> Signature(HttpClient member, Setup s, string? dissent = null, string password = Trading.Web.Demo.DemoSeeder.Password)
    {
        var room = await member.GetFromJsonAsync<JsonElement>(Room(s), TestContext.Current.CancellationToken);
        var content = room.GetProperty("reportContentSha256") is { ValueKind: JsonValueKind.String } c ? c.GetString()! : new string('0', 64);
        return SignatureBody(Trading.Web.Demo.DemoMemberSigning.Make(content, s.SessionId, room.GetProperty("seat").GetString()!, dissent?.Trim()), dissent, password);
    }

    /// <summary>A member's signing with an SM2 key (suite 2), as the SM module in the browser makes it: SM3withSM2 request, SM2 r || s over the statement.</summary>
    private static MemberSigning Sm2Signing(string content, Guid session, string seat)
    {
        var key = Trading.Crypto.Sm2SigningKey.Create();
        var request = new string(System.Security.Cryptography.PemEncoding.Write("CERTIFICATE REQUEST", key.CreateCertificationRequest("evaluation committee member")));
        var pem = key.ExportPkcs8Pem();
        var priv = Org.BouncyCastle.Security.PrivateKeyFactory.CreateKey(Convert.FromBase64String(pem[System.Security.Cryptography.PemEncoding.Find(pem).Base64Data]));
        var statement = new Trading.PublicLog.MemberStatement(content, session, seat, null).ToBytes();
        var signer = new Org.BouncyCastle.Crypto.Signers.SM2Signer(Org.BouncyCastle.Crypto.Signers.PlainDsaEncoding.Instance);
        signer.Init(true, new Org.BouncyCastle.Crypto.Parameters.ParametersWithRandom(priv, new Org.BouncyCastle.Security.SecureRandom()));
        signer.BlockUpdate(statement, 0, statement.Length);
        return new MemberSigning(request, statement, signer.GenerateSignature());
    }

    internal static object SignatureBody(Trading.Web.Features.Evaluation.MemberSigning m, string? dissent = null, string password = Trading.Web.Demo.DemoSeeder.Password) => new
    {
        password, dissent, memberRequest = m.RequestPem, memberStatement = m.Statement is null ? null : Convert.ToBase64String(m.Statement),
        memberSignature = m.Signature is null ? null : Convert.ToBase64String(m.Signature),
    };

    internal static string PdfText(byte[] pdf)
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(path, pdf);
            using var p = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("pdftotext", ["-layout", path, "-"]) { RedirectStandardOutput = true })!;
            var text = p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            Assert.Equal(0, p.ExitCode);
            return text;
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public async Task Sheets_are_committed_revealed_when_all_have_committed_and_the_ranking_waits_for_every_deviation_reason()
    {
        var s = await ArrangeAsync(Experts);
        var api = await MembersAsync(App);
        await ChairAndReviewAsync(s, api);
        Assert.Equal(LifecycleStep.Evaluation, App.WithDb(db => db.Tenders.Single(t => t.Id == s.TenderId).Step));

        var room = await (await api["expert01"].GetAsync($"/api/evaluation/{s.SessionId}")).Json();
        Assert.Equal(3, room.GetProperty("bids").GetArrayLength());
        Assert.Equal(40m, room.GetProperty("bids")[0].GetProperty("priceScore").GetDecimal()); // the lowest, 900 000 yuan

        // Four members mark the plan 20; expert05 marks it 28 (mean 21.6, 6.4 away > 20% of 30).
        for (var i = 0; i < 4; i++)
        {
            var r = await api[Experts[i]].PostAsJsonAsync($"/api/evaluation/{s.SessionId}/sheet", Sheet(s, Experts[i], 20));
            Assert.Equal(HttpStatusCode.Created, r.StatusCode);
            if (i == 0)
            {
                await (await api["expert01"].GetAsync($"/api/evaluation/{s.SessionId}/sheets")).AssertRefused(HttpStatusCode.UnprocessableEntity, EvaluationRules.NotAllCommitted);
                await (await api["expert01"].GetAsync($"/api/evaluation/{s.SessionId}/results")).AssertRefused(HttpStatusCode.UnprocessableEntity, EvaluationRules.NotAllCommitted);
            }
        }
        Assert.Equal(HttpStatusCode.Created, (await api["expert05"].PostAsJsonAsync($"/api/evaluation/{s.SessionId}/sheet", Sheet(s, "expert05", 28))).StatusCode);
        Assert.Equal(5, Entries("evaluation.sheet.committed"));

        // Each logged commitment is the hash of the stored sheet and its nonce; the log holds no marks.
        App.WithDb(db =>
        {
            foreach (var row in db.Set<ScoreSheet>().Where(x => x.SessionId == s.SessionId).ToList())
            {
                var sheet = JsonSerializer.Deserialize<ScoreSheetContent>(row.SheetJson, new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
                Assert.Equal(row.Commitment, sheet.Commitment(row.Nonce));
                var payload = db.LogEntries.Single(e => e.Index == row.LogIndex).Payload;
                Assert.Contains(row.Commitment, payload, StringComparison.Ordinal);
                Assert.DoesNotContain("tech-plan", payload, StringComparison.Ordinal);
            }
            return 0;
        });

        var sheets = await (await api["expert02"].GetAsync($"/api/evaluation/{s.SessionId}/sheets")).Json();
        Assert.Equal(5, sheets.GetArrayLength());
        var results = await api["expert01"].GetAsync($"/api/evaluation/{s.SessionId}/results");
        var missing = await results.AssertRefused(HttpStatusCode.UnprocessableEntity, EvaluationRules.DeviationReasonMissing);
        Assert.Contains("3", missing, StringComparison.Ordinal);

        room = await (await api["expert05"].GetAsync($"/api/evaluation/{s.SessionId}")).Json();
        var flags = room.GetProperty("flags").EnumerateArray().ToList();
        Assert.Equal(3, flags.Count);
        Assert.All(flags, f => { Assert.Equal("tech-plan", f.GetProperty("item").GetString()); Assert.Equal(new string('e', 64), f.GetProperty("seat").GetString()); });

        // Only the member who gave the mark explains it, once, in words.
        var first = new { bidId = s.Bids[0], itemCode = "tech-plan", reason = "施工方案对深基坑支护有专项论证，明显优于其他投标。" };
        await (await api["expert01"].PostAsJsonAsync($"/api/evaluation/{s.SessionId}/deviation-reasons", first)).AssertRefused(HttpStatusCode.UnprocessableEntity, EvaluationRules.NoSuchDeviation);
        await (await api["expert05"].PostAsJsonAsync($"/api/evaluation/{s.SessionId}/deviation-reasons", first with { reason = " " })).AssertRefused(HttpStatusCode.UnprocessableEntity, EvaluationRules.ReasonLength);
        foreach (var b in s.Bids)
            Assert.Equal(HttpStatusCode.NoContent, (await api["expert05"].PostAsJsonAsync($"/api/evaluation/{s.SessionId}/deviation-reasons", first with { bidId = b })).StatusCode);
        await (await api["expert05"].PostAsJsonAsync($"/api/evaluation/{s.SessionId}/deviation-reasons", first)).AssertRefused(HttpStatusCode.UnprocessableEntity, EvaluationRules.ReasonGiven);
        Assert.Equal(3, Entries("evaluation.deviation.explained"));

        var ranking = await (await api["expert03"].GetAsync($"/api/evaluation/{s.SessionId}/results")).Json();
        Assert.Equal(3, ranking.GetArrayLength());
        Assert.Equal(s.Bids[1], ranking[0].GetProperty("bidId").GetGuid());     // same marks: the lowest price wins on price points
        Assert.Equal([1, 2, 3], ranking.EnumerateArray().Select(r => r.GetProperty("rank").GetInt32()).ToArray());
        Assert.All(ranking.EnumerateArray(), r => Assert.True(r.GetProperty("candidate").GetBoolean()));

        // The report: a wrong password signs nothing; four sign, one records dissent; the last signature issues the PDF.
        await (await api["expert01"].PostAsJsonAsync(Room(s, "/report/signatures"), await Signature(api["expert01"], s, password: "not-my-password"))).AssertRefused(HttpStatusCode.UnprocessableEntity, EvaluationRules.ReauthenticationFailed);
        Assert.Equal(0, App.WithDb(db => db.Set<ReportSignature>().Count(x => x.SessionId == s.SessionId)));
        for (var i = 0; i < 4; i++)
            Assert.Equal(HttpStatusCode.Created, (await api[Experts[i]].PostAsJsonAsync(Room(s, "/report/signatures"), await Signature(api[Experts[i]], s))).StatusCode);
        await (await api["expert02"].PostAsJsonAsync(Room(s, "/report/signatures"), await Signature(api["expert02"], s))).AssertRefused(HttpStatusCode.UnprocessableEntity, EvaluationRules.ReportSigned);
        Assert.Equal(HttpStatusCode.NotFound, (await (await App.ApiAsync("owner1")).GetAsync(Room(s, "/report"))).StatusCode);
        Assert.Equal(LifecycleStep.Evaluation, App.WithDb(db => db.Tenders.Single(t => t.Id == s.TenderId).Step));
        var last = await (await api["expert05"].PostAsJsonAsync(Room(s, "/report/signatures"), await Signature(api["expert05"], s, "我认为第一名的施工方案评分偏低，保留意见。"))).Json();
        Assert.True(last.GetProperty("reportIssued").GetBoolean());
        Assert.Equal(LifecycleStep.EvaluationReport, App.WithDb(db => db.Tenders.Single(t => t.Id == s.TenderId).Step));
        Assert.Equal(5, Entries("evaluation.report.signed"));
        Assert.Equal(1, Entries("evaluation.report.issued"));

        // Delivered to the owner; the PDF's hash is the logged one; it reads back with the ranking and no expert's name.
        var owner = await App.ApiAsync("owner1");
        var response = await owner.GetAsync(Room(s, "/report"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var pdf = await response.Content.ReadAsByteArrayAsync();
        var (pdfHash, logged, notices) = App.WithDb(db => (db.Set<EvaluationReport>().Single(r => r.SessionId == s.SessionId).PdfSha256,
            db.LogEntries.Single(e => e.Type == "evaluation.report.issued" && e.RecordedAt >= TradingFactory.Start.UtcDateTime).Payload,
            db.Set<Trading.Data.Notifications.Notification>().Count(n => n.Kind == "evaluation.report")));
        Assert.Equal(pdfHash, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(pdf)));
        Assert.Contains(pdfHash, logged, StringComparison.Ordinal);
        Assert.True(notices > 0);
        var text = PdfText(pdf);
        var firms = App.WithDb(db => s.Bids.Select(b => db.Organisations.Single(o => o.Id == db.Set<Bid>().Single(x => x.Id == b).FirmId).Name).ToArray());
        var lines = text.Split('\n');
        var rankLine = Array.FindIndex(lines, l => l.Contains("排名与中标候选人", StringComparison.Ordinal));
        Assert.True(rankLine > 0, text);
        var after = string.Join('\n', lines.Skip(rankLine));
        Assert.True(after.IndexOf(firms[1], StringComparison.Ordinal) < after.IndexOf(firms[0], StringComparison.Ordinal), text);
        Assert.Contains("第1中标候选人", text, StringComparison.Ordinal);
        Assert.Contains("保留意见", text, StringComparison.Ordinal);
        var names = App.WithDb(db => Experts.Select(u => db.Users.Single(x => x.UserName == u).DisplayName).ToList());
        Assert.All(names, n => Assert.DoesNotContain(n, text, StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.Forbidden, (await (await App.ApiAsync("bidder01")).GetAsync(Room(s, "/report"))).StatusCode);
    }

    [Fact]
    public async Task The_chair_is_elected_the_review_rejects_only_with_a_rule_and_scoring_waits_for_it()
    {
        var s = await ArrangeAsync(Experts);
        var api = await MembersAsync(App, "zh-CN");
        await (await api["expert02"].PostAsJsonAsync(Room(s, "/review"), new { bidId = s.Bids[0], items = Array.Empty<object>() }))
            .AssertRefused(HttpStatusCode.UnprocessableEntity, EvaluationRules.ChairNotElected);
        await (await api["expert01"].PostAsJsonAsync(Room(s, "/sheet"), Sheet(s, "expert01", 20))).AssertRefused(HttpStatusCode.UnprocessableEntity, EvaluationRules.ReviewIncomplete);
        Assert.Equal(HttpStatusCode.NoContent, (await api["expert02"].PostAsJsonAsync(Room(s, "/chair-votes"), new { candidateMemberId = s.Seats["expert01"] })).StatusCode);
        await (await api["expert02"].PostAsJsonAsync(Room(s, "/chair-votes"), new { candidateMemberId = s.Seats["expert03"] })).AssertRefused(HttpStatusCode.UnprocessableEntity, EvaluationRules.AlreadyVoted);
        await (await api["expert03"].PostAsJsonAsync(Room(s, "/chair-votes"), new { candidateMemberId = Guid.NewGuid() })).AssertRefused(HttpStatusCode.UnprocessableEntity, EvaluationRules.NoSuchSeat);
        foreach (var u in new[] { "expert03", "expert04" })
            Assert.Equal(HttpStatusCode.NoContent, (await api[u].PostAsJsonAsync(Room(s, "/chair-votes"), new { candidateMemberId = s.Seats["expert01"] })).StatusCode);
        Assert.Equal(3, Entries("evaluation.chair.vote"));
        var room = await (await api["expert04"].GetAsync(Room(s))).Json();
        Assert.Equal(s.Seats["expert01"], room.GetProperty("chairMemberId").GetGuid());

        var items = ScoringScheme.Template(EvaluationMethod.ComprehensiveScoring).ReviewItems;
        object Review(Guid bid, string? ground, string? reason) => new
        {
            bidId = bid,
            items = items.Select(i => new { itemCode = i.Code, passed = i.Code != "qual-licence", ground = i.Code == "qual-licence" ? ground : null, reason = i.Code == "qual-licence" ? reason : null }).ToArray(),
        };
        await (await api["expert02"].PostAsJsonAsync(Room(s, "/review"), Review(s.Bids[2], "QualificationNotMet", "资质等级不满足招标文件要求。")))
            .AssertRefused(HttpStatusCode.UnprocessableEntity, EvaluationRules.NotChair);
        var noRule = await (await api["expert01"].PostAsJsonAsync(Room(s, "/review"), Review(s.Bids[2], null, "资质等级不满足招标文件要求。")))
            .AssertRefused(HttpStatusCode.UnprocessableEntity, EvaluationRules.RejectionRuleMissing);
        Assert.Contains("第五十一条", noRule, StringComparison.Ordinal);
        await (await api["expert01"].PostAsJsonAsync(Room(s, "/review"), Review(s.Bids[2], "QualificationNotMet", " ")))
            .AssertRefused(HttpStatusCode.UnprocessableEntity, EvaluationRules.ReasonLength);
        Assert.Equal(0, App.WithDb(db => db.Set<ReviewDecision>().Count(x => x.SessionId == s.SessionId)));
        Assert.Equal(0, Entries("evaluation.review"));

        Assert.Equal(HttpStatusCode.NoContent, (await api["expert01"].PostAsJsonAsync(Room(s, "/review"), Review(s.Bids[2], "QualificationNotMet", "资质等级不满足招标文件要求。"))).StatusCode);
        await (await api["expert01"].PostAsJsonAsync(Room(s, "/review"), Review(s.Bids[2], "QualificationNotMet", "再次记录同一投标。"))).AssertRefused(HttpStatusCode.UnprocessableEntity, EvaluationRules.ReviewDecided);
        var missing = await (await api["expert01"].PostAsJsonAsync(Room(s, "/sheet"), Sheet(s, "expert01", 20))).AssertRefused(HttpStatusCode.UnprocessableEntity, EvaluationRules.ReviewIncomplete);
        Assert.Contains("8", missing, StringComparison.Ordinal);
        foreach (var b in s.Bids.Take(2))
            Assert.Equal(HttpStatusCode.NoContent, (await api["expert01"].PostAsJsonAsync(Room(s, "/review"), new
            {
                bidId = b, items = items.Select(i => new { itemCode = i.Code, passed = true }).ToArray(),
            })).StatusCode);

        // The rejected bid is out of the scoring: a sheet that scores it is refused, its price no longer sets the price scores.
        await (await api["expert01"].PostAsJsonAsync(Room(s, "/sheet"), Sheet(s, "expert01", 20))).AssertRefused(HttpStatusCode.UnprocessableEntity, EvaluationRules.ScoreUnknownBid);
        room = await (await api["expert01"].GetAsync(Room(s))).Json();
        var bids = room.GetProperty("bids").EnumerateArray().ToList();
        Assert.True(bids.Single(b => b.GetProperty("bidId").GetGuid() == s.Bids[2]).GetProperty("rejected").GetBoolean());
        Assert.Equal(0, room.GetProperty("reviewMissing").GetInt32());
    }

    [Fact]
    public async Task Signing_waits_for_every_reason_a_sheet_altered_after_commitment_is_not_revealed_and_two_last_signatures_make_one_report()
    {
        var s = await ArrangeAsync(Experts);
        var api = await MembersAsync(App);
        await ChairAndReviewAsync(s, api);
        for (var i = 0; i < 5; i++)
            Assert.Equal(HttpStatusCode.Created, (await api[Experts[i]].PostAsJsonAsync(Room(s, "/sheet"), Sheet(s, Experts[i], i == 4 ? 28 : 20))).StatusCode);
        await (await api["expert01"].PostAsJsonAsync(Room(s, "/report/signatures"), await Signature(api["expert01"], s))).AssertRefused(HttpStatusCode.UnprocessableEntity, EvaluationRules.DeviationReasonMissing);
        Assert.Equal(0, App.WithDb(db => db.Set<ReportSignature>().Count(x => x.SessionId == s.SessionId)));

        // Someone with database access changes a committed sheet: the commitment no longer matches and nothing is revealed.
        var original = App.WithDb(db =>
        {
            var row = db.Set<ScoreSheet>().Single(x => x.MemberId == s.Seats["expert02"]);
            var json = row.SheetJson;
            row.SheetJson = json.Replace("\"points\":20", "\"points\":21", StringComparison.Ordinal);
            Assert.NotEqual(json, row.SheetJson);
            db.SaveChanges();
            return json;
        });
        await (await api["expert03"].GetAsync(Room(s, "/sheets"))).AssertRefused(HttpStatusCode.UnprocessableEntity, EvaluationRules.SheetAltered);
        App.WithDb(db => { db.Set<ScoreSheet>().Single(x => x.MemberId == s.Seats["expert02"]).SheetJson = original; return db.SaveChanges(); });

        foreach (var b in s.Bids)
            Assert.Equal(HttpStatusCode.NoContent, (await api["expert05"].PostAsJsonAsync(Room(s, "/deviation-reasons"), new { bidId = b, itemCode = "tech-plan", reason = "方案有专项论证，明显优于其他投标。" })).StatusCode);
        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.Created, (await api[Experts[i]].PostAsJsonAsync(Room(s, "/report/signatures"), await Signature(api[Experts[i]], s))).StatusCode);
        var (fourth, fifth) = (await Signature(api["expert04"], s), await Signature(api["expert05"], s));
        var both = await Task.WhenAll(
            api["expert04"].PostAsJsonAsync(Room(s, "/report/signatures"), fourth),
            api["expert05"].PostAsJsonAsync(Room(s, "/report/signatures"), fifth));
        Assert.All(both, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        var issued = await Task.WhenAll(both.Select(async r => (await r.Json()).GetProperty("reportIssued").GetBoolean()));
        Assert.Contains(true, issued);
        Assert.Equal(1, App.WithDb(db => db.Set<EvaluationReport>().Count(r => r.SessionId == s.SessionId)));
        Assert.Equal(1, Entries("evaluation.report.issued"));
        Assert.Equal(1, App.WithDb(db => db.StepTransitions.Count(t => t.TenderId == s.TenderId && t.To == LifecycleStep.EvaluationReport)));
    }

    [Fact]
    public async Task Members_not_checked_in_outsiders_closed_sessions_bad_marks_and_other_members_sheets_are_refused_and_nothing_is_saved()
    {
        var s = await ArrangeAsync("expert01", "expert02", "expert03", "expert04");
        var e1 = await App.ApiAsync("expert01", culture: "zh-CN");
        var e5 = await App.ApiAsync("expert05");

        var notIn = await (await e5.GetAsync($"/api/evaluation/{s.SessionId}")).AssertRefused(HttpStatusCode.UnprocessableEntity, EvaluationRules.NotCheckedIn);
        Assert.Contains("评标室一", notIn, StringComparison.Ordinal);
        await (await e5.PostAsJsonAsync($"/api/evaluation/{s.SessionId}/sheet", Sheet(s, "expert05", 20))).AssertRefused(HttpStatusCode.UnprocessableEntity, EvaluationRules.NotCheckedIn);

        foreach (var outsider in new[] { "owner1", "bidder01", "centre" })
        {
            var c = await App.ApiAsync(outsider);
            Assert.Equal(HttpStatusCode.Forbidden, (await c.GetAsync($"/api/evaluation/{s.SessionId}")).StatusCode);
        }

        await ChairAndReviewAsync(s, new Dictionary<string, HttpClient> { ["expert01"] = e1, ["expert02"] = await App.ApiAsync("expert02"), ["expert03"] = await App.ApiAsync("expert03") });
        var above = await (await e1.PostAsJsonAsync($"/api/evaluation/{s.SessionId}/sheet", Sheet(s, "expert01", 20, aboveForFirst: 31))).AssertRefused(HttpStatusCode.UnprocessableEntity, EvaluationRules.ScoreAboveMaximum);
        Assert.Contains("最高分", above, StringComparison.Ordinal);
        await (await e1.PostAsJsonAsync($"/api/evaluation/{s.SessionId}/sheet", Sheet(s, "expert02", 20))).AssertRefused(HttpStatusCode.UnprocessableEntity, EvaluationRules.NotYourSheet);
        Assert.Equal(0, App.WithDb(db => db.Set<ScoreSheet>().Count(x => x.SessionId == s.SessionId)));
        Assert.Equal(0, Entries("evaluation.sheet.committed"));

        Assert.Equal(HttpStatusCode.Created, (await e1.PostAsJsonAsync($"/api/evaluation/{s.SessionId}/sheet", Sheet(s, "expert01", 20))).StatusCode);
        var stored = App.WithDb(db => db.Set<ScoreSheet>().Single(x => x.SessionId == s.SessionId).SheetJson);
        await (await e1.PostAsJsonAsync($"/api/evaluation/{s.SessionId}/sheet", Sheet(s, "expert01", 25))).AssertRefused(HttpStatusCode.UnprocessableEntity, EvaluationRules.SheetCommitted);
        Assert.Equal(stored, App.WithDb(db => db.Set<ScoreSheet>().Single(x => x.SessionId == s.SessionId).SheetJson));
        Assert.Equal(1, Entries("evaluation.sheet.committed"));

        App.Clock.Advance(TimeSpan.FromHours(5));
        // New tokens: the old ones may have expired on the test clock.
        await (await (await App.ApiAsync("expert01")).GetAsync($"/api/evaluation/{s.SessionId}")).AssertRefused(HttpStatusCode.UnprocessableEntity, EvaluationRules.SessionClosed);
        await (await (await App.ApiAsync("expert02")).PostAsJsonAsync($"/api/evaluation/{s.SessionId}/sheet", Sheet(s, "expert02", 20)))
            .AssertRefused(HttpStatusCode.UnprocessableEntity, EvaluationRules.SessionClosed);
        Assert.Equal(1, App.WithDb(db => db.Set<ScoreSheet>().Count(x => x.SessionId == s.SessionId)));
    }

    [Fact]
    public async Task Two_sheets_from_one_member_at_once_commit_one()
    {
        var s = await ArrangeAsync(Experts);
        await ChairAndReviewAsync(s, await MembersAsync(App));
        var a = await App.ApiAsync("expert03");
        var b = await App.ApiAsync("expert03");
        var r = await Task.WhenAll(
            a.PostAsJsonAsync($"/api/evaluation/{s.SessionId}/sheet", Sheet(s, "expert03", 20)),
            b.PostAsJsonAsync($"/api/evaluation/{s.SessionId}/sheet", Sheet(s, "expert03", 22)));
        Assert.Single(r, x => x.StatusCode == HttpStatusCode.Created);
        await r.Single(x => x.StatusCode != HttpStatusCode.Created).AssertRefused(HttpStatusCode.UnprocessableEntity, EvaluationRules.SheetCommitted);
        Assert.Equal(1, App.WithDb(db => db.Set<ScoreSheet>().Count(x => x.SessionId == s.SessionId)));
        Assert.Equal(1, Entries("evaluation.sheet.committed"));
    }

    [Fact]
    public async Task The_room_pages_do_the_same_acts_with_forms_and_outsiders_see_nothing()
    {
        var s = await ArrangeAsync(Experts);
        var page = $"/Evaluation/Room/{s.SessionId}";
        var web = new Dictionary<string, HttpClient>();
        foreach (var u in Experts) web[u] = await Browser.SignInAsync(App, u);
        static bool Denied(HttpResponseMessage r) => r.StatusCode == HttpStatusCode.Forbidden
            || (r.StatusCode == HttpStatusCode.Redirect && r.Headers.Location?.OriginalString.Contains("/Account/Denied", StringComparison.Ordinal) == true);
        foreach (var outsider in new[] { "owner1", "bidder01", "expert06" })
            Assert.True(Denied(await (await Browser.SignInAsync(App, outsider)).GetAsync(page)), outsider);
        var html = await web["expert02"].GetStringAsync(page);
        Assert.Contains("data-seat=\"5\"", html, StringComparison.Ordinal);
        Assert.Contains(s.SessionId.ToString(), await web["expert02"].GetStringAsync("/Evaluation"), StringComparison.Ordinal);
        // The others' names are not on the page (the header names only the reader).
        var names = App.WithDb(db => Experts.Where(u => u != "expert02").Select(u => db.Users.Single(x => x.UserName == u).DisplayName).ToList());
        Assert.All(names, n => Assert.DoesNotContain(n, html, StringComparison.Ordinal));

        Task<HttpResponseMessage> Post(string user, string handler, Dictionary<string, string> fields) =>
            Browser.PostFormAsync(web[user], page, $"{page}?handler={handler}", fields);
        foreach (var u in Experts.Take(3))
            Assert.Equal(HttpStatusCode.Redirect, (await Post(u, "Vote", new() { ["candidate"] = s.Seats["expert01"].ToString() })).StatusCode);
        var items = ScoringScheme.Template(EvaluationMethod.ComprehensiveScoring).ReviewItems;
        var failNoRule = items.ToDictionary(i => "pass-" + i.Code, i => i.Code == "qual-licence" ? "fail" : "pass");
        failNoRule["bid"] = s.Bids[0].ToString();
        failNoRule["reason-qual-licence"] = "营业执照已过期。";
        var refused = await Post("expert01", "Review", failNoRule);
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        var refusal = System.Net.WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync());
        Assert.True(refusal.Contains("art. 51", StringComparison.Ordinal) || refusal.Contains("第五十一条", StringComparison.Ordinal), DrawPages.Errors(refusal));
        foreach (var b in s.Bids)
        {
            var pass = items.ToDictionary(i => "pass-" + i.Code, _ => "pass");
            pass["bid"] = b.ToString();
            Assert.Equal(HttpStatusCode.Redirect, (await Post("expert01", "Review", pass)).StatusCode);
        }
        var scheme = ScoringScheme.Template(EvaluationMethod.ComprehensiveScoring);
        foreach (var u in Experts)
        {
            var fields = new Dictionary<string, string>();
            foreach (var b in s.Bids)
                foreach (var i in scheme.ExpertItems)
                    fields[$"s-{b:N}-{i.Code}"] = (i.Code == "tech-plan" ? (u == "expert05" ? 28 : 20) : i.MaxPoints - 2).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var r = await Post(u, "Sheet", fields);
            Assert.True(r.StatusCode == HttpStatusCode.Redirect, DrawPages.Errors(await r.Content.ReadAsStringAsync()));
        }
        html = await web["expert05"].GetStringAsync(page);
        Assert.Contains("explain-form", html, StringComparison.Ordinal);
        Assert.DoesNotContain("sign-form", html, StringComparison.Ordinal);
        foreach (var b in s.Bids)
            Assert.Equal(HttpStatusCode.Redirect, (await Post("expert05", "Explain", new() { ["bid"] = b.ToString(), ["item"] = "tech-plan", ["reason"] = "方案有专项论证，明显优于其他投标。" })).StatusCode);
        // The form as evaluation-sign.mjs completes it: the member's own signature over what the form names (content, session, seat).
        async Task<Dictionary<string, string>> SignFields(string user, string password)
        {
            var form = await web[user].GetStringAsync(page);
            string Data(string name) => System.Net.WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Match(form, $"{name}=\"([^\"]*)\"").Groups[1].Value);
            Assert.Equal(s.SessionId.ToString("D"), Data("data-session"));
            var m = Trading.Web.Demo.DemoMemberSigning.Make(Data("data-content-sha256"), s.SessionId, Data("data-seat-pseudonym"), null);
            return new() { ["password"] = password, ["memberRequest"] = m.RequestPem!, ["memberStatement"] = Convert.ToBase64String(m.Statement!), ["memberSignature"] = Convert.ToBase64String(m.Signature!) };
        }
        var wrong = await Post("expert01", "Sign", await SignFields("expert01", "wrong-password"));
        Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
        Assert.Equal(0, App.WithDb(db => db.Set<ReportSignature>().Count(x => x.SessionId == s.SessionId))); // the page again, and nothing signed
        // Without the member's own signature (no script ran) nothing is signed either, and the page says why.
        var bare = await Post("expert01", "Sign", new() { ["password"] = Trading.Web.Demo.DemoSeeder.Password });
        Assert.Equal(HttpStatusCode.OK, bare.StatusCode);
        Assert.Equal(0, App.WithDb(db => db.Set<ReportSignature>().Count(x => x.SessionId == s.SessionId)));
        foreach (var u in Experts)
            Assert.Equal(HttpStatusCode.Redirect, (await Post(u, "Sign", await SignFields(u, Trading.Web.Demo.DemoSeeder.Password))).StatusCode);
        html = await web["expert03"].GetStringAsync(page);
        Assert.Contains("report-issued", html, StringComparison.Ordinal);
        var owner = await Browser.SignInAsync(App, "owner1");
        var pdf = await owner.GetAsync($"/Evaluation/Report/{s.SessionId}");
        Assert.Equal(HttpStatusCode.OK, pdf.StatusCode);
        Assert.Equal("application/pdf", pdf.Content.Headers.ContentType?.MediaType);
        Assert.True(Denied(await (await Browser.SignInAsync(App, "bidder01")).GetAsync($"/Evaluation/Report/{s.SessionId}")));
    }

    [Fact]
    public async Task A_member_signature_by_another_key_for_another_content_session_or_seat_malformed_or_replayed_is_refused_and_the_report_attaches_one_per_seat()
    {
        var s = await ArrangeAsync(Experts);
        var api = await MembersAsync(App);
        await ChairAndReviewAsync(s, api);
        for (var i = 0; i < 5; i++)
            Assert.Equal(HttpStatusCode.Created, (await api[Experts[i]].PostAsJsonAsync(Room(s, "/sheet"), Sheet(s, Experts[i], 20))).StatusCode);
        var room = await (await api["expert01"].GetAsync(Room(s))).Json();
        var (content, seat) = (room.GetProperty("reportContentSha256").GetString()!, room.GetProperty("seat").GetString()!);
        var otherSeat = (await (await api["expert02"].GetAsync(Room(s))).Json()).GetProperty("seat").GetString()!;
        Task<HttpResponseMessage> Sign(object body, string user = "expert01") => api[user].PostAsJsonAsync(Room(s, "/report/signatures"), body);
        MemberSigning Make(string c, Guid session, string st, string? dissent = null) => Trading.Web.Demo.DemoMemberSigning.Make(c, session, st, dissent);

        // No own signature, a request that is no request, a statement that is not the canonical form.
        await (await Sign(new { password = Trading.Web.Demo.DemoSeeder.Password })).AssertRefused(HttpStatusCode.UnprocessableEntity, EvaluationRules.MemberSignatureMissing);
        var good = Make(content, s.SessionId, seat);
        await (await Sign(SignatureBody(good with { RequestPem = "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----" })))
            .AssertRefused(HttpStatusCode.UnprocessableEntity, EvaluationRules.MemberRequestInvalid);
        var spaced = System.Text.Encoding.UTF8.GetBytes(System.Text.Encoding.UTF8.GetString(good.Statement!).Replace(",", ", ", StringComparison.Ordinal));
        await (await Sign(SignatureBody(good with { Statement = spaced }))).AssertRefused(HttpStatusCode.UnprocessableEntity, EvaluationRules.MemberStatementMalformed);
        // Signed by another key than the one the request certifies.
        var other = Make(content, s.SessionId, seat);
        await (await Sign(SignatureBody(good with { Signature = other.Signature }))).AssertRefused(HttpStatusCode.UnprocessableEntity, EvaluationRules.MemberSignatureInvalid);
        // A statement for another content hash (said in Chinese too), another session, another seat, or without the dissent recorded.
        var refusal = await (await Sign(SignatureBody(Make(new string('a', 64), s.SessionId, seat)))).AssertRefused(HttpStatusCode.UnprocessableEntity, EvaluationRules.MemberStatementContent);
        Assert.Contains(content, refusal, StringComparison.Ordinal);
        var zh = await App.ApiAsync("expert01", culture: "zh-CN");
        var zhRefusal = await (await zh.PostAsJsonAsync(Room(s, "/report/signatures"), SignatureBody(Make(new string('a', 64), s.SessionId, seat)))).AssertRefused(HttpStatusCode.UnprocessableEntity, EvaluationRules.MemberStatementContent);
        Assert.Contains("报告内容", zhRefusal, StringComparison.Ordinal);
        await (await Sign(SignatureBody(Make(content, Guid.NewGuid(), seat)))).AssertRefused(HttpStatusCode.UnprocessableEntity, EvaluationRules.MemberStatementSession);
        await (await Sign(SignatureBody(Make(content, s.SessionId, otherSeat)))).AssertRefused(HttpStatusCode.UnprocessableEntity, EvaluationRules.MemberStatementSeat);
        await (await Sign(SignatureBody(good, dissent: "我认为第一名的施工方案评分偏低，保留意见。"))).AssertRefused(HttpStatusCode.UnprocessableEntity, EvaluationRules.MemberStatementDissent);
        Assert.Equal(0, App.WithDb(db => db.Set<ReportSignature>().Count(x => x.SessionId == s.SessionId)));
        Assert.Equal(0, Entries("evaluation.report.signed"));

        // Accepted once; the same post again is refused, and so is that key signing for another seat (a replay).
        using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var first = SignatureBody(Trading.Web.Demo.DemoMemberSigning.Make(key, content, s.SessionId, seat, null));
        Assert.Equal(HttpStatusCode.Created, (await Sign(first)).StatusCode);
        await (await Sign(first)).AssertRefused(HttpStatusCode.UnprocessableEntity, EvaluationRules.ReportSigned);
        await (await Sign(SignatureBody(Trading.Web.Demo.DemoMemberSigning.Make(key, content, s.SessionId, otherSeat, null)), "expert02"))
            .AssertRefused(HttpStatusCode.UnprocessableEntity, EvaluationRules.MemberKeyReused);
        Assert.Equal(1, App.WithDb(db => db.Set<ReportSignature>().Count(x => x.SessionId == s.SessionId)));

        // The row keeps the statement, the signature and the certificate the centre's CA issued for the seat and session.
        var row = App.WithDb(db => db.Set<ReportSignature>().Single(x => x.SessionId == s.SessionId));
        using (var cert = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(row.MemberCertificate!))
        {
            Assert.Contains("CN=" + seat, cert.Subject, StringComparison.Ordinal);
            Assert.Contains(s.SessionId.ToString("D"), cert.Subject, StringComparison.Ordinal);
            Assert.True(cert.NotAfter - cert.NotBefore <= TimeSpan.FromMinutes(15));
            Assert.Equal(row.MemberKeySha256, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(cert.PublicKey.ExportSubjectPublicKeyInfo())));
        }

        // Seat 3 signs with an SM2 key (suite 2's kind; this centre has an SM2 CA), certified by the SM2 CA.
        var sm2Room = await (await api["expert03"].GetAsync(Room(s))).Json();
        var sm2Seat = sm2Room.GetProperty("seat").GetString()!;
        var sm2Number = sm2Room.GetProperty("seats").EnumerateArray().Single(x => x.GetProperty("memberId").GetGuid() == s.Seats["expert03"]).GetProperty("number").GetInt32();
        var sm2Signed = await Sign(SignatureBody(Sm2Signing(content, s.SessionId, sm2Seat)), "expert03");
        Assert.True(sm2Signed.StatusCode == HttpStatusCode.Created, await sm2Signed.Content.ReadAsStringAsync());
        Assert.True(Trading.PublicLog.Sm2CertificateAuthority.IsSm2Key(App.WithDb(db => db.Set<ReportSignature>().Single(x => x.MemberId == s.Seats["expert03"]))
            .MemberCertificate is { } sm2Cert ? new Org.BouncyCastle.X509.X509CertificateParser().ReadCertificate(sm2Cert).CertificateStructure.SubjectPublicKeyInfo.GetEncoded() : []));
        foreach (var i in new[] { 1, 3, 4 })
            Assert.Equal(HttpStatusCode.Created, (await Sign(await Signature(api[Experts[i]], s, i == 4 ? "我认为第一名的施工方案评分偏低，保留意见。" : null), Experts[i])).StatusCode);
        var pdf = await (await (await App.ApiAsync("owner1")).GetAsync(Room(s, "/report"))).Content.ReadAsByteArrayAsync();
        var attached = Trading.Reports.PdfSignatures.Attachment(pdf, Trading.PublicLog.MemberSignatures.ContentAttachment);
        Assert.Equal(content, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(attached!)));
        var authority = App.Services.GetRequiredService<Trading.Web.Features.Certificates.CertificateAuthority>();
        byte[][] cas = [authority.Ca.Ca.RawData, authority.Sm2!.Ca.GetEncoded()];
        var (valid, failures) = Trading.PublicLog.MemberSignatures.Check(attached, Trading.Reports.PdfSignatures.Attachment(pdf, Trading.PublicLog.MemberSignatures.Attachment), cas);
        Assert.Empty(failures);
        Assert.Equal([1, 2, 3, 4, 5], valid.Select(v => v.Seat).ToArray());

        // `trading verify-pdf` says so; a PDF sealed the same way with one changed byte in seat 2's signature and one in
        // seat 3's statement is refused, naming those two seats and what failed, the other seats still valid.
        var dir = Directory.CreateDirectory(Path.Combine(App.DataDirectory, "member-signatures"));
        var (path, caPath, sm2CaPath) = (Path.Combine(dir.FullName, "report.pdf"), Path.Combine(dir.FullName, "centre-ca.crt"), Path.Combine(dir.FullName, "centre-ca-sm2.crt"));
        await File.WriteAllBytesAsync(path, pdf, TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(caPath, await App.Anonymous().GetStringAsync("/pki/centre-ca.crt"), TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(sm2CaPath, await App.Anonymous().GetStringAsync("/pki/centre-ca-sm2.crt"), TestContext.Current.CancellationToken);
        // Without the SM2 CA the SM2 seat's certificate chains to nothing given, and the tool says which seat.
        var noSm2 = TradingCli.Run("verify-pdf", path, "--root", caPath, "--lang", "en");
        Assert.True(noSm2.Code == 1, noSm2.Out + noSm2.Err);
        Assert.Contains($"seat {sm2Number}: The member's certificate does not chain", noSm2.Out, StringComparison.Ordinal);
        Assert.Equal(4, System.Text.RegularExpressions.Regex.Count(noSm2.Out, "member signature is valid"));
        var check = TradingCli.Run("verify-pdf", path, "--root", caPath, "--member-ca", sm2CaPath, "--lang", "en");
        Assert.True(check.Code == 0, check.Out + check.Err);
        Assert.Equal(5, System.Text.RegularExpressions.Regex.Count(check.Out, "member signature is valid"));

        var rows = App.WithDb(db => db.Set<ReportSignature>().AsNoTracking().Where(x => x.SessionId == s.SessionId).ToList());
        var reportContent = System.Text.Json.JsonSerializer.Deserialize<ReportContent>(attached!, new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
        Assert.Equal(content, reportContent.Sha256());
        var signatures = reportContent.Seats.Select(x => (x.Number, x.Pseudonym, rows.Single(r => App.WithDb(db => db.Set<CommitteeMember>().Single(m => m.Id == r.MemberId).Pseudonym) == x.Pseudonym))).ToList();
        signatures[1].Item3.MemberSignature![10] ^= 0x01;
        var statement = signatures[2].Item3.MemberStatement!;
        var digit = statement.AsSpan().IndexOf("\"content\":\""u8) + "\"content\":\"".Length;
        statement[digit] = (byte)(statement[digit] == (byte)'0' ? '1' : '0');
        var tampered = App.Services.GetRequiredService<EvaluationReportPdf>().Render(reportContent, signatures, App.Clock.GetUtcNow().UtcDateTime);
        await File.WriteAllBytesAsync(path, tampered, TestContext.Current.CancellationToken);
        var changed = TradingCli.Run("verify-pdf", path, "--root", caPath, "--member-ca", sm2CaPath, "--lang", "en");
        Assert.True(changed.Code == 1, changed.Out + changed.Err);
        Assert.Contains("Signature is valid", changed.Out, StringComparison.Ordinal); // the centre's seal over the changed attachment is valid
        Assert.Contains("seat 2: The member's signature does not verify", changed.Out, StringComparison.Ordinal);
        Assert.Contains("seat 3: The member's signature does not verify", changed.Out, StringComparison.Ordinal);
        Assert.Equal(3, System.Text.RegularExpressions.Regex.Count(changed.Out, "member signature is valid"));
        var zhChanged = TradingCli.Run("verify-pdf", path, "--root", caPath, "--member-ca", sm2CaPath, "--lang", "zh-CN");
        Assert.Contains("第 2 席：", zhChanged.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_evaluation_api_is_described_in_the_openapi_document()
    {
        var doc = await App.Anonymous().GetStringAsync("/openapi/v1.json");
        foreach (var path in new[] { "/api/evaluation/{sessionId}", "/api/evaluation/{sessionId}/sheet", "/api/evaluation/{sessionId}/sheets",
                     "/api/evaluation/{sessionId}/deviation-reasons", "/api/evaluation/{sessionId}/results", "/api/evaluation/{sessionId}/chair-votes",
                     "/api/evaluation/{sessionId}/review", "/api/evaluation/{sessionId}/report/signatures", "/api/evaluation/{sessionId}/report" })
            Assert.Contains("\"" + path + "\"", doc, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_chair_asks_a_bidder_to_clarify_the_bidder_answers_once_before_the_deadline_and_nobody_else_can()
    {
        var s = await ArrangeAsync(Experts);
        var api = await MembersAsync(App);
        foreach (var u in Experts.Take(3))
            Assert.Equal(HttpStatusCode.NoContent, (await api[u].PostAsJsonAsync(Room(s, "/chair-votes"), new { candidateMemberId = s.Seats["expert01"] })).StatusCode);
        var asked = Entries("evaluation.clarification.asked");

        // Only the chair asks, about a bid of this session, with some text and a deadline inside the session.
        await (await api["expert02"].PostAsJsonAsync(Room(s, "/clarifications"), new { bidId = s.Bids[1], question = "请说明报价构成。", minutes = 60 })).AssertRefused(HttpStatusCode.UnprocessableEntity, EvaluationRules.NotChair);
        await (await api["expert01"].PostAsJsonAsync(Room(s, "/clarifications"), new { bidId = Guid.NewGuid(), question = "?", minutes = 60 })).AssertRefused(HttpStatusCode.UnprocessableEntity, EvaluationRules.ClarificationUnknownBid);
        await (await api["expert01"].PostAsJsonAsync(Room(s, "/clarifications"), new { bidId = s.Bids[1], question = "  ", minutes = 60 })).AssertRefused(HttpStatusCode.UnprocessableEntity, EvaluationRules.ClarificationText);
        await (await api["expert01"].PostAsJsonAsync(Room(s, "/clarifications"), new { bidId = s.Bids[1], question = "请说明报价构成。", minutes = 5 * 60 })).AssertRefused(HttpStatusCode.UnprocessableEntity, EvaluationRules.ClarificationDeadline);
        Assert.Equal(asked, Entries("evaluation.clarification.asked"));

        var created = await api["expert01"].PostAsJsonAsync(Room(s, "/clarifications"), new { bidId = s.Bids[1], question = "请说明报价明显偏低的原因及成本构成。", minutes = 60 });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        Assert.Equal(asked + 1, Entries("evaluation.clarification.asked"));
        // The public log holds the question's hash, never its text.
        Assert.DoesNotContain(App.WithDb(db => db.LogEntries.Where(e => e.Type == "evaluation.clarification.asked").Select(e => e.Payload).ToList()), p => p.Contains("成本构成", StringComparison.Ordinal));

        // The bidder of that bid is notified and answers on its page; another firm cannot see or answer it.
        var (firm, other) = App.WithDb(db =>
        {
            var bid = db.Set<Bid>().Single(b => b.Id == s.Bids[1]);
            var own = db.Users.First(u => u.OrganisationId == bid.FirmId).UserName!;
            var otherFirm = db.Set<Bid>().Single(b => b.Id == s.Bids[0]).FirmId;
            return (own, db.Users.First(u => u.OrganisationId == otherFirm).UserName!);
        });
        Assert.True(App.WithDb(db => db.Set<Trading.Data.Notifications.Notification>().Any(n => n.Kind == "evaluation.clarification" && db.Users.Any(u => u.Id == n.UserId && u.UserName == firm))));
        var otherApi = await App.ApiAsync(other);
        Assert.DoesNotContain(id.ToString(), await otherApi.GetStringAsync("/api/clarifications/mine"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await otherApi.PostAsJsonAsync($"/api/clarifications/{id}/answer", new { answer = "冒名答复" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await api["expert02"].GetAsync("/api/clarifications/mine")).StatusCode);

        var bidder = await Browser.SignInAsync(App, firm);
        var page = await bidder.GetStringAsync("/Evaluation/Clarifications?culture=en");
        Assert.Contains("请说明报价明显偏低的原因及成本构成。", page, StringComparison.Ordinal);
        Assert.DoesNotContain("expert0", page, StringComparison.Ordinal);
        var answered = await Browser.PostFormAsync(bidder, "/Evaluation/Clarifications", "/Evaluation/Clarifications?handler=Answer&culture=en",
            new Dictionary<string, string> { ["id"] = id.ToString(), ["answer"] = "主要材料为自有库存，详见附表。" });
        Assert.Equal(HttpStatusCode.Redirect, answered.StatusCode);
        Assert.Equal(1, Entries("evaluation.clarification.answered"));

        // Once only: a second answer is refused and the first stands; the room shows it.
        var bidderApi = await App.ApiAsync(firm);
        await (await bidderApi.PostAsJsonAsync($"/api/clarifications/{id}/answer", new { answer = "改口" })).AssertRefused(HttpStatusCode.UnprocessableEntity, EvaluationRules.ClarificationClosed);
        var room = await api["expert03"].GetStringAsync(Room(s, "/clarifications"));
        Assert.Contains("主要材料为自有库存，详见附表。", room, StringComparison.Ordinal);
        Assert.DoesNotContain("改口", room, StringComparison.Ordinal);

        // Past its deadline a question cannot be answered.
        var late = await api["expert01"].PostAsJsonAsync(Room(s, "/clarifications"), new { bidId = s.Bids[2], question = "请补充工期说明。", minutes = 10 });
        var lateId = (await late.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var thirdFirm = App.WithDb(db => { var f = db.Set<Bid>().Single(b => b.Id == s.Bids[2]).FirmId; return db.Users.First(u => u.OrganisationId == f).UserName!; });
        App.Clock.Advance(TimeSpan.FromMinutes(11));
        await (await (await App.ApiAsync(thirdFirm)).PostAsJsonAsync($"/api/clarifications/{lateId}/answer", new { answer = "迟到的答复" })).AssertRefused(HttpStatusCode.UnprocessableEntity, EvaluationRules.ClarificationClosed);
        Assert.Equal(1, Entries("evaluation.clarification.answered"));
    }
}
