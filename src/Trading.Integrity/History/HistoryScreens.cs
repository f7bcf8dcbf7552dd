using System.Globalization;
using Trading.Integrity.Model;

namespace Trading.Integrity.History;

/// <summary>H1 rotation, H2 cover bidding, H3 co-bidding network, H4 withdrawals and subcontracts to losers.</summary>
internal static class HistoryScreens
{
    private static string F(double v, string format = "0.##") => v.ToString(format, CultureInfo.InvariantCulture);

    public static HistoryScreenReport Run(MarketHistory history, HistoryOptions options)
    {
        var findings = new List<Finding>();
        var outcomes = new List<ScreenOutcome>();
        var lots = history.Lots;
        if (lots.Count < options.MinLots)
        {
            foreach (var id in new[] { "H1", "H2", "H3", "H4", "H6", "H7", "H8" })
            {
                outcomes.Add(new ScreenOutcome(id, ScreenStatus.NotEnoughData, LocalizedText.Of("nodata.history", lots.Count, options.MinLots)));
            }
            return new HistoryScreenReport(findings, outcomes, []);
        }

        // Firms become dense integers so pair counts fit in one dictionary keyed by a long.
        var firmIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var firmNames = new List<string>();
        int Index(string firm)
        {
            if (!firmIndex.TryGetValue(firm, out var i))
            {
                firmIndex[firm] = i = firmNames.Count;
                firmNames.Add(firm);
            }
            return i;
        }
        var participants = new int[lots.Count][];
        var winners = new int[lots.Count];
        for (var l = 0; l < lots.Count; l++)
        {
            participants[l] = lots[l].Bids.Where(b => b.Status != HistoricBidStatus.WithdrawnBeforeDeadline)
                .Select(b => Index(b.FirmId)).Distinct().Order().ToArray();
            winners[l] = lots[l].WinnerFirmId is { } w ? Index(w) : -1;
        }
        var n = firmNames.Count;

        var pairs = CoBidding(lots, participants, n, firmNames, options, out var communities, out var together);
        outcomes.Add(new ScreenOutcome("H3", ScreenStatus.Ran));
        foreach (var community in communities)
        {
            var members = community.Select(i => firmNames[i]).ToList();
            var inside = pairs.Where(p => community.Contains(firmIndex[p.FirmA]) && community.Contains(firmIndex[p.FirmB])).ToList();
            findings.Add(Finding.Make("H3", "community", Grade.Lead, null, members,
                inside.Select(p => new Evidence("co-bids", p.FirmA, Value: $"{p.FirmA}+{p.FirmB}: {p.Together} vs {F(p.Expected)} expected, p={p.PValue:0.##E+0}")),
                LocalizedText.Of("h3", Finding.JoinFirms(members), string.Join("; ", inside.Take(3).Select(p => $"{p.FirmA}+{p.FirmB} {p.Together}× / {F(p.Expected)}"))),
                inside.Sum(p => p.Together / Math.Max(p.Expected, 1e-9))));
        }

        outcomes.Add(new ScreenOutcome("H1", ScreenStatus.Ran));
        Rotation(lots, participants, winners, communities, firmNames, options, findings);
        outcomes.Add(new ScreenOutcome("H2", ScreenStatus.Ran));
        Cover(lots, participants, winners, n, firmNames, together, options, findings);
        outcomes.Add(new ScreenOutcome("H4", ScreenStatus.Ran));
        WithdrawalsAndSubcontracts(lots, options, findings);
        AllocationScreen.Run(lots, participants, winners, firmNames, options, findings, outcomes);
        MarkupScreen.Run(lots, participants, winners, firmNames, history.FirmRegions, options, findings, outcomes);

        return new HistoryScreenReport(
            findings.OrderBy(f => f.IndicatorId, StringComparer.Ordinal).ThenByDescending(f => f.Score).ToList(), outcomes, pairs);
    }

    private static List<CoBiddingPair> CoBidding(IReadOnlyList<HistoricLot> lots, int[][] participants, int n, List<string> names,
        HistoryOptions options, out List<HashSet<int>> communities, out Dictionary<long, int> together)
    {
        // Expected co-bids if firms chose lots at random within a category, in proportion to lot size:
        // P(i in lot) = bids_i,c * size / S_c, so E_ij = sum_c bids_i,c * bids_j,c * sum(size^2) / S_c^2.
        var categories = new Dictionary<string, int>(StringComparer.Ordinal);
        var catOf = new int[lots.Count];
        for (var l = 0; l < lots.Count; l++)
        {
            // Firms choose lots within a market: a category in a region. Regional firms meet each other by geography,
            // so the null model compares them with what their own market makes likely, not with the whole centre.
            var market = lots[l].Region is { Length: > 0 } region ? lots[l].Category + "\u0001" + region : lots[l].Category;
            if (!categories.TryGetValue(market, out var c))
            {
                categories[market] = c = categories.Count;
            }
            catOf[l] = c;
        }
        var s = new double[categories.Count];
        var s2 = new double[categories.Count];
        var firmCat = new Dictionary<long, int>();
        together = new Dictionary<long, int>();
        for (var l = 0; l < lots.Count; l++)
        {
            var p = participants[l];
            s[catOf[l]] += p.Length;
            s2[catOf[l]] += (double)p.Length * p.Length;
            foreach (var i in p)
            {
                var key = (long)i * categories.Count + catOf[l];
                firmCat[key] = firmCat.GetValueOrDefault(key) + 1;
            }
            for (var a = 0; a < p.Length; a++)
            {
                for (var b = a + 1; b < p.Length; b++)
                {
                    var key = (long)p[a] * n + p[b];
                    together[key] = together.GetValueOrDefault(key) + 1;
                }
            }
        }
        var perFirm = new List<(int Cat, int Count)>[n];
        for (var i = 0; i < n; i++) perFirm[i] = [];
        foreach (var (key, count) in firmCat)
        {
            perFirm[(int)(key / categories.Count)].Add(((int)(key % categories.Count), count));
        }
        var q = new double[categories.Count];
        for (var c = 0; c < q.Length; c++) q[c] = s[c] > 0 ? s2[c] / (s[c] * s[c]) : 0;

        var result = new List<CoBiddingPair>();
        foreach (var (key, k) in together)
        {
            if (k < options.MinTogether)
            {
                continue;
            }
            var i = (int)(key / n);
            var j = (int)(key % n);
            var expected = 0.0;
            foreach (var (ci, ni) in perFirm[i])
            {
                foreach (var (cj, nj) in perFirm[j])
                {
                    if (ci == cj) expected += (double)ni * nj * q[ci];
                }
            }
            if (k < options.MinRatio * expected)
            {
                continue;
            }
            var pValue = PoissonUpperTail(k, expected);
            if (pValue <= options.MaxPValue)
            {
                var (a, b) = string.CompareOrdinal(names[i], names[j]) < 0 ? (names[i], names[j]) : (names[j], names[i]);
                result.Add(new CoBiddingPair(a, b, k, expected, pValue));
            }
        }
        result.Sort((x, y) => x.PValue.CompareTo(y.PValue) is var c && c != 0 ? c : string.CompareOrdinal(x.FirmA + x.FirmB, y.FirmA + y.FirmB));

        // Communities: connected groups of significant pairs (union-find).
        var index = names.Select((name, i) => (name, i)).ToDictionary(x => x.name, x => x.i, StringComparer.Ordinal);
        var parent = Enumerable.Range(0, n).ToArray();
        int Find(int x) { while (parent[x] != x) { parent[x] = parent[parent[x]]; x = parent[x]; } return x; }
        foreach (var p in result)
        {
            parent[Find(index[p.FirmA])] = Find(index[p.FirmB]);
        }
        communities = result.SelectMany(p => new[] { index[p.FirmA], index[p.FirmB] }).Distinct()
            .GroupBy(Find).Select(g => g.ToHashSet()).OrderByDescending(g => g.Count).ThenBy(g => g.Min()).ToList();
        return result;
    }

    /// <summary>P(X &gt;= k) for X ~ Poisson(lambda), summed in log space so large k does not underflow early.</summary>
    internal static double PoissonUpperTail(int k, double lambda)
    {
        if (k <= 0) return 1;
        if (lambda <= 0) return 0;
        var logTerm = -lambda + k * Math.Log(lambda) - LogFactorial(k);
        var sum = 0.0;
        var term = Math.Exp(logTerm);
        for (var x = k; x < k + 1000; x++)
        {
            sum += term;
            term *= lambda / (x + 1);
            if (term < sum * 1e-12) break;
        }
        return Math.Min(1, sum);
    }

    /// <summary>P(X &lt;= k) for X ~ Poisson(lambda).</summary>
    internal static double PoissonLowerTail(int k, double lambda)
    {
        if (lambda <= 0) return 1;
        var term = Math.Exp(-lambda);
        var sum = term;
        for (var x = 1; x <= k; x++)
        {
            term *= lambda / x;
            sum += term;
        }
        return Math.Min(1, sum);
    }

    private static double LogFactorial(int k)
    {
        var s = 0.0;
        for (var i = 2; i <= k; i++) s += Math.Log(i);
        return s;
    }

    private static void Rotation(IReadOnlyList<HistoricLot> lots, int[][] participants, int[] winners, List<HashSet<int>> communities,
        List<string> names, HistoryOptions options, List<Finding> findings)
    {
        foreach (var community in communities)
        {
            var groupLots = 0;
            var groupWins = 0;
            var winsBy = new Dictionary<int, int>();
            for (var l = 0; l < lots.Count; l++)
            {
                if (participants[l].Count(community.Contains) < 2)
                {
                    continue;
                }
                groupLots++;
                if (winners[l] >= 0 && community.Contains(winners[l]))
                {
                    groupWins++;
                    winsBy[winners[l]] = winsBy.GetValueOrDefault(winners[l]) + 1;
                }
            }
            if (groupLots < options.RotationMinLots || winsBy.Count < options.RotationMinWinners ||
                groupWins < options.RotationMinGroupWinShare * groupLots)
            {
                continue;
            }
            var members = community.Select(i => names[i]).ToList();
            findings.Add(Finding.Make("H1", "rotation", Grade.Lead, null, members,
                community.Select(i => new Evidence("wins", names[i], Value: winsBy.GetValueOrDefault(i).ToString(CultureInfo.InvariantCulture)))
                    .Append(new Evidence("group-lots", Value: $"{groupWins}/{groupLots}")),
                LocalizedText.Of("h1", Finding.JoinFirms(members), groupLots, winsBy.Count, groupWins), (double)groupWins / groupLots));
        }
    }

    private static void Cover(IReadOnlyList<HistoricLot> lots, int[][] participants, int[] winners, int n, List<string> names,
        Dictionary<long, int> together, HistoryOptions options, List<Finding> findings)
    {
        var bids = new int[n];
        var wins = new int[n];
        var expected = new double[n];
        var lostTo = new Dictionary<long, int>();
        var participantsOf = new int[n];
        foreach (var p in participants)
        {
            foreach (var i in p) participantsOf[i]++;
        }
        for (var l = 0; l < lots.Count; l++)
        {
            if (winners[l] < 0)
            {
                continue;
            }
            var valid = lots[l].Bids.Count(b => b.Status == HistoricBidStatus.Valid);
            foreach (var i in participants[l])
            {
                bids[i]++;
                expected[i] += 1.0 / Math.Max(1, valid);
                if (winners[l] == i)
                {
                    wins[i]++;
                }
                else
                {
                    var key = (long)i * n + winners[l];
                    lostTo[key] = lostTo.GetValueOrDefault(key) + 1;
                }
            }
        }
        // The shadow of a firm: the firm that has won somewhere and bid alongside it most often.
        var shadow = new Dictionary<int, (int Firm, int Count)>();
        foreach (var (key, count) in together)
        {
            var a = (int)(key / n);
            var b = (int)(key % n);
            Consider(a, b, count);
            Consider(b, a, count);
        }
        void Consider(int firm, int other, int count)
        {
            if (wins[other] > 0 && (!shadow.TryGetValue(firm, out var best) || count > best.Count || (count == best.Count && other < best.Firm)))
            {
                shadow[firm] = (other, count);
            }
        }
        for (var i = 0; i < n; i++)
        {
            if (bids[i] < options.CoverMinBids)
            {
                continue;
            }
            var p = PoissonLowerTail(wins[i], expected[i]);
            if (p > options.CoverMaxPValue)
            {
                continue;
            }
            var (beneficiary, count) = shadow.GetValueOrDefault(i, (-1, 0));
            // An unlucky or expensive honest firm meets many different rivals; a cover follows the firm it covers for.
            if (beneficiary < 0 || count < options.CoverMinShadowShare * participantsOf[i])
            {
                continue;
            }
            var firms = new[] { names[i], names[beneficiary] };
            findings.Add(Finding.Make("H2", "cover", Grade.Lead, null, firms,
                [new Evidence("bids", names[i], Value: bids[i].ToString(CultureInfo.InvariantCulture)),
                 new Evidence("wins", names[i], Value: wins[i].ToString(CultureInfo.InvariantCulture)),
                 new Evidence("expected-wins", names[i], Value: F(expected[i])),
                 new Evidence("p-value", names[i], Value: p.ToString("0.##E+0", CultureInfo.InvariantCulture)),
                 new Evidence("bid-alongside", names[beneficiary], Value: $"{count}/{participantsOf[i]}"),
                 new Evidence("lost-to", names[beneficiary], Value: lostTo.GetValueOrDefault((long)i * n + beneficiary).ToString(CultureInfo.InvariantCulture))],
                LocalizedText.Of("h2", names[i], bids[i], wins[i], F(expected[i], "0.#"), names[beneficiary], count),
                -Math.Log10(Math.Max(p, 1e-300))));
        }
    }

    private static void WithdrawalsAndSubcontracts(IReadOnlyList<HistoricLot> lots, HistoryOptions options, List<Finding> findings)
    {
        var withdrawals = new Dictionary<(string Withdrew, string Winner), List<string>>();
        foreach (var lot in lots)
        {
            if (lot.WinnerFirmId is not { } winner)
            {
                continue;
            }
            foreach (var b in lot.Bids.Where(b => b.Status is HistoricBidStatus.WithdrawnAfterDeadline or HistoricBidStatus.WithdrawnAfterOpening && b.FirmId != winner))
            {
                var key = (b.FirmId, winner);
                if (!withdrawals.TryGetValue(key, out var list))
                {
                    withdrawals[key] = list = [];
                }
                list.Add(lot.LotId);
            }
            foreach (var sub in lot.Subcontracts ?? [])
            {
                if (sub.FromFirmId == winner && sub.ToFirmId != winner && lot.Bids.Any(b => b.FirmId == sub.ToFirmId))
                {
                    findings.Add(Finding.Make("H4", "subcontract-to-loser", Grade.Lead, lot.LotId, [winner, sub.ToFirmId],
                        [new Evidence("subcontract", winner, Value: $"{winner} -> {sub.ToFirmId} {sub.Amount?.ToString(CultureInfo.InvariantCulture)}")],
                        LocalizedText.Of("h4.subcontract", Finding.JoinFirms([winner, sub.ToFirmId]), winner, sub.ToFirmId, lot.LotId), 1));
                }
            }
        }
        foreach (var ((withdrew, winner), list) in withdrawals.OrderBy(x => x.Key.Withdrew, StringComparer.Ordinal).ThenBy(x => x.Key.Winner, StringComparer.Ordinal))
        {
            if (list.Count < options.WithdrawalMinLots)
            {
                continue;
            }
            findings.Add(Finding.Make("H4", "late-withdrawal", Grade.Lead, null, [withdrew, winner],
                list.Select(l => new Evidence("lot", withdrew, Value: l)),
                LocalizedText.Of("h4.withdraw", Finding.JoinFirms([withdrew, winner]), withdrew, list.Count, winner), list.Count));
        }
    }
}
