using Microsoft.AspNetCore.Mvc;
using Trading.Domain;
using Trading.Domain.Experts;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Draw;

public sealed class DrawIndexModel(DrawService draws) : TradingPageModel
{
    public IReadOnlyList<(EvaluationSession Session, Tender Tender, Lot Lot)> Draws { get; private set; } = [];
    public IReadOnlyList<Tender> Requestable { get; private set; } = [];

    public Task<IActionResult> OnGetAsync(Guid? tenderId, CancellationToken ct) => RunAsync(async () =>
    {
        var actor = RequireActor();
        Draws = await draws.ListAsync(actor, tenderId, ct);
        Requestable = await draws.RequestableTendersAsync(actor, ct);
        return Page();
    });
}
