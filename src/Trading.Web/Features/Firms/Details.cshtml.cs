using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Trading.Domain;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Firms;

public sealed class FirmDetailsModel(FirmService firms, CentreTime time) : TradingPageModel
{
    public Organisation? Firm { get; private set; }

    public Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct) => RunAsync(async () =>
    {
        Firm = await firms.GetAsync(RequireActor(), id, ct);
        return Page();
    });

    public Task<IActionResult> OnGetDocumentAsync(Guid id, Guid docId, CancellationToken ct) => RunAsync(async () =>
    {
        var (doc, content) = await firms.OpenDocumentAsync(RequireActor(), id, docId, ct);
        return File(content, doc.ContentType, doc.FileName);
    });

    public Task<IActionResult> OnPostApproveAsync(Guid id, CancellationToken ct) => Act(id, async a =>
    {
        var f = await firms.ApproveAsync(a, id, ct);
        Flash(f.Status == FirmStatus.Approved ? "Firm.ApprovedBoth" : "Firm.ApprovedOne");
    }, ct);

    public Task<IActionResult> OnPostDocumentAsync(Guid id, FirmDocumentKind kind, IFormFile? file, CancellationToken ct) =>
        Act(id, async a =>
        {
            if (file is null) throw new RuleViolationException(new RuleViolation(RuleCodes.FileEmpty, ""));
            var d = await firms.AddDocumentAsync(a, id, kind, file, ct);
            Flash("Firm.DocumentAdded", d.FileName);
        }, ct);

    public Task<IActionResult> OnPostRejectAsync(Guid id, string? reason, CancellationToken ct) =>
        Act(id, async a => { await firms.RejectAsync(a, id, reason ?? "", ct); Flash("Firm.RejectedMsg"); }, ct);

    public Task<IActionResult> OnPostSuspendAsync(Guid id, string? reason, DateTime? until, CancellationToken ct) =>
        Act(id, async a =>
        {
            if (until is null) throw new RuleViolationException(new RuleViolation("Rule.Firm.SuspensionEnd"));
            await firms.SuspendAsync(a, id, reason ?? "", time.ToUtc(until.Value.Date.AddDays(1)), ct);
            Flash("Firm.SuspendedMsg");
        }, ct);

    private async Task<IActionResult> Act(Guid id, Func<Actor, Task> action, CancellationToken ct)
    {
        var result = await RunAsync(async () => { await action(RequireActor()); return RedirectToPage(new { id }); });
        if (result is PageResult) Firm = await firms.GetAsync(RequireActor(), id, ct);
        return result;
    }
}
