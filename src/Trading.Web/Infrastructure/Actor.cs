using System.Security.Claims;
using Trading.Data;

namespace Trading.Web.Infrastructure;

/// <summary>Who is acting: the user, their organisation and roles, and where the request came from.</summary>
public sealed record Actor(Guid UserId, string Name, Guid OrganisationId, IReadOnlySet<string> Roles, string? IpAddress)
{
    public const string OrganisationClaim = "trading:org";

    public bool IsIn(params string[] roles) => roles.Any(Roles.Contains);
    public bool IsOversight => IsIn(Data.Roles.CentreStaff, Data.Roles.Supervisor, Data.Roles.Admin);

    /// <summary>The tender's own side: a user of its owner unit, or of the agency acting for it.</summary>
    public bool IsOwnerSideOf(Guid ownerOrganisationId, Guid? agentOrganisationId) =>
        IsIn(Data.Roles.Owner, Data.Roles.Agent) && (OrganisationId == ownerOrganisationId || OrganisationId == agentOrganisationId);

    /// <inheritdoc cref="IsOwnerSideOf(Guid, Guid?)"/>
    public bool IsOwnerSideOf(Domain.Tender t) => IsOwnerSideOf(t.OwnerOrganisationId, t.AgentOrganisationId);

    public static Actor? From(HttpContext http)
    {
        var u = http.User;
        if (u.Identity?.IsAuthenticated != true) return null;
        if (!Guid.TryParse(u.FindFirstValue(ClaimTypes.NameIdentifier), out var id)) return null;
        if (!Guid.TryParse(u.FindFirstValue(OrganisationClaim), out var org)) return null;
        var roles = u.FindAll(ClaimTypes.Role).Select(c => c.Value).ToHashSet(StringComparer.Ordinal);
        return new Actor(id, u.Identity.Name ?? "", org, roles, http.Connection.RemoteIpAddress?.ToString());
    }
}
/// <summary>Adds the organisation id to the sign-in cookie and bearer token, so every request knows it.</summary>
public sealed class AppClaimsFactory(
    Microsoft.AspNetCore.Identity.UserManager<AppUser> users,
    Microsoft.AspNetCore.Identity.RoleManager<Microsoft.AspNetCore.Identity.IdentityRole<Guid>> roles,
    Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Identity.IdentityOptions> options)
    : Microsoft.AspNetCore.Identity.UserClaimsPrincipalFactory<AppUser, Microsoft.AspNetCore.Identity.IdentityRole<Guid>>(users, roles, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(AppUser user)
    {
        var id = await base.GenerateClaimsAsync(user);
        id.AddClaim(new Claim(Actor.OrganisationClaim, user.OrganisationId.ToString()));
        id.AddClaim(new Claim("trading:display", user.DisplayName));
        return id;
    }
}
