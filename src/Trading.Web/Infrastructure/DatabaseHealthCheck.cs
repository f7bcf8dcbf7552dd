using Microsoft.Extensions.Diagnostics.HealthChecks;
using Trading.Data;

namespace Trading.Web.Infrastructure;

public sealed class DatabaseHealthCheck(TradingDbContext db) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        await db.Database.CanConnectAsync(cancellationToken) ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("database unreachable");
}
