using System.Globalization;
using Trading.Integrity.Model;

namespace Trading.Integrity.History;

/// <summary>
/// H6: bids against the estimate (or control price) per firm and group over time, conditional on cost. In the spirit of
/// Bajari and Ye and of Porter and Zona: a firm's bid-to-estimate ratio is first explained by what honestly moves costs
/// (the firm itself, distance: bidding outside its home region, and capacity: jobs won in the previous 120 days), and by
/// the lot (the other bidders of the same lot carry the estimate's error). What is left should not depend on who else
/// bids. A group whose members price higher whenever two or more of them meet than when they bid without each other is
/// what a rotation ring's covers and a "+5 % when we meet" cartel leave behind.
/// </summary>
internal static class MarkupScreen
{
    internal sealed record Obs(int Lot, int Firm, double Residual);

    private static string F(double v, string format = "0.##") => v.ToString(format, CultureInfo.InvariantCulture);

    public static void Run(IReadOnlyList<HistoricLot> lots, int[][] participants, int[] winners, List<string> names,
        IReadOnlyDictionary<string, string> regions, HistoryOptions options, List<Finding> findings, List<ScreenOutcome> outcomes)
    {
        var n = names.Count;
        var index = names.Select((name, i) => (name, i)).ToDictionary(x => x.name, x => x.i, StringComparer.Ordinal);
        // Backlog: wins in the 120 days before each lot, from the winners in time order.
        var order = Enumerable.Range(0, lots.Count).OrderBy(l => lots[l].OpenedAt).ToArray();
        var winDates = new List<DateTimeOffset>[n];
        for (var i = 0; i < n; i++) winDates[i] = [];
        foreach (var l in order)
        {
            if (winners[l] >= 0) winDates[winners[l]].Add(lots[l].OpenedAt);
        }
        int Backlog(int firm, DateTimeOffset at) => winDates[firm].Count(d => d < at && d > at.AddDays(-120));

        var raw = new List<(int Lot, int Firm, double R, double Far, double Backlog)>();
        for (var l = 0; l < lots.Count; l++)
        {
            if (lots[l].Reference is not { } reference || reference <= 0)
            {
                continue;
            }
            foreach (var b in lots[l].Bids.Where(b => b.Status == HistoricBidStatus.Valid && b.Price > 0).DistinctBy(b => b.FirmId))
            {
                var i = index[b.FirmId];
                var far = lots[l].Region is { } lr && regions.TryGetValue(b.FirmId, out var fr) && fr != lr ? 1.0 : 0.0;
                raw.Add((l, i, Math.Log((double)(b.Price / reference)), far, Backlog(i, lots[l].OpenedAt)));
            }
        }
        if (raw.Select(x => x.Lot).Distinct().Count() < options.MinLots)
        {
            outcomes.Add(new ScreenOutcome("H6", ScreenStatus.NotEnoughData,
                LocalizedText.Of("nodata.reference", raw.Select(x => x.Lot).Distinct().Count(), options.MinLots)));
            outcomes.Add(new ScreenOutcome("H8", ScreenStatus.NotEnoughData,
                LocalizedText.Of("nodata.reference", raw.Select(x => x.Lot).Distinct().Count(), options.MinLots)));
            return;
        }
        outcomes.Add(new ScreenOutcome("H6", ScreenStatus.Ran));

        // Within-firm regression of the log ratio on distance and backlog (firm fixed effects, two regressors).
        var byFirm = raw.GroupBy(x => x.Firm).ToDictionary(g => g.Key, g => (R: g.Average(x => x.R), Far: g.Average(x => x.Far), B: g.Average(x => x.Backlog)));
        double sff = 0, sfb = 0, sbb = 0, sfr = 0, sbr = 0;
        foreach (var x in raw)
        {
            var m = byFirm[x.Firm];
            var (df, db, dr) = (x.Far - m.Far, x.Backlog - m.B, x.R - m.R);
            sff += df * df; sfb += df * db; sbb += db * db; sfr += df * dr; sbr += db * dr;
        }
        var det = sff * sbb - sfb * sfb;
        var (betaFar, betaBacklog) = Math.Abs(det) > 1e-12 ? ((sbb * sfr - sfb * sbr) / det, (sff * sbr - sfb * sfr) / det) : (0.0, 0.0);
        var residual = raw.Select(x =>
        {
            var m = byFirm[x.Firm];
            return new Obs(x.Lot, x.Firm, x.R - m.R - betaFar * (x.Far - m.Far) - betaBacklog * (x.Backlog - m.B));
        }).ToList();
        var byLot = residual.GroupBy(o => o.Lot).ToDictionary(g => g.Key, g => g.ToList());
        var firmLots = residual.GroupBy(o => o.Firm).ToDictionary(g => g.Key, g => g.Select(o => o.Lot).ToHashSet());

        var reported = new List<(List<int> Members, double Diff, double T, int Together, int Apart, double? ConfirmT)>();
        // Path 1: groups found and tested on the whole history (pairs strong on their own).
        foreach (var group in Candidates(byLot, options.MarkupMinTogether, options.MarkupPairMinT, options.MarkupMinDifference, n))
        {
            var members = group;
            var (diff, t, nTogether, nApart) = Compare(members, byLot, firmLots);
            // Drop members whose own prices do not rise in the group's company, then test again.
            var kept = members.Where(m => Compare(members, byLot, firmLots, only: m).Diff > 0).ToList();
            if (kept.Count >= 2 && kept.Count < members.Count)
            {
                members = kept;
                (diff, t, nTogether, nApart) = Compare(members, byLot, firmLots);
            }
            if (members.Count >= 2 && diff >= options.MarkupMinDifference && t >= options.MarkupGroupMinT && nApart >= options.MarkupMinApart)
            {
                reported.Add((members, diff, t, nTogether, nApart, null));
            }
        }
        // Path 2: a group whose pairs meet too rarely to stand out alone is chosen on one half of the lots (alternate lots in
        // time order) and confirmed on the other half. Choosing freely on one half and testing on lots the choice never saw
        // keeps the confirming t honest; choosing and testing on the same lots named honest groups at t near 6.
        var half = new Dictionary<int, int>();
        foreach (var (l, rank) in byLot.Keys.OrderBy(l => lots[l].OpenedAt).ThenBy(l => l).Select((l, r) => (l, r))) half[l] = rank % 2;
        var halves = Enumerable.Range(0, 2).Select(h =>
        {
            var lotsOfHalf = byLot.Where(x => half[x.Key] == h).ToDictionary(x => x.Key, x => x.Value);
            var firmsOfHalf = lotsOfHalf.Values.SelectMany(v => v).GroupBy(o => o.Firm).ToDictionary(g => g.Key, g => g.Select(o => o.Lot).ToHashSet());
            return (Lots: lotsOfHalf, Firms: firmsOfHalf);
        }).ToArray();
        for (var h = 0; h < 2; h++)
        {
            var (selLots, selFirms) = halves[h];
            var (conLots, conFirms) = halves[1 - h];
            foreach (var group in Candidates(selLots, options.MarkupSelectMinTogether, options.MarkupSelectPairMinT, options.MarkupMinDifference, n))
            {
                var members = Prune(group, selLots, selFirms);
                if (members.Count < 2)
                {
                    continue;
                }
                var (cDiff, cT, _, cApart) = Compare(members, conLots, conFirms);
                if (cDiff < options.MarkupMinDifference || cT < options.MarkupConfirmMinT || cApart < options.MarkupMinApart / 2)
                {
                    continue;
                }
                var (diff, t, nTogether, nApart) = Compare(members, byLot, firmLots);
                reported.Add((members, diff, t, nTogether, nApart, cT));
            }
        }
        // One finding per group: the strongest of overlapping ones (two shared members make the same group).
        var shown = new List<List<int>>();
        foreach (var g in reported.OrderByDescending(g => g.ConfirmT ?? g.T).ThenByDescending(g => g.T))
        {
            if (shown.Any(s => s.Intersect(g.Members).Count() >= 2))
            {
                continue;
            }
            shown.Add(g.Members);
            var members = g.Members;
            var ids = members.Select(i => names[i]).ToList();
            var evidence = members.Select(m =>
            {
                var (d, _, nt, na) = Compare(members, byLot, firmLots, only: m);
                return new Evidence("markup-together", names[m], Value: $"{F(d * 100, "0.0")}% ({nt} together / {na} apart)");
            }).Append(new Evidence("covariates", Value: $"distance {F(betaFar * 100, "0.0")}%, backlog {F(betaBacklog * 100, "0.0")}% per job"))
              .Append(new Evidence("t-statistic", Value: F(g.T, "0.0")));
            if (g.ConfirmT is { } ct)
            {
                evidence = evidence.Append(new Evidence("confirmed-on-other-half", Value: F(ct, "0.0")));
            }
            findings.Add(Finding.Make("H6", "markup-together", Grade.Lead, null, ids, evidence,
                LocalizedText.Of("h6", Finding.JoinFirms(ids), F(g.Diff * 100, "0.0"), g.Together, g.Apart, F(g.T, "0.0")), g.T));
        }

        SubsetScreen.Run(byLot, names, options, findings, outcomes);
    }

    /// <summary>Connected groups of pairs that met often enough and priced higher together than apart.</summary>
    private static List<List<int>> Candidates(Dictionary<int, List<Obs>> byLot, int minTogether, double pairMinT, double minDiff, int n)
    {
        var firmLots = byLot.Values.SelectMany(v => v).GroupBy(o => o.Firm).ToDictionary(g => g.Key, g => g.Select(o => o.Lot).ToHashSet());
        var together = new Dictionary<(int, int), int>();
        foreach (var (_, obs) in byLot)
        {
            var firms = obs.Select(o => o.Firm).Distinct().Order().ToArray();
            for (var a = 0; a < firms.Length; a++)
                for (var b = a + 1; b < firms.Length; b++)
                    together[(firms[a], firms[b])] = together.GetValueOrDefault((firms[a], firms[b])) + 1;
        }
        var parent = Enumerable.Range(0, n).ToArray();
        int Find(int x) { while (parent[x] != x) { parent[x] = parent[parent[x]]; x = parent[x]; } return x; }
        var candidates = new HashSet<int>();
        foreach (var ((a, b), count) in together.OrderBy(x => x.Key))
        {
            if (count < minTogether)
            {
                continue;
            }
            var (diff, t, _, _) = Compare([a, b], byLot, firmLots);
            if (diff >= minDiff && t >= pairMinT)
            {
                parent[Find(a)] = Find(b);
                candidates.Add(a);
                candidates.Add(b);
            }
        }
        return candidates.GroupBy(Find).Select(g => g.Order().ToList()).Where(g => g.Count >= 2).ToList();
    }

    /// <summary>
    /// Backward elimination on the choosing half: drop the member whose leaving raises the group's t most, while it does.
    /// Free to over-fit, because the group is then judged on the other half.
    /// </summary>
    private static List<int> Prune(List<int> group, Dictionary<int, List<Obs>> byLot, Dictionary<int, HashSet<int>> firmLots)
    {
        var members = group.Where(m => Compare(group, byLot, firmLots, only: m).Diff > 0).ToList();
        if (members.Count > 24)
        {
            members = members.OrderByDescending(m => Compare(members, byLot, firmLots, only: m).Diff).Take(24).ToList();
        }
        var best = Compare(members, byLot, firmLots).T;
        while (members.Count > 2)
        {
            var (drop, t) = members.Select(m => (m, Compare(members.Where(x => x != m).ToList(), byLot, firmLots).T)).MaxBy(x => x.T);
            if (t <= best)
            {
                break;
            }
            members.Remove(drop);
            best = t;
        }
        return members;
    }

    /// <summary>
    /// Residuals of the members (or of one member) in lots where two or more members bid, against lots where only one did,
    /// each taken relative to the other bidders of the same lot (which removes the lot's estimate error): difference of
    /// means, Welch t, and the two sample sizes.
    /// </summary>
    private static (double Diff, double T, int Together, int Apart) Compare(IReadOnlyList<int> members, Dictionary<int, List<Obs>> byLot,
        Dictionary<int, HashSet<int>> firmLots, int? only = null)
    {
        var set = members.ToHashSet();
        var lotsOfMembers = members.SelectMany(m => firmLots.GetValueOrDefault(m) ?? []).ToHashSet();
        var tog = new List<double>();
        var apart = new List<double>();
        foreach (var l in lotsOfMembers)
        {
            var obs = byLot[l];
            var outsiders = obs.Where(o => !set.Contains(o.Firm)).ToList();
            if (outsiders.Count == 0)
            {
                continue;
            }
            var control = outsiders.Average(o => o.Residual);
            var inside = obs.Where(o => set.Contains(o.Firm)).ToList();
            var target = inside.Count >= 2 ? tog : apart;
            foreach (var o in inside.Where(o => only is null || o.Firm == only))
            {
                target.Add(o.Residual - control);
            }
        }
        if (tog.Count < 2 || apart.Count < 2)
        {
            return (0, 0, tog.Count, apart.Count);
        }
        var (mt, vt) = MeanVar(tog);
        var (ma, va) = MeanVar(apart);
        var se = Math.Sqrt(vt / tog.Count + va / apart.Count);
        return (mt - ma, se > 0 ? (mt - ma) / se : 0, tog.Count, apart.Count);
    }

    private static (double Mean, double Var) MeanVar(List<double> xs)
    {
        var m = xs.Average();
        return (m, xs.Sum(x => (x - m) * (x - m)) / (xs.Count - 1));
    }
}
