using System.Globalization;
using Trading.Integrity.Model;

namespace Trading.Integrity.History;

/// <summary>
/// H7: market allocation and bid suppression, judged by who bids and wins where. In one market (a category in a region,
/// where every firm can reach every lot), two firms that each bid regularly should meet about as often as their own rates
/// make likely. Firms that split the market (by buyer or by turn) stay out of each other's lots: each is a regular bidder
/// that abstains where the other bids, and each wins in its own part. The expectation is taken per half-year, so a firm
/// that entered the market when another left (an honest turnover) is not mistaken for one that avoids it; abstentions
/// because a firm's backlog is full fall on lots at random and do not single out one rival.
/// </summary>
internal static class AllocationScreen
{
    private static string F(double v, string format = "0.##") => v.ToString(format, CultureInfo.InvariantCulture);

    public static void Run(IReadOnlyList<HistoricLot> lots, int[][] participants, int[] winners, List<string> names,
        HistoryOptions options, List<Finding> findings, List<ScreenOutcome> outcomes)
    {
        outcomes.Add(new ScreenOutcome("H7", ScreenStatus.Ran));
        var markets = Enumerable.Range(0, lots.Count).Where(l => participants[l].Length > 0)
            .GroupBy(l => lots[l].Region is { Length: > 0 } r ? lots[l].Category + " / " + r : lots[l].Category, StringComparer.Ordinal);
        foreach (var market in markets.OrderBy(m => m.Key, StringComparer.Ordinal))
        {
            var marketLots = market.ToList();
            int Window(int l) => lots[l].OpenedAt.Year * 2 + (lots[l].OpenedAt.Month > 6 ? 1 : 0);
            // Per half-year: lots' sizes summed, and each firm's bids.
            var size = new Dictionary<int, double>();
            var bidsIn = new Dictionary<(int Firm, int Window), int>();
            var total = new Dictionary<int, int>();
            foreach (var l in marketLots)
            {
                var w = Window(l);
                size[w] = size.GetValueOrDefault(w) + participants[l].Length;
                foreach (var i in participants[l])
                {
                    bidsIn[(i, w)] = bidsIn.GetValueOrDefault((i, w)) + 1;
                    total[i] = total.GetValueOrDefault(i) + 1;
                }
            }
            var regular = total.Where(x => x.Value >= options.AllocationMinLots).Select(x => x.Key).Order().ToArray();
            if (regular.Length < 2)
            {
                continue;
            }
            double P(int firm, int l)
            {
                var w = Window(l);
                return Math.Min(1, bidsIn.GetValueOrDefault((firm, w)) * participants[l].Length / size[w]);
            }
            var wins = marketLots.Where(l => winners[l] >= 0).GroupBy(l => winners[l]).ToDictionary(g => g.Key, g => g.ToList());
            var pairs = new List<(int A, int B, int Met, double Expected, double P)>();
            for (var x = 0; x < regular.Length; x++)
            {
                for (var y = x + 1; y < regular.Length; y++)
                {
                    var (a, b) = (regular[x], regular[y]);
                    // Each must win in its own part of the market: avoiding a rival who never wins allocates nothing.
                    if (!wins.ContainsKey(a) || !wins.ContainsKey(b))
                    {
                        continue;
                    }
                    var met = 0;
                    var expected = 0.0;
                    foreach (var l in marketLots)
                    {
                        var p = participants[l];
                        if (Array.BinarySearch(p, a) >= 0 && Array.BinarySearch(p, b) >= 0) met++;
                        expected += P(a, l) * P(b, l);
                    }
                    if (met > options.AllocationMaxRatio * expected)
                    {
                        continue;
                    }
                    var pValue = HistoryScreens.PoissonLowerTail(met, expected);
                    if (pValue <= options.AllocationMaxPValue)
                    {
                        pairs.Add((a, b, met, expected, pValue));
                    }
                }
            }
            // Firms that all avoid one another form one allocation; report connected pairs as one group.
            var parent = new Dictionary<int, int>();
            int Find(int v) { while (parent.GetValueOrDefault(v, v) != v) v = parent[v]; return v; }
            foreach (var (a, b, _, _, _) in pairs) parent[Find(a)] = Find(b);
            foreach (var group in pairs.SelectMany(p => new[] { p.A, p.B }).Distinct().GroupBy(Find).Select(g => g.Order().ToList()))
            {
                var inside = pairs.Where(p => group.Contains(p.A)).ToList();
                var ids = group.Select(i => names[i]).ToList();
                var evidence = group.Select(i =>
                {
                    var buyers = marketLots.Where(l => Array.BinarySearch(participants[l], i) >= 0).GroupBy(l => lots[l].Buyer ?? "–")
                        .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).Take(4)
                        .Select(g => $"{g.Key} {g.Count()}");
                    return new Evidence("bids-wins-buyers", names[i], Value: $"{total[i]} bids, {wins[i].Count} wins; buyers: {string.Join(", ", buyers)}");
                }).Concat(inside.Select(p => new Evidence("met-expected", names[p.A],
                    Value: $"{names[p.A]}+{names[p.B]}: met {p.Met}, {F(p.Expected, "0.0")} expected, p={p.P.ToString("0.##E+0", CultureInfo.InvariantCulture)}")))
                    .ToList();
                var strongest = inside.MinBy(p => p.P);
                findings.Add(Finding.Make("H7", "avoidance", Grade.Lead, null, ids, evidence,
                    LocalizedText.Of("h7", Finding.JoinFirms(ids), market.Key, marketLots.Count, strongest.Met, F(strongest.Expected, "0.0"),
                        string.Join(", ", group.Select(i => $"{names[i]} {wins[i].Count}"))),
                    -Math.Log10(Math.Max(strongest.P, 1e-300))));
            }
        }
    }
}
