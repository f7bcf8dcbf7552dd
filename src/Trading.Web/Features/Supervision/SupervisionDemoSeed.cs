using Microsoft.EntityFrameworkCore;
using Trading.Data;
using Trading.Domain;
using Trading.Domain.Supervision;
using Trading.Web.Demo;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Supervision;

/// <summary>
/// Demo supervision data: two warnings and the suspension of bidder12 as records 2026-001 to -003 (the
/// suspension the core demo data names). The tenders whose limits show yellow and red are the demo's history (Demo/DemoHistory).
/// </summary>
public sealed class SupervisionDemoSeed(TradingDbContext db, Sanctions sanctions, CentreTime time) : IDemoSeed
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
    }
}
