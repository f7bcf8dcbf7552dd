using Microsoft.AspNetCore.Mvc.RazorPages;
using Trading.Domain.Archive;
using Trading.Web.Api;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.OpenData;

/// <summary>Open data (OCDS 1.1 releases and packages) and the public results portal: no sign-in.</summary>
public static class OpenDataModule
{
    public static IServiceCollection AddOpenData(this IServiceCollection services, IConfiguration config)
    {
        services.AddScoped<OpenDataService>();
        services.PostConfigure<RazorPagesOptions>(o => o.Conventions.AllowAnonymousToFolder("/OpenData"));
        return services;
    }

    public static void MapOpenData(this WebApplication app)
    {
        var api = app.MapGroup("/api/ocds").AddEndpointFilter<RuleErrorFilter>().AllowAnonymous();
        api.MapGet("/tenders/{id:guid}/releases", async (Guid id, HttpContext http, OpenDataService s, Texts texts, CancellationToken ct) =>
        {
            var found = await s.PublishedAsync(id, ct);
            // Unknown and unpublished tenders get the same answer: no hint that an id exists.
            if (found.Count == 0)
                return RuleErrorFilter.Problem(StatusCodes.Status404NotFound, ArchiveRules.OcdsNotPublished, texts[ArchiveRules.OcdsNotPublished]);
            return Results.Json(s.Package(found, $"{http.Request.Scheme}://{http.Request.Host}{http.Request.Path}"));
        });
        api.MapGet("/release-package", async (HttpContext http, OpenDataService s, CancellationToken ct) =>
            Results.Json(s.Package(await s.PublishedAsync(null, ct), $"{http.Request.Scheme}://{http.Request.Host}{http.Request.Path}")));
    }
}
