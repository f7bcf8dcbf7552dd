using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.SignalR;
using Trading.Crypto;
using Trading.Domain;
using Trading.Domain.Bidding;
using Trading.Web.Api;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Custody;

/// <summary>
/// Holder-side custody: officers of the key-holding organisations, the key ceremony as a relay (the ceremony room and
/// its API), health checks made on the officers' machines. docs/bidding.md, "Custody".
/// </summary>
public static class CustodyModule
{
    /// <summary>Signed in with the page's cookie (the ceremony room) or a bearer token (the CLI, scripted clients).</summary>
    public const string Policy = "CustodyApi";

    public static IServiceCollection AddCustody(this IServiceCollection services, IConfiguration config)
    {
        services.Configure<CustodyOptions>(config.GetSection("Custody"));
        services.AddScoped<CustodyService>();
        services.AddSingleton<CeremonyEvents>();
        services.AddSignalR();
        services.AddScheduledJob<HealthWatch>();
        services.AddAuthorizationBuilder().AddPolicy(Policy, p => p
            .AddAuthenticationSchemes(IdentityConstants.ApplicationScheme, IdentityConstants.BearerScheme).RequireAuthenticatedUser());
        return services;
    }

    public static void MapCustody(this WebApplication app)
    {
        app.MapHub<CeremonyHub>("/hubs/ceremony");
        var api = app.MapGroup("/api/tenders/{id:guid}/ceremony").AddEndpointFilter<RuleErrorFilter>().AddEndpointFilter<CookieCsrfFilter>()
            .DisableAntiforgery().RequireAuthorization(Policy).WithTags("Key ceremony");

        api.MapGet("/state", async (Guid id, HttpContext http, CustodyService s, CancellationToken ct) =>
            Results.Text(CryptoJson.Serialize(await s.StateAsync(Act(http), http.User, id, ct)), "application/json"))
            .WithSummary("The ceremony's public state; for a signed-in officer also its sealed transport key and the shares addressed to it.");
        api.MapGet("/holder-material", async (Guid id, HttpContext http, CustodyService s, CancellationToken ct) =>
            Results.Text(CryptoJson.Serialize(await s.HolderMaterialAsync(Act(http), http.User, id, ct)), "application/json"))
            .WithSummary("After the ceremony: what an officer's machine needs to rebuild its holder's secret (docs/bidding.md, holder material).");
        // The CLI's own file formats, so an officer can keep every key off every browser (docs/bidding.md, CLI path):
        // the roster `trading keyholder deal` reads, and each dealing whole (public ciphertexts) for `check-dealings`.
        api.MapGet("/roster", async (Guid id, CustodyService s, CancellationToken ct) =>
            Results.Text(CryptoJson.Serialize(await s.RosterFileAsync(id, ct)), "application/json"))
            .WithSummary("The roster as `trading keyholder deal` reads it: parameters and every active officer's transport point.");
        api.MapGet("/dealings/{dealer:int}", async (Guid id, int dealer, HttpContext http, CustodyService s, CancellationToken ct) =>
            Results.Text(CryptoJson.Serialize(await s.DealingFileAsync(Act(http), http.User, id, dealer, ct)), "application/json"))
            .WithSummary("One holder's dealing as `trading keyholder check-dealings` reads it (commitments and every encrypted share).");
        api.MapPost("/transport-key", async (Guid id, HttpContext http, CustodyService s, CancellationToken ct) =>
        {
            var body = await BodyAsync(http, ct);
            using var doc = System.Text.Json.JsonDocument.Parse(body);
            var root = doc.RootElement;
            // "transportPoint": the file `trading keyholder transport-key` writes is posted as it is.
            var point = (root.TryGetProperty("point", out var pt) || root.TryGetProperty("transportPoint", out pt)) && pt.ValueKind == System.Text.Json.JsonValueKind.String ? pt.GetString()! : "";
            var sealedJson = root.TryGetProperty("sealed", out var sl) && sl.ValueKind == System.Text.Json.JsonValueKind.Object ? sl.GetRawText() : "";
            var o = await s.EnrolAsync(Act(http), http.User, id, point, sealedJson, ct);
            return Results.Created($"/api/tenders/{id}/ceremony/state", new { officerId = o.Id, active = o.IsActive });
        }).WithSummary("An officer gives its transport point and its transport key sealed on its own machine (holder.mjs sealTransportKey or the CLI).");
        api.MapPost("/dealing", async (Guid id, HttpContext http, CustodyService s, CancellationToken ct) =>
        {
            var d = await s.DealAsync(Act(http), http.User, id, await BodyAsync(http, ct), ct);
            return Results.Created($"/api/tenders/{id}/ceremony/state", new { dealer = d.DealerIndex, commitmentHash = d.CommitmentHashHex });
        }).WithSummary("The holder's dealing made on the officer's machine: commitments, Schnorr proof, a share encrypted to every officer.");
        api.MapPost("/acknowledgements", async (Guid id, HttpContext http, CustodyService s, CancellationToken ct) =>
        {
            await s.AcknowledgeAsync(Act(http), http.User, id, await BodyAsync(http, ct), ct);
            return Results.NoContent();
        }).WithSummary("A signed acknowledgement that the share received from one dealer matches its commitments.");
        api.MapPost("/complaints", async (Guid id, HttpContext http, CustodyService s, CancellationToken ct) =>
        {
            await s.ComplainAsync(Act(http), http.User, id, await BodyAsync(http, ct), ct);
            return Results.NoContent();
        }).WithSummary("A complaint with evidence (the ECDH point of one share and its proof); false evidence is refused.");
        api.MapPost("/health-check", async (Guid id, string? via, HttpContext http, CustodyService s, CancellationToken ct) =>
        {
            await s.HealthCheckAsync(Act(http), http.User, id, await BodyAsync(http, ct), via ?? "browser", ct);
            return Results.NoContent();
        }).WithSummary("A partial decryption of today's canary with its proof, made on the officer's machine.");
        api.MapPost("/officers/{officerId:guid}/add", async (Guid id, Guid officerId, HttpContext http, CustodyService s, CancellationToken ct) =>
        {
            await s.AddOfficerAsync(Act(http), http.User, id, officerId, await BodyAsync(http, ct), ct);
            return Results.NoContent();
        }).WithSummary("An existing officer adds a pending one, with this holder's shares re-encrypted to it in the existing officer's browser.");
        api.MapPost("/officers/{officerId:guid}/remove", async (Guid id, Guid officerId, HttpContext http, CustodyService s, CancellationToken ct) =>
        {
            await s.RemoveOfficerAsync(Act(http), id, officerId, ct);
            return Results.NoContent();
        }).WithSummary("A supervisor removes an officer (never a holder's last).");
    }

    private static async Task<string> BodyAsync(HttpContext http, CancellationToken ct) =>
        await SmallBody.ReadTextAsync(http.Request.Body, CustodyService.MaxBodyBytes,
            new RuleViolation(CustodyRules.BodyTooLarge, CustodyService.MaxBodyBytes / 1024), new RuleViolation(CustodyRules.BodyMalformed), ct);

    private static Actor Act(HttpContext http) => Actor.From(http) ?? throw new ForbiddenException(RuleCodes.SignInRequired);

    /// <summary>A POST signed in with the page's cookie must carry the page's anti-forgery token (a bearer token cannot be forged cross-site).</summary>
    private sealed class CookieCsrfFilter(IAntiforgery antiforgery) : IEndpointFilter
    {
        public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
        {
            var http = context.HttpContext;
            if (HttpMethods.IsPost(http.Request.Method) && !http.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                && !await antiforgery.IsRequestValidAsync(http))
                throw new ForbiddenException(CustodyRules.FormTokenInvalid);
            return await next(context);
        }
    }
}

/// <summary>Reminds officers of health checks due and alerts the supervision office of missed ones (CustodyService.WatchHealthAsync).</summary>
public sealed class HealthWatch(IServiceScopeFactory scopes, IConfiguration config, ILogger<HealthWatch> logger, Microsoft.Extensions.Options.IOptions<CustodyOptions> options)
    : ScheduledJob(config, logger)
{
    protected override TimeSpan Period => options.Value.HealthWatchPeriod;

    public override async Task<int> RunOnceAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<CustodyService>().WatchHealthAsync(ct);
    }
}

/// <summary>The ceremony room's live channel: who joined, dealt, acknowledged. Only "something changed" travels; the page re-reads its state.</summary>
[Authorize]
public sealed class CeremonyHub : Hub
{
    public Task Watch(Guid tenderId) => Groups.AddToGroupAsync(Context.ConnectionId, CeremonyEvents.Group(tenderId));
}

public sealed class CeremonyEvents(IHubContext<CeremonyHub> hub, ILogger<CeremonyEvents> logger)
{
    public static string Group(Guid tenderId) => $"ceremony:{tenderId:N}";

    public Task ChangedAsync(Guid tenderId) => LiveSignal.SendAsync(hub, Group(tenderId), tenderId, logger);
}
