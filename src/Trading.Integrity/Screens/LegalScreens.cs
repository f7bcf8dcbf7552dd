using System.Collections.Frozen;
using Trading.Integrity.Model;

namespace Trading.Integrity.Screens;

/// <summary>L1, L1b, L2, L3, L6, L7: equal identifiers across bidders of one lot, found by grouping, not pairwise.</summary>
internal static class LegalScreens
{
    /// <summary>Values firmware and cloned images put in serial fields; equal placeholders are not the same machine.</summary>
    private static readonly FrozenSet<string> PlaceholderSerials = new[]
    {
        "", "0", "NONE", "NULL", "N/A", "DEFAULT STRING", "TO BE FILLED BY O.E.M.", "SYSTEM SERIAL NUMBER", "000000000000",
        "FFFFFFFFFFFF", "0123456789", "UNKNOWN",
    }.ToFrozenSet(StringComparer.Ordinal);

    private sealed record Keyed(string Firm, string BidId, string Key, string Value, string Basis);

    private static IEnumerable<List<Keyed>> Groups(IEnumerable<Keyed> items) =>
        items.GroupBy(x => x.Key, StringComparer.Ordinal)
             .Select(g => g.ToList())
             .Where(g => g.Select(x => x.Firm).Distinct(StringComparer.Ordinal).Count() >= 2);

    private static string Digits(string s) => new(s.Where(char.IsAsciiDigit).ToArray());

    private static string Phone(string s)
    {
        var d = Digits(s);
        return d.Length == 13 && d.StartsWith("86", StringComparison.Ordinal) ? d[2..] : d;
    }

    private static string Upper(string s) => s.Trim().ToUpperInvariant();

    private static string Serial(string s) => new string(s.Where(char.IsLetterOrDigit).ToArray()).ToUpperInvariant();

    public static void MachineScreen(OpenedLot lot, List<Finding> findings, List<ScreenOutcome> outcomes)
    {
        var bids = lot.Bids.Where(b => b.Machine is not null).ToList();
        if (bids.Select(b => b.FirmId).Distinct(StringComparer.Ordinal).Count() < 2)
        {
            outcomes.Add(new ScreenOutcome("L1", ScreenStatus.NotEnoughData, LocalizedText.Of("nodata.field", "@field.machine")));
            return;
        }
        outcomes.Add(new ScreenOutcome("L1", ScreenStatus.Ran));
        var named = lot.NamedMachineComponents;
        var parts = new List<(OpenedBid Bid, MachineComponents Component, string Value)>();
        foreach (var b in bids)
        {
            var m = b.Machine!;
            Add(b, MachineComponents.MacAddress, m.MacAddress);
            Add(b, MachineComponents.DiskSerial, m.DiskSerial);
            Add(b, MachineComponents.CpuSerial, m.CpuSerial);
            Add(b, MachineComponents.DongleSerial, m.DongleSerial);
        }
        void Add(OpenedBid b, MachineComponents c, string? value)
        {
            if (value is null)
            {
                return;
            }
            var v = c == MachineComponents.MacAddress ? Serial(value) : value.Trim().ToUpperInvariant();
            if (!PlaceholderSerials.Contains(v) && !PlaceholderSerials.Contains(Serial(v)))
            {
                parts.Add((b, c, v));
            }
        }
        // Which components each pair of bids shares.
        var shared = new Dictionary<(OpenedBid, OpenedBid), MachineComponents>();
        foreach (var g in parts.GroupBy(p => (p.Component, p.Value)))
        {
            var list = g.ToList();
            for (var i = 0; i < list.Count; i++)
            {
                for (var j = i + 1; j < list.Count; j++)
                {
                    if (list[i].Bid.FirmId == list[j].Bid.FirmId)
                    {
                        continue;
                    }
                    var key = (list[i].Bid, list[j].Bid);
                    shared[key] = shared.GetValueOrDefault(key) | g.Key.Component;
                }
            }
        }
        foreach (var ((a, b), components) in shared)
        {
            var conclusive = named != MachineComponents.None && (components & named) == named;
            var names = ComponentKeys(components);
            var evidence = new List<Evidence>();
            foreach (var (bid, comp, value) in parts.Where(p => (p.Bid == a || p.Bid == b) && (components & p.Component) != 0))
            {
                evidence.Add(new Evidence("machine." + ComponentKeys(comp)[0][3..], bid.FirmId, bid.BidId, value));
            }
            findings.Add(Finding.Make("L1", conclusive ? "named-components" : "some-components", conclusive ? Grade.Conclusive : Grade.Lead,
                lot.LotId, [a.FirmId, b.FirmId], evidence,
                LocalizedText.Of(conclusive ? "l1.conclusive" : "l1.lead", Finding.JoinFirms([a.FirmId, b.FirmId]),
                    string.Join(", ", ComponentKeys(conclusive ? named : components))), BitCount(components)));
        }
    }

    private static int BitCount(MachineComponents c) => System.Numerics.BitOperations.PopCount((uint)c);

    private static List<string> ComponentKeys(MachineComponents c)
    {
        var list = new List<string>();
        if (c.HasFlag(MachineComponents.MacAddress)) list.Add("@c.mac");
        if (c.HasFlag(MachineComponents.DiskSerial)) list.Add("@c.disk");
        if (c.HasFlag(MachineComponents.CpuSerial)) list.Add("@c.cpu");
        if (c.HasFlag(MachineComponents.DongleSerial)) list.Add("@c.dongle");
        return list;
    }

    public static void UploadScreen(OpenedLot lot, ScreenOptions options, List<Finding> findings, List<ScreenOutcome> outcomes)
    {
        var sharedNets = lot.SharedNetworkAddresses.Select(a => a.Trim()).ToHashSet(StringComparer.Ordinal);
        var uploads = lot.Bids.SelectMany(b => b.Uploads.Select(u => (Bid: b, Ip: u.IpAddress.Trim(), u.At)))
            .Where(u => u.Ip.Length > 0 && !sharedNets.Contains(u.Ip)).ToList();
        if (uploads.Select(u => u.Bid.FirmId).Distinct(StringComparer.Ordinal).Count() < 2)
        {
            outcomes.Add(new ScreenOutcome("L1b", ScreenStatus.NotEnoughData, LocalizedText.Of("nodata.field", "@field.upload")));
            return;
        }
        outcomes.Add(new ScreenOutcome("L1b", ScreenStatus.Ran));
        var samePair = new HashSet<(string, string)>();
        foreach (var g in Groups(uploads.Select(u => new Keyed(u.Bid.FirmId, u.Bid.BidId, u.Ip, u.Ip, "ip"))))
        {
            var firms = g.Select(x => x.Firm).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            for (var i = 0; i < firms.Count; i++)
            {
                for (var j = i + 1; j < firms.Count; j++)
                {
                    samePair.Add((firms[i], firms[j]));
                }
            }
            findings.Add(Finding.Make("L1b", "ip", Grade.Lead, lot.LotId, firms,
                g.DistinctBy(x => x.BidId).Select(x => new Evidence("upload.ip", x.Firm, x.BidId, x.Value)),
                LocalizedText.Of("l1b.ip", Finding.JoinFirms(firms), g[0].Value), firms.Count));
        }
        // Same /24 network within minutes: one office behind several addresses.
        var window = TimeSpan.FromMinutes(options.SubnetWindowMinutes);
        var bySubnet = uploads.Select(u => (u.Bid, u.Ip, u.At, Net: Subnet(u.Ip))).Where(u => u.Net is not null)
            .GroupBy(u => u.Net!, StringComparer.Ordinal);
        var reported = new HashSet<(string, string)>();
        foreach (var g in bySubnet)
        {
            var list = g.OrderBy(u => u.At).ToList();
            for (var i = 0; i < list.Count; i++)
            {
                for (var j = i + 1; j < list.Count && list[j].At - list[i].At <= window; j++)
                {
                    var (a, b) = (list[i], list[j]);
                    if (a.Bid.FirmId == b.Bid.FirmId || a.Ip == b.Ip)
                    {
                        continue;
                    }
                    var pair = string.CompareOrdinal(a.Bid.FirmId, b.Bid.FirmId) < 0 ? (a.Bid.FirmId, b.Bid.FirmId) : (b.Bid.FirmId, a.Bid.FirmId);
                    if (samePair.Contains(pair) || !reported.Add(pair))
                    {
                        continue;
                    }
                    var minutes = Math.Ceiling((b.At - a.At).TotalMinutes);
                    findings.Add(Finding.Make("L1b", "subnet", Grade.Lead, lot.LotId, [pair.Item1, pair.Item2],
                        [new Evidence("upload.ip", a.Bid.FirmId, a.Bid.BidId, $"{a.Ip} {a.At:O}"),
                         new Evidence("upload.ip", b.Bid.FirmId, b.Bid.BidId, $"{b.Ip} {b.At:O}")],
                        LocalizedText.Of("l1b.subnet", Finding.JoinFirms([pair.Item1, pair.Item2]), g.Key, minutes), 0.5));
                }
            }
        }
    }

    private static string? Subnet(string ip)
    {
        if (System.Net.IPAddress.TryParse(ip, out var addr) && addr.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
        {
            var b = addr.GetAddressBytes();
            return $"{b[0]}.{b[1]}.{b[2]}.0/24";
        }
        return null;
    }

    /// <summary>Normalised contact key ("phone:13800000000", "email:a@b.cn"), or null when too short to compare.</summary>
    internal static string? ContactKey(string kind, string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw)) return null;
        var v = kind == "phone" ? Phone(raw) : raw.Trim().ToLowerInvariant();
        return v.Length >= 3 ? kind + ":" + v : null;
    }

    /// <summary>
    /// L2. The same person or account handling two bids (authorised representative's ID, platform account, certificate)
    /// is the art. 40 fact and conclusive. A shared phone or e-mail is not a person: it is a lead, and none at all when
    /// many registered firms give it (a registration agency's or a group switchboard's address). Firms' registered
    /// contacts are compared too, but they are not agent data, so they never make a conclusive finding.
    /// </summary>
    public static void AgentScreen(OpenedLot lot, RegistryBaseline? registry, ScreenOptions options, List<Finding> findings, List<ScreenOutcome> outcomes)
    {
        var firms = lot.Firms.ToDictionary(f => f.FirmId, StringComparer.Ordinal);
        var keyed = new List<Keyed>();
        foreach (var b in lot.Bids)
        {
            if (b.Agent is { } a)
            {
                AddKey(b, "idnumber", a.IdNumber, Upper, "a.idnumber");
                AddKey(b, "phone", a.Phone, Phone, "a.phone");
                AddKey(b, "email", a.Email, s => s.Trim().ToLowerInvariant(), "a.email");
                AddKey(b, "account", a.PlatformAccount, s => s.Trim().ToLowerInvariant(), "a.account");
                AddKey(b, "cert", a.CertificateHolder, Upper, "a.cert");
            }
            if (firms.TryGetValue(b.FirmId, out var f))
            {
                foreach (var p in f.Phones)
                {
                    AddKey(b, "phone", p, Phone, "r.phone");
                }
                foreach (var e in f.Emails)
                {
                    AddKey(b, "email", e, s => s.Trim().ToLowerInvariant(), "r.email");
                }
            }
        }
        void AddKey(OpenedBid b, string kind, string? raw, Func<string, string> norm, string basis)
        {
            if (string.IsNullOrWhiteSpace(raw))
            {
                return;
            }
            var v = norm(raw);
            if (v.Length >= 3)
            {
                keyed.Add(new Keyed(b.FirmId, b.BidId, kind + ":" + v, raw.Trim(), basis));
            }
        }
        if (keyed.Select(k => k.Firm).Distinct(StringComparer.Ordinal).Count() < 2)
        {
            outcomes.Add(new ScreenOutcome("L2", ScreenStatus.NotEnoughData, LocalizedText.Of("nodata.field", "@field.agent")));
            return;
        }
        outcomes.Add(new ScreenOutcome("L2", ScreenStatus.Ran));
        foreach (var g in Groups(keyed))
        {
            var ids = g.Select(x => x.Firm).Distinct(StringComparer.Ordinal).ToList();
            var kind = g[0].Key[..g[0].Key.IndexOf(':', StringComparison.Ordinal)];
            if (kind is "idnumber" or "account" or "cert")
            {
                findings.Add(Finding.Make("L2", kind, Grade.Conclusive, lot.LotId, ids,
                    g.Select(x => new Evidence(x.Basis, x.Firm, x.BidId, x.Value)),
                    LocalizedText.Of("l2", Finding.JoinFirms(ids), "@" + g[0].Basis, g[0].Value), ids.Count));
                continue;
            }
            // Weigh a shared phone or e-mail by how many registered firms give it, and by how many bidders of this lot share it.
            var registered = registry?.FirmsWith(g[0].Key) ?? 0;
            if (registered >= options.CommonContactMinFirms || ids.Count >= options.CommonContactMinFirms)
            {
                continue;
            }
            var agentSide = g.Where(x => x.Basis.StartsWith("a.", StringComparison.Ordinal)).Select(x => x.Firm).Distinct(StringComparer.Ordinal).Count();
            var basis = (agentSide > 0 ? "agent-" : "registered-") + kind;
            var shown = g.FirstOrDefault(x => x.Basis.StartsWith("a.", StringComparison.Ordinal)) ?? g[0];
            findings.Add(Finding.Make("L2", basis, Grade.Lead, lot.LotId, ids,
                g.Select(x => new Evidence(x.Basis, x.Firm, x.BidId, x.Value)),
                LocalizedText.Of("l2.contact", Finding.JoinFirms(ids), "@" + shown.Basis, shown.Value, registered), agentSide > 0 ? 1 : 0.5));
        }
    }

    public static void PersonScreen(OpenedLot lot, List<Finding> findings, List<ScreenOutcome> outcomes)
    {
        var keyed = new List<Keyed>();
        foreach (var b in lot.Bids)
        {
            if (!string.IsNullOrWhiteSpace(b.ProjectManagerIdNumber))
            {
                keyed.Add(new Keyed(b.FirmId, b.BidId, Upper(b.ProjectManagerIdNumber), b.ProjectManagerIdNumber.Trim(), "p.pm"));
            }
            foreach (var k in b.KeyPersons)
            {
                if (!string.IsNullOrWhiteSpace(k.IdNumber))
                {
                    keyed.Add(new Keyed(b.FirmId, b.BidId, Upper(k.IdNumber), k.IdNumber.Trim(), "p.key"));
                }
            }
        }
        if (keyed.Select(k => k.Firm).Distinct(StringComparer.Ordinal).Count() < 2)
        {
            outcomes.Add(new ScreenOutcome("L3", ScreenStatus.NotEnoughData, LocalizedText.Of("nodata.field", "@field.person")));
            return;
        }
        outcomes.Add(new ScreenOutcome("L3", ScreenStatus.Ran));
        foreach (var g in Groups(keyed))
        {
            var ids = g.Select(x => x.Firm).ToList();
            var role = g.Any(x => x.Basis == "p.pm") ? "p.pm" : "p.key";
            findings.Add(Finding.Make("L3", role, Grade.Conclusive, lot.LotId, ids,
                g.Select(x => new Evidence(x.Basis, x.Firm, x.BidId, x.Value)),
                LocalizedText.Of("l3", Finding.JoinFirms(ids), g[0].Value, "@" + role), ids.Distinct().Count()));
        }
    }

    public static void BondScreen(OpenedLot lot, List<Finding> findings, List<ScreenOutcome> outcomes)
    {
        var firms = lot.Firms.ToDictionary(f => f.FirmId, StringComparer.Ordinal);
        var payments = lot.Bids.SelectMany(b => b.BondPayments.Select(p => (Bid: b, Payment: p, Account: Digits(p.PayerAccount))))
            .Where(p => p.Account.Length >= 6).ToList();
        if (payments.Count == 0)
        {
            outcomes.Add(new ScreenOutcome("L6", ScreenStatus.NotEnoughData, LocalizedText.Of("nodata.field", "@field.bond")));
            return;
        }
        outcomes.Add(new ScreenOutcome("L6", ScreenStatus.Ran));
        foreach (var g in Groups(payments.Select(p => new Keyed(p.Bid.FirmId, p.Bid.BidId, p.Account, p.Payment.PayerAccount, "bond.account"))))
        {
            var ids = g.Select(x => x.Firm).ToList();
            findings.Add(Finding.Make("L6", "same-account", Grade.Conclusive, lot.LotId, ids,
                g.Select(x => new Evidence(x.Basis, x.Firm, x.BidId, x.Value)),
                LocalizedText.Of("l6.same", Finding.JoinFirms(ids), g[0].Value), ids.Distinct().Count()));
        }
        foreach (var p in payments)
        {
            if (firms.TryGetValue(p.Bid.FirmId, out var f) && f.BasicAccount is { } basic && Digits(basic).Length >= 6 &&
                Digits(basic) != p.Account)
            {
                findings.Add(Finding.Make("L6", "not-basic-account", Grade.Conclusive, lot.LotId, [p.Bid.FirmId],
                    [new Evidence("bond.account", p.Bid.FirmId, p.Bid.BidId, p.Payment.PayerAccount),
                     new Evidence("firm.basic-account", p.Bid.FirmId, null, basic)],
                    LocalizedText.Of("l6.notown", p.Bid.FirmId, p.Payment.PayerAccount), 1));
            }
        }
    }

    public static void RelationScreen(OpenedLot lot, ScreenOptions options, List<Finding> findings, List<ScreenOutcome> outcomes)
    {
        var bidders = lot.Bids.Select(b => b.FirmId).ToHashSet(StringComparer.Ordinal);
        var firms = lot.Firms.Where(f => bidders.Contains(f.FirmId)).DistinctBy(f => f.FirmId).ToList();
        if (firms.Count < 2)
        {
            outcomes.Add(new ScreenOutcome("L7", ScreenStatus.NotEnoughData, LocalizedText.Of("nodata.registry")));
            return;
        }
        outcomes.Add(new ScreenOutcome("L7", ScreenStatus.Ran));
        foreach (var g in Groups(firms.Where(f => !string.IsNullOrWhiteSpace(f.LegalRepresentativeIdNumber))
                     .Select(f => new Keyed(f.FirmId, "", Upper(f.LegalRepresentativeIdNumber!), f.LegalRepresentativeIdNumber!, "legal-representative"))))
        {
            var ids = g.Select(x => x.Firm).ToList();
            findings.Add(Finding.Make("L7", "legal-representative", Grade.Conclusive, lot.LotId, ids,
                g.Select(x => new Evidence("firm.legal-representative", x.Firm, null, x.Value)),
                LocalizedText.Of("l7.legalrep", Finding.JoinFirms(ids), g[0].Value), ids.Count));
        }
        // A holder may be named by platform id or by credit code.
        var byRef = new Dictionary<string, RegisteredFirm>(StringComparer.OrdinalIgnoreCase);
        foreach (var f in firms)
        {
            byRef.TryAdd(f.FirmId, f);
            if (!string.IsNullOrWhiteSpace(f.CreditCode))
            {
                byRef.TryAdd(f.CreditCode.Trim(), f);
            }
        }
        var byLegalRep = firms.Where(f => !string.IsNullOrWhiteSpace(f.LegalRepresentativeIdNumber))
            .GroupBy(f => Upper(f.LegalRepresentativeIdNumber!)).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        foreach (var owned in firms)
        {
            foreach (var s in owned.Shareholders)
            {
                if (s.SharePercent >= options.ControlSharePercent && byRef.TryGetValue(s.HolderId.Trim(), out var owner) &&
                    owner.FirmId != owned.FirmId)
                {
                    findings.Add(Finding.Make("L7", "control", Grade.Conclusive, lot.LotId, [owner.FirmId, owned.FirmId],
                        [new Evidence("firm.shareholder", owned.FirmId, null, $"{s.Name} ({s.HolderId}) {s.SharePercent}%")],
                        LocalizedText.Of("l7.control", Finding.JoinFirms([owner.FirmId, owned.FirmId]), owner.Name, s.SharePercent, owned.Name), 1));
                }
            }
            foreach (var manager in owned.ManagerIdNumbers)
            {
                if (byLegalRep.TryGetValue(Upper(manager), out var heads))
                {
                    foreach (var head in heads.Where(h => h.FirmId != owned.FirmId))
                    {
                        findings.Add(Finding.Make("L7", "management", Grade.Conclusive, lot.LotId, [head.FirmId, owned.FirmId],
                            [new Evidence("firm.manager", owned.FirmId, null, manager),
                             new Evidence("firm.legal-representative", head.FirmId, null, head.LegalRepresentativeIdNumber)],
                            LocalizedText.Of("l7.manager", Finding.JoinFirms([head.FirmId, owned.FirmId]), head.Name, owned.Name), 1));
                    }
                }
            }
        }
        // One holder controlling two bidders: sister companies. The regulation names direct control, so this is a lead.
        var controlled = firms.SelectMany(f => f.Shareholders.Where(s => s.SharePercent >= options.ControlSharePercent)
                .Select(s => (Holder: Upper(s.HolderId), s.Name, Firm: f.FirmId)))
            .GroupBy(x => x.Holder, StringComparer.Ordinal)
            .Where(g => g.Select(x => x.Firm).Distinct(StringComparer.Ordinal).Count() >= 2 && !byRef.ContainsKey(g.Key));
        foreach (var g in controlled)
        {
            var ids = g.Select(x => x.Firm).Distinct(StringComparer.Ordinal).ToList();
            findings.Add(Finding.Make("L7", "common-controller", Grade.Lead, lot.LotId, ids,
                g.Select(x => new Evidence("firm.shareholder", x.Firm, null, $"{x.Name} ({g.Key})")),
                LocalizedText.Of("l7.commonparent", Finding.JoinFirms(ids), g.First().Name, options.ControlSharePercent), ids.Count));
        }
    }
}
