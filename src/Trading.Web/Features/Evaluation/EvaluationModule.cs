using Trading.Domain.Evaluation;
using Trading.Web.Api;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Evaluation;

public sealed record BidDto(Guid BidId, string Firm, decimal PriceYuan, decimal? PriceScore, bool AbnormallyLow);
public sealed record FlagDto(string Seat, Guid BidId, string Item, decimal Value, decimal Mean, decimal Allowed, string? Reason);
public sealed record RankDto(int Rank, Guid BidId, decimal PriceYuan, decimal? FinalScore, decimal? EvaluatedPriceYuan, bool Candidate);
public sealed record RoomDto(Guid SessionId, string DrawId, Guid TenderId, string Seat, Guid MemberId, ScoringScheme Scheme, IReadOnlyList<BidDto> Bids,
    string? MyCommitment, int Committed, int Serving, bool Revealed, IReadOnlyList<FlagDto>? Flags, IReadOnlyList<RankDto>? Ranking);
public sealed record SheetRequest(Guid MemberId, IReadOnlyList<ItemScore>? Scores, IReadOnlyList<AdjustmentEntry>? Adjustments);
public sealed record CommitmentDto(Guid SheetId, string Commitment, long LogIndex);
public sealed record RevealedSheetDto(string Seat, string Commitment, IReadOnlyList<ItemScore> Scores, IReadOnlyList<AdjustmentEntry> Adjustments);
public sealed record ReasonRequest(Guid BidId, string ItemCode, string? Reason);

/// <summary>The evaluation room's services and its JSON API (bearer tokens, committee members only).</summary>
public static class EvaluationModule
{
    public static IServiceCollection AddEvaluation(this IServiceCollection services, IConfiguration config)
    {
        services.AddScoped<EvaluationService>();
        return services;
    }

    public static void MapEvaluation(this WebApplication app)
    {
        var api = app.MapGroup("/api/evaluation/{sessionId:guid}").AddEndpointFilter<RuleErrorFilter>().DisableAntiforgery()
            .RequireAuthorization(Policies.Api).WithTags("Evaluation");
        api.MapGet("", async (Guid sessionId, HttpContext http, EvaluationService s, CancellationToken ct) => Room(await s.RoomAsync(Act(http), sessionId, ct)))
            .WithSummary("The evaluation room as the calling member sees it: bids, price scores, commitments, and after the reveal the flagged marks and the ranking.");
        api.MapPost("/sheet", async (Guid sessionId, SheetRequest body, HttpContext http, EvaluationService s, CancellationToken ct) =>
        {
            var row = await s.CommitAsync(Act(http), sessionId, new ScoreSheetContent(body.MemberId, body.Scores ?? [], body.Adjustments ?? []), ct);
            return Results.Created($"/api/evaluation/{sessionId}", new CommitmentDto(row.Id, row.Commitment, row.LogIndex));
        }).WithSummary("Commits the caller's own score sheet; its hash goes to the public log. Once only.");
        api.MapGet("/sheets", async (Guid sessionId, HttpContext http, EvaluationService s, CancellationToken ct) =>
            (await s.SheetsAsync(Act(http), sessionId, ct)).Select(x => new RevealedSheetDto(x.Pseudonym, x.Commitment, x.Sheet.Scores, x.Sheet.Adjustments)))
            .WithSummary("Every member's sheet, once every seat has committed.");
        api.MapPost("/deviation-reasons", async (Guid sessionId, ReasonRequest body, HttpContext http, EvaluationService s, CancellationToken ct) =>
        {
            await s.ExplainAsync(Act(http), sessionId, body.BidId, body.ItemCode, body.Reason, ct);
            return Results.NoContent();
        }).WithSummary("The caller's written reason for one of their flagged marks (畸高畸低).");
        api.MapGet("/results", async (Guid sessionId, HttpContext http, EvaluationService s, CancellationToken ct) =>
            (await s.ResultsAsync(Act(http), sessionId, ct)).Select(RankOf))
            .WithSummary("Final scores, ranking and candidates; refused until every flagged mark has its reason.");
    }

    private static RoomDto Room(RoomView v) => new(v.Session.Id, v.Session.DrawId, v.Tender.Id, v.Pseudonym, v.MemberId, v.Scheme,
        v.Bids.Select(b => new BidDto(b.BidId, b.FirmName, Trading.Domain.Money.Yuan(b.PriceFen), b.PriceScore, b.AbnormallyLow)).ToList(),
        v.MySheet?.Commitment, v.Committed, v.Serving, v.Sheets is not null,
        v.Flags?.Select(f => new FlagDto(f.Pseudonym, f.Deviation.BidId, f.Deviation.ItemCode, f.Deviation.Value, f.Deviation.Mean, f.Deviation.Allowed, f.Reason)).ToList(),
        v.Ranking?.Select(RankOf).ToList());

    private static RankDto RankOf(RankedBid r) => new(r.Rank, r.BidId, Trading.Domain.Money.Yuan(r.PriceFen), r.FinalScore,
        r.EvaluatedPriceFen is { } e ? Trading.Domain.Money.Yuan(e) : null, r.Candidate);

    private static Actor Act(HttpContext http) => Actor.From(http) ?? throw new ForbiddenException(Trading.Domain.RuleCodes.SignInRequired);
}
