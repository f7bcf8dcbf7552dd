using Microsoft.AspNetCore.Mvc;
using Trading.Domain;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Firms;

public sealed class FirmsIndexModel(FirmService firms) : TradingPageModel
{
    [BindProperty(SupportsGet = true)] public FirmStatus? Status { get; set; }
    public List<Organisation> Firms { get; private set; } = [];

    public Task<IActionResult> OnGetAsync(CancellationToken ct) => RunAsync(async () =>
    {
        Firms = await firms.ListAsync(RequireActor(), Status, ct);
        return Page();
    });
}
