using System.Text;
using Microsoft.AspNetCore.Mvc;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Draw;

public sealed class DrawDetailsModel(DrawService draws, BeaconSources beacons, DrawPdf pdf) : TradingPageModel
{
    public DrawView? View { get; private set; }
    public IReadOnlyList<string> BeaconSourceNames => beacons.Registered.Select(b => b.Name).ToList();

    public Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct) => RunAsync(async () =>
    {
        View = await draws.GetAsync(RequireActor(), id, ct);
        return Page();
    });

    /// <summary>The public record as a file, exactly the bytes <c>trading verify-draw</c> reads.</summary>
    public Task<IActionResult> OnGetRecordAsync(Guid id, CancellationToken ct) => RunAsync(async () =>
    {
        RequireActor();
        var (json, s) = await draws.RecordJsonAsync(id, ct);
        return File(Encoding.UTF8.GetBytes(json), "application/json", $"draw-{s.DrawId}.json");
    });

    public Task<IActionResult> OnGetPdfAsync(Guid id, CancellationToken ct) => RunAsync(async () =>
    {
        var v = await draws.GetAsync(RequireActor(), id, ct);
        return File(pdf.Render(v), "application/pdf", $"draw-{v.Session.DrawId}.pdf");
    });

    public Task<IActionResult> OnPostCommitAsync(Guid id, string? commitment, CancellationToken ct) =>
        Act(id, a => draws.CommitAsync(a, id, commitment ?? "", ct), "Draw.Committed", ct);

    public Task<IActionResult> OnPostCloseAsync(Guid id, CancellationToken ct) =>
        Act(id, a => draws.CloseCommitmentsAsync(a, id, ct), "Draw.Closed", ct);

    public Task<IActionResult> OnPostRevealAsync(Guid id, string? value, CancellationToken ct) =>
        Act(id, a => draws.RevealAsync(a, id, value ?? "", ct), "Draw.Revealed", ct);

    public Task<IActionResult> OnPostBeaconAsync(Guid id, string? source, string? round, string? value, CancellationToken ct) =>
        Act(id, a => draws.SetBeaconAsync(a, id, string.IsNullOrEmpty(source) ? null : source, round, value, ct), "Draw.BeaconSet", ct);

    public Task<IActionResult> OnPostDrawAsync(Guid id, CancellationToken ct) =>
        Act(id, a => draws.DrawAsync(a, id, ct), "Draw.Drawn", ct);

    public Task<IActionResult> OnPostVoidAsync(Guid id, string? reason, CancellationToken ct) =>
        Act(id, a => draws.VoidAsync(a, id, reason ?? "", ct), "Draw.VoidedMsg", ct);

    public Task<IActionResult> OnPostConflictAsync(Guid id, Guid memberId, CancellationToken ct) =>
        Act(id, a => draws.ReportConflictAsync(a, memberId, ct), "Draw.ConflictReplaced", ct);

    private async Task<IActionResult> Act(Guid id, Func<Actor, Task> action, string done, CancellationToken ct)
    {
        var result = await RunAsync(async () => { await action(RequireActor()); Flash(done); return RedirectToPage(new { id }); });
        if (result is Microsoft.AspNetCore.Mvc.RazorPages.PageResult) View = await draws.GetAsync(RequireActor(), id, ct);
        return result;
    }
}
