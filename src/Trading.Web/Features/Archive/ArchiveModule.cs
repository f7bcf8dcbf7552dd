using Microsoft.AspNetCore.Mvc.RazorPages;
using Trading.Web.Api;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Archive;

/// <summary>The archive (电子档案): the act, the package download (docs/archive-format.md), its page and API.</summary>
public static class ArchiveModule
{
    public const string TarType = "application/x-tar";

    public static IServiceCollection AddArchive(this IServiceCollection services, IConfiguration config)
    {
        services.AddScoped<ArchiveService>();
        services.AddScoped<ArchiveIndexPdf>();
        services.PostConfigure<RazorPagesOptions>(o => o.Conventions.AuthorizeFolder("/Archive"));
        return services;
    }

    public static void MapArchive(this WebApplication app)
    {
        var api = app.MapGroup("/api/tenders/{id:guid}/archive").AddEndpointFilter<RuleErrorFilter>().DisableAntiforgery().RequireAuthorization(Policies.Api);
        api.MapGet("/status", async (Guid id, HttpContext http, ArchiveService s, CancellationToken ct) =>
        {
            var st = await s.StatusAsync(Act(http), id, ct);
            return Results.Ok(new
            {
                archived = st.ArchivedAt is not null, st.ArchivedAt, st.ArchivedIndex, retainUntil = st.RetainUntil?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                st.RetentionYears, mayArchive = st.MayArchive && st.WhyNotArchive is null, whyNotArchive = st.WhyNotArchive?.Code, packageReady = st.WhyNoPackage is null,
                whyNoPackage = st.WhyNoPackage?.Code,
            });
        });
        api.MapPost("", async (Guid id, HttpContext http, ArchiveService s, CancellationToken ct) =>
        {
            await s.ArchiveAsync(Act(http), id, ct);
            return Results.NoContent();
        });
        // Reading the package changes nothing, so a GET; the bearer token (never a cookie) authorises it.
        api.MapGet("", async (Guid id, HttpContext http, ArchiveService s, CancellationToken ct) =>
        {
            var (name, write) = await s.PackageAsync(Act(http), id, ct);
            return Results.Stream(stream => write(stream, ct), TarType, name);
        });
    }

    private static Actor Act(HttpContext http) => Actor.From(http) ?? throw new ForbiddenException(Domain.RuleCodes.SignInRequired);
}
