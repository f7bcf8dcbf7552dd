using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Trading.Domain;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.OpenData;

/// <summary>
/// The public results portal (交易结果公示): tenders past their deadline with their outcome (failed with the rule, in
/// evaluation, report issued, archived), searchable by title, code, owner, the owner's address (region) and date. No
/// sign-in; only what may be told: a bid count after the opening, never a bidder's name.
/// </summary>
public sealed class ResultsModel(OpenDataService openData, TimeProvider clock, CentreTime time) : TradingPageModel
{
    public const int PageSize = 50;

    [BindProperty(SupportsGet = true)] public string? Q { get; set; }
    [BindProperty(SupportsGet = true)] public DateOnly? From { get; set; }
    [BindProperty(SupportsGet = true)] public DateOnly? To { get; set; }
    [BindProperty(SupportsGet = true)] public string? Outcome { get; set; }
    [BindProperty(SupportsGet = true, Name = "p")] public int PageNumber { get; set; } = 1;

    public List<PublicTender> Rows { get; private set; } = [];
    public int Total { get; private set; }

    public static readonly string[] Outcomes = ["failed", "evaluation", "reported", "awarded", "archived"];

    public static string OutcomeOf(PublicTender p) =>
        p.ArchivedAt is not null ? "archived"
        : p.Tender.Failed ? "failed"
        : p.Awards.Count > 0 ? "awarded"
        : p.Tender.Step >= LifecycleStep.CandidatePublicity || p.Tender.Step == LifecycleStep.EvaluationReport ? "reported"
        : "evaluation";

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        // Only tenders whose deadline has passed have a result to show.
        var all = (await openData.PublishedAsync(null, ct)).Where(p => p.Tender.BidDeadline <= now);
        if (!string.IsNullOrWhiteSpace(Q))
        {
            var q = Q.Trim();
            all = all.Where(p => Has(p.Tender.Title, q) || Has(p.Tender.Code, q) || Has(p.Owner?.Name, q) || Has(p.Owner?.Address, q) || Has(p.Agent?.Name, q)
                || p.Awards.Any(a => Has(a.WinnerName, q)));
        }
        // Dates as the centre's calendar shows them.
        if (From is { } from) all = all.Where(p => DateOnly.FromDateTime(time.ToLocal(p.Tender.BidDeadline)) >= from);
        if (To is { } to) all = all.Where(p => DateOnly.FromDateTime(time.ToLocal(p.Tender.BidDeadline)) <= to);
        if (Outcomes.Contains(Outcome)) all = all.Where(p => OutcomeOf(p) == Outcome);
        var list = all.OrderByDescending(p => p.Tender.BidDeadline).ToList();
        Total = list.Count;
        PageNumber = Math.Clamp(PageNumber, 1, Math.Max(1, (Total + PageSize - 1) / PageSize));
        Rows = list.Skip((PageNumber - 1) * PageSize).Take(PageSize).ToList();
        return Page();
    }

    private static bool Has(string? text, string q) => text is not null && CultureInfo.InvariantCulture.CompareInfo.IndexOf(text, q, CompareOptions.IgnoreCase | CompareOptions.IgnoreWidth) >= 0;
}
