using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Trading.Domain;
using Trading.Domain.Evaluation;
using Trading.Domain.Integrity;
using Trading.Web.Features.Integrity;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Evaluation;

/// <summary>
/// The evaluation room for one checked-in member: the chair vote, the opened bids and their files, the collusion
/// findings of the opening, the preliminary review (the chair records it), clarifications asked of bidders, the member's own sheet, the reveal with
/// the flagged marks and their reasons, the ranking, and the report to sign or dissent from. Plain forms; the one script
/// (evaluation-sign.mjs) adds the member's own signature to the signing form.
/// </summary>
public sealed class EvaluationRoomModel(EvaluationService evaluation, IntegrityService integrity, BidClarifications clarifications,
    Certificates.CertificateAuthority authority, Microsoft.Extensions.Options.IOptions<Submission.SubmissionOptions> submission) : TradingPageModel
{
    /// <summary>The suite of the one-signing key the member's browser makes (SM2 at a suite 2 deployment with an SM2 CA).</summary>
    public string KeySuite => authority.KeySuite(submission.Value.Suite);

    [FromRoute] public Guid Id { get; set; }

    public RoomView Room { get; private set; } = null!;
    public TenderFindings? Findings { get; private set; }
    public IReadOnlyList<Trading.Domain.Evaluation.BidClarification> Clarifications { get; private set; } = [];

    public Task<IActionResult> OnGetAsync(CancellationToken ct) => RunAsync(async () => { await LoadAsync(ct); return Page(); });

    public Task<IActionResult> OnGetPackageAsync(Guid bid, CancellationToken ct) => RunAsync(async () =>
    {
        var (name, content) = await evaluation.PackageAsync(RequireActor(), Id, bid, ct);
        return File(content, "application/zip", name);
    });

    public Task<IActionResult> OnPostVoteAsync(Guid candidate, CancellationToken ct) =>
        Act(() => evaluation.VoteAsync(RequireActor(), Id, candidate, ct), "Evaluation.Voted", ct);

    public Task<IActionResult> OnPostReviewAsync(Guid bid, CancellationToken ct) => Act(async () =>
    {
        var room = await evaluation.RoomAsync(RequireActor(), Id, ct);
        var items = room.Scheme.ReviewItems.Select(i =>
        {
            var passed = Request.Form[$"pass-{i.Code}"].ToString() != "fail";
            RejectionGround? ground = Enum.TryParse<RejectionGround>(Request.Form[$"ground-{i.Code}"].ToString(), out var g) && Enum.IsDefined(g) ? g : null;
            return new ReviewInput(i.Code, passed, ground, Request.Form[$"reason-{i.Code}"].ToString());
        }).ToList();
        await evaluation.ReviewAsync(RequireActor(), Id, bid, items, ct);
    }, "Evaluation.Reviewed", ct);

    public Task<IActionResult> OnPostSheetAsync(CancellationToken ct) => Act(async () =>
    {
        var room = await evaluation.RoomAsync(RequireActor(), Id, ct);
        var scores = new List<ItemScore>();
        var adjustments = new List<AdjustmentEntry>();
        foreach (var b in room.Bids)
        {
            foreach (var i in room.Scheme.ExpertItems)
                if (Number(Request.Form[$"s-{b.BidId:N}-{i.Code}"]) is { } p) scores.Add(new ItemScore(b.BidId, i.Code, p));
            foreach (var a in room.Scheme.Adjustments)
                if (Number(Request.Form[$"a-{b.BidId:N}-{a.Code}"]) is { } y) adjustments.Add(new AdjustmentEntry(b.BidId, a.Code, (long)Math.Round(y * 100m, MidpointRounding.AwayFromZero)));
        }
        await evaluation.CommitAsync(RequireActor(), Id, new ScoreSheetContent(room.MemberId, scores, adjustments), ct);
    }, "Evaluation.Committed", ct);

    public Task<IActionResult> OnPostExplainAsync(Guid bid, string item, string? reason, CancellationToken ct) =>
        Act(() => evaluation.ExplainAsync(RequireActor(), Id, bid, item, reason, ct), "Evaluation.Explained", ct);

    public Task<IActionResult> OnPostClarifyAsync(Guid bid, string? question, int minutes, CancellationToken ct) =>
        Act(() => clarifications.AskAsync(RequireActor(), Id, bid, question, minutes, ct), "Evaluation.Clarify.Asked", ct);

    public Task<IActionResult> OnPostSignAsync(string? password, string? code, string? memberRequest, string? memberStatement, string? memberSignature, CancellationToken ct) =>
        Act(() => evaluation.SignAsync(RequireActor(), Id, password, code, null, MemberSigning.FromForm(memberRequest, memberStatement, memberSignature), ct), "Evaluation.SignedDone", ct);

    public Task<IActionResult> OnPostDissentAsync(string? password, string? code, string? dissent, string? memberRequest, string? memberStatement, string? memberSignature, CancellationToken ct) =>
        Act(() => evaluation.SignAsync(RequireActor(), Id, password, code, dissent ?? "", MemberSigning.FromForm(memberRequest, memberStatement, memberSignature), ct), "Evaluation.DissentDone", ct);

    /// <summary>A typed number in either culture's notation; an empty or unreadable field is missing (the sheet check names it).</summary>
    private static decimal? Number(string? text) =>
        decimal.TryParse((text ?? "").Trim().Replace(',', '.'), NumberStyles.Number, CultureInfo.InvariantCulture, out var d) ? d : null;

    private Task<IActionResult> Act(Func<Task> action, string done, CancellationToken ct) => PostAsync(action, done, new { id = Id }, () => LoadAsync(ct));

    private async Task LoadAsync(CancellationToken ct)
    {
        Room = await evaluation.RoomAsync(RequireActor(), Id, ct);
        Clarifications = await clarifications.OfAsync(Room, ct);
        try { Findings = await integrity.TenderAsync(RequireActor(), Room.Tender.Id, ct); }
        catch (ForbiddenException) { Findings = null; }
    }

    public IEnumerable<IntegrityFinding> LotFindings => Findings?.Findings.Where(f => f.LotId == Room.Session.LotId) ?? [];
}
