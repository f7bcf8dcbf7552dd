using Microsoft.EntityFrameworkCore;
using Trading.Data;
using Trading.Domain;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Log;

/// <summary>
/// Pads every ended window in which a tender may have been in its bidding period to the same number of sealed entries
/// (<see cref="SealingOptions"/>), so the log read afterwards does not show how many sealed acts a window held.
/// Runs every minute; looks back <see cref="LookBack"/> windows so a server that was down pads what it missed.
/// Idempotent: a window already holding enough sealed entries gets none.
/// </summary>
public sealed class SealedCoverJob(IServiceScopeFactory scopes, IConfiguration config, ILogger<SealedCoverJob> logger, TimeProvider clock, SealingOptions sealing)
    : ScheduledJob(config, logger)
{
    public const int LookBack = 6;

    protected override TimeSpan Period => TimeSpan.FromMinutes(1);

    public override async Task<int> RunOnceAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var sp = scope.ServiceProvider;
        var db = sp.GetRequiredService<TradingDbContext>();
        var log = sp.GetRequiredService<PublicLogWriter>();
        var current = log.WindowOf(clock.GetUtcNow().UtcDateTime);
        // Whether any tender could take documents or bids in a window is public (notices and deadlines are), so padding
        // only those windows hides nothing; a window with none needs no cover. One query answers it for every window:
        // the latest deadline of a published tender.
        var latestDeadline = await db.Tenders.Where(t => t.Step >= LifecycleStep.NoticePublished).MaxAsync(t => (DateTime?)t.BidDeadline, ct);
        var added = 0;
        for (var k = LookBack; k >= 1; k--)
        {
            var start = current - k * sealing.Window;
            if (latestDeadline is not { } latest || latest <= start)
                continue;
            // Counts only grow, so a window already full is skipped without the log's lock (which holds up bids).
            if (await db.SealedLogActs.CountAsync(a => a.Window == start, ct) >= sealing.PerWindow)
                continue;
            added += await log.ActAsync(() => log.PadWindowAsync(start, ct), ct);
        }
        return added;
    }
}
