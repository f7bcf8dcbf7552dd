namespace Trading.Domain.Integrity;

public enum ScreenRunStatus { Queued = 0, Running = 1, Completed = 2, Failed = 3 }

public enum FindingGrade { Lead = 0, Conclusive = 1 }

public enum FindingDecision { Confirmed = 1, Dismissed = 2 }

/// <summary>
/// One run of the collusion screens (Trading.Integrity) over one tender: queued after an opening or by a supervisor,
/// picked up by the screening job. Per-lot results (screens that could not run, skipped attachments, price screens) are
/// kept as JSON because they are only ever shown, never queried.
/// </summary>
public class ScreenRun
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid TenderId { get; set; }
    /// <summary>"opening" (queued by the job after an opening), "archive" (queued by the archive act), "manual" (a supervisor) or "demo".</summary>
    public string Trigger { get; set; } = "";
    public Guid? RequestedByUserId { get; set; }
    public ScreenRunStatus Status { get; set; }
    public DateTime QueuedAt { get; set; }
    public DateTime? StartedAt { get; set; }
    public DateTime? CompletedAt { get; set; }
    /// <summary>Progress for the page: lots screened of <see cref="LotCount"/>, and the stage the run is in.</summary>
    public int LotCount { get; set; }
    public int LotsDone { get; set; }
    public string? Stage { get; set; }
    public int BidCount { get; set; }
    public int HistoryLots { get; set; }
    /// <summary>Per lot: outcomes of every screen, notes on skipped input, price screen values (<c>IntegrityRunDetails</c> JSON).</summary>
    public string? DetailsJson { get; set; }
    /// <summary>Why the run failed (an exception type and message, for operators; never shown to bidders).</summary>
    public string? Error { get; set; }
}

/// <summary>
/// A finding of the screens for one lot. Identified across runs by the library's stable <c>Finding.Id</c> (its hash is
/// unique per lot), so a re-run refreshes the evidence of the same finding and keeps the supervisor's decision.
/// </summary>
public class IntegrityFinding
{
    public const int MaxReason = 2000;

    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid TenderId { get; set; }
    public Guid LotId { get; set; }
    /// <summary>The library's Finding.Id ("indicator|basis|lot|firms").</summary>
    public string FindingKey { get; set; } = "";
    /// <summary>SHA-256 of <see cref="FindingKey"/>: unique per lot (the key itself can be long).</summary>
    public string FindingKeyHash { get; set; } = "";
    public string IndicatorId { get; set; } = "";
    public string Basis { get; set; } = "";
    public FindingGrade Grade { get; set; }
    /// <summary>Firm (organisation) ids, comma-separated, sorted.</summary>
    public string FirmIds { get; set; } = "";
    public string EvidenceJson { get; set; } = "[]";
    /// <summary>SHA-256 of the evidence JSON: a decision stands for the evidence it was made on.</summary>
    public string EvidenceSha256 { get; set; } = "";
    /// <summary>Message key of Trading.Integrity's table, and its arguments (JSON list), rendered in the viewer's language.</summary>
    public string ExplanationKey { get; set; } = "";
    public string ExplanationArgsJson { get; set; } = "[]";
    public double Score { get; set; }
    public Guid FirstRunId { get; set; }
    public Guid LastRunId { get; set; }
    public DateTime FirstFoundAt { get; set; }
    public DateTime LastFoundAt { get; set; }
    public FindingDecision? Decision { get; set; }
    public string? DecisionReason { get; set; }
    public DateTime? DecidedAt { get; set; }
    public Guid? DecidedByUserId { get; set; }
    public string? DecidedByName { get; set; }
    /// <summary>The evidence hash the decision was made on; a later run with other evidence reopens the finding.</summary>
    public string? DecidedEvidenceSha256 { get; set; }
    public Guid Version { get; set; } = Guid.NewGuid();

    public IReadOnlyList<Guid> Firms => FirmIds.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(Guid.Parse).ToList();
}

/// <summary>Every decision on a finding, kept: a reopened finding's earlier decision stays on file.</summary>
public class IntegrityDecision
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid FindingId { get; set; }
    public FindingDecision Decision { get; set; }
    public string Reason { get; set; } = "";
    public string EvidenceSha256 { get; set; } = "";
    public DateTime DecidedAt { get; set; }
    public Guid DecidedByUserId { get; set; }
    public string DecidedByName { get; set; } = "";
}

/// <summary>Rule codes of the collusion screens' pages; texts in both languages in the web app's resources.</summary>
public static class IntegrityRules
{
    public const string ReasonRequired = "Rule.Integrity.ReasonRequired";
    public const string AlreadyDecided = "Rule.Integrity.AlreadyDecided";
    public const string DecisionUnknown = "Rule.Integrity.DecisionUnknown";
    public const string NotConfirmed = "Rule.Integrity.NotConfirmed";
    public const string FirmNotInFinding = "Rule.Integrity.FirmNotInFinding";
    public const string AlreadyRecorded = "Rule.Integrity.AlreadyRecorded";
    public const string NotOpened = "Rule.Integrity.NotOpened";
    public const string RunPending = "Rule.Integrity.RunPending";
    /// <summary>Past results are imported by the supervision office only.</summary>
    public const string HistorySupervisorOnly = "Rule.Integrity.HistorySupervisorOnly";
    /// <summary>No file, or a file that is neither .csv nor .json.</summary>
    public const string HistoryFileType = "Rule.Integrity.HistoryFileType";
    public const string HistoryTooLarge = "Rule.Integrity.HistoryTooLarge";
    /// <summary>The file is not a history at all (no header, a required column missing, not OCDS); the argument says which.</summary>
    public const string HistoryNotReadable = "Rule.Integrity.HistoryNotReadable";
    /// <summary>Read, but not one usable lot in it.</summary>
    public const string HistoryEmpty = "Rule.Integrity.HistoryEmpty";
    /// <summary>The same file (by SHA-256) is already imported: its lots would count twice.</summary>
    public const string HistoryDuplicate = "Rule.Integrity.HistoryDuplicate";
}
