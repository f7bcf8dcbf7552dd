using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Trading.Data;
using Trading.Domain;
using Trading.Web.Demo;

namespace Trading.Web.Infrastructure;

public static class Startup
{
    /// <summary>Applies migrations, makes sure the roles and the two oversight organisations exist, seeds demo data if asked.</summary>
    public static async Task PrepareDatabaseAsync(IServiceProvider root, IConfiguration config)
    {
        // The centre's keys are read (or, outside Production, made) now: a production server without its PKI stops here,
        // at start, not at the first log entry.
        _ = root.GetRequiredService<Trading.Web.Features.Log.CentreKeys>();
        await using var scope = root.CreateAsyncScope();
        var sp = scope.ServiceProvider;
        var db = sp.GetRequiredService<TradingDbContext>();
        // A first run is silent for a minute or more otherwise: say what is happening and how long it usually takes.
        var logger = sp.GetRequiredService<ILoggerFactory>().CreateLogger("Trading.Startup");
        var watch = System.Diagnostics.Stopwatch.StartNew();
        if (config.GetValue("Database:MigrateOnStartup", true))
        {
            logger.LogInformation("Preparing the database (applying migrations; a few seconds, longer on a first run)...");
            await db.Database.MigrateAsync();
            logger.LogInformation("Database ready in {Seconds:0.0} s.", watch.Elapsed.TotalSeconds);
        }
        if (sp.GetRequiredService<IOptions<TenderRules>>().Value.Validate().FirstOrDefault() is { } bad)
            throw new InvalidOperationException($"Configuration section Rules is invalid: {bad}");

        var roles = sp.GetRequiredService<RoleManager<IdentityRole<Guid>>>();
        foreach (var r in Roles.All)
        {
            if (!await roles.RoleExistsAsync(r))
                await roles.CreateAsync(new IdentityRole<Guid>(r));
        }
        if (sp.GetRequiredService<IOptions<PlatformOptions>>().Value.Demo && !await db.Organisations.AnyAsync())
        {
            logger.LogInformation("First run: creating the demo data (a centre, a supervision office, owners, 12 bidder firms, 30 experts, tenders with bids, draws and time limits). This usually takes 30 s to 2 min...");
            watch.Restart();
            await sp.GetRequiredService<DemoSeeder>().SeedAsync(CancellationToken.None);
            logger.LogInformation("Demo data ready in {Seconds:0.0} s. Open the first page and pick a demo sign-in; every demo account uses the password {Password}.", watch.Elapsed.TotalSeconds, DemoSeeder.Password);
        }
    }
}
