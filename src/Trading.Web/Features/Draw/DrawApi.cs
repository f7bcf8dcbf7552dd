using Trading.Domain.Experts;
using Trading.ExpertPool;
using Trading.Web.Api;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Draw;

public sealed record DrawSummaryDto(Guid Id, string DrawId, Guid TenderId, string TenderCode, int LotNumber, string Phase, string EvaluationRoom, DateTime StartsAt, DateTime EndsAt);
public sealed record SeatDto(string Stratum, string Pseudonym, string? Status, string? Name, string? RegistrationNumber);
public sealed record DrawDto(Guid Id, string DrawId, Guid TenderId, string TenderCode, int LotNumber, string Phase, string EvaluationRoom, DateTime StartsAt, DateTime EndsAt,
    string RequestHash, string ListHash, string? Seed, bool IdentitiesShown, IReadOnlyList<SeatDto> Committee);
public sealed record ExclusionDto(string RegistrationNumber, string Name, IReadOnlyList<string> Codes, IReadOnlyList<string> Reasons);
public sealed record DrawValueRequest(string Value);

/// <summary>
/// JSON API of the draw (bearer tokens only, like the rest of /api). The record is public (pseudonyms);
/// the committee carries names only for readers entitled to them, the exclusions only for oversight.
/// </summary>
public static class DrawApi
{
    public static void Map(WebApplication app)
    {
        var api = app.MapGroup("/api").AddEndpointFilter<RuleErrorFilter>().DisableAntiforgery();
        // The record names no one: anyone may fetch it and run the verifier.
        api.MapGet("/public/draws/{id:guid}/record", async (Guid id, DrawService s, CancellationToken ct) =>
            Results.Text((await s.RecordJsonAsync(id, ct)).Json, "application/json")).AllowAnonymous();

        var authed = api.MapGroup("/draws").RequireAuthorization(Policies.Api);
        authed.MapGet("", async (Guid? tenderId, HttpContext http, DrawService s, CancellationToken ct) =>
            (await s.ListAsync(Act(http), tenderId, ct)).Select(x => new DrawSummaryDto(x.Session.Id, x.Session.DrawId, x.Tender.Id, x.Tender.Code, x.Lot.Number,
                DrawCulture.Name(x.Session.Phase), x.Session.EvaluationRoom, x.Session.StartsAt, x.Session.EndsAt)));
        authed.MapGet("/{id:guid}", async (Guid id, HttpContext http, DrawService s, CancellationToken ct) =>
        {
            var v = await s.GetAsync(Act(http), id, ct);
            return new DrawDto(v.Session.Id, v.Session.DrawId, v.Tender.Id, v.Tender.Code, v.Lot.Number, DrawCulture.Name(v.Record.Phase), v.Session.EvaluationRoom,
                v.Session.StartsAt, v.Session.EndsAt, v.Record.RequestHash, v.Record.ListHash, v.Record.Seed, v.CanSeeIdentities,
                v.Seats.Select(x => new SeatDto(x.Stratum, x.Pseudonym, x.Status is { } st ? DrawCulture.Name(st) : null, x.Name, x.RegistrationNumber)).ToList());
        });
        authed.MapGet("/{id:guid}/record", async (Guid id, DrawService s, CancellationToken ct) =>
            Results.Text((await s.RecordJsonAsync(id, ct)).Json, "application/json"));
        authed.MapGet("/{id:guid}/exclusions", async (Guid id, HttpContext http, DrawService s, CancellationToken ct) =>
        {
            var v = await s.GetAsync(Act(http), id, ct);
            if (v.Exclusions is null) throw new ForbiddenException(Trading.Domain.RuleCodes.CentreOrSupervisionOnly);
            return v.Exclusions.Select(x => new ExclusionDto(x.RegistrationNumber, x.Name, x.Codes, x.Reasons));
        });
        authed.MapPost("/{id:guid}/commitments", async (Guid id, DrawValueRequest r, HttpContext http, DrawService s, CancellationToken ct) =>
        {
            await s.CommitAsync(Act(http), id, r.Value, ct);
            return Results.NoContent();
        });
        authed.MapPost("/{id:guid}/reveals", async (Guid id, DrawValueRequest r, HttpContext http, DrawService s, CancellationToken ct) =>
        {
            await s.RevealAsync(Act(http), id, r.Value, ct);
            return Results.NoContent();
        });
    }

    private static Actor Act(HttpContext http) => Actor.From(http) ?? throw new ForbiddenException(Trading.Domain.RuleCodes.SignInRequired);
}
