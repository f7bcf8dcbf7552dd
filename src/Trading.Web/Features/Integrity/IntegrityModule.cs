using Microsoft.AspNetCore.Mvc.RazorPages;
using Trading.Data;
using Trading.Web.Demo;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Integrity;

public static class IntegrityPolicies
{
    /// <summary>Findings pages: the supervision office, and experts (the service then checks the committee seat and check-in).</summary>
    public const string Read = "Integrity.Read";
}

public static class IntegrityModule
{
    public static IServiceCollection AddIntegrity(this IServiceCollection services, IConfiguration config)
    {
        services.Configure<IntegrityOptions>(config.GetSection("Integrity"));
        services.AddScoped<IntegrityInputs>();
        services.AddSingleton(sp => HistoryFolder.From(sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<IntegrityOptions>>().Value, sp.GetRequiredService<DataFolder>()));
        services.AddScoped<HistoryImports>();
        services.AddScoped<IntegrityService>();
        services.AddScheduledJob<IntegrityScreenJob>();
        services.AddAuthorizationBuilder().AddPolicy(IntegrityPolicies.Read, p => p.RequireRole(Roles.Supervisor, Roles.Expert));
        services.PostConfigure<RazorPagesOptions>(o => o.Conventions.AuthorizeFolder("/Integrity", IntegrityPolicies.Read));
        return services;
    }
}
