using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Trading.Data;

namespace Trading.Web.Features.Account;

/// <summary>
/// Ends every copy of a session, cookie or API token, as soon as the user's security stamp changes (sign-out, password
/// change or reset, deactivation, new roles).
/// Identity's own validator checks the stamp only every 30 minutes, and when it checks it rebuilds the whole principal
/// and re-issues the cookie; here each request compares the cookie's stamp with the stored one (one indexed read of
/// one column), and Identity's validator keeps its periodic refresh of roles and claims.
/// </summary>
public static class SessionStamp
{
    public static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        if (context.Principal is { } principal && !await IsCurrentAsync(principal, context.HttpContext))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(IdentityConstants.ApplicationScheme);
            return;
        }
        await SecurityStampValidator.ValidatePrincipalAsync(context);
    }

    /// <summary>
    /// The same check for API bearer tokens, which Identity never re-validates: a token issued before a sign-out, a
    /// password reset or a deactivation is refused (401) from the next request, not when it expires an hour later.
    /// The handler unprotects the token again after this; the cost is one more decryption of a small ticket.
    /// </summary>
    public static async Task ValidateBearerAsync(MessageReceivedContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.Ordinal)) return;
        var ticket = context.Options.BearerTokenProtector.Unprotect(header["Bearer ".Length..].Trim());
        if (ticket is not null && !await IsCurrentAsync(ticket.Principal, context.HttpContext))
            context.Fail("The session of this token has ended.");
    }

    /// <summary>Whether the principal's security stamp is still the user's stored one (one indexed read of one column).</summary>
    private static async Task<bool> IsCurrentAsync(ClaimsPrincipal principal, HttpContext http)
    {
        if (!Guid.TryParse(principal.FindFirstValue(ClaimTypes.NameIdentifier), out var userId)) return true;
        var services = http.RequestServices;
        var claimType = services.GetRequiredService<IOptions<IdentityOptions>>().Value.ClaimsIdentity.SecurityStampClaimType;
        var stored = await services.GetRequiredService<TradingDbContext>().Users.AsNoTracking()
            .Where(u => u.Id == userId).Select(u => u.SecurityStamp).FirstOrDefaultAsync(http.RequestAborted);
        return stored is not null && stored == principal.FindFirstValue(claimType);
    }
}
