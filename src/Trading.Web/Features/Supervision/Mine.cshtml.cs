using Microsoft.AspNetCore.Mvc;
using Trading.Domain.Supervision;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Supervision;

/// <summary>A firm's (or agent's, or expert's) own bad-behaviour records: nobody else's.</summary>
public sealed class SupervisionMineModel(Sanctions sanctions) : TradingPageModel
{
    public List<BadBehaviourRecord> Records { get; private set; } = [];

    public Task<IActionResult> OnGetAsync(CancellationToken ct) => RunAsync(async () =>
    {
        var a = RequireActor();
        // Oversight users have their own list; here everyone sees only what concerns their organisation or themselves.
        Records = (await sanctions.ListAsync(a with { Roles = new HashSet<string>() }, null, null, ct));
        return Page();
    });
}
