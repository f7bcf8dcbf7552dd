using Microsoft.Extensions.Options;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Integrity;

/// <summary>
/// Runs the collusion screens outside the opening: every pass queues a run for each opened tender that has none, then
/// works through the queued runs one at a time (the machine is small; one screening at a time keeps pages responsive).
/// The opening's transaction therefore stays as it was, and a failing screen can never undo an opening.
/// A supervisor's request wakes the job at once instead of waiting for the next tick.
/// </summary>
public sealed class IntegrityScreenJob(IServiceScopeFactory scopes, IConfiguration config, IOptions<IntegrityOptions> options, ILogger<IntegrityScreenJob> logger)
    : ScheduledJob(config, logger)
{
    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly SemaphoreSlim _one = new(1, 1);
    private readonly IConfiguration _config = config;
    private readonly ILogger _log = logger;

    protected override TimeSpan Period => options.Value.JobPeriod;

    /// <summary>Asks the running job to look now (no effect when timers are off, as in tests).</summary>
    public void Wake()
    {
        if (_wake.CurrentCount == 0)
        {
            try { _wake.Release(); } catch (SemaphoreFullException) { /* already signalled */ }
        }
    }

    public override async Task<int> RunOnceAsync(CancellationToken ct)
    {
        await _one.WaitAsync(ct);
        try
        {
            using var scope = scopes.CreateScope();
            var service = scope.ServiceProvider.GetRequiredService<IntegrityService>();
            await service.QueueOpenedAsync(ct);
            var done = 0;
            foreach (var id in await service.QueuedRunsAsync(ct))
            {
                // A fresh scope per run: one run's tracked entities or failure never leak into the next.
                using var runScope = scopes.CreateScope();
                if (await runScope.ServiceProvider.GetRequiredService<IntegrityService>().ProcessAsync(id, ct)) done++;
            }
            return done;
        }
        finally { _one.Release(); }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_config.GetValue("Jobs:Enabled", true)) return;
        while (!stoppingToken.IsCancellationRequested)
        {
            try { await RunOnceAsync(stoppingToken); }
            catch (Exception e) when (e is not OperationCanceledException) { _log.LogError(e, "{Job} failed", nameof(IntegrityScreenJob)); }
            try { await _wake.WaitAsync(Period, stoppingToken); }
            catch (OperationCanceledException) { return; }
        }
    }

    public override void Dispose()
    {
        _wake.Dispose();
        _one.Dispose();
        base.Dispose();
    }
}
