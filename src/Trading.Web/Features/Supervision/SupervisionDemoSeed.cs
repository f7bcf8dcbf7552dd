using Microsoft.EntityFrameworkCore;
using Trading.Data;
using Trading.Domain;
using Trading.Domain.Supervision;
using Trading.Web.Demo;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Supervision;

/// <summary>
/// Demo supervision data: two warnings and the suspension of bidder12 as records 2026-001 to -003 (the
/// suspension the core demo data names), and two later-step tenders whose limits show yellow and red on the dashboard.
/// </summary>
public sealed class SupervisionDemoSeed(TradingDbContext db, Sanctions sanctions, PublicLogWriter log, CentreTime time) : IDemoSeed
{
    public int Order => 50;

    public async Task SeedAsync(CancellationToken ct)
    {
        var now = time.UtcNow;
        var supervisor = await db.Users.FirstAsync(u => u.UserName == "supervisor", ct);
        var actor = new Actor(supervisor.Id, supervisor.UserName!, supervisor.OrganisationId, new HashSet<string> { Roles.Supervisor }, null);
        Guid Org(string user) => db.Users.Where(u => u.UserName == user).Select(u => u.OrganisationId).First();

        await sanctions.RecordAsync(actor, new RecordInput(SanctionSubjectKind.Firm, Org("bidder05"),
            "在示范市环城北路改造工程投标中，提交的项目经理业绩证明与实际不符。", "招标投标法实施条例第四十二条", "业绩证明复印件与发证机关回函",
            null, SanctionKind.Warning, null, null, null), null, ct);
        var expert = await db.Users.FirstAsync(u => u.UserName == "expert03", ct);
        await sanctions.RecordAsync(actor, new RecordInput(SanctionSubjectKind.Expert, expert.Id,
            "评标时未按招标文件规定的评标标准打分，经复核更正。", "招标投标法实施条例第四十九条", null, null,
            SanctionKind.Warning, null, null, null), null, ct);

        var suspended = await db.Organisations.FirstOrDefaultAsync(o => o.Kind == OrganisationKind.BidderFirm && o.SuspendedUntil != null, ct);
        if (suspended is not null)
            await sanctions.RecordAsync(actor, new RecordInput(SanctionSubjectKind.Firm, suspended.Id,
                "与另两家投标人的投标文件由同一单位编制，报价呈规律性差异。", "招标投标法第三十二条；实施条例第四十条",
                "投标文件制作机器码一致；报价分析表", "COL-2026-0007", SanctionKind.Suspension,
                now.AddDays(-10), suspended.SuspendedUntil, suspended.SuspensionReason), null, ct);

        var owner = await db.Organisations.FirstAsync(o => o.Kind == OrganisationKind.OwnerUnit, ct);
        var agency = await db.Organisations.FirstAsync(o => o.Kind == OrganisationKind.Agency, ct);
        // Report received 5 days ago and publicity not started: red. Award notice 27 days ago, no contract yet: yellow.
        await TenderAsync("示范市滨江绿道景观提升工程", owner.Id, agency.Id, LifecycleStep.EvaluationReport, now.AddDays(-5), ct);
        await TenderAsync("示范市图书馆智能化改造项目", owner.Id, null, LifecycleStep.AwardNotice, now.AddDays(-27), ct);
    }

    private async Task TenderAsync(string title, Guid owner, Guid? agent, LifecycleStep step, DateTime reached, CancellationToken ct)
    {
        var now = time.UtcNow;
        var count = await db.Tenders.CountAsync(ct);
        var t = new Tender
        {
            Code = $"ZB-{time.ToLocal(now).Year}-{count + 1:0000}", Title = title, Category = ProcurementCategory.ConstructionWorks,
            OwnerOrganisationId = owner, AgentOrganisationId = agent, EvaluationMethod = EvaluationMethod.ComprehensiveScoring,
            Description = $"{title}。演示数据：用于电子监察时限。", QualificationRequirements = "具备相应资质。",
            BidDeadline = reached.AddDays(-20), OpeningTime = reached.AddDays(-20), OpeningPlace = "示范市公共资源交易中心 开标室二",
            Step = step, CreatedAt = reached.AddDays(-50), DocumentsFirstIssuedAt = reached.AddDays(-45), PublishedAt = reached.AddDays(-45),
        };
        t.Lots.Add(new Lot { Number = 1, Name = "施工", EstimatedPriceFen = 800_000_000, BidBondFen = 8_000_000 });
        // The steps up to the current one, a day apart, ending at the moment the current step was reached.
        for (var s = LifecycleStep.DocumentsFiled; s <= step; s++)
        {
            if (TenderLifecycle.BiddingPeriodSteps.Contains(s)) continue;
            var from = s == LifecycleStep.BidDeadline ? LifecycleStep.NoticePublished : s - 1;
            t.Transitions.Add(new StepTransition { TenderId = t.Id, From = from, To = s, At = reached.AddDays(s - step), ActorName = "demo", Note = "demo" });
        }
        db.Tenders.Add(t);
        await log.ActAsync(async () =>
        {
            await log.AppendAsync("tender.registered", t.Id, new { code = t.Code, title = t.Title, owner, demo = true }, ct);
        }, ct);
    }
}
