using Trading.Web.Infrastructure;

namespace Trading.Web.Api;

/// <summary>
/// Requests the API cannot read (malformed JSON, wrong types, a body over the size limit) become problem
/// JSON that says so in the caller's language, instead of an empty 400.
/// </summary>
public sealed class ApiErrors(RequestDelegate next)
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
    }
}
