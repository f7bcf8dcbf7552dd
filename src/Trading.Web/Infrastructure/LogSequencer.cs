using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Trading.Data;

namespace Trading.Web.Infrastructure;

/// <summary>
/// Numbers the entries acts queued with <see cref="PublicLogWriter.AppendQueuedAsync"/>: woken by a commit in this
/// process (<see cref="LogQueue.Nudge"/>) or every <c>PublicLog:SequencerPollMilliseconds</c> (for entries queued by
/// other nodes), it takes the log's writer lock in a transaction of its own, which integrates up to
/// <see cref="PublicLogWriter.IntegrateBatch"/> queued entries at once (the lock's own path, <see cref="PublicLogWriter.LockAsync"/>),
/// and repeats while the queue is full. One lock and one commit then serve a whole batch of acts, which is what lets
/// appends outrun a lock held across every act's commit (docs/public-log.md, "Queued appends").
/// Not a <see cref="ScheduledJob"/>: it follows no clock, so it runs in tests too.
/// </summary>
public sealed class LogSequencer(IServiceScopeFactory scopes, LogQueue queue, IConfiguration config, ILogger<LogSequencer> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<Guid, TaskCompletionSource<long>> _waiting = new();

    private TimeSpan Poll => TimeSpan.FromMilliseconds(Math.Clamp(config.GetValue("PublicLog:SequencerPollMilliseconds", 2000), 10, 60_000));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await SequenceAsync(stoppingToken);
                await queue.WaitForQueuedAsync(Poll, stoppingToken);
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

    /// <summary>Integrates everything queued now, in batches; returns how many entries it numbered.</summary>
    public async Task<int> SequenceAsync(CancellationToken ct)
    {
        var total = 0;
        while (true)
        {
            await using var scope = scopes.CreateAsyncScope();
            var numbered = await PassAsync(scope.ServiceProvider.GetRequiredService<TradingDbContext>(), scope.ServiceProvider.GetRequiredService<PublicLogWriter>(), ct);
            foreach (var (ticket, index) in numbered)
                if (_waiting.TryRemove(ticket, out var waiter))
                    waiter.TrySetResult(index);
            total += numbered.Count;
            if (numbered.Count < PublicLogWriter.IntegrateBatch) return total;
        }
    }

    /// <summary>
    /// One pass in a transaction of its own (the benchmark runs the same pass): numbers up to
    /// <see cref="PublicLogWriter.IntegrateBatch"/> queued entries and returns their tickets and indexes.
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
    /// it; an entry numbered elsewhere (another node, or a locked act that integrated it) is found by looking every 50 ms.
    /// Throws <see cref="TimeoutException"/> after <paramref name="timeout"/>: the entry is then still queued, not lost.
    /// </summary>
    public async Task<long> WaitForIndexAsync(Guid ticket, TimeSpan timeout, CancellationToken ct)
    {
        var waiter = _waiting.GetOrAdd(ticket, _ => new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously));
        try
        {
            queue.Nudge();
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
            limit.CancelAfter(timeout);
            while (true)
            {
                await using (var scope = scopes.CreateAsyncScope())
                {
                    var db = scope.ServiceProvider.GetRequiredService<TradingDbContext>();
                    if (await db.LogEntries.Where(e => e.Ticket == ticket).Select(e => (long?)e.Index).FirstOrDefaultAsync(ct) is { } index)
                        return index;
                }
                try
                {
                    return await waiter.Task.WaitAsync(TimeSpan.FromMilliseconds(50), limit.Token);
                }
                catch (TimeoutException) { }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    throw new TimeoutException($"The queued log entry {ticket} was not numbered within {timeout}.");
                }
            }
        }
        finally
        {
            _waiting.TryRemove(ticket, out _);
        }
    }
}
