using Microsoft.AspNetCore.Mvc;
using Trading.Domain;
using Trading.Domain.Experts;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Draw;

public sealed class DrawInvitationsModel(DrawService draws) : TradingPageModel
{
    public IReadOnlyList<(CommitteeMember Member, EvaluationSession Session, Tender Tender, Lot Lot, IReadOnlyList<string> DeclineReasons)> Seats { get; private set; } = [];

    public Task<IActionResult> OnGetAsync(CancellationToken ct) => RunAsync(async () =>
    {
        Seats = await draws.InvitationsAsync(RequireActor(), ct);
        return Page();
    });

    public Task<IActionResult> OnPostAcceptAsync(Guid memberId, CancellationToken ct) =>
        Act(a => draws.RespondAsync(a, memberId, true, null, ct), "Draw.AcceptedMsg", ct);

    public Task<IActionResult> OnPostDeclineAsync(Guid memberId, string? reason, CancellationToken ct) =>
        Act(a => draws.RespondAsync(a, memberId, false, reason, ct), "Draw.DeclinedMsg", ct);

    private async Task<IActionResult> Act(Func<Actor, Task> action, string done, CancellationToken ct)
    {
        var result = await RunAsync(async () => { await action(RequireActor()); Flash(done); return RedirectToPage(); });
        if (result is Microsoft.AspNetCore.Mvc.RazorPages.PageResult) Seats = await draws.InvitationsAsync(RequireActor(), ct);
        return result;
    }
}
