using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Trading.Data;

namespace Trading.Web.Features.Account;

/// <summary>
/// Ends every copy of a session as soon as the user's security stamp changes (sign-out, password change or reset).
/// Identity's own validator checks the stamp only every 30 minutes, and when it checks it rebuilds the whole principal
/// and re-issues the cookie; here each request compares the cookie's stamp with the stored one (one indexed read of
/// one column), and Identity's validator keeps its periodic refresh of roles and claims.
/// </summary>
public static class SessionStamp
{
    public static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var services = context.HttpContext.RequestServices;
        var claimType = services.GetRequiredService<IOptions<IdentityOptions>>().Value.ClaimsIdentity.SecurityStampClaimType;
        if (context.Principal is { } principal
            && Guid.TryParse(principal.FindFirstValue(ClaimTypes.NameIdentifier), out var userId))
        {
            var stored = await services.GetRequiredService<TradingDbContext>().Users.AsNoTracking()
                .Where(u => u.Id == userId).Select(u => u.SecurityStamp).FirstOrDefaultAsync(context.HttpContext.RequestAborted);
            if (stored is null || stored != principal.FindFirstValue(claimType))
            {
                context.RejectPrincipal();
                await context.HttpContext.SignOutAsync(IdentityConstants.ApplicationScheme);
                return;
            }
        }
        await SecurityStampValidator.ValidatePrincipalAsync(context);
    }
}
