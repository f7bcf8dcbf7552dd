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
        await using var scope = root.CreateAsyncScope();
        var sp = scope.ServiceProvider;
        var db = sp.GetRequiredService<TradingDbContext>();
        if (config.GetValue("Database:MigrateOnStartup", true))
            await db.Database.MigrateAsync();
        if (sp.GetRequiredService<IOptions<TenderRules>>().Value.Validate().FirstOrDefault() is { } bad)
            throw new InvalidOperationException($"Configuration section Rules is invalid: {bad}");

        var roles = sp.GetRequiredService<RoleManager<IdentityRole<Guid>>>();
        foreach (var r in Roles.All)
        {
            if (!await roles.RoleExistsAsync(r))
                await roles.CreateAsync(new IdentityRole<Guid>(r));
        }
        if (sp.GetRequiredService<IOptions<PlatformOptions>>().Value.Demo && !await db.Organisations.AnyAsync())
            await sp.GetRequiredService<DemoSeeder>().SeedAsync(CancellationToken.None);
    }
}
