namespace Trading.Web.Features.CheckIn;

/// <summary>Refusals of the check-in feature that are not a face decision (those are <see cref="Trading.Biometrics.BiometricReason"/>).</summary>
public static class CheckInRules
{
    public const string UnknownExpert = "Rule.CheckIn.UnknownExpert";
    public const string RoomMissing = "Rule.CheckIn.RoomMissing";
    public const string PhotoMissing = "Rule.CheckIn.PhotoMissing";
    public const string EnrolmentRefused = "Rule.CheckIn.EnrolmentRefused";
    public const string SelfEnrolment = "Rule.CheckIn.SelfEnrolment";
    public const string Busy = "Rule.CheckIn.Busy";
    public const string OverrideReasonMissing = "Rule.CheckIn.OverrideReasonMissing";
    public const string OverrideNotNeeded = "Rule.CheckIn.OverrideNotNeeded";
    public const string OverrideNotAllowed = "Rule.CheckIn.OverrideNotAllowed";
    public const string NotSupervisor = "Rule.CheckIn.NotSupervisor";
    // liveness (issue 21)
    public const string DuplicateFace = "Rule.CheckIn.DuplicateFace";
    public const string FileInKiosk = "Rule.CheckIn.FileInKiosk";
    public const string FileNeedsOverride = "Rule.CheckIn.FileNeedsOverride";
    public const string ChallengeMissing = "Rule.CheckIn.ChallengeMissing";
    public const string UnregisteredDevice = "Rule.CheckIn.UnregisteredDevice";
    public const string DeviceSignatureInvalid = "Rule.CheckIn.DeviceSignatureInvalid";
    public const string DeviceKeyInvalid = "Rule.CheckIn.DeviceKeyInvalid";
    public const string DeviceNameMissing = "Rule.CheckIn.DeviceNameMissing";

    /// <summary>Reason stored on an attempt by an expert with no template: not a library reason, the web app decides it.</summary>
    public const string NoTemplateReason = "NoTemplate";
}
