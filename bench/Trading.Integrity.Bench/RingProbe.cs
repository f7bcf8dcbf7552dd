using System.Globalization;
using Trading.Integrity.History;
using Trading.Integrity.Model;
using Trading.Integrity.Simulation;

namespace Trading.Integrity.Bench;

/// <summary>
/// "ring-probe seed..." measures, on tuning seeds only, two statistics that might name the regional rotation ring, and
/// prints where its exact group and its triples stand against every other group of three firms that met often:
/// the shared within-lot variance of the ring's four members (H8's group-dependence test, on all lots and on each half),
/// and gap regularity: the covers of a ring are priced a set margin above the designated winner, so the distances of the
/// other members' bids above the lowest member's, pooled over the lots where two or more met, should vary less (a lower
/// coefficient of variation) than for random bidders of the same lots (z against 200 draws of that null). Issue 20, fourth
/// session: neither separated the ring from honest triples (bench/results/collusion-screens.md), so no screen was built.
/// </summary>
internal static class RingProbe
{
    public static void Run(string[] args)
    {
        foreach (var seed in args.Select(a => int.Parse(a, CultureInfo.InvariantCulture)))
        {
            var market = MarketSimulator.Generate(new MarketOptions { Seed = seed, Years = 3, LotsPerYear = 170, WithDocuments = false, HonestFirms = 100 });
            var lots = market.History.Lots;
            var names = lots.SelectMany(l => l.Bids.Select(b => b.FirmId)).Distinct().Order(StringComparer.Ordinal).ToList();
            var index = names.Select((n, i) => (n, i)).ToDictionary(x => x.n, x => x.i, StringComparer.Ordinal);
            var winners = lots.Select(l => l.WinnerFirmId is { } w ? index[w] : -1).ToArray();
            var res = MarkupScreen.Residual(lots, winners, names, market.History.FirmRegions);
            var byLot = res.ByLot;
            var ring = market.Cases.Where(c => c.LotId is null && c.Kind == CartelKind.RegionalRing).SelectMany(c => c.FirmIds).Select(x => index[x]).ToHashSet();
            var cartel = market.Cases.Where(c => c.LotId is null).SelectMany(c => c.FirmIds).Select(x => index[x]).ToHashSet();
            var rnd = new Random(1);
            var lotVals = byLot.ToDictionary(x => x.Key, x => x.Value.DistinctBy(o => o.Firm).ToDictionary(o => o.Firm, o => o.Residual));
            var meet = new Dictionary<(int, int, int), List<int>>();
            var firmLots = new Dictionary<int, HashSet<int>>();
            foreach (var (lot, vals) in lotVals) foreach (var fm in vals.Keys) { if (!firmLots.TryGetValue(fm, out var hs)) firmLots[fm] = hs = []; hs.Add(lot); }
            foreach (var (lot, vals) in lotVals)
            {
                var f = vals.Keys.Order().ToArray();
                foreach (var (a, b, c) in SubsetScreen.Triples(f.Length))
                {
                    var key = (f[a], f[b], f[c]);
                    if (!meet.TryGetValue(key, out var l)) meet[key] = l = [];
                    l.Add(lot);
                }
            }
            static double Cv(List<double> g) { var m = g.Average(); return Math.Sqrt(g.Sum(x => (x - m) * (x - m)) / (g.Count - 1)) / m; }
            static void Gaps(IEnumerable<double> v, List<double> into) { var s = v.Order().ToArray(); for (var i = 1; i < s.Length; i++) into.Add(s[i] - s[0]); }
            var rows = new List<(string Tag, int N, double Cv, double Z)>();
            foreach (var (key, triple) in meet)
            {
                if (triple.Count < 4) continue;
                var ids = new[] { key.Item1, key.Item2, key.Item3 };
                var list = ids.SelectMany(i => firmLots[i]).GroupBy(l => l).Where(g => g.Count() >= 2).Select(g => g.Key).Order().ToList();
                if (list.Count < 8) continue;
                var gaps = new List<double>();
                foreach (var lot in list) Gaps(ids.Where(lotVals[lot].ContainsKey).Select(i => lotVals[lot][i]), gaps);
                var obs = Cv(gaps);
                var reps = new List<double>();
                for (var r = 0; r < 200; r++)
                {
                    var g2 = new List<double>();
                    foreach (var lot in list)
                    {
                        var k = ids.Count(lotVals[lot].ContainsKey);
                        var all = lotVals[lot].Values.ToArray();
                        Gaps(all.OrderBy(_ => rnd.Next()).Take(k), g2);
                    }
                    reps.Add(Cv(g2));
                }
                var mu = reps.Average(); var sd = Math.Sqrt(reps.Sum(x => (x - mu) * (x - mu)) / (reps.Count - 1));
                var tag = ids.Count(ring.Contains) == 3 ? "RING" : ids.Any(cartel.Contains) ? "cart" : "hon";
                rows.Add((tag, list.Count, obs, (mu - obs) / sd));
            }
            var ringLots = market.Cases.Count(c => c.Kind == CartelKind.RegionalRing && c.LotId is not null && c.FirmIds.Count >= 2);
            var sv = SubsetScreen.SharedVariance(ring.ToList(), byLot);
            var halves = byLot.Keys.Order().ToArray();
            var h0 = SubsetScreen.SharedVariance(ring.ToList(), halves.Where((_, i) => i % 2 == 0).ToDictionary(l => l, l => byLot[l]));
            var h1 = SubsetScreen.SharedVariance(ring.ToList(), halves.Where((_, i) => i % 2 == 1).ToDictionary(l => l, l => byLot[l]));
            Console.WriteLine($"seed {seed}: triples {rows.Count} ring lots {ringLots} sharedvar z={sv.Z:0.0} icc={sv.Icc:0.00} lots={sv.Lots} halves {h0.Z:0.0}/{h1.Z:0.0}");
            foreach (var r in rows.Where(r => r.Tag == "RING")) Console.WriteLine($"  RING n={r.N} cv={r.Cv:0.00} z={r.Z:0.0}");
            foreach (var r in rows.Where(r => r.Tag != "RING").OrderByDescending(r => r.Z).Take(5)) Console.WriteLine($"  {r.Tag}  n={r.N} cv={r.Cv:0.00} z={r.Z:0.0}");
        }
    }
}
