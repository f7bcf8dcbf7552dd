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

    /// <summary>Cost-adjusted residuals of every valid bid against its lot's reference, by lot, and the covariates' slopes.</summary>
    internal sealed record Residuals(Dictionary<int, List<Obs>> ByLot, int LotsWithReference, double BetaFar, double BetaBacklog);

    public static void Run(IReadOnlyList<HistoricLot> lots, int[][] participants, int[] winners, List<string> names,
        IReadOnlyDictionary<string, string> regions, HistoryOptions options, List<Finding> findings, List<ScreenOutcome> outcomes)
    {
        var (byLot, lotsWithReference, betaFar, betaBacklog) = Residual(lots, winners, names, regions);
        if (lotsWithReference < options.MinLots)
        {
            outcomes.Add(new ScreenOutcome("H6", ScreenStatus.NotEnoughData, LocalizedText.Of("nodata.reference", lotsWithReference, options.MinLots)));
            outcomes.Add(new ScreenOutcome("H8", ScreenStatus.NotEnoughData, LocalizedText.Of("nodata.reference", lotsWithReference, options.MinLots)));
            return;
        }
        outcomes.Add(new ScreenOutcome("H6", ScreenStatus.Ran));
        var firmLots = byLot.Values.SelectMany(v => v).GroupBy(o => o.Firm).ToDictionary(g => g.Key, g => g.Select(o => o.Lot).ToHashSet());
        var n = names.Count;
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

        Cohesive(byLot, firmLots, names, options, betaFar, betaBacklog, shown, findings);
        SubsetScreen.Run(byLot, names, options, findings, outcomes);
    }

    /// <summary>
    /// Path 3: a group that bids mostly in its own company. A "+5 % when we meet" cartel's pairs stand out weakly, because each
    /// pair's lots apart hold the other members' marked-up bids; the group only shows whole. Groups are grown greedily from each
    /// pair that prices higher together (adding the firm that most raises the group's t), and kept only if the members placed
    /// most of their bids in each other's company (cohesion): firms that meet now and then in a busy market are not a group
    /// that can agree a mark-up, and leaving them out is what keeps the search small enough for its largest honest t to stay
    /// below the threshold. The comparison weights the other bidders' mean by how much this history's lots share (an
    /// estimate's error), and the group must still stand without any one member's own bids, so a single erratic firm does not
    /// carry honest firms into a finding.
    /// </summary>
    private static void Cohesive(Dictionary<int, List<Obs>> byLot, Dictionary<int, HashSet<int>> firmLots, List<string> names,
        HistoryOptions options, double betaFar, double betaBacklog, List<List<int>> shown, List<Finding> findings)
    {
        var rho = LotShare(byLot);
        var together = new Dictionary<(int, int), int>();
        foreach (var obs in byLot.Values)
        {
            var firms = obs.Select(o => o.Firm).Distinct().Order().ToArray();
            for (var a = 0; a < firms.Length; a++)
                for (var b = a + 1; b < firms.Length; b++)
                    together[(firms[a], firms[b])] = together.GetValueOrDefault((firms[a], firms[b])) + 1;
        }
        var met = new Dictionary<int, List<int>>();
        foreach (var ((a, b), count) in together.Where(x => x.Value >= options.MarkupCohesiveMinMet).OrderBy(x => x.Key))
        {
            (met.TryGetValue(a, out var la) ? la : met[a] = []).Add(b);
            (met.TryGetValue(b, out var lb) ? lb : met[b] = []).Add(a);
        }
        var memo = new Dictionary<string, (double Diff, double T, int Together, int Apart)>(StringComparer.Ordinal);
        (double Diff, double T, int Together, int Apart) Test(List<int> group)
        {
            var key = string.Join(",", group.Order());
            if (!memo.TryGetValue(key, out var r))
            {
                memo[key] = r = Compare(group, byLot, firmLots, lotShare: rho);
            }
            return r;
        }
        double Cohesion((double Diff, double T, int Together, int Apart) r) => r.Together + r.Apart == 0 ? 0 : (double)r.Together / (r.Together + r.Apart);
        var groups = new Dictionary<string, (List<int> Members, (double Diff, double T, int Together, int Apart) R, double LeaveOneOut)>(StringComparer.Ordinal);
        foreach (var ((a, b), _) in together.Where(x => x.Value >= options.MarkupMinTogether).OrderBy(x => x.Key))
        {
            var start = Test([a, b]);
            if (start.T < options.MarkupCohesiveStartMinT)
            {
                continue;
            }
            var members = new List<int> { a, b };
            var path = new List<(List<int> Members, (double Diff, double T, int Together, int Apart) R)> { ([a, b], start) };
            while (members.Count < options.MarkupCohesiveMaxSize)
            {
                var grown = members.SelectMany(m => met.GetValueOrDefault(m) ?? []).Distinct().Where(c => !members.Contains(c)).Order()
                    .Select(c => (Firm: c, R: Test([.. members, c]))).ToList();
                if (grown.Count == 0)
                {
                    break;
                }
                var (add, r) = grown.MaxBy(x => x.R.T);
                if (r.T <= path[^1].R.T)
                {
                    break;
                }
                members = [.. members, add];
                path.Add((members, r));
            }
            var best = path.Where(x => Cohesion(x.R) >= options.MarkupCohesiveMinShare).OrderByDescending(x => x.R.T).FirstOrDefault();
            if (best.Members is null || best.R.T < options.MarkupCohesiveMinT || best.R.Diff < options.MarkupMinDifference)
            {
                continue;
            }
            var key = string.Join(",", best.Members.Order());
            if (groups.ContainsKey(key))
            {
                continue;
            }
            var leaveOneOut = best.Members.Min(m => Compare(best.Members, byLot, firmLots, except: m, lotShare: rho).T);
            if (leaveOneOut >= options.MarkupCohesiveLeaveOneOutMinT)
            {
                groups[key] = (best.Members.Order().ToList(), best.R, leaveOneOut);
            }
        }
        foreach (var (members, r, leaveOneOut) in groups.Values.OrderByDescending(g => g.R.T).ThenBy(g => string.Join(",", g.Members), StringComparer.Ordinal))
        {
            if (shown.Any(s => s.Intersect(members).Count() >= 2))
            {
                continue;
            }
            shown.Add(members);
            var ids = members.Select(i => names[i]).ToList();
            var evidence = members.Select(m =>
            {
                var (d, _, nt, na) = Compare(members, byLot, firmLots, only: m, lotShare: rho);
                return new Evidence("markup-together", names[m], Value: $"{F(d * 100, "0.0")}% ({nt} together / {na} apart)");
            }).Append(new Evidence("cohesion", Value: $"{r.Together} of {r.Together + r.Apart} bids ({F(100.0 * r.Together / (r.Together + r.Apart), "0")}%)"))
              .Append(new Evidence("covariates", Value: $"distance {F(betaFar * 100, "0.0")}%, backlog {F(betaBacklog * 100, "0.0")}% per job"))
              .Append(new Evidence("lot-share", Value: F(rho, "0.00")))
              .Append(new Evidence("t-statistic", Value: F(r.T, "0.0")))
              .Append(new Evidence("leave-one-member-out", Value: F(leaveOneOut, "0.0")));
            findings.Add(Finding.Make("H6", "markup-cohesive", Grade.Lead, null, ids, evidence,
                LocalizedText.Of("h6.cohesive", Finding.JoinFirms(ids), r.Together, r.Together + r.Apart, F(r.Diff * 100, "0.0"), F(r.T, "0.0"), F(leaveOneOut, "0.0")), r.T));
        }
    }

    /// <summary>
    /// Share of a residual's variance that the bids of one lot have in common (one-way analysis of variance, lots as groups,
    /// the intraclass correlation), between 0 and 1.
    /// </summary>
    internal static double LotShare(Dictionary<int, List<Obs>> byLot)
    {
        var cells = byLot.Values.Select(v => v.Select(o => o.Residual).ToArray()).Where(v => v.Length >= 2).ToList();
        var bids = cells.Sum(c => c.Length);
        if (cells.Count < 3 || bids - cells.Count < 2)
        {
            return 1;
        }
        var grand = cells.SelectMany(c => c).Average();
        double ssb = 0, ssw = 0;
        foreach (var c in cells)
        {
            var m = c.Average();
            ssb += c.Length * (m - grand) * (m - grand);
            ssw += c.Sum(x => (x - m) * (x - m));
        }
        var (msb, msw) = (ssb / (cells.Count - 1), ssw / (bids - cells.Count));
        var k0 = (bids - cells.Sum(c => (double)c.Length * c.Length) / bids) / (cells.Count - 1);
        var rho = (msb - msw) / (msb + (k0 - 1) * msw);
        return double.IsFinite(rho) ? Math.Clamp(rho, 0, 1) : 1;
    }

    /// <summary>
    /// Each valid bid's log ratio to its lot's reference after the firm's own mean (firm fixed effects) and the two cost
    /// covariates (distance: outside the firm's home region; capacity: jobs won in the previous 120 days).
    /// </summary>
    internal static Residuals Residual(IReadOnlyList<HistoricLot> lots, int[] winners, List<string> names, IReadOnlyDictionary<string, string> regions)
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
        return new Residuals(residual.GroupBy(o => o.Lot).ToDictionary(g => g.Key, g => g.ToList()), raw.Select(x => x.Lot).Distinct().Count(), betaFar, betaBacklog);

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
    internal static (double Diff, double T, int Together, int Apart) Compare(IReadOnlyList<int> members, Dictionary<int, List<Obs>> byLot,
        Dictionary<int, HashSet<int>> firmLots, int? only = null, int? except = null, double? lotShare = null)
    {
        var set = members.ToHashSet();
        var lotsOfMembers = new HashSet<int>();
        foreach (var m in members)
        {
            if (firmLots.TryGetValue(m, out var ls)) lotsOfMembers.UnionWith(ls);
        }
        // Sums instead of lists: this runs for every candidate while groups grow.
        double tSum = 0, tSq = 0, aSum = 0, aSq = 0;
        int tN = 0, aN = 0;
        foreach (var l in lotsOfMembers)
        {
            var obs = byLot[l];
            int outsiders = 0, inside = 0;
            var outsideSum = 0.0;
            foreach (var o in obs)
            {
                if (set.Contains(o.Firm)) inside++;
                else { outsiders++; outsideSum += o.Residual; }
            }
            if (outsiders == 0)
            {
                continue;
            }
            // The other bidders' mean carries what the lot shares (an estimate set too low); with lotShare given, it is weighted by
            // how much of a bid's variance the lots of this history share (the best linear predictor of the lot's effect), so a
            // history where lots share nothing does not add the other bidders' noise to every comparison.
            var weight = lotShare is { } rho ? outsiders * rho / (1 + (outsiders - 1) * rho) : 1.0;
            var control = weight * outsideSum / outsiders;
            foreach (var o in obs)
            {
                if (!set.Contains(o.Firm) || (only is { } on && o.Firm != on) || o.Firm == except)
                {
                    continue;
                }
                var v = o.Residual - control;
                if (inside >= 2) { tSum += v; tSq += v * v; tN++; }
                else { aSum += v; aSq += v * v; aN++; }
            }
        }
        if (tN < 2 || aN < 2)
        {
            return (0, 0, tN, aN);
        }
        var (mt, ma) = (tSum / tN, aSum / aN);
        var vt = Math.Max(0, (tSq - tN * mt * mt) / (tN - 1));
        var va = Math.Max(0, (aSq - aN * ma * ma) / (aN - 1));
        var se = Math.Sqrt(vt / tN + va / aN);
        return (mt - ma, se > 0 ? (mt - ma) / se : 0, tN, aN);
    }
}
