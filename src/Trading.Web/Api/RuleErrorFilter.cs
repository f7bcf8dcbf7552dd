using Trading.Domain;
using Trading.Web.Features.Firms;
using Trading.Web.Features.Tenders;
using Trading.Web.Infrastructure;

namespace Trading.Web.Api;

/// <summary>
/// Turns a refusal into a problem response that names the rule (stable code) and explains it in the
/// caller's language (Accept-Language or ?culture=).
/// </summary>
public sealed class RuleErrorFilter(Texts texts) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (RuleViolationsException e)
        {
            return Results.Problem(statusCode: 422, title: texts.Explain(e.Violations[0]), extensions: new Dictionary<string, object?>
            {
                ["rule"] = e.Violations[0].Code,
                ["violations"] = e.Violations.Select(v => new { rule = v.Code, detail = texts.Explain(v) }).ToArray(),
            });
        }
        catch (Exception e) when (Describe(e, texts) is { } refusal)
        {
            return Problem(refusal.Status, refusal.Rule, refusal.Title);
        }
    }

    /// <summary>
    /// The one translation of a refusal into status, rule code and explanation in the caller's language, shared by the
    /// API and the pages whose scripts talk JSON (TradingPageModel.JsonAsync); null for anything else.
    /// </summary>
    public static (int Status, string Rule, string Title)? Describe(Exception e, Texts texts) => e switch
    {
        RuleViolationException r => (StatusCodes.Status422UnprocessableEntity, r.Violation.Code, texts.Explain(r.Violation)),
        RuleViolationsException r => (StatusCodes.Status422UnprocessableEntity, r.Violations[0].Code, texts.Explain(r.Violations[0])),
        IdentityRefusedException r => (StatusCodes.Status422UnprocessableEntity, "Identity." + r.Errors[0].Code, string.Join(" ", r.Errors.Select(x => x.Description))),
        Microsoft.EntityFrameworkCore.DbUpdateConcurrencyException => (StatusCodes.Status409Conflict, "Rule.Concurrency", texts["Rule.Concurrency"]),
        ForbiddenException f => (StatusCodes.Status403Forbidden, f.RuleCode, texts[f.RuleCode]),
        NotFoundException => (StatusCodes.Status404NotFound, "NotFound", texts["NotFound"]),
        Microsoft.AspNetCore.Http.BadHttpRequestException b => (b.StatusCode, "BadRequest", texts["Rule.BadRequest"]),
        System.Text.Json.JsonException => (StatusCodes.Status400BadRequest, "Rule.BadRequest", texts["Rule.BadRequest"]),
        _ => null,
    };

    public static IResult Problem(int status, string rule, string? detail) =>
        Results.Problem(statusCode: status, title: detail ?? rule, detail: detail, extensions: new Dictionary<string, object?> { ["rule"] = rule });
}
