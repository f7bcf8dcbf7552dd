using Trading.ExpertPool;

namespace Trading.Domain.Experts;

/// <summary>
/// An expert in the expert pool (评标专家库), tied to the user account (role Expert) they sign in with.
/// The resident ID number is kept only in protected (encrypted) form; <see cref="IdNumberHint"/> is the
/// masked form shown on pages so lists never need to decrypt it.
/// </summary>
public class PoolExpert
{
    public Guid Id { get; set; } = Guid.NewGuid();
    /// <summary>The AppUser (role Expert) who is this expert; one profile per user.</summary>
    public Guid UserId { get; set; }
    /// <summary>The pool's registration number, e.g. ZJ-0001: the expert id draws derive pseudonyms from (never the ID number).</summary>
    public string RegistrationNumber { get; set; } = "";
    public string Name { get; set; } = "";
    /// <summary>ID number protected with ASP.NET Data Protection.</summary>
    public string ProtectedIdNumber { get; set; } = "";
    /// <summary>Masked ID number, e.g. 3501**********123X.</summary>
    public string IdNumberHint { get; set; } = "";
    public string? Phone { get; set; }
    public string? Email { get; set; }
    public DateOnly BirthDate { get; set; }
    /// <summary>Current employer when it is an organisation known to the platform (conflicts are checked against it).</summary>
    public Guid? EmployerOrganisationId { get; set; }
    public string? EmployerName { get; set; }
    public ExpertTitle Title { get; set; }
    public DateOnly PracticeSince { get; set; }
    /// <summary>Hierarchical region code, e.g. "fj/fz/gl".</summary>
    public string Region { get; set; } = "";
    public ExpertStatus Status { get; set; } = ExpertStatus.Active;
    /// <summary>For a suspension: when it ends (UTC); the expert is active again afterwards.</summary>
    public DateTime? SuspendedUntil { get; set; }
    public string? StatusReason { get; set; }
    /// <summary>Specialty codes "category/field" in the two-level classification.</summary>
    public List<string> Specialties { get; set; } = [];
    public List<ExpertEmployment> Employments { get; set; } = [];
    public List<ExpertRelationship> Relationships { get; set; } = [];
    public List<ExpertRegistryLink> RegistryLinks { get; set; } = [];
    public List<ExpertUnavailability> Unavailable { get; set; } = [];
    public DateTime UpdatedAt { get; set; }
    /// <summary>Optimistic concurrency: staff and the expert editing at once cannot overwrite each other.</summary>
    public Guid Version { get; set; } = Guid.NewGuid();

    /// <summary>Status on a given instant: a suspension that has run out no longer counts.</summary>
    public ExpertStatus StatusAt(DateTime nowUtc) =>
        Status == ExpertStatus.Suspended && SuspendedUntil is { } until && until <= nowUtc ? ExpertStatus.Active : Status;
}

/// <summary>Past or present employment. A party known to the platform is named by its organisation id.</summary>
public class ExpertEmployment
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid ExpertId { get; set; }
    public Guid? OrganisationId { get; set; }
    public string EmployerName { get; set; } = "";
    public DateOnly From { get; set; }
    public DateOnly? To { get; set; }
}

/// <summary>A relationship the expert declared with a firm or owner.</summary>
public class ExpertRelationship
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid ExpertId { get; set; }
    public Guid? OrganisationId { get; set; }
    public string PartyName { get; set; } = "";
    public RelationshipKind Kind { get; set; }
    public string? Note { get; set; }
}

/// <summary>A link between the expert and a party found in business-registry data (maintained by staff).</summary>
public class ExpertRegistryLink
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid ExpertId { get; set; }
    public Guid? OrganisationId { get; set; }
    public string PartyName { get; set; } = "";
    public RegistryLinkKind Kind { get; set; }
}

/// <summary>Days the expert declared they cannot serve (inclusive).</summary>
public class ExpertUnavailability
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid ExpertId { get; set; }
    public DateOnly From { get; set; }
    public DateOnly To { get; set; }
    public string? Note { get; set; }
}
