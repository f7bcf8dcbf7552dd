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
}
