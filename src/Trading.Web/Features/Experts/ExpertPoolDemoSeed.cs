using Bogus;
using Microsoft.EntityFrameworkCore;
using Trading.Data;
using Trading.Domain;
using Trading.Domain.Experts;
using Trading.ExpertPool;
using Trading.Web.Demo;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Experts;

/// <summary>
/// Pool profiles for the demo users expert01-30: ID numbers (valid check digits, stored protected),
/// employers and history, specialties, titles, years, regions, declared relationships and unavailable
/// days. A few are planted to show avoidance: employed by a bidder firm or an owner, a relative at a firm,
/// a registry link, one suspended, one past the retirement age, one with too junior a title.
/// </summary>
public sealed class ExpertPoolDemoSeed(TradingDbContext db, ExpertIdNumbers ids, PublicLogWriter log, TimeProvider clock) : IDemoSeed
{
    /// <summary>First in the demo's history (the draws there need the pool), so its entry comes before theirs in the log.</summary>
    public int Order => -100;

    public async Task SeedAsync(CancellationToken ct)
    {
        var f = new Faker("zh_CN") { Random = new Randomizer(20261123) };
        var now = clock.GetUtcNow().UtcDateTime;
        // The profiles describe the pool as it stands today (who is away next month, who is past 70), though seeded weeks back.
        var today = DateOnly.FromDateTime(clock is HistoryClock history ? history.PresentUtc : now);
        var firms = await db.Organisations.Where(o => o.Kind == OrganisationKind.BidderFirm).OrderBy(o => o.Name).ToListAsync(ct);
        var owners = await db.Organisations.Where(o => o.Kind == OrganisationKind.OwnerUnit).OrderBy(o => o.Name).ToListAsync(ct);
        var users = await db.Users.Where(u => u.UserName!.StartsWith("expert")).OrderBy(u => u.UserName).ToListAsync(ct);
        string[] outsideEmployers = ["示范大学土木工程学院", "示范市建筑设计研究院", "省交通规划设计院", "示范市造价咨询有限公司", "示范理工学院", "省水利水电勘测设计院", "示范会计师事务所", "省医疗器械检验所"];
        string[] specialtyPool = ["construction/civil-works", "construction/building", "construction/road-bridge", "construction/municipal", "construction/water", "construction/installation"];
        string[] econPool = ["economics/cost", "economics/finance", "economics/procurement"];

        var experts = new List<PoolExpert>();
        for (var i = 0; i < users.Count; i++)
        {
            var u = users[i];
            var n = i + 1;
            var birth = DateOnly.FromDateTime(f.Date.Between(new DateTime(1960, 1, 1), new DateTime(1985, 12, 31)));
            var region = n % 5 == 0 ? f.PickRandom("350000/350200/350203", "350000/350500/350503") : f.PickRandom("350000/350100/350102", "350000/350100/350103", "350000/350100/350104", "350000/350100/350111");
            var first17 = "350102" + birth.ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture) + f.Random.Number(100, 999).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var idNumber = first17 + ExpertIdNumbers.CheckDigit(first17);
            var economic = n % 3 == 0;
            var specialties = economic
                ? f.PickRandom(econPool, f.Random.Int(1, 2)).ToList()
                : f.PickRandom(specialtyPool, f.Random.Int(1, 3)).ToList();
            if (n % 7 == 0) specialties.Add("economics/cost");
            var practice = DateOnly.FromDateTime(f.Date.Between(new DateTime(birth.Year + 22, 7, 1), new DateTime(Math.Min(birth.Year + 30, 2014), 7, 1)));
            var employer = f.PickRandom(outsideEmployers);
            var e = new PoolExpert
            {
                UserId = u.Id, RegistrationNumber = $"SF-ZJ-{n:0000}", Name = u.DisplayName.Replace("专家 ", "", StringComparison.Ordinal),
                ProtectedIdNumber = ids.Protect(idNumber), IdNumberHint = ExpertIdNumbers.Mask(idNumber),
                Phone = f.Phone.PhoneNumber("13#########"), Email = u.Email, BirthDate = birth, EmployerName = employer,
                Title = n % 4 == 0 ? ExpertTitle.FullSenior : ExpertTitle.Senior, PracticeSince = practice, Region = region,
                Specialties = specialties.Distinct().ToList(), UpdatedAt = now,
                Employments = [new ExpertEmployment { EmployerName = employer, From = practice.AddYears(f.Random.Int(3, 8)), To = null },
                               new ExpertEmployment { EmployerName = f.PickRandom(outsideEmployers), From = practice, To = practice.AddYears(f.Random.Int(1, 3)) }],
            };
            if (n % 6 == 1)
                e.Unavailable.Add(new ExpertUnavailability { From = today.AddDays(f.Random.Int(1, 20)), To = today.AddDays(f.Random.Int(21, 40)), Note = "出差" });
            experts.Add(e);
        }
        // Planted cases, so the draw pages show avoidance with its reasons on the demo tenders.
        void Employ(PoolExpert e, Organisation org, DateOnly from, DateOnly? to)
        {
            e.Employments.Add(new ExpertEmployment { OrganisationId = org.Id, EmployerName = org.Name, From = from, To = to });
            if (to is null) { e.EmployerOrganisationId = org.Id; e.EmployerName = org.Name; }
        }
        if (experts.Count >= 30)
        {
            Employ(experts[1], firms[0], today.AddYears(-6), null);                                   // works for a bidder firm
            Employ(experts[4], owners[0], today.AddYears(-10), today.AddYears(-1));                   // left an owner a year ago
            experts[7].Relationships.Add(new ExpertRelationship { OrganisationId = firms[1].Id, PartyName = firms[1].Name, Kind = RelationshipKind.Relative, Note = "配偶任职" });
            experts[10].RegistryLinks.Add(new ExpertRegistryLink { OrganisationId = firms[2].Id, PartyName = firms[2].Name, Kind = RegistryLinkKind.Shareholder });
            experts[13].Status = ExpertStatus.Suspended;
            experts[13].SuspendedUntil = today.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc).AddDays(90);
            experts[13].StatusReason = "2026年第2号不良行为记录";
            experts[16].BirthDate = today.AddYears(-71);
            experts[19].Title = ExpertTitle.Intermediate;
            experts[22].Status = ExpertStatus.Retired;
            experts[22].StatusReason = "本人申请退出";
        }
        db.Set<PoolExpert>().AddRange(experts);
        await log.ActAsync(async () =>
        {
            await log.AppendAsync("expert.pool.seeded", null, new { count = experts.Count, demo = true }, ct);
        }, ct);
    }
}
