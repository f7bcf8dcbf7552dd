using Microsoft.AspNetCore.Mvc.RazorPages;
using Trading.Data;
using Trading.Domain.Supervision;
using Trading.Web.Demo;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Supervision;

public static class SupervisionPolicies
{
    /// <summary>Editing the holiday calendar and thresholds: the trading centre (and admins).</summary>
    public const string CentreSettings = "Supervision.CentreSettings";
}

public static class SupervisionModule
{
    public static IServiceCollection AddSupervision(this IServiceCollection services, IConfiguration config)
    {
        var section = config.GetSection("Supervision");
        services.Configure<SupervisionOptions>(section);
        services.Configure<SupervisionConfig>(section);
        // A configuration that makes no sense stops the server at start, naming what is wrong.
        var bound = section.Get<SupervisionConfig>() ?? new SupervisionConfig();
        if (bound.Validate().ToList() is { Count: > 0 } errors)
            throw new InvalidOperationException("Configuration section Supervision is invalid: " + string.Join("; ", errors.Select(SupervisionStartupText.Explain)));

        services.AddScoped<SupervisionSettings>();
        services.AddScoped<LimitMonitor>();
        services.AddScoped<Sanctions>();
        services.AddScoped<ILimitEventSource, TenderStepEvents>();
        services.AddScoped<ILimitEventSource, FirmFilingEvents>();
        services.AddScheduledJob<SupervisionJob>();
        services.AddScoped<IDemoSeed, SupervisionDemoSeed>();

        services.AddAuthorizationBuilder()
            .AddPolicy(SupervisionPolicies.CentreSettings, p => p.RequireRole(Roles.CentreStaff, Roles.Admin));
        services.PostConfigure<RazorPagesOptions>(o =>
        {
            // Page by page: folder and page conventions add up, and the public and "my records" pages have other readers.
            o.Conventions.AuthorizePage("/Supervision/Index", Policies.Oversight);
            o.Conventions.AuthorizePage("/Supervision/Settings", Policies.Oversight);
            o.Conventions.AuthorizePage("/Supervision/Records/Index", Policies.Oversight);
            // Details: any signed-in user; the service shows a record only to oversight and to its own subject.
            o.Conventions.AuthorizePage("/Supervision/Records/Details");
            o.Conventions.AuthorizePage("/Supervision/Records/New", Policies.Supervisor);
            o.Conventions.AuthorizePage("/Supervision/Mine");
        });
        return services;
    }
}

/// <summary>English explanations for start-up refusals (logs are read by operators, before any request has a language).</summary>
internal static class SupervisionStartupText
{
    public static string Explain(Trading.Domain.RuleViolation v) => v.Code switch
    {
        SupervisionRules.ThresholdOrder => $"Thresholds: yellow ({v.Args[0]} working days late) must come before red ({v.Args[1]})",
        SupervisionRules.ThresholdNegative => $"Thresholds: days late cannot be negative (yellow {v.Args[0]}, red {v.Args[1]})",
        SupervisionRules.ThresholdFraction => $"Thresholds: YellowFractionLeft must be between 0 and 1 exclusive, not {v.Args[0]}",
        SupervisionRules.ThresholdTooLate => $"Thresholds: red {v.Args[0]} working days late is more than 60",
        SupervisionRules.ThresholdMode => $"Thresholds: unknown mode {v.Args[0]}",
        SupervisionRules.LimitDays => $"Limit '{v.Args[0]}': days must be 1 to 366, not {v.Args[1]}",
        SupervisionRules.LimitCode => $"Limit code '{v.Args[0]}' must be lower-case letters, digits and dashes",
        SupervisionRules.LimitEvents => $"Limit '{v.Args[0]}': start and end events must be given and differ ('{v.Args[1]}', '{v.Args[2]}')",
        SupervisionRules.LimitDuplicate => $"Limit code '{v.Args[0]}' appears twice",
        _ => v.ToString(),
    };
}
