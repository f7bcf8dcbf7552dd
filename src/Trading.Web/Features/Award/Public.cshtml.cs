using Microsoft.AspNetCore.Mvc;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Award;

/// <summary>
/// The public candidate publicity (中标候选人公示) and, once awarded, the result notice (中标结果公告) with the contract's
/// key terms and the committee's names; no sign-in. Objections stay between the bidder and the owner; decided
/// complaints are published.
/// </summary>
public sealed class AwardPublicModel(AwardService award) : TradingPageModel
{
    public AwardView View { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(Guid id)
    {
        if (await award.PublicAsync(id, HttpContext.RequestAborted) is not { } v) return NotFound();
        View = v;
        return Page();
    }
}
