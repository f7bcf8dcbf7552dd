using Npgsql;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Trading.Data;
using Trading.Web.Demo;
using Trading.Web.Features.Tenders;
using Trading.Web.Infrastructure;

namespace Trading.Web.Tests.Infrastructure;

/// <summary>
/// The real web app on a real PostgreSQL database of its own, real files in a temp folder, the demo data
/// seeded, and a test clock. Argon2 runs with small parameters so 50 demo users hash quickly; the
/// hasher itself is the production one.
/// </summary>
public class TradingFactory : WebApplicationFactory<Program>
{
    private readonly string _connectionString;
    public string DataDirectory { get; private init; } = Path.Combine(Path.GetTempPath(), "trading-web-tests", Guid.NewGuid().ToString("N"));
    /// <summary>
    /// Starts from a copy of an already seeded database and data folder (see <see cref="SeededTemplates"/>) instead of
    /// seeding the demo again; off for a factory that must watch the seeding itself.
    /// </summary>
    public bool FromTemplate { get; init; } = true;
    private bool _keepData;
    /// <summary>The instant every test's clock starts at: the demo's present (its history is weeks before it).</summary>
    public static readonly DateTimeOffset Start = new(2026, 11, 22, 1, 0, 0, TimeSpan.Zero);
    public TestClock Clock { get; } = new(Start);
    public bool Demo { get; init; } = true;
    /// <summary>
    /// Keeps the app's own demo clock (what `dotnet run` gives a newcomer) instead of <see cref="Clock"/>: time is the
    /// machine's and moves only when centre staff move it on the demo clock's page.
    /// </summary>
    public bool UseDemoClock { get; init; }
    public int SignInPerMinute { get; init; } = 10_000;
    /// <summary>Extra configuration a test class needs (keys as in appsettings, e.g. "Submission:RequireTwoFactorForHolders").</summary>
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();
    /// <summary>Set when the app listens on a real Kestrel port (browser tests), so API clients go there.</summary>
    public Uri? ServerAddress { get; set; }

    public TradingFactory(string connectionString) => _connectionString = connectionString;

    /// <summary>
    /// Copies the seeded template for this factory's settings into its database and data folder (call before the host
    /// starts; startup then finds the demo there and does not seed). Only the plain factory with the demo and the test
    /// clock: a subclass may hook services the seeding uses, and the demo clock's time is the machine's.
    /// </summary>
    public async Task PrepareAsync()
    {
        if (FromTemplate && Demo && !UseDemoClock && GetType() == typeof(TradingFactory))
            await SeededTemplates.CopyInto(_connectionString, DataDirectory, Settings, SignInPerMinute);
    }

    /// <summary>A factory that seeds a template: its data folder outlives it, for the copies.</summary>
    internal static TradingFactory ForTemplate(string connectionString, string dataDirectory, IReadOnlyDictionary<string, string> settings, int signInPerMinute) =>
        new(connectionString) { DataDirectory = dataDirectory, Settings = settings, SignInPerMinute = signInPerMinute, FromTemplate = false, _keepData = true };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Database:Provider", "Postgres");
        builder.UseSetting("ConnectionStrings:Postgres", _connectionString);
        builder.UseSetting("Platform:DataDirectory", DataDirectory);
        builder.UseSetting("Platform:Demo", Demo ? "true" : "false");
        builder.UseSetting("PasswordHash:MemoryKiB", "1024");
        builder.UseSetting("PasswordHash:Iterations", "1");
        builder.UseSetting("RateLimits:SignInPerMinute", SignInPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture));
        // Scheduled jobs run on demand in tests (RunJobAsync), after the test moves the clock.
        builder.UseSetting("Jobs:Enabled", "false");
        builder.UseSetting("Platform:MaxFirmDocumentBytes", (1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (var (k, v) in Settings) builder.UseSetting(k, v);
        builder.ConfigureServices(s =>
        {
            if (!UseDemoClock)
            {
                s.RemoveAll<TimeProvider>();
                // A demo deployment's clock wraps it, as in the app: the seeding plays the demo's history on it.
                s.AddSingleton<TimeProvider>(Demo ? new HistoryClock(Clock) : Clock);
            }
            // Sign-ins follow the test clock; tests that jump weeks ahead keep their sessions.
            s.Configure<Microsoft.AspNetCore.Authentication.BearerToken.BearerTokenOptions>(Microsoft.AspNetCore.Identity.IdentityConstants.BearerScheme,
                o => o.BearerTokenExpiration = TimeSpan.FromDays(400));
            s.ConfigureApplicationCookie(o => o.ExpireTimeSpan = TimeSpan.FromDays(400));
        });
    }

    /// <summary>A client that shows every response as it is (no redirects followed), in memory or on the real port.</summary>
    public HttpClient NewClient(bool cookies = false)
    {
        if (ServerAddress is null) return CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = cookies });
        // On a real port the factory's own client would follow redirects itself.
        return new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = cookies }) { BaseAddress = ServerAddress };
    }

    public Task<int> RunDeadlineJobAsync() => RunJobAsync<DeadlineWatcher>();

    public Task<int> RunJobAsync<T>() where T : ScheduledJob => Services.GetRequiredService<T>().RunOnceAsync(CancellationToken.None);

    /// <summary>Turns two-factor on for <paramref name="user"/> with a new authenticator key, and returns the key (for <see cref="Totp"/>).</summary>
    public async Task<string> EnableTwoFactorAsync(string user)
    {
        using var scope = Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<AppUser>>();
        var u = (await users.FindByNameAsync(user))!;
        await users.ResetAuthenticatorKeyAsync(u);
        await users.SetTwoFactorEnabledAsync(u, true);
        return (await users.GetAuthenticatorKeyAsync(u))!;
    }

    public T WithDb<T>(Func<TradingDbContext, T> f)
    {
        using var scope = Services.CreateScope();
        return f(scope.ServiceProvider.GetRequiredService<TradingDbContext>());
    }

    /// <summary>
    /// An API client signed in with a bearer token for a user; with <paramref name="twoFactorKey"/> (the user's
    /// authenticator key, <see cref="EnableTwoFactorAsync"/>) it signs in with a fresh code from it.
    /// </summary>
    public async Task<HttpClient> ApiAsync(string userName, string password = DemoSeeder.Password, string culture = "en", string? twoFactorKey = null)
    {
        var client = NewClient();
        client.DefaultRequestHeaders.AcceptLanguage.Add(new StringWithQualityHeaderValue(culture));
        var r = await client.PostAsJsonAsync("/api/auth/token", twoFactorKey is null
            ? new { userName, password, twoFactorCode = (string?)null }
            : new { userName, password, twoFactorCode = (string?)Totp.FreshCode(twoFactorKey) });
        Assert.True(r.IsSuccessStatusCode, $"{userName} could not sign in: {(int)r.StatusCode} {await r.Content.ReadAsStringAsync()}");
        var token = (await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public HttpClient Anonymous(string culture = "en")
    {
        var client = NewClient();
        client.DefaultRequestHeaders.AcceptLanguage.Add(new StringWithQualityHeaderValue(culture));
        return client;
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (_keepData) return;
        try { Directory.Delete(DataDirectory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

/// <summary>Base for test classes: one database and one app per class.</summary>
public abstract class WebTest(PostgresServer pg) : IAsyncLifetime
{
    protected TradingFactory App { get; private set; } = null!;
    /// <summary>The server, for a test that needs a second database (another app beside <see cref="App"/>).</summary>
    protected PostgresServer Postgres => pg;
    protected virtual bool Demo => true;
    protected virtual IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>();

    private string _connectionString = "";

    public async ValueTask InitializeAsync()
    {
        _connectionString = await pg.CreateDatabaseAsync(GetType().Name);
        App = new TradingFactory(_connectionString) { Demo = Demo, Settings = Settings };
        await App.PrepareAsync();
        _ = App.Services; // builds the host: migrates and seeds
    }

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        // Each test has a database, so a pool of its own: its idle connections would stay open for Npgsql's idle lifetime
        // (5 minutes) after the test, and tests running side by side then reached the server's 200 connections.
        NpgsqlConnection.ClearPool(new NpgsqlConnection(_connectionString));
        // xUnit calls only DisposeAsync on a class that has both, so a test class's own Dispose (its temporary folder,
        // the environment variables it set) runs from here; without this, every run left their folders in /tmp.
        if (this is IDisposable own) own.Dispose();
    }
}
