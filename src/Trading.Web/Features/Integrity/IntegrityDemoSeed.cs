using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Trading.Data;
using Trading.Domain;
using Trading.Domain.Bidding;
using Trading.Domain.Integrity;
using Trading.Web.Demo;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Integrity;

/// <summary>
/// Demo: an opened tender whose five bids carry planted collusion (two firms with one bond account, one project manager
/// and an identical method statement; two others uploading from one address), screened through the real service so the
/// supervision office has findings to look at. The opening itself is written as its outcome (prices and packages), not
/// re-enacted: a full key ceremony would make every demo start (and every web test) seconds slower.
/// </summary>
public sealed class IntegrityDemoSeed(TradingDbContext db, IFileStore files, PublicLogWriter log, IntegrityService service, CentreTime time) : IDemoSeed
{
    public int Order => 120;

    public async Task SeedAsync(CancellationToken ct)
    {
        var now = time.UtcNow;
        var owner = await db.Organisations.Where(o => o.Kind == OrganisationKind.OwnerUnit).OrderBy(o => o.Name).FirstAsync(ct);
        var firms = await db.Organisations.Where(o => o.Kind == OrganisationKind.BidderFirm && o.Status == FirmStatus.Approved && o.SuspendedUntil == null)
            .OrderBy(o => o.ContactEmail).Take(5).ToListAsync(ct);
        if (firms.Count < 5) return;
        var count = await db.Tenders.CountAsync(ct);
        var deadline = now.AddDays(-2);
        var tender = new Tender
        {
            Code = $"ZB-{time.ToLocal(now).Year}-{count + 1:0000}", Title = "示范市城东污水处理厂提标改造工程（围标筛查示例）", Category = ProcurementCategory.ConstructionWorks,
            OwnerOrganisationId = owner.Id, EvaluationMethod = EvaluationMethod.ComprehensiveScoring, QualificationRequirements = "市政公用工程施工总承包二级及以上。",
            BidDeadline = deadline, OpeningTime = deadline, OpeningPlace = "示范市公共资源交易中心 开标室二", Step = LifecycleStep.Evaluation,
            CreatedAt = now.AddDays(-30), DocumentsFirstIssuedAt = now.AddDays(-25), PublishedAt = now.AddDays(-25),
        };
        var lot = new Lot { Number = 1, Name = "施工总承包", EstimatedPriceFen = 1_860_000_000, BidBondFen = 18_600_000 };
        tender.Lots.Add(lot);
        db.Tenders.Add(tender);
        db.Set<KeyCeremony>().Add(new KeyCeremony
        {
            TenderId = tender.Id, CeremonyId = $"{tender.Code}-demo", Status = CeremonyStatus.Complete, CreatedAt = now.AddDays(-25), CompletedAt = now.AddDays(-24), OpenedAt = deadline.AddMinutes(20),
        });

        const string copied = "示范市城东污水处理厂提标改造工程施工方案：本工程采用分区分段流水施工，先深后浅、先地下后地上。生化池池壁采用一次性支模、分层浇筑，每层厚度不超过五百毫米，" +
            "振捣棒插入下层五十毫米以上，确保层间结合密实。池体满水试验在混凝土强度达到设计强度后进行，分三次注水，每次注水高度为设计水深的三分之一，" +
            "相邻两次注水间隔不少于二十四小时，并逐次观测渗水量与沉降。";
        var bids = new (decimal Price, string Pm, string PmId, string Bond, string Ip, string Method)[]
        {
            (17_980_000m, "周建国", "350102197801011234", "35001 8800 0000 1111", "120.36.10.21", "我公司将组建项目经理部，配置专职安全员三名，按照市政工程质量验收规范组织施工。" + Filler(1)),
            (18_240_000m, "吴海峰", "350103198203152216", "35001 8800 0000 2222", "120.36.10.22", copied),
            (18_250_000m, "吴海峰", "350103198203152216", "35001 8800 0000 2222", "117.25.64.9", copied),
            (18_410_000m, "郑丽华", "350104198507083327", "35001 8800 0000 4444", "58.22.100.7", "项目部实行项目经理负责制，施工组织以保证节点工期为核心。" + Filler(4)),
            (18_530_000m, "林志强", "350105197912254418", "35001 8800 0000 5555", "58.22.100.7", "本项目投入两台履带式起重机和一台混凝土泵车，劳动力高峰期一百二十人。" + Filler(5)),
        };
        for (var i = 0; i < bids.Length; i++)
        {
            var b = bids[i];
            var zip = Zip(b.Price, b.Pm, b.PmId, b.Bond, b.Method);
            await using var ms = new MemoryStream(zip);
            var stored = await files.SaveAsync(ms, zip.Length + 1, ct);
            db.Set<Bid>().Add(new Bid
            {
                TenderId = tender.Id, LotId = lot.Id, FirmId = firms[i].Id, SubmittedByUserId = await db.Users.Where(u => u.OrganisationId == firms[i].Id).Select(u => u.Id).FirstAsync(ct),
                StorageKey = stored.Key, EnvelopeSha256 = stored.Sha256, Length = stored.Length, SubmittedAt = deadline.AddHours(-20 + i), IpAddress = b.Ip,
                UserAgent = "Mozilla/5.0 (Windows NT 10.0; Win64; x64)", OpeningStatus = BidOpeningStatus.Opened, PriceFen = (long)(b.Price * 100), DurationDays = 365,
                ProjectManager = b.Pm, ProjectManagerIdHash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(b.PmId))), BondAccount = b.Bond,
                KeyStaff = "技术负责人 1 名", PackageStorageKey = stored.Key,
                AttachmentsJson = JsonSerializer.Serialize(new[] { new { name = "files/施工组织设计.txt", length = Encoding.UTF8.GetByteCount(b.Method) } }),
            });
        }
        db.Set<ScreenRun>().Add(new ScreenRun { TenderId = tender.Id, Trigger = "demo", Status = ScreenRunStatus.Queued, QueuedAt = now });
        await log.RecordAsync("tender.registered", tender.Id, new { code = tender.Code, title = tender.Title, owner = owner.Id, demo = true }, ct);
        var run = await db.Set<ScreenRun>().Where(r => r.TenderId == tender.Id).Select(r => r.Id).SingleAsync(ct);
        db.ChangeTracker.Clear();
        await service.ProcessAsync(run, ct);
    }

    private static string Filler(int seed) => string.Concat(Enumerable.Range(0, 6).Select(i => $"第{seed}-{i}项：{(char)('甲' + (seed * 7 + i) % 10)}区段按计划于第{seed * 3 + i}周完成。"));

    private static byte[] Zip(decimal price, string pm, string pmId, string bond, string method)
    {
        using var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
        {
            using (var w = new StreamWriter(zip.CreateEntry("bid-form.json").Open(), Encoding.UTF8))
                w.Write(JsonSerializer.Serialize(new { priceYuan = price, durationDays = 365, projectManager = pm, projectManagerId = pmId, keyStaff = "技术负责人 1 名", bondAccount = bond }));
            using (var w = new StreamWriter(zip.CreateEntry("files/施工组织设计.txt").Open(), new UTF8Encoding(false)))
                w.Write(method);
        }
        return ms.ToArray();
    }
}
