using Trading.Domain.Evaluation;
using Trading.Web.Api;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Evaluation;

public sealed record BidDto(Guid BidId, string Firm, decimal PriceYuan, decimal? PriceScore, bool AbnormallyLow, bool Rejected);
public sealed record SeatDto(int Number, Guid MemberId, string Seat, bool Me, bool Voted, int Votes, bool Committed, bool HasSigned, bool Dissented);
public sealed record ReviewDto(Guid BidId, string ItemCode, bool Passed, string? Ground, string? Reason);
public sealed record VoteRequest(Guid CandidateMemberId);
public sealed record ReviewItemRequest(string ItemCode, bool Passed, RejectionGround? Ground, string? Reason);
public sealed record ReviewRequest(Guid BidId, IReadOnlyList<ReviewItemRequest>? Items);
/// <summary>A signature: the re-authentication, the dissent (null to agree), and the member's own signature (PKCS#10 PEM, statement and signature in base64).</summary>
public sealed record SignRequest(string? Password, string? Code, string? Dissent, string? MemberRequest = null, string? MemberStatement = null, string? MemberSignature = null);
public sealed record SignatureDto(Guid SignatureId, string ContentSha256, bool Dissent, long LogIndex, bool ReportIssued);
public sealed record ReportDto(Guid ReportId, string ContentSha256, string PdfSha256, DateTime IssuedAt, long LogIndex, string Pdf);
public sealed record FlagDto(string Seat, Guid BidId, string Item, decimal Value, decimal Mean, decimal Allowed, string? Reason);
public sealed record RankDto(int Rank, Guid BidId, decimal PriceYuan, decimal? FinalScore, decimal? EvaluatedPriceYuan, bool Candidate);
public sealed record RoomDto(Guid SessionId, string DrawId, Guid TenderId, string Seat, Guid MemberId, ScoringScheme Scheme, IReadOnlyList<BidDto> Bids,
    string? MyCommitment, int Committed, int Serving, bool Revealed, IReadOnlyList<FlagDto>? Flags, IReadOnlyList<RankDto>? Ranking,
    IReadOnlyList<SeatDto> Seats, Guid? ChairMemberId, IReadOnlyList<ReviewDto> Review, int ReviewMissing, string? ReportContentSha256, ReportDto? Report);
public sealed record SheetRequest(Guid MemberId, IReadOnlyList<ItemScore>? Scores, IReadOnlyList<AdjustmentEntry>? Adjustments);
public sealed record CommitmentDto(Guid SheetId, string Commitment, long LogIndex);
public sealed record RevealedSheetDto(string Seat, string Commitment, IReadOnlyList<ItemScore> Scores, IReadOnlyList<AdjustmentEntry> Adjustments);
public sealed record ReasonRequest(Guid BidId, string ItemCode, string? Reason);
public sealed record ClarificationRequest(Guid BidId, string? Question, int Minutes);
public sealed record AnswerRequest(string? Answer);
public sealed record ClarificationDto(Guid Id, Guid BidId, string Question, DateTime AskedAt, DateTime AnswerBy, string? Answer, DateTime? AnsweredAt);

/// <summary>The evaluation room's services and its JSON API (bearer tokens, committee members only).</summary>
public static class EvaluationModule
{
    public const string ExpertPolicy = "Evaluation.Expert";
    public const string BidderPolicy = "Evaluation.Bidder";

    public static IServiceCollection AddEvaluation(this IServiceCollection services, IConfiguration config)
    {
        services.AddScoped<EvaluationService>();
        services.AddScoped<EvaluationReportPdf>();
        services.AddScoped<BidClarifications>();
        services.PostConfigure<Microsoft.AspNetCore.Mvc.RazorPages.RazorPagesOptions>(o =>
        {
            // The room is for experts; the service then admits only the session's seated, checked-in members.
            o.Conventions.AuthorizePage("/Evaluation/Index", ExpertPolicy);
            o.Conventions.AuthorizePage("/Evaluation/Room", ExpertPolicy);
            // The report: the committee, the tender's owner side and oversight; the service checks which.
            o.Conventions.AuthorizePage("/Evaluation/Report");
            // A bidder's own clarifications; the service shows only the caller's firm's.
            o.Conventions.AuthorizePage("/Evaluation/Clarifications", BidderPolicy);
        });
        services.AddAuthorizationBuilder().AddPolicy(ExpertPolicy, p => p.RequireRole(Trading.Data.Roles.Expert))
            .AddPolicy(BidderPolicy, p => p.RequireRole(Trading.Data.Roles.Bidder));
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
        api.MapPost("/chair-votes", async (Guid sessionId, VoteRequest body, HttpContext http, EvaluationService s, CancellationToken ct) =>
        {
            await s.VoteAsync(Act(http), sessionId, body.CandidateMemberId, ct);
            return Results.NoContent();
        }).WithSummary("The caller's vote for the committee's chair (组长); the seat with a majority of the serving seats chairs. Once per seat.");
        api.MapPost("/review", async (Guid sessionId, ReviewRequest body, HttpContext http, EvaluationService s, CancellationToken ct) =>
        {
            await s.ReviewAsync(Act(http), sessionId, body.BidId, (body.Items ?? []).Select(i => new ReviewInput(i.ItemCode, i.Passed, i.Ground, i.Reason)).ToList(), ct);
            return Results.NoContent();
        }).WithSummary("The chair records the preliminary review of one bid, every item: pass, or fail with its Regulations art. 51 ground and reason (a fail rejects the bid).");
        api.MapPost("/report/signatures", async (Guid sessionId, SignRequest body, HttpContext http, EvaluationService s, CancellationToken ct) =>
        {
            var row = await s.SignAsync(Act(http), sessionId, body.Password, body.Code, body.Dissent,
                MemberSigning.FromForm(body.MemberRequest, body.MemberStatement, body.MemberSignature), ct);
            var issued = await s.IssuedAsync(sessionId, ct);
            return Results.Created($"/api/evaluation/{sessionId}/report", new SignatureDto(row.Id, row.ContentSha256, row.Dissent is not null, row.LogIndex, issued));
        }).WithSummary("The caller signs the evaluation report (or records dissent) after re-entering the password, or an authenticator code with two-factor sign-in, with their own signature: a PKCS#10 request for a key made for this signing and that key's signature (r || s) over the canonical statement (content hash, session, seat, dissent); the centre's CA certifies the key. The last signature issues the PDF.");
        api.MapGet("/report", async (Guid sessionId, HttpContext http, EvaluationService s, CancellationToken ct) =>
        {
            var (report, _, pdf) = await s.ReportAsync(Act(http), sessionId, ct);
            return Results.File(pdf, "application/pdf", $"evaluation-report-{report.PdfSha256[..12]}.pdf");
        }).WithSummary("The issued report's PDF: for the committee, the tender's owner side, centre staff and supervisors.")
            .Produces(StatusCodes.Status200OK, contentType: "application/pdf");
    }

    /// <summary>Clarifications (评标澄清): the chair asks in the room's API; the bidder lists and answers its own.</summary>
    public static void MapClarifications(this WebApplication app)
    {
        var room = app.MapGroup("/api/evaluation/{sessionId:guid}/clarifications").AddEndpointFilter<RuleErrorFilter>().DisableAntiforgery()
            .RequireAuthorization(Policies.Api).WithTags("Evaluation");
        room.MapGet("", async (Guid sessionId, HttpContext http, BidClarifications s, CancellationToken ct) =>
            (await s.ForRoomAsync(Act(http), sessionId, ct)).Select(ClarificationOf))
            .WithSummary("The session's clarifications with their answers, for a seated, checked-in member.");
        room.MapPost("", async (Guid sessionId, ClarificationRequest body, HttpContext http, BidClarifications s, CancellationToken ct) =>
        {
            var c = await s.AskAsync(Act(http), sessionId, body.BidId, body.Question, body.Minutes, ct);
            return Results.Created($"/api/evaluation/{sessionId}/clarifications", ClarificationOf(c));
        }).WithSummary("The chair asks one bidder a written question with a deadline inside the session (Regulations art. 52); the bidder is notified.");
        var mine = app.MapGroup("/api/clarifications").AddEndpointFilter<RuleErrorFilter>().DisableAntiforgery()
            .RequireAuthorization(Policies.Api).WithTags("Evaluation");
        mine.MapGet("/mine", async (HttpContext http, BidClarifications s, CancellationToken ct) =>
            (await s.MineAsync(Act(http), ct)).Select(m => ClarificationOf(m.Clarification)))
            .WithSummary("The calling bidder firm's clarifications, newest first.");
        mine.MapPost("/{id:guid}/answer", async (Guid id, AnswerRequest body, HttpContext http, BidClarifications s, CancellationToken ct) =>
            ClarificationOf(await s.AnswerAsync(Act(http), id, body.Answer, ct)))
            .WithSummary("The bidder answers once, before the deadline; the answer explains and may not change the bid.");
    }

    private static ClarificationDto ClarificationOf(BidClarification c) => new(c.Id, c.BidId, c.Question, c.AskedAt, c.AnswerBy, c.Answer, c.AnsweredAt);

    private static RoomDto Room(RoomView v) => new(v.Session.Id, v.Session.DrawId, v.Tender.Id, v.Pseudonym, v.MemberId, v.Scheme,
        v.Opened.Select(b => new BidDto(b.BidId, b.FirmName, Trading.Domain.Money.Yuan(b.PriceFen), b.PriceScore, b.AbnormallyLow, b.Rejected)).ToList(),
        v.MySheet?.Commitment, v.Committed, v.Serving, v.Sheets is not null,
        v.Flags?.Select(f => new FlagDto(f.Pseudonym, f.Deviation.BidId, f.Deviation.ItemCode, f.Deviation.Value, f.Deviation.Mean, f.Deviation.Allowed, f.Reason)).ToList(),
        v.Ranking?.Select(RankOf).ToList(),
        v.Seats.Select(s => new SeatDto(s.Number, s.MemberId, s.Pseudonym, s.Me, s.Voted, s.Votes, s.Committed, s.Signature is not null, s.Signature?.Dissent is not null)).ToList(),
        v.ChairId, v.Review.Select(r => new ReviewDto(r.BidId, r.ItemCode, r.Passed, r.Ground?.ToString(), r.Reason)).ToList(), v.ReviewMissing,
        v.Content?.Sha256(),
        v.Report is { } r ? new ReportDto(r.Id, r.ContentSha256, r.PdfSha256, r.IssuedAt, r.LogIndex, $"/api/evaluation/{v.Session.Id}/report") : null);

    private static RankDto RankOf(RankedBid r) => new(r.Rank, r.BidId, Trading.Domain.Money.Yuan(r.PriceFen), r.FinalScore,
        r.EvaluatedPriceFen is { } e ? Trading.Domain.Money.Yuan(e) : null, r.Candidate);

    private static Actor Act(HttpContext http) => Actor.From(http) ?? throw new ForbiddenException(Trading.Domain.RuleCodes.SignInRequired);
}
