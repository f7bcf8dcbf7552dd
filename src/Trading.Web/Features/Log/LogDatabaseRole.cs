using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Trading.Data;

namespace Trading.Web.Features.Log;

/// <summary>
/// On PostgreSQL, makes sure the application role (<c>PublicLog:AppRole</c>, default <c>trading_app</c>) exists and
/// may read and write every table but never UPDATE, DELETE or TRUNCATE the public log's tables. The triggers refuse
/// the same, but a trigger can be disabled by the table owner; a role without the right cannot even try.
/// Runs at start-up after the migrations, as the owner of the tables (the user that migrated), and again after each
/// new migration, so tables added later get the same grants. When the connecting user may not do this (it is the
/// app role itself, or lacks CREATEROLE and the role is missing) it logs what the operator must do and carries on.
/// </summary>
public sealed partial class LogDatabaseRole(IServiceScopeFactory scopes, IConfiguration config, ILogger<LogDatabaseRole> logger) : IHostedService
{
    /// <summary>Tables whose rows are evidence: insert and read only.</summary>
    public static readonly string[] AppendOnlyTables = ["LogEntries", "LogNodes", "LogReceipts", "LogCheckpoints", "LogCosignatures"];

    public string RoleName => config["PublicLog:AppRole"] is { Length: > 0 } r ? r : "trading_app";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!config.GetValue("PublicLog:ManageAppRole", true)) return;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TradingDbContext>();
        if (!db.Database.IsNpgsql()) return;
        await EnsureAsync(db, cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The SQL an operator can also run by hand (psql, as the owner of the tables).</summary>
    public static string GrantSql(string role)
    {
        if (!RoleNamePattern().IsMatch(role)) throw new ArgumentException($"'{role}' is not a plain lower-case role name.", nameof(role));
        var log = string.Join(", ", AppendOnlyTables.Select(t => $"\"{t}\""));
        return $"""
            DO $$ BEGIN
              IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{role}') THEN
                BEGIN CREATE ROLE {role} NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END;
              END IF;
            END $$;
            GRANT USAGE ON SCHEMA public TO {role};
            GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role};
            GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role};
            REVOKE UPDATE, DELETE, TRUNCATE ON {log} FROM {role};
            REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "__EFMigrationsHistory" FROM {role};
            """;
    }

    private async Task EnsureAsync(TradingDbContext db, CancellationToken ct)
    {
        var role = RoleName;
        var sql = GrantSql(role);
        var conn = (NpgsqlConnection)db.Database.GetDbConnection();
        await conn.OpenAsync(ct);
        try
        {
            await using (var who = new NpgsqlCommand("SELECT current_user, (SELECT rolcreaterole OR rolsuper FROM pg_roles WHERE rolname = current_user), EXISTS (SELECT FROM pg_roles WHERE rolname = @r)", conn))
            {
                who.Parameters.AddWithValue("r", role);
                await using var rd = await who.ExecuteReaderAsync(ct);
                await rd.ReadAsync(ct);
                var (user, mayCreate, exists) = (rd.GetString(0), rd.GetBoolean(1), rd.GetBoolean(2));
                if (user == role) return; // running as the app role: nothing to grant, and it could not
                if (!exists && !mayCreate)
                {
                    logger.LogWarning("Database role {Role} does not exist and {User} may not create it. Run docs/public-log.md's role SQL as a superuser.", role, user);
                    return;
                }
            }
            // Several app instances (or test databases on one cluster) may start together: role creation races are retried.
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await using var cmd = new NpgsqlCommand(sql, conn);
                    await cmd.ExecuteNonQueryAsync(ct);
                    return;
                }
                catch (PostgresException e) when (attempt < 5 && e.SqlState is PostgresErrorCodes.InternalError or PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.DuplicateObject)
                {
                    await Task.Delay(50 * attempt, ct);
                }
                catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege)
                {
                    logger.LogWarning(e, "Could not grant the append-only rights to {Role}; run the SQL in docs/public-log.md as the owner of the tables.", role);
                    return;
                }
            }
        }
        finally
        {
            await conn.CloseAsync();
        }
    }

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex RoleNamePattern();
}
