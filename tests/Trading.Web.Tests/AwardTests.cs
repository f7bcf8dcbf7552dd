using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Trading.Domain;
using Trading.Domain.Award;
using Trading.Domain.Bidding;
using Trading.Domain.Evaluation;
using Trading.Domain.Experts;
using Trading.Domain.Supervision;
using Trading.Web.Features.Supervision;
using Trading.Web.Infrastructure;
using Trading.Web.Tests.Infrastructure;

namespace Trading.Web.Tests;

/// <summary>
/// Steps 13-18 through the JSON API on PostgreSQL: the tender stands at its signed evaluation report (the report's
/// row and its real log entry written here; the evaluation's own tests show how they come about), then every act goes
/// through the API as the role that does it, and every refusal is checked to have left nothing behind.
/// </summary>
public class AwardTests(PostgresServer pg) : WebTest(pg)
{
    private DateTime Now => App.Clock.GetUtcNow().UtcDateTime;
    private static readonly string[] Experts = ["expert01", "expert02", "expert03", "expert04", "expert05"];

    internal sealed record Setup(Guid TenderId, Guid LotId, Guid[] Bids, string[] Bidders);

    /// <summary>
    /// A published tender of owner1 at step 13: opened bids of <paramref name="bidders"/> (bidder01-03 unless given) at
    /// <paramref name="pricesFen"/>, a drawn committee, an issued report ranking them in the order given.
    /// </summary>
    internal static async Task<Setup> ArrangeAtReportAsync(TradingFactory app, string[]? bidders = null, long[]? pricesFen = null)
    {
        var owner = await app.ApiAsync("owner1");
        var deadline = app.Clock.GetUtcNow().UtcDateTime.AddDays(25);
        var tenderId = await TestApi.PublishedTenderAsync(owner, deadline);
        // A report comes after the deadline, the opening and the evaluation: the clock goes there (the public results
        // show a tender only once its deadline has passed).
        var now = deadline.AddHours(6);
        app.Clock.Set(new DateTimeOffset(now, TimeSpan.Zero));
        bidders ??= ["bidder01", "bidder02", "bidder03"];
        long[] prices = pricesFen ?? [900_000_00, 950_000_00, 980_000_00];
        // Each bid's envelope as stored (random bytes standing in for the ciphertext), so the archive has one per bid.
        var envelopes = new List<StoredFile>();
        using (var scope = app.Services.CreateScope())
        {
            var files = scope.ServiceProvider.GetRequiredService<IFileStore>();
            foreach (var _ in bidders)
                envelopes.Add(await files.SaveAsync(new MemoryStream(System.Security.Cryptography.RandomNumberGenerator.GetBytes(2048)), 4096, CancellationToken.None));
        }
        var (lotId, bids, sessionId) = app.WithDb(db =>
        {
            var tender = db.Tenders.Include(t => t.Lots).First(t => t.Id == tenderId);
            var lot = tender.Lots[0];
            var firms = bidders.Select(u => db.Users.First(x => x.UserName == u).OrganisationId).ToList();
            var rows = firms.Select((f, i) => new Bid
            {
                TenderId = tenderId, LotId = lot.Id, FirmId = f, SubmittedByUserId = Guid.NewGuid(), SubmittedAt = deadline.AddDays(-1),
                StorageKey = envelopes[i].Key, EnvelopeSha256 = envelopes[i].Sha256, Length = envelopes[i].Length,
                OpeningStatus = BidOpeningStatus.Opened, PriceFen = prices[i], DurationDays = 180, ConfirmedAt = deadline.AddMinutes(30),
            }).ToList();
            db.AddRange(rows);
            var experts = Experts.Select(u => (from e in db.Set<PoolExpert>() join x in db.Users on e.UserId equals x.Id where x.UserName == u select e).Single()).ToList();
            var session = new EvaluationSession
            {
                DrawId = "EVAL-" + Guid.NewGuid().ToString("N")[..10], TenderId = tenderId, LotId = lot.Id, EvaluationRoom = "评标室一",
                StartsAt = now.AddHours(-5), EndsAt = now.AddHours(-1), CommitteeSize = 5, RequestedAt = now.AddDays(-3), RequestedByUserId = experts[0].UserId,
                RecordJson = "{}", ScreeningJson = "{}", PseudonymMapJson = "{}", Phase = Trading.ExpertPool.DrawPhase.Drawn,
                Members = experts.Select((x, i) => new CommitteeMember
                {
                    ExpertId = x.Id, Pseudonym = new string((char)('a' + i), 64), Stratum = "1-tech", Status = CommitteeMemberStatus.Accepted,
                    InvitedAt = now.AddDays(-3), RespondBy = now.AddDays(-2),
                }).ToList(),
            };
            db.Add(session);
            db.SaveChanges();
            return (lot.Id, rows.Select(b => b.Id).ToArray(), session.Id);
        });
        await IssueReportAsync(app, tenderId, sessionId, bids);
        return new Setup(tenderId, lotId, bids, bidders);
    }

    /// <summary>
    /// The committee's report of the session, ranking <paramref name="rankedBids"/>, as the evaluation leaves it: the
    /// tender at step 13, the report PDF sealed by the centre and stored, its row and its real log entry.
    /// </summary>
    internal static async Task IssueReportAsync(TradingFactory app, Guid tenderId, Guid sessionId, Guid[] rankedBids)
    {
        var now = app.Clock.GetUtcNow().UtcDateTime;
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<Trading.Data.TradingDbContext>();
        var log = scope.ServiceProvider.GetRequiredService<PublicLogWriter>();
        var pdf = new Trading.Reports.Report(new Trading.Reports.ReportOptions
        {
            Title = "评标报告", Seal = scope.ServiceProvider.GetRequiredService<Trading.Web.Features.Certificates.DocumentSeal>().For("评标报告"),
        }).Paragraph("评标委员会推荐的中标候选人见附表。").Render();
        var stored = await scope.ServiceProvider.GetRequiredService<IFileStore>().SaveAsync(new MemoryStream(pdf), pdf.Length + 1, CancellationToken.None);
        await log.ActAsync(async () =>
        {
            var tender = await db.Tenders.FirstAsync(t => t.Id == tenderId);
            db.StepTransitions.Add(new StepTransition { TenderId = tenderId, From = tender.Step, To = LifecycleStep.EvaluationReport, At = now, ActorName = "system" });
            tender.Step = LifecycleStep.EvaluationReport;
            var report = new EvaluationReport { SessionId = sessionId, TenderId = tenderId, ContentSha256 = new string('c', 64), PdfSha256 = stored.Sha256, StorageKey = stored.Key, IssuedAt = now };
            var entry = await log.AppendAsync("evaluation.report.issued", tenderId, new { content = report.ContentSha256, pdf = report.PdfSha256, dissents = 0, candidates = rankedBids });
            report.LogIndex = entry.Index;
            db.Add(report);
        });
    }

    private LifecycleStep Step(Guid id) => App.WithDb(db => db.Tenders.AsNoTracking().First(t => t.Id == id).Step);
    private int Count<T>(Guid tenderId) where T : class => App.WithDb(db => db.Set<T>().AsNoTracking().Count(x => EF.Property<Guid>(x, "TenderId") == tenderId));
    private int Entries(Guid tenderId, string type) => App.WithDb(db => db.LogEntries.Count(e => e.TenderId == tenderId && e.Type == type));
    private static string Url(Setup s, string tail = "") => $"/api/award/{s.TenderId}{tail}";

    private MultipartFormDataContent ContractForm(Setup s, decimal price, int days = 180) => ContractForm(s.LotId, price, Now, days);

    /// <summary>The contract upload of one lot, signed on the centre's date of <paramref name="now"/>.</summary>
    internal static MultipartFormDataContent ContractForm(Guid lotId, decimal price, DateTime now, int days = 180)
    {
        var form = TestApi.File("file", "contract.pdf", TestApi.Pdf("合同"));
        form.Add(new StringContent(lotId.ToString()), "LotId");
        form.Add(new StringContent(price.ToString(System.Globalization.CultureInfo.InvariantCulture)), "PriceYuan");
        form.Add(new StringContent(days.ToString(System.Globalization.CultureInfo.InvariantCulture)), "DurationDays");
        form.Add(new StringContent(DateOnly.FromDateTime(now.AddHours(8)).ToString("yyyy-MM-dd")), "SignedOn");
        return form;
    }

    [Fact]
    public async Task From_the_report_to_the_refunds_every_wrong_act_is_refused_with_its_rule_and_leaves_nothing()
    {
        var s = await ArrangeAtReportAsync(App);
        var owner = await App.ApiAsync("owner1");
        var stranger = await App.ApiAsync("owner2");
        var supervisor = await App.ApiAsync("supervisor");
        var bidder = new Dictionary<string, HttpClient>();
        foreach (var u in s.Bidders.Append("bidder04")) bidder[u] = await App.ApiAsync(u);

        // Publicity: only the owner side, for at least 3 days.
        await (await stranger.PostAsJsonAsync(Url(s, "/publicity"), new { days = 3 })).AssertRefused(HttpStatusCode.Forbidden, "Rule.Auth.NotOwnerSide");
        await (await owner.PostAsJsonAsync(Url(s, "/publicity"), new { days = 2 })).AssertRefused(HttpStatusCode.UnprocessableEntity, AwardRules.PublicityDays);
        Assert.Equal(0, Count<CandidatePublicity>(s.TenderId));
        Assert.Equal(HttpStatusCode.Created, (await owner.PostAsJsonAsync(Url(s, "/publicity"), new { days = 3 })).StatusCode);
        Assert.Equal(LifecycleStep.CandidatePublicity, Step(s.TenderId));
        await (await owner.PostAsJsonAsync(Url(s, "/publicity"), new { days = 3 })).AssertRefused(HttpStatusCode.UnprocessableEntity, AwardRules.PublicityExists);
        var pub = await (await App.Anonymous().GetAsync($"/api/award/public/{s.TenderId}")).Json();
        Assert.Equal(3, pub.GetProperty("candidates").GetArrayLength());
        Assert.Equal(s.Bids[0], pub.GetProperty("candidates")[0].GetProperty("bidId").GetGuid());
        Assert.Equal(JsonValueKind.Null, pub.GetProperty("committee").ValueKind); // no expert's name before the award

        // Objections: a non-bidder is refused; a bidder's is taken; after the publicity none is.
        // In the user's language: a Chinese reader gets the rule's Chinese words.
        var notBidder = await (await (await App.ApiAsync("bidder04", culture: "zh-CN")).PostAsJsonAsync(Url(s, "/objections"), new { text = "第一名业绩不真实，请复核。" }))
            .AssertRefused(HttpStatusCode.UnprocessableEntity, AwardRules.NotBidder);
        Assert.Contains("只有本项目的投标人", notBidder, StringComparison.Ordinal);
        Assert.Equal(0, Count<Objection>(s.TenderId));
        var raised = await bidder["bidder02"].PostAsJsonAsync(Url(s, "/objections"), new { text = "第一名业绩不真实，请复核。" });
        Assert.Equal(HttpStatusCode.Created, raised.StatusCode);
        var objectionId = (await raised.Json()).GetProperty("id").GetGuid();
        App.Clock.Advance(TimeSpan.FromDays(3));
        await (await bidder["bidder03"].PostAsJsonAsync(Url(s, "/objections"), new { text = "评分有误，请复核。" })).AssertRefused(HttpStatusCode.UnprocessableEntity, AwardRules.OutsidePublicity);
        Assert.Equal(1, Count<Objection>(s.TenderId));

        // No award while the objection is unanswered; nothing of the award is written.
        var award = new { lotId = s.LotId, bidId = s.Bids[0] };
        Assert.Contains("未答复", await (await (await App.ApiAsync("owner1", culture: "zh-CN")).PostAsJsonAsync(Url(s, "/awards"), award))
            .AssertRefused(HttpStatusCode.UnprocessableEntity, AwardRules.ObjectionOpen), StringComparison.Ordinal);
        Assert.Equal(0, Count<LotAward>(s.TenderId));
        Assert.Equal(0, Count<AwardNotice>(s.TenderId));
        await (await stranger.PostAsJsonAsync(Url(s, $"/objections/{objectionId}/answer"), new { text = "经复核，业绩真实有效。" })).AssertRefused(HttpStatusCode.Forbidden, "Rule.Auth.NotOwnerSide");
        Assert.Equal(HttpStatusCode.NoContent, (await owner.PostAsJsonAsync(Url(s, $"/objections/{objectionId}/answer"), new { text = "经复核，业绩真实有效。" })).StatusCode);
        Assert.Equal(LifecycleStep.Objections, Step(s.TenderId));

        // A complaint suspends the tender: no award while suspended; the decision lifts it.
        var today = DateOnly.FromDateTime(Now.AddHours(8)).ToString("yyyy-MM-dd");
        await (await bidder["bidder02"].PostAsJsonAsync(Url(s, "/complaints"), new { knewOn = DateOnly.FromDateTime(Now.AddDays(-20)).ToString("yyyy-MM-dd"), text = "异议答复未附证据。" }))
            .AssertRefused(HttpStatusCode.UnprocessableEntity, AwardRules.ComplaintLate);
        var lodged = await bidder["bidder02"].PostAsJsonAsync(Url(s, "/complaints"), new { knewOn = today, text = "异议答复未附证据。" });
        Assert.Equal(HttpStatusCode.Created, lodged.StatusCode);
        var complaintId = (await lodged.Json()).GetProperty("id").GetGuid();
        await (await owner.PostAsync(Url(s, $"/complaints/{complaintId}/suspend"), null)).AssertRefused(HttpStatusCode.Forbidden, "Rule.Auth.SupervisorOnly");
        Assert.Equal(HttpStatusCode.NoContent, (await supervisor.PostAsync(Url(s, $"/complaints/{complaintId}/suspend"), null)).StatusCode);
        await (await owner.PostAsJsonAsync(Url(s, "/awards"), award)).AssertRefused(HttpStatusCode.UnprocessableEntity, AwardRules.Suspended);
        Assert.Equal(0, Count<LotAward>(s.TenderId));
        await (await supervisor.PostAsJsonAsync(Url(s, $"/complaints/{complaintId}/decision"), new { decision = "投诉缺乏事实根据，予以驳回。" }))
            .AssertRefused(HttpStatusCode.UnprocessableEntity, AwardRules.OutcomeMissing);
        Assert.Equal(HttpStatusCode.NoContent, (await supervisor.PostAsJsonAsync(Url(s, $"/complaints/{complaintId}/decision"), new { outcome = "Dismissed", decision = "投诉缺乏事实根据，予以驳回。" })).StatusCode);

        // The award: the second candidate needs a reason; the first wins; notices to all three.
        await (await owner.PostAsJsonAsync(Url(s, "/awards"), new { lotId = s.LotId, bidId = s.Bids[1] })).AssertRefused(HttpStatusCode.UnprocessableEntity, AwardRules.ReasonRequired);
        await Created(await owner.PostAsJsonAsync(Url(s, "/awards"), award));
        Assert.Equal(LifecycleStep.AwardNotice, Step(s.TenderId));
        Assert.Equal(3, Count<AwardNotice>(s.TenderId));
        await (await owner.PostAsJsonAsync(Url(s, "/awards"), award)).AssertRefused(HttpStatusCode.UnprocessableEntity, AwardRules.AlreadyAwarded);
        // The award feeds the history the rotation and cover screens (H1, H2, H4) read: the lot now has its winner.
        using (var scope = App.Services.CreateScope())
        {
            var history = await scope.ServiceProvider.GetRequiredService<Trading.Web.Features.Integrity.IntegrityInputs>().HistoryAsync(Guid.Empty, CancellationToken.None);
            var firm = App.WithDb(db => db.Users.First(u => u.UserName == "bidder01").OrganisationId);
            Assert.Equal(firm.ToString(), history.Lots.Single(l => l.LotId == s.LotId.ToString()).WinnerFirmId);
        }
        var winnerView = await (await bidder["bidder01"].GetAsync(Url(s))).Json();
        var notice = winnerView.GetProperty("notices")[0];
        Assert.Equal("Award", notice.GetProperty("kind").GetString());
        Assert.StartsWith(Trading.Web.Infrastructure.LogSigningKey.DefaultOrigin, notice.GetProperty("signature").GetString());
        var pdf = await bidder["bidder01"].GetAsync(notice.GetProperty("pdf").GetString());
        Assert.Equal("application/pdf", pdf.Content.Headers.ContentType?.MediaType);
        var text = EvaluationRoomTests.PdfText(await pdf.Content.ReadAsByteArrayAsync());
        Assert.Contains("中标通知书", text);
        Assert.Contains("玖拾万元整", text);
        Assert.Equal(HttpStatusCode.Forbidden, (await bidder["bidder02"].GetAsync(notice.GetProperty("pdf").GetString())).StatusCode);
        var loserView = await (await bidder["bidder02"].GetAsync(Url(s))).Json();
        Assert.Equal("Result", Assert.Single(loserView.GetProperty("notices").EnumerateArray()).GetProperty("kind").GetString());

        // The contract: not by another owner (nothing stored), then by the owner with a different price: a warning.
        await (await stranger.PostAsync(Url(s, "/contracts"), ContractForm(s, 900_000m))).AssertRefused(HttpStatusCode.Forbidden, "Rule.Auth.NotOwnerSide");
        Assert.Equal(0, Count<LotContract>(s.TenderId));
        var refundBody = new { bidId = s.Bids[1], amountYuan = 20_000m, interestYuan = 12.5m, refundedOn = today };
        await (await owner.PostAsJsonAsync(Url(s, "/refunds"), refundBody)).AssertRefused(HttpStatusCode.UnprocessableEntity, AwardRules.NoContract);
        var signed = await owner.PostAsync(Url(s, "/contracts"), ContractForm(s, 880_000m));
        Assert.Equal(HttpStatusCode.Created, signed.StatusCode);
        Assert.True((await signed.Json()).GetProperty("differsFromAward").GetBoolean());
        Assert.Equal(1, Entries(s.TenderId, "award.contract.differs"));
        Assert.True(App.WithDb(db => db.Set<Trading.Data.Notifications.Notification>().Any(n => n.Kind == "award.contract.differs" && n.TenderId == s.TenderId)));
        Assert.Equal(LifecycleStep.Contract, Step(s.TenderId));

        // Refunds: once per bid; the last one moves the tender to step 18.
        await (await owner.PostAsJsonAsync(Url(s, "/refunds"), refundBody with { amountYuan = 10_000m })).AssertRefused(HttpStatusCode.UnprocessableEntity, AwardRules.RefundAmount);
        await Created(await owner.PostAsJsonAsync(Url(s, "/refunds"), refundBody));
        await (await owner.PostAsJsonAsync(Url(s, "/refunds"), refundBody)).AssertRefused(HttpStatusCode.UnprocessableEntity, AwardRules.RefundTwice);
        Assert.Equal(1, Count<BondRefund>(s.TenderId));
        Assert.Equal(LifecycleStep.Contract, Step(s.TenderId));
        List<string> ToldToArchive() => App.WithDb(db => (from n in db.Set<Trading.Data.Notifications.Notification>() join u in db.Users on n.UserId equals u.Id
                                                          where n.TenderId == s.TenderId && n.Kind == "archive.due" select u.UserName!).ToList()).Order(StringComparer.Ordinal).ToList();
        foreach (var b in new[] { s.Bids[0], s.Bids[2] })
        {
            Assert.Empty(ToldToArchive());
            Assert.Equal(HttpStatusCode.Created, (await owner.PostAsJsonAsync(Url(s, "/refunds"), refundBody with { bidId = b, interestYuan = 0m })).StatusCode);
        }
        Assert.Equal(LifecycleStep.BondRefundAndArchive, Step(s.TenderId));
        // The last refund: whoever may archive (the owner side and the centre) is told, once.
        Assert.Equal(["centre", "owner1"], ToldToArchive());

        // The public result: the winner, the contract's key terms, the decided complaint and now the committee's names.
        pub = await (await App.Anonymous().GetAsync($"/api/award/public/{s.TenderId}")).Json();
        Assert.Equal(s.Bids[0], pub.GetProperty("awards")[0].GetProperty("bidId").GetGuid());
        Assert.Equal(880_000m, pub.GetProperty("contracts")[0].GetProperty("priceYuan").GetDecimal());
        Assert.Equal("Dismissed", pub.GetProperty("complaints")[0].GetProperty("outcome").GetString());
        Assert.Equal(5, pub.GetProperty("committee").GetArrayLength());
        Assert.Equal(0, pub.GetProperty("objections").GetArrayLength());
        foreach (var type in new[] { "award.publicity.published", "award.objection.raised", "award.objection.answered", "award.complaint.lodged", "award.tender.suspended",
                     "award.complaint.decided", "award.issued", "award.notices.issued", "award.contract.signed" })
            Assert.Equal(1, Entries(s.TenderId, type));
        Assert.Equal(3, Entries(s.TenderId, "award.bond.refunded"));
        var html = await (await App.Anonymous().GetAsync($"/Award/Public/{s.TenderId}")).Content.ReadAsStringAsync();
        Assert.Contains("Result notice", html);
    }

    [Fact]
    public async Task The_lights_follow_the_acts_and_a_late_contract_turns_yellow_then_red()
    {
        var s = await ArrangeAtReportAsync(App);
        var owner = await App.ApiAsync("owner1");
        var bidder = await App.ApiAsync("bidder02");
        Assert.Equal(HttpStatusCode.Created, (await owner.PostAsJsonAsync(Url(s, "/publicity"), new { days = 3 })).StatusCode);
        var objection = (await (await bidder.PostAsJsonAsync(Url(s, "/objections"), new { text = "请复核第一名的资格。" })).Json()).GetProperty("id").GetGuid();
        Assert.Equal(LimitColour.Green, (await RowAsync("objection-answer", objection)).Status.Colour);
        App.Clock.Advance(TimeSpan.FromDays(3));
        Assert.Equal(HttpStatusCode.NoContent, (await owner.PostAsJsonAsync(Url(s, $"/objections/{objection}/answer"), new { text = "经复核，资格符合要求。" })).StatusCode);
        var answered = await RowAsync("objection-answer", objection);
        Assert.True(answered.Status.Completed);
        Assert.True((await RowAsync("publicity-start", s.TenderId)).Status.Completed);
        // A complaint starts the office's 30 working days; its decision stops them.
        var today = DateOnly.FromDateTime(Now.AddHours(8)).ToString("yyyy-MM-dd");
        var complaint = (await (await bidder.PostAsJsonAsync(Url(s, "/complaints"), new { knewOn = today, text = "异议答复未附证据。" })).Json()).GetProperty("id").GetGuid();
        var pending = await RowAsync("complaint-decision", complaint);
        Assert.Equal(LimitColour.Green, pending.Status.Colour);
        Assert.False(pending.Status.Completed);
        var supervisor = await App.ApiAsync("supervisor");
        Assert.Equal(HttpStatusCode.NoContent, (await supervisor.PostAsJsonAsync(Url(s, $"/complaints/{complaint}/decision"), new { outcome = "Dismissed", decision = "投诉缺乏事实根据，予以驳回。" })).StatusCode);
        Assert.True((await RowAsync("complaint-decision", complaint)).Status.Completed);
        Assert.Equal(HttpStatusCode.Created, (await owner.PostAsJsonAsync(Url(s, "/awards"), new { lotId = s.LotId, bidId = s.Bids[0] })).StatusCode);

        var contract = await RowAsync("contract", s.TenderId);
        Assert.Equal(LimitColour.Green, contract.Status.Colour);
        Assert.False(contract.Status.Completed);
        App.Clock.Set(contract.Status.Schedule.YellowAtUtc!.Value.AddMinutes(1));
        Assert.Equal(LimitColour.Yellow, (await RowAsync("contract", s.TenderId)).Status.Colour);
        App.Clock.Set(contract.Status.Schedule.DueUtc.AddMinutes(1));
        Assert.Equal(LimitColour.Red, (await RowAsync("contract", s.TenderId)).Status.Colour);
        // The contract, late, stops the clock at red and starts the refund's.
        var signed = await owner.PostAsync(Url(s, "/contracts"), ContractForm(s, 900_000m));
        Assert.Equal(HttpStatusCode.Created, signed.StatusCode);
        var stopped = await RowAsync("contract", s.TenderId);
        Assert.True(stopped.Status.Completed);
        Assert.Equal(LimitColour.Red, stopped.Status.Colour);
        Assert.False((await RowAsync("bond-refund", s.TenderId)).Status.Completed);
        // Every bond refunded in time stops the refund's light green, and the tender is at step 18.
        today = DateOnly.FromDateTime(Now.AddHours(8)).ToString("yyyy-MM-dd");
        foreach (var b in s.Bids)
            Assert.Equal(HttpStatusCode.Created, (await owner.PostAsJsonAsync(Url(s, "/refunds"), new { bidId = b, amountYuan = 20_000m, interestYuan = 0m, refundedOn = today })).StatusCode);
        var refunded = await RowAsync("bond-refund", s.TenderId);
        Assert.True(refunded.Status.Completed);
        Assert.Equal(LimitColour.Green, refunded.Status.Colour);
        Assert.Equal(LifecycleStep.BondRefundAndArchive, Step(s.TenderId));
    }

    private static async Task<JsonElement> Created(HttpResponseMessage r)
    {
        Assert.True(r.StatusCode == HttpStatusCode.Created, $"{r.StatusCode}: {await r.Content.ReadAsStringAsync()}");
        return await r.Json();
    }

    private async Task<LimitRow> RowAsync(string code, Guid subject)
    {
        using var scope = App.Services.CreateScope();
        var rows = await scope.ServiceProvider.GetRequiredService<LimitMonitor>().EvaluateAsync(Now, CancellationToken.None);
        return rows.Single(r => r.Limit.Code == code && r.SubjectId == subject);
    }
}
