using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Localization;
using Microsoft.EntityFrameworkCore;
using Trading.Data;
using Trading.Domain;
using Trading.Web.Api;
using Trading.Web.Demo;

namespace Trading.Web.Infrastructure;

/// <summary>
/// What every feature stands on: settings, the data folder, the database, files, the public log writer, identity,
/// localization, pages and the API's plumbing, and the request pipeline. Features add themselves on top
/// (<c>Features/&lt;Feature&gt;/&lt;Feature&gt;Module</c>), one line each in Program.cs.
/// </summary>
public static class PlatformModule
{
    public static WebApplicationBuilder AddPlatform(this WebApplicationBuilder builder)
    {
        var config = builder.Configuration;
        var services = builder.Services;
        services.Configure<PlatformOptions>(config.GetSection("Platform"));
        services.Configure<PasswordHashOptions>(config.GetSection("PasswordHash"));
        services.Configure<TenderRules>(config.GetSection("Rules"));
        var platform = config.GetSection("Platform").Get<PlatformOptions>() ?? new PlatformOptions();
        var data = DataFolder.From(config, builder.Environment);
        services.AddSingleton(data);

        // Database: SQLite by default (one command, no set-up); PostgreSQL for production and tests.
        var provider = config.GetValue("Database:Provider", DatabaseProvider.Sqlite);
        services.AddDbContext<TradingDbContext>(o =>
        {
            if (provider == DatabaseProvider.Postgres)
                o.UseNpgsql(config.GetConnectionString("Postgres") ?? throw new InvalidOperationException("ConnectionStrings:Postgres is required when Database:Provider is Postgres"),
                    n => n.MigrationsAssembly("Trading.Data.Postgres"));
            else
                o.UseSqlite(config.GetConnectionString("Sqlite") ?? $"Data Source={data.File("trading.db")}",
                    s => s.MigrationsAssembly("Trading.Data.Sqlite"));
        });

        services.AddSingleton(TimeProvider.System);
        // In demos outside Production the demo clock replaces it (Features/DemoClock).
        Trading.Web.Features.DemoClock.DemoClockModule.AddDemoClock(services, platform, builder.Environment, data.Path);
        services.AddSingleton(PseudonymKey.LoadOrCreate(config["Platform:PseudonymKey"], data.Path));
        services.AddSingleton<IFileStore>(new LocalFileStore(config["Storage:Root"] ?? data.File("files")));
        services.AddScoped<Uploads>();
        services.AddSingleton(SealingOptions.From(config));
        services.AddSingleton<LogQueue>();
        services.AddScoped<PublicLogWriter>();
        services.AddSingleton<LogSequencer>();
        services.AddHostedService(sp => sp.GetRequiredService<LogSequencer>());
        services.AddScoped<EfLogStore>();
        services.AddScoped<CentreTime>();
        services.AddScoped<Texts>();
        services.AddScoped<DemoSeeder>();
        services.AddScoped<IDemoSeed, DemoHistory>();

        services.AddTradingIdentity();
        services.AddProtectedDataProtection(config, builder.Environment, data.Path);
        services.AddTradingPages(config);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = platform.MaxTenderDocumentBytes + 1024 * 1024;
            k.AddServerHeader = false; // no "Server: Kestrel" telling a prober what to aim at
        });
        services.AddTransportSecurity(config, builder.Environment);
        return builder;
    }

    // Identity: Argon2id password hashes, lockout, TOTP two-factor; cookies for pages, bearer tokens for the API.
    private static void AddTradingIdentity(this IServiceCollection services)
    {
        services.AddSingleton<IPasswordHasher<AppUser>, Argon2PasswordHasher>();
        services.AddIdentity<AppUser, IdentityRole<Guid>>(o =>
            {
                o.Password.RequiredLength = 10;
                o.Password.RequireNonAlphanumeric = false;
                // No automatic lockout: anyone who knew an officer's user name could lock them out; failures are
                // throttled per account and address instead (Features/Account/SignInThrottle).
                o.Lockout.AllowedForNewUsers = false;
                o.Lockout.MaxFailedAccessAttempts = int.MaxValue;
                o.User.RequireUniqueEmail = false;
            })
            .AddEntityFrameworkStores<TradingDbContext>()
            .AddDefaultTokenProviders()
            // Replaces the built-in authenticator provider: each code once, one time step either side.
            .AddTokenProvider<Features.Account.OneTimeAuthenticatorTokenProvider>(TokenOptions.DefaultAuthenticatorProvider)
            .AddClaimsPrincipalFactory<AppClaimsFactory>()
            .AddErrorDescriber<LocalizedIdentityErrorDescriber>();
        services.AddAuthentication().AddBearerToken(IdentityConstants.BearerScheme, o => o.Events.OnMessageReceived = Features.Account.SessionStamp.ValidateBearerAsync);
        // The periodic security-stamp check rebuilds the sign-in principal; carry over how the user signed in ("amr" =
        // "mfa"), or a key holder who signed in with two-factor would silently lose that status after half an hour.
        services.AddSingleton<Features.Account.SignInThrottle>();
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
            // Signing out (a new security stamp) ends every copy of the session on its next request.
            o.Events.OnValidatePrincipal = Features.Account.SessionStamp.ValidateAsync;
        });
        services.AddAuthorizationBuilder()
            .AddPolicy(Policies.OwnerSide, p => p.RequireRole(Roles.Owner, Roles.Agent))
            .AddPolicy(Policies.Bidder, p => p.RequireRole(Roles.Bidder))
            .AddPolicy(Policies.Oversight, p => p.RequireRole(Roles.CentreStaff, Roles.Supervisor, Roles.Admin))
            .AddPolicy(Policies.Supervisor, p => p.RequireRole(Roles.Supervisor))
            .AddPolicy(Policies.Api, p => p.AddAuthenticationSchemes(IdentityConstants.BearerScheme).RequireAuthenticatedUser());
    }

    private static void AddTradingPages(this IServiceCollection services, IConfiguration config)
    {
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

        // Each feature adds its own page conventions in its module; these pages belong to no feature.
        services.AddRazorPages(o =>
            {
                o.RootDirectory = "/Features";
                o.Conventions.AuthorizePage("/Account/Security");
                o.Conventions.AuthorizeFolder("/Audit", Policies.Oversight);
                o.Conventions.AuthorizeFolder("/DemoClock", Policies.Oversight);
            })
            .AddViewLocalization()
            .AddDataAnnotationsLocalization(o => o.DataAnnotationLocalizerProvider = (_, f) => f.Create(typeof(SharedResource)));
        // After the data-annotations provider (registered by AddRazorPages), so the implicit [Required] exists to be given a message.
        services.AddOptions<Microsoft.AspNetCore.Mvc.MvcOptions>().Configure<Microsoft.Extensions.Localization.IStringLocalizerFactory>((o, f) =>
        {
            var l = f.Create(typeof(SharedResource));
            o.ModelMetadataDetailsProviders.Add(new ValidationTexts(l));
            var m = o.ModelBindingMessageProvider;
            m.SetValueMustNotBeNullAccessor(_ => l["Validation.Required.Unnamed"]);
            m.SetAttemptedValueIsInvalidAccessor((_, f2) => l["Validation.Invalid", f2]);
            m.SetUnknownValueIsInvalidAccessor(f2 => l["Validation.Invalid", f2]);
            m.SetValueIsInvalidAccessor(_ => l["Validation.Invalid.Unnamed"]);
            m.SetValueMustBeANumberAccessor(f2 => l["Validation.Number", f2]);
            m.SetMissingBindRequiredValueAccessor(f2 => l["Validation.Required", f2]);
            m.SetMissingKeyOrValueAccessor(() => l["Validation.Required.Unnamed"]);
            m.SetMissingRequestBodyRequiredValueAccessor(() => l["Validation.Required.Unnamed"]);
            m.SetNonPropertyAttemptedValueIsInvalidAccessor(_ => l["Validation.Invalid.Unnamed"]);
            m.SetNonPropertyUnknownValueIsInvalidAccessor(() => l["Validation.Invalid.Unnamed"]);
            m.SetNonPropertyValueMustBeANumberAccessor(() => l["Validation.Number.Unnamed"]);
        });
        services.AddAntiforgery(o => { o.HeaderName = "X-CSRF-TOKEN"; o.Cookie.Name = "trading.csrf"; });
        services.AddOpenApi();
        // Malformed JSON or form input on the API throws, so ApiErrors can answer with the rule in the user's language.
        services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter());
            ApiJson.Configure(o.SerializerOptions);
        });
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
    }

    /// <summary>Prepares the database, then the request pipeline and the endpoints that belong to no feature.</summary>
    public static async Task UsePlatformAsync(this WebApplication app)
    {
        await Startup.PrepareDatabaseAsync(app.Services, app.Configuration);

        app.UseSecurityHeaders();
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

        app.MapRazorPages();
        app.MapOpenApi("/openapi/{documentName}.json");
        app.MapHealthChecks("/health");
    }
}
