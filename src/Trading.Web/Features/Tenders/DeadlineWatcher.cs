using Microsoft.EntityFrameworkCore;
using Trading.Data;
using Trading.Domain;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Tenders;

/// <summary>
/// Closes the bidding period of every tender whose deadline has passed on the server clock, so the
/// deadline does not depend on somebody pressing a button.
/// </summary>
public sealed class DeadlineWatcher(IServiceScopeFactory scopes, TimeProvider clock, IConfiguration config, ILogger<DeadlineWatcher> logger)
    : ScheduledJob(config, logger)
{
    public static readonly Guid SystemUserId = Guid.Empty;

    protected override TimeSpan Period => TimeSpan.FromSeconds(30);

    public override async Task<int> RunOnceAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TradingDbContext>();
        var now = clock.GetUtcNow().UtcDateTime;
        var due = await db.Tenders.Where(t => t.Step == LifecycleStep.NoticePublished && t.BidDeadline <= now && !t.Failed && t.LockedReason == null)
            .Select(t => t.Id).ToListAsync(ct);
        var system = new Actor(SystemUserId, "system", Guid.Empty, new HashSet<string> { Roles.Admin }, null);
        foreach (var id in due)
        {
            await using var s = scopes.CreateAsyncScope();
            await s.ServiceProvider.GetRequiredService<TenderService>().CloseBiddingAsync(system, id, ct);
            foreach (var step in s.ServiceProvider.GetServices<IDeadlineStep>())
                await step.OnDeadlineAsync(id, ct);
        }
        return due.Count;
    }
}
