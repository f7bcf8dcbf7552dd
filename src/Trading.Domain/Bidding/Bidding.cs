namespace Trading.Domain.Bidding;

/// <summary>Who holds one of the three key shares of a tender's bid-opening key.</summary>
public enum HolderRole { SupervisionOffice = 1, TradingCentre = 2, Owner = 3 }

public enum CeremonyStatus { AwaitingHolders, Complete }

/// <summary>
/// A tender's key ceremony: three holders (supervision office, centre, owner), all three needed to open.
/// Public records only: the joint key, each holder's commitment and the dealt shares encrypted to each
/// holder's transport key. The transport keys are kept sealed under the officers' passphrases.
/// </summary>
public class KeyCeremony
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid TenderId { get; set; }
    /// <summary>Bound into every proof of the ceremony, so nothing from one tender works in another.</summary>
    public string CeremonyId { get; set; } = "";
    public CeremonyStatus Status { get; set; }
    public int Threshold { get; set; } = 3;
    /// <summary>The joint key as JSON (Trading.Crypto JointKey) once complete.</summary>
    public string? JointKeyJson { get; set; }
    public string? KeyIdHex { get; set; }
    /// <summary>The holders' commitments (JSON list) and the dealt shares, each encrypted to its recipient (JSON list).</summary>
    public string? CommitmentsJson { get; set; }
    public string? EncryptedSharesJson { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? CompletedAt { get; set; }
    public DateTime? OpenedAt { get; set; }
    /// <summary>The opening transcript (partials, proofs, combinations) anyone can check with `trading verify-opening`.</summary>
    public string? TranscriptStorageKey { get; set; }
    public string? TranscriptSha256 { get; set; }
    public List<KeyHolder> Holders { get; set; } = [];
    /// <summary>Changed on every update so two officers acting at once cannot both win.</summary>
    public Guid Version { get; set; } = Guid.NewGuid();
}

public class KeyHolder
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid KeyCeremonyId { get; set; }
    public int HolderIndex { get; set; }
    public HolderRole Role { get; set; }
    public Guid OrganisationId { get; set; }
    /// <summary>The officer who set the passphrase; null until the holder has joined.</summary>
    public Guid? OfficerUserId { get; set; }
    public byte[]? TransportPoint { get; set; }
    /// <summary>The transport key sealed under the officer's passphrase (Argon2id + AES-GCM), JSON; null for a holder that keeps its share off the server.</summary>
    public string? SealedTransportKeyJson { get; set; }
    /// <summary>
    /// The holder made its transport key with the CLI and gave only the public point: the server can never rebuild
    /// its share, so it gives partials by uploading them (not mapped: follows from the two columns above).
    /// </summary>
    public bool KeepsShareOffServer => TransportPoint is not null && SealedTransportKeyJson is null;
    public DateTime? JoinedAt { get; set; }
    public DateTime? LastHealthCheckAt { get; set; }
    public int FailedPassphraseAttempts { get; set; }
    /// <summary>This holder's partial decryptions with proofs for every bid (JSON), once given at the opening.</summary>
    public string? PartialsJson { get; set; }
    public DateTime? PartialsAt { get; set; }
    /// <summary>"server" when computed from the passphrase on the ceremony page, "cli" when uploaded.</summary>
    public string? PartialsVia { get; set; }
    public Guid Version { get; set; } = Guid.NewGuid();
}

public enum BidStatus { Valid = 1, Superseded = 2, Withdrawn = 3 }

/// <summary>A sealed bid as received: the server only ever holds the envelope, never the plaintext.</summary>
public class Bid
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid TenderId { get; set; }
    public Guid LotId { get; set; }
    public Guid FirmId { get; set; }
    public Guid SubmittedByUserId { get; set; }
    public BidStatus Status { get; set; } = BidStatus.Valid;
    public string StorageKey { get; set; } = "";
    public string EnvelopeSha256 { get; set; } = "";
    public long Length { get; set; }
    public string HeaderHash { get; set; } = "";
    /// <summary>The envelope's ephemeral point R (65 bytes): what the holders partially decrypt.</summary>
    public byte[] EphemeralPoint { get; set; } = [];
    public string SignedManifestJson { get; set; } = "";
    /// <summary>The firm certificate the manifest's signature was checked against at submission (null: a per-bid key).</summary>
    public Guid? SignerCertificateId { get; set; }
    public DateTime SubmittedAt { get; set; }
    public DateTime? WithdrawnAt { get; set; }
    public string? IpAddress { get; set; }
    public string? UserAgent { get; set; }
    /// <summary>The index of the bid's sealed <c>bid.submitted</c> entry, set when the log's sequencer numbers it (see <see cref="LogTicket"/>).</summary>
    public long LogIndex { get; set; }
    /// <summary>The ticket of the queued entry (the public log's PendingLogEntries) until it is numbered, and after: which entry is this bid's.</summary>
    public Guid? LogTicket { get; set; }
    public string? ReceiptJson { get; set; }
    // Filled by the opening.
    public BidOpeningStatus? OpeningStatus { get; set; }
    public string? OpeningProblem { get; set; }
    public long? PriceFen { get; set; }
    public int? DurationDays { get; set; }
    public string? ProjectManager { get; set; }
    public string? ProjectManagerIdHash { get; set; }
    public string? BondAccount { get; set; }
    public string? KeyStaff { get; set; }
    public string? AttachmentsJson { get; set; }
    /// <summary>The decrypted bid package (ZIP) kept after a successful decryption, for the committee and the collusion screens.</summary>
    public string? PackageStorageKey { get; set; }
    public DateTime? ConfirmedAt { get; set; }
}

public enum BidOpeningStatus { Opened = 1, EnvelopeCorrupt = 2, FormInvalid = 3 }

/// <summary>A chunked upload in progress; the bytes sit in a temp file until the envelope is checked whole.</summary>
public class BidUpload
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid TenderId { get; set; }
    public Guid LotId { get; set; }
    public Guid FirmId { get; set; }
    public Guid UserId { get; set; }
    public long ExpectedLength { get; set; }
    public long Received { get; set; }
    public string TempPath { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    /// <summary>When a chunk last arrived (or completion was tried): the sweep removes only uploads idle for longer than its age.</summary>
    public DateTime? LastActivityAt { get; set; }
    public DateTime? CompletedAt { get; set; }
    /// <summary>
    /// When a completion took the upload for checking: a second completion at the same moment is told to wait instead
    /// of racing for the same temp file. Cleared when the check refuses; a stale claim (a crash) expires.
    /// </summary>
    public DateTime? CompletingAt { get; set; }
    public Guid? BidId { get; set; }
}

/// <summary>A bidder's objection to its row of the opening record (or to the opening), and the answer.</summary>
public class OpeningObjection
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid TenderId { get; set; }
    public Guid FirmId { get; set; }
    public Guid RaisedByUserId { get; set; }
    public string Text { get; set; } = "";
    public DateTime RaisedAt { get; set; }
    public string? Answer { get; set; }
    public Guid? AnsweredByUserId { get; set; }
    public DateTime? AnsweredAt { get; set; }
}

/// <summary>The structured opening form (开标一览表) inside every bid, as bid-form.json.</summary>
public sealed record OpeningForm(decimal PriceYuan, int DurationDays, string ProjectManager, string ProjectManagerId, string KeyStaff, string BondAccount);

public static class BiddingRules
{
    public const string CeremonyNotComplete = "Rule.Bid.CeremonyNotComplete";
    public const string NotKeyHolder = "Rule.Bid.NotKeyHolder";
    public const string TwoFactorRequired = "Rule.Bid.TwoFactorRequired";
    public const string PassphraseMismatch = "Rule.Bid.PassphraseMismatch";
    public const string NotPublished = "Rule.Bid.NotPublished";
    public const string UploadTooLarge = "Rule.Bid.UploadTooLarge";
    public const string UploadOffset = "Rule.Bid.UploadOffset";
    public const string UploadIncomplete = "Rule.Bid.UploadIncomplete";
    public const string UploadUnknown = "Rule.Bid.UploadUnknown";
    /// <summary>A firm keeps at most a few unfinished uploads per lot; an idle one makes room, active ones do not.</summary>
    public const string UploadQuota = "Rule.Bid.UploadQuota";
    /// <summary>Another request of the firm is completing this upload right now.</summary>
    public const string UploadCompleting = "Rule.Bid.UploadCompleting";
    public const string EnvelopeRefused = "Rule.Bid.EnvelopeRefused";
    public const string ManifestMalformed = "Rule.Bid.ManifestMalformed";
    public const string NotYourBid = "Rule.Bid.NotYours";
    public const string DocumentsNotObtained = "Rule.Bid.DocumentsNotObtained";
    public const string AlreadyWithdrawn = "Rule.Bid.AlreadyWithdrawn";
    public const string OpeningBeforeDeadline = "Rule.Bid.OpeningBeforeDeadline";
    public const string AlreadyOpened = "Rule.Bid.AlreadyOpened";
    public const string PartialsAlreadyGiven = "Rule.Bid.PartialsAlreadyGiven";
    public const string PartialsInvalid = "Rule.Bid.PartialsInvalid";
    public const string ObjectionEmpty = "Rule.Bid.ObjectionEmpty";
    public const string TenderFailed = "Rule.Bid.TenderFailed";
    public const string TransportKeyInvalid = "Rule.Bid.TransportKeyInvalid";
    public const string HolderOffServer = "Rule.Bid.HolderOffServer";
    public const string PartialsMalformed = "Rule.Bid.PartialsMalformed";
    public const string PartialsTooLarge = "Rule.Bid.PartialsTooLarge";
    public const string PartialsOtherHolder = "Rule.Bid.PartialsOtherHolder";
    public const string PartialsWrongBids = "Rule.Bid.PartialsWrongBids";
    public const string PartialsProofInvalid = "Rule.Bid.PartialsProofInvalid";
    public const string CanaryStale = "Rule.Bid.CanaryStale";
}
