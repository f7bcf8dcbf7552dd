namespace Trading.Domain;

/// <summary>
/// A refused action: the rule (a stable code that the web app localizes into zh-CN or en) and the
/// values that explain why. Domain code never formats user text itself.
/// </summary>
public sealed record RuleViolation(string Code, params object[] Args)
{
    public override string ToString() => Args.Length == 0 ? Code : $"{Code}({string.Join(", ", Args)})";
}

/// <summary>Thrown when a domain rule refuses an action; carries the violation for the caller to show.</summary>
public sealed class RuleViolationException(RuleViolation violation) : Exception(violation.ToString())
{
    public RuleViolation Violation { get; } = violation;
}

/// <summary>Rule codes. Each has an entry in the web app's resources in both languages.</summary>
public static class RuleCodes
{
    public const string CreditCodeMissing = "Rule.CreditCode.Missing";
    public const string CreditCodeLength = "Rule.CreditCode.Length";
    public const string CreditCodeCharacter = "Rule.CreditCode.Character";
    public const string CreditCodeCheck = "Rule.CreditCode.Check";

    public const string DocumentsTooLate = "Rule.Tender.DocumentsTooLate";
    public const string DeadlineInPast = "Rule.Tender.DeadlineInPast";
    public const string BondTooHigh = "Rule.Tender.BondTooHigh";
    public const string BondNegative = "Rule.Tender.BondNegative";
    public const string EstimatedPriceInvalid = "Rule.Tender.EstimatedPriceInvalid";
    public const string ControlPriceInvalid = "Rule.Tender.ControlPriceInvalid";
    public const string RegionTooLong = "Rule.Tender.RegionTooLong";
    public const string OpeningNotAtDeadline = "Rule.Tender.OpeningNotAtDeadline";
    public const string NoLots = "Rule.Tender.NoLots";
    public const string NoDocuments = "Rule.Tender.NoDocuments";
    public const string ClarificationTooLate = "Rule.Tender.ClarificationTooLate";
    public const string NotEnoughBids = "Rule.Tender.NotEnoughBids";
    public const string WrongStep = "Rule.Lifecycle.WrongStep";
    public const string StepLocked = "Rule.Lifecycle.StepLocked";
    public const string DeadlineNotPassed = "Rule.Lifecycle.DeadlineNotPassed";
    public const string DeadlinePassed = "Rule.Lifecycle.DeadlinePassed";
    public const string NotPublished = "Rule.Tender.NotPublished";
    public const string PostponeEarlier = "Rule.Tender.PostponeEarlier";
    public const string NotEnoughBidsLots = "Rule.Tender.NotEnoughBidsLots";
    public const string DocumentsNotObtained = Bidding.BiddingRules.DocumentsNotObtained;
    public const string CeremonyNotComplete = Bidding.BiddingRules.CeremonyNotComplete;
    public const string OpeningBeforeDeadline = Bidding.BiddingRules.OpeningBeforeDeadline;
    public const string TenderFailed = "Rule.Lifecycle.TenderFailed";
    public const string StepNotDone = "Rule.Lifecycle.StepNotDone";
    public const string CommitteeNotDrawn = "Rule.Lifecycle.CommitteeNotDrawn";
    public const string BidsNotOpened = "Rule.Lifecycle.BidsNotOpened";
    public const string NotCheckedIn = "Rule.Lifecycle.NotCheckedIn";
    public const string AlreadyClosed = "Rule.Lifecycle.AlreadyClosed";
    public const string LockOnlySupervisor = "Rule.Lifecycle.LockOnlySupervisor";
    public const string LockReasonRequired = "Rule.Lifecycle.LockReasonRequired";
    public const string AlreadyLocked = "Rule.Lifecycle.AlreadyLocked";
    public const string NotLocked = "Rule.Lifecycle.NotLocked";
    public const string RetenderNotFailed = "Rule.Lifecycle.RetenderNotFailed";

    public const string FirmNotApproved = "Rule.Firm.NotApproved";
    public const string FirmSuspended = "Rule.Firm.Suspended";
    public const string FirmAlreadyApproved = "Rule.Firm.AlreadyApproved";
    public const string FirmDuplicateCode = "Rule.Firm.DuplicateCode";
    public const string FirmRejected = "Rule.Firm.Rejected";

    public const string FileEmpty = "Rule.File.Empty";
    public const string FileTooLarge = "Rule.File.TooLarge";
    public const string FileTypeNotAllowed = "Rule.File.TypeNotAllowed";
    public const string FileContentMismatch = "Rule.File.ContentMismatch";

    // Refusals of access, each naming the real reason (who may act), so a refused user knows whom to ask.
    /// <summary>The record belongs to another organisation.</summary>
    public const string NotOwner = "Rule.Auth.NotOwner";
    /// <summary>Only the tender's own side (its owner unit or the agency acting for it) may do this.</summary>
    public const string NotOwnerSide = "Rule.Auth.NotOwnerSide";
    /// <summary>Only owner units and tendering agents create tenders.</summary>
    public const string OwnerOrAgentOnly = "Rule.Auth.OwnerOrAgentOnly";
    /// <summary>Only the owner unit records or ends its engagements of agencies.</summary>
    public const string OwnerOnly = "Rule.Auth.OwnerOnly";
    /// <summary>No one is signed in.</summary>
    public const string SignInRequired = "Rule.Auth.SignInRequired";
    public const string SupervisorOnly = "Rule.Auth.SupervisorOnly";
    public const string CentreStaffOnly = "Rule.Auth.CentreStaffOnly";
    /// <summary>The trading centre or the supervision office.</summary>
    public const string CentreOrSupervisionOnly = "Rule.Auth.CentreOrSupervisionOnly";
    /// <summary>The trading centre or an administrator.</summary>
    public const string CentreOrAdminOnly = "Rule.Auth.CentreOrAdminOnly";
    /// <summary>The oversight offices: the trading centre, the supervision office, administrators.</summary>
    public const string OversightOnly = "Rule.Auth.OversightOnly";
    public const string BidderOnly = "Rule.Auth.BidderOnly";
    /// <summary>The record is another expert's.</summary>
    public const string OtherExpert = "Rule.Auth.OtherExpert";
    /// <summary>Only the supervision office and the lot's checked-in committee see collusion findings.</summary>
    public const string NotOnCommittee = "Rule.Auth.NotOnCommittee";
}
