using Trading.Integrity.Documents;
using Trading.Integrity.Model;
using Trading.Integrity.Screens;

namespace Trading.Integrity;

/// <summary>Input the screens cannot work with (as opposed to missing data, which gives "not enough data").</summary>
public sealed class IntegrityInputException(string rule, string message) : ArgumentException($"[{rule}] {message}")
{
    /// <summary>The input rule broken, e.g. "bid.price-positive".</summary>
    public string Rule { get; } = rule;
}

/// <summary>What the centre knows from its past lots, built once and reused for every lot screened.</summary>
/// <param name="Prices">Price-screen distributions (PS, H5); null when there is no history.</param>
/// <param name="Documents">Passage, document-property and file frequencies (L4a); null when there is none.</param>
/// <param name="Registry">How many registered firms share each contact (L2); null when not known.</param>
public sealed record ScreeningBaseline(PriceBaseline? Prices, DocumentBaseline? Documents, RegistryBaseline? Registry = null)
{
    /// <summary>No history at all.</summary>
    public static ScreeningBaseline None { get; } = new(null, null);
}

/// <summary>Entry points: screen one lot after opening, or the centre's whole history.</summary>
public static class IntegrityScreens
{
    /// <summary>Runs every lot screen (L1-L7, PS, H5) on one opened lot.</summary>
    /// <exception cref="IntegrityInputException">An id is empty, a bid id repeats, or a price is not positive.</exception>
    public static LotScreenReport ScreenLot(OpenedLot lot, ScreeningBaseline? baseline = null, ScreenOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(lot);
        Validate(lot);
        options ??= ScreenOptions.Default;
        baseline ??= ScreeningBaseline.None;
        var findings = new List<Finding>();
        var outcomes = new List<ScreenOutcome>();
        var notes = new List<InputNote>();

        LegalScreens.MachineScreen(lot, findings, outcomes);
        LegalScreens.UploadScreen(lot, options, findings, outcomes);
        LegalScreens.AgentScreen(lot, baseline.Registry, options, findings, outcomes);
        LegalScreens.PersonScreen(lot, findings, outcomes);
        DocumentScreens.Run(lot, baseline.Documents, options, findings, outcomes, notes);
        var prices = PriceScreens.Run(lot, baseline.Prices, options, findings, outcomes);
        LegalScreens.BondScreen(lot, findings, outcomes);
        LegalScreens.RelationScreen(lot, options, findings, outcomes);

        var ordered = findings.OrderByDescending(f => f.Grade).ThenBy(f => f.IndicatorId, StringComparer.Ordinal)
            .ThenByDescending(f => f.Score).ToList();
        return new LotScreenReport(lot.LotId, lot.Bids.Count, ordered, outcomes, prices, notes);
    }

    /// <summary>Runs the history screens (H1-H4) over the centre's past lots.</summary>
    public static HistoryScreenReport ScreenHistory(MarketHistory history, HistoryOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(history);
        return History.HistoryScreens.Run(history, options ?? HistoryOptions.Default);
    }

    private static void Validate(OpenedLot lot)
    {
        if (string.IsNullOrWhiteSpace(lot.LotId))
        {
            throw new IntegrityInputException("lot.id-required", "The lot has no id.");
        }
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var bid in lot.Bids)
        {
            if (bid is null || string.IsNullOrWhiteSpace(bid.BidId) || string.IsNullOrWhiteSpace(bid.FirmId))
            {
                throw new IntegrityInputException("bid.id-required", $"Lot {lot.LotId}: a bid has no bid id or no firm id.");
            }
            if (!ids.Add(bid.BidId))
            {
                throw new IntegrityInputException("bid.id-unique", $"Lot {lot.LotId}: bid id {bid.BidId} appears twice.");
            }
            if (bid.Price <= 0)
            {
                throw new IntegrityInputException("bid.price-positive",
                    $"Lot {lot.LotId}: bid {bid.BidId} has price {bid.Price}; the price screens need positive prices.");
            }
        }
    }
}
