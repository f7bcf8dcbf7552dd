namespace Trading.Domain.Supervision;

/// <summary>Rule codes of electronic supervision; each has a text in both languages in the web app's resources.</summary>
public static class SupervisionRules
{
    public const string CalendarJson = "Rule.Supervision.Calendar.Json";
    public const string CalendarEmpty = "Rule.Supervision.Calendar.Empty";
    public const string CalendarYear = "Rule.Supervision.Calendar.Year";
    public const string CalendarDuplicateYear = "Rule.Supervision.Calendar.DuplicateYear";
    public const string CalendarDate = "Rule.Supervision.Calendar.Date";
    public const string CalendarRange = "Rule.Supervision.Calendar.Range";
    public const string CalendarWrongYear = "Rule.Supervision.Calendar.WrongYear";
    public const string CalendarWorkdayNotWeekend = "Rule.Supervision.Calendar.WorkdayNotWeekend";
    public const string CalendarBoth = "Rule.Supervision.Calendar.Both";
    public const string CalendarTooLarge = "Rule.Supervision.Calendar.TooLarge";

    public const string LimitCode = "Rule.Supervision.Limit.Code";
    public const string LimitDays = "Rule.Supervision.Limit.Days";
    public const string LimitEvents = "Rule.Supervision.Limit.Events";
    public const string LimitEnum = "Rule.Supervision.Limit.Enum";
    public const string LimitDuplicate = "Rule.Supervision.Limit.Duplicate";
    public const string ThresholdMode = "Rule.Supervision.Threshold.Mode";
    public const string ThresholdFraction = "Rule.Supervision.Threshold.Fraction";
    public const string ThresholdNegative = "Rule.Supervision.Threshold.Negative";
    public const string ThresholdOrder = "Rule.Supervision.Threshold.Order";
    public const string ThresholdTooLate = "Rule.Supervision.Threshold.TooLate";

    public const string RecordFacts = "Rule.Supervision.Record.Facts";
    public const string RecordRule = "Rule.Supervision.Record.Rule";
    public const string RecordSubject = "Rule.Supervision.Record.Subject";
    public const string RecordTooLong = "Rule.Supervision.Record.TooLong";
    public const string SuspensionReason = "Rule.Supervision.Suspension.Reason";
    public const string SuspensionDates = "Rule.Supervision.Suspension.Dates";
    public const string SuspensionOrder = "Rule.Supervision.Suspension.Order";
    public const string WarningHasDates = "Rule.Supervision.Warning.Dates";
    public const string AppealDecision = "Rule.Supervision.Appeal.Decision";
    public const string AppealReducedEnd = "Rule.Supervision.Appeal.ReducedEnd";
    public const string AppealAlreadyDecided = "Rule.Supervision.Appeal.AlreadyDecided";
    /// <summary>Suspended experts are refused with this code (firms keep the long-standing Rule.Firm.Suspended).</summary>
    public const string ExpertSuspended = "Rule.Supervision.ExpertSuspended";
    public const string AgentSuspended = "Rule.Supervision.AgentSuspended";
}
