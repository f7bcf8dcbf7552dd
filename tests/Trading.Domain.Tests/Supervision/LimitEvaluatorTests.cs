using Trading.Domain;
using Trading.Domain.Supervision;

namespace Trading.Domain.Tests.Supervision;

public class LimitEvaluatorTests
{
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    /// <summary>A centre-local time as UTC (Shanghai is UTC+8 all year).</summary>
    private static DateTime L(int y, int m, int d, int h = 0, int min = 0) => new DateTime(y, m, d, h, min, 0, DateTimeKind.Utc).AddHours(-8);

    private static LimitEvaluator Evaluator(LimitThresholds? t = null, bool extend = true) =>
        new(WorkingCalendar.Default(), new SupervisionConfig { Thresholds = t ?? new LimitThresholds(), ExtendOverRestDays = extend }, Shanghai);

    private static TimeLimitDefinition Limit(int days, DayUnit unit = DayUnit.Calendar, LimitKind kind = LimitKind.Deadline) =>
        new() { Code = "test", Start = "a", End = "b", Days = days, Unit = unit, Kind = kind };

    [Fact]
    public void A_calendar_period_ending_on_national_day_runs_to_the_next_working_day()
    {
        // Report on Mon 28 Sep; 3 days end on 1 Oct, a holiday, so the period runs to the end of Thu 8 Oct.
        var s = Evaluator().Schedule(Limit(3), L(2026, 9, 28, 10));
        Assert.Equal(L(2026, 10, 9), s.DueUtc);
        // Without the extension the centre asks for the bare count.
        Assert.Equal(L(2026, 10, 2), Evaluator(extend: false).Schedule(Limit(3), L(2026, 9, 28, 10)).DueUtc);
    }

    [Fact]
    public void A_period_ending_on_a_make_up_saturday_is_not_extended_but_one_ending_on_a_plain_weekend_is()
    {
        // Wed 7 Oct + 3 = Sat 10 Oct, a make-up working day.
        Assert.Equal(L(2026, 10, 11), Evaluator().Schedule(Limit(3), L(2026, 10, 7, 15)).DueUtc);
        // Wed 18 Nov + 3 = Sat 21 Nov, a rest day: runs to the end of Mon 23 Nov.
        Assert.Equal(L(2026, 11, 24), Evaluator().Schedule(Limit(3), L(2026, 11, 18, 9)).DueUtc);
    }

    [Fact]
    public void Working_day_limits_skip_spring_festival()
    {
        var s = Evaluator().Schedule(Limit(5, DayUnit.Working), L(2026, 2, 12, 16));
        Assert.Equal(L(2026, 2, 27), s.DueUtc); // end of Thu 26 Feb
    }

    [Fact]
    public void Fraction_left_goes_yellow_with_a_fifth_left_and_red_when_overdue()
    {
        var e = Evaluator();
        var limit = Limit(30);
        var start = L(2026, 11, 2, 9); // award notice Mon 2 Nov 09:00; due end of Wed 2 Dec
        var s = e.Schedule(limit, start);
        Assert.Equal(L(2026, 12, 3), s.DueUtc);
        var yellow = s.DueUtc - TimeSpan.FromTicks((s.DueUtc - start).Ticks / 5);
        Assert.Equal(yellow, s.YellowAtUtc);
        Assert.Equal(LimitColour.Green, e.Evaluate(limit, start, null, yellow.AddSeconds(-1)).Colour);
        Assert.Equal(LimitColour.Yellow, e.Evaluate(limit, start, null, yellow).Colour);
        Assert.Equal(LimitColour.Yellow, e.Evaluate(limit, start, null, s.DueUtc.AddSeconds(-1)).Colour);
        Assert.Equal(LimitColour.Red, e.Evaluate(limit, start, null, s.DueUtc).Colour);
        // Done in time: green for good, whatever the clock says later.
        var done = e.Evaluate(limit, start, L(2026, 11, 20), L(2027, 1, 1));
        Assert.Equal(LimitColour.Green, done.Colour);
        Assert.True(done.Completed);
        // Done late: the colour it had when done stays.
        Assert.Equal(LimitColour.Red, e.Evaluate(limit, start, L(2026, 12, 5), L(2027, 1, 1)).Colour);
        // An end event still in the future (clock skew) does not count yet.
        Assert.False(e.Evaluate(limit, start, L(2026, 12, 5), L(2026, 11, 3)).Completed);
    }

    [Fact]
    public void Days_late_counts_working_days_past_the_due_day()
    {
        var e = Evaluator(new LimitThresholds { Mode = ThresholdMode.DaysLate, YellowDaysLate = 1, RedDaysLate = 2 });
        var limit = Limit(5, DayUnit.Working);
        // Registered Mon 28 Sep: due end of Sat 10 Oct (make-up); yellow end of Mon 12 Oct; red end of Tue 13 Oct.
        var s = e.Schedule(limit, L(2026, 9, 28, 11));
        Assert.Equal(L(2026, 10, 11), s.DueUtc);
        Assert.Equal(L(2026, 10, 13), s.YellowAtUtc);
        Assert.Equal(L(2026, 10, 14), s.RedAtUtc);
        Assert.Equal(LimitColour.Green, e.Evaluate(limit, s.StartUtc, null, L(2026, 10, 12, 23, 59)).Colour); // late, but not yet a day late
        Assert.Equal(LimitColour.Yellow, e.Evaluate(limit, s.StartUtc, null, L(2026, 10, 13)).Colour);
        Assert.Equal(LimitColour.Red, e.Evaluate(limit, s.StartUtc, null, L(2026, 10, 14)).Colour);
    }

    [Fact]
    public void A_minimum_duration_is_red_only_when_ended_too_soon()
    {
        var e = Evaluator();
        var limit = Limit(3, kind: LimitKind.MinimumDuration);
        var start = L(2026, 9, 29, 10); // publicity from Tue 29 Sep; never extended over the holiday
        Assert.Equal(L(2026, 10, 3), e.Schedule(limit, start).DueUtc);
        Assert.Equal(LimitColour.Green, e.Evaluate(limit, start, null, L(2026, 12, 1)).Colour);
        Assert.Equal(LimitColour.Red, e.Evaluate(limit, start, L(2026, 10, 2, 18), L(2026, 10, 3)).Colour);
        Assert.Equal(LimitColour.Green, e.Evaluate(limit, start, L(2026, 10, 3), L(2026, 10, 4)).Colour);
    }

    [Theory]
    [InlineData(ThresholdMode.DaysLate, 0, 3, 1, SupervisionRules.ThresholdOrder)]   // yellow after red
    [InlineData(ThresholdMode.DaysLate, 0, 2, 2, SupervisionRules.ThresholdOrder)]   // yellow with red
    [InlineData(ThresholdMode.DaysLate, 0, -1, 2, SupervisionRules.ThresholdNegative)]
    [InlineData(ThresholdMode.DaysLate, 0, 1, 99, SupervisionRules.ThresholdTooLate)]
    [InlineData(ThresholdMode.FractionLeft, 0, 1, 2, SupervisionRules.ThresholdFraction)]
    [InlineData(ThresholdMode.FractionLeft, 1, 1, 2, SupervisionRules.ThresholdFraction)]
    [InlineData((ThresholdMode)7, 0.2, 1, 2, SupervisionRules.ThresholdMode)]
    public void Nonsensical_thresholds_are_refused(ThresholdMode mode, double fraction, int yellow, int red, string code)
    {
        var t = new LimitThresholds { Mode = mode, YellowFractionLeft = (decimal)fraction, YellowDaysLate = yellow, RedDaysLate = red };
        Assert.Contains(code, t.Validate().Select(v => v.Code));
    }

    [Fact]
    public void Nonsensical_limits_are_refused()
    {
        var config = new SupervisionConfig
        {
            Limits =
            [
                new() { Code = "ok", Start = "a", End = "b", Days = 3 },
                new() { Code = "ok", Start = "a", End = "b", Days = 3 },
                new() { Code = "neg", Start = "a", End = "b", Days = -2 },
                new() { Code = "Bad Code!", Start = "a", End = "b", Days = 1 },
                new() { Code = "same", Start = "a", End = "a", Days = 1 },
            ],
        };
        var codes = config.Validate().Select(v => v.Code).ToList();
        Assert.Contains(SupervisionRules.LimitDuplicate, codes);
        Assert.Contains(SupervisionRules.LimitDays, codes);
        Assert.Contains(SupervisionRules.LimitCode, codes);
        Assert.Contains(SupervisionRules.LimitEvents, codes);
        Assert.Empty(new SupervisionConfig { Limits = [new() { Code = "contract", Start = "a", End = "b", Days = 30 }] }.Validate());
    }
}
