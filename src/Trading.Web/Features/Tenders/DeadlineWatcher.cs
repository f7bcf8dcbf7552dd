using Microsoft.EntityFrameworkCore;
using Trading.Data;
using Trading.Domain;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Tenders;

/// <summary>
/// Runs the deadline move (<see cref="TenderMoves.CloseBiddingAsync"/>) for every tender whose deadline has passed on
/// the server clock, so the deadline does not depend on somebody pressing a button. A move that fails rolls back and
/// is tried again on the next run; one that another caller made first is refused and skipped.
/// </summary>
public sealed class DeadlineWatcher(IServiceScopeFactory scopes, TimeProvider clock, IConfiguration config, ILogger<DeadlineWatcher> logger)
    : ScheduledJob(config, logger)
{
    public static readonly Guid SystemUserId = TenderMoves.SystemUserId;

    protected override TimeSpan Period => TimeSpan.FromSeconds(30);

    public override async Task<int> RunOnceAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TradingDbContext>();
        var now = clock.GetUtcNow().UtcDateTime;
        var due = await db.Tenders.Where(t => t.Step == LifecycleStep.NoticePublished && t.BidDeadline <= now && !t.Failed && t.LockedReason == null)
            .Select(t => t.Id).ToListAsync(ct);
        var moved = 0;
        foreach (var id in due)
        {
            await using var s = scopes.CreateAsyncScope();
            try
            {
                await s.ServiceProvider.GetRequiredService<TenderMoves>().CloseBiddingAsync(TenderMoves.System, id, ct);
                moved++;
            }
            catch (RuleViolationException e) when (e.Violation.Code == RuleCodes.AlreadyClosed)
            {
                // Closed meanwhile by the API or a page: the same move, already done.
            }
            catch (Exception e) when (e is DbUpdateException or InvalidOperationException or IOException or TimeoutException)
            {
                // Nothing was stored (one transaction); the next run tries again.
                logger.LogWarning(e, "Deadline move of tender {Tender} failed; will retry", id);
            }
        }
        return moved;
    }
}
