using Trading.Domain;
using Trading.Domain.Supervision;

namespace Trading.Domain.Tests.Supervision;

public class WorkingCalendarTests
{
    private static readonly WorkingCalendar Cn = WorkingCalendar.Default();

    private static DateOnly D(int y, int m, int d) => new(y, m, d);

    [Fact]
    public void The_shipped_file_covers_2026_from_the_notice_and_2027_provisionally()
    {
        Assert.True(Cn.Covers(2026));
        Assert.True(Cn.Covers(2027));
        Assert.False(Cn.Covers(2028));
        Assert.False(Cn.IsProvisional(2026));
        Assert.True(Cn.IsProvisional(2027));
    }

    [Theory]
    [InlineData(2026, 10, 1, false)]  // National Day
    [InlineData(2026, 10, 7, false)]
    [InlineData(2026, 10, 8, true)]
    [InlineData(2026, 9, 20, true)]   // Sunday, make-up working day
    [InlineData(2026, 10, 10, true)]  // Saturday, make-up working day
    [InlineData(2026, 10, 11, false)] // plain Sunday
    [InlineData(2026, 2, 14, true)]   // Saturday before Spring Festival, worked
    [InlineData(2026, 2, 16, false)]  // Monday in Spring Festival
    [InlineData(2026, 2, 23, false)]
    [InlineData(2026, 2, 24, true)]
    [InlineData(2026, 2, 28, true)]   // Saturday after Spring Festival, worked
    [InlineData(2026, 1, 4, true)]    // Sunday after New Year, worked
    [InlineData(2026, 5, 5, false)]   // Labour Day week
    [InlineData(2026, 5, 9, true)]
    [InlineData(2026, 11, 23, true)]  // ordinary Monday
    [InlineData(2028, 3, 4, false)]   // uncovered year: weekends only
    [InlineData(2028, 3, 6, true)]
    public void Working_days_follow_holidays_and_make_up_days(int y, int m, int d, bool working) =>
        Assert.Equal(working, Cn.IsWorkingDay(D(y, m, d)));

    [Fact]
    public void Counting_working_days_across_national_day_lands_on_the_make_up_saturday()
    {
        // Mon 28 Sep: Tue 29 (1), Wed 30 (2), 1-7 Oct off, Thu 8 (3), Fri 9 (4), Sat 10 worked (5).
        Assert.Equal(D(2026, 10, 10), Cn.AddWorkingDays(D(2026, 9, 28), 5));
        Assert.Equal(5, Cn.WorkingDaysBetween(D(2026, 9, 28), D(2026, 10, 10)));
    }

    [Fact]
    public void Counting_working_days_across_spring_festival()
    {
        // Thu 12 Feb: Fri 13 (1), Sat 14 worked (2), 15-23 off, Tue 24 (3), Wed 25 (4), Thu 26 (5).
        Assert.Equal(D(2026, 2, 26), Cn.AddWorkingDays(D(2026, 2, 12), 5));
        // Ordinary weekend: Fri 20 Nov + 1 working day is Mon 23 Nov.
        Assert.Equal(D(2026, 11, 23), Cn.AddWorkingDays(D(2026, 11, 20), 1));
    }

    [Fact]
    public void A_file_that_makes_no_sense_is_refused_with_every_reason()
    {
        var json = """
            { "years": [ { "year": 2026, "holidays": [ { "name": "x", "from": "2026-10-05", "to": "2026-10-01" },
                                                       { "name": "y", "from": "2026-13-01", "to": "2026-13-02" },
                                                       { "name": "z", "from": "2026-10-10", "to": "2026-10-10" } ],
                           "workdays": [ { "name": "w", "date": "2026-10-08" }, { "name": "v", "date": "2026-10-10" } ] },
                         { "year": 2026 } ] }
            """;
        WorkingCalendar.Parse(json, out var errors);
        var codes = errors.Select(e => e.Code).ToList();
        Assert.Contains(SupervisionRules.CalendarRange, codes);
        Assert.Contains(SupervisionRules.CalendarDate, codes);
        Assert.Contains(SupervisionRules.CalendarWorkdayNotWeekend, codes); // 8 Oct 2026 is a Thursday
        Assert.Contains(SupervisionRules.CalendarBoth, codes);              // 10 Oct both off and worked
        Assert.Contains(SupervisionRules.CalendarDuplicateYear, codes);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{ \"years\": [ { \"year\": 2026, \"holidayz\": [] } ] }")] // misspelt field: refused, not ignored
    [InlineData("{ \"years\": [] }")]
    [InlineData("null")]
    public void Malformed_files_are_refused(string json)
    {
        var c = WorkingCalendar.Parse(json, out var errors);
        Assert.NotEmpty(errors);
        Assert.Same(WorkingCalendar.Empty, c);
    }

    [Fact]
    public void The_shipped_file_round_trips()
    {
        var again = WorkingCalendar.Parse(Cn.ToJson(), out var errors);
        Assert.Empty(errors);
        Assert.Equal(Cn.Years.Order(), again.Years.Order());
        Assert.False(again.IsWorkingDay(D(2026, 10, 2)));
    }
}
