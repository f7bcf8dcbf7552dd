using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Trading.Web.Tests.Infrastructure;

/// <summary>
/// The app on a real Kestrel port and Debian's chromium driven by Playwright (no browser download:
/// ExecutablePath points at the system package that .ci/run installs).
/// </summary>
public abstract class BrowserTest(PostgresServer pg) : IAsyncLifetime
{
    protected TradingFactory App { get; private set; } = null!;
    protected string BaseUrl { get; private set; } = "";
    private IPlaywright? _playwright;
    protected IBrowser Chromium { get; private set; } = null!;
    /// <summary>Every Content-Security-Policy refusal any page of the test reported; a test fails on the first.</summary>
    protected List<string> CspViolations { get; } = [];
    protected virtual IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>();

    public async ValueTask InitializeAsync()
    {
        var cs = await pg.CreateDatabaseAsync(GetType().Name);
        App = CreateFactory(cs);
        await App.PrepareAsync();
        App.UseKestrel(0);
        App.StartServer();
        BaseUrl = App.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
            .First().Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("localhost", "127.0.0.1", StringComparison.Ordinal);
        App.ServerAddress = new Uri(BaseUrl);
        await BeforeLaunchAsync();
        var exe = Environment.GetEnvironmentVariable("CHROMIUM_PATH") ?? "/usr/bin/chromium";
        if (!File.Exists(exe))
            throw new InvalidOperationException($"Chromium was not found at {exe}. Install Debian's package with 'apt-get install chromium' (.ci/run does) or set CHROMIUM_PATH.");
        _playwright = await Playwright.CreateAsync();
        Chromium = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = exe, Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
                    .. ExtraChromiumArgs],
        });
    }

    /// <summary>The app under test; a class that needs its own hooks (a request recorder) gives a subclass.</summary>
    protected virtual TradingFactory CreateFactory(string connectionString) => new(connectionString) { Settings = Settings };

    /// <summary>Runs once the server is up and before Chromium starts (files the browser flags point at).</summary>
    protected virtual Task BeforeLaunchAsync() => Task.CompletedTask;

    /// <summary>Chromium flags a test class needs on top of the common ones.</summary>
    protected virtual IEnumerable<string> ExtraChromiumArgs => [];

    /// <summary>Permissions every page of this class is granted.</summary>
    protected virtual IEnumerable<string> Permissions => [];

    /// <summary>
    /// Turns two-factor on for <paramref name="user"/> (a fresh authenticator key) and signs in on a new page with the
    /// password and a code, as a key-holder officer must; the page is switched to English. Returns the page and the key.
    /// </summary>
    protected async Task<(IPage Page, string Key)> SignInWithTwoFactorAsync(string user)
    {
        var key = await App.EnableTwoFactorAsync(user);
        var page = await NewPageAsync();
        await page.GotoAsync("/Account/Login");
        await page.GetByLabel("User name").FillAsync(user);
        await page.GetByLabel("Password").FillAsync(Trading.Web.Demo.DemoSeeder.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForSignInAsync(u => u.Contains("LoginWith2fa", StringComparison.Ordinal));
        await page.Locator("#Code").FillAsync(Totp.FreshCode(key));
        await page.Locator("form button[type=submit]").ClickAsync();
        await page.WaitForSignInAsync(u => !u.Contains("/Account/", StringComparison.Ordinal));
        await page.Locator("#culture-select").SelectOptionAsync("en");
        await page.WaitUntilAsync("document.documentElement.lang === 'en'");
        return (page, key);
    }

    protected async Task<IPage> NewPageAsync(string locale = "en-US")
    {
        var context = await Chromium.NewContextAsync(new BrowserNewContextOptions
        {
            Locale = locale, AcceptDownloads = true, BaseURL = BaseUrl, Permissions = Permissions.ToList(),
        });
        var page = await context.NewPageAsync();
        // Chromium's console line does not say which element was refused; the violation event does (init scripts run
        // through the debugging protocol, outside the page's policy).
        await page.AddInitScriptAsync("document.addEventListener('securitypolicyviolation', e => console.error('Content Security Policy violation: ' + e.violatedDirective + ' at ' + e.sourceFile + ':' + e.lineNumber + ' sample: ' + e.sample));");
        // The strict policy refuses inline script and style="" attributes; a page that still uses one is broken for
        // users, so every browser test fails on the console's refusal rather than passing with a half-working page.
        page.Console += (_, m) =>
        {
            if (m.Type == "error" && m.Text.Contains("Content Security Policy", StringComparison.Ordinal))
                lock (CspViolations) CspViolations.Add($"{page.Url}: {m.Text}");
        };
        return page;
    }

    /// <summary>
    /// Waits until the page has left <paramref name="signInPath"/> and loaded where it went. Two clean-clone runs timed
    /// out here at 30 s with the redirect done and its load event not reported ("NetworkIdle event fired"); when the
    /// page has left the sign-in, that wait is not what the test is about, so it goes on (the next step waits for what it needs).
    /// </summary>
    protected static async Task LeftSignInAsync(IPage page, string signInPath)
    {
        try
        {
            await page.WaitForURLAsync(u => !u.Contains(signInPath, StringComparison.Ordinal));
        }
        catch (TimeoutException) when (!page.Url.Contains(signInPath, StringComparison.Ordinal))
        {
        }
    }

    protected static async Task SignInAsync(IPage page, string user, string password = Trading.Web.Demo.DemoSeeder.Password)
    {
        await page.GotoAsync("/Account/Login");
        await page.GetByLabel("User name").FillAsync(user);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await LeftSignInAsync(page, "/Account/Login");
        // Demo users prefer Chinese, and signing in applies the preference; switch the way a user would.
        if (await page.Locator("html").GetAttributeAsync("lang") != "en")
        {
            await page.Locator("#culture-select").SelectOptionAsync("en");
            await page.WaitUntilAsync("document.documentElement.lang === 'en'");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Chromium is not null) await Chromium.DisposeAsync();
        _playwright?.Dispose();
        await App.DisposeAsync();
        if (CspViolations.Count > 0)
            throw new Xunit.Sdk.XunitException("Content-Security-Policy violations:\n" + string.Join("\n", CspViolations));
    }
}
