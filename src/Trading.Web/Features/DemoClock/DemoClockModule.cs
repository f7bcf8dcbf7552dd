using Microsoft.Extensions.Options;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.DemoClock;

public static class DemoClockModule
{
    /// <summary>
    /// Replaces the system clock with the demo clock when the demo data is on and the environment is not Production
    /// (a production centre's time is never movable, whatever its settings say). Tests bring their own clock.
    /// </summary>
    public static IServiceCollection AddDemoClock(this IServiceCollection services, PlatformOptions platform, IHostEnvironment env, string dataDir)
    {
        if (!platform.Demo || env.IsProduction()) return services;
        var clock = new DemoClock(TimeProvider.System, dataDir);
        services.AddSingleton(clock);
        services.AddSingleton<TimeProvider>(clock);
        services.AddScoped<DemoClockService>();
        return services;
    }
}
