using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Trading.Domain.Supervision;

/// <summary>
/// Working days in mainland China: Monday to Friday, minus the public holidays of the State Council's yearly
/// notice, plus its make-up working days (调休上班日, usually a Saturday or Sunday). Years the file does not
/// cover fall back to plain weekends, and <see cref="Covers"/> says so, so pages can warn.
/// </summary>
public sealed class WorkingCalendar
{
    private readonly HashSet<DateOnly> _holidays;
    private readonly HashSet<DateOnly> _workdays;
    private readonly Dictionary<int, CalendarYear> _years;

    private WorkingCalendar(CalendarFile file)
    {
        File = file;
        _years = file.Years.ToDictionary(y => y.Year);
        _holidays = file.Years.SelectMany(y => y.Holidays).SelectMany(h => Days(ParseDate(h.From), ParseDate(h.To))).ToHashSet();
        _workdays = file.Years.SelectMany(y => y.Workdays).Select(w => ParseDate(w.Date)).ToHashSet();
    }

    /// <summary>The file this calendar was read from (for showing and re-saving).</summary>
    public CalendarFile File { get; }

    public IReadOnlyCollection<int> Years => _years.Keys;

    public bool Covers(int year) => _years.ContainsKey(year);

    /// <summary>True when the year's dates are a best guess awaiting the State Council's notice.</summary>
    public bool IsProvisional(int year) => _years.TryGetValue(year, out var y) && y.Provisional;

    public bool IsHoliday(DateOnly d) => _holidays.Contains(d);

    public bool IsMakeUpWorkday(DateOnly d) => _workdays.Contains(d);

    public bool IsWorkingDay(DateOnly d) =>
        _workdays.Contains(d) || (!_holidays.Contains(d) && d.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday));

    /// <summary>The n-th working day after <paramref name="d"/> (d itself not counted); n = 0 gives d.</summary>
    public DateOnly AddWorkingDays(DateOnly d, int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        while (n > 0)
        {
            d = d.AddDays(1);
            if (IsWorkingDay(d)) n--;
        }
        return d;
    }

    /// <summary>The first working day on or after <paramref name="d"/>.</summary>
    public DateOnly NextWorkingDayFrom(DateOnly d)
    {
        while (!IsWorkingDay(d)) d = d.AddDays(1);
        return d;
    }

    /// <summary>Working days strictly after <paramref name="from"/> up to and including <paramref name="to"/>.</summary>
    public int WorkingDaysBetween(DateOnly from, DateOnly to)
    {
        var n = 0;
        for (var d = from.AddDays(1); d <= to; d = d.AddDays(1))
            if (IsWorkingDay(d)) n++;
        return n;
    }

    /// <summary>Reads and checks a calendar file; refuses it with every problem found, each naming the rule.</summary>
    public static WorkingCalendar Parse(string json, out IReadOnlyList<RuleViolation> errors)
    {
        var list = new List<RuleViolation>();
        errors = list;
        CalendarFile? file;
        try
        {
            file = JsonSerializer.Deserialize<CalendarFile>(json, JsonOptions);
        }
        catch (JsonException e)
        {
            list.Add(new RuleViolation(SupervisionRules.CalendarJson, e.Path ?? "", e.LineNumber ?? 0));
            return Empty;
        }
        if (file is null || file.Years.Count == 0)
        {
            list.Add(new RuleViolation(SupervisionRules.CalendarEmpty));
            return Empty;
        }
        list.AddRange(Validate(file));
        return list.Count == 0 ? new WorkingCalendar(file) : Empty;
    }

    /// <summary>Reads a calendar file that must be valid (the shipped one, or configuration checked at start-up).</summary>
    public static WorkingCalendar Parse(string json)
    {
        var c = Parse(json, out var errors);
        return errors.Count == 0 ? c : throw new RuleViolationException(errors[0]);
    }

    /// <summary>The calendar shipped with the platform (2026 from the State Council's notice; 2027 provisional).</summary>
    public static string DefaultJson()
    {
        using var s = typeof(WorkingCalendar).Assembly.GetManifestResourceStream("Trading.Domain.Supervision.cn-holidays.json")
            ?? throw new InvalidOperationException("The embedded holiday calendar is missing.");
        using var r = new StreamReader(s);
        return r.ReadToEnd();
    }

    public static WorkingCalendar Default() => Parse(DefaultJson());

    /// <summary>Weekends only: what an empty or refused file stands for.</summary>
    public static WorkingCalendar Empty { get; } = new(new CalendarFile());

    public string ToJson() => JsonSerializer.Serialize(File, JsonOptions);

    private static IEnumerable<RuleViolation> Validate(CalendarFile file)
    {
        var seenYears = new HashSet<int>();
        var holidays = new Dictionary<DateOnly, string>();
        var workdays = new Dictionary<DateOnly, string>();
        foreach (var y in file.Years)
        {
            if (y.Year is < 2000 or > 2100) { yield return new RuleViolation(SupervisionRules.CalendarYear, y.Year); continue; }
            if (!seenYears.Add(y.Year)) yield return new RuleViolation(SupervisionRules.CalendarDuplicateYear, y.Year);
            foreach (var h in y.Holidays)
            {
                if (!TryParse(h.From, out var from) || !TryParse(h.To, out var to))
                {
                    yield return new RuleViolation(SupervisionRules.CalendarDate, h.Name, $"{h.From} – {h.To}");
                    continue;
                }
                if (from > to || to.DayNumber - from.DayNumber > 31)
                    yield return new RuleViolation(SupervisionRules.CalendarRange, h.Name, h.From, h.To);
                else if (from.Year != y.Year && to.Year != y.Year)
                    yield return new RuleViolation(SupervisionRules.CalendarWrongYear, h.Name, h.From, y.Year);
                else
                    foreach (var d in Days(from, to)) holidays.TryAdd(d, h.Name);
            }
            foreach (var w in y.Workdays)
            {
                if (!TryParse(w.Date, out var d)) { yield return new RuleViolation(SupervisionRules.CalendarDate, w.Name, w.Date); continue; }
                if (d.Year != y.Year) { yield return new RuleViolation(SupervisionRules.CalendarWrongYear, w.Name, w.Date, y.Year); continue; }
                // A make-up working day only means something on a day that is otherwise a rest day.
                if (d.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday))
                    yield return new RuleViolation(SupervisionRules.CalendarWorkdayNotWeekend, w.Name, w.Date);
                workdays.TryAdd(d, w.Name);
            }
        }
        foreach (var d in holidays.Keys.Where(workdays.ContainsKey).Order())
            yield return new RuleViolation(SupervisionRules.CalendarBoth, d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
    }

    private static IEnumerable<DateOnly> Days(DateOnly from, DateOnly to)
    {
        for (var d = from; d <= to; d = d.AddDays(1)) yield return d;
    }

    private static DateOnly ParseDate(string s) => DateOnly.ParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static bool TryParse(string? s, out DateOnly d) =>
        DateOnly.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out d);

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };
}

/// <summary>The holiday file: one entry per year, as the State Council publishes it each autumn.</summary>
public sealed class CalendarFile
{
    /// <summary>Free text: where the dates come from and what is uncertain.</summary>
    public string? Comment { get; set; }
    public List<CalendarYear> Years { get; set; } = [];
}

public sealed class CalendarYear
{
    public int Year { get; set; }
    /// <summary>The notice the dates come from, e.g. "国务院办公厅关于2026年部分节假日安排的通知".</summary>
    public string? Source { get; set; }
    /// <summary>True while the year's notice is not yet published: the dates are the statutory days only.</summary>
    public bool Provisional { get; set; }
    public List<HolidayRange> Holidays { get; set; } = [];
    public List<MakeUpWorkday> Workdays { get; set; } = [];
}

/// <summary>Days off from <see cref="From"/> to <see cref="To"/> inclusive, "yyyy-MM-dd".</summary>
public sealed class HolidayRange
{
    public string Name { get; set; } = "";
    public string From { get; set; } = "";
    public string To { get; set; } = "";
}

/// <summary>A weekend day that is worked (调休上班日), "yyyy-MM-dd".</summary>
public sealed class MakeUpWorkday
{
    public string Name { get; set; } = "";
    public string Date { get; set; } = "";
}
