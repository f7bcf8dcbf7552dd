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
        catch (RuleViolationException e)
        {
            return Problem(StatusCodes.Status422UnprocessableEntity, e.Violation.Code, texts.Explain(e.Violation));
        }
        catch (RuleViolationsException e)
        {
            return Results.Problem(statusCode: 422, title: texts.Explain(e.Violations[0]), extensions: new Dictionary<string, object?>
            {
                ["rule"] = e.Violations[0].Code,
                ["violations"] = e.Violations.Select(v => new { rule = v.Code, detail = texts.Explain(v) }).ToArray(),
            });
        }
        catch (IdentityRefusedException e)
        {
            return Problem(StatusCodes.Status422UnprocessableEntity, "Identity." + e.Errors[0].Code, string.Join(" ", e.Errors.Select(x => x.Description)));
        }
        catch (Microsoft.EntityFrameworkCore.DbUpdateConcurrencyException)
        {
            return Problem(StatusCodes.Status409Conflict, "Rule.Concurrency", texts["Rule.Concurrency"]);
        }
        catch (ForbiddenException e)
        {
            return Problem(StatusCodes.Status403Forbidden, e.RuleCode, texts[e.RuleCode]);
        }
        catch (NotFoundException)
        {
            return Problem(StatusCodes.Status404NotFound, "NotFound", texts["NotFound"]);
        }
        catch (Microsoft.AspNetCore.Http.BadHttpRequestException e)
        {
            return Problem(e.StatusCode, "BadRequest", texts["Rule.BadRequest"]);
        }
    }

    public static IResult Problem(int status, string rule, string? detail) =>
        Results.Problem(statusCode: status, title: detail ?? rule, detail: detail, extensions: new Dictionary<string, object?> { ["rule"] = rule });
}
