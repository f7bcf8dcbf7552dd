namespace Trading.Domain.Bidding;

/// <summary>
/// An officer of a key-holding organisation (supervision office, centre, an owner): a person who may act for the
/// holder in every ceremony of that organisation. Its transport key pair is made in its own browser or by the CLI;
/// the server keeps the public point and the private key only sealed under the officer's passphrase (Argon2id +
/// AES-GCM, made on the officer's machine), which it cannot open. Shares dealt to the holder are encrypted to every
/// active officer, so any one of them can act and one absent or forgetful officer loses nothing.
/// </summary>
public class HolderOfficer
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid OrganisationId { get; set; }
    public Guid UserId { get; set; }
    /// <summary>The officer's transport key, 65-byte uncompressed P-256 point.</summary>
    public byte[] TransportPoint { get; set; } = [];
    /// <summary>The transport key sealed on the officer's machine (Trading.Crypto SealedShare JSON); never opened here.</summary>
    public string SealedTransportKeyJson { get; set; } = "";
    public DateTime EnrolledAt { get; set; }
    /// <summary>Who made the enrolment effective: the officer itself when it was the organisation's first, else an existing officer.</summary>
    public Guid? AddedByUserId { get; set; }
    public DateTime? AddedAt { get; set; }
    public Guid? RemovedByUserId { get; set; }
    public DateTime? RemovedAt { get; set; }
    public bool IsActive => AddedAt is not null && RemovedAt is null;
    public Guid Version { get; set; } = Guid.NewGuid();
}

/// <summary>
/// One holder's dealing as relayed: its Feldman commitments with the Schnorr proof (public) and its shares, each
/// encrypted to one officer of the recipient holder (Trading.Crypto HolderDealing JSON). Shares re-encrypted later to
/// an officer added afterwards are appended to the same list by an existing officer of the recipient holder.
/// </summary>
public class CeremonyDealing
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid KeyCeremonyId { get; set; }
    public int DealerIndex { get; set; }
    public Guid DealtByOfficerId { get; set; }
    public string CommitmentJson { get; set; } = "";
    public string SharesJson { get; set; } = "";
    /// <summary>SHA-256 of the commitment bound to the ceremony: what acknowledgements name.</summary>
    public string CommitmentHashHex { get; set; } = "";
    public DateTime PostedAt { get; set; }
    public Guid Version { get; set; } = Guid.NewGuid();
}

/// <summary>A recipient holder's signed acknowledgement that the share a dealer sent it matches the commitments.</summary>
public class CeremonyAcknowledgement
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid KeyCeremonyId { get; set; }
    public Guid DealingId { get; set; }
    public int DealerIndex { get; set; }
    public int RecipientIndex { get; set; }
    public Guid OfficerId { get; set; }
    /// <summary>Trading.Crypto ShareAcknowledgement JSON: anyone can check its signature against the officer's point.</summary>
    public string Json { get; set; } = "";
    public DateTime PostedAt { get; set; }
}

/// <summary>Rules of holder-side custody (officers, relayed dealing, health checks).</summary>
public static class CustodyRules
{
    /// <summary>The least Argon2id cost of a sealed transport key, in every environment.</summary>
    public const int MinArgon2MemoryKiB = 64 * 1024;
    public const int MinArgon2Iterations = 3;
    /// <summary>The least passphrase length the holder module accepts (checked on the officer's machine, with a strength estimate).</summary>
    public const int MinPassphraseLength = 16;

    public const string NotOfficer = "Rule.Custody.NotOfficer";
    public const string OfficerRemoved = "Rule.Custody.OfficerRemoved";
    public const string OfficerPending = "Rule.Custody.OfficerPending";
    public const string AlreadyOfficer = "Rule.Custody.AlreadyOfficer";
    public const string SealedKeyInvalid = "Rule.Custody.SealedKeyInvalid";
    public const string WeakArgon2 = "Rule.Custody.WeakArgon2";
    public const string TransportKeyInUse = "Rule.Custody.TransportKeyInUse";
    public const string OtherHolder = "Rule.Custody.OtherHolder";
    public const string HolderAlreadyDealt = "Rule.Custody.HolderAlreadyDealt";
    public const string RosterIncomplete = "Rule.Custody.RosterIncomplete";
    public const string DealingInvalid = "Rule.Custody.DealingInvalid";
    public const string DealingUnknown = "Rule.Custody.DealingUnknown";
    public const string AcknowledgementInvalid = "Rule.Custody.AcknowledgementInvalid";
    public const string AlreadyAcknowledged = "Rule.Custody.AlreadyAcknowledged";
    public const string NotYourKey = "Rule.Custody.NotYourKey";
    public const string ComplaintFalse = "Rule.Custody.ComplaintFalse";
    public const string CeremonyComplete = "Rule.Custody.CeremonyComplete";
    public const string RemoveOnlySupervisor = "Rule.Custody.RemoveOnlySupervisor";
    public const string LastOfficer = "Rule.Custody.LastOfficer";
    public const string ReencryptionInvalid = "Rule.Custody.ReencryptionInvalid";
    public const string HealthCheckInvalid = "Rule.Custody.HealthCheckInvalid";
    public const string BodyTooLarge = "Rule.Custody.BodyTooLarge";
    public const string BodyMalformed = "Rule.Custody.BodyMalformed";
    public const string FormTokenInvalid = "Rule.Custody.FormTokenInvalid";
}
