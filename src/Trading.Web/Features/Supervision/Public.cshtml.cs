using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Trading.Domain.Supervision;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Supervision;

/// <summary>Bad-behaviour records published to the public, as the centre configures (Supervision:PublishSanctions, PublishWarnings).</summary>
public sealed class SupervisionPublicModel(Sanctions sanctions, IOptions<SupervisionOptions> options) : TradingPageModel
{
    public List<BadBehaviourRecord> Records { get; private set; } = [];
    public bool Published => options.Value.PublishSanctions;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!Published) return NotFound();
        Records = await sanctions.PublishedAsync(ct);
        return Page();
    }
}
