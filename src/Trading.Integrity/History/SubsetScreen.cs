using System.Globalization;
using Trading.Integrity.Model;

namespace Trading.Integrity.History;

/// <summary>
/// H8: Imhof's price screens on subsets of bidders, for partial cartels whose members are a few of a lot's bidders. A
/// rotation ring's bids in the lots where its members meet show one bid (the designated winner) well below the others,
/// which stay close together: a high relative distance RD = (b2 - b1) / sd(b2..bk) and a low spread. The screens are taken
/// on each firm's bid after its own usual level, distance and backlog (the H6 residuals), so a firm that is simply cheaper
/// than two look-alike rivals does not look like a designated winner, and every group of three firms that met often is
/// compared with random groups of three bidders of the centre's lots (the null), lot by lot, by percentile.
/// </summary>
internal static class SubsetScreen
{
    private const int K = 3;

    private static string F(double v, string format = "0.##") => v.ToString(format, CultureInfo.InvariantCulture);

    public static void Run(Dictionary<int, List<MarkupScreen.Obs>> byLot, List<string> names, HistoryOptions options,
        List<Finding> findings, List<ScreenOutcome> outcomes)
    {
        // Null: random groups of three bids in each lot (all of them when few), with a fixed seed so runs repeat.
        var random = new Random(20260101);
        var nullRd = new List<double>();
        var nullSd = new List<double>();
        foreach (var (_, obs) in byLot.OrderBy(x => x.Key))
        {
            var values = obs.DistinctBy(o => o.Firm).Select(o => o.Residual).ToArray();
            if (values.Length < K)
            {
                continue;
            }
            var all = values.Length <= 7;
            var combos = all ? Triples(values.Length) : Enumerable.Range(0, options.SubsetNullPerLot).Select(_ => Sample(random, values.Length));
            foreach (var (a, b, c) in combos)
            {
                var (rd, sd) = Screens(values[a], values[b], values[c]);
                nullRd.Add(rd);
                nullSd.Add(sd);
            }
        }
        if (nullRd.Count < 100)
        {
            outcomes.Add(new ScreenOutcome("H8", ScreenStatus.NotEnoughData, LocalizedText.Of("nodata.reference", byLot.Count, options.MinLots)));
            return;
        }
        outcomes.Add(new ScreenOutcome("H8", ScreenStatus.Ran));
        nullRd.Sort();
        nullSd.Sort();

        // Groups of three that met in enough lots.
        var meetings = new Dictionary<(int, int, int), List<int>>();
        foreach (var (lot, obs) in byLot)
        {
            var firms = obs.Select(o => o.Firm).Distinct().Order().ToArray();
            foreach (var (a, b, c) in Triples(firms.Length))
            {
                var key = (firms[a], firms[b], firms[c]);
                if (!meetings.TryGetValue(key, out var list))
                {
                    meetings[key] = list = [];
                }
                list.Add(lot);
            }
        }
        var significant = new List<((int A, int B, int C) Key, int Lots, double Rd, double Sd, double Z)>();
        foreach (var (key, list) in meetings)
        {
            if (list.Count < options.SubsetMinLots)
            {
                continue;
            }
            double sumRd = 0, sumSd = 0;
            foreach (var lot in list)
            {
                var obs = byLot[lot];
                double V(int firm) => obs.First(o => o.Firm == firm).Residual;
                var (rd, sd) = Screens(V(key.Item1), V(key.Item2), V(key.Item3));
                sumRd += Percentile(nullRd, rd);
                sumSd += Percentile(nullSd, sd);
            }
            var n = list.Count;
            var (meanRd, meanSd) = (sumRd / n, sumSd / n);
            // Mean of n uniform percentiles has sd sqrt(1 / 12n); a high RD and a low spread both point at covers.
            var scale = Math.Sqrt(1.0 / (12 * n));
            var z = ((meanRd - 0.5) / scale + (0.5 - meanSd) / scale) / Math.Sqrt(2);
            if (z >= options.SubsetMinZ)
            {
                significant.Add((key, n, meanRd, meanSd, z));
            }
        }
        Dependence(byLot, names, options, findings);

        // Triples sharing two firms describe one group.
        var groups = new List<(HashSet<int> Firms, List<((int A, int B, int C) Key, int Lots, double Rd, double Sd, double Z)> Triples)>();
        foreach (var s in significant.OrderByDescending(s => s.Z))
        {
            var firms = new[] { s.Key.A, s.Key.B, s.Key.C };
            var home = groups.FirstOrDefault(g => firms.Count(g.Firms.Contains) >= 2);
            if (home.Firms is null)
            {
                groups.Add(([.. firms], [s]));
            }
            else
            {
                home.Firms.UnionWith(firms);
                home.Triples.Add(s);
            }
        }
        foreach (var (firms, triples) in groups)
        {
            var best = triples[0];
            var ids = firms.Select(i => names[i]).ToList();
            findings.Add(Finding.Make("H8", "subset-screens", Grade.Lead, null, ids,
                triples.Select(t => new Evidence("subset-rd-spread", null,
                    Value: $"{names[t.Key.A]}+{names[t.Key.B]}+{names[t.Key.C]}: {t.Lots} lots, RD percentile {F(t.Rd * 100, "0")}, spread percentile {F(t.Sd * 100, "0")}, z = {F(t.Z, "0.0")}")),
                LocalizedText.Of("h8", Finding.JoinFirms(ids), best.Lots, F(best.Rd * 100, "0"), F(best.Sd * 100, "0"), F(best.Z, "0.0")), best.Z));
        }
    }

    /// <summary>
    /// Bajari and Ye's conditional independence: after each firm's usual level and its cost covariates (the residuals),
    /// competing firms' bids move independently from lot to lot, while a cover priced off the designated winner's bid moves
    /// with it. For each pair that met often: the partial correlation of the two residuals over their meetings, given the
    /// mean residual of the lot's other bidders (which carries anything common to the lot, such as an estimate set too
    /// low), tested with Fisher's z.
    /// </summary>
    private static void Dependence(Dictionary<int, List<MarkupScreen.Obs>> byLot, List<string> names, HistoryOptions options, List<Finding> findings)
    {
        var meetings = new Dictionary<(int, int), List<(double X, double Y, double C)>>();
        foreach (var (_, obs) in byLot.OrderBy(x => x.Key))
        {
            var firms = obs.DistinctBy(o => o.Firm).OrderBy(o => o.Firm).ToArray();
            if (firms.Length < 3)
            {
                continue;
            }
            var sum = firms.Sum(o => o.Residual);
            for (var a = 0; a < firms.Length; a++)
            {
                for (var b = a + 1; b < firms.Length; b++)
                {
                    var control = (sum - firms[a].Residual - firms[b].Residual) / (firms.Length - 2);
                    var key = (firms[a].Firm, firms[b].Firm);
                    if (!meetings.TryGetValue(key, out var list))
                    {
                        meetings[key] = list = [];
                    }
                    list.Add((firms[a].Residual, firms[b].Residual, control));
                }
            }
        }
        var pairs = new List<(int A, int B, int N, double R, double Z)>();
        foreach (var ((a, b), list) in meetings)
        {
            if (list.Count < options.DependenceMinLots)
            {
                continue;
            }
            var r = PartialCorrelation(list);
            var z = Math.Atanh(Math.Clamp(r, -0.999999, 0.999999)) * Math.Sqrt(list.Count - 4);
            if (z >= options.DependenceMinZ)
            {
                pairs.Add((a, b, list.Count, r, z));
            }
        }
        var parent = new Dictionary<int, int>();
        int Find(int v) { while (parent.GetValueOrDefault(v, v) != v) v = parent[v]; return v; }
        foreach (var p in pairs) parent[Find(p.A)] = Find(p.B);
        var pairGroups = pairs.SelectMany(p => new[] { p.A, p.B }).Distinct().GroupBy(Find).Select(g => g.Order().ToList()).ToList();
        GroupDependence(byLot, names, options, findings, pairGroups);
        foreach (var group in pairGroups)
        {
            var inside = pairs.Where(p => group.Contains(p.A)).OrderByDescending(p => p.Z).ToList();
            var best = inside[0];
            var ids = group.Select(i => names[i]).ToList();
            findings.Add(Finding.Make("H8", "conditional-dependence", Grade.Lead, null, ids,
                inside.Select(p => new Evidence("partial-correlation", names[p.A],
                    Value: $"{names[p.A]}+{names[p.B]}: {p.N} lots, r = {F(p.R, "0.00")}, z = {F(p.Z, "0.0")}")),
                LocalizedText.Of("h8.dependence", Finding.JoinFirms(ids), names[best.A], names[best.B], best.N, F(best.R, "0.00"), F(best.Z, "0.0")), best.Z));
        }
    }

    /// <summary>
    /// The same test for a group whose pairs meet too rarely to stand out alone (a ring of four meets in a few dozen lots):
    /// the group is chosen on one half of the lots (alternate lots in time order) from pairs whose residuals go together,
    /// and judged on the other half by how much of its members' residual variance is shared within a lot (one-way
    /// analysis of variance, lots as groups, after the other bidders' mean), which independent bids do not share.
    /// </summary>
    private static void GroupDependence(Dictionary<int, List<MarkupScreen.Obs>> byLot, List<string> names, HistoryOptions options,
        List<Finding> findings, List<List<int>> already)
    {
        var ordered = byLot.Keys.Order().ToArray();
        var halves = Enumerable.Range(0, 2).Select(h => ordered.Where((_, i) => i % 2 == h).ToDictionary(l => l, l => byLot[l])).ToArray();
        var shown = new List<List<int>>(already);
        for (var h = 0; h < 2; h++)
        {
            var choose = halves[h];
            // Edges: pairs whose raw residuals go together on the choosing half.
            var rows = new Dictionary<(int, int), List<(double X, double Y)>>();
            foreach (var obs in choose.Values)
            {
                var firms = obs.DistinctBy(o => o.Firm).OrderBy(o => o.Firm).ToArray();
                for (var a = 0; a < firms.Length; a++)
                    for (var b = a + 1; b < firms.Length; b++)
                    {
                        var key = (firms[a].Firm, firms[b].Firm);
                        if (!rows.TryGetValue(key, out var list)) rows[key] = list = [];
                        list.Add((firms[a].Residual, firms[b].Residual));
                    }
            }
            var parent = new Dictionary<int, int>();
            int Find(int v) { while (parent.GetValueOrDefault(v, v) != v) v = parent[v]; return v; }
            foreach (var ((a, b), list) in rows.OrderBy(x => x.Key))
            {
                if (list.Count >= options.DependenceSelectMinLots &&
                    Math.Atanh(Math.Clamp(PartialCorrelation(list.Select(x => (x.X, x.Y, 0.0)).ToList()), -0.999999, 0.999999)) * Math.Sqrt(list.Count - 3) >= options.DependenceSelectMinZ)
                {
                    parent[Find(a)] = Find(b);
                }
            }
            foreach (var group in parent.Keys.Concat(parent.Values).Distinct().GroupBy(Find).Select(g => g.Order().ToList()).Where(g => g.Count >= 3))
            {
                var members = group.Count > 24 ? group.OrderByDescending(m => SharedVariance(group.Where(x => x != m).ToList(), choose).Z * -1).Take(24).ToList() : group;
                var best = SharedVariance(members, choose).Z;
                while (members.Count > 3)
                {
                    var (drop, z) = members.Select(m => (m, SharedVariance(members.Where(x => x != m).ToList(), choose).Z)).MaxBy(x => x.Z);
                    if (z <= best) break;
                    members = members.Where(x => x != drop).ToList();
                    best = z;
                }
                var confirm = SharedVariance(members, halves[1 - h]);
                if (confirm.Z < options.DependenceConfirmMinZ || shown.Any(s => s.Intersect(members).Count() >= 2))
                {
                    continue;
                }
                shown.Add(members);
                var full = SharedVariance(members, byLot);
                var ids = members.Select(i => names[i]).ToList();
                findings.Add(Finding.Make("H8", "group-dependence", Grade.Lead, null, ids,
                    [new Evidence("shared-variance", Value: $"{full.Lots} lots, {full.Bids} bids, intraclass correlation {F(full.Icc, "0.00")}, z = {F(full.Z, "0.0")}"),
                     new Evidence("confirmed-on-other-half", Value: $"{confirm.Lots} lots, z = {F(confirm.Z, "0.0")}")],
                    LocalizedText.Of("h8.group", Finding.JoinFirms(ids), full.Lots, F(full.Icc, "0.00"), F(full.Z, "0.0"), F(confirm.Z, "0.0")), confirm.Z));
            }
        }
    }

    /// <summary>
    /// Within-lot shared variance of the members' residuals in lots where two or more meet, after a pooled regression on the
    /// mean residual of the lot's non-members: F of between-lot over within-lot mean squares, as a z (Wilson-Hilferty),
    /// and the intraclass correlation.
    /// </summary>
    internal static (double Z, double Icc, int Lots, int Bids) SharedVariance(IReadOnlyList<int> members, Dictionary<int, List<MarkupScreen.Obs>> byLot)
    {
        var set = members.ToHashSet();
        var cells = new List<(double[] Values, double Control)>();
        foreach (var obs in byLot.Values)
        {
            var inside = obs.Where(o => set.Contains(o.Firm)).DistinctBy(o => o.Firm).Select(o => o.Residual).ToArray();
            var outside = obs.Where(o => !set.Contains(o.Firm)).ToList();
            if (inside.Length >= 2 && outside.Count >= 1)
            {
                cells.Add((inside, outside.Average(o => o.Residual)));
            }
        }
        var lots = cells.Count;
        var bids = cells.Sum(c => c.Values.Length);
        if (lots < 3 || bids - lots < 2)
        {
            return (0, 0, lots, bids);
        }
        var flat = cells.SelectMany(c => c.Values.Select(v => (V: v, C: c.Control))).ToList();
        var (mv, mc) = (flat.Average(x => x.V), flat.Average(x => x.C));
        var scc = flat.Sum(x => (x.C - mc) * (x.C - mc));
        var beta = scc > 0 ? flat.Sum(x => (x.C - mc) * (x.V - mv)) / scc : 0;
        var adjusted = cells.Select(c => c.Values.Select(v => v - beta * c.Control).ToArray()).ToList();
        var grand = adjusted.SelectMany(v => v).Average();
        double ssb = 0, ssw = 0;
        foreach (var v in adjusted)
        {
            var m = v.Average();
            ssb += v.Length * (m - grand) * (m - grand);
            ssw += v.Sum(x => (x - m) * (x - m));
        }
        var (d1, d2) = (lots - 1.0, bids - lots);
        var f = ssw > 0 ? ssb / d1 / (ssw / d2) : 0;
        var k0 = (double)bids / lots;
        var icc = (f - 1) / (f + k0 - 1);
        var z = ((1 - 2 / (9 * d2)) * Math.Cbrt(f) - (1 - 2 / (9 * d1))) / Math.Sqrt(2 / (9 * d1) + Math.Pow(Math.Cbrt(f), 2) * 2 / (9 * d2));
        return (z, icc, lots, bids);
    }

    /// <summary>Correlation of X and Y after each is regressed on C.</summary>
    internal static double PartialCorrelation(IReadOnlyList<(double X, double Y, double C)> rows)
    {
        double Corr(Func<(double X, double Y, double C), double> u, Func<(double X, double Y, double C), double> v)
        {
            var mu = rows.Average(u);
            var mv = rows.Average(v);
            double suv = 0, suu = 0, svv = 0;
            foreach (var row in rows)
            {
                var (du, dv) = (u(row) - mu, v(row) - mv);
                suv += du * dv; suu += du * du; svv += dv * dv;
            }
            return suu > 0 && svv > 0 ? suv / Math.Sqrt(suu * svv) : 0;
        }
        var rxy = Corr(r => r.X, r => r.Y);
        var rxc = Corr(r => r.X, r => r.C);
        var ryc = Corr(r => r.Y, r => r.C);
        var denominator = Math.Sqrt((1 - rxc * rxc) * (1 - ryc * ryc));
        return denominator > 1e-9 ? (rxy - rxc * ryc) / denominator : 0;
    }

    /// <summary>Relative distance (gap below the other two over their spread) and the spread of three values.</summary>
    internal static (double Rd, double Sd) Screens(double a, double b, double c)
    {
        Span<double> x = [a, b, c];
        x.Sort();
        var mean = (x[0] + x[1] + x[2]) / 3;
        var sd = Math.Sqrt(((x[0] - mean) * (x[0] - mean) + (x[1] - mean) * (x[1] - mean) + (x[2] - mean) * (x[2] - mean)) / 2);
        // sd of the two higher values; a floor keeps two equal covers from dividing by zero.
        var upper = Math.Max(Math.Abs(x[2] - x[1]) / Math.Sqrt(2), 1e-4);
        return ((x[1] - x[0]) / upper, sd);
    }

    /// <summary>Mid-rank percentile of a value in a sorted sample.</summary>
    internal static double Percentile(List<double> sorted, double value)
    {
        var lo = LowerBound(sorted, value, strict: true);
        var hi = LowerBound(sorted, value, strict: false);
        return (lo + hi) / 2.0 / sorted.Count;
    }

    private static int LowerBound(List<double> sorted, double value, bool strict)
    {
        int l = 0, r = sorted.Count;
        while (l < r)
        {
            var m = (l + r) / 2;
            if (strict ? sorted[m] < value : sorted[m] <= value) l = m + 1; else r = m;
        }
        return l;
    }

    internal static IEnumerable<(int, int, int)> Triples(int n)
    {
        for (var a = 0; a < n; a++)
            for (var b = a + 1; b < n; b++)
                for (var c = b + 1; c < n; c++)
                    yield return (a, b, c);
    }

    private static (int, int, int) Sample(Random random, int n)
    {
        var a = random.Next(n);
        int b, c;
        do b = random.Next(n); while (b == a);
        do c = random.Next(n); while (c == a || c == b);
        return (a, b, c);
    }
}
