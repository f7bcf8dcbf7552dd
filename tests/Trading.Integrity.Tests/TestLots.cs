using System.Text;
using Trading.Integrity.Model;

namespace Trading.Integrity.Tests;

/// <summary>Hand-built lots whose bidders share nothing unless a test says so.</summary>
internal static class TestLots
{
    public static RegisteredFirm Firm(int i) => new()
    {
        FirmId = $"F{i}",
        Name = $"测试第{i}号建设工程有限公司",
        CreditCode = $"91330100MA{i:D8}",
        LegalRepresentativeIdNumber = $"33010019800101{i:D4}",
        Shareholders = [new RegisteredShareholder($"P-{i}", $"股东{i}", 100m)],
        ManagerIdNumbers = [$"M-{i}"],
        Phones = [$"0571-8800{i:D4}"],
        Emails = [$"office{i}@firm{i}.cn"],
        BasicAccount = $"6222 0000 {i:D4} 0001",
    };

    public static OpenedBid Bid(int i, decimal price) => new()
    {
        BidId = $"B{i}",
        FirmId = $"F{i}",
        Price = price,
        Agent = new BidAgent($"AG{i:D6}", $"代理人{i}", $"1380000{i:D4}", $"agent{i}@mail.cn", $"acct{i}", $"F{i}"),
        ProjectManagerIdNumber = $"PM{i:D6}",
        Machine = new MachineFingerprint($"00-1A-2B-3C-{i / 100:D2}-{i % 100:D2}", $"WD-{i:D6}", $"CPU{i:D8}", $"DG{i:D6}"),
        Uploads = [new UploadEvent($"10.{i}.1.2", new DateTimeOffset(2026, 5, 1, 8, 0, 0, TimeSpan.Zero).AddHours(i))],
        BondPayments = [new BondPayment($"6222 0000 {i:D4} 0001", 20000m, new DateTimeOffset(2026, 4, 28, 8, 0, 0, TimeSpan.Zero))],
    };

    /// <summary>A lot of <paramref name="n"/> unrelated bidders with spread-out prices.</summary>
    public static OpenedLot Lot(int n, Func<int, OpenedBid, OpenedBid>? bid = null, Func<int, RegisteredFirm, RegisteredFirm>? firm = null) => new()
    {
        LotId = "LOT-1",
        Category = "works/roads",
        Bids = Enumerable.Range(1, n).Select(i => (bid ?? ((_, b) => b))(i, Bid(i, 1_000_000m + i * 37_123m + i * i * 4_111m))).ToList(),
        Firms = Enumerable.Range(1, n).Select(i => (firm ?? ((_, f) => f))(i, Firm(i))).ToList(),
    };

    public static BidAttachment Text(string name, string text) => new(name, Encoding.UTF8.GetBytes(text));

    /// <summary>Deterministic pseudo-text: distinct words per seed, so two seeds share no 8-word passage.</summary>
    public static string Words(int seed, int count)
    {
        var rng = new Random(seed);
        return string.Join(' ', Enumerable.Range(0, count).Select(_ => "w" + rng.Next(100_000)));
    }
}
