using Microsoft.AspNetCore.Mvc;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Opening;

/// <summary>The public replay of a closed opening, from the log alone; no sign-in needed.</summary>
public sealed class ReplayModel(OpeningReplay replays) : TradingPageModel
{
    [FromRoute] public Guid Id { get; set; }
    public Replay Replay { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (await replays.ReplayAsync(Id, ct) is not { } r) return NotFound();
        Replay = r;
        return Page();
    }
}
