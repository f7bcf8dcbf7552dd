using System.Text;
using Bogus;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Trading.Data;
using Trading.Domain;
using Trading.Web.Infrastructure;

namespace Trading.Web.Demo;

/// <summary>
/// Demo data for a first look: a centre, a supervision office, three owners, an agency, twelve bidder
/// firms, thirty experts and tenders at several steps. Seeded from a fixed seed so screenshots and
/// walkthroughs match; every demo user shares <see cref="Password"/>, shown on the first page.
/// </summary>
public sealed class DemoSeeder(TradingDbContext db, UserManager<AppUser> users, IFileStore files, PublicLogWriter log, TimeProvider clock, CentreTime time, IEnumerable<IDemoSeed> features)
{
    public const string Password = "Demo-2026-pass";

    /// <summary>A demo sign-in: its organisation (a proper name, shown as it is) and what is special about it (a resource key).</summary>
    public sealed record DemoAccount(string UserName, string Role, string Organisation, string? NoteKey = null);

    public async Task SeedAsync(CancellationToken ct)
    {
        Randomizer.Seed = new Random(20261122);
        var f = new Faker("zh_CN");
        var now = clock.GetUtcNow().UtcDateTime;
        // Deadlines at 09:30 centre time, as real notices set them.
        DateTime At930(int days) => time.ToUtc(time.ToLocal(now).Date.AddDays(days).AddHours(9.5));

        var centre = Org(OrganisationKind.TradingCentre, "示范市公共资源交易中心", now);
        var supervision = Org(OrganisationKind.SupervisionOffice, "示范市公共资源交易监察室", now);
        var agency = Org(OrganisationKind.Agency, "示范市建信招标代理有限公司", now, Code(f));
        string[] ownerNames = ["示范市交通运输局", "示范市第一人民医院", "示范市教育局"];
        var owners = ownerNames.Select(n => Org(OrganisationKind.OwnerUnit, n, now, Code(f))).ToList();
        var pool = Org(OrganisationKind.ExpertPool, "示范市评标专家库", now);
        string[] trades = ["建设工程", "路桥工程", "市政工程", "水利水电", "建筑安装", "装饰工程"];
        var firms = Enumerable.Range(1, 12).Select(i =>
        {
            var firm = Org(OrganisationKind.BidderFirm, $"{f.Address.City()}{f.PickRandom("宏远", "中盛", "华建", "兴业", "恒通", "鼎泰", "安信", "永昌", "金石", "博远", "润丰", "汇达")}{trades[i % trades.Length]}有限公司", now, Code(f));
            firm.LegalRepresentative = ChineseName(f);
            firm.ContactName = ChineseName(f);
            firm.ContactPhone = f.Phone.PhoneNumber("1##########");
            firm.ContactEmail = $"firm{i:00}@example.cn";
            firm.Address = f.Address.FullAddress();
            firm.QualificationSummary = f.PickRandom("建筑工程施工总承包一级", "市政公用工程施工总承包二级", "公路工程施工总承包一级");
            firm.Shareholders = [new Shareholder { Name = ChineseName(f), ShareBasisPoints = 6000 }, new Shareholder { Name = ChineseName(f), ShareBasisPoints = 4000 }];
            // Firms 1-9 are approved; 10 waits for the centre, 11 for the supervision office; 12 is suspended.
            // Approved within the filing time limit (five working days): demo history that broke it would greet the
            // supervisor and the centre with two dozen red alerts about long-settled filings.
            if (i <= 9 || i == 12) { firm.Status = FirmStatus.Approved; firm.CentreApprovedAt = now.AddDays(-89); firm.SupervisionApprovedAt = now.AddDays(-88); }
            if (i is 10 or 11) firm.Status = FirmStatus.Pending;
            if (i == 11) firm.CentreApprovedAt = now.AddDays(-2);
            if (i == 12) { firm.SuspendedUntil = now.AddDays(180); firm.SuspensionReason = "串通投标（2026年第3号不良行为记录）"; }
            return firm;
        }).ToList();
        db.Organisations.AddRange([centre, supervision, agency, .. owners, pool, .. firms]);
        await db.SaveChangesAsync(ct);

        await User("admin", "系统管理员", centre, Roles.Admin);
        await User("centre", "交易中心 王芳", centre, Roles.CentreStaff);
        await User("supervisor", "监察室 李强", supervision, Roles.Supervisor);
        await User("agent", "代理机构 陈静", agency, Roles.Agent);
        for (var i = 0; i < owners.Count; i++) await User($"owner{i + 1}", $"{owners[i].Name} {ChineseName(f)}", owners[i], Roles.Owner);
        for (var i = 0; i < firms.Count; i++) await User($"bidder{i + 1:00}", $"{firms[i].Name} {ChineseName(f)}", firms[i], Roles.Bidder);
        for (var i = 1; i <= 30; i++) await User($"expert{i:00}", $"专家 {ChineseName(f)}", pool, Roles.Expert);
        // The demo agency acts for the first and the third owner unit, engaged by them (the others never engaged it).
        foreach (var owner in new[] { owners[0], owners[2] })
        {
            var by = await db.Users.Where(u => u.OrganisationId == owner.Id).Select(u => u.Id).FirstAsync(ct);
            db.AgentEngagements.Add(new AgentEngagement { OwnerOrganisationId = owner.Id, AgentOrganisationId = agency.Id, Scope = "2026-2027 年度施工与货物招标代理（委托合同 DL-2026-01）", StartedAt = now.AddDays(-90), RecordedByUserId = by });
        }
        await db.SaveChangesAsync(ct);

        // The demo's past, played through the real moves weeks back (features with a negative order: the expert pool,
        // then DemoHistory's finished tenders); the clock is back at the present when it ends.
        var history = clock as HistoryClock ?? throw new InvalidOperationException("The demo needs its history clock (DemoClockModule registers it).");
        history.Rewind(now - DemoHistory.Span);
        try
        {
            foreach (var feature in features.Where(x => x.Order < 0).OrderBy(x => x.Order))
                await feature.SeedAsync(ct);
        }
        finally { history.ToPresent(); }

        // Tenders at several steps. Historic ones are written as they happened; their schedules met the rules then.
        await Tender(owners[0], "示范市环城北路改造工程施工", ProcurementCategory.ConstructionWorks, 3, now.AddDays(-25), At930(5), [("第一标段 K0+000~K3+200", 38_600_000m), ("第二标段 K3+200~K6+800", 42_100_000m)]);
        await Tender(owners[1], "示范市第一人民医院门诊楼医疗设备采购", ProcurementCategory.GovernmentProcurement, 3, now.AddDays(-21), At930(2), [("CT 与 DR 设备", 12_800_000m)]);
        await Tender(owners[0], "示范市公交场站充电设施建设项目", ProcurementCategory.ConstructionWorks, 2, null, At930(35), [("充电设施施工", 9_200_000m)]);
        await Tender(owners[1], "示范市第一人民医院后勤物业服务采购", ProcurementCategory.GovernmentProcurement, 1, null, At930(40), [("物业服务", 3_600_000m)]);
        // On issue with its deadline passed and no bid: the deadline move (TenderDeadlineDemo) fails it as the law says (流标).
        await Tender(owners[2], "示范市教育局校园安防监控设备采购", ProcurementCategory.GovernmentProcurement, 3, now.AddDays(-28), At930(-6), [("安防监控设备", 2_400_000m)]);

        // Features add their own demo data (expert profiles, bids, draws, time limits) after the core.
        foreach (var feature in features.Where(x => x.Order >= 0).OrderBy(x => x.Order))
            await feature.SeedAsync(ct);

        async Task User(string name, string display, Organisation org, string role)
        {
            var u = new AppUser { UserName = name, DisplayName = display, OrganisationId = org.Id, Email = $"{name}@example.cn", EmailConfirmed = true, PreferredCulture = "zh-CN" };
            var r = await users.CreateAsync(u, Password);
            if (!r.Succeeded) throw new InvalidOperationException(string.Join("; ", r.Errors.Select(e => e.Description)));
            await users.AddToRoleAsync(u, role);
        }

        async Task Tender(Organisation owner, string title, ProcurementCategory cat, int step, DateTime? published, DateTime deadline, (string Name, decimal Price)[] lots)
        {
            var t = new Tender
            {
                Code = $"ZB-{now.Year}-{await db.Tenders.CountAsync(x => x.Code.StartsWith($"ZB-{now.Year}-"), ct) + 1:0000}", Title = title, Category = cat, OwnerOrganisationId = owner.Id,
                AgentOrganisationId = owner == owners[0] ? agency.Id : null,
                Description = $"{title}。资金来源为财政资金，已落实；项目已具备招标条件，现对该项目进行公开招标。", EvaluationMethod = cat == ProcurementCategory.ConstructionWorks ? EvaluationMethod.ComprehensiveScoring : EvaluationMethod.LowestEvaluatedPrice,
                QualificationRequirements = "具备相应资质；近三年无重大质量安全事故；未被列入失信被执行人名单。",
                BidDeadline = deadline, OpeningTime = deadline, OpeningPlace = "示范市公共资源交易中心 开标室一",
                Step = (LifecycleStep)step, CreatedAt = (published ?? now).AddDays(-3), DocumentsFirstIssuedAt = published, PublishedAt = published,
            };
            var n = 1;
            foreach (var (name, price) in lots)
            {
                var fen = Money.Fen(price)!.Value;
                t.Lots.Add(new Lot { Number = n++, Name = name, EstimatedPriceFen = fen, BidBondFen = fen / 100 });
            }
            if (step >= 2)
            {
                var bytes = MinimalPdf($"{t.Code} Tender documents");
                await using var ms = new MemoryStream(bytes);
                var stored = await files.SaveAsync(ms, bytes.Length + 1, ct);
                t.Documents.Add(new TenderDocument { FileName = $"{t.Code}-招标文件.pdf", ContentType = "application/pdf", Length = stored.Length, Sha256 = stored.Sha256, StorageKey = stored.Key, FiledAt = t.CreatedAt });
            }
            db.Tenders.Add(t);
            await log.ActAsync(async () =>
            {
                await log.AppendAsync("tender.registered", t.Id, new { code = t.Code, title = t.Title, owner = owner.Id, demo = true }, ct);
                if (published is not null) await log.AppendAsync("tender.published", t.Id, new { code = t.Code, deadline = t.BidDeadline, demo = true }, ct);
            }, ct);
        }
    }

    public static IReadOnlyList<DemoAccount> Accounts =>
    [
        new("centre", Roles.CentreStaff, "示范市公共资源交易中心"),
        new("supervisor", Roles.Supervisor, "示范市公共资源交易监察室"),
        new("owner1", Roles.Owner, "示范市交通运输局"),
        new("owner2", Roles.Owner, "示范市第一人民医院"),
        new("owner3", Roles.Owner, "示范市教育局"),
        new("agent", Roles.Agent, "示范市建信招标代理有限公司"),
        new("bidder01", Roles.Bidder, "", "Home.Demo.Bidders"),
        new("bidder10", Roles.Bidder, "", "Home.Demo.PendingCentre"),
        new("bidder11", Roles.Bidder, "", "Home.Demo.PendingSupervision"),
        new("bidder12", Roles.Bidder, "", "Home.Demo.Suspended"),
        new("expert01", Roles.Expert, "示范市评标专家库", "Home.Demo.Experts"),
        new("admin", Roles.Admin, "示范市公共资源交易中心"),
    ];

    private static Organisation Org(OrganisationKind kind, string name, DateTime now, string? code = null) => new()
    {
        Kind = kind, Name = name, CreditCode = code, Status = FirmStatus.Approved, RegisteredAt = now.AddDays(-90),
        CentreApprovedAt = kind == OrganisationKind.BidderFirm ? null : now.AddDays(-90),
        SupervisionApprovedAt = kind == OrganisationKind.BidderFirm ? null : now.AddDays(-90),
    };

    /// <summary>
    /// Bogus's zh_CN full name is "given family" with a space (博文 沈); Chinese names are written family first
    /// with no space (沈博文). Swapping its parts keeps the seeded sequence of random draws, and so the demo data.
    /// </summary>
    public static string ChineseName(Faker f)
    {
        var parts = f.Name.FullName().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return parts.Length == 2 ? parts[1] + parts[0] : string.Concat(parts);
    }

    private static string Code(Faker f)
    {
        const string alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
        var first17 = "91" + "3501" + "00" + new string(Enumerable.Range(0, 9).Select(_ => f.PickRandom(alphabet.ToCharArray())).ToArray());
        return UnifiedSocialCreditCode.Complete(first17);
    }

    /// <summary>A one-page PDF with a line of ASCII text: enough to be a real, openable document.</summary>
    public static byte[] MinimalPdf(string text)
    {
        var safe = new string(text.Where(c => c < 128 && c != '(' && c != ')' && c != '\\').ToArray());
        var content = $"BT /F1 18 Tf 72 720 Td ({safe}) Tj ET";
        var objects = new[]
        {
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
            $"<< /Length {content.Length} >>\nstream\n{content}\nendstream",
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        };
        var sb = new StringBuilder("%PDF-1.4\n");
        var offsets = new List<int>();
        for (var i = 0; i < objects.Length; i++)
        {
            offsets.Add(sb.Length);
            sb.Append($"{i + 1} 0 obj\n{objects[i]}\nendobj\n");
        }
        var xref = sb.Length;
        sb.Append($"xref\n0 {objects.Length + 1}\n0000000000 65535 f \n");
        foreach (var o in offsets) sb.Append($"{o:0000000000} 00000 n \n");
        sb.Append($"trailer\n<< /Size {objects.Length + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n");
        return Encoding.ASCII.GetBytes(sb.ToString());
    }
}

/// <summary>A feature's demo data, run after the core demo data (users, firms, tenders) exists. Register with AddScoped.</summary>
public interface IDemoSeed
{
    /// <summary>Lower runs first; features that build on another's demo data run after it.</summary>
    int Order { get; }
    Task SeedAsync(CancellationToken ct);
}
