using Microsoft.AspNetCore.Mvc;
using Trading.Domain.Experts;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Experts;

public sealed class ExpertsIndexModel(ExpertPoolService pool) : TradingPageModel
{
    public IReadOnlyList<PoolExpert> Experts { get; private set; } = [];
    [BindProperty(SupportsGet = true)] public string? Q { get; set; }

    public Task<IActionResult> OnGetAsync(CancellationToken ct) => RunAsync(async () =>
    {
        Experts = await pool.ListAsync(RequireActor(), Q is { Length: > 100 } ? Q[..100] : Q, ct);
        return Page();
    });
}
