using System.Text.RegularExpressions;

namespace Trading.Domain.Supervision;

/// <summary>Traffic-light status of a time limit. The order matters: a higher value is more severe.</summary>
public enum LimitColour { Green = 0, Yellow = 1, Red = 2 }

public enum DayUnit { Calendar = 0, Working = 1 }

/// <summary>A deadline (the end event must come by the due time) or a minimum duration (it must not come before).</summary>
public enum LimitKind { Deadline = 0, MinimumDuration = 1 }

/// <summary>Who is chased when a limit turns yellow or red (the supervision office is always told as well).</summary>
public enum ResponsibleParty { Owner = 0, Centre = 1, Supervision = 2 }

/// <summary>Yellow when a fraction of the period is left and red once overdue; or yellow and red a number of working days late.</summary>
public enum ThresholdMode { FractionLeft = 0, DaysLate = 1 }

/// <summary>
/// One time limit: the event that starts it, the event that ends it, how many days, and who answers for it.
/// Events are names such as "tender.step.13" (the tender entered step 13) or "firm.registered"; the web app
/// finds their times in its data, so a limit on a step another feature builds later needs only its event.
/// </summary>
public sealed partial class TimeLimitDefinition
{
    /// <summary>Stable lower-case code, e.g. "contract"; also the suffix of log entry types.</summary>
    public string Code { get; set; } = "";
    /// <summary>Display name when the web app has no translation for the code.</summary>
    public string? Name { get; set; }
    public string Start { get; set; } = "";
    public string End { get; set; } = "";
    public int Days { get; set; }
    public DayUnit Unit { get; set; } = DayUnit.Calendar;
    public LimitKind Kind { get; set; } = LimitKind.Deadline;
    public ResponsibleParty Responsible { get; set; } = ResponsibleParty.Owner;
    /// <summary>Where the limit comes from, e.g. "招标投标法实施条例第五十四条" or "centre rule".</summary>
    public string? Source { get; set; }

    public IEnumerable<RuleViolation> Validate()
    {
        if (!CodePattern().IsMatch(Code ?? ""))
            yield return new RuleViolation(SupervisionRules.LimitCode, Code ?? "");
        if (Days < 1 || Days > 366)
            yield return new RuleViolation(SupervisionRules.LimitDays, Code ?? "", Days);
        if (string.IsNullOrWhiteSpace(Start) || string.IsNullOrWhiteSpace(End) || Start == End)
            yield return new RuleViolation(SupervisionRules.LimitEvents, Code ?? "", Start ?? "", End ?? "");
        if (!Enum.IsDefined(Unit) || !Enum.IsDefined(Kind) || !Enum.IsDefined(Responsible))
            yield return new RuleViolation(SupervisionRules.LimitEnum, Code ?? "");
    }

    [GeneratedRegex("^[a-z][a-z0-9-]{1,40}$")]
    private static partial Regex CodePattern();
}

/// <summary>When a running limit turns yellow and red. Defaults: yellow when a fifth of the time is left, red once overdue.</summary>
public sealed class LimitThresholds
{
    public ThresholdMode Mode { get; set; } = ThresholdMode.FractionLeft;
    /// <summary>FractionLeft: yellow once at most this share of the period is left (0 &lt; f &lt; 1).</summary>
    public decimal YellowFractionLeft { get; set; } = 0.2m;
    /// <summary>DaysLate: yellow at the end of this many working days past the due day (0 = at the due time).</summary>
    public int YellowDaysLate { get; set; } = 1;
    /// <summary>DaysLate: red at the end of this many working days past the due day; must be after yellow.</summary>
    public int RedDaysLate { get; set; } = 2;

    public IEnumerable<RuleViolation> Validate()
    {
        if (!Enum.IsDefined(Mode))
            yield return new RuleViolation(SupervisionRules.ThresholdMode, Mode.ToString());
        if (Mode == ThresholdMode.FractionLeft && (YellowFractionLeft <= 0 || YellowFractionLeft >= 1))
            yield return new RuleViolation(SupervisionRules.ThresholdFraction, YellowFractionLeft);
        if (Mode == ThresholdMode.DaysLate)
        {
            if (YellowDaysLate < 0 || RedDaysLate < 0)
                yield return new RuleViolation(SupervisionRules.ThresholdNegative, YellowDaysLate, RedDaysLate);
            else if (YellowDaysLate >= RedDaysLate)
                yield return new RuleViolation(SupervisionRules.ThresholdOrder, YellowDaysLate, RedDaysLate);
            if (RedDaysLate > 60)
                yield return new RuleViolation(SupervisionRules.ThresholdTooLate, RedDaysLate);
        }
    }
}

/// <summary>The configurable part of supervision: the limits and the thresholds. Checked at start-up and on every edit.</summary>
public sealed class SupervisionConfig
{
    public LimitThresholds Thresholds { get; set; } = new();
    public List<TimeLimitDefinition> Limits { get; set; } = [];
    /// <summary>
    /// A period in calendar days whose last day is a rest day ends on the next working day (Civil Code art. 203).
    /// Minimum durations are never extended.
    /// </summary>
    public bool ExtendOverRestDays { get; set; } = true;

    public IEnumerable<RuleViolation> Validate()
    {
        foreach (var v in Thresholds.Validate()) yield return v;
        foreach (var l in Limits)
            foreach (var v in l.Validate()) yield return v;
        foreach (var dup in Limits.GroupBy(l => l.Code).Where(g => g.Count() > 1))
            yield return new RuleViolation(SupervisionRules.LimitDuplicate, dup.Key);
    }
}

/// <summary>The moments that matter for one running limit.</summary>
public sealed record LimitSchedule(DateTime StartUtc, DateTime DueUtc, DateTime? YellowAtUtc, DateTime? RedAtUtc);

/// <summary>A limit's colour at a moment: while running, at the evaluation time; once ended, at the end event.</summary>
public sealed record LimitStatus(LimitColour Colour, LimitSchedule Schedule, DateTime? EndUtc)
{
    public bool Completed => EndUtc is not null;

    /// <summary>The moment the colour was reached (for the record), or null when green.</summary>
    public DateTime? ColourSinceUtc => Colour switch
    {
        LimitColour.Red => Schedule.RedAtUtc is { } r && (EndUtc is null || EndUtc >= r) ? r : EndUtc,
        LimitColour.Yellow => Schedule.YellowAtUtc,
        _ => null,
    };
}

/// <summary>
/// Works out due times and colours on a working-day calendar in the centre's time zone. Pure: the clock is an
/// argument, so the same instant always gives the same answer.
/// Periods count from the day after the start event (Civil Code art. 201) and end at midnight of the last day.
/// </summary>
public sealed class LimitEvaluator(WorkingCalendar calendar, SupervisionConfig config, TimeZoneInfo zone)
{
    public WorkingCalendar Calendar => calendar;

    public LimitSchedule Schedule(TimeLimitDefinition limit, DateTime startUtc)
    {
        var startDay = DateOnly.FromDateTime(ToLocal(startUtc));
        DateOnly last;
        if (limit.Unit == DayUnit.Working)
            last = calendar.AddWorkingDays(startDay, limit.Days);
        else
        {
            last = startDay.AddDays(limit.Days);
            if (limit.Kind == LimitKind.Deadline && config.ExtendOverRestDays)
                last = calendar.NextWorkingDayFrom(last);
        }
        var due = EndOf(last);
        if (limit.Kind == LimitKind.MinimumDuration)
            return new LimitSchedule(startUtc, due, null, null);

        var t = config.Thresholds;
        if (t.Mode == ThresholdMode.FractionLeft)
        {
            var span = due - startUtc;
            var yellow = due - TimeSpan.FromTicks((long)(span.Ticks * t.YellowFractionLeft));
            return new LimitSchedule(startUtc, due, yellow, due);
        }
        return new LimitSchedule(startUtc, due,
            EndOf(calendar.AddWorkingDays(last, t.YellowDaysLate)), EndOf(calendar.AddWorkingDays(last, t.RedDaysLate)));
    }

    /// <summary>The colour at <paramref name="nowUtc"/>, or at the end event when it has happened by then.</summary>
    public LimitStatus Evaluate(TimeLimitDefinition limit, DateTime startUtc, DateTime? endUtc, DateTime nowUtc)
    {
        var s = Schedule(limit, startUtc);
        var ended = endUtc is { } e && e <= nowUtc ? endUtc : null;
        var at = ended ?? nowUtc;
        LimitColour colour;
        if (limit.Kind == LimitKind.MinimumDuration)
            colour = ended is { } end && end < s.DueUtc ? LimitColour.Red : LimitColour.Green;
        else if (s.RedAtUtc is { } red && at >= red)
            colour = LimitColour.Red;
        else if (s.YellowAtUtc is { } yellow && at >= yellow)
            colour = LimitColour.Yellow;
        else
            colour = LimitColour.Green;
        return new LimitStatus(colour, s, ended);
    }

    private DateTime ToLocal(DateTime utc) => TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), zone);

    /// <summary>Midnight at the end of a local day, as UTC.</summary>
    private DateTime EndOf(DateOnly day) =>
        TimeZoneInfo.ConvertTimeToUtc(day.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified), zone);
}
