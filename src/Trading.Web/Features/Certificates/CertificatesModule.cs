using Microsoft.AspNetCore.Mvc.RazorPages;
using Trading.Web.Api;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Certificates;

public sealed record CertificateRequestInput(string? RequestPem, string? Code, Guid? Renews);
public sealed record CertificateDecisionInput(string? Reason);
/// <summary>A certificate from a CA the centre trusts: PEM text, or DER in base64.</summary>
public sealed record CertificateRegistrationInput(string? Certificate, string? Code)
{
    public byte[]? Bytes()
    {
        var text = (Certificate ?? "").Trim();
        if (text.Contains("-----BEGIN", StringComparison.Ordinal)) return System.Text.Encoding.ASCII.GetBytes(text);
        try
        {
            return Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}

public static class CertificatesModule
{
    public static IServiceCollection AddCertificates(this IServiceCollection services, IConfiguration config)
    {
        services.Configure<CertificateOptions>(config.GetSection("Certificates"));
        services.AddSingleton<CertificateAuthority>();
        services.AddScoped<CertificateService>();
        services.AddSingleton<DocumentSeal>();
        services.AddScoped<SealStamps>();
        services.AddScheduledJob<SealStampJob>();
        services.PostConfigure<RazorPagesOptions>(o => o.Conventions.AuthorizeFolder("/Certificates"));
        return services;
    }

    public static void MapCertificates(this WebApplication app)
    {
        // Public: the CA certificate that firm certificates chain to, and the revocation list named inside them.
        app.MapGet(CertificateAuthority.CaPath, (CertificateAuthority ca) => Results.Text(ca.Ca.Ca.ExportCertificatePem() + "\n", "application/x-pem-file")).AllowAnonymous();
        app.MapGet(CertificateAuthority.Sm2CaPath, (CertificateAuthority ca) => ca.Sm2 is { } sm2 ? Results.Text(sm2.CaPem, "application/x-pem-file") : Results.NotFound()).AllowAnonymous();
        app.MapGet(CertificateAuthority.Sm2CrlPath, async (CertificateService s, CancellationToken ct) =>
            await s.Sm2CrlAsync(ct) is { } crl ? Results.Bytes(crl, "application/pkix-crl", "firms-sm2.crl") : Results.NotFound()).AllowAnonymous();
        app.MapGet(CertificateAuthority.CrlPath, async (CertificateService s, CancellationToken ct) => Results.Bytes(await s.CrlAsync(ct), "application/pkix-crl", "firms.crl")).AllowAnonymous();

        var api = app.MapGroup("/api/certificates").AddEndpointFilter<RuleErrorFilter>().DisableAntiforgery().RequireAuthorization(Policies.Api);
        api.MapGet("", async (HttpContext http, CertificateService s, CancellationToken ct) => await s.ListAsync(Act(http), ct));
        // `trading bidder-key --csr` writes the request; the account's two-factor code confirms it.
        api.MapPost("/requests", async (CertificateRequestInput r, HttpContext http, CertificateService s, CancellationToken ct) =>
        {
            var c = await s.RequestAsync(Act(http), r.RequestPem, r.Code, r.Renews, ct);
            return Results.Created($"/api/certificates/{c.Id}", new { id = c.Id, keySha256 = c.KeySha256 });
        });
        api.MapPost("/registrations", async (CertificateRegistrationInput r, HttpContext http, CertificateService s, CancellationToken ct) =>
        {
            var c = await s.RegisterAsync(Act(http), r.Bytes(), r.Code, ct);
            return Results.Created($"/api/certificates/{c.Id}", new { id = c.Id, keySha256 = c.KeySha256, sha256 = c.CertificateSha256 });
        });
        api.MapPost("/{id:guid}/approve", async (Guid id, HttpContext http, CertificateService s, CancellationToken ct) =>
        {
            var c = await s.ApproveAsync(Act(http), id, ct);
            return new { id = c.Id, serial = c.SerialNumber, sha256 = c.CertificateSha256, notAfter = c.NotAfter };
        });
        api.MapPost("/{id:guid}/reject", async (Guid id, CertificateDecisionInput r, HttpContext http, CertificateService s, CancellationToken ct) =>
        {
            await s.RejectAsync(Act(http), id, r.Reason, ct);
            return Results.NoContent();
        });
        api.MapPost("/{id:guid}/revoke", async (Guid id, CertificateDecisionInput r, HttpContext http, CertificateService s, CancellationToken ct) =>
        {
            await s.RevokeAsync(Act(http), id, r.Reason, ct);
            return Results.NoContent();
        });
        api.MapGet("/{id:guid}/certificate", async (Guid id, HttpContext http, CertificateService s, CancellationToken ct) =>
            Results.Text(PemOf(await s.GetIssuedAsync(Act(http), id, ct)), "application/x-pem-file"));
    }

    public static string PemOf(Domain.Certificates.FirmCertificate c) => new string(System.Security.Cryptography.PemEncoding.Write("CERTIFICATE", c.Certificate)) + "\n";

    private static Actor Act(HttpContext http) => Actor.From(http) ?? throw new ForbiddenException(Domain.RuleCodes.SignInRequired);
}
