using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Trading.Data;
using Trading.Domain;
using Trading.Web.Features.Firms;
using Trading.Web.Features.Tenders;
using Trading.Web.Infrastructure;

namespace Trading.Web.Api;

public sealed record TokenRequest(string UserName, string Password, string? TwoFactorCode);
public sealed record LotDto(int Number, string Name, decimal EstimatedPriceYuan, decimal BidBondYuan, string? FailedRule = null);
public sealed record DocumentDto(Guid Id, string FileName, long Length, string Sha256, DateTime FiledAt);
public sealed record TenderDto(
    Guid Id, string Code, string Title, string? Description, string Category, string EvaluationMethod,
    string QualificationRequirements, Guid OwnerOrganisationId, string? OwnerName, Guid? AgentOrganisationId,
    int Step, string StepName, bool Failed, DateTime BidDeadline, DateTime OpeningTime, string OpeningPlace,
    DateTime? PublishedAt, IReadOnlyList<LotDto> Lots, IReadOnlyList<DocumentDto> Documents,
    string? FailedRule = null, string? LockedRule = null, string? LockNote = null, Guid? RetenderOfId = null)
{
    public static TenderDto From(Tender t) => new(
        t.Id, t.Code, t.Title, t.Description, t.Category.ToString(), t.EvaluationMethod.ToString(), t.QualificationRequirements,
        t.OwnerOrganisationId, t.OwnerOrganisation?.Name, t.AgentOrganisationId, (int)t.Step, t.Step.ToString(), t.Failed,
        t.BidDeadline, t.OpeningTime, t.OpeningPlace, t.PublishedAt,
        t.Lots.OrderBy(l => l.Number).Select(l => new LotDto(l.Number, l.Name, Money.Yuan(l.EstimatedPriceFen), Money.Yuan(l.BidBondFen), l.FailedReason)).ToList(),
        t.Documents.Where(d => !d.Superseded).Select(d => new DocumentDto(d.Id, d.FileName, d.Length, d.Sha256, d.FiledAt)).ToList(),
        t.FailedReason, t.LockedReason, t.LockNote, t.RetenderOfId);
}
public sealed record FirmDto(Guid Id, string Name, string? CreditCode, string Status, bool CentreApproved, bool SupervisionApproved, DateTime? SuspendedUntil, string? SuspensionReason)
{
    public static FirmDto From(Organisation o) => new(o.Id, o.Name, o.CreditCode, o.Status.ToString(), o.CentreApprovedAt is not null, o.SupervisionApprovedAt is not null, o.SuspendedUntil, o.SuspensionReason);
}
public sealed record ClarificationRequest(string Question, string Answer, bool ChangesDocuments);
public sealed record PostponeRequest(DateTime NewDeadlineUtc);
public sealed record LockRequest(string Rule, string Reason);
public sealed record UnlockRequest(string Reason);
public sealed record RejectRequest(string Reason);
public sealed record SuspendRequest(string Reason, DateTime UntilUtc);

/// <summary>
/// The JSON API. It authenticates with bearer tokens only (never the cookie), so a forged cross-site
/// request carries no credentials and forms' CSRF tokens are not needed here.
/// </summary>
public static class TradingApi
{
    public static void MapTradingApi(this WebApplication app)
    {
        var api = app.MapGroup("/api").AddEndpointFilter<RuleErrorFilter>().DisableAntiforgery();

        api.MapPost("/auth/token", async (TokenRequest r, HttpContext http, SignInManager<AppUser> signIn, Features.Account.SignInThrottle throttle, Texts texts) =>
        {
            var ip = http.Connection.RemoteIpAddress;
            if (!throttle.Allows(r.UserName ?? "", ip))
                return RuleErrorFilter.Problem(StatusCodes.Status429TooManyRequests, "Auth.Throttled", texts["Auth.Throttled"]);
            signIn.AuthenticationScheme = IdentityConstants.BearerScheme;
            var result = await signIn.PasswordSignInAsync(r.UserName ?? "", r.Password ?? "", isPersistent: false, lockoutOnFailure: false);
            var wrongCode = false;
            if (result.RequiresTwoFactor && !string.IsNullOrEmpty(r.TwoFactorCode))
            {
                result = await signIn.TwoFactorAuthenticatorSignInAsync(r.TwoFactorCode, false, false);
                wrongCode = !result.Succeeded;
            }
            if (result.Succeeded) return Results.Empty; // the bearer handler has written the token
            if (wrongCode || !result.RequiresTwoFactor) throttle.Failed(r.UserName ?? "", ip);
            var code = wrongCode ? "Auth.BadCode" : result.RequiresTwoFactor ? "Auth.TwoFactorRequired" : "Auth.Invalid";
            return RuleErrorFilter.Problem(StatusCodes.Status401Unauthorized, code, texts[code]);
        }).RequireRateLimiting("sign-in").AllowAnonymous();

        // Public: what anyone may read without signing in.
        api.MapGet("/public/tenders", async (TenderService s, CancellationToken ct) =>
            (await s.ListAsync(null, ct)).Select(TenderDto.From)).AllowAnonymous();
        api.MapGet("/public/tenders/{id:guid}", async (Guid id, TenderService s, CancellationToken ct) =>
            TenderDto.From(await s.GetAsync(null, id, ct))).AllowAnonymous();

        var authed = api.MapGroup("").RequireAuthorization(Policies.Api);
        authed.MapGet("/tenders", async (HttpContext http, TenderService s, CancellationToken ct) =>
            (await s.ListAsync(Actor.From(http), ct)).Select(TenderDto.From));
        authed.MapGet("/tenders/{id:guid}", async (Guid id, HttpContext http, TenderService s, CancellationToken ct) =>
            TenderDto.From(await s.GetAsync(Actor.From(http), id, ct)));
        authed.MapPost("/tenders", async (TenderInput input, HttpContext http, TenderService s, CancellationToken ct) =>
        {
            var t = await s.CreateAsync(Act(http), input, ct);
            return Results.Created($"/api/tenders/{t.Id}", TenderDto.From(t));
        });
        authed.MapPut("/tenders/{id:guid}", async (Guid id, TenderInput input, HttpContext http, TenderService s, CancellationToken ct) =>
            TenderDto.From(await s.UpdateAsync(Act(http), id, input, ct)));
        authed.MapPost("/tenders/{id:guid}/documents", async (Guid id, IFormFile file, HttpContext http, TenderService s, CancellationToken ct) =>
        {
            var d = await s.AddDocumentAsync(Act(http), id, file, ct);
            return Results.Created($"/api/tenders/{id}/documents/{d.Id}", new DocumentDto(d.Id, d.FileName, d.Length, d.Sha256, d.FiledAt));
        });
        // Obtaining a document is recorded (and logged, sealed): a state change, so POST only. A GET here (a link or an
        // image on another site) is answered 405 and changes nothing.
        authed.MapPost("/tenders/{id:guid}/documents/{docId:guid}", async (Guid id, Guid docId, HttpContext http, TenderService s, CancellationToken ct) =>
        {
            var (doc, content) = await s.DownloadAsync(Act(http), id, docId, ct);
            return Results.File(content, doc.ContentType, doc.FileName);
        });
        authed.MapPost("/tenders/{id:guid}/file-documents", async (Guid id, HttpContext http, TenderService s, CancellationToken ct) =>
            TenderDto.From(await s.FileDocumentsAsync(Act(http), id, ct)));
        authed.MapPost("/tenders/{id:guid}/publish", async (Guid id, HttpContext http, TenderService s, CancellationToken ct) =>
            TenderDto.From(await s.PublishAsync(Act(http), id, ct)));
        authed.MapPost("/tenders/{id:guid}/clarifications", async (Guid id, ClarificationRequest r, HttpContext http, TenderService s, CancellationToken ct) =>
        {
            var c = await s.ClarifyAsync(Act(http), id, r.Question, r.Answer, r.ChangesDocuments, ct);
            return Results.Created($"/api/tenders/{id}", new { c.Id, c.PublishedAt });
        });
        authed.MapPost("/tenders/{id:guid}/postpone", async (Guid id, PostponeRequest r, HttpContext http, TenderService s, CancellationToken ct) =>
            TenderDto.From(await s.PostponeDeadlineAsync(Act(http), id, r.NewDeadlineUtc, ct)));
        // The same deadline move as the job's: refused before the deadline and when already made.
        authed.MapPost("/tenders/{id:guid}/close-bidding", async (Guid id, HttpContext http, TenderMoves s, CancellationToken ct) =>
            TenderDto.From(await s.CloseBiddingAsync(Act(http), id, ct)));
        authed.MapPost("/tenders/{id:guid}/lock", async (Guid id, LockRequest r, HttpContext http, TenderMoves s, CancellationToken ct) =>
            TenderDto.From(await s.LockAsync(Act(http), id, r.Rule, r.Reason, ct)));
        authed.MapPost("/tenders/{id:guid}/unlock", async (Guid id, UnlockRequest r, HttpContext http, TenderMoves s, CancellationToken ct) =>
            TenderDto.From(await s.UnlockAsync(Act(http), id, r.Reason, ct)));
        authed.MapPost("/tenders/{id:guid}/retender", async (Guid id, TenderInput input, HttpContext http, TenderService s, CancellationToken ct) =>
        {
            var t = await s.RetenderAsync(Act(http), id, input, ct);
            return Results.Created($"/api/tenders/{t.Id}", TenderDto.From(t));
        });
        authed.MapGet("/tenders/{id:guid}/downloads", async (Guid id, HttpContext http, TenderService s, CancellationToken ct) =>
            (await s.DownloadsAsync(Act(http), id, ct)).Select(d => new { d.DocumentId, d.FirmId, d.DownloadedAt }));

        authed.MapGet("/firms", async (HttpContext http, FirmService s, CancellationToken ct) =>
            (await s.ListAsync(Act(http), null, ct)).Select(FirmDto.From));
        authed.MapGet("/firms/{id:guid}", async (Guid id, HttpContext http, FirmService s, CancellationToken ct) =>
            FirmDto.From(await s.GetAsync(Act(http), id, ct)));
        authed.MapPost("/firms/{id:guid}/approve", async (Guid id, HttpContext http, FirmService s, CancellationToken ct) =>
            FirmDto.From(await s.ApproveAsync(Act(http), id, ct)));
        authed.MapPost("/firms/{id:guid}/reject", async (Guid id, RejectRequest r, HttpContext http, FirmService s, CancellationToken ct) =>
            FirmDto.From(await s.RejectAsync(Act(http), id, r.Reason, ct)));
        authed.MapPost("/firms/{id:guid}/suspend", async (Guid id, SuspendRequest r, HttpContext http, FirmService s, CancellationToken ct) =>
            FirmDto.From(await s.SuspendAsync(Act(http), id, r.Reason, r.UntilUtc, ct)));

        authed.MapPost("/firms/{id:guid}/documents", async (Guid id, [FromForm] FirmDocumentKind kind, IFormFile file, HttpContext http, FirmService s, CancellationToken ct) =>
        {
            var d = await s.AddDocumentAsync(Act(http), id, kind, file, ct);
            return Results.Created($"/api/firms/{id}", new { d.Id, d.FileName, d.Length, d.Sha256, Kind = d.Kind.ToString() });
        });

        // Registration of a new firm and its first user: anonymous, multipart (fields plus the licence file).
        api.MapPost("/firms", async ([FromForm] FirmRegistrationForm form, IFormFile? licence, HttpContext http, FirmService s, CancellationToken ct) =>
        {
            var firm = await s.RegisterAsync(form.ToRegistration(), licence, http.Connection.RemoteIpAddress?.ToString(), ct);
            return Results.Created($"/api/firms/{firm.Id}", FirmDto.From(firm));
        }).AllowAnonymous();
    }

    private static Actor Act(HttpContext http) => Actor.From(http) ?? throw new ForbiddenException(RuleCodes.SignInRequired);
}
