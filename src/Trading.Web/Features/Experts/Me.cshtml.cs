using Microsoft.AspNetCore.Mvc;
using Trading.Domain.Experts;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Experts;

/// <summary>An expert keeps their own profile here; the id always comes from the signed-in user, never the form.</summary>
public sealed class ExpertsMeModel(ExpertPoolService pool) : TradingPageModel
{
    public PoolExpert? Expert { get; private set; }
    [BindProperty] public ExpertProfileInput Input { get; set; } = new();
    [BindProperty] public Guid Version { get; set; }

    public Task<IActionResult> OnGetAsync(CancellationToken ct) => RunAsync(async () =>
    {
        Expert = await pool.MineAsync(RequireActor(), ct);
        Input = ExpertPoolService.InputFrom(Expert);
        Version = Expert.Version;
        return Page();
    });

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var result = await RunAsync(async () =>
        {
            var actor = RequireActor();
            var mine = await pool.MineAsync(actor, ct);
            var changes = await pool.UpdateAsync(actor, mine.Id, Input, Version, ct);
            Flash("Experts.Saved", changes.Count);
            return RedirectToPage();
        });
        if (result is Microsoft.AspNetCore.Mvc.RazorPages.PageResult)
        {
            try { Expert = await pool.MineAsync(RequireActor(), ct); } catch (Trading.Domain.RuleViolationException) { /* no profile: the message says so */ }
        }
        return result;
    }
}
