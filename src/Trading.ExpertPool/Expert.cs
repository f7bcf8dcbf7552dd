namespace Trading.ExpertPool;

/// <summary>Professional title grade (职称). Order matters: a higher value is a more senior title.</summary>
public enum ExpertTitle
{
    /// <summary>No recognised title.</summary>
    None = 0,
    /// <summary>Junior title (初级).</summary>
    Junior = 1,
    /// <summary>Intermediate title (中级).</summary>
    Intermediate = 2,
    /// <summary>Deputy senior title (副高级).</summary>
    Senior = 3,
    /// <summary>Full senior title (正高级).</summary>
    FullSenior = 4,
}

/// <summary>Standing of an expert in the pool.</summary>
public enum ExpertStatus
{
    /// <summary>May be drawn.</summary>
    Active,
    /// <summary>Suspended by the supervision office; never drawn.</summary>
    Suspended,
    /// <summary>Retired (set by staff, or implied by reaching the configured age).</summary>
    Retired,
}

/// <summary>How an expert can be reached. Never part of any draw record.</summary>
public sealed record ExpertContact(string? Phone, string? Email);

/// <summary>One period of employment; <paramref name="To"/> is null while it lasts.</summary>
public sealed record Employment(string EmployerId, DateOnly From, DateOnly? To);

/// <summary>Kinds of relationship an expert declares with a firm or owner.</summary>
public enum RelationshipKind
{
    /// <summary>Holds shares or another financial interest.</summary>
    FinancialInterest,
    /// <summary>Close relative works there or owns it.</summary>
    Relative,
    /// <summary>Paid adviser or consultant.</summary>
    Consultant,
    /// <summary>Any other declared interest.</summary>
    Other,
}

/// <summary>A relationship the expert declared with a party (firm or owner).</summary>
public sealed record DeclaredRelationship(string PartyId, RelationshipKind Kind, string? Note = null);

/// <summary>Kinds of link found in the business registry between an expert and a party.</summary>
public enum RegistryLinkKind
{
    /// <summary>Registered shareholder.</summary>
    Shareholder,
    /// <summary>Registered legal representative.</summary>
    LegalRepresentative,
    /// <summary>Director, supervisor or senior manager on record.</summary>
    Officer,
    /// <summary>Shares a registered phone, e-mail or address with the party.</summary>
    SharedContact,
}

/// <summary>A link between the expert and a party found in registry data.</summary>
public sealed record RegistryLink(string PartyId, RegistryLinkKind Kind);

/// <summary>An inclusive range of calendar days.</summary>
public sealed record DayRange(DateOnly From, DateOnly To)
{
    /// <summary>True when <paramref name="day"/> lies in the range, ends included.</summary>
    public bool Contains(DateOnly day) => day >= From && day <= To;
}

/// <summary>
/// An expert in the pool (评标专家). The ID number is held only in the protected form the
/// application stores (encrypted); this library never needs it in the clear.
/// </summary>
public sealed record Expert
{
    /// <summary>The pool's stable registration number for the expert; pseudonyms are derived from it.</summary>
    public required string Id { get; init; }
    /// <summary>Display name; confidential until the award is decided.</summary>
    public required string Name { get; init; }
    /// <summary>The resident ID number in the application's protected (encrypted) form.</summary>
    public string ProtectedIdNumber { get; init; } = "";
    /// <summary>Contact details.</summary>
    public ExpertContact Contact { get; init; } = new(null, null);
    /// <summary>Date of birth, for the retirement age.</summary>
    public required DateOnly BirthDate { get; init; }
    /// <summary>Current employer's party id, or null if none.</summary>
    public string? EmployerId { get; init; }
    /// <summary>Past and present employment.</summary>
    public IReadOnlyList<Employment> EmploymentHistory { get; init; } = [];
    /// <summary>Specialties in the two-level classification.</summary>
    public required IReadOnlyList<Specialty> Specialties { get; init; }
    /// <summary>Professional title.</summary>
    public required ExpertTitle Title { get; init; }
    /// <summary>Start of professional practice; years of experience are counted from it.</summary>
    public required DateOnly PracticeSince { get; init; }
    /// <summary>Hierarchical region code, levels separated by '/', e.g. "zj/hz/xihu".</summary>
    public required string Region { get; init; }
    /// <summary>Standing in the pool.</summary>
    public ExpertStatus Status { get; init; } = ExpertStatus.Active;
    /// <summary>Relationships the expert declared.</summary>
    public IReadOnlyList<DeclaredRelationship> Relationships { get; init; } = [];
    /// <summary>Links found in business-registry data.</summary>
    public IReadOnlyList<RegistryLink> RegistryLinks { get; init; } = [];
    /// <summary>Days the expert declared unavailable.</summary>
    public IReadOnlyList<DayRange> Unavailable { get; init; } = [];
    /// <summary>Last evaluation day the expert served for each owner (owner id to day).</summary>
    public IReadOnlyDictionary<string, DateOnly> LastDrawnForOwner { get; init; } = new Dictionary<string, DateOnly>();

    /// <summary>Whole years between <paramref name="from"/> and <paramref name="on"/>.</summary>
    internal static int WholeYears(DateOnly from, DateOnly on)
    {
        var years = on.Year - from.Year;
        if (on.Month < from.Month || (on.Month == from.Month && on.Day < from.Day))
        {
            years--;
        }
        return Math.Max(0, years);
    }
}
