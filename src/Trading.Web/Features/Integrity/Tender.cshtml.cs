using Microsoft.AspNetCore.Mvc;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Integrity;

/// <summary>One tender's findings per lot, the screens that lacked data, skipped input, and (supervisors) a new run.</summary>
public sealed class TenderModel(IntegrityService service, IntegrityScreenJob job) : TradingPageModel
{
    public TenderFindings? View { get; private set; }

    public Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct) => RunAsync(async () =>
    {
        View = await service.TenderAsync(RequireActor(), id, ct);
        return Page();
    });

    /// <summary>The run's progress for the page's status line (polled while a run is queued or running).</summary>
    public Task<IActionResult> OnGetProgressAsync(Guid id, CancellationToken ct) => RunAsync(async () =>
    {
        var r = await service.ProgressAsync(RequireActor(), id, ct);
        return new JsonResult(r is null ? new { status = "None", lotsDone = 0, lotCount = 0, stage = (string?)null, text = T["Integrity.NotYetRun"] }
            : new { status = r.Status.ToString(), lotsDone = r.LotsDone, lotCount = r.LotCount, stage = r.Stage, text = T["Integrity.RunStatus." + r.Status] });
    });

    public async Task<IActionResult> OnPostRunAsync(Guid id, CancellationToken ct)
    {
        var result = await RunAsync(async () =>
        {
            await service.RequestAsync(RequireActor(), id, ct);
            job.Wake();
            Flash("Integrity.RunQueued");
            return RedirectToPage(new { id });
        });
        if (result is Microsoft.AspNetCore.Mvc.RazorPages.PageResult) View = await service.TenderAsync(RequireActor(), id, ct);
        return result;
    }
}
