using Microsoft.AspNetCore.Mvc.RazorPages;
using Trading.Data;
using Trading.Web.Demo;
using Trading.Web.Features.Experts;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Draw;

public static class ExpertDrawModule
{
    public const string ExpertPolicy = "ExpertSelf";

    public static IServiceCollection AddExpertDraw(this IServiceCollection services, IConfiguration config)
    {
        services.Configure<ExpertDrawOptions>(config.GetSection("ExpertDraw"));
        services.AddSingleton(sp => DrawPseudonymKey.LoadOrCreate(config["ExpertDraw:PseudonymKey"], sp.GetRequiredService<DataFolder>().Path));
        services.AddScoped<EvaluationSessions>();
        services.AddScoped<ExpertIdNumbers>();
        services.AddScoped<ExpertPoolService>();
        services.AddScoped<ExpertStandings>();
        services.AddScoped<DrawService>();
        services.AddScoped<ILotBidders, LotBidders>();
        services.AddScoped<BeaconSources>();
        services.AddScoped<DrawPdf>();
        services.AddScheduledJob<DrawResponseWatcher>();
        services.AddScoped<IDemoSeed, ExpertPoolDemoSeed>();
        services.AddScoped<IDemoSeed, DrawDemoSeed>();
        services.AddAuthorizationBuilder().AddPolicy(ExpertPolicy, p => p.RequireRole(Roles.Expert));
        services.PostConfigure<RazorPagesOptions>(o =>
        {
            o.Conventions.AuthorizeFolder("/Draw");
            o.Conventions.AuthorizePage("/Draw/Invitations", ExpertPolicy);
            // Page by page: a folder policy would also bind /Experts/Me, which is for experts, not oversight.
            o.Conventions.AuthorizeFolder("/Experts");
            o.Conventions.AuthorizePage("/Experts/Index", Policies.Oversight);
            o.Conventions.AuthorizePage("/Experts/Edit", Policies.Oversight);
            o.Conventions.AuthorizePage("/Experts/Create", Policies.Oversight);
            o.Conventions.AuthorizePage("/Experts/Me", ExpertPolicy);
        });
        return services;
    }

    public static WebApplication MapExpertDraw(this WebApplication app)
    {
        DrawApi.Map(app);
        return app;
    }
}

/// <summary>Replaces invited experts who did not answer in their window with the next from the reserve.</summary>
public sealed class DrawResponseWatcher(IServiceScopeFactory scopes, IConfiguration config, ILogger<DrawResponseWatcher> logger) : ScheduledJob(config, logger)
{
    protected override TimeSpan Period => TimeSpan.FromMinutes(1);

    public override async Task<int> RunOnceAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<DrawService>().ExpireNoAnswersAsync(ct);
    }
}
