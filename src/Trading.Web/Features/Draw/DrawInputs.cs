using Trading.Data;
using Trading.Domain;
using Trading.Domain.Experts;
using Trading.ExpertPool;
using Trading.Web.Features.Experts;
using Trading.Web.Features.Notifications;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Draw;

public sealed class StratumInput
{
    public string? Stratum { get; set; }
    public StratumKind Kind { get; set; }
    /// <summary>Comma-separated patterns "category/field" or "category/*".</summary>
    public string? Specialties { get; set; }
    public int Count { get; set; }
    public RegionRuleMode? RegionMode { get; set; }
    /// <summary>Comma-separated region codes for the region rule.</summary>
    public string? Regions { get; set; }
    /// <summary>The page's pickers; joined into <see cref="Specialties"/> and <see cref="Regions"/> before the request is made.</summary>
    public List<string> SpecialtyPicks { get; set; } = [];
    public List<string> RegionPicks { get; set; } = [];
}

public sealed class DrawRequestInput
{
    public Guid TenderId { get; set; }
    public Guid LotId { get; set; }
    public string EvaluationRoom { get; set; } = "";
    /// <summary>Centre local time (Asia/Shanghai).</summary>
    public DateTime StartsAtLocal { get; set; }
    public DateTime EndsAtLocal { get; set; }
    public int CommitteeSize { get; set; } = 5;
    public int OwnerRepresentativeSeats { get; set; }
    public string? BeaconRound { get; set; }
    public int? ResponseWindowHours { get; set; }
    public List<StratumInput> Strata { get; set; } = [];
}

/// <summary>A seat of the committee as a given reader may see it: the name only when they are entitled to it.</summary>
/// <param name="DemoSignIn">On a demo deployment only, for those who may see identities: the seated expert's demo account, so
/// a newcomer knows whom to sign in as to answer the invitation (a real deployment never shows it).</param>
public sealed record SeatView(string Stratum, string Pseudonym, CommitteeMemberStatus? Status, string? Name, string? RegistrationNumber, DateTime? RespondBy, string? DeclineReason, Guid? MemberId,
    string? DemoSignIn = null);

/// <summary>An exclusion from the eligible list with its reasons (confidential: supervisors and centre).</summary>
public sealed record ExclusionView(string RegistrationNumber, string Name, IReadOnlyList<string> Reasons, IReadOnlyList<string> Codes);

public sealed record DrawView(
    EvaluationSession Session, Tender Tender, Lot Lot, DrawRecord Record, string? Office, bool CanSeeIdentities, bool CanSeeScreening,
    IReadOnlyList<SeatView> Seats, IReadOnlyList<ExclusionView>? Exclusions, IReadOnlyList<(string Stratum, int Needed, int Eligible)> Counts);

/// <summary>The screening stored with a session (confidential): expert ids are pool registration numbers.</summary>
public sealed record StoredScreening(IReadOnlyList<StoredEligible> Eligible, IReadOnlyList<StoredExclusion> Excluded, IReadOnlyList<StoredCount> Counts);
public sealed record StoredEligible(string ExpertId, IReadOnlyList<string> Strata);
public sealed record StoredExclusion(string ExpertId, IReadOnlyList<StoredReason> Reasons);
public sealed record StoredReason(string Code, IReadOnlyDictionary<string, string> Args);
public sealed record StoredCount(string Stratum, int Needed, int Eligible);
