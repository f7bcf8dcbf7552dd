using Microsoft.EntityFrameworkCore;
using Trading.Data;

namespace Trading.Web.Infrastructure;

/// <summary>
/// Numbers the entries acts queued with <see cref="PublicLogWriter.AppendQueuedAsync"/>: woken by a commit in this
/// process (<see cref="LogQueue.Nudge"/>) or every <c>PublicLog:SequencerPollMilliseconds</c> (for entries queued by
/// other nodes), it takes the log's writer lock in a transaction of its own, which numbers what is queued (the lock's
/// own path, <see cref="PublicLogWriter.LockAsync"/>). One lock and one commit then serve a whole batch of acts, which
/// is what lets appends outrun a lock held across every act's commit (docs/public-log.md, "Queued appends").
/// Not a <see cref="ScheduledJob"/>: it follows no clock, so it runs in tests too.
/// </summary>
public sealed class LogSequencer(IServiceScopeFactory scopes, LogQueue queue, IConfiguration config, ILogger<LogSequencer> logger) : BackgroundService
{
    private volatile bool _running;

    private TimeSpan Poll => TimeSpan.FromMilliseconds(Math.Clamp(config.GetValue("PublicLog:SequencerPollMilliseconds", 2000), 10, 60_000));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _running = true;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    // Wait first: a server that never queues anything (most test hosts) then touches the database only at
                    // the poll, and an entry left queued by a restart is numbered at the first one.
                    await queue.WaitForQueuedAsync(Poll, stoppingToken);
                    await SequenceAsync(stoppingToken);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { return; }
                catch (Exception e)
                {
                    // The queue keeps the entries: nothing is lost, and the next pass (or the next locked act) takes them.
                    logger.LogError(e, "The log sequencer failed a pass; the queued entries stay queued");
                    await Task.Delay(Poll, stoppingToken);
                }
            }
        }
        finally
        {
            _running = false;
        }
    }

    /// <summary>Integrates everything queued now; returns how many entries it numbered.</summary>
    public async Task<int> SequenceAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        return (await PassAsync(scope.ServiceProvider.GetRequiredService<TradingDbContext>(), scope.ServiceProvider.GetRequiredService<PublicLogWriter>(), ct)).Count;
    }

    /// <summary>
    /// One pass in a transaction of its own (the benchmark runs the same pass): numbers every queued entry and returns
    /// their tickets and indexes. Waiters learn theirs when the pass commits (<see cref="LogQueue.Numbered"/>).
    /// </summary>
    public static async Task<IReadOnlyList<(Guid Ticket, long Index)>> PassAsync(TradingDbContext db, PublicLogWriter log, CancellationToken ct)
    {
        // A look without the lock first: an idle queue costs the other writers nothing.
        if (!await db.PendingLogEntries.AnyAsync(ct)) return [];
        await log.ActAsync(() => log.LockAsync(ct), ct);
        return log.Integrated;
    }

    /// <summary>
    /// The index the queued entry <paramref name="ticket"/> got, once it is on the log. Wakes the sequencer and waits for
    /// the commit that numbers it; when the hosted sequencer is not running (demo data made before the server starts)
    /// the caller numbers the queue itself. An entry numbered on another node is found by a look every second.
    /// Throws <see cref="TimeoutException"/> after <paramref name="timeout"/>: the entry is then still queued, not lost.
    /// </summary>
    public async Task<long> WaitForIndexAsync(Guid ticket, TimeSpan timeout, CancellationToken ct)
    {
        var waiter = queue.Waiter(ticket);
        try
        {
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
            limit.CancelAfter(timeout);
            try
            {
                while (true)
                {
                    await using (var scope = scopes.CreateAsyncScope())
                    {
                        var db = scope.ServiceProvider.GetRequiredService<TradingDbContext>();
                        if (await db.LogEntries.Where(e => e.Ticket == ticket).Select(e => (long?)e.Index).FirstOrDefaultAsync(limit.Token) is { } index)
                            return index;
                        if (!_running)
                            await PassAsync(db, scope.ServiceProvider.GetRequiredService<PublicLogWriter>(), limit.Token);
                    }
                    queue.Nudge();
                    try
                    {
                        return await waiter.Task.WaitAsync(TimeSpan.FromSeconds(1), limit.Token);
                    }
                    catch (TimeoutException) { }
                }
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                throw new TimeoutException($"The queued log entry {ticket} was not numbered within {timeout}.");
            }
        }
        finally
        {
            queue.Forget(ticket);
        }
    }
}
