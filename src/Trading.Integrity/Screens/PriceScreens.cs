using System.Globalization;
using Trading.Integrity.Model;

namespace Trading.Integrity.Screens;

/// <summary>The screen statistics of one set of prices (Imhof; Huber and Imhof).</summary>
public sealed record PriceStatistics(
    int Count, double? Cv, double? Spd, double? Diffp, double? Rd, double? Rdnor, double? Rdalt, double? Kurt, double? Skew)
{
    /// <summary>Screen names in report order.</summary>
    public static IReadOnlyList<string> Names { get; } = ["CV", "SPD", "DIFFP", "RD", "RDNOR", "RDALT", "KURT", "SKEW"];

    /// <summary>The value of a screen by name.</summary>
    public double? this[string screen] => screen switch
    {
        "CV" => Cv, "SPD" => Spd, "DIFFP" => Diffp, "RD" => Rd, "RDNOR" => Rdnor, "RDALT" => Rdalt, "KURT" => Kurt, "SKEW" => Skew,
        _ => throw new ArgumentOutOfRangeException(nameof(screen), screen, "unknown price screen"),
    };

    /// <summary>Computes the screens; each one is null when there are too few prices for it.</summary>
    public static PriceStatistics Compute(IEnumerable<decimal> prices)
    {
        var b = prices.Select(p => (double)p).Order().ToArray();
        var n = b.Length;
        if (n < 2)
        {
            return new PriceStatistics(n, null, null, null, null, null, null, null, null);
        }
        var spd = (b[^1] - b[0]) / b[0];
        var diffp = (b[1] - b[0]) / b[0];
        if (n < 3)
        {
            return new PriceStatistics(n, null, spd, diffp, null, null, null, null, null);
        }
        var mean = b.Average();
        var m2 = b.Sum(x => (x - mean) * (x - mean));
        var sd = Math.Sqrt(m2 / (n - 1));
        var cv = sd / mean;
        var losers = b.AsSpan(1);
        var lm = 0.0;
        foreach (var x in losers) lm += x;
        lm /= losers.Length;
        var ls = 0.0;
        foreach (var x in losers) ls += (x - lm) * (x - lm);
        var losersSd = Math.Sqrt(ls / (losers.Length - 1));
        double? rd = losersSd > 0 ? (b[1] - b[0]) / losersSd : null;
        double? rdnor = b[^1] > b[0] ? (b[1] - b[0]) / ((b[^1] - b[0]) / (n - 1)) : null;
        double? rdalt = b[^1] > b[1] ? (b[1] - b[0]) / ((b[^1] - b[1]) / (n - 2)) : null;
        // Adjusted Fisher-Pearson skewness and sample excess kurtosis, as in common statistics packages.
        var m2p = m2 / n;
        var m3 = b.Sum(x => Math.Pow(x - mean, 3)) / n;
        var m4 = b.Sum(x => Math.Pow(x - mean, 4)) / n;
        double? skew = m2p > 0 ? Math.Sqrt((double)n * (n - 1)) / (n - 2) * m3 / Math.Pow(m2p, 1.5) : null;
        double? kurt = n >= 4 && m2p > 0
            ? (n - 1.0) / ((n - 2.0) * (n - 3.0)) * ((n + 1.0) * (m4 / (m2p * m2p) - 3.0) + 6.0)
            : null;
        return new PriceStatistics(n, cv, spd, diffp, rd, rdnor, rdalt, kurt, skew);
    }
}

/// <summary>
/// Distribution of each price screen over the centre's past lots, by category and number of bids,
/// so a lot's screens are reported as percentiles among comparable lots.
/// </summary>
public sealed class PriceBaseline
{
    private readonly Dictionary<(string Category, int Bucket, string Screen), double[]> sorted = [];
    private readonly Dictionary<(int Bucket, string Screen), double[]> sortedAll = [];

    private PriceBaseline() { }

    /// <summary>Past lots used.</summary>
    public int LotCount { get; private set; }

    /// <summary>Builds the baseline from valid bids of past lots with at least 2 of them.</summary>
    public static PriceBaseline Build(MarketHistory history, int minComparable = 30)
    {
        ArgumentNullException.ThrowIfNull(history);
        var baseline = new PriceBaseline { MinComparable = minComparable };
        var perCat = new Dictionary<(string, int, string), List<double>>();
        var perAll = new Dictionary<(int, string), List<double>>();
        foreach (var lot in history.Lots)
        {
            var prices = lot.Bids.Where(b => b.Status == HistoricBidStatus.Valid && b.Price > 0).Select(b => b.Price).ToList();
            if (prices.Count < 2)
            {
                continue;
            }
            baseline.LotCount++;
            var stats = PriceStatistics.Compute(prices);
            var bucket = Bucket(prices.Count);
            foreach (var name in PriceStatistics.Names)
            {
                if (stats[name] is { } v && double.IsFinite(v))
                {
                    Add(perCat, (lot.Category, bucket, name), v);
                    Add(perAll, (bucket, name), v);
                }
            }
        }
        foreach (var (k, v) in perCat) { v.Sort(); baseline.sorted[k] = v.ToArray(); }
        foreach (var (k, v) in perAll) { v.Sort(); baseline.sortedAll[k] = v.ToArray(); }
        return baseline;
    }

    private int MinComparable { get; init; }

    private static void Add<TKey>(Dictionary<TKey, List<double>> d, TKey key, double v) where TKey : notnull
    {
        if (!d.TryGetValue(key, out var list))
        {
            d[key] = list = [];
        }
        list.Add(v);
    }

    /// <summary>Screens depend on how many bids there are, so lots are compared within these size bands.</summary>
    internal static int Bucket(int n) => n switch { <= 2 => 2, 3 => 3, 4 => 4, <= 6 => 5, <= 9 => 7, <= 14 => 10, <= 24 => 15, _ => 25 };

    /// <summary>Percentile (0..100, ties counted half) of a value among comparable lots, with the number compared; null when too few.</summary>
    public (double? Percentile, int Size) Percentile(string category, int bidCount, string screen, double value)
    {
        var bucket = Bucket(bidCount);
        if (!sorted.TryGetValue((category, bucket, screen), out var arr) || arr.Length < MinComparable)
        {
            // Too few lots of this category: fall back to all categories of the same size band.
            if (!sortedAll.TryGetValue((bucket, screen), out arr) || arr.Length < MinComparable)
            {
                return (null, arr?.Length ?? 0);
            }
        }
        var below = LowerBound(arr, value);
        var upTo = UpperBound(arr, value);
        return (100.0 * (below + (upTo - below) / 2.0) / arr.Length, arr.Length);
    }

    private static int LowerBound(double[] a, double v)
    {
        int lo = 0, hi = a.Length;
        while (lo < hi) { var mid = (lo + hi) >> 1; if (a[mid] < v) lo = mid + 1; else hi = mid; }
        return lo;
    }

    private static int UpperBound(double[] a, double v)
    {
        int lo = 0, hi = a.Length;
        while (lo < hi) { var mid = (lo + hi) >> 1; if (a[mid] <= v) lo = mid + 1; else hi = mid; }
        return lo;
    }
}

/// <summary>PS (price screens), identical prices, L4b (regular prices, linear price lists) and H5 (close to the winner).</summary>
internal static class PriceScreens
{
    private static string F(double v, string format = "0.####") => v.ToString(format, CultureInfo.InvariantCulture);

    public static List<PriceScreenValue> Run(OpenedLot lot, PriceBaseline? baseline, ScreenOptions options,
        List<Finding> findings, List<ScreenOutcome> outcomes)
    {
        var bids = lot.Bids.OrderBy(b => b.Price).ToList();
        var n = bids.Count;
        var stats = PriceStatistics.Compute(bids.Select(b => b.Price));
        var values = new List<PriceScreenValue>();
        var unusual = new List<string>();
        foreach (var name in PriceStatistics.Names)
        {
            var v = stats[name];
            if (v is null || baseline is null)
            {
                values.Add(new PriceScreenValue(name, v, null, 0));
                continue;
            }
            var (pct, size) = baseline.Percentile(lot.Category, n, name, v.Value);
            values.Add(new PriceScreenValue(name, v, pct, size));
            if (pct is { } p)
            {
                // Cartels compress prices (low CV, SPD) and open a gap under the winner (high RD, RDNOR).
                var tail = options.PriceScreenTailPercent;
                if ((name is "CV" or "SPD" && p <= tail) || (name is "RD" or "RDNOR" && p >= 100 - tail))
                {
                    unusual.Add($"{name}={F(v.Value)} (P{F(p, "0.#")})");
                }
            }
        }

        if (n < 2)
        {
            outcomes.Add(new ScreenOutcome("PS", ScreenStatus.NotEnoughData, LocalizedText.Of("nodata.bids", n, 2)));
        }
        else
        {
            outcomes.Add(new ScreenOutcome("PS", ScreenStatus.Ran));
            foreach (var g in bids.GroupBy(b => b.Price).Where(g => g.Select(b => b.FirmId).Distinct().Count() >= 2))
            {
                var ids = g.Select(b => b.FirmId).ToList();
                findings.Add(Finding.Make("PS", "identical-prices", Grade.Lead, lot.LotId, ids,
                    g.Select(b => new Evidence("price", b.FirmId, b.BidId, b.Price.ToString(CultureInfo.InvariantCulture))),
                    LocalizedText.Of("ps.identical", Finding.JoinFirms(ids), g.Key.ToString(CultureInfo.InvariantCulture)), ids.Count));
            }
            // The distribution lead needs percentiles; without comparable history say so rather than stay silent.
            var percentiles = values.Count(v => v.Percentile is not null);
            if (n < options.PriceScreenMinBids)
            {
                outcomes.Add(new ScreenOutcome("PS.distribution", ScreenStatus.NotEnoughData, LocalizedText.Of("nodata.bids", n, options.PriceScreenMinBids)));
            }
            else if (percentiles == 0)
            {
                outcomes.Add(new ScreenOutcome("PS.distribution", ScreenStatus.NotEnoughData,
                    LocalizedText.Of("nodata.history", values.Max(v => v.BaselineSize), options.MinBaselineLots)));
            }
            else
            {
                outcomes.Add(new ScreenOutcome("PS.distribution", ScreenStatus.Ran));
            }
            if (n >= options.PriceScreenMinBids && unusual.Count >= options.PriceScreenMinUnusual)
            {
                // The screens concern the whole lot; the bidders listed are those whose prices drive them: all but the lowest.
                var ids = bids.Skip(1).Select(b => b.FirmId).ToList();
                findings.Add(Finding.Make("PS", "distribution", Grade.Lead, lot.LotId, ids,
                    values.Where(v => v.Value is not null).Select(v => new Evidence("screen." + v.Screen, Value: $"{F(v.Value!.Value)} P{(v.Percentile is { } p ? F(p, "0.#") : "-")}")),
                    LocalizedText.Of("ps.lead", Finding.JoinFirms(ids), string.Join("; ", unusual)), unusual.Count));
            }
        }

        RegularSteps(lot, bids, options, findings, outcomes);
        LinearPriceLists(lot, options, findings, outcomes);
        CloseToWinner(lot, bids, stats, baseline, options, findings, outcomes);
        return values;
    }

    private static void RegularSteps(OpenedLot lot, List<OpenedBid> bids, ScreenOptions options, List<Finding> findings, List<ScreenOutcome> outcomes)
    {
        var minRun = options.RegularStepMinBids;
        if (bids.Count < minRun)
        {
            outcomes.Add(new ScreenOutcome("L4b", ScreenStatus.NotEnoughData, LocalizedText.Of("nodata.bids", bids.Count, minRun)));
            return;
        }
        outcomes.Add(new ScreenOutcome("L4b", ScreenStatus.Ran));
        var p = bids.Select(b => (double)b.Price).ToArray();
        // Find maximal runs of consecutive sorted bids whose steps (differences or ratios) are near-constant.
        foreach (var (kind, step) in new (string, Func<int, double>)[] { ("s.differences", i => p[i + 1] - p[i]), ("s.ratios", i => p[i + 1] / p[i] - 1) })
        {
            var start = 0;
            while (start + minRun <= p.Length)
            {
                var end = start + minRun - 1; // inclusive index of last bid
                if (!Regular(start, end, step))
                {
                    start++;
                    continue;
                }
                while (end + 1 < p.Length && Regular(start, end + 1, step))
                {
                    end++;
                }
                var run = bids.GetRange(start, end - start + 1);
                var cv = StepCv(start, end, step);
                var ids = run.Select(b => b.FirmId).ToList();
                if (!findings.Any(f => f.IndicatorId == "L4b" && f.FirmIds.SequenceEqual(ids.Order(StringComparer.Ordinal))))
                {
                    findings.Add(Finding.Make("L4b", "steps", Grade.Lead, lot.LotId, ids,
                        run.Select(b => new Evidence("price", b.FirmId, b.BidId, b.Price.ToString(CultureInfo.InvariantCulture))),
                        LocalizedText.Of("l4b.steps", Finding.JoinFirms(ids), "@" + kind, F(cv * 100, "0.##")), 1 - cv));
                }
                start = end;
            }
        }

        bool Regular(int from, int to, Func<int, double> step) => StepCv(from, to, step) <= options.RegularStepMaxCv;

        double StepCv(int from, int to, Func<int, double> step)
        {
            var steps = Enumerable.Range(from, to - from).Select(step).ToArray();
            var mean = steps.Average();
            if (mean <= 0 || steps.Any(s => s <= 0))
            {
                return double.PositiveInfinity;
            }
            var sd = Math.Sqrt(steps.Sum(s => (s - mean) * (s - mean)) / (steps.Length - 1));
            return sd / mean;
        }
    }

    private static void LinearPriceLists(OpenedLot lot, ScreenOptions options, List<Finding> findings, List<ScreenOutcome> outcomes)
    {
        var priced = lot.Bids.Where(b => b.PriceItems.Count >= options.LinearPriceListMinItems).ToList();
        if (priced.Count < 2)
        {
            outcomes.Add(new ScreenOutcome("L4b.items", ScreenStatus.NotEnoughData, LocalizedText.Of("nodata.field", "@field.pricelist")));
            return;
        }
        outcomes.Add(new ScreenOutcome("L4b.items", ScreenStatus.Ran));
        // Item codes become columns so each pair is compared over two arrays of log prices (NaN = item not priced).
        var columns = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var item in priced.SelectMany(b => b.PriceItems))
        {
            columns.TryAdd(item.ItemCode, columns.Count);
        }
        var logs = priced.Select(b =>
        {
            var row = new double[columns.Count];
            Array.Fill(row, double.NaN);
            foreach (var item in b.PriceItems)
            {
                if (item.UnitPrice > 0 && double.IsNaN(row[columns[item.ItemCode]]))
                {
                    row[columns[item.ItemCode]] = Math.Log((double)item.UnitPrice);
                }
            }
            return row;
        }).ToArray();
        for (var i = 0; i < priced.Count; i++)
        {
            for (var j = i + 1; j < priced.Count; j++)
            {
                var (a, b) = (priced[i], priced[j]);
                if (a.FirmId == b.FirmId)
                {
                    continue;
                }
                var (xs, ys) = (logs[i], logs[j]);
                double sx = 0, sy = 0;
                var m = 0;
                for (var t = 0; t < xs.Length; t++)
                {
                    if (!double.IsNaN(xs[t]) && !double.IsNaN(ys[t]))
                    {
                        sx += xs[t];
                        sy += ys[t];
                        m++;
                    }
                }
                if (m < options.LinearPriceListMinItems)
                {
                    continue;
                }
                var (mx, my) = (sx / m, sy / m);
                double sxx = 0, sxy = 0, syy = 0;
                for (var t = 0; t < xs.Length; t++)
                {
                    if (!double.IsNaN(xs[t]) && !double.IsNaN(ys[t]))
                    {
                        sxx += (xs[t] - mx) * (xs[t] - mx);
                        sxy += (xs[t] - mx) * (ys[t] - my);
                        syy += (ys[t] - my) * (ys[t] - my);
                    }
                }
                if (sxx <= 0 || syy <= 0)
                {
                    continue;
                }
                var slope = sxy / sxx;
                var ssr = Math.Max(0, syy - slope * sxy);
                var residualSd = Math.Sqrt(ssr / Math.Max(1, m - 2));
                var r2 = 1 - ssr / syy;
                if (residualSd <= options.LinearPriceListMaxLogResidualSd)
                {
                    var value = $"R²={F(r2, "0.000000")} sd={F(residualSd, "0.00000")}";
                    findings.Add(Finding.Make("L4b", "linear-price-list", Grade.Lead, lot.LotId, [a.FirmId, b.FirmId],
                        [new Evidence("price-list-fit", a.FirmId, a.BidId, value), new Evidence("price-list-fit", b.FirmId, b.BidId, value)],
                        LocalizedText.Of("l4b.linear", Finding.JoinFirms([a.FirmId, b.FirmId]), F(r2, "0.000000"), m), r2));
                }
            }
        }
    }

    private static void CloseToWinner(OpenedLot lot, List<OpenedBid> bids, PriceStatistics stats, PriceBaseline? baseline, ScreenOptions options,
        List<Finding> findings, List<ScreenOutcome> outcomes)
    {
        if (bids.Count < options.CloseToWinnerMinBids)
        {
            outcomes.Add(new ScreenOutcome("H5", ScreenStatus.NotEnoughData, LocalizedText.Of("nodata.bids", bids.Count, options.CloseToWinnerMinBids)));
            return;
        }
        if (baseline is null || stats.Diffp is null)
        {
            outcomes.Add(new ScreenOutcome("H5", ScreenStatus.NotEnoughData, LocalizedText.Of("nodata.history", baseline?.LotCount ?? 0, options.MinBaselineLots)));
            return;
        }
        var (pct, size) = baseline.Percentile(lot.Category, bids.Count, "DIFFP", stats.Diffp.Value);
        if (pct is null)
        {
            outcomes.Add(new ScreenOutcome("H5", ScreenStatus.NotEnoughData, LocalizedText.Of("nodata.history", size, options.MinBaselineLots)));
            return;
        }
        outcomes.Add(new ScreenOutcome("H5", ScreenStatus.Ran));
        if (pct <= options.CloseToWinnerPercentile && bids[1].FirmId != bids[0].FirmId)
        {
            findings.Add(Finding.Make("H5", "diffp", Grade.Lead, lot.LotId, [bids[0].FirmId, bids[1].FirmId],
                [new Evidence("price", bids[0].FirmId, bids[0].BidId, bids[0].Price.ToString(CultureInfo.InvariantCulture)),
                 new Evidence("price", bids[1].FirmId, bids[1].BidId, bids[1].Price.ToString(CultureInfo.InvariantCulture)),
                 new Evidence("screen.DIFFP", Value: $"{F(stats.Diffp.Value)} P{F(pct.Value, "0.##")} of {size}")],
                LocalizedText.Of("h5", Finding.JoinFirms([bids[0].FirmId, bids[1].FirmId]), F(stats.Diffp.Value * 100, "0.###"), F(100 - pct.Value, "0.#")),
                100 - pct.Value));
        }
    }
}
