using Microsoft.AspNetCore.Mvc.RazorPages;
using Trading.Web.Api;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Engagements;

public static class EngagementsModule
{
    public static IServiceCollection AddEngagements(this IServiceCollection services, IConfiguration config)
    {
        services.AddScoped<EngagementService>();
        services.PostConfigure<RazorPagesOptions>(o => o.Conventions.AuthorizeFolder("/Engagements"));
        return services;
    }

    public static void MapEngagements(this WebApplication app)
    {
        var api = app.MapGroup("/api/engagements").AddEndpointFilter<RuleErrorFilter>().DisableAntiforgery().RequireAuthorization(Policies.Api);
        api.MapGet("", async (HttpContext http, EngagementService s, CancellationToken ct) => Results.Ok(await s.ListAsync(Actor.From(http)!, ct)));
        api.MapPost("", async (EngagementInput input, HttpContext http, EngagementService s, CancellationToken ct) =>
        {
            var e = await s.RecordAsync(Actor.From(http)!, input, ct);
            return Results.Created($"/api/engagements/{e.Id}", new { id = e.Id });
        });
        api.MapPost("/{id:guid}/end", async (Guid id, EndEngagementInput input, HttpContext http, EngagementService s, CancellationToken ct) =>
        {
            await s.EndAsync(Actor.From(http)!, id, input, ct);
            return Results.NoContent();
        });
    }
}
