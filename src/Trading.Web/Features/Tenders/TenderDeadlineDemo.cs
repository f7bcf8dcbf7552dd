using Microsoft.EntityFrameworkCore;
using Trading.Data;
using Trading.Domain;
using Trading.Web.Demo;

namespace Trading.Web.Features.Tenders;

/// <summary>
/// The deadline move for every demo tender on issue whose deadline is already past when the demo is seeded, made by
/// the same <see cref="TenderMoves.CloseBiddingAsync"/> the deadline job runs: a tender with too few bids fails there
/// (Regulations art. 44, 流标) with its log entries and its notices, instead of being written as failed.
/// Runs after the ceremonies (<c>SubmissionDemo</c>), before anything that builds on the tenders' steps.
/// </summary>
public sealed class TenderDeadlineDemo(TradingDbContext db, TenderMoves moves, TimeProvider clock) : IDemoSeed
{
    public int Order => 20;

    public async Task SeedAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var id in await db.Tenders.Where(t => t.Step == LifecycleStep.NoticePublished && t.BidDeadline <= now && !t.Failed).OrderBy(t => t.Code).Select(t => t.Id).ToListAsync(ct))
            await moves.CloseBiddingAsync(TenderMoves.System, id, ct);
        // The notices stay in-app: seeding must not mail the demo addresses.
        await db.Set<Trading.Data.Notifications.Notification>().Where(n => n.EmailedAt == null && n.EmailSkipped == null)
            .ExecuteUpdateAsync(s => s.SetProperty(n => n.EmailSkipped, "demo data"), ct);
    }
}
