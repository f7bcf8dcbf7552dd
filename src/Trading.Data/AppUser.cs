using Microsoft.AspNetCore.Identity;
using Trading.Domain;

namespace Trading.Data;

public class AppUser : IdentityUser<Guid>
{
    public string DisplayName { get; set; } = "";
    public Guid OrganisationId { get; set; }
    public Organisation? Organisation { get; set; }
    /// <summary>"zh-CN" or "en"; the culture cookie follows it at sign-in so the choice survives devices.</summary>
    public string? PreferredCulture { get; set; }
}

public static class Roles
{
    public const string Owner = "Owner";
    public const string Agent = "Agent";
    public const string Bidder = "Bidder";
    public const string Expert = "Expert";
    public const string CentreStaff = "CentreStaff";
    public const string Supervisor = "Supervisor";
    public const string Admin = "Admin";

    public static readonly string[] All = [Owner, Agent, Bidder, Expert, CentreStaff, Supervisor, Admin];
}
