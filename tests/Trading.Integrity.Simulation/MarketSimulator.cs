using System.Collections.Immutable;
using System.Globalization;
using System.IO.Compression;
using System.Security;
using System.Text;
using Bogus;
using Trading.Integrity.Model;

namespace Trading.Integrity.Simulation;

/// <summary>Shape of a simulated market.</summary>
public sealed record MarketOptions
{
    /// <summary>Seed; the same seed gives the same market, byte for byte.</summary>
    public int Seed { get; init; } = 20260101;
    /// <summary>Years simulated.</summary>
    public int Years { get; init; } = 2;
    /// <summary>Lots per year.</summary>
    public int LotsPerYear { get; init; } = 250;
    /// <summary>Honest firms.</summary>
    public int HonestFirms { get; init; } = 160;
    /// <summary>Share of lots with 3 or 4 bids.</summary>
    public double ThinLotShare { get; init; } = 0.25;
    /// <summary>Share of lots that get one planted lot-level case.</summary>
    public double PlantedLotShare { get; init; } = 0.3;
    /// <summary>Rotation cartels (4 firms each).</summary>
    public int RotationGroups { get; init; } = 3;
    /// <summary>Cover-bidding groups (a favoured firm and two covers).</summary>
    public int CoverGroups { get; init; } = 3;
    /// <summary>Pairs of related firms (same legal representative, control, management).</summary>
    public int RelatedPairs { get; init; } = 6;
    /// <summary>Late-withdrawal pairs.</summary>
    public int WithdrawalPairs { get; init; } = 3;
    /// <summary>Generate attachments (text, DOCX, PDF). Off for large history benchmarks.</summary>
    public bool WithDocuments { get; init; } = true;
    /// <summary>Regional rotation rings (4 regional firms in a closed market, cover bids 3-8 % above the designated winner).</summary>
    public int RegionalRings { get; init; } = 1;
    /// <summary>Cartels that add about 5 % to their prices whenever two or more members meet in a lot.</summary>
    public int MarkupCartels { get; init; } = 1;
    /// <summary>Build the honest look-alikes (template vendors, makers' brochures, registration agencies, consultants,
    /// sister companies, staff who move, software defaults, reference lines naming competitors).</summary>
    public bool LookAlikes { get; init; } = true;
    /// <summary>Market-allocation pairs: two regional firms in the city split its buyers and stay out of each other's lots.</summary>
    public int AllocationPairs { get; init; } = 1;
}

/// <summary>A generated market: firms, lots with bids and documents, the history, and the planted cases.</summary>
public sealed record SimulatedMarket(
    MarketOptions Options,
    IReadOnlyList<RegisteredFirm> Firms,
    IReadOnlyList<OpenedLot> Lots,
    MarketHistory History,
    IReadOnlyList<PlantedCase> Cases);

/// <summary>
/// Seeded market simulator: honest firms bid by cost with noise; cartels of every kind in docs/design/COLLUSION.md are planted
/// and recorded as ground truth. Honest noise is deliberate (shared carrier networks, common author names,
/// placeholder serials, market boilerplate, tender templates) so that false positives can be measured.
/// </summary>
public static class MarketSimulator
{
    private static readonly ImmutableArray<string> Categories = ["works/roads", "works/buildings", "works/water", "goods/equipment"];
    private static readonly ImmutableArray<string> Suffixes = ["建设工程有限公司", "建筑有限公司", "市政工程有限公司", "路桥工程有限公司", "水利工程有限公司", "设备有限公司"];
    private static readonly ImmutableArray<string> Syllables = ["华", "建", "宏", "盛", "恒", "泰", "鑫", "达", "源", "信", "诚", "安", "隆", "中", "天", "正", "德", "科", "捷", "远", "通", "利", "祥", "瑞"];
    private static readonly ImmutableArray<string> Words = [.. new Faker("en") { Random = new Randomizer(7) }.Lorem.Words(400).Distinct()];
    private static readonly ImmutableArray<string> GenericAuthors = ["Administrator", "微软用户", "User", "Microsoft Office User"];
    /// <summary>Defaults of installed systems that no built-in list knows; only their frequency among unrelated firms tells.</summary>
    private static readonly ImmutableArray<string> SoftwareDefaults = ["Lenovo User", "PC-20230101", "YlmF-PC", "MC SYSTEM", "Windows 用户", "HP Inc.", "WPS_1590000000"];
    private static readonly ImmutableArray<string> Regions = ["R01", "R02", "R03", "R04", "R05", "R06"];

    /// <summary>What honest bids draw on besides the firm itself: carrier networks, the other firms, who won recently.</summary>
    private sealed class World
    {
        public required string[] Cgnat { get; init; }
        public required List<FirmProfile> Firms { get; init; }
        public Dictionary<FirmProfile, List<DateTimeOffset>> Wins { get; } = [];
        public bool LookAlikes { get; init; }

        /// <summary>Jobs won in the 120 days before a date: the firm's backlog, which raises its costs (capacity).</summary>
        public int Backlog(FirmProfile firm, DateTimeOffset at) =>
            Wins.TryGetValue(firm, out var list) ? list.Count(d => d < at && d > at.AddDays(-120)) : 0;
    }

    private sealed class FirmProfile
    {
        public required RegisteredFirm Firm { get; set; }
        public required int Index { get; init; }
        public required string[] Categories { get; init; }
        public double Activity { get; init; }
        public double Efficiency { get; set; }
        public required BidAgent Agent { get; init; }
        public required string[] ProjectManagers { get; init; }
        public required MachineFingerprint[] Machines { get; init; }
        public required string OfficeIp { get; init; }
        public required string Author { get; set; }
        public required string Profile { get; init; }
        public required int[] Boilerplate { get; init; }
        public int Format { get; init; } // 0 txt, 1 docx, 2 pdf
        public bool Honest { get; init; } = true;
        public required string Region { get; init; }
        /// <summary>Bids outside its home region too (at a distance cost); regional firms do not.</summary>
        public bool National { get; init; }
        /// <summary>Jobs it can carry at once; with a full backlog it does not bid (an honest abstention).</summary>
        public int Capacity { get; init; } = 4;
        public BidAttachment? VendorFile { get; set; }
        public BidAttachment? Brochure { get; set; }
        public string? ConsultantText { get; set; }
    }

    private sealed class BidDraft
    {
        public required FirmProfile Firm { get; init; }
        public decimal Price { get; set; }
        public HistoricBidStatus Status { get; set; } = HistoricBidStatus.Valid;
        public BidAgent Agent { get; set; } = new();
        public string ProjectManager { get; set; } = "";
        public MachineFingerprint Machine { get; set; } = new();
        public List<UploadEvent> Uploads { get; } = [];
        public List<BondPayment> Bonds { get; } = [];
        public List<PriceItem> Items { get; set; } = [];
        public List<string> OwnWords { get; set; } = [];
        public List<string> ExtraText { get; } = [];
        public string Author { get; set; } = "";
        public BidDraft? CarriesFileOf { get; set; }
        public BidAttachment? Proposal { get; set; }
    }

    private sealed class LotDraft
    {
        public required string LotId { get; init; }
        public required string Category { get; init; }
        public required decimal Estimate { get; init; }
        public required DateTimeOffset OpenedAt { get; init; }
        public required double[] ItemBase { get; init; }
        public required string Region { get; init; }
        public required string Buyer { get; init; }
        public required decimal ControlPrice { get; init; }
        public List<BidDraft> Bids { get; } = [];
        public bool Reserved { get; set; }
        public string TemplateText { get; set; } = "";
        public List<Subcontract> Subcontracts { get; } = [];
        public string? ForcedWinner { get; set; }
    }

    /// <summary>Generates a market.</summary>
    public static SimulatedMarket Generate(MarketOptions? options = null)
    {
        options ??= new MarketOptions();
        var f = new Faker("zh_CN") { Random = new Randomizer(options.Seed) };
        var lorem = new Faker("en") { Random = new Randomizer(options.Seed + 1) };
        var cases = new List<PlantedCase>();
        var usedNames = new List<string>();
        var serial = 0;
        string Unique(string prefix, int digits) => prefix + (++serial).ToString(CultureInfo.InvariantCulture).PadLeft(digits, '0') + f.Random.Replace(new string('#', 4));

        var boilerplate = Enumerable.Range(0, 40).Select(_ => string.Join(' ', lorem.Lorem.Words(14))).ToArray();
        var cgnat = Enumerable.Range(0, 8).Select(_ => $"100.{f.Random.Int(64, 127)}.{f.Random.Int(0, 255)}").ToArray();

        FirmProfile NewFirm(bool honest, string[]? cats = null, string? region = null, bool? national = null)
        {
            var home = region ?? Regions[f.Random.Int(0, Regions.Length - 1)];
            var index = usedNames.Count;
            string name;
            do
            {
                name = f.Address.City().Replace("市", "", StringComparison.Ordinal) + Pick(f, Syllables) + Pick(f, Syllables) + Pick(f, Suffixes);
            }
            while (usedNames.Any(n => n.Contains(name, StringComparison.Ordinal) || name.Contains(n, StringComparison.Ordinal)));
            usedNames.Add(name);
            var id = $"F{index + 1:D4}";
            var personal = f.Random.Double() < 0.6;
            var firm = new RegisteredFirm
            {
                FirmId = id,
                Name = name,
                CreditCode = "91" + Unique("", 6) + f.Random.Replace("#######"),
                LegalRepresentativeIdNumber = Unique("LR", 8),
                LegalRepresentativeName = f.Name.FullName(),
                Shareholders = [new RegisteredShareholder(Unique("SH", 8), f.Name.FullName(), 70m), new RegisteredShareholder(Unique("SH", 8), f.Name.FullName(), 30m)],
                ManagerIdNumbers = [Unique("MG", 8)],
                Phones = ["0" + Unique("", 9)],
                Emails = [$"office{index + 1}@{f.Random.Replace("????").ToLowerInvariant()}.cn"],
                BasicAccount = "6222" + Unique("", 10),
                Region = home,
            };
            return new FirmProfile
            {
                Firm = firm,
                Index = index,
                Honest = honest,
                Categories = cats ?? f.Random.Shuffle(Categories).Take(f.Random.Int(1, 2)).ToArray(),
                Activity = Math.Exp(Gauss(f) * 0.6),
                Efficiency = 0.97 + Gauss(f) * 0.025,
                Agent = new BidAgent(Unique("AG", 8), f.Name.FullName(), "13" + Unique("", 9), $"agent{index + 1}@mail{f.Random.Int(1, 9)}.cn", $"acct-{id}", name),
                ProjectManagers = [Unique("PM", 8), Unique("PM", 8), Unique("PM", 8)],
                Machines = Enumerable.Range(0, 2).Select(_ => new MachineFingerprint(
                    f.Random.Hexadecimal(12, "").ToUpperInvariant(),
                    "WD-" + Unique("", 6),
                    f.Random.Double() < 0.15 ? "To be filled by O.E.M." : f.Random.Hexadecimal(16, "").ToUpperInvariant(),
                    "DG" + Unique("", 6))).ToArray(),
                OfficeIp = $"{f.Random.Int(1, 99)}.{f.Random.Int(0, 255)}.{f.Random.Int(0, 255)}.{f.Random.Int(1, 254)}",
                Author = personal ? f.Name.FullName() : Pick(f, GenericAuthors),
                Profile = $"{name} " + string.Join(' ', lorem.Lorem.Words(60)),
                Boilerplate = f.Random.Shuffle(Enumerable.Range(0, boilerplate.Length)).Take(5).ToArray(),
                // Most bids are Word files; PDFs are fewer here because they are the slowest to build and read.
                Format = f.Random.Double() switch { < 0.35 => 0, < 0.85 => 1, _ => 2 },
                Region = home,
                National = national ?? f.Random.Double() < 0.35,
                Capacity = f.Random.Int(2, 6),
            };
        }

        var firms = Enumerable.Range(0, options.HonestFirms).Select(_ => NewFirm(true)).ToList();
        var world = new World { Cgnat = cgnat, Firms = firms, LookAlikes = options.LookAlikes };
        var movers = new List<(FirmProfile From, FirmProfile To)>();
        if (options.LookAlikes)
        {
            AddLookAlikes(f, lorem, firms, movers);
        }

        // Lots with honest bidders.
        var lots = new List<LotDraft>();
        var start = new DateTimeOffset(2023, 1, 1, 9, 0, 0, TimeSpan.FromHours(8));
        var totalLots = options.Years * options.LotsPerYear;
        for (var l = 0; l < totalLots; l++)
        {
            var category = Pick(f, Categories);
            // The first region is the city, with about a third of the lots; the others are counties.
            var region = f.Random.Double() < 0.3 ? Regions[0] : Regions[f.Random.Int(1, Regions.Length - 1)];
            var estimate = Math.Round((decimal)Math.Exp(f.Random.Double(Math.Log(1e6), Math.Log(5e7))) / 1000m, 0) * 1000m;
            if (l == totalLots / 2)
            {
                // Staff move half-way: the person's name stays in the old firm's files and now fills the new firm's too.
                foreach (var (from, to) in movers) to.Author = from.Author;
            }
            var lot = new LotDraft
            {
                Region = region,
                Buyer = $"BUY-{region}-{f.Random.Int(1, 5)}",
                ControlPrice = Math.Round(estimate * (decimal)f.Random.Double(1.0, 1.08), 0),
                LotId = $"Y{l / options.LotsPerYear + 1}-L{l % options.LotsPerYear + 1:D4}",
                Category = category,
                Estimate = estimate,
                OpenedAt = start.AddDays(365.0 * options.Years * l / totalLots).AddHours(f.Random.Int(0, 6)),
                ItemBase = Enumerable.Range(0, 10).Select(_ => Math.Exp(Math.Log(500) + Gauss(f) * 1.2)).ToArray(),
            };
            var n = f.Random.Double() < options.ThinLotShare ? f.Random.Int(3, 4) : f.Random.Double() < 0.85 ? f.Random.Int(5, 10) : f.Random.Int(11, 18);
            // Regional firms bid at home; national ones anywhere; a firm whose backlog is full abstains.
            var pool = firms.Where(x => x.Categories.Contains(category) && (x.National || x.Region == region) &&
                                        world.Backlog(x, lot.OpenedAt) < x.Capacity).ToList();
            foreach (var firm in WeightedSample(f, pool, Math.Min(n, pool.Count)))
            {
                lot.Bids.Add(HonestBid(f, firm, lot, world));
            }
            if (lot.Bids.MinBy(b => b.Price) is { } provisional)
            {
                if (!world.Wins.TryGetValue(provisional.Firm, out var won))
                {
                    world.Wins[provisional.Firm] = won = [];
                }
                won.Add(lot.OpenedAt);
            }
            lots.Add(lot);
        }

        var caseNo = 0;
        void Case(CartelKind kind, string indicator, Grade grade, string? lotId, IEnumerable<string> firmIds) =>
            cases.Add(new PlantedCase($"C{++caseNo:D4}", kind, indicator, grade, lotId, firmIds.Order(StringComparer.Ordinal).ToArray()));

        // Persistent cartels: rotation groups.
        for (var g = 0; g < options.RotationGroups; g++)
        {
            var cat = Categories[g % Categories.Length];
            var members = Enumerable.Range(0, 4).Select(_ => NewFirm(false, [cat])).ToList();
            firms.AddRange(members);
            var groupLots = lots.Where(x => x.Category == cat && !x.Reserved && x.Bids.Count >= 3).OrderBy(_ => f.Random.Double()).Take(30).ToList();
            var turn = 0;
            foreach (var lot in groupLots)
            {
                lot.Reserved = true;
                var present = members.Where(_ => f.Random.Double() < 0.85).ToList();
                if (present.Count < 2) present = members.Take(2).ToList();
                var winner = present[turn++ % present.Count];
                var honestMin = lot.Bids.Min(b => b.Price);
                foreach (var m in present)
                {
                    var bid = HonestBid(f, m, lot, world);
                    bid.Price = m == winner ? Math.Round(honestMin * (decimal)f.Random.Double(0.975, 0.99), 0)
                                            : Math.Round(lot.Estimate * (decimal)f.Random.Double(1.03, 1.09), 0);
                    lot.Bids.Add(bid);
                }
                Case(CartelKind.Rotation, "", Grade.Lead, lot.LotId, present.Select(m => m.Firm.FirmId));
            }
            Case(CartelKind.Rotation, "H1", Grade.Lead, null, members.Select(m => m.Firm.FirmId));
            Case(CartelKind.Rotation, "H3", Grade.Lead, null, members.Select(m => m.Firm.FirmId));
        }

        // Persistent cartels: a favoured firm and two covers that follow it and never win.
        for (var g = 0; g < options.CoverGroups; g++)
        {
            var cat = Categories[(g + 1) % Categories.Length];
            var favoured = NewFirm(false, [cat]);
            favoured.Efficiency = 0.95;
            var covers = new[] { NewFirm(false, [cat]), NewFirm(false, [cat]) };
            firms.Add(favoured);
            firms.AddRange(covers);
            foreach (var lot in lots.Where(x => x.Category == cat && !x.Reserved && x.Bids.Count >= 3).OrderBy(_ => f.Random.Double()).Take(45))
            {
                lot.Reserved = true;
                var fav = HonestBid(f, favoured, lot, world);
                lot.Bids.Add(fav);
                foreach (var c in covers)
                {
                    var bid = HonestBid(f, c, lot, world);
                    bid.Price = Math.Round(Math.Max(fav.Price, lot.Bids.Max(b => b.Price)) * (decimal)f.Random.Double(1.01, 1.05), 0);
                    lot.Bids.Add(bid);
                }
                Case(CartelKind.CoverBidding, "", Grade.Lead, lot.LotId, covers.Append(favoured).Select(m => m.Firm.FirmId));
            }
            foreach (var c in covers)
            {
                Case(CartelKind.CoverBidding, "H2", Grade.Lead, null, [c.Firm.FirmId, favoured.Firm.FirmId]);
            }
            Case(CartelKind.CoverBidding, "H3", Grade.Lead, null, covers.Append(favoured).Select(m => m.Firm.FirmId));
        }

        // A rotation ring in a closed regional market: four regional firms take turns, covers 3-8 % above the designated
        // winner; outsiders still bid and win some lots, and the members also bid apart, honestly, in other lots.
        for (var g = 0; g < options.RegionalRings; g++)
        {
            var cat = Categories[(g + 2) % Categories.Length];
            var region = Regions[g % Regions.Length];
            var members = Enumerable.Range(0, 4).Select(_ => NewFirm(false, [cat], region, false)).ToList();
            firms.AddRange(members);
            var ringLots = lots.Where(x => x.Category == cat && x.Region == region && !x.Reserved && x.Bids.Count >= 3)
                .OrderBy(_ => f.Random.Double()).Take(30).ToList();
            var turn = 0;
            foreach (var lot in ringLots)
            {
                lot.Reserved = true;
                var present = members.Where(_ => f.Random.Double() < 0.8).ToList();
                if (present.Count < 2) present = members.OrderBy(_ => f.Random.Double()).Take(2).ToList();
                var winner = present[turn++ % present.Count];
                var designated = HonestBid(f, winner, lot, world);
                lot.Bids.Add(designated);
                foreach (var m in present.Where(m => m != winner))
                {
                    var bid = HonestBid(f, m, lot, world);
                    bid.Price = Math.Round(designated.Price * (decimal)f.Random.Double(1.03, 1.08), 0);
                    lot.Bids.Add(bid);
                }
                Case(CartelKind.RegionalRing, "", Grade.Lead, lot.LotId, present.Select(m => m.Firm.FirmId));
            }
            foreach (var m in members)
            {
                foreach (var lot in lots.Where(x => x.Category == cat && !x.Reserved && x.Bids.Count >= 3 && x.Bids.All(b => !members.Contains(b.Firm)))
                             .OrderBy(_ => f.Random.Double()).Take(10))
                {
                    lot.Bids.Add(HonestBid(f, m, lot, world));
                    Case(CartelKind.RegionalRing, "", Grade.Lead, lot.LotId, [m.Firm.FirmId]);
                }
            }
            var ids = members.Select(m => m.Firm.FirmId).ToList();
            Case(CartelKind.RegionalRing, "H1", Grade.Lead, null, ids);
            Case(CartelKind.RegionalRing, "H6", Grade.Lead, null, ids);
            Case(CartelKind.RegionalRing, "H8", Grade.Lead, null, ids);
        }

        // A cartel that only adds about 5 % when members meet: each member bids honestly alone, and with a mark-up together.
        for (var g = 0; g < options.MarkupCartels; g++)
        {
            var cat = Categories[(g + 3) % Categories.Length];
            var region = Regions[(g + 1) % Regions.Length];
            var members = Enumerable.Range(0, 4).Select(_ => NewFirm(false, [cat], region, false)).ToList();
            firms.AddRange(members);
            foreach (var lot in lots.Where(x => x.Category == cat && !x.Reserved && x.Bids.Count >= 3).OrderBy(_ => f.Random.Double()).Take(50))
            {
                lot.Reserved = true;
                var present = f.Random.Double() < 0.4 ? [members[f.Random.Int(0, 3)]] : members.OrderBy(_ => f.Random.Double()).Take(f.Random.Int(2, 3)).ToList();
                foreach (var m in present)
                {
                    var bid = HonestBid(f, m, lot, world);
                    if (present.Count >= 2)
                    {
                        bid.Price = Math.Round(bid.Price * (decimal)f.Random.Double(1.04, 1.06), 0);
                    }
                    lot.Bids.Add(bid);
                }
                Case(CartelKind.MeetingMarkup, "", Grade.Lead, lot.LotId, present.Select(m => m.Firm.FirmId));
            }
            Case(CartelKind.MeetingMarkup, "H6", Grade.Lead, null, members.Select(m => m.Firm.FirmId));
        }

        // Late withdrawals: a firm withdraws after the deadline in lots that the same partner wins.
        for (var g = 0; g < options.WithdrawalPairs; g++)
        {
            var withdrawer = NewFirm(false);
            firms.Add(withdrawer);
            var targets = lots.Where(x => !x.Reserved && x.Bids.Count >= 4).OrderBy(_ => f.Random.Double()).Take(3).ToList();
            var partner = targets[0].Bids[0].Firm;
            foreach (var lot in targets)
            {
                lot.Reserved = true;
                if (!lot.Bids.Any(b => b.Firm == partner))
                {
                    lot.Bids.RemoveAt(0);
                    lot.Bids.Add(HonestBid(f, partner, lot, world));
                }
                lot.ForcedWinner = partner.Firm.FirmId;
                lot.Bids.First(b => b.Firm == partner).Price = Math.Round(lot.Bids.Min(b => b.Price) * 0.98m, 0);
                var w = HonestBid(f, withdrawer, lot, world);
                w.Price = Math.Round(lot.Bids.Min(b => b.Price) * 0.95m, 0);
                w.Status = f.Random.Bool() ? HistoricBidStatus.WithdrawnAfterDeadline : HistoricBidStatus.WithdrawnAfterOpening;
                lot.Bids.Add(w);
            }
            Case(CartelKind.LateWithdrawal, "H4", Grade.Lead, null, [withdrawer.Firm.FirmId, partner.Firm.FirmId]);
        }

        // Related firms (registry links), planted into lots together.
        var related = new List<(FirmProfile A, FirmProfile B, CartelKind Kind, Grade Grade)>();
        for (var g = 0; g < options.RelatedPairs; g++)
        {
            var a = firms[f.Random.Int(0, options.HonestFirms - 1)];
            var cat = a.Categories[0];
            var b = NewFirm(false, [cat]);
            b.Firm = (g % 4) switch
            {
                0 => b.Firm with { LegalRepresentativeIdNumber = a.Firm.LegalRepresentativeIdNumber, LegalRepresentativeName = a.Firm.LegalRepresentativeName },
                1 => b.Firm with { Shareholders = [new RegisteredShareholder(a.Firm.CreditCode!, a.Firm.Name, 60m), b.Firm.Shareholders[1]] },
                2 => b.Firm with { ManagerIdNumbers = [a.Firm.LegalRepresentativeIdNumber!] },
                _ => b.Firm with { Shareholders = [a.Firm.Shareholders[0], b.Firm.Shareholders[1]] },
            };
            var (kind, grade) = g % 4 == 3 ? (CartelKind.CommonController, Grade.Lead) : (CartelKind.RelatedFirms, Grade.Conclusive);
            firms.Add(b);
            related.Add((a, b, kind, grade));
            foreach (var lot in lots.Where(x => x.Category == cat && !x.Reserved && x.Bids.Count >= 3).OrderBy(_ => f.Random.Double()).Take(3))
            {
                lot.Reserved = true;
                if (!lot.Bids.Any(x => x.Firm == a))
                {
                    lot.Bids[0] = HonestBid(f, a, lot, world);
                }
                lot.Bids.Add(HonestBid(f, b, lot, world));
            }
        }

        // One lot-level case in a share of the remaining lots, cycling through the kinds.
        CartelKind[] lotKinds =
        [
            CartelKind.SameMachine, CartelKind.SameMachinePartial, CartelKind.SameUploadAddress, CartelKind.SameAgent,
            CartelKind.SharedProjectManager, CartelKind.CopiedDocuments, CartelKind.IdenticalAttachment, CartelKind.SameAuthor,
            CartelKind.RegularPriceSteps, CartelKind.LinearPriceList, CartelKind.MixedDocuments, CartelKind.SameBondAccount,
            CartelKind.BondNotOwnAccount, CartelKind.CloseToWinner, CartelKind.WholeLotCover, CartelKind.SubcontractToLoser,
        ];
        if (!options.WithDocuments)
        {
            lotKinds = lotKinds.Where(k => k is not (CartelKind.CopiedDocuments or CartelKind.IdenticalAttachment or CartelKind.SameAuthor or CartelKind.MixedDocuments)).ToArray();
        }
        var next = 0;
        foreach (var lot in lots.Where(x => !x.Reserved))
        {
            if (f.Random.Double() >= options.PlantedLotShare)
            {
                continue;
            }
            var kind = lotKinds[next % lotKinds.Length];
            if ((kind == CartelKind.WholeLotCover && lot.Bids.Count < 5) ||
                (kind == CartelKind.SameAuthor && lot.Bids.Count(x => x.Firm.Format != 0) < 2))
            {
                continue;
            }
            next++;
            lot.Reserved = true;
            // Plain text has no document properties, so an author can only be shared through Word or PDF files.
            var pick = f.Random.Shuffle(kind == CartelKind.SameAuthor ? lot.Bids.Where(x => x.Firm.Format != 0) : lot.Bids).Take(2).ToArray();
            var (a, b) = (pick[0], pick[1]);
            string[] pair = [a.Firm.Firm.FirmId, b.Firm.Firm.FirmId];
            switch (kind)
            {
                case CartelKind.SameMachine:
                    b.Machine = a.Machine;
                    Case(kind, "L1", Grade.Conclusive, lot.LotId, pair);
                    break;
                case CartelKind.SameMachinePartial:
                    b.Machine = b.Machine with { DongleSerial = a.Machine.DongleSerial };
                    Case(kind, "L1", Grade.Lead, lot.LotId, pair);
                    break;
                case CartelKind.SameUploadAddress:
                    b.Uploads.Clear();
                    b.Uploads.Add(a.Uploads[0] with { At = a.Uploads[0].At.AddMinutes(f.Random.Int(1, 20)) });
                    Case(kind, "L1b", Grade.Lead, lot.LotId, pair);
                    break;
                case CartelKind.SameAgent:
                    // The same authorised representative is the art. 40 fact; a shared phone alone is only a lead.
                    var whole = f.Random.Bool();
                    b.Agent = whole ? a.Agent : b.Agent with { Phone = a.Agent.Phone };
                    Case(kind, "L2", whole ? Grade.Conclusive : Grade.Lead, lot.LotId, pair);
                    break;
                case CartelKind.SharedProjectManager:
                    b.ProjectManager = a.ProjectManager;
                    Case(kind, "L3", Grade.Conclusive, lot.LotId, pair);
                    break;
                case CartelKind.CopiedDocuments:
                    var from = f.Random.Int(0, 40);
                    b.OwnWords.InsertRange(f.Random.Int(0, b.OwnWords.Count), a.OwnWords.Skip(from).Take(f.Random.Int(50, 80)));
                    Case(kind, "L4a", Grade.Lead, lot.LotId, pair);
                    break;
                case CartelKind.IdenticalAttachment:
                    b.CarriesFileOf = a;
                    Case(kind, "L4a", Grade.Conclusive, lot.LotId, pair);
                    break;
                case CartelKind.SameAuthor:
                    a.Author = "user-" + f.Random.Replace("????##").ToLowerInvariant();
                    b.Author = a.Author;
                    Case(kind, "L4a", Grade.Lead, lot.LotId, pair);
                    break;
                case CartelKind.RegularPriceSteps:
                    var steppers = lot.Bids.OrderBy(_ => f.Random.Double()).Take(Math.Min(4, lot.Bids.Count)).ToList();
                    var top = lot.Bids.Except(steppers).Select(x => x.Price).DefaultIfEmpty(lot.Estimate).Max();
                    var step = top * (decimal)f.Random.Double(0.008, 0.02);
                    for (var i = 0; i < steppers.Count; i++)
                    {
                        steppers[i].Price = Math.Round(top * 1.01m + step * i, 0);
                    }
                    Case(kind, "L4b", Grade.Lead, lot.LotId, steppers.Select(x => x.Firm.Firm.FirmId));
                    break;
                case CartelKind.LinearPriceList:
                    var factor = (decimal)f.Random.Double(1.02, 1.06);
                    b.Items = a.Items.Select(i => i with { UnitPrice = Math.Round(i.UnitPrice * factor, 2) }).ToList();
                    Case(kind, "L4b", Grade.Lead, lot.LotId, pair);
                    break;
                case CartelKind.MixedDocuments:
                    b.ExtraText.Add(b.Firm.Format == 2 ? $"Bidder credit code {a.Firm.Firm.CreditCode}" : $"投标人：{a.Firm.Firm.Name}（盖章）");
                    Case(kind, "L5", Grade.Conclusive, lot.LotId, pair);
                    break;
                case CartelKind.SameBondAccount:
                    b.Bonds.Clear();
                    b.Bonds.Add(a.Bonds[0]);
                    Case(kind, "L6", Grade.Conclusive, lot.LotId, pair);
                    break;
                case CartelKind.BondNotOwnAccount:
                    b.Bonds.Clear();
                    b.Bonds.Add(new BondPayment("6228" + Unique("", 10), lot.Estimate * 0.02m, lot.OpenedAt.AddDays(-3), f.Name.FullName()));
                    Case(kind, "L6", Grade.Conclusive, lot.LotId, [b.Firm.Firm.FirmId]);
                    break;
                case CartelKind.CloseToWinner:
                    var low = lot.Bids.MinBy(x => x.Price)!;
                    var partner = lot.Bids.First(x => x != low);
                    partner.Price = Math.Round(low.Price * (decimal)f.Random.Double(1.00002, 1.0003), 0);
                    Case(kind, "H5", Grade.Lead, lot.LotId, [low.Firm.Firm.FirmId, partner.Firm.Firm.FirmId]);
                    break;
                case CartelKind.WholeLotCover:
                    var winner = lot.Bids.MinBy(x => x.Price)!;
                    foreach (var x in lot.Bids.Where(x => x != winner))
                    {
                        x.Price = Math.Round(winner.Price * (decimal)f.Random.Double(1.06, 1.075), 0);
                    }
                    Case(kind, "PS", Grade.Lead, lot.LotId, lot.Bids.Select(x => x.Firm.Firm.FirmId));
                    break;
                case CartelKind.SubcontractToLoser:
                    var w = lot.Bids.MinBy(x => x.Price)!;
                    var loser = lot.Bids.First(x => x != w);
                    lot.Subcontracts.Add(new Subcontract(w.Firm.Firm.FirmId, loser.Firm.Firm.FirmId, Math.Round(w.Price * 0.3m, 0)));
                    Case(kind, "H4", Grade.Lead, lot.LotId, [w.Firm.Firm.FirmId, loser.Firm.Firm.FirmId]);
                    break;
                default:
                    throw new InvalidOperationException($"kind {kind} is not a lot-level kind");
            }
        }

        // Honest noise that happens in real markets: late withdrawals at random, subcontracts to outsiders.
        foreach (var lot in lots)
        {
            foreach (var bid in lot.Bids.Where(b => b.Firm.Honest && b.Status == HistoricBidStatus.Valid))
            {
                if (f.Random.Double() < 0.01)
                {
                    bid.Status = HistoricBidStatus.WithdrawnAfterDeadline;
                }
            }
            if (f.Random.Double() < 0.05)
            {
                var outsider = firms[f.Random.Int(0, options.HonestFirms - 1)];
                if (lot.Bids.All(b => b.Firm != outsider) && WinnerOf(lot) is { } win)
                {
                    lot.Subcontracts.Add(new Subcontract(win.Firm.Firm.FirmId, outsider.Firm.FirmId));
                }
            }
        }

        // Related-firm cases are every lot where a related pair meets, planted or by chance.
        foreach (var lot in lots)
        {
            foreach (var (a, b, kind, grade) in related)
            {
                if (lot.Bids.Any(x => x.Firm == a) && lot.Bids.Any(x => x.Firm == b))
                {
                    Case(kind, "L7", grade, lot.LotId, [a.Firm.FirmId, b.Firm.FirmId]);
                }
            }
        }

        // Market allocation, planted last so every earlier draw (and so every other case) stays as it was: two city firms split
        // the city's buyers in one category, each bidding (honestly priced, a little higher for the missing rival) only at its own.
        for (var g = 0; g < options.AllocationPairs; g++)
        {
            var cat = Categories[(g + 1) % Categories.Length];
            var members = Enumerable.Range(0, 2).Select(_ => NewFirm(false, [cat], Regions[0], false)).ToList();
            firms.AddRange(members);
            foreach (var lot in lots.Where(x => x.Category == cat && x.Region == Regions[0]))
            {
                var buyer = int.Parse(lot.Buyer[^1..], CultureInfo.InvariantCulture);
                var m = members[buyer <= 3 ? 0 : 1];
                if (f.Random.Double() < 0.9)
                {
                    var bid = HonestBid(f, m, lot, world);
                    bid.Price = Math.Round(bid.Price * 1.03m, 0);
                    lot.Bids.Add(bid);
                    Case(CartelKind.MarketAllocation, "", Grade.Lead, lot.LotId, [m.Firm.FirmId]);
                }
            }
            Case(CartelKind.MarketAllocation, "H7", Grade.Lead, null, members.Select(m => m.Firm.FirmId));
        }

        var firmRecords = firms.Select(x => x.Firm).ToList();
        var built = lots.Select(lot => Build(lot, options, lorem, boilerplate)).ToList();
        var history = new MarketHistory(lots.Select(lot => new HistoricLot(lot.LotId, lot.Category, lot.OpenedAt,
            lot.Bids.Select(b => new HistoricBid(b.Firm.Firm.FirmId, b.Price, b.Status)).ToList(),
            WinnerOf(lot)?.Firm.Firm.FirmId, lot.Subcontracts.ToList())
        {
            ControlPrice = lot.ControlPrice, Estimate = lot.Estimate, Region = lot.Region, Buyer = lot.Buyer,
        }).ToList())
        {
            FirmRegions = firms.ToDictionary(x => x.Firm.FirmId, x => x.Region, StringComparer.Ordinal),
        };
        return new SimulatedMarket(options, firmRecords, built, history, cases);
    }

    /// <summary>
    /// Honest structure real markets are full of, each of which an identity-matching screen mistakes for collusion:
    /// template vendors' unedited files used by several clients, makers' brochures attached by their distributors,
    /// registration agencies whose phone and e-mail are their clients' registered contacts, consultants who write
    /// proposals (their text and name) for several clients, sister companies under one parent sharing a switchboard,
    /// staff who move between firms (their name in both firms' files), and installed-system defaults as document authors.
    /// </summary>
    private static void AddLookAlikes(Faker f, Faker lorem, List<FirmProfile> firms, List<(FirmProfile, FirmProfile)> movers)
    {
        var honest = firms.ToList();
        for (var v = 0; v < 3; v++)
        {
            var file = new BidAttachment($"safety-rules-{v + 1}.docx",
                Docx(Enumerable.Range(0, 8).Select(_ => string.Join(' ', lorem.Lorem.Words(25))), $"模板{v + 1}号工作室"));
            foreach (var c in honest.Where(_ => f.Random.Double() < 0.1)) c.VendorFile = file;
        }
        for (var m = 0; m < 3; m++)
        {
            var brochure = new BidAttachment($"maker-{m + 1}-brochure.pdf",
                Pdf(Enumerable.Range(0, 6).Select(_ => string.Join(' ', lorem.Lorem.Words(30))), $"Maker {m + 1} Marketing"));
            foreach (var d in honest.Where(x => x.Categories.Contains("goods/equipment") && f.Random.Double() < 0.25)) d.Brochure = brochure;
        }
        for (var a = 0; a < 3; a++)
        {
            var phone = "0" + f.Random.Replace("2########");
            var email = $"service@agency{a + 1}.cn";
            foreach (var c in honest.Where(_ => f.Random.Double() < 0.08))
            {
                c.Firm = c.Firm with { Phones = [phone], Emails = [email] };
            }
        }
        for (var k = 0; k < 3; k++)
        {
            var text = string.Join(' ', lorem.Lorem.Words(60));
            var author = f.Name.FullName();
            foreach (var c in honest.Where(_ => f.Random.Double() < 0.05))
            {
                c.ConsultantText = text;
                c.Author = author;
            }
        }
        for (var p = 0; p < 4; p++)
        {
            var (a, b) = (honest[f.Random.Int(0, honest.Count - 1)], honest[f.Random.Int(0, honest.Count - 1)]);
            if (a == b) continue;
            var parent = new RegisteredShareholder("SH-PARENT-" + (p + 1), "集团" + (p + 1), 65m);
            a.Firm = a.Firm with { Shareholders = [parent, a.Firm.Shareholders[1]], Phones = ["0" + f.Random.Replace("1########")] };
            b.Firm = b.Firm with { Shareholders = [parent with { SharePercent = 70m }, b.Firm.Shareholders[1]], Phones = a.Firm.Phones };
        }
        foreach (var c in honest.Where(_ => f.Random.Double() < 0.2))
        {
            c.Author = SoftwareDefaults[f.Random.Int(0, SoftwareDefaults.Length - 1)];
        }
        for (var m = 0; m < 6; m++)
        {
            var (from, to) = (honest[f.Random.Int(0, honest.Count - 1)], honest[f.Random.Int(0, honest.Count - 1)]);
            if (from != to && from.Categories.Intersect(to.Categories).Any())
            {
                movers.Add((from, to));
            }
        }
    }

    private static BidDraft? WinnerOf(LotDraft lot) =>
        lot.ForcedWinner is { } forced
            ? lot.Bids.First(b => b.Firm.Firm.FirmId == forced)
            : lot.Bids.Where(b => b.Status == HistoricBidStatus.Valid).MinBy(b => b.Price);

    private static string Pick(Faker f, ImmutableArray<string> items) => items[f.Random.Int(0, items.Length - 1)];

    private static double Gauss(Faker f)
    {
        // Box-Muller on the seeded generator, so the market stays reproducible.
        var u1 = 1.0 - f.Random.Double();
        var u2 = f.Random.Double();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    private static List<FirmProfile> WeightedSample(Faker f, List<FirmProfile> pool, int count)
    {
        // Efraimidis-Spirakis: key = u^(1/w), take the largest.
        return pool.Select(p => (p, Key: Math.Pow(f.Random.Double(), 1.0 / p.Activity))).OrderByDescending(x => x.Key)
            .Take(count).Select(x => x.p).ToList();
    }

    private static BidDraft HonestBid(Faker f, FirmProfile firm, LotDraft lot, World world)
    {
        var cgnat = world.Cgnat;
        // Cost covariates (Bajari-Ye): distance (3 % outside the home region) and backlog (1.5 % per job in hand).
        var cost = (firm.Region == lot.Region ? 1.0 : 1.03) * (1 + 0.015 * world.Backlog(firm, lot.OpenedAt));
        // Each bid's own words come from the same seeded generator, in creation order, so copies planted later are real.
        var bid = new BidDraft
        {
            Firm = firm,
            Price = Math.Round(lot.Estimate * (decimal)(firm.Efficiency * cost * (1 + Gauss(f) * 0.035)), 0),
            Agent = firm.Agent,
            ProjectManager = f.PickRandom(firm.ProjectManagers),
            Machine = f.PickRandom(firm.Machines),
            Author = firm.Author,
        };
        var ip = f.Random.Double() < 0.15 ? $"{f.PickRandom(cgnat)}.{f.Random.Int(1, 254)}" : firm.OfficeIp;
        bid.Uploads.Add(new UploadEvent(ip, lot.OpenedAt.AddMinutes(-f.Random.Int(30, 72 * 60)), "BidSealer/3.2 (Windows NT 10.0)"));
        bid.Bonds.Add(new BondPayment(firm.Firm.BasicAccount!, Math.Round(lot.Estimate * 0.02m, 0), lot.OpenedAt.AddDays(-f.Random.Int(2, 10)), firm.Firm.Name));
        bid.Items = lot.ItemBase.Select((p, i) => new PriceItem($"I{i + 1:D2}", Math.Round((decimal)(p * firm.Efficiency * (1 + Gauss(f) * 0.04)), 2))).ToList();
        bid.OwnWords = Enumerable.Range(0, 120).Select(_ => Words[f.Random.Int(0, Words.Length - 1)]).ToList();
        if (world.LookAlikes && f.Random.Double() < 0.2)
        {
            // A reference line naming a competitor as the employer of a past subcontract: honest, and often a rival in this lot.
            var rivals = world.Firms.Where(x => x != firm && x.Categories.Intersect(firm.Categories).Any()).ToList();
            if (rivals.Count > 0)
            {
                var employer = rivals[f.Random.Int(0, rivals.Count - 1)].Firm;
                bid.ExtraText.Add(firm.Format == 2
                    ? $"Past project 2022: subcontract works, employer credit code {employer.CreditCode}, completed and accepted."
                    : $"项目业绩：2022年承接的分包工程，发包人：{employer.Name}，已竣工验收。");
            }
        }
        return bid;
    }

    private static OpenedLot Build(LotDraft lot, MarketOptions options, Faker lorem, string[] boilerplate)
    {
        var templates = new List<BidAttachment>();
        if (options.WithDocuments)
        {
            lot.TemplateText = $"Tender {lot.LotId} bid form. " + string.Join(' ', lorem.Lorem.Words(60));
            templates.Add(new BidAttachment("bid-form.txt", Encoding.UTF8.GetBytes(lot.TemplateText)));
            foreach (var b in lot.Bids.Where(b => b.OwnWords.Count == 0))
            {
                b.OwnWords = lorem.Lorem.Words(120).ToList();
            }
            // Copies made by planted cases must be in place before any file is rendered.
            foreach (var b in lot.Bids)
            {
                b.Proposal = RenderProposal(lot, b, boilerplate);
            }
        }
        var bids = lot.Bids.Select((b, i) => new OpenedBid
        {
            BidId = $"{lot.LotId}-B{i + 1:D2}",
            FirmId = b.Firm.Firm.FirmId,
            Price = b.Price,
            Agent = b.Agent,
            ProjectManagerIdNumber = b.ProjectManager,
            Machine = b.Machine,
            Uploads = b.Uploads.ToList(),
            BondPayments = b.Bonds.ToList(),
            PriceItems = b.Items,
            Attachments = options.WithDocuments
                ? new[] { templates[0], b.Proposal! }.Concat(b.CarriesFileOf?.Proposal is { } copy ? [copy] : [])
                    .Concat(b.Firm.VendorFile is { } vendor ? [vendor] : [])
                    .Concat(b.Firm.Brochure is { } brochure && lot.Category == "goods/equipment" ? [brochure] : []).ToList()
                : [],
        }).ToList();
        return new OpenedLot
        {
            LotId = lot.LotId,
            TenderId = "T-" + lot.LotId,
            Category = lot.Category,
            OpenedAt = lot.OpenedAt,
            Bids = bids,
            Firms = lot.Bids.Select(b => b.Firm.Firm).DistinctBy(x => x.FirmId).ToList(),
            TenderTemplates = templates,
            ProjectReferences = [lot.LotId],
            ControlPrice = lot.ControlPrice,
            Estimate = lot.Estimate,
            Region = lot.Region,
            Buyer = lot.Buyer,
        };
    }

    private static BidAttachment RenderProposal(LotDraft lot, BidDraft bid, string[] boilerplate)
    {
        var firm = bid.Firm;
        var paragraphs = new List<string>
        {
            (firm.Format == 2 ? firm.Firm.CreditCode + " " : firm.Firm.Name + " ") + $"technical proposal for {lot.LotId}",
            lot.TemplateText,
            firm.Format == 2 ? firm.Profile[(firm.Firm.Name.Length + 1)..] : firm.Profile,
        };
        if (firm.ConsultantText is { } consultant)
        {
            paragraphs.Add(consultant);
        }
        paragraphs.AddRange(firm.Boilerplate.Select(i => boilerplate[i]));
        for (var i = 0; i < bid.OwnWords.Count; i += 20)
        {
            paragraphs.Add(string.Join(' ', bid.OwnWords.Skip(i).Take(20)));
        }
        paragraphs.AddRange(bid.ExtraText);
        return firm.Format switch
        {
            0 => new BidAttachment("technical-proposal.txt", Encoding.UTF8.GetBytes(string.Join("\n", paragraphs))),
            1 => new BidAttachment("technical-proposal.docx", Docx(paragraphs, bid.Author)),
            _ => new BidAttachment("technical-proposal.pdf", Pdf(paragraphs, bid.Author)),
        };
    }

    /// <summary>A minimal DOCX: the parts a reader needs (document body and core properties), with a fixed timestamp.</summary>
    public static byte[] Docx(IEnumerable<string> paragraphs, string author)
    {
        using var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, true))
        {
            void Entry(string name, string content)
            {
                var e = zip.CreateEntry(name, CompressionLevel.Fastest);
                e.LastWriteTime = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
                using var w = new StreamWriter(e.Open(), new UTF8Encoding(false));
                w.Write(content);
            }
            Entry("[Content_Types].xml",
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">" +
                "<Default Extension=\"xml\" ContentType=\"application/xml\"/>" +
                "<Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/></Types>");
            var body = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?><w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>");
            foreach (var p in paragraphs)
            {
                body.Append("<w:p><w:r><w:t xml:space=\"preserve\">").Append(SecurityElement.Escape(p)).Append("</w:t></w:r></w:p>");
            }
            body.Append("</w:body></w:document>");
            Entry("word/document.xml", body.ToString());
            Entry("docProps/core.xml",
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" " +
                "xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:creator>" + SecurityElement.Escape(author) + "</dc:creator><cp:lastModifiedBy>" +
                SecurityElement.Escape(author) + "</cp:lastModifiedBy></cp:coreProperties>");
        }
        return ms.ToArray();
    }

    /// <summary>
    /// A simple one-font PDF (Helvetica, uncompressed content streams, an Info dictionary with Author and Creator).
    /// Written by hand because PdfPig's builder measures every glyph and took most of the simulator's time;
    /// the reader side still goes through PdfPig. Latin text only: the standard fonts have no CJK glyphs.
    /// </summary>
    public static byte[] Pdf(IEnumerable<string> paragraphs, string author)
    {
        var lines = new List<string>();
        foreach (var p in paragraphs)
        {
            var words = p.Split(' ', StringSplitOptions.RemoveEmptyEntries)
                .Select(w => new string(w.Where(c => c is >= ' ' and < '\u007f' and not ('(' or ')' or '\\')).ToArray()))
                .Where(w => w.Length > 0).ToArray();
            for (var i = 0; i < words.Length; i += 12)
            {
                lines.Add(string.Join(' ', words.Skip(i).Take(12)));
            }
        }
        var pages = lines.Chunk(50).ToList();
        if (pages.Count == 0)
        {
            pages.Add([]);
        }
        var asciiAuthor = author.All(c => c is >= ' ' and < '\u007f' and not ('(' or ')' or '\\'))
            ? author : "author-" + Convert.ToHexString(Encoding.UTF8.GetBytes(author))[..12];
        // Objects: 1 catalog, 2 pages, 3 font, 4 info, then a page and its content stream per page.
        var objects = new List<string>
        {
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [" + string.Join(' ', pages.Select((_, i) => $"{5 + 2 * i} 0 R")) + $"] /Count {pages.Count} >>",
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
            $"<< /Author ({asciiAuthor}) /Creator (Microsoft Word) >>",
        };
        for (var i = 0; i < pages.Count; i++)
        {
            var content = new StringBuilder("BT /F1 10 Tf 14 TL 50 800 Td\n");
            foreach (var line in pages[i])
            {
                content.Append('(').Append(line).Append(") Tj T*\n");
            }
            content.Append("ET");
            objects.Add($"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents {6 + 2 * i} 0 R >>");
            objects.Add($"<< /Length {content.Length} >>\nstream\n{content}\nendstream");
        }
        var pdf = new StringBuilder("%PDF-1.4\n");
        var offsets = new List<int>();
        for (var i = 0; i < objects.Count; i++)
        {
            offsets.Add(pdf.Length);
            pdf.Append(CultureInfo.InvariantCulture, $"{i + 1} 0 obj\n{objects[i]}\nendobj\n");
        }
        var xref = pdf.Length;
        pdf.Append(CultureInfo.InvariantCulture, $"xref\n0 {objects.Count + 1}\n0000000000 65535 f \n");
        foreach (var o in offsets)
        {
            pdf.Append(CultureInfo.InvariantCulture, $"{o:D10} 00000 n \n");
        }
        pdf.Append(CultureInfo.InvariantCulture, $"trailer\n<< /Size {objects.Count + 1} /Root 1 0 R /Info 4 0 R >>\nstartxref\n{xref}\n%%EOF\n");
        return Encoding.ASCII.GetBytes(pdf.ToString());
    }
}
