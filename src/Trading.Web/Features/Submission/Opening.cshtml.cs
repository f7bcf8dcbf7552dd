using Microsoft.AspNetCore.Mvc;
using Trading.Domain;
using Trading.Domain.Bidding;
using Trading.Reports;
using Trading.Web.Infrastructure;
using KeyCeremony = Trading.Domain.Bidding.KeyCeremony;

namespace Trading.Web.Features.Submission;

/// <summary>The opening record: read out as at a live opening, confirmed or objected to by each bidder, printable.</summary>
public sealed class OpeningModel(OpeningService openings, CentreTime time) : TradingPageModel
{
    [FromRoute] public Guid Id { get; set; }
    [BindProperty] public string Text { get; set; } = "";
    [BindProperty] public Guid Objection { get; set; }

    public Tender Tender { get; private set; } = null!;
    public KeyCeremony Ceremony { get; private set; } = null!;
    public List<OpeningRow> Rows { get; private set; } = [];
    public List<OpeningObjection> Objections { get; private set; } = [];

    public Task<IActionResult> OnGetAsync(CancellationToken ct) => RunAsync(async () => { await LoadAsync(ct); return Page(); });

    public Task<IActionResult> OnPostConfirmAsync(CancellationToken ct) => Act(() => openings.ConfirmAsync(RequireActor(), Id, ct), "Bid.Opening.Confirmed", ct);

    public Task<IActionResult> OnPostObjectAsync(CancellationToken ct) => Act(() => openings.ObjectAsync(RequireActor(), Id, Text, ct), "Bid.Opening.ObjectionRecorded", ct);

    public Task<IActionResult> OnPostAnswerAsync(CancellationToken ct) => Act(() => openings.AnswerAsync(RequireActor(), Id, Objection, Text, ct), "Bid.Opening.Answered", ct);

    public Task<IActionResult> OnGetTranscriptAsync(CancellationToken ct) => RunAsync(async () =>
    {
        var (json, sha) = await openings.TranscriptAsync(RequireActor(), Id, ct);
        return File(System.Text.Encoding.UTF8.GetBytes(json), "application/json", $"opening-transcript-{sha[..12]}.json");
    });

    /// <summary>The opening record as a PDF in the reader's language, built with the shared report layout.</summary>
    public Task<IActionResult> OnGetPdfAsync(CancellationToken ct) => RunAsync(async () =>
    {
        await LoadAsync(ct);
        if (Ceremony.OpenedAt is null) return NotFound();
        var culture = System.Globalization.CultureInfo.CurrentUICulture.Name.StartsWith("zh", StringComparison.Ordinal) ? "zh-CN" : "en";
        var r = new Report(new ReportOptions
        {
            Culture = culture, Title = T["Bid.Opening.PdfTitle"], Subtitle = $"{Tender.Code} {Tender.Title}",
            Footer = T["Bid.Opening.PdfFooter", time.Format(Ceremony.OpenedAt.Value), Ceremony.TranscriptSha256 ?? ""],
        });
        r.KeyValues((T["Tender.Deadline"], time.Format(Tender.BidDeadline)), (T["Bid.Opening.OpenedAt"], time.Format(Ceremony.OpenedAt.Value)),
            (T["Bid.KeyId"], Ceremony.KeyIdHex), (T["Bid.Opening.Transcript"], Ceremony.TranscriptSha256));
        r.Table(
        [
            new ReportColumn("#", 0.4, ColumnAlign.Right), new ReportColumn(T["Bid.Opening.Bidder"], 3), new ReportColumn(T["Bid.Form.Lot"], 0.6, ColumnAlign.Center),
            new ReportColumn(T["Bid.Form.Price"], 1.6, ColumnAlign.Right), new ReportColumn(T["Bid.Form.Duration"], 1, ColumnAlign.Right),
            new ReportColumn(T["Bid.Form.ProjectManager"], 1.2), new ReportColumn(T["Bid.Opening.Decryption"], 1.6), new ReportColumn(T["Bid.EnvelopeHash"], 2.4),
        ], Rows.Select((row, i) => (IReadOnlyList<string?>)
        [
            (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), row.Firm, row.Lot.ToString(System.Globalization.CultureInfo.InvariantCulture),
            row.PriceFen is { } p ? T.Yuan(p) : "—", row.DurationDays?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "—",
            row.ProjectManager ?? "—", T["Bid.Opening.Status." + (row.Status?.ToString() ?? "None")], row.EnvelopeSha256,
        ]).ToList());
        return File(r.Render(), "application/pdf", $"opening-record-{Tender.Code}.pdf");
    });

    private async Task<IActionResult> Act(Func<Task> action, string done, CancellationToken ct)
    {
        var result = await RunAsync(async () => { await action(); Flash(done); return RedirectToPage(new { id = Id }); });
        if (result is Microsoft.AspNetCore.Mvc.RazorPages.PageResult) await LoadAsync(ct);
        return result;
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var actor = RequireActor();
        (Tender, Ceremony, Rows) = await openings.RecordAsync(actor, Id, ct);
        Objections = await openings.ObjectionsAsync(actor, Id, ct);
    }
}
