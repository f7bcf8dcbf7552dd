using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Trading.Web.Features.Firms;

public static class FirmsModule
{
    public static IServiceCollection AddFirms(this IServiceCollection services, IConfiguration config)
    {
        services.AddScoped<FirmService>();
        services.PostConfigure<RazorPagesOptions>(o =>
        {
            o.Conventions.AuthorizeFolder("/Firms");
            o.Conventions.AuthorizePage("/Firms/Index", Policies.Oversight);
            o.Conventions.AllowAnonymousToPage("/Firms/Register");
        });
        return services;
    }
}
