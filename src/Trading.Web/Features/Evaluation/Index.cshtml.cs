using Microsoft.AspNetCore.Mvc;
using Trading.Domain;
using Trading.Domain.Experts;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Evaluation;

/// <summary>The committee sessions the expert sits on, each a link to its room.</summary>
public sealed class EvaluationIndexModel(EvaluationService evaluation) : TradingPageModel
{
    public List<(EvaluationSession Session, Tender Tender, bool Reported)> Sessions { get; private set; } = [];

    public Task<IActionResult> OnGetAsync(CancellationToken ct) => RunAsync(async () =>
    {
        Sessions = await evaluation.MySessionsAsync(RequireActor(), ct);
        return Page();
    });
}
