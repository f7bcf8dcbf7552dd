namespace Trading.Domain;

/// <summary>
/// What an administrator may create and give: which organisations are made by hand (bidder firms register
/// themselves and are filed by the centre and the supervision office), which roles fit which kind of organisation,
/// and the limits on one administrator acting on accounts. One place for these rules; pages and the API call them.
/// </summary>
public static class Administration
{
    public const string AdminOnly = "Rule.Admin.AdminOnly";
    public const string KindNotManaged = "Rule.Admin.KindNotManaged";
    public const string NameRequired = "Rule.Admin.NameRequired";
    public const string TooLong = "Rule.Admin.TooLong";
    public const string DuplicateName = "Rule.Admin.DuplicateName";
    public const string UserNameInvalid = "Rule.Admin.UserNameInvalid";
    public const string UserNameTaken = "Rule.Admin.UserNameTaken";
    public const string RoleNotForKind = "Rule.Admin.RoleNotForKind";
    public const string NoRole = "Rule.Admin.NoRole";
    public const string NotYourself = "Rule.Admin.NotYourself";
    public const string LastAdmin = "Rule.Admin.LastAdmin";
    public const string AlreadyInactive = "Rule.Admin.AlreadyInactive";
    public const string AlreadyActive = "Rule.Admin.AlreadyActive";
    public const string ReasonRequired = "Rule.Admin.ReasonRequired";
    public const string Inactive = "Rule.Admin.Inactive";
    public const string ResetLinkInvalid = "Rule.Admin.ResetLinkInvalid";
    public const string PasswordsDiffer = "Rule.Admin.PasswordsDiffer";
    public const string CodeRequired = "Rule.Admin.CodeRequired";

    public const int MaxName = 200;
    public const int MaxReason = 500;

    /// <summary>
    /// The roles each kind of organisation's users may hold. Bidder firms and their users come through self-registration
    /// and dual filing, never by an administrator's hand, so a firm cannot be conjured past the filing.
    /// </summary>
    private static readonly Dictionary<OrganisationKind, string[]> RolesByKind = new()
    {
        [OrganisationKind.TradingCentre] = ["CentreStaff", "Admin"],
        [OrganisationKind.SupervisionOffice] = ["Supervisor"],
        [OrganisationKind.OwnerUnit] = ["Owner"],
        [OrganisationKind.Agency] = ["Agent"],
        [OrganisationKind.ExpertPool] = ["Expert"],
    };

    /// <summary>The kinds of organisation an administrator creates and staffs.</summary>
    public static IReadOnlyCollection<OrganisationKind> ManagedKinds => RolesByKind.Keys;

    public static IReadOnlyList<string> RolesFor(OrganisationKind kind) => RolesByKind.TryGetValue(kind, out var r) ? r : [];

    /// <summary>A new organisation's fields: a managed kind, a name, and the credit code owner units and agencies must have.</summary>
    public static IReadOnlyList<RuleViolation> CheckOrganisation(OrganisationKind kind, string? name, string? creditCode)
    {
        var problems = new List<RuleViolation>();
        if (!RolesByKind.ContainsKey(kind)) problems.Add(new RuleViolation(KindNotManaged));
        var n = (name ?? "").Trim();
        if (n.Length == 0) problems.Add(new RuleViolation(NameRequired));
        else if (n.Length > MaxName) problems.Add(new RuleViolation(TooLong, MaxName));
        // Owner units and agencies are legal persons that sign contracts and answer for tenders: their code is checked.
        if (kind is OrganisationKind.OwnerUnit or OrganisationKind.Agency && UnifiedSocialCreditCode.Validate(creditCode) is { } bad) problems.Add(bad);
        return problems;
    }

    /// <summary>
    /// A user name as people type it at sign-in: 3 to 64 letters, digits, '.', '_', '-' or '@'
    /// (no spaces, so the name in a log or a list is never ambiguous).
    /// </summary>
    public static RuleViolation? CheckUserName(string? userName)
    {
        var u = (userName ?? "").Trim();
        return u.Length is >= 3 and <= 64 && u.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or '@')
            ? null : new RuleViolation(UserNameInvalid);
    }

    /// <summary>Roles given to a user of an organisation of this kind: at least one, each allowed for the kind.</summary>
    public static RuleViolation? CheckRoles(OrganisationKind kind, IReadOnlyCollection<string> roles)
    {
        if (roles.Count == 0) return new RuleViolation(NoRole);
        var allowed = RolesFor(kind);
        return roles.FirstOrDefault(r => !allowed.Contains(r)) is { } wrong ? new RuleViolation(RoleNotForKind, wrong, string.Join(", ", allowed)) : null;
    }

    /// <summary>
    /// An administrator neither deactivates nor strips the administrator role from their own account, and the last
    /// active administrator stays: otherwise nobody could manage accounts any more.
    /// </summary>
    public static RuleViolation? CheckRemovesAdmin(Guid actorId, Guid targetId, bool targetIsAdmin, int activeAdmins)
    {
        if (actorId == targetId) return new RuleViolation(NotYourself);
        if (targetIsAdmin && activeAdmins <= 1) return new RuleViolation(LastAdmin);
        return null;
    }

    public static RuleViolation? CheckReason(string? reason)
    {
        var r = (reason ?? "").Trim();
        if (r.Length == 0) return new RuleViolation(ReasonRequired);
        return r.Length > MaxReason ? new RuleViolation(TooLong, MaxReason) : null;
    }
}
