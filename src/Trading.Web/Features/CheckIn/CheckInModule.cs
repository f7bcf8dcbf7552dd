using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Trading.Data;
using Trading.Domain;
using Trading.Domain.CheckIn;
using Trading.Web.Api;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.CheckIn;

public sealed record OverrideRequest(string? Reason);

/// <summary>An attempt as the kiosk and the API show it.</summary>
public sealed record CheckInAttemptDto(
    Guid Id, Guid? SessionId, string Room, string Expert, string ExpertName, string Decision, bool Admitted, string Reason, string Message,
    double? Match, double? Live, string? PossibleSubstitute, string ImageSha256, double ProcessingMs, DateTime At, string? OverrideReason)
{
    public static CheckInAttemptDto From(CheckInOutcome o) => From(o.Attempt, o.Expert.RegistrationNumber, o.Expert.Name, o.Message, o.SubstituteName);

    public static CheckInAttemptDto From(CheckInAttempt a, string registration, string name, string message, string? substitute) => new(
        a.Id, a.SessionId, a.Room, registration, name, a.Decision.ToString(), a.Decision != CheckInDecision.Refused, a.Reason, message,
        a.MatchScore is { } m ? Math.Round(m, 3) : null, a.LiveScore is { } l ? Math.Round(l, 3) : null, substitute,
        a.ImageSha256, a.ProcessingMs, a.At, a.OverrideReason);
}

/// <summary>Face enrolment and the check-in kiosk (issue 7): services, page authorization and the JSON API.</summary>
public static class CheckInModule
{
    /// <summary>Centre staff and supervisors: the kiosk, the attempt log.</summary>
    public const string StaffPolicy = "CheckIn.Staff";
    /// <summary>Centre staff only: enrolment.</summary>
    public const string EnrolPolicy = "CheckIn.Enrol";

    public static IServiceCollection AddCheckIn(this IServiceCollection services, IConfiguration config)
    {
        services.Configure<BiometricsOptions>(config.GetSection("Biometrics"));
        services.AddSingleton<FaceEngine>();
        services.AddHostedService<FaceEngineWarmUp>();
        services.AddSingleton<FaceGallery>();
        services.AddSingleton<KioskChallenges>();
        services.AddScoped<KioskDeviceService>();
        services.AddScoped<FaceTemplates>();
        services.AddScoped<CheckInService>();
        services.AddAuthorizationBuilder()
            .AddPolicy(StaffPolicy, p => p.RequireRole(Roles.CentreStaff, Roles.Supervisor))
            .AddPolicy(EnrolPolicy, p => p.RequireRole(Roles.CentreStaff));
        services.PostConfigure<RazorPagesOptions>(o =>
        {
            o.Conventions.AuthorizeFolder("/CheckIn", StaffPolicy);
            o.Conventions.AuthorizePage("/CheckIn/Enrol", EnrolPolicy);
            o.Conventions.AuthorizePage("/CheckIn/Devices", EnrolPolicy);
        });
        return services;
    }

    public static WebApplication MapCheckIn(this WebApplication app)
    {
        var max = app.Configuration.GetSection("Biometrics").Get<BiometricsOptions>()?.MaxImageBytes ?? new BiometricsOptions().MaxImageBytes;
        // Bearer tokens only (Policies.Api names the scheme), so the cookie never authenticates here and no CSRF token is needed.
        var api = app.MapGroup("/api/checkin").AddEndpointFilter<RuleErrorFilter>().DisableAntiforgery()
            .RequireAuthorization(Policies.Api, StaffPolicy);

        api.MapPost("/enrolments/{expertId:guid}", async (Guid expertId, HttpRequest request, HttpContext http, CheckInService s, CancellationToken ct) =>
        {
            var form = await ReadFormAsync(request, ct);
            var photos = form.Files.Select(ToUpload).ToList();
            var r = await s.EnrolAsync(Act(http), expertId, photos, ct, form["duplicateReason"]);
            return Results.Created($"/api/checkin/enrolments/{expertId}", new { r.ExpertId, r.PhotoCount, r.Generation, r.EnrolledAt, photoSha256 = r.PhotoSha256.Split(','), photosKept = r.PhotoKeys.Count });
        }).RequireAuthorization(EnrolPolicy).WithMetadata(new RequestSizeLimitAttribute((3 * max) + (1024 * 1024)));

        api.MapPost("/attempts", async (HttpRequest request, HttpContext http, CheckInService s, CancellationToken ct) =>
        {
            var form = await ReadFormAsync(request, ct);
            var photo = form.Files.GetFile("photo");
            var o = await s.CheckInAsync(Act(http), form["room"], form["expert"], photo is null ? null : ToUpload(photo), ct);
            return Results.Created($"/api/checkin/attempts/{o.Attempt.Id}", CheckInAttemptDto.From(o));
        }).WithMetadata(new RequestSizeLimitAttribute((2 * max) + (1024 * 1024)));

        api.MapPost("/attempts/{id:guid}/override", async (Guid id, OverrideRequest r, HttpContext http, CheckInService s, CancellationToken ct) =>
        {
            var a = await s.OverrideAsync(Act(http), id, r.Reason, ct);
            return Results.Ok(new { a.Id, Decision = a.Decision.ToString(), a.OverrideReason, a.OverriddenAt });
        });

        api.MapGet("/attempts", async (string? room, CheckInService s, CancellationToken ct) =>
            (await s.AttemptsTodayAsync(room, ct)).Select(x => CheckInAttemptDto.From(x.Attempt, x.Expert.RegistrationNumber, x.Expert.Name, s.Describe(x.Attempt), x.OtherName)));
        return app;
    }

    /// <summary>The multipart form, or a 400 naming the rule when the body is not one (wrong type, truncated, malformed).</summary>
    private static async Task<IFormCollection> ReadFormAsync(HttpRequest request, CancellationToken ct)
    {
        if (!request.HasFormContentType) throw new BadHttpRequestException("A multipart form is expected.", StatusCodes.Status400BadRequest);
        try
        {
            return await request.ReadFormAsync(ct);
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            throw new BadHttpRequestException("The form could not be read.", StatusCodes.Status400BadRequest, e);
        }
    }

    public static PhotoUpload ToUpload(IFormFile f) => new(f.FileName, f.Length, f.OpenReadStream);

    private static Actor Act(HttpContext http) => Actor.From(http) ?? throw new ForbiddenException(RuleCodes.SignInRequired);
}
