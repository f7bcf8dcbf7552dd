using Microsoft.AspNetCore.Mvc;
using Trading.Domain.Experts;
using Trading.ExpertPool;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Experts;

public sealed class ExpertsEditModel(ExpertPoolService pool, CentreTime time) : TradingPageModel
{
    public PoolExpert? Expert { get; private set; }
    [BindProperty] public ExpertProfileInput Input { get; set; } = new();
    [BindProperty] public Guid Version { get; set; }

    public Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct) => RunAsync(async () =>
    {
        await LoadAsync(id, ct);
        return Page();
    });

    public Task<IActionResult> OnPostAsync(Guid id, CancellationToken ct) => Act(id, async a =>
    {
        var changes = await pool.UpdateAsync(a, id, Input, Version, ct);
        Flash("Experts.Saved", changes.Count);
    }, ct);

    public Task<IActionResult> OnPostStatusAsync(Guid id, ExpertStatus status, DateTime? until, string? reason, CancellationToken ct) => Act(id, async a =>
    {
        await pool.SetStatusAsync(a, id, status, until is { } u ? time.ToUtc(u.Date.AddDays(1)) : null, reason, ct);
        Flash("Experts.StatusSaved");
    }, ct);

    private async Task LoadAsync(Guid id, CancellationToken ct)
    {
        Expert = await pool.GetAsync(RequireActor(), id, ct);
        Input = ExpertPoolService.InputFrom(Expert);
        Version = Expert.Version;
    }

    private async Task<IActionResult> Act(Guid id, Func<Actor, Task> action, CancellationToken ct)
    {
        var result = await RunAsync(async () => { await action(RequireActor()); return RedirectToPage(new { id }); });
        if (result is Microsoft.AspNetCore.Mvc.RazorPages.PageResult) Expert = await pool.GetAsync(RequireActor(), id, ct);
        return result;
    }
}
