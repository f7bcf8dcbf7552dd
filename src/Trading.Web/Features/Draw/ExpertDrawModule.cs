namespace Trading.Web.Features.Draw;

public static class ExpertDrawModule
{
    public static IServiceCollection AddExpertDraw(this IServiceCollection services, IConfiguration config)
    {
        services.AddScoped<EvaluationSessions>();
        services.AddScoped<Experts.ExpertIdNumbers>();
        services.AddScoped<Trading.Web.Demo.IDemoSeed, Experts.ExpertPoolDemoSeed>();
        return services;
    }

    public static WebApplication MapExpertDraw(this WebApplication app) => app;
}
