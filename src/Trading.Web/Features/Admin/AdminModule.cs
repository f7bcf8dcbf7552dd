using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Trading.Data;
using Trading.Web.Api;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Admin;

/// <summary>Organisations and accounts, managed by the centre's administrators (issue 22): pages under /Admin and /api/admin.</summary>
public static class AdminModule
{
    public const string Policy = "Admin";

    public static IServiceCollection AddAdmin(this IServiceCollection services, IConfiguration config)
    {
        services.AddScoped<AdminService>();
        services.AddAuthorization(o => o.AddPolicy(Policy, p => p.RequireRole(Roles.Admin)));
        // Set-password links are handed over in person: they last a few days, not Identity's default one.
        services.Configure<DataProtectionTokenProviderOptions>(o => o.TokenLifespan = AdminService.LinkLifetime);
        services.PostConfigure<RazorPagesOptions>(o => o.Conventions.AuthorizeFolder("/Admin", Policy));
        return services;
    }

    public static void MapAdmin(this WebApplication app)
    {
        var api = app.MapGroup("/api/admin").AddEndpointFilter<RuleErrorFilter>().DisableAntiforgery().RequireAuthorization(Policies.Api).WithTags("Administration");
        api.MapGet("/organisations", async (HttpContext http, AdminService s, CancellationToken ct) => Results.Ok(await s.OrganisationsAsync(Act(http), ct)))
            .WithSummary("Organisations an administrator manages (not bidder firms, which register and are filed).");
        api.MapPost("/organisations", async (OrganisationInput input, HttpContext http, AdminService s, CancellationToken ct) =>
        {
            var o = await s.CreateOrganisationAsync(Act(http), input, ct);
            return Results.Created($"/api/admin/organisations/{o.Id}", new { id = o.Id });
        }).WithSummary("Creates an owner unit, agency, supervision office, centre or expert pool.");
        api.MapGet("/users", async (Guid? organisation, string? q, HttpContext http, AdminService s, CancellationToken ct) => Results.Ok(await s.UsersAsync(Act(http), organisation, q, ct)))
            .WithSummary("Accounts of the managed organisations, with roles and whether they are active.");
        api.MapPost("/users", async (UserInput input, HttpContext http, AdminService s, CancellationToken ct) =>
        {
            var link = await s.CreateUserAsync(Act(http), input, ct);
            return Results.Created($"/api/admin/users/{link.UserId}", link);
        }).WithSummary("Creates an account without a password; the answer carries the one-time link with which its user sets one.");
        api.MapPost("/users/{id:guid}/roles", async (Guid id, RolesInput input, HttpContext http, AdminService s, CancellationToken ct) =>
        {
            await s.SetRolesAsync(Act(http), id, input, ct);
            return Results.NoContent();
        }).WithSummary("Replaces an account's roles (each allowed for its organisation's kind).");
        api.MapPost("/users/{id:guid}/deactivate", async (Guid id, ReasonInput input, HttpContext http, AdminService s, CancellationToken ct) =>
        {
            await s.DeactivateAsync(Act(http), id, input, ct);
            return Results.NoContent();
        }).WithSummary("Deactivates an account with a reason; its sessions and tokens end at once.");
        api.MapPost("/users/{id:guid}/reactivate", async (Guid id, ReasonInput input, HttpContext http, AdminService s, CancellationToken ct) =>
        {
            await s.ReactivateAsync(Act(http), id, input, ct);
            return Results.NoContent();
        }).WithSummary("Reactivates an account with a reason.");
        api.MapPost("/users/{id:guid}/reset", async (Guid id, HttpContext http, AdminService s, CancellationToken ct) => Results.Ok(await s.IssueResetAsync(Act(http), id, ct)))
            .WithSummary("Issues a one-time set-password link for the user to use themselves (with their two-factor code if they have one).");
        api.MapGet("/changes", async (int? take, HttpContext http, AdminService s, CancellationToken ct) => Results.Ok(await s.ChangesAsync(Act(http), Math.Clamp(take ?? 200, 1, 1000), ct)))
            .WithSummary("Administrative changes from the public log, newest first.");
    }

    private static Actor Act(HttpContext http) => Actor.From(http) ?? throw new ForbiddenException(Domain.RuleCodes.SignInRequired);
}
