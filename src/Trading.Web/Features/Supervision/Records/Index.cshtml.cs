using Microsoft.AspNetCore.Mvc;
using Trading.Domain.Supervision;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Supervision.Records;

public sealed class RecordsIndexModel(Sanctions sanctions) : TradingPageModel
{
    [BindProperty(SupportsGet = true)] public SanctionSubjectKind? Kind { get; set; }
    [BindProperty(SupportsGet = true)] public Guid? Subject { get; set; }
    public List<BadBehaviourRecord> Records { get; private set; } = [];

    public Task<IActionResult> OnGetAsync(CancellationToken ct) => RunAsync(async () =>
    {
        Records = await sanctions.ListAsync(RequireActor(), Kind, Subject, ct);
        return Page();
    });
}
