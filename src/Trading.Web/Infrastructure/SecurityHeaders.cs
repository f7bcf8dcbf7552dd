using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace Trading.Web.Infrastructure;

/// <summary>
/// The response headers every answer carries (pages, static files, API problems, 401/403/404 and redirects alike) and
/// the transport settings production needs behind the centre's reverse proxy.
/// </summary>
public static class SecurityHeaders
{
    /// <summary>
    /// Scripts, styles, fonts and images only from this site's own files: no inline script, no style="" attribute, no
    /// eval. A page that needs behaviour puts it in wwwroot/js; the browser tests fail on any violation. Camera frames
    /// and sealed-bid previews are blob:/data: images. 'wasm-unsafe-eval' lets the officer's browser compile hash-wasm's
    /// Argon2id (the holder module unseals the transport key locally; JS eval stays refused). 'report-sample'
    /// puts the first characters of a refused inline script or style into the violation, so a test names the culprit.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval' 'report-sample'; style-src 'self' 'report-sample'; img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; " +
        "media-src 'self' blob:; worker-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    public static IServiceCollection AddTransportSecurity(this IServiceCollection services, IConfiguration config, IHostEnvironment env)
    {
        if (!env.IsProduction()) return services;
        // Behind the centre's proxy the app sees plain HTTP from the proxy's address; honour X-Forwarded-For/-Proto only
        // from the proxies named in configuration, so a client cannot forge its address (throttling is per address).
        services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            foreach (var p in config.GetSection("ReverseProxy:KnownProxies").Get<string[]>() ?? [])
                o.KnownProxies.Add(IPAddress.Parse(p));
            foreach (var n in config.GetSection("ReverseProxy:KnownNetworks").Get<string[]>() ?? [])
                o.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(n));
        });
        services.AddHsts(o =>
        {
            o.MaxAge = TimeSpan.FromDays(365);
            o.IncludeSubDomains = true;
            o.ExcludedHosts.Clear(); // the framework skips localhost; a production server has no reason to
        });
        // Kestrel listens on plain HTTP behind the proxy, so the framework cannot learn the public HTTPS port by itself
        // (and would then silently not redirect at all).
        services.AddHttpsRedirection(o => o.HttpsPort = config.GetValue("ReverseProxy:HttpsPort", 443));
        services.ConfigureApplicationCookie(o => o.Cookie.SecurePolicy = CookieSecurePolicy.Always);
        services.AddAntiforgery(o => o.Cookie.SecurePolicy = CookieSecurePolicy.Always);
        // Every other cookie too (TempData, culture), including the deletions the framework writes.
        services.Configure<CookiePolicyOptions>(o => o.Secure = CookieSecurePolicy.Always);
        return services;
    }

    /// <summary>First in the pipeline, so that static files and short-circuited answers (401, 404, 429) carry the headers too.</summary>
    public static IApplicationBuilder UseSecurityHeaders(this WebApplication app)
    {
        if (app.Environment.IsProduction())
            app.UseForwardedHeaders();
        app.Use((ctx, next) =>
        {
            ctx.Response.OnStarting(() =>
            {
                var h = ctx.Response.Headers;
                h.ContentSecurityPolicy = ContentSecurityPolicy;
                h.XContentTypeOptions = "nosniff";
                h.XFrameOptions = "DENY";
                h["Referrer-Policy"] = "same-origin";
                h["Cross-Origin-Opener-Policy"] = "same-origin";
                h["Permissions-Policy"] = "camera=(self), microphone=(), geolocation=(), payment=()";
                h.Server = default;
                return Task.CompletedTask;
            });
            return next(ctx);
        });
        if (app.Environment.IsProduction())
        {
            app.UseHsts();
            app.UseHttpsRedirection();
            app.UseCookiePolicy();
        }
        return app;
    }
}
