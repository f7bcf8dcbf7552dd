using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Trading.Domain;
using Trading.Domain.Award;
using Trading.Domain.Bidding;
using Trading.Domain.Evaluation;
using Trading.Domain.Integrity;
using Trading.Web.Tests.Infrastructure;

namespace Trading.Web.Tests;

/// <summary>
/// The demo's finished tenders are made by the real moves in the past (Demo/DemoHistory): every step they show was
/// reached by its act, in time order, and the log's times never go back.
/// </summary>
public class DemoHistoryTests(PostgresServer pg) : WebTest(pg)
{
    private Tender Tender(string title) => App.WithDb(db => db.Tenders.AsNoTracking().Include(t => t.Lots).Single(t => t.Title.StartsWith(title)));

    [Fact]
    public void The_demos_later_steps_are_reached_by_their_acts_in_time_order()
    {
        var now = App.Clock.GetUtcNow().UtcDateTime;
        var library = Tender("示范市图书馆智能化改造项目");
        var greenway = Tender("示范市滨江绿道景观提升工程");
        var sewage = Tender("示范市城东污水处理厂提标改造工程");
        Assert.Equal(LifecycleStep.AwardNotice, library.Step);
        Assert.Equal(LifecycleStep.EvaluationReport, greenway.Step);
        Assert.Equal(LifecycleStep.Evaluation, sewage.Step);

        foreach (var t in new[] { library, greenway, sewage })
        {
            // Every step from registration, each once, in order and in the past; a bidding period of at least 20 days.
            var moves = App.WithDb(db => db.StepTransitions.AsNoTracking().Where(s => s.TenderId == t.Id).OrderBy(s => s.At).ThenBy(s => s.To).ToList());
            Assert.Equal(LifecycleStep.DocumentsFiled, moves[0].To);
            Assert.Equal(t.Step, moves[^1].To);
            Assert.All(moves.Zip(moves.Skip(1)), p => Assert.True(p.First.To < p.Second.To && p.First.At <= p.Second.At, $"{t.Title}: {p.First.To} then {p.Second.To}"));
            Assert.All(moves, m => Assert.True(m.At < now));
            Assert.True(t.BidDeadline - t.PublishedAt!.Value >= TimeSpan.FromDays(20), t.Title);
            // Bids sealed, uploaded before the deadline, opened by the three holders.
            var bids = App.WithDb(db => db.Set<Bid>().AsNoTracking().Where(b => b.TenderId == t.Id).ToList());
            Assert.InRange(bids.Count, 3, 5);
            Assert.All(bids, b => { Assert.True(b.SubmittedAt < t.BidDeadline); Assert.Equal(BidOpeningStatus.Opened, b.OpeningStatus); Assert.NotNull(b.ReceiptJson); });
        }

        // Past its deadline with three sealed bids, its committee drawn for tomorrow: the bids wait for the holders.
        var school = Tender("示范市第三中学教学楼新建工程");
        Assert.Equal(LifecycleStep.ExpertDraw, school.Step);
        var sealedBids = App.WithDb(db => db.Set<Bid>().AsNoTracking().Where(b => b.TenderId == school.Id).ToList());
        Assert.Equal(3, sealedBids.Count);
        Assert.All(sealedBids, b => { Assert.True(b.SubmittedAt < school.BidDeadline); Assert.Null(b.OpeningStatus); });
        Assert.True(school.BidDeadline < now && school.BidDeadline - school.PublishedAt!.Value >= TimeSpan.FromDays(20));

        // The report six days old with no publicity (its limit red on the dashboard); the award 27 days old with no contract.
        var report = App.WithDb(db => db.Set<EvaluationReport>().AsNoTracking().Single(r => r.TenderId == greenway.Id));
        Assert.InRange(now - report.IssuedAt, TimeSpan.FromDays(5), TimeSpan.FromDays(7));
        Assert.False(App.WithDb(db => db.Set<CandidatePublicity>().Any(p => p.TenderId == greenway.Id)));
        // Signed by each member as a browser signs (DemoMemberSigning): the sealed PDF attaches one valid member signature per seat.
        byte[] pdf;
        using (var stream = App.Services.GetRequiredService<Trading.Web.Infrastructure.IFileStore>().OpenRead(report.StorageKey))
        using (var copy = new MemoryStream())
        {
            stream.CopyTo(copy);
            pdf = copy.ToArray();
        }
        var ca = App.Services.GetRequiredService<Trading.Web.Features.Certificates.CertificateAuthority>().Ca.Ca.RawData;
        var (valid, failures) = Trading.PublicLog.MemberSignatures.Check(Trading.Reports.PdfSignatures.Attachment(pdf, Trading.PublicLog.MemberSignatures.ContentAttachment),
            Trading.Reports.PdfSignatures.Attachment(pdf, Trading.PublicLog.MemberSignatures.Attachment), [ca]);
        Assert.Empty(failures);
        Assert.Equal(App.WithDb(db => db.Set<ReportSignature>().Count(x => x.SessionId == report.SessionId)), valid.Count);
        var award = App.WithDb(db => db.Set<LotAward>().AsNoTracking().Single(a => a.TenderId == library.Id));
        Assert.InRange(now - award.AwardedAt, TimeSpan.FromDays(27), TimeSpan.FromDays(29));
        Assert.Equal(3, App.WithDb(db => db.Set<AwardNotice>().Count(n => n.TenderId == library.Id)));
        Assert.False(App.WithDb(db => db.Set<LotContract>().Any(c => c.TenderId == library.Id)));

        // The screens the opening ran found the planted ring: one bond account and one manager for bidder02 and 03.
        var firms = App.WithDb(db => db.Users.Where(u => u.UserName == "bidder02" || u.UserName == "bidder03").Select(u => u.OrganisationId.ToString()).ToList())
            .Order(StringComparer.Ordinal).ToList();
        var findings = App.WithDb(db => db.Set<IntegrityFinding>().AsNoTracking().Where(f => f.TenderId == sewage.Id).ToList());
        Assert.Contains(findings, f => f.FirmIds == string.Join(',', firms));
        // Nothing named the honest firms of the two other tenders.
        Assert.Empty(App.WithDb(db => db.Set<IntegrityFinding>().Where(f => f.TenderId == library.Id || f.TenderId == greenway.Id).ToList()));

        // The log's times never go back, from the first demo entry to the last.
        var times = App.WithDb(db => db.LogEntries.AsNoTracking().OrderBy(e => e.Index).Select(e => e.RecordedAt).ToList());
        Assert.All(times.Zip(times.Skip(1)), p => Assert.True(p.First <= p.Second, $"{p.First:o} then {p.Second:o}"));
        // History told people of their turns then; none of it waits in anyone's notices now.
        var ids = new Guid?[] { library.Id, greenway.Id, sewage.Id };
        Assert.Empty(App.WithDb(db => db.Set<Trading.Data.Notifications.Notification>().Where(n => ids.Contains(n.TenderId) || n.CreatedAt < now).ToList()));
    }

    [Fact]
    public async Task A_newcomer_takes_the_demos_tenders_on_from_where_they_stand()
    {
        // The report awaiting publicity: its owner publishes the candidates (step 14), the report's first named first.
        var greenway = Tender("示范市滨江绿道景观提升工程");
        var owner1 = await App.ApiAsync("owner1");
        var published = await owner1.PostAsJsonAsync($"/api/award/{greenway.Id}/publicity", new { days = 3 });
        Assert.True(published.StatusCode == HttpStatusCode.Created, await published.Content.ReadAsStringAsync());
        Assert.Equal(LifecycleStep.CandidatePublicity, Tender("示范市滨江绿道景观提升工程").Step);

        // The award without a contract: its owner uploads the signed contract on the award's terms (step 17).
        var library = Tender("示范市图书馆智能化改造项目");
        var award = App.WithDb(db => db.Set<LotAward>().AsNoTracking().Single(a => a.TenderId == library.Id));
        var owner3 = await App.ApiAsync("owner3");
        using var form = AwardTests.ContractForm(award.LotId, award.PriceFen / 100m, App.Clock.GetUtcNow().UtcDateTime, award.DurationDays ?? 365);
        var contract = await owner3.PostAsync($"/api/award/{library.Id}/contracts", form);
        Assert.True(contract.StatusCode == HttpStatusCode.Created, await contract.Content.ReadAsStringAsync());
        Assert.Equal(LifecycleStep.Contract, Tender("示范市图书馆智能化改造项目").Step);
    }
}
