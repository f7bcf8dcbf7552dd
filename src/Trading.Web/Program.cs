using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Localization;
using Microsoft.EntityFrameworkCore;
using Trading.Data;
using Trading.Domain;
using Trading.Web;
using Trading.Web.Api;
using Trading.Web.Demo;
using Trading.Web.Features.Firms;
using Trading.Web.Features.Log;
using Trading.Web.Features.Tenders;
using Trading.Web.Features.Notifications;
using Trading.Web.Features.Submission;
using Trading.Web.Features.Supervision;
using Trading.Web.Infrastructure;

var builder = WebApplication.CreateBuilder(args);
var config = builder.Configuration;
var services = builder.Services;

services.Configure<PlatformOptions>(config.GetSection("Platform"));
services.Configure<PasswordHashOptions>(config.GetSection("PasswordHash"));
services.Configure<TenderRules>(config.GetSection("Rules"));
var platform = config.GetSection("Platform").Get<PlatformOptions>() ?? new PlatformOptions();
var dataFolder = DataFolder.From(config, builder.Environment);
services.AddSingleton(dataFolder);
var dataDir = dataFolder.Path;

// Database: SQLite by default (one command, no set-up); PostgreSQL for production and tests.
var provider = config.GetValue("Database:Provider", DatabaseProvider.Sqlite);
services.AddDbContext<TradingDbContext>(o =>
{
    if (provider == DatabaseProvider.Postgres)
        o.UseNpgsql(config.GetConnectionString("Postgres") ?? throw new InvalidOperationException("ConnectionStrings:Postgres is required when Database:Provider is Postgres"),
            n => n.MigrationsAssembly("Trading.Data.Postgres"));
    else
        o.UseSqlite(config.GetConnectionString("Sqlite") ?? $"Data Source={Path.Combine(dataDir, "trading.db")}",
            s => s.MigrationsAssembly("Trading.Data.Sqlite"));
});

services.AddSingleton(TimeProvider.System);
services.AddSingleton(PseudonymKey.LoadOrCreate(config["Platform:PseudonymKey"], dataDir));
services.AddSingleton<IFileStore>(new LocalFileStore(config["Storage:Root"] ?? Path.Combine(dataDir, "files")));
services.AddScoped<Uploads>();
services.AddScoped<PublicLogWriter>();
services.AddScoped<EfLogStore>();
services.AddScoped<CentreTime>();
services.AddScoped<Texts>();
services.AddScoped<FirmService>();
services.AddScoped<TenderService>();
services.AddScheduledJob<DeadlineWatcher>();
services.AddScoped<DemoSeeder>();

// Feature modules: each registers its services, page authorization, background jobs and demo data in
// its own folder's extension method. One line per feature, each under its own marker.
// feature-services:notifications
services.AddNotifications(config, dataDir);

// feature-services:log
services.AddLog(config, dataDir);

// feature-services:submission
services.AddSubmission(config);

// feature-services:draw
Trading.Web.Features.Draw.ExpertDrawModule.AddExpertDraw(services, config);

// feature-services:checkin
Trading.Web.Features.CheckIn.CheckInModule.AddCheckIn(services, config);

// feature-services:evaluation
Trading.Web.Features.Evaluation.EvaluationModule.AddEvaluation(services);

// feature-services:supervision
services.AddSupervision(config);

// feature-services:integrity
Trading.Web.Features.Integrity.IntegrityModule.AddIntegrity(services, config);


// Identity: Argon2id password hashes, lockout, TOTP two-factor; cookies for pages, bearer tokens for the API.
services.AddSingleton<IPasswordHasher<AppUser>, Argon2PasswordHasher>();
services.AddIdentity<AppUser, IdentityRole<Guid>>(o =>
    {
        o.Password.RequiredLength = 10;
        o.Password.RequireNonAlphanumeric = false;
        o.Lockout.MaxFailedAccessAttempts = 5;
        o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
        o.User.RequireUniqueEmail = false;
    })
    .AddEntityFrameworkStores<TradingDbContext>()
    .AddDefaultTokenProviders()
    .AddClaimsPrincipalFactory<AppClaimsFactory>()
    .AddErrorDescriber<LocalizedIdentityErrorDescriber>();
services.AddAuthentication().AddBearerToken(IdentityConstants.BearerScheme);
// The periodic security-stamp check rebuilds the sign-in principal; carry over how the user signed in ("amr" =
// "mfa"), or a key holder who signed in with two-factor would silently lose that status after half an hour.
services.Configure<SecurityStampValidatorOptions>(o => o.OnRefreshingPrincipal = ctx =>
{
    if (ctx.CurrentPrincipal?.FindFirst("amr") is { } amr && ctx.NewPrincipal?.Identity is System.Security.Claims.ClaimsIdentity id && !id.HasClaim("amr", amr.Value))
        id.AddClaim(new System.Security.Claims.Claim("amr", amr.Value));
    return Task.CompletedTask;
});
services.ConfigureApplicationCookie(o =>
{
    o.LoginPath = "/Account/Login";
    o.AccessDeniedPath = "/Account/Denied";
    o.Cookie.Name = "trading.auth";
    o.Cookie.SameSite = SameSiteMode.Lax;
    o.Cookie.HttpOnly = true;
    o.SlidingExpiration = true;
    o.ExpireTimeSpan = TimeSpan.FromHours(8);
});
services.AddAuthorizationBuilder()
    .AddPolicy(Policies.OwnerSide, p => p.RequireRole(Roles.Owner, Roles.Agent))
    .AddPolicy(Policies.Bidder, p => p.RequireRole(Roles.Bidder))
    .AddPolicy(Policies.Oversight, p => p.RequireRole(Roles.CentreStaff, Roles.Supervisor, Roles.Admin))
    .AddPolicy(Policies.Supervisor, p => p.RequireRole(Roles.Supervisor))
    .AddPolicy(Policies.Api, p => p.AddAuthenticationSchemes(IdentityConstants.BearerScheme).RequireAuthenticatedUser());
services.AddDataProtection().PersistKeysToDbContext<TradingDbContext>().SetApplicationName("trading");

// zh-CN first: the platform serves a Chinese centre; English for everyone else. The choice is a cookie.
services.AddLocalization(o => o.ResourcesPath = "Resources");
var cultures = new[] { new CultureInfo("zh-CN"), new CultureInfo("en") };
services.Configure<RequestLocalizationOptions>(o =>
{
    o.DefaultRequestCulture = new RequestCulture("zh-CN");
    o.SupportedCultures = cultures;
    o.SupportedUICultures = cultures;
    o.RequestCultureProviders = [new QueryStringRequestCultureProvider(), new CookieRequestCultureProvider(), new AcceptLanguageHeaderRequestCultureProvider()];
});

services.AddRazorPages(o =>
    {
        o.RootDirectory = "/Features";
        o.Conventions.AuthorizeFolder("/Tenders");
        o.Conventions.AllowAnonymousToPage("/Tenders/Index");
        o.Conventions.AllowAnonymousToPage("/Tenders/Details");
        o.Conventions.AuthorizePage("/Tenders/Create", Policies.OwnerSide);
        o.Conventions.AuthorizeFolder("/Firms");
        o.Conventions.AuthorizePage("/Firms/Index", Policies.Oversight);
        o.Conventions.AllowAnonymousToPage("/Firms/Register");
        o.Conventions.AuthorizePage("/Account/Security");
        o.Conventions.AuthorizeFolder("/Audit", Policies.Oversight);
    })
    .AddViewLocalization()
    .AddDataAnnotationsLocalization(o => o.DataAnnotationLocalizerProvider = (_, f) => f.Create(typeof(SharedResource)));
services.AddAntiforgery(o => { o.HeaderName = "X-CSRF-TOKEN"; o.Cookie.Name = "trading.csrf"; });
services.AddOpenApi();
// Malformed JSON or form input on the API throws, so ApiErrors can answer with the rule in the user's language.
services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter()));
// Chinese text is written as characters, not numeric entities: readable source, smaller pages. Encoding still applies.
services.Configure<Microsoft.Extensions.WebEncoders.WebEncoderOptions>(o => o.TextEncoderSettings = new System.Text.Encodings.Web.TextEncoderSettings(System.Text.Unicode.UnicodeRanges.All));
services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database");
services.AddProblemDetails();
services.AddRateLimiter(o =>
{
    o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
    o.AddPolicy("sign-in", http => RateLimitPartition.GetFixedWindowLimiter(
        http.Connection.RemoteIpAddress?.ToString() ?? "unknown",
        _ => new FixedWindowRateLimiterOptions { PermitLimit = config.GetValue("RateLimits:SignInPerMinute", 20), Window = TimeSpan.FromMinutes(1) }));
});
builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = platform.MaxTenderDocumentBytes + 1024 * 1024);

var app = builder.Build();

await Startup.PrepareDatabaseAsync(app.Services, config);

if (!app.Environment.IsDevelopment())
    app.UseExceptionHandler("/Error");
// API callers get problem JSON; only pages get the friendly error page.
app.UseWhen(ctx => !ctx.Request.Path.StartsWithSegments("/api"), b => b.UseStatusCodePagesWithReExecute("/Error", "?code={0}"));
app.UseRequestLocalization();
app.UseWhen(ctx => ctx.Request.Path.StartsWithSegments("/api"), b => b.UseMiddleware<ApiErrors>());
app.UseStaticFiles();
app.UseRouting();
app.UseRateLimiter();
app.UseAuthentication();
app.UseAuthorization();
app.Use(async (ctx, next) =>
{
    // Output is encoded by Razor; these headers stop the browser from second-guessing it.
    ctx.Response.Headers["X-Content-Type-Options"] = "nosniff";
    ctx.Response.Headers["X-Frame-Options"] = "DENY";
    ctx.Response.Headers["Referrer-Policy"] = "same-origin";
    await next();
});

app.MapRazorPages();
app.MapOpenApi("/openapi/{documentName}.json");
app.MapHealthChecks("/health");
app.MapTradingApi();
app.MapPublicLogApi();

// feature-endpoints:log
app.MapLog();

// feature-endpoints:submission
app.MapSubmission();

// feature-endpoints:draw
Trading.Web.Features.Draw.ExpertDrawModule.MapExpertDraw(app);

// feature-endpoints:checkin
Trading.Web.Features.CheckIn.CheckInModule.MapCheckIn(app);

// feature-endpoints:evaluation
Trading.Web.Features.Evaluation.EvaluationModule.MapEvaluation(app);

// feature-endpoints:supervision

// feature-endpoints:integrity

app.Run();

public partial class Program;

namespace Trading.Web
{
    public static class Policies
    {
        public const string OwnerSide = "OwnerSide";
        public const string Bidder = "Bidder";
        public const string Oversight = "Oversight";
        public const string Supervisor = "Supervisor";
        public const string Api = "Api";
    }
}
