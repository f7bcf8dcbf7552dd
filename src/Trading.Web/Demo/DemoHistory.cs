using System.IO.Compression;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Trading.Crypto;
using Trading.Data;
using Trading.Domain;
using Trading.Domain.Award;
using Trading.Domain.Evaluation;
using Trading.Domain.Experts;
using Trading.Domain.CheckIn;
using Trading.Domain.Integrity;
using Trading.ExpertPool;
using Trading.Web.Features.Award;
using Trading.Web.Features.CheckIn;
using Trading.Web.Features.Draw;
using Trading.Web.Features.Evaluation;
using Trading.Web.Features.Integrity;
using Trading.Web.Features.Submission;
using Trading.Web.Features.Tenders;
using Trading.Web.Infrastructure;

namespace Trading.Web.Demo;

/// <summary>
/// The demo's finished tenders, made by the real moves at the times they happened (<see cref="HistoryClock"/>), so every
/// step the demo shows is one its users can reach: an award notice 27 days old with no contract yet (the contract's time
/// limit shows yellow), an evaluation report signed six days ago with no publicity (red), a tender past its deadline
/// whose sealed bids wait for the opening, and an evaluation under way whose bids carry planted collusion (two firms with one bond account, one project manager and one method statement;
/// two others uploading from one address), found by the screens the opening runs. Each act goes through the service
/// its page calls, in a scope of its own as a request would: registration, documents, publication, the officers'
/// ceremony (<see cref="SubmissionDemo"/>), bids sealed to the joint key and signed as a browser does, the deadline
/// move, the offices' draw, the holders' partials, the kiosk (each photo refused, each expert admitted by the
/// supervisor), the chair's election, the review, the sheets, the signatures, the publicity and the award.
/// </summary>
public sealed class DemoHistory(IServiceScopeFactory scopes, TimeProvider clock, DemoOfficerKeys officerKeys) : IDemoSeed
{
    /// <summary>Played in the past, after the expert pool (which the draws need).</summary>
    public int Order => -50;

    /// <summary>How far back the history starts: the oldest tender's registration is within it.</summary>
    public static readonly TimeSpan Span = TimeSpan.FromDays(70);

    private sealed record Offer(string Bidder, decimal PriceYuan, string Manager, string ManagerId, string BondAccount, string Ip, string Method);

    private enum Until { Deadline, Evaluation, Report, Award }

    private sealed record Plan(string Title, string Owner, int CreatedDay, int DeadlineDay, long EstimateFen, string Lot, Until Until, Offer[] Offers, string Requirements);

    /// <summary>One tender's acts, each at its time; the state is what later acts of the same tender need.</summary>
    private sealed class Run(Plan plan)
    {
        public Plan Plan { get; } = plan;
        public Guid TenderId { get; set; }
        public Guid SessionId { get; set; }
    }

    // The centre's local day, read once when the history starts; the draw's times are given in it as the centre's form gives them.
    private CentreTime time = null!;

    public async Task SeedAsync(CancellationToken ct)
    {
        var history = clock as HistoryClock ?? throw new InvalidOperationException("The demo's history needs the history clock (DemoClockModule registers it).");
        var present = history.PresentUtc;
        await using (var s = scopes.CreateAsyncScope()) time = s.ServiceProvider.GetRequiredService<CentreTime>();
        var today = time.ToLocal(present).Date;
        DateTime At(int day, double hours) => time.ToUtc(today.AddDays(day).AddHours(hours));

        const string copied = "示范市城东污水处理厂提标改造工程施工方案：本工程采用分区分段流水施工，先深后浅、先地下后地上。生化池池壁采用一次性支模、分层浇筑，每层厚度不超过五百毫米，" +
            "振捣棒插入下层五十毫米以上，确保层间结合密实。池体满水试验在混凝土强度达到设计强度后进行，分三次注水，每次注水高度为设计水深的三分之一，" +
            "相邻两次注水间隔不少于二十四小时，并逐次观测渗水量与沉降。";
        var plans = new[]
        {
            new Plan("示范市图书馆智能化改造项目", "owner3", -66, -44, 800_000_000, "智能化系统施工", Until.Award,
            [
                new("bidder09", 7_720_000m, "陈志明", "350102197605113318", "35001 8800 0000 6606", "36.248.12.40", Honest(6, "智能化系统按弱电综合布线、安防、信息发布三个子系统分段调试。")),
                new("bidder04", 7_860_000m, "郑丽华", "350104198507083327", "35001 8800 0000 4444", "110.87.4.19", Honest(7, "机房改造与既有书库运行错峰施工，夜间作业不影响开馆。")),
                new("bidder01", 7_940_000m, "周建国", "350102197801011234", "35001 8800 0000 1111", "120.36.10.21", Honest(8, "设备进场前完成样板间验收，管线预埋与土建同步。")),
            ], "电子与智能化工程专业承包二级及以上。"),
            new Plan("示范市滨江绿道景观提升工程", "owner1", -31, -6, 800_000_000, "景观施工", Until.Report,
            [
                new("bidder03", 7_680_000m, "杨建华", "350105198004156612", "35001 8800 0000 3303", "59.57.8.110", Honest(3, "绿道铺装分段封闭施工，保留慢行通道，夜间不施工。")),
                new("bidder09", 7_750_000m, "陈志明", "350102197605113318", "35001 8800 0000 6606", "36.248.12.40", Honest(16, "苗木移植安排在秋季，成活率保证期两年。")),
                new("bidder01", 7_810_000m, "周建国", "350102197801011234", "35001 8800 0000 1111", "120.36.10.21", Honest(18, "景观照明与园路同步预埋管线，减少二次开挖。")),
                new("bidder05", 7_900_000m, "林志强", "350105197912254418", "35001 8800 0000 5555", "218.85.66.3", Honest(9, "驳岸加固采用生态袋护坡，汛期前完成水下部分。")),
            ], "市政公用工程施工总承包三级及以上。"),
            new Plan("示范市城东污水处理厂提标改造工程（围标筛查示例）", "owner1", -26, -2, 1_860_000_000, "施工总承包", Until.Evaluation,
            [
                new("bidder01", 17_980_000m, "周建国", "350102197801011234", "35001 8800 0000 1111", "120.36.10.21", "我公司将组建项目经理部，配置专职安全员三名，按照市政工程质量验收规范组织施工。" + Filler(1)),
                new("bidder02", 18_240_000m, "吴海峰", "350103198203152216", "35001 8800 0000 2222", "120.36.10.22", copied),
                new("bidder03", 18_250_000m, "吴海峰", "350103198203152216", "35001 8800 0000 2222", "117.25.64.9", copied),
                new("bidder04", 18_410_000m, "郑丽华", "350104198507083327", "35001 8800 0000 4444", "58.22.100.7", "项目部实行项目经理负责制，施工组织以保证节点工期为核心。" + Filler(4)),
                new("bidder05", 18_530_000m, "林志强", "350105197912254418", "35001 8800 0000 5555", "58.22.100.7", "本项目投入两台履带式起重机和一台混凝土泵车，劳动力高峰期一百二十人。" + Filler(5)),
            ], "市政公用工程施工总承包二级及以上。"),
            // Past its deadline three days ago with three sealed bids; the demo's draw (DrawDemoSeed) seats its committee
            // for tomorrow, and its bids wait for the three holders in the opening hall.
            new Plan("示范市第三中学教学楼新建工程", "owner3", -33, -3, 2_650_000_000, "施工总承包", Until.Deadline,
            [
                new("bidder01", 25_380_000m, "周建国", "350102197801011234", "35001 8800 0000 1111", "120.36.10.21", Honest(21, "主体结构采用铝合金模板体系，标准层五天一层。")),
                new("bidder04", 25_760_000m, "郑丽华", "350104198507083327", "35001 8800 0000 4444", "58.22.100.7", Honest(24, "暑假期间完成与既有校舍相邻部位的施工，开学后封闭作业。")),
                new("bidder09", 26_040_000m, "陈志明", "350102197605113318", "35001 8800 0000 6606", "36.248.12.40", Honest(29, "基坑支护采用钻孔灌注桩加内支撑，周边管线先行迁改。")),
            ], "建筑工程施工总承包二级及以上。"),
        };

        // Every act of every tender, in time order (the clock only moves forward), then played one by one.
        var acts = new List<(DateTime At, int Seq, Func<Task> Act)>();
        var keys = officerKeys.Keys;
        var runs = new List<Run>();
        foreach (var plan in plans)
        {
            var run = new Run(plan);
            runs.Add(run);
            var deadline = At(plan.DeadlineDay, 9.5);
            void Add(DateTime at, Func<Task> act) => acts.Add((at, acts.Count, act));
            Add(At(plan.CreatedDay, 10), () => RegisterAsync(run, deadline, keys, ct));
            for (var i = 0; i < plan.Offers.Length; i++)
            {
                var offer = plan.Offers[i];
                Add(At(plan.CreatedDay + 6 + i, 15), () => BidAsync(run, offer, ct));
            }
            Add(deadline.AddMinutes(1), () => CloseAsync(run, ct));
            if (plan.Until >= Until.Evaluation)
            {
                Add(deadline.AddMinutes(3), () => DrawAsync(run, At(plan.DeadlineDay, 14), At(plan.DeadlineDay, 18), ct));
                Add(deadline.AddMinutes(15), () => OpenAsync(run, ct));
                Add(At(plan.DeadlineDay, 14) + TimeSpan.FromMinutes(5), () => CheckInAsync(run, ct));
                Add(At(plan.DeadlineDay, 14) + TimeSpan.FromMinutes(30), () => ElectAsync(run, ct));
            }
            if (plan.Until >= Until.Report) Add(At(plan.DeadlineDay, 16), () => EvaluateAsync(run, ct));
            if (plan.Until >= Until.Award)
            {
                Add(At(plan.DeadlineDay + 1, 10), () => As<AwardService>(async s => await s.PublishAsync(await ActorAsync(plan.Owner), run.TenderId, 3, ct)));
                Add(At(-28, 10), () => AwardAsync(run, ct));
            }
        }
        // The seeder has set the clock back (it starts the history with the expert pool); the acts move it forward.
        if (!history.InHistory) throw new InvalidOperationException("The demo's history is played by DemoSeeder, with the clock set back.");
        foreach (var (at, _, act) in acts.OrderBy(a => a.At).ThenBy(a => a.Seq))
        {
            history.MoveTo(at);
            await act();
        }
        // History, not turns: what the acts told people then is gone, as with the other demo seeds' finished acts (a
        // supervisor once found 27 such notices waiting). Today's turns come from the present: the time-limit lights.
        var ids = runs.Select(r => (Guid?)r.TenderId).ToList();
        await As<TradingDbContext, int>(db => db.Set<Trading.Data.Notifications.Notification>().Where(n => ids.Contains(n.TenderId) || n.CreatedAt < present)
            .ExecuteDeleteAsync(ct));
    }

    private async Task RegisterAsync(Run run, DateTime deadline, Dictionary<Guid, ECDiffieHellman> keys, CancellationToken ct)
    {
        var p = run.Plan;
        var owner = await ActorAsync(p.Owner);
        var input = new TenderInput(p.Title, $"{p.Title}。资金来源为财政资金，已落实；项目已具备招标条件，现对该项目进行公开招标。", ProcurementCategory.ConstructionWorks,
            EvaluationMethod.ComprehensiveScoring, p.Requirements, deadline, deadline, "示范市公共资源交易中心 开标室二",
            [new Features.Tenders.LotInput(p.Lot, p.EstimateFen / 100m, p.EstimateFen / 10_000m)]);
        var tender = await As<TenderService, Tender>(s => s.CreateAsync(owner, input, ct));
        run.TenderId = tender.Id;
        var pdf = DemoSeeder.MinimalPdf($"{tender.Code} Tender documents");
        await As<TenderService>(async s =>
        {
            await using var content = new MemoryStream(pdf);
            await s.AddDocumentAsync(owner, tender.Id, new FormFile(content, 0, pdf.Length, "file", $"{tender.Code}-招标文件.pdf") { Headers = new HeaderDictionary(), ContentType = "application/pdf" }, ct);
        });
        await As<TenderService>(s => s.FileDocumentsAsync(owner, tender.Id, ct));
        await As<TenderService>(s => s.PublishAsync(owner, tender.Id, ct));
        // The three officers' machines join the ceremony the publication started, the same day.
        var published = await As<TradingDbContext, Tender>(db => db.Tenders.SingleAsync(t => t.Id == tender.Id, ct));
        await As<SubmissionDemo>(s => s.CompleteCeremonyAsync(published, keys, ct));
    }

    /// <summary>A bidder obtains the documents, seals its bid to the joint key on its own machine, signs the manifest and uploads it.</summary>
    private async Task BidAsync(Run run, Offer offer, CancellationToken ct)
    {
        var bidder = await ActorAsync(offer.Bidder, offer.Ip);
        await As<TenderService>(async s =>
        {
            var t = await s.GetAsync(bidder, run.TenderId, ct);
            var (_, content) = await s.DownloadAsync(bidder, run.TenderId, t.Documents[0].Id, ct);
            await content.DisposeAsync();
        });
        await As<BidService>(async s =>
        {
            var (t, firm, ceremony) = await s.PrepareAsync(bidder, run.TenderId, ct);
            var lot = t.Lots.OrderBy(l => l.Number).First();
            var key = CryptoJson.Deserialize<JointKey>(ceremony!.JointKeyJson!);
            var zip = BidZip(offer);
            using var sealedBid = new MemoryStream();
            var result = await Envelope.SealAsync(new MemoryStream(zip), sealedBid, key, BidService.ContextOf(t, lot, firm));
            // A key made for this bid, in the tender's suite, as the browser makes one for a firm without a certificate.
            using var perBid = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var signed = key.Suite == CryptoSuites.Sm2 ? ManifestSigning.Sign(result.ToManifest(), Sm2SigningKey.Create()) : ManifestSigning.Sign(result.ToManifest(), perBid);
            var upload = await s.StartUploadAsync(bidder, run.TenderId, lot.Id, sealedBid.Length, ct);
            sealedBid.Position = 0;
            await s.AppendAsync(bidder, upload.Id, 0, sealedBid, ct);
            await s.CompleteAsync(bidder, upload.Id, CryptoJson.Serialize(signed), "Mozilla/5.0 (Windows NT 10.0; Win64; x64)", ct);
        });
    }

    private Task CloseAsync(Run run, CancellationToken ct) => As<TenderMoves>(s => s.CloseBiddingAsync(TenderMoves.System, run.TenderId, ct));

    /// <summary>The centre asks for a committee of five; the three offices commit and reveal their values; the centre draws; every expert accepts.</summary>
    private async Task DrawAsync(Run run, DateTime startsAt, DateTime endsAt, CancellationToken ct)
    {
        var centre = await ActorAsync("centre");
        var supervisor = await ActorAsync("supervisor");
        var owner = await ActorAsync(run.Plan.Owner);
        var lotId = await As<TenderService, Guid>(async s => (await s.GetAsync(centre, run.TenderId, ct)).Lots.OrderBy(l => l.Number).First().Id);
        var session = await As<DrawService, EvaluationSession>(s => s.RequestAsync(centre, new DrawRequestInput
        {
            TenderId = run.TenderId, LotId = lotId, EvaluationRoom = "评标室二",
            StartsAtLocal = time.ToLocal(startsAt), EndsAtLocal = time.ToLocal(endsAt), CommitteeSize = 5, OwnerRepresentativeSeats = 0, ResponseWindowHours = 2,
            Strata =
            [
                new StratumInput { Stratum = "1-tech", Kind = StratumKind.Technical, Specialties = "construction/*", Count = 3 },
                new StratumInput { Stratum = "2-econ", Kind = StratumKind.Economic, Specialties = "economics/*", Count = 2 },
            ],
        }, ct));
        run.SessionId = session.Id;
        var values = new Dictionary<string, byte[]>();
        var offices = new[] { (DrawService.Supervision, supervisor), (DrawService.Centre, centre), (DrawService.OwnerOffice, owner) };
        foreach (var (office, actor) in offices)
        {
            values[office] = RandomNumberGenerator.GetBytes(32);
            await As<DrawService>(s => s.CommitAsync(actor, session.Id, DrawAlgorithm.Commitment(session.DrawId, office, values[office]), ct));
        }
        foreach (var (office, actor) in offices)
            await As<DrawService>(s => s.RevealAsync(actor, session.Id, Convert.ToHexStringLower(values[office]), ct));
        await As<DrawService>(s => s.DrawAsync(centre, session.Id, ct));
        foreach (var (memberId, user) in await MembersAsync(run, ct))
        {
            var expert = await ActorAsync(user);
            await As<DrawService>(s => s.RespondAsync(expert, memberId, true, null, ct));
        }
    }

    /// <summary>The three holders give their partials from their own material, unsealed with the demo officers' passphrase.</summary>
    private async Task OpenAsync(Run run, CancellationToken ct)
    {
        var owner = await OwnerUserAsync(run, ct);
        foreach (var user in new[] { "supervisor", "centre", owner })
        {
            var actor = await ActorAsync(user);
            var principal = new ClaimsPrincipal(new ClaimsIdentity([new Claim("amr", "mfa")], "demo"));
            await As<OpeningService>(async s =>
            {
                var material = await s.HolderMaterialAsync(actor, principal, run.TenderId, ct);
                var batch = await s.BatchAsync(actor, principal, run.TenderId, ct);
                using var secret = material.Secret(SubmissionDemo.Passphrase);
                var rs = batch.Bids.Select(b => b.R).ToList();
                var partials = HolderSide.PartialDecryptFrozen(secret, material.JointKey, rs, rs);
                await using var body = new MemoryStream(Encoding.UTF8.GetBytes(CryptoJson.Serialize(partials)));
                await s.UploadPartialsAsync(actor, principal, run.TenderId, body, ct, "browser");
            });
        }
        // The screening job's next round, within the minute: it queues a run for the opened tender and runs it.
        await As<IntegrityService, int>(s => s.QueueOpenedAsync(ct));
        var runs = await As<TradingDbContext, List<Guid>>(db => db.Set<ScreenRun>().Where(r => r.TenderId == run.TenderId && r.Status == ScreenRunStatus.Queued).Select(r => r.Id).ToListAsync(ct));
        foreach (var id in runs) await As<IntegrityService, bool>(s => s.ProcessAsync(id, ct));
    }

    /// <summary>At the kiosk each expert's photo is refused (the demo has no faces) and the supervisor admits them on their identity cards.</summary>
    private async Task CheckInAsync(Run run, CancellationToken ct)
    {
        var centre = await ActorAsync("centre");
        var supervisor = await ActorAsync("supervisor");
        var experts = await As<TradingDbContext, List<string>>(db => (from m in db.Set<CommitteeMember>()
                                                                      join e in db.Set<PoolExpert>() on m.ExpertId equals e.Id
                                                                      where m.SessionId == run.SessionId && m.Status == CommitteeMemberStatus.Accepted
                                                                      orderby m.Pseudonym
                                                                      select e.RegistrationNumber).ToListAsync(ct));
        foreach (var registration in experts)
        {
            byte[] frame = [0xFF, 0xD8, 0xFF, 0xD9];
            var outcome = await As<CheckInService, CheckInOutcome>(s => s.CheckInAsync(centre, "评标室二", registration, new PhotoUpload("kiosk.jpg", frame.Length, () => new MemoryStream(frame)), ct));
            if (outcome.Attempt.Decision == CheckInDecision.Accepted) continue;
            await As<CheckInService>(s => s.OverrideAsync(supervisor, outcome.Attempt.Id, "示范数据：摄像头未能识别，已由监督人员核验居民身份证原件。", ct));
        }
    }

    /// <summary>Three of the five vote for seat 1 as chair: the evaluation starts (step 12).</summary>
    private async Task ElectAsync(Run run, CancellationToken ct)
    {
        var members = await MembersAsync(run, ct);
        var first = await As<EvaluationService, RoomView>(async s => await s.RoomAsync(await ActorAsync(members[0].User), run.SessionId, ct));
        var chair = first.Seats.Single(x => x.Number == 1).MemberId;
        foreach (var (_, user) in members.Take(3))
        {
            var actor = await ActorAsync(user);
            await As<EvaluationService>(s => s.VoteAsync(actor, run.SessionId, chair, ct));
        }
    }

    /// <summary>The chair passes every bid in the review; each member commits the same marks (none flagged); all sign: the report is issued (step 13).</summary>
    private async Task EvaluateAsync(Run run, CancellationToken ct)
    {
        var members = await MembersAsync(run, ct);
        var actors = new List<Actor>();
        foreach (var (_, user) in members) actors.Add(await ActorAsync(user));
        var (chair, chairRoom) = (actors[0], (RoomView?)null);
        foreach (var a in actors)
        {
            var room = await As<EvaluationService, RoomView>(s => s.RoomAsync(a, run.SessionId, ct));
            if (room.IAmChair)
            {
                (chair, chairRoom) = (a, room);
                break;
            }
        }
        foreach (var bid in chairRoom!.Opened)
            await As<EvaluationService>(s => s.ReviewAsync(chair, run.SessionId, bid.BidId, chairRoom.Scheme.ReviewItems.Select(r => new ReviewInput(r.Code, true, null, null)).ToList(), ct));
        foreach (var a in actors)
        {
            var room = await As<EvaluationService, RoomView>(s => s.RoomAsync(a, run.SessionId, ct));
            // Marks fall with the price order (the cheaper bid a little better on paper too), the same from every member.
            var ordered = room.Bids.OrderBy(b => b.PriceFen).ToList();
            var scores = (from b in ordered
                          from item in room.Scheme.ExpertItems
                          select new ItemScore(b.BidId, item.Code, Math.Floor(item.MaxPoints * (0.9m - 0.05m * ordered.IndexOf(b))))).ToList();
            await As<EvaluationService, ScoreSheet>(s => s.CommitAsync(a, run.SessionId, new ScoreSheetContent(room.MemberId, scores, []), ct));
        }
        foreach (var a in actors)
        {
            // Each member's own signature as their browser would make it (DemoMemberSigning: the key is made in-process for the demo only).
            var room = await As<EvaluationService, RoomView>(s => s.RoomAsync(a, run.SessionId, ct));
            await As<EvaluationService, ReportSignature>(s => s.SignAsync(a, run.SessionId, DemoSeeder.Password, null, null, DemoMemberSigning.For(room, null), ct));
        }
    }

    /// <summary>The owner awards the lot to the first candidate of the publicity (step 16); the notices go out.</summary>
    private async Task AwardAsync(Run run, CancellationToken ct)
    {
        var owner = await ActorAsync(run.Plan.Owner);
        var (lotId, bidId) = await As<TradingDbContext, (Guid, Guid)>(async db =>
        {
            var c = await db.Set<CandidatePublicity>().Where(p => p.TenderId == run.TenderId).SelectMany(p => p.Candidates).OrderBy(c => c.Rank).FirstAsync(ct);
            return (c.LotId, c.BidId);
        });
        await As<AwardService, LotAward>(s => s.AwardAsync(owner, run.TenderId, lotId, bidId, null, ct));
    }

    private Task<List<(Guid MemberId, string User)>> MembersAsync(Run run, CancellationToken ct) =>
        As<TradingDbContext, List<(Guid, string)>>(async db => (await (from m in db.Set<CommitteeMember>()
                                                                       join e in db.Set<PoolExpert>() on m.ExpertId equals e.Id
                                                                       join u in db.Users on e.UserId equals u.Id
                                                                       where m.SessionId == run.SessionId && (m.Status == CommitteeMemberStatus.Invited || m.Status == CommitteeMemberStatus.Accepted)
                                                                       orderby m.Pseudonym
                                                                       select new { m.Id, u.UserName }).ToListAsync(ct)).Select(x => (x.Id, x.UserName!)).ToList());

    private Task<string> OwnerUserAsync(Run run, CancellationToken ct) => As<TradingDbContext, string>(async db =>
    {
        var org = await db.Tenders.Where(t => t.Id == run.TenderId).Select(t => t.OwnerOrganisationId).SingleAsync(ct);
        return (await db.Users.Where(u => u.OrganisationId == org).OrderBy(u => u.UserName).Select(u => u.UserName).FirstAsync(ct))!;
    });

    /// <summary>A demo user as a signed-in request would carry them: roles from the database, the address they came from.</summary>
    private Task<Actor> ActorAsync(string userName, string? ip = null) => As<TradingDbContext, Actor>(async db =>
    {
        var u = await db.Users.SingleAsync(x => x.UserName == userName);
        var roles = await (from ur in db.UserRoles join r in db.Roles on ur.RoleId equals r.Id where ur.UserId == u.Id select r.Name!).ToListAsync();
        return new Actor(u.Id, userName, u.OrganisationId, roles.ToHashSet(StringComparer.Ordinal), ip ?? "127.0.0.1");
    });

    private async Task<T> As<TService, T>(Func<TService, Task<T>> act) where TService : notnull
    {
        await using var scope = scopes.CreateAsyncScope();
        return await act(scope.ServiceProvider.GetRequiredService<TService>());
    }

    private async Task As<TService>(Func<TService, Task> act) where TService : notnull
    {
        await using var scope = scopes.CreateAsyncScope();
        await act(scope.ServiceProvider.GetRequiredService<TService>());
    }

    private static string Honest(int seed, string lead) => lead + Filler(seed);

    private static string Filler(int seed) => string.Concat(Enumerable.Range(0, 6).Select(i => $"第{seed}-{i}项：{(char)('甲' + (seed * 7 + i) % 10)}区段按计划于第{seed * 3 + i}周完成。"));

    /// <summary>The bid package as the sealing page zips it: the opening form and the method statement.</summary>
    private static byte[] BidZip(Offer o)
    {
        using var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
        {
            using (var w = new StreamWriter(zip.CreateEntry("bid-form.json").Open(), new UTF8Encoding(false)))
                w.Write(JsonSerializer.Serialize(new { priceYuan = o.PriceYuan, durationDays = 365, projectManager = o.Manager, projectManagerId = o.ManagerId, keyStaff = "技术负责人 1 名", bondAccount = o.BondAccount }));
            using (var w = new StreamWriter(zip.CreateEntry("files/施工组织设计.txt").Open(), new UTF8Encoding(false)))
                w.Write(o.Method);
        }
        return ms.ToArray();
    }
}
