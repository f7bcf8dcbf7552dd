using Microsoft.EntityFrameworkCore;
using Trading.Data;
using Trading.Web.Tests.Infrastructure;

namespace Trading.Web.Tests;

/// <summary>Fails when either provider's migrations lag the model: run 'dotnet ef migrations add' for both (README).</summary>
public class MigrationTests(PostgresServer pg)
{
    [Fact]
    public async Task Postgres_migrations_match_the_model_and_apply_to_a_real_server()
    {
        var cs = await pg.CreateDatabaseAsync("migr");
        await using var db = new TradingDbContext(new DbContextOptionsBuilder<TradingDbContext>()
            .UseNpgsql(cs, o => o.MigrationsAssembly("Trading.Data.Postgres")).Options);
        Assert.False(db.Database.HasPendingModelChanges(), "PostgreSQL migrations lag the model");
        await db.Database.MigrateAsync();
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
    }

    [Fact]
    public async Task Sqlite_migrations_match_the_model_and_apply()
    {
        var file = Path.Combine(Path.GetTempPath(), $"trading-migr-{Guid.NewGuid():N}.db");
        try
        {
            await using var db = new TradingDbContext(new DbContextOptionsBuilder<TradingDbContext>()
                .UseSqlite($"Data Source={file};Pooling=False", o => o.MigrationsAssembly("Trading.Data.Sqlite")).Options);
            Assert.False(db.Database.HasPendingModelChanges(), "SQLite migrations lag the model");
            await db.Database.MigrateAsync();
            Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        }
        finally { File.Delete(file); }
    }
}
