using Trading.Web.Infrastructure;

namespace Trading.Web.Api;

/// <summary>
/// Requests the API cannot read (malformed JSON, wrong types, a body over the size limit) become problem
/// JSON that says so in the caller's language, instead of an empty 400.
/// </summary>
public sealed class ApiErrors(RequestDelegate next, ILogger<ApiErrors> logger)
{
    public async Task InvokeAsync(HttpContext ctx, Texts texts)
    {
        try
        {
            await next(ctx);
        }
        catch (BadHttpRequestException e) when (!ctx.Response.HasStarted)
        {
            var (rule, status) = e.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? ("Rule.RequestTooLarge", StatusCodes.Status413PayloadTooLarge)
                : ("Rule.BadRequest", StatusCodes.Status400BadRequest);
            ctx.Response.Clear();
            await RuleErrorFilter.Problem(status, rule, texts[rule]).ExecuteAsync(ctx);
        }
        catch (Exception e) when (!ctx.Response.HasStarted && e is not OperationCanceledException)
        {
            // An API caller gets problem JSON, never the developer page's stack trace, in every environment; the
            // details go to the server log only.
            logger.LogError(e, "Unhandled exception on {Path}", ctx.Request.Path);
            ctx.Response.Clear();
            await RuleErrorFilter.Problem(StatusCodes.Status500InternalServerError, "Rule.Unexpected", texts["Rule.Unexpected"]).ExecuteAsync(ctx);
        }
    }
}
