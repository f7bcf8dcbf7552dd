using Microsoft.Extensions.Options;
using Trading.Web.Demo;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.DemoClock;

public static class DemoClockModule
{
    /// <summary>
    /// Replaces the system clock with the demo clock when the demo data is on and the environment is not Production
    /// (a production centre's time is never movable, whatever its settings say), and wraps whichever it is in the
    /// clock the demo's seeding plays its history with (<see cref="HistoryClock"/>). Tests bring their own clock.
    /// </summary>
    public static IServiceCollection AddDemoClock(this IServiceCollection services, PlatformOptions platform, IHostEnvironment env, string dataDir)
    {
        if (!platform.Demo) return services;
        TimeProvider present = TimeProvider.System;
        if (!env.IsProduction())
        {
            var clock = new DemoClock(TimeProvider.System, dataDir);
            services.AddSingleton(clock);
            services.AddScoped<DemoClockService>();
            present = clock;
        }
        services.AddSingleton<TimeProvider>(new HistoryClock(present));
        return services;
    }
}
