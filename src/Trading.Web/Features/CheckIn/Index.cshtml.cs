using Microsoft.AspNetCore.Mvc;
using Trading.Domain.CheckIn;
using Trading.Domain.Experts;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.CheckIn;

/// <summary>Today's sessions by room (each opens its kiosk) and every attempt today, with the supervisor's override.</summary>
public sealed class CheckInIndexModel(CheckInService checkIn) : TradingPageModel
{
    public IReadOnlyList<EvaluationSession> Sessions { get; private set; } = [];
    public IReadOnlyList<(CheckInAttempt Attempt, PoolExpert Expert, string? OtherName)> Attempts { get; private set; } = [];
    public CheckInService Service => checkIn;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostOverrideAsync(Guid attemptId, string? reason, CancellationToken ct)
    {
        // Loaded first: a refused override changes nothing, and the page is shown again with the reason.
        await LoadAsync(ct);
        return await RunAsync(async () =>
        {
            await checkIn.OverrideAsync(RequireActor(), attemptId, reason, ct);
            Flash("CheckIn.Overridden");
            return RedirectToPage();
        });
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Sessions = await checkIn.SessionsTodayAsync(ct);
        Attempts = await checkIn.AttemptsTodayAsync(null, ct);
    }
}
