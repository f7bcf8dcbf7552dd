using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
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
    private static readonly string[] Experts = ["expert01", "expert02", "expert03", "expert04", "expert05"];
    private DateTime Now => App.Clock.GetUtcNow().UtcDateTime;

    private sealed record Setup(Guid TenderId, Guid SessionId, Guid[] Bids, Dictionary<string, Guid> Seats);

    private async Task<Setup> ArrangeAsync(params string[] checkedIn)
    {
        var owner = await App.ApiAsync("owner1");
        var tenderId = await TestApi.PublishedTenderAsync(owner, Now.AddDays(25));
        return App.WithDb(db =>
        {
            var tender = db.Tenders.Include(t => t.Lots).First(t => t.Id == tenderId);
            var lot = tender.Lots[0];
            var firms = db.Organisations.Where(o => o.Kind == OrganisationKind.BidderFirm).OrderBy(o => o.Name).Take(3).ToList();
            var prices = new long[] { 950_000_00, 900_000_00, 980_000_00 };
            var bids = firms.Select((f, i) => new Bid
            {
                TenderId = tenderId, LotId = lot.Id, FirmId = f.Id, SubmittedByUserId = Guid.NewGuid(), SubmittedAt = Now,
                OpeningStatus = BidOpeningStatus.Opened, PriceFen = prices[i], ConfirmedAt = Now,
            }).ToList();
            db.AddRange(bids);
            var experts = Experts.Select(u => (from e in db.Set<PoolExpert>() join x in db.Users on e.UserId equals x.Id where x.UserName == u select e).Single()).ToList();
            var session = new EvaluationSession
            {
                DrawId = "EVAL-" + Guid.NewGuid().ToString("N")[..10], TenderId = tenderId, LotId = lot.Id, EvaluationRoom = "评标室一",
                StartsAt = Now.AddMinutes(-10), EndsAt = Now.AddHours(4), CommitteeSize = 5, RequestedAt = Now, RequestedByUserId = experts[0].UserId,
                RecordJson = "{}", ScreeningJson = "{}", PseudonymMapJson = "{}", Phase = Trading.ExpertPool.DrawPhase.Drawn,
                Members = experts.Select((x, i) => new CommitteeMember
                {
                    ExpertId = x.Id, Pseudonym = new string((char)('a' + i), 64), Stratum = "1-tech", Status = CommitteeMemberStatus.Accepted,
                    InvitedAt = Now.AddDays(-2), RespondBy = Now.AddDays(-1),
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

    private static object Sheet(Setup s, string user, decimal plan, decimal? aboveForFirst = null) => new
    {
        memberId = s.Seats[user],
        scores = s.Bids.SelectMany((b, i) => ScoringScheme.Template(EvaluationMethod.ComprehensiveScoring).ExpertItems.Select(item => new
        {
            bidId = b, itemCode = item.Code,
            points = item.Code == "tech-plan" ? (i == 0 && aboveForFirst is { } a ? a : plan) : item.MaxPoints - 2,
        })).ToArray(),
    };

    private int Entries(string type) => App.WithDb(db => db.LogEntries.Count(e => e.Type == type));

    [Fact]
    public async Task Sheets_are_committed_revealed_when_all_have_committed_and_the_ranking_waits_for_every_deviation_reason()
    {
        var s = await ArrangeAsync(Experts);
        var api = new Dictionary<string, HttpClient>();
        foreach (var u in Experts) api[u] = await App.ApiAsync(u);

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

        var above = await (await e1.PostAsJsonAsync($"/api/evaluation/{s.SessionId}/sheet", Sheet(s, "expert01", 20, aboveForFirst: 31))).AssertRefused(HttpStatusCode.UnprocessableEntity, EvaluationRules.ScoreAboveMaximum);
        Assert.Contains("最高分", above, StringComparison.Ordinal);
        await (await e1.PostAsJsonAsync($"/api/evaluation/{s.SessionId}/sheet", Sheet(s, "expert02", 20))).AssertRefused(HttpStatusCode.UnprocessableEntity, EvaluationRules.NotYourSheet);
        Assert.Equal(0, App.WithDb(db => db.Set<ScoreSheet>().Count()));
        Assert.Equal(0, Entries("evaluation.sheet.committed"));

        Assert.Equal(HttpStatusCode.Created, (await e1.PostAsJsonAsync($"/api/evaluation/{s.SessionId}/sheet", Sheet(s, "expert01", 20))).StatusCode);
        var stored = App.WithDb(db => db.Set<ScoreSheet>().Single().SheetJson);
        await (await e1.PostAsJsonAsync($"/api/evaluation/{s.SessionId}/sheet", Sheet(s, "expert01", 25))).AssertRefused(HttpStatusCode.UnprocessableEntity, EvaluationRules.SheetCommitted);
        Assert.Equal(stored, App.WithDb(db => db.Set<ScoreSheet>().Single().SheetJson));
        Assert.Equal(1, Entries("evaluation.sheet.committed"));

        App.Clock.Advance(TimeSpan.FromHours(5));
        // New tokens: the old ones may have expired on the test clock.
        await (await (await App.ApiAsync("expert01")).GetAsync($"/api/evaluation/{s.SessionId}")).AssertRefused(HttpStatusCode.UnprocessableEntity, EvaluationRules.SessionClosed);
        await (await (await App.ApiAsync("expert02")).PostAsJsonAsync($"/api/evaluation/{s.SessionId}/sheet", Sheet(s, "expert02", 20)))
            .AssertRefused(HttpStatusCode.UnprocessableEntity, EvaluationRules.SessionClosed);
        Assert.Equal(1, App.WithDb(db => db.Set<ScoreSheet>().Count()));
    }

    [Fact]
    public async Task Two_sheets_from_one_member_at_once_commit_one()
    {
        var s = await ArrangeAsync(Experts);
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
    public async Task The_evaluation_api_is_described_in_the_openapi_document()
    {
        var doc = await App.Anonymous().GetStringAsync("/openapi/v1.json");
        foreach (var path in new[] { "/api/evaluation/{sessionId}", "/api/evaluation/{sessionId}/sheet", "/api/evaluation/{sessionId}/sheets",
                     "/api/evaluation/{sessionId}/deviation-reasons", "/api/evaluation/{sessionId}/results" })
            Assert.Contains("\"" + path + "\"", doc, StringComparison.Ordinal);
    }
}
