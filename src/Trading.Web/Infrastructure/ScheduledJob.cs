namespace Trading.Web.Infrastructure;

/// <summary>
/// A job that runs on a timer in the server (deadlines, time limits, e-mail delivery). Tests switch the
/// timers off with Jobs:Enabled=false and call <see cref="RunOnceAsync"/> after moving the test clock, so
/// every run is deterministic.
/// </summary>
public abstract class ScheduledJob(IConfiguration config, ILogger logger) : BackgroundService
{
    protected abstract TimeSpan Period { get; }

    public abstract Task<int> RunOnceAsync(CancellationToken ct);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!config.GetValue("Jobs:Enabled", true)) return;
        using var timer = new PeriodicTimer(Period);
        do
        {
            try { await RunOnceAsync(stoppingToken); }
            catch (Exception e) when (e is not OperationCanceledException) { logger.LogError(e, "{Job} failed", GetType().Name); }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}

public static class ScheduledJobs
{
    /// <summary>Registers the job once, as itself (so tests and pages can run it now) and as a hosted service.</summary>
    public static IServiceCollection AddScheduledJob<T>(this IServiceCollection services) where T : ScheduledJob
    {
        services.AddSingleton<T>();
        services.AddHostedService(sp => sp.GetRequiredService<T>());
        return services;
    }
}
