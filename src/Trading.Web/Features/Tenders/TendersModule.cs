using Microsoft.AspNetCore.Mvc.RazorPages;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Tenders;

public static class TendersModule
{
    public static IServiceCollection AddTenders(this IServiceCollection services, IConfiguration config)
    {
        services.AddScoped<TenderService>();
        services.AddScoped<TenderMoves>();
        services.AddScheduledJob<DeadlineWatcher>();
        services.AddScoped<Demo.IDemoSeed, TenderDeadlineDemo>();
        services.PostConfigure<RazorPagesOptions>(o =>
        {
            o.Conventions.AuthorizeFolder("/Tenders");
            o.Conventions.AllowAnonymousToPage("/Tenders/Index");
            o.Conventions.AllowAnonymousToPage("/Tenders/Details");
            o.Conventions.AuthorizePage("/Tenders/Create", Policies.OwnerSide);
        });
        return services;
    }
}
