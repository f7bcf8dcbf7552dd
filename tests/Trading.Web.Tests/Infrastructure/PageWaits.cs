using Microsoft.Playwright;

namespace Trading.Web.Tests.Infrastructure;

public static class PageWaits
{
    /// <summary>
    /// Waits until a script expression is true. Playwright's WaitForFunctionAsync re-evaluates a string predicate with
    /// eval while it polls, which the pages' strict Content-Security-Policy (no 'unsafe-eval') refuses; EvaluateAsync
    /// runs through the DevTools protocol, which the policy does not govern.
    /// </summary>
    public static async Task WaitUntilAsync(this IPage page, string expression, int timeoutMs = 30_000)
    {
        var until = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        while (!await TryEvaluateAsync(page, expression))
        {
            if (DateTime.UtcNow > until) throw new TimeoutException($"still false after {timeoutMs} ms: {expression}");
            await Task.Delay(100);
        }
    }

    // A navigation in progress (a language switch reloads the page) destroys the context mid-call: try again.
    private static async Task<bool> TryEvaluateAsync(IPage page, string expression)
    {
        try { return await page.EvaluateAsync<bool>(expression); }
        catch (PlaywrightException e) when (e.Message.Contains("Execution context was destroyed") || e.Message.Contains("navigat")) { return false; }
    }

    /// <summary>
    /// Waits for the sign-in to move on to a URL <paramref name="arrived"/> accepts (navigation committed). On a timeout
    /// it says where the page is and what it shows: a refusal (throttled, a 4xx or 5xx) keeps the page on the sign-in URL
    /// just as a stalled request does, and a CI log should tell the two apart.
    /// Why it polls the URL Playwright already tracks instead of calling WaitForURLAsync with WaitUntil Commit: when the
    /// URL already matches, that call waits for a load state, and Commit maps to none, which defaults to Load. The
    /// "sign-in stall" of earlier CI runs was exactly that: a page at /Tenders, signed in, waited 120 s for a load event
    /// Playwright had not recorded (its log: only "NetworkIdle" fired).
    /// </summary>
    public static async Task WaitForSignInAsync(this IPage page, Func<string, bool> arrived, float timeoutMs = 30_000)
    {
        var until = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        while (!arrived(page.Url))
        {
            if (DateTime.UtcNow > until)
            {
                string shown;
                try { shown = (await page.Locator("body").InnerTextAsync(new() { Timeout = 5_000 })).ReplaceLineEndings(" "); }
                catch (Exception inner) when (inner is PlaywrightException or TimeoutException) { shown = "(the page could not be read: " + inner.Message + ")"; }
                throw new TimeoutException($"The sign-in did not move on within {timeoutMs} ms; the page is at {page.Url} and shows: {shown[..Math.Min(600, shown.Length)]}");
            }
            await Task.Delay(50);
        }
    }
}
