using Microsoft.AspNetCore.Mvc;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Integrity;

/// <summary>Opened tenders with their screens: finding counts and what is still undecided (the committee sees its own lots).</summary>
public sealed class IndexModel(IntegrityService service) : TradingPageModel
{
    public List<TenderOverview> Tenders { get; private set; } = [];

    public Task<IActionResult> OnGetAsync(CancellationToken ct) => RunAsync(async () =>
    {
        Tenders = await service.OverviewAsync(RequireActor(), ct);
        return Page();
    });
}
