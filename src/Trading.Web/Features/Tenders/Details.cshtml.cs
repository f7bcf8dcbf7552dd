using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Trading.Data;
using Trading.Domain;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Tenders;

public sealed class TenderDetailsModel(TenderService tenders, TenderMoves moves, TradingDbContext db, CentreTime time) : TradingPageModel
{
    public Tender? Tender { get; private set; }
    public List<DocumentDownload>? Downloads { get; private set; }
    public Dictionary<Guid, string> FirmNames { get; private set; } = [];
    /// <summary>The failed tender this one re-runs, and the re-runs of this one.</summary>
    public Tender? RetenderOf { get; private set; }
    public List<Tender> Retenders { get; private set; } = [];

    public Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct) => RunAsync(async () =>
    {
        await LoadAsync(id, ct);
        return Page();
    });

    // POST, not GET: obtaining documents records the firm and writes a permanent log entry, which a link or image on
    // another site must not be able to trigger (the form carries the antiforgery token).
    public Task<IActionResult> OnPostDownloadAsync(Guid id, Guid docId, CancellationToken ct) => Act(id, async () =>
    {
        var (doc, content) = await tenders.DownloadAsync(RequireActor(), id, docId, ct);
        return File(content, doc.ContentType, doc.FileName);
    }, ct);

    public Task<IActionResult> OnPostUploadAsync(Guid id, IFormFile? file, CancellationToken ct) => Act(id, async () =>
    {
        if (file is null) throw new RuleViolationException(new RuleViolation(RuleCodes.FileEmpty, ""));
        var d = await tenders.AddDocumentAsync(RequireActor(), id, file, ct);
        Flash("Tender.DocumentAdded", d.FileName);
        return RedirectToPage(new { id });
    }, ct);

    public Task<IActionResult> OnPostFileAsync(Guid id, CancellationToken ct) => Act(id, async () =>
    {
        await tenders.FileDocumentsAsync(RequireActor(), id, ct);
        Flash("Tender.Filed");
        return RedirectToPage(new { id });
    }, ct);

    public Task<IActionResult> OnPostPublishAsync(Guid id, CancellationToken ct) => Act(id, async () =>
    {
        await tenders.PublishAsync(RequireActor(), id, ct);
        Flash("Tender.PublishedMsg");
        return RedirectToPage(new { id });
    }, ct);

    public Task<IActionResult> OnPostClarifyAsync(Guid id, string? question, string? answer, bool changesDocuments, CancellationToken ct) => Act(id, async () =>
    {
        await tenders.ClarifyAsync(RequireActor(), id, question ?? "", answer ?? "", changesDocuments, ct);
        Flash("Tender.Clarified");
        return RedirectToPage(new { id });
    }, ct);

    public Task<IActionResult> OnPostPostponeAsync(Guid id, DateTime? newDeadline, CancellationToken ct) => Act(id, async () =>
    {
        if (newDeadline is null) throw new RuleViolationException(new RuleViolation(RuleCodes.DeadlineInPast, time.UtcNow));
        var t = await tenders.PostponeDeadlineAsync(RequireActor(), id, time.ToUtc(newDeadline.Value), ct);
        Flash("Tender.Postponed", t.BidDeadline);
        return RedirectToPage(new { id });
    }, ct);

    /// <summary>The deadline move from the page: the same move as the job's and the API's.</summary>
    public Task<IActionResult> OnPostCloseBiddingAsync(Guid id, CancellationToken ct) => Act(id, async () =>
    {
        await moves.CloseBiddingAsync(RequireActor(), id, ct);
        Flash("Tender.BiddingClosed");
        return RedirectToPage(new { id });
    }, ct);

    public Task<IActionResult> OnPostLockAsync(Guid id, string? rule, string? reason, CancellationToken ct) => Act(id, async () =>
    {
        await moves.LockAsync(RequireActor(), id, rule ?? "", reason ?? "", ct);
        Flash("Tender.LockedMsg");
        return RedirectToPage(new { id });
    }, ct);

    public Task<IActionResult> OnPostUnlockAsync(Guid id, string? reason, CancellationToken ct) => Act(id, async () =>
    {
        await moves.UnlockAsync(RequireActor(), id, reason, ct);
        Flash("Tender.UnlockedMsg");
        return RedirectToPage(new { id });
    }, ct);

    private Task<IActionResult> Act(Guid id, Func<Task<IActionResult>> action, CancellationToken ct) =>
        RunOrReloadAsync(action, () => LoadAsync(id, ct));

    private async Task LoadAsync(Guid id, CancellationToken ct)
    {
        Tender = await tenders.GetAsync(CurrentActor, id, ct);
        if (Tender.RetenderOfId is { } of) RetenderOf = await db.Tenders.AsNoTracking().FirstOrDefaultAsync(x => x.Id == of, ct);
        Retenders = (await tenders.RetendersOfAsync(id, ct)).Where(x => x.Step >= LifecycleStep.NoticePublished || (CurrentActor is { } c && (c.IsOversight || c.IsOwnerSideOf(Tender)))).ToList();
        if (CurrentActor is { } a && (a.IsOversight || a.IsOwnerSideOf(Tender) || a.IsIn(Roles.Bidder)))
        {
            Downloads = await tenders.DownloadsAsync(a, id, ct);
            var ids = Downloads.Select(d => d.FirmId).Distinct().ToList();
            FirmNames = await db.Organisations.Where(o => ids.Contains(o.Id)).ToDictionaryAsync(o => o.Id, o => o.Name, ct);
        }
    }
}
