using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Trading.PublicLog;
using Trading.Web.Features.Log;
using Trading.Web.Infrastructure;
using Trading.Web.Tests.Infrastructure;

namespace Trading.Web.Tests;

/// <summary>Headers on every kind of answer over a real Kestrel port, and a browser showing the policy is enforced.</summary>
public class SecurityHeadersTests(PostgresServer pg) : BrowserTest(pg)
{
    [Theory]
    [InlineData("/", HttpStatusCode.OK)]
    [InlineData("/css/site.css", HttpStatusCode.OK)]
    [InlineData("/lib/bootstrap.bundle.min.js", HttpStatusCode.OK)]
    [InlineData("/api/tenders", HttpStatusCode.Unauthorized)]
    [InlineData("/Tenders/Create", HttpStatusCode.Redirect)]
    [InlineData("/no-such-page", HttpStatusCode.NotFound)]
    public async Task Every_answer_carries_the_policy_and_no_server_banner(string path, HttpStatusCode expected)
    {
        using var c = App.NewClient();
        using var r = await c.GetAsync(path);
        Assert.Equal(expected, r.StatusCode);
        Assert.Equal(SecurityHeaders.ContentSecurityPolicy, Assert.Single(r.Headers.GetValues("Content-Security-Policy")));
        Assert.Equal("nosniff", Assert.Single(r.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("DENY", Assert.Single(r.Headers.GetValues("X-Frame-Options")));
        Assert.Equal("same-origin", Assert.Single(r.Headers.GetValues("Referrer-Policy")));
        Assert.Contains("frame-ancestors 'none'", SecurityHeaders.ContentSecurityPolicy, StringComparison.Ordinal);
        Assert.False(r.Headers.Contains("Server"), "Server: " + string.Join(",", r.Headers.TryGetValues("Server", out var v) ? v : []));
    }

    [Fact]
    public async Task The_browser_refuses_inline_script_and_the_pages_need_none()
    {
        var page = await NewPageAsync();
        await SignInAsync(page, "owner1");
        await page.GotoAsync("/Tenders");
        // The language switch works through site.js (it was an onchange attribute).
        await page.Locator("#culture-select").SelectOptionAsync("zh-CN");
        await page.WaitUntilAsync("document.documentElement.lang === 'zh-CN'");
        Assert.Empty(CspViolations);

        // An injected inline script does not run: what an XSS would try.
        var ran = await page.EvaluateAsync<bool>("() => { const s = document.createElement('script'); s.textContent = 'window.__inline = 1'; document.head.appendChild(s); return window.__inline === 1; }");
        Assert.False(ran);
        await page.WaitForTimeoutAsync(200);
        lock (CspViolations)
        {
            Assert.Contains(CspViolations, v => v.Contains("inline script", StringComparison.OrdinalIgnoreCase));
            CspViolations.Clear(); // the refusal was the point of this step
        }
    }
}

/// <summary>
/// The app started with the Production environment: it refuses to start without the centre's PKI and a Data Protection
/// certificate, and with them it answers over HTTPS only, with HSTS, Secure cookies and the proxy's forwarded headers.
/// </summary>
public class ProductionSetupTests(PostgresServer pg) : IAsyncLifetime
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "trading-prod-tests", Guid.NewGuid().ToString("N"));
    private string _cs = "";

    public async ValueTask InitializeAsync()
    {
        _cs = await pg.CreateDatabaseAsync(nameof(ProductionSetupTests));
        Directory.CreateDirectory(_dir);
    }

    public ValueTask DisposeAsync()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
        return ValueTask.CompletedTask;
    }

    private sealed class ProductionFactory(string cs, IReadOnlyDictionary<string, string> settings) : TradingFactory(cs)
    {
        public ErrorLog Errors { get; } = new();
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseEnvironment("Production");
            builder.ConfigureLogging(l => l.AddProvider(Errors));
            foreach (var (k, v) in settings) builder.UseSetting(k, v);
        }
    }

    private string PkiDirectory()
    {
        var dir = Path.Combine(_dir, "pki");
        Directory.CreateDirectory(dir);
        using var pki = CentrePki.CreateDevelopment("Test centre", DateTimeOffset.UtcNow.AddDays(-1));
        foreach (var (file, pem) in pki.ToPemFiles())
            if (file is not (CentrePki.Files.RootKey or CentrePki.Files.IssuingKey or CentrePki.Files.WitnessKey))
                File.WriteAllText(Path.Combine(dir, file), pem);
        return dir;
    }

    private (string Cert, string Key) DataProtectionCertificate()
    {
        using var rsa = RSA.Create(2048);
        using var cert = new CertificateRequest("CN=dp", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1).CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        var (c, k) = (Path.Combine(_dir, "dp.crt"), Path.Combine(_dir, "dp.key"));
        File.WriteAllText(c, cert.ExportCertificatePem());
        File.WriteAllText(k, rsa.ExportPkcs8PrivateKeyPem());
        return (c, k);
    }

    private static Exception? StartFails(Dictionary<string, string> settings, string cs)
    {
        using var f = new ProductionFactory(cs, settings) { Demo = false };
        return Record.Exception(() => f.Services);
    }

    [Fact]
    public void Production_refuses_to_start_without_a_data_protection_certificate_or_the_centres_PKI()
    {
        var noCert = StartFails(new() { ["PublicLog:PkiDirectory"] = PkiDirectory() }, _cs);
        Assert.Contains(DataProtectionSetup.ProductionNeedsCertificate, Flatten(noCert), StringComparison.Ordinal);

        var (c, k) = DataProtectionCertificate();
        var noPki = StartFails(new() { ["DataProtection:CertificatePath"] = c, ["DataProtection:KeyPath"] = k }, _cs);
        Assert.Contains(CentreKeys.ProductionNeedsPki, Flatten(noPki), StringComparison.Ordinal);
    }

    private static string Flatten(Exception? e) => e is null ? "(started)" : string.Join(" | ", Chain(e).Select(x => x.Message));
    private static IEnumerable<Exception> Chain(Exception e) { for (var x = e; x is not null; x = x.InnerException) yield return x; }

    [Fact]
    public async Task Production_answers_over_https_only_with_hsts_secure_cookies_forwarded_headers_and_encrypted_key_ring()
    {
        var (c, k) = DataProtectionCertificate();
        await using var app = new ProductionFactory(_cs, new Dictionary<string, string>
        {
            ["PublicLog:PkiDirectory"] = PkiDirectory(), ["DataProtection:CertificatePath"] = c, ["DataProtection:KeyPath"] = k,
        }) { Demo = false };
        app.UseKestrel(0);
        app.StartServer();
        var baseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("localhost", "127.0.0.1", StringComparison.Ordinal);
        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = new Uri(baseUrl) };

        // Plain HTTP straight to the server is sent to HTTPS.
        using var plain = await http.GetAsync("/Account/Login");
        Assert.True(plain.StatusCode is HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect, plain.StatusCode + "\n" + string.Join("\n", app.Errors.Lines));
        Assert.StartsWith("https://", plain.Headers.Location!.ToString(), StringComparison.Ordinal);

        // Through the proxy (loopback is a known proxy), which terminated TLS: HSTS, Secure cookies.
        using var req = new HttpRequestMessage(HttpMethod.Get, "/Account/Login");
        req.Headers.Add("X-Forwarded-Proto", "https");
        req.Headers.Add("X-Forwarded-For", "203.0.113.9");
        using var viaProxy = await http.SendAsync(req);
        Assert.True(viaProxy.StatusCode == HttpStatusCode.OK, string.Join("\n", app.Errors.Lines));
        Assert.Contains("max-age=", Assert.Single(viaProxy.Headers.GetValues("Strict-Transport-Security")), StringComparison.Ordinal);
        var cookies = viaProxy.Headers.GetValues("Set-Cookie").ToList();
        Assert.NotEmpty(cookies);
        Assert.All(cookies, s => Assert.Contains("secure", s, StringComparison.OrdinalIgnoreCase));
        Assert.False(viaProxy.Headers.Contains("Server"));

        // The key ring in the database is encrypted with the certificate: no master key in clear.
        var ring = app.WithDb(db => db.DataProtectionKeys.Select(x => x.Xml!).ToList());
        Assert.NotEmpty(ring);
        Assert.All(ring, x =>
        {
            Assert.Contains("EncryptedData", x, StringComparison.Ordinal);
            Assert.DoesNotContain("<masterKey", x, StringComparison.Ordinal);
        });
    }
}

/// <summary>Errors the server logged, so a 500 in Production (which shows only the friendly page) says why in the test.</summary>
public sealed class ErrorLog : Microsoft.Extensions.Logging.ILoggerProvider
{
    public System.Collections.Concurrent.ConcurrentQueue<string> Lines { get; } = new();
    public Microsoft.Extensions.Logging.ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);
    public void Dispose() { }

    private sealed class Logger(ErrorLog log, string category) : Microsoft.Extensions.Logging.ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => logLevel >= Microsoft.Extensions.Logging.LogLevel.Error;
        public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel)) log.Lines.Enqueue($"{category}: {formatter(state, exception)} {exception}");
        }
    }
}
