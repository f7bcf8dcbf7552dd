using Microsoft.AspNetCore.Mvc;
using Trading.Domain;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Award;

/// <summary>The tenders from the evaluation report on that the caller acts on: the owner side's, a bidder's, all for oversight.</summary>
public sealed class AwardMineModel(AwardService award) : TradingPageModel
{
    public List<Tender> Tenders { get; private set; } = [];

    public Task<IActionResult> OnGetAsync() => RunAsync(async () => { Tenders = await award.MineAsync(RequireActor(), HttpContext.RequestAborted); return Page(); });
}
