using Microsoft.AspNetCore.Mvc;
using Trading.Domain;
using Trading.Domain.Bidding;
using Trading.Reports;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Submission;

/// <summary>The opening record: read out as at a live opening, confirmed or objected to by each bidder, printable.</summary>
public sealed class OpeningModel(OpeningService openings, CeremonyService ceremonies, CentreTime time, TimeProvider clock) : TradingPageModel
{
    [FromRoute] public Guid Id { get; set; }
    [BindProperty] public string Text { get; set; } = "";
    [BindProperty] public Guid Objection { get; set; }

    public Tender Tender { get; private set; } = null!;
    public KeyCeremony Ceremony { get; private set; } = null!;
    public List<OpeningRow> Rows { get; private set; } = [];
    public List<OpeningObjection> Objections { get; private set; } = [];
    /// <summary>The key holder the reader acts for, if any: it may give partials made with the CLI here.</summary>
    public KeyHolder? MyHolder { get; private set; }
    public bool AfterDeadline { get; private set; }

    public Task<IActionResult> OnGetAsync(CancellationToken ct) => RunAsync(async () => { await LoadAsync(ct); return Page(); });

    public Task<IActionResult> OnPostConfirmAsync(CancellationToken ct) => Act(() => openings.ConfirmAsync(RequireActor(), Id, ct), "Bid.Opening.Confirmed", ct);

    /// <summary>The frozen bids for <c>trading keyholder partial-decrypt</c> (holders only, after the deadline).</summary>
    public Task<IActionResult> OnGetBatchAsync(CancellationToken ct) => RunAsync(async () =>
    {
        await LoadAsync(ct);
        var batch = await openings.BatchAsync(RequireActor(), User, Id, ct);
        return File(System.Text.Encoding.UTF8.GetBytes(Trading.Crypto.CryptoJson.Serialize(batch)), "application/json", $"opening-batch-{Tender.Code}.json");
    });

    /// <summary>Partials made with the CLI, checked in full before anything is kept.</summary>
    public Task<IActionResult> OnPostPartialsAsync(IFormFile? partials, CancellationToken ct) => Act(async () =>
    {
        if (partials is null || partials.Length == 0) throw new RuleViolationException(new RuleViolation(BiddingRules.PartialsMalformed));
        await using var s = partials.OpenReadStream();
        await openings.UploadPartialsAsync(RequireActor(), User, Id, s, ct);
    }, "Bid.Ceremony.PartialsGiven", ct);

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

    private Task<IActionResult> Act(Func<Task> action, string done, CancellationToken ct) => PostAsync(action, done, new { id = Id }, () => LoadAsync(ct));

    private async Task LoadAsync(CancellationToken ct)
    {
        var actor = RequireActor();
        (Tender, Ceremony, Rows) = await openings.RecordAsync(actor, Id, ct);
        Objections = await openings.ObjectionsAsync(actor, Id, ct);
        AfterDeadline = Tender.Step >= LifecycleStep.BidDeadline && clock.GetUtcNow().UtcDateTime >= Tender.BidDeadline;
        try { MyHolder = ceremonies.HolderFor(actor, User, Ceremony); }
        catch (RuleViolationException) { MyHolder = null; }
    }
}
