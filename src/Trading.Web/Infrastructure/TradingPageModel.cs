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

    protected Actor RequireActor() => CurrentActor ?? throw new ForbiddenException(RuleCodes.NotOwner);

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
}
