namespace Trading.Domain.Bidding;

/// <summary>
/// The rules of the opening hall (不见面开标): who may give partials for which points, when the opening may go on, and
/// the window in which each bidder confirms or objects to its row before the record closes.
/// </summary>
public static class OpeningRules
{
    /// <summary>A partial for a point that is not the R of a frozen bid: holders decrypt only frozen bids.</summary>
    public const string PointNotFrozen = "Rule.Opening.PointNotFrozen";
    /// <summary>The opening goes on only with every holder's partials.</summary>
    public const string HolderMissing = "Rule.Opening.HolderMissing";
    /// <summary>Nothing left to open: the opening has completed.</summary>
    public const string NothingToResume = "Rule.Opening.NothingToResume";
    /// <summary>Only a firm whose bid was opened confirms a row or objects.</summary>
    public const string NotABidder = "Rule.Opening.NotABidder";
    /// <summary>A bidder confirms or objects only once its row exists: the opening has not completed (or was interrupted).</summary>
    public const string NotYetOpened = "Rule.Opening.NotYetOpened";
    /// <summary>Confirmations and objections close with the record.</summary>
    public const string WindowClosed = "Rule.Opening.WindowClosed";
    /// <summary>The hall is for the tender's bidders, its holders' officers, its owner side and the supervisors.</summary>
    public const string NotParticipant = "Rule.Opening.NotParticipant";

    /// <summary>When the record closes: the configured window after the opening completed.</summary>
    public static DateTime RecordClosesAt(DateTime openedAt, TimeSpan window) => openedAt + window;

    /// <summary>Refuses a confirmation or objection once the record has closed (or before anything opened).</summary>
    public static RuleViolation? CheckWindow(DateTime? openedAt, TimeSpan window, DateTime now) =>
        openedAt is null ? new RuleViolation(NotYetOpened)
        : now > RecordClosesAt(openedAt.Value, window) ? new RuleViolation(WindowClosed, RecordClosesAt(openedAt.Value, window)) : null;
}
