using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Trading.Data;
using Trading.Domain;
using Trading.Domain.Award;
using Trading.Web.Api;
using Trading.Web.Features.Supervision;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Award;

public sealed record PublishRequest(int? Days);
public sealed record TextRequest(string? Text);
public sealed record ComplaintRequest(DateOnly KnewOn, string? Text);
public sealed record DecisionRequest(ComplaintOutcome? Outcome, string? Decision);
public sealed record AwardRequest(Guid LotId, Guid BidId, string? Reason);
public sealed record RefundRequest(Guid BidId, decimal AmountYuan, decimal InterestYuan, DateOnly RefundedOn);
public sealed record ContractForm(Guid LotId, decimal PriceYuan, int DurationDays, DateOnly SignedOn);

public sealed record CandidateDto(int Lot, int Rank, Guid BidId, string Firm, decimal PriceYuan, int? DurationDays);
public sealed record ObjectionDto(Guid Id, string? Firm, string Text, DateTime RaisedAt, DateTime AnswerDueAt, string? Answer, DateTime? AnsweredAt);
public sealed record ComplaintDto(Guid Id, string? Firm, string Text, DateOnly KnewOn, DateTime LodgedAt, DateTime DecisionDueAt, bool Suspends,
    string? Outcome, string? Decision, DateTime? DecidedAt);
public sealed record AwardDto(Guid Id, int Lot, Guid BidId, string Winner, int Rank, decimal PriceYuan, int? DurationDays, string? Reason, DateTime AwardedAt, long LogIndex);
public sealed record NoticeDto(Guid Id, Guid BidId, string Kind, string Sha256, string? Signature, string Pdf);
public sealed record ContractDto(Guid Id, int Lot, string Firm, decimal PriceYuan, int DurationDays, DateOnly SignedOn, string Sha256, bool DiffersFromAward, long LogIndex);
public sealed record RefundDto(Guid Id, Guid BidId, string Firm, decimal AmountYuan, decimal InterestYuan, DateOnly RefundedOn, long LogIndex);
public sealed record AwardStateDto(Guid TenderId, string Code, int Step, DateTime? PublishedAt, DateTime? PublicityEndsAt, IReadOnlyList<CandidateDto> Candidates,
    IReadOnlyList<ObjectionDto> Objections, IReadOnlyList<ComplaintDto> Complaints, bool Suspended, IReadOnlyList<AwardDto> Awards, IReadOnlyList<NoticeDto> Notices,
    IReadOnlyList<ContractDto> Contracts, IReadOnlyList<RefundDto> Refunds, IReadOnlyList<string>? Committee);

/// <summary>
/// Steps 13-18 (issue 17): candidate publicity, objections, complaints, award, contract and bond refund. Pages under
/// /Award (the public list and result pages need no sign-in), a JSON API under /api/award, and the events the
/// supervision lights read ("objection.received"/"objection.answered", "complaint.received"/"complaint.decided").
/// </summary>
public static class AwardModule
{
    public static IServiceCollection AddAward(this IServiceCollection services, IConfiguration config)
    {
        services.Configure<AwardTerms>(config.GetSection("Award"));
        services.AddScoped<AwardService>();
        services.AddScoped<AwardNoticePdf>();
        services.AddScoped<ILimitEventSource, AwardEvents>();
        services.PostConfigure<RazorPagesOptions>(o =>
        {
            o.Conventions.AuthorizeFolder("/Award");
            // The publicity and the result notice are public (中标候选人公示, 中标结果公告).
            o.Conventions.AllowAnonymousToPage("/Award/Index");
            o.Conventions.AllowAnonymousToPage("/Award/Public");
        });
        return services;
    }

    public static void MapAward(this WebApplication app)
    {
        app.MapGet("/api/award/public/{tenderId:guid}", async (Guid tenderId, AwardService s, CancellationToken ct) =>
                await s.PublicAsync(tenderId, ct) is { } v ? Results.Ok(State(v, publicView: true)) : Results.NotFound())
            .WithTags("Award").WithSummary("The public candidate publicity and, once awarded, the result notice of a tender (no sign-in).");

        var api = app.MapGroup("/api/award/{tenderId:guid}").AddEndpointFilter<RuleErrorFilter>().DisableAntiforgery()
            .RequireAuthorization(Policies.Api).WithTags("Award");
        api.MapGet("", async (Guid tenderId, HttpContext http, AwardService s, CancellationToken ct) => Results.Ok(State(await s.ViewAsync(Act(http), tenderId, ct), false)))
            .WithSummary("The tender's steps 13-18 as the caller may see them: the owner side, oversight, or a bidder (its own objections, complaints and notices).");
        api.MapPost("/publicity", async (Guid tenderId, PublishRequest body, HttpContext http, AwardService s, CancellationToken ct) =>
        {
            var p = await s.PublishAsync(Act(http), tenderId, body.Days ?? 3, ct);
            return Results.Created($"/api/award/public/{tenderId}", new { p.Id, p.PublishedAt, p.EndsAt, p.LogIndex });
        }).WithSummary("The owner side publishes the candidates of each lot from the signed evaluation report (step 13 to 14) for the given days (at least the configured minimum).");
        api.MapPost("/objections", async (Guid tenderId, TextRequest body, HttpContext http, AwardService s, CancellationToken ct) =>
        {
            var o = await s.ObjectAsync(Act(http), tenderId, body.Text, ct);
            return Results.Created($"/api/award/{tenderId}", new { o.Id, o.AnswerDueAt, o.LogIndex });
        }).WithSummary("A bidder of the tender raises an objection (异议) while the publicity runs.");
        api.MapPost("/objections/{objectionId:guid}/answer", async (Guid tenderId, Guid objectionId, TextRequest body, HttpContext http, AwardService s, CancellationToken ct) =>
        {
            await s.AnswerAsync(Act(http), objectionId, body.Text, ct);
            return Results.NoContent();
        }).WithSummary("The owner side answers an objection, once.");
        api.MapPost("/complaints", async (Guid tenderId, ComplaintRequest body, HttpContext http, AwardService s, CancellationToken ct) =>
        {
            var c = await s.ComplainAsync(Act(http), tenderId, body.KnewOn, body.Text, ct);
            return Results.Created($"/api/award/{tenderId}", new { c.Id, c.DecisionDueAt, c.LogIndex });
        }).WithSummary("A bidder lodges a complaint (投诉) with the supervision office within the configured days of when it knew.");
        api.MapPost("/complaints/{complaintId:guid}/suspend", async (Guid tenderId, Guid complaintId, HttpContext http, AwardService s, CancellationToken ct) =>
        {
            await s.SuspendAsync(Act(http), complaintId, true, ct);
            return Results.NoContent();
        }).WithSummary("The supervision office suspends the tender while it decides the complaint: no award or contract meanwhile.");
        api.MapPost("/complaints/{complaintId:guid}/resume", async (Guid tenderId, Guid complaintId, HttpContext http, AwardService s, CancellationToken ct) =>
        {
            await s.SuspendAsync(Act(http), complaintId, false, ct);
            return Results.NoContent();
        }).WithSummary("The supervision office lifts its suspension.");
        api.MapPost("/complaints/{complaintId:guid}/decision", async (Guid tenderId, Guid complaintId, DecisionRequest body, HttpContext http, AwardService s, CancellationToken ct) =>
        {
            await s.DecideAsync(Act(http), complaintId, body.Outcome, body.Decision, ct);
            return Results.NoContent();
        }).WithSummary("The supervision office decides the complaint (Dismissed, Upheld, PartlyUpheld) with its reasons; published; ends a suspension.");
        api.MapPost("/awards", async (Guid tenderId, AwardRequest body, HttpContext http, AwardService s, CancellationToken ct) =>
        {
            var a = await s.AwardAsync(Act(http), tenderId, body.LotId, body.BidId, body.Reason, ct);
            return Results.Created($"/api/award/{tenderId}", new { a.Id, a.WinnerBidId, a.LogIndex });
        }).WithSummary("The owner side awards a lot to a candidate (the first, or another with a lawful reason); notices go out as PDFs.");
        api.MapPost("/contracts", async (Guid tenderId, [FromForm] ContractForm form, IFormFile? file, HttpContext http, AwardService s, CancellationToken ct) =>
        {
            var c = await s.ContractAsync(Act(http), tenderId, form.LotId, form.PriceYuan, form.DurationDays, form.SignedOn, file, ct);
            return Results.Created($"/api/award/{tenderId}", new { c.Id, c.Sha256, c.DiffersFromAward, c.LogIndex });
        }).WithSummary("The owner side uploads the signed contract (PDF) of an awarded lot with its key terms; terms that differ from the award warn the supervision office.");
        api.MapPost("/refunds", async (Guid tenderId, RefundRequest body, HttpContext http, AwardService s, CancellationToken ct) =>
        {
            var r = await s.RefundAsync(Act(http), tenderId, body.BidId, body.AmountYuan, body.InterestYuan, body.RefundedOn, ct);
            return Results.Created($"/api/award/{tenderId}", new { r.Id, r.LogIndex });
        }).WithSummary("The owner side or the centre records one bidder's bond refund (amount, day, interest), once per bid.");

        var files = app.MapGroup("/api/award").AddEndpointFilter<RuleErrorFilter>().RequireAuthorization(Policies.Api).WithTags("Award");
        files.MapGet("/notices/{noticeId:guid}", async (Guid noticeId, HttpContext http, AwardService s, CancellationToken ct) =>
        {
            var (n, pdf) = await s.NoticeAsync(Act(http), noticeId, ct);
            return Results.File(pdf, "application/pdf", $"{(n.Kind == NoticeKind.Award ? "award" : "result")}-notice-{n.Sha256[..12]}.pdf");
        }).WithSummary("A notice PDF: for the bidder it is addressed to, the owner side and oversight.").Produces(StatusCodes.Status200OK, contentType: "application/pdf");
        files.MapGet("/contracts/{contractId:guid}", async (Guid contractId, HttpContext http, AwardService s, CancellationToken ct) =>
        {
            var (c, pdf) = await s.ContractFileAsync(Act(http), contractId, ct);
            return Results.File(pdf, "application/pdf", c.FileName);
        }).WithSummary("The signed contract file: for the winner, the owner side and oversight.").Produces(StatusCodes.Status200OK, contentType: "application/pdf");
    }

    /// <summary>The API's view; the public one leaves out objections' and complaints' texts and firms until decided, and every file.</summary>
    public static AwardStateDto State(AwardView v, bool publicView)
    {
        var f = v.Facts;
        int Lot(Guid id) => v.Tender.Lots.FirstOrDefault(l => l.Id == id)?.Number ?? 0;
        string? Firm(Guid id) => v.FirmNames.GetValueOrDefault(id);
        return new AwardStateDto(v.Tender.Id, v.Tender.Code, (int)v.Tender.Step, f.Publicity?.PublishedAt, f.Publicity?.EndsAt,
            f.Publicity?.Candidates.OrderBy(c => Lot(c.LotId)).ThenBy(c => c.Rank).Select(c => new CandidateDto(Lot(c.LotId), c.Rank, c.BidId, c.FirmName, Money.Yuan(c.PriceFen), c.DurationDays)).ToList() ?? [],
            publicView ? [] : f.Objections.Where(o => v.OwnerSide || v.Oversight || o.FirmId == v.MyFirmId)
                .Select(o => new ObjectionDto(o.Id, Firm(o.FirmId), o.Text, o.RaisedAt, o.AnswerDueAt, o.Answer, o.AnsweredAt)).ToList(),
            f.Complaints.Where(c => publicView ? c.DecidedAt is not null : v.OwnerSide || v.Oversight || c.FirmId == v.MyFirmId)
                .Select(c => new ComplaintDto(c.Id, publicView ? null : Firm(c.FirmId), publicView ? "" : c.Text, c.KnewOn, c.LodgedAt, c.DecisionDueAt, c.Suspends,
                    c.Outcome?.ToString(), c.Decision, c.DecidedAt)).ToList(),
            f.Suspended,
            f.Awards.OrderBy(a => Lot(a.LotId)).Select(a => new AwardDto(a.Id, Lot(a.LotId), a.WinnerBidId, a.WinnerName, a.WinnerRank, Money.Yuan(a.PriceFen), a.DurationDays, a.Reason, a.AwardedAt, a.LogIndex)).ToList(),
            publicView ? [] : v.Notices.Select(n => new NoticeDto(n.Id, n.BidId, n.Kind.ToString(), n.Sha256, n.Signature, $"/api/award/notices/{n.Id}")).ToList(),
            f.Contracts.OrderBy(c => Lot(c.LotId)).Select(c => new ContractDto(c.Id, Lot(c.LotId), Firm(c.FirmId) ?? "", Money.Yuan(c.PriceFen), c.DurationDays, c.SignedOn, c.Sha256,
                c.DiffersFromAward, c.LogIndex)).ToList(),
            f.Refunds.Select(r => new RefundDto(r.Id, r.BidId, Firm(r.FirmId) ?? "", Money.Yuan(r.AmountFen), Money.Yuan(r.InterestFen), r.RefundedOn, r.LogIndex)).ToList(),
            v.Committee);
    }

    private static Actor Act(HttpContext http) => Actor.From(http) ?? throw new ForbiddenException(RuleCodes.SignInRequired);
}

/// <summary>
/// The events the supervision lights read from this feature: each objection's receipt and answer, each complaint's
/// receipt and decision (the tender's own steps 13-18 come from its moves, <see cref="TenderStepEvents"/>).
/// </summary>
public sealed class AwardEvents(TradingDbContext db) : ILimitEventSource
{
    public async Task<IReadOnlyList<LimitEventTime>> GetAsync(IReadOnlySet<string> events, CancellationToken ct)
    {
        var list = new List<LimitEventTime>();
        if (events.Any(e => e.StartsWith("objection.", StringComparison.Ordinal)))
            foreach (var o in await db.Set<Objection>().AsNoTracking().Select(o => new { o.Id, o.TenderId, o.RaisedAt, o.AnsweredAt }).ToListAsync(ct))
            {
                list.Add(new("objection", o.Id, "objection.received", o.RaisedAt, o.TenderId));
                if (o.AnsweredAt is { } a) list.Add(new("objection", o.Id, "objection.answered", a, o.TenderId));
            }
        if (events.Any(e => e.StartsWith("complaint.", StringComparison.Ordinal)))
            foreach (var c in await db.Set<Complaint>().AsNoTracking().Select(c => new { c.Id, c.TenderId, c.LodgedAt, c.DecidedAt }).ToListAsync(ct))
            {
                list.Add(new("complaint", c.Id, "complaint.received", c.LodgedAt, c.TenderId));
                if (c.DecidedAt is { } d) list.Add(new("complaint", c.Id, "complaint.decided", d, c.TenderId));
            }
        return list;
    }
}
