namespace Trading.Domain.Certificates;

/// <summary>
/// A stored record the centre sealed while the external time-stamping authority gave no time-stamp (down, slow or a bad
/// answer): the record was issued all the same, and the platform stamps its seal when the authority is back
/// (SealStampJob). The issued file and its logged hash stay as they were; the stamped copy is stored beside it, and its
/// hash is logged (<c>seal.time-stamped</c>) beside the issued one.
/// </summary>
public class SealStamp
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid TenderId { get; set; }
    /// <summary>What the record is: <see cref="EvaluationReport"/> or <see cref="AwardNotice"/>.</summary>
    public string Kind { get; set; } = "";
    /// <summary>The record's id (the evaluation report's or the notice's).</summary>
    public Guid RecordId { get; set; }
    public string IssuedStorageKey { get; set; } = "";
    public string IssuedSha256 { get; set; } = "";
    public DateTime IssuedAt { get; set; }
    /// <summary>How often the authority was asked since, and when last.</summary>
    public int Attempts { get; set; }
    public DateTime? LastAttemptAt { get; set; }
    /// <summary>When the stamped copy was stored (null while the record waits for its stamp).</summary>
    public DateTime? StampedAt { get; set; }
    public string? StampedStorageKey { get; set; }
    public string? StampedSha256 { get; set; }
    /// <summary>The time-stamp's own time (genTime) and the authority's name.</summary>
    public DateTime? StampTime { get; set; }
    public string? TsaSubject { get; set; }
    /// <summary>The <c>seal.time-stamped</c> log entry.</summary>
    public long? LogIndex { get; set; }

    public const string EvaluationReport = "evaluation-report";
    public const string AwardNotice = "award-notice";
}
