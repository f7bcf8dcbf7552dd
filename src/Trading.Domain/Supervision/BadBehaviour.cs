namespace Trading.Domain.Supervision;

public enum SanctionSubjectKind { Firm = 1, Expert = 2, Agent = 3 }

public enum SanctionKind { Warning = 1, Suspension = 2 }

public enum AppealDecision { Upheld = 1, Overturned = 2, Reduced = 3 }

/// <summary>
/// A bad-behaviour record (不良行为记录): who, what happened, which rule, the evidence, and the sanction. A
/// suspension bars the subject from trading from <see cref="SuspensionStart"/> to <see cref="SuspensionEnd"/>
/// unless an appeal overturns or shortens it. Records are never deleted; appeals are added to them.
/// </summary>
public class BadBehaviourRecord
{
    public const int MaxText = 4000;

    public Guid Id { get; set; } = Guid.NewGuid();
    public int Year { get; set; }
    public int Sequence { get; set; }
    /// <summary>e.g. "2026-003": year and sequence, numbered under the log lock.</summary>
    public string Number { get; set; } = "";
    public SanctionSubjectKind SubjectKind { get; set; }
    /// <summary>The organisation id of a firm or agent; the user id of an expert (PoolExpert.UserId).</summary>
    public Guid SubjectId { get; set; }
    /// <summary>The name when recorded, so the record reads the same after a firm renames itself.</summary>
    public string SubjectName { get; set; } = "";
    public string Facts { get; set; } = "";
    public string RuleBroken { get; set; } = "";
    public string? EvidenceText { get; set; }
    /// <summary>A collusion finding this record rests on, as its id or reference (free text until findings exist).</summary>
    public string? CollusionFindingRef { get; set; }
    public string? EvidenceFileName { get; set; }
    public string? EvidenceContentType { get; set; }
    public long EvidenceLength { get; set; }
    public string? EvidenceSha256 { get; set; }
    public string? EvidenceStorageKey { get; set; }
    public SanctionKind Sanction { get; set; }
    public DateTime? SuspensionStart { get; set; }
    public DateTime? SuspensionEnd { get; set; }
    public string? SuspensionReason { get; set; }
    public DateTime RecordedAt { get; set; }
    public Guid RecordedByUserId { get; set; }
    public string RecordedByName { get; set; } = "";
    public List<SanctionAppeal> Appeals { get; set; } = [];

    /// <summary>The end after appeals: none when overturned, the shortened end when reduced.</summary>
    public DateTime? EffectiveEnd
    {
        get
        {
            if (Sanction != SanctionKind.Suspension) return null;
            var last = Appeals.Where(a => a.Decision is not null).OrderBy(a => a.DecidedAt).LastOrDefault();
            return last?.Decision switch
            {
                AppealDecision.Overturned => null,
                AppealDecision.Reduced => last.ReducedEnd,
                _ => SuspensionEnd,
            };
        }
    }

    public bool Overturned => Appeals.Where(a => a.Decision is not null).OrderBy(a => a.DecidedAt).LastOrDefault()?.Decision == AppealDecision.Overturned;

    public bool SuspendsAt(DateTime utc) =>
        Sanction == SanctionKind.Suspension && SuspensionStart is { } s && s <= utc && EffectiveEnd is { } e && utc < e;

    /// <summary>Every reason the record cannot be saved as it stands.</summary>
    public IEnumerable<RuleViolation> Validate()
    {
        if (SubjectId == Guid.Empty || !Enum.IsDefined(SubjectKind))
            yield return new RuleViolation(SupervisionRules.RecordSubject);
        if (string.IsNullOrWhiteSpace(Facts))
            yield return new RuleViolation(SupervisionRules.RecordFacts);
        if (string.IsNullOrWhiteSpace(RuleBroken))
            yield return new RuleViolation(SupervisionRules.RecordRule);
        if (Facts.Length > MaxText || RuleBroken.Length > 500 || (EvidenceText?.Length ?? 0) > MaxText
            || (SuspensionReason?.Length ?? 0) > 1000 || (CollusionFindingRef?.Length ?? 0) > 200)
            yield return new RuleViolation(SupervisionRules.RecordTooLong, MaxText);
        if (Sanction == SanctionKind.Suspension)
        {
            if (string.IsNullOrWhiteSpace(SuspensionReason))
                yield return new RuleViolation(SupervisionRules.SuspensionReason);
            if (SuspensionStart is null || SuspensionEnd is null)
                yield return new RuleViolation(SupervisionRules.SuspensionDates);
            else if (SuspensionEnd <= SuspensionStart)
                yield return new RuleViolation(SupervisionRules.SuspensionOrder, SuspensionStart.Value, SuspensionEnd.Value);
        }
        else if (Sanction == SanctionKind.Warning)
        {
            if (SuspensionStart is not null || SuspensionEnd is not null)
                yield return new RuleViolation(SupervisionRules.WarningHasDates);
        }
        else yield return new RuleViolation(SupervisionRules.RecordSubject);
    }
}

/// <summary>An appeal against a record (复议/申诉) and, once decided, its outcome.</summary>
public class SanctionAppeal
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid RecordId { get; set; }
    public DateTime LodgedAt { get; set; }
    public string Grounds { get; set; } = "";
    public AppealDecision? Decision { get; set; }
    public DateTime? DecidedAt { get; set; }
    /// <summary>The new end of the suspension when the decision reduces it.</summary>
    public DateTime? ReducedEnd { get; set; }
    public string? DecisionReason { get; set; }
    public Guid RecordedByUserId { get; set; }
    public string RecordedByName { get; set; } = "";
}

/// <summary>The last colour the supervision job saw for one limit of one tender or firm.</summary>
public class LimitState
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public string LimitCode { get; set; } = "";
    /// <summary>"tender" or "firm" (or another feature's subject).</summary>
    public string SubjectKind { get; set; } = "";
    public Guid SubjectId { get; set; }
    public Guid? TenderId { get; set; }
    public DateTime StartAt { get; set; }
    public DateTime DueAt { get; set; }
    public DateTime? EndAt { get; set; }
    public LimitColour Colour { get; set; }
    public DateTime ChangedAt { get; set; }
}

/// <summary>A change of colour, kept for good: the yearly counts per organisation are read from here.</summary>
public class LimitColourChange
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public string LimitCode { get; set; } = "";
    public string SubjectKind { get; set; } = "";
    public Guid SubjectId { get; set; }
    public Guid? TenderId { get; set; }
    /// <summary>The owner unit of a tender, or the office (centre, supervision) for its own limits.</summary>
    public Guid? ResponsibleOrganisationId { get; set; }
    /// <summary>The tendering agent of a tender, counted alongside the owner.</summary>
    public Guid? AgentOrganisationId { get; set; }
    public LimitColour From { get; set; }
    public LimitColour To { get; set; }
    /// <summary>When the threshold was crossed (may be before the job noticed).</summary>
    public DateTime CrossedAt { get; set; }
    public DateTime RecordedAt { get; set; }
    public DateTime DueAt { get; set; }
    public bool Completed { get; set; }
}

/// <summary>A setting the centre edits on a page (the holiday calendar, the thresholds), stored as JSON.</summary>
public class SupervisionSetting
{
    public string Key { get; set; } = "";
    public string Json { get; set; } = "";
    public DateTime UpdatedAt { get; set; }
    public string UpdatedBy { get; set; } = "";
}
