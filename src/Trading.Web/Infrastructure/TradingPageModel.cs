using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Trading.Domain;
using Trading.Web.Features.Firms;
using Trading.Web.Features.Tenders;

namespace Trading.Web.Infrastructure;

/// <summary>
/// Shared page behaviour: who is acting, and one translation of refusals into what the user sees:
/// a rule broken becomes a message on the form in their language, anything else's data a 403 or 404.
/// </summary>
public abstract class TradingPageModel : PageModel
{
    protected Texts T => HttpContext.RequestServices.GetRequiredService<Texts>();

    public Actor? CurrentActor => Actor.From(HttpContext);

    protected Actor RequireActor() => CurrentActor ?? throw new ForbiddenException(RuleCodes.SignInRequired);

    protected async Task<IActionResult> RunAsync(Func<Task<IActionResult>> action, Func<IActionResult>? onRefused = null)
    {
        try
        {
            return await action();
        }
        catch (RuleViolationException e)
        {
            ModelState.AddModelError("", T.Explain(e.Violation));
        }
        catch (RuleViolationsException e)
        {
            foreach (var v in e.Violations) ModelState.AddModelError("", T.Explain(v));
        }
        catch (IdentityRefusedException e)
        {
            foreach (var err in e.Errors) ModelState.AddModelError("", err.Description);
        }
        catch (Microsoft.EntityFrameworkCore.DbUpdateConcurrencyException)
        {
            // Someone else moved the same tender a moment earlier; nothing of this request was saved.
            ModelState.AddModelError("", T["Rule.Concurrency"]);
        }
        catch (ForbiddenException)
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }
        catch (NotFoundException)
        {
            return NotFound();
        }
        return onRefused?.Invoke() ?? Page();
    }

    protected void Flash(string key, params object[] args) => TempData["Message"] = T[key, args];

    /// <summary>
    /// A form post: done, it flashes <paramref name="doneKey"/> and redirects to the page (<paramref name="routeValues"/>);
    /// refused, it shows the page again with the reason, reloaded from what is stored, not from what the refused
    /// attempt had changed in memory.
    /// </summary>
    protected Task<IActionResult> PostAsync(Func<Task> action, string doneKey, object? routeValues, Func<Task> reload) =>
        RunOrReloadAsync(async () =>
        {
            await action();
            Flash(doneKey);
            return RedirectToPage(routeValues);
        }, reload);

    /// <summary>
    /// Runs <paramref name="action"/>; if a rule refuses it, shows the page again with the reason, reloaded by
    /// <paramref name="reload"/> from what is stored, not from what the refused attempt had changed in memory.
    /// </summary>
    protected async Task<IActionResult> RunOrReloadAsync(Func<Task<IActionResult>> action, Func<Task> reload)
    {
        var refused = false;
        var result = await RunAsync(action, () => { refused = true; return Page(); });
        if (!refused) return result;
        HttpContext.RequestServices.GetRequiredService<Trading.Data.TradingDbContext>().ChangeTracker.Clear();
        // Reloading can itself be refused (the reader may not see this page at all): answered the same way.
        return await RunAsync(async () => { await reload(); return Page(); });
    }

    /// <summary>For handlers a page's script calls: the result as JSON, or the refusal as the rule and its explanation, as the API gives them.</summary>
    protected async Task<IActionResult> JsonAsync(Func<Task<object>> action, int status = StatusCodes.Status200OK)
    {
        try
        {
            return new JsonResult(await action()) { StatusCode = status };
        }
        catch (Exception e) when (Api.RuleErrorFilter.Describe(e, T) is { } refusal)
        {
            return new JsonResult(new { rule = refusal.Rule, title = refusal.Title }) { StatusCode = refusal.Status };
        }
    }
}
