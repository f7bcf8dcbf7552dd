using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Trading.Data;
using Trading.Domain;
using Trading.Domain.Supervision;
using Trading.Reports;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Supervision;

/// <summary>
/// The supervision dashboard: every running limit with its colour, filtered by colour, owner and agent; the
/// yellow and red counts per organisation over a period (from the history, so finished steps still count);
/// and the same as CSV (UTF-8 with BOM, so Excel shows Chinese) and PDF.
/// </summary>
public sealed class SupervisionIndexModel(LimitMonitor monitor, TradingDbContext db, CentreTime time, Custody.CustodyService custody) : TradingPageModel
{
    [BindProperty(SupportsGet = true)] public LimitColour? Colour { get; set; }
    [BindProperty(SupportsGet = true)] public Guid? Owner { get; set; }
    [BindProperty(SupportsGet = true)] public Guid? Agent { get; set; }
    [BindProperty(SupportsGet = true)] public DateOnly? From { get; set; }
    [BindProperty(SupportsGet = true)] public DateOnly? To { get; set; }

    public List<LimitRow> Rows { get; private set; } = [];
    public int AllRunning { get; private set; }
    public List<OrgCount> Counts { get; private set; } = [];
    public List<(Guid Id, string Name)> Owners { get; private set; } = [];
    public List<(Guid Id, string Name)> Agents { get; private set; } = [];
    public List<LimitColourChange> Recent { get; private set; } = [];
    public Dictionary<Guid, string> Names { get; private set; } = [];

    public sealed record OrgCount(Guid OrganisationId, string Name, int Yellow, int Red);

    /// <summary>Key holders that have not passed a health check before a coming bid deadline (red once the health-check deadline passed).</summary>
    public List<Custody.HealthProblem> KeyHealth { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        KeyHealth = await custody.HealthProblemsAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnGetCsvAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        var sb = new StringBuilder();
        Line(sb, T["Supervision.Col.Subject"], T["Supervision.Col.Step"], T["Supervision.Col.Limit"], T["Supervision.Col.Start"], T["Supervision.Col.Due"],
            T["Supervision.Col.Colour"], T["Supervision.Col.Owner"], T["Supervision.Col.Agent"], T["Supervision.Col.Responsible"]);
        foreach (var r in Rows)
            Line(sb, r.Label, r.Step is { } s ? T.Step(s) : "", LimitNames.Display(T, r.Limit), time.Format(r.Status.Schedule.StartUtc),
                time.Format(r.Status.Schedule.DueUtc), T["Supervision.Colour." + r.Status.Colour], r.OwnerName ?? "", r.AgentName ?? "", r.ResponsibleName);
        sb.Append("\r\n");
        Line(sb, T["Supervision.Col.Organisation"], T["Supervision.Colour.Yellow"], T["Supervision.Colour.Red"]);
        foreach (var c in Counts) Line(sb, c.Name, c.Yellow.ToString(CultureInfo.InvariantCulture), c.Red.ToString(CultureInfo.InvariantCulture));
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(sb.ToString())).ToArray();
        return File(bytes, "text/csv; charset=utf-8", $"supervision-{time.ToLocal(time.UtcNow):yyyyMMdd-HHmm}.csv");
    }

    public async Task<IActionResult> OnGetPdfAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        var culture = CultureInfo.CurrentUICulture.Name == "en" ? "en" : "zh-CN";
        var (from, to) = Period();
        var report = new Report(new ReportOptions
        {
            Culture = culture, Title = T["Supervision.Title"], Landscape = true, Clock = time.Clock,
            Subtitle = T["Supervision.PdfSubtitle", time.Format(time.UtcNow)],
            Footer = T["Supervision.PdfFooter", CurrentActor?.Name ?? ""],
        });
        report.Heading(T["Supervision.Running"])
            .Table([new ReportColumn(T["Supervision.Col.Subject"], 3), new ReportColumn(T["Supervision.Col.Step"], 1.5), new ReportColumn(T["Supervision.Col.Limit"], 2),
                    new ReportColumn(T["Supervision.Col.Due"], 1.5), new ReportColumn(T["Supervision.Col.Colour"], 1), new ReportColumn(T["Supervision.Col.Responsible"], 2)],
                Rows.Select(r => (IReadOnlyList<string?>)[r.Label, r.Step is { } s ? T.Step(s) : "", LimitNames.Display(T, r.Limit),
                    time.Format(r.Status.Schedule.DueUtc), T["Supervision.Colour." + r.Status.Colour], r.ResponsibleName]).ToList())
            .Heading(T["Supervision.CountsCaption", from.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), to.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)])
            .Table([new ReportColumn(T["Supervision.Col.Organisation"], 4), new ReportColumn(T["Supervision.Colour.Yellow"], 1, ColumnAlign.Right), new ReportColumn(T["Supervision.Colour.Red"], 1, ColumnAlign.Right)],
                Counts.Select(c => (IReadOnlyList<string?>)[c.Name, c.Yellow.ToString(CultureInfo.InvariantCulture), c.Red.ToString(CultureInfo.InvariantCulture)]).ToList());
        return File(report.Render(), "application/pdf", $"supervision-{time.ToLocal(time.UtcNow):yyyyMMdd-HHmm}.pdf");
    }

    public (DateOnly From, DateOnly To) Period()
    {
        var today = DateOnly.FromDateTime(time.ToLocal(time.UtcNow));
        var from = From ?? new DateOnly(today.Year, 1, 1);
        var to = To ?? today;
        return from <= to ? (from, to) : (to, from);
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var now = time.UtcNow;
        var all = (await monitor.EvaluateAsync(now, ct)).Where(r => !r.Status.Completed).ToList();
        AllRunning = all.Count;
        Rows = all.Where(r => (Colour is not { } c || r.Status.Colour == c) && (Owner is not { } o || r.OwnerId == o) && (Agent is not { } a || r.AgentId == a)).ToList();

        var orgs = await db.Organisations.AsNoTracking().Select(o => new { o.Id, o.Name, o.Kind }).ToListAsync(ct);
        Names = orgs.ToDictionary(o => o.Id, o => o.Name);
        Owners = orgs.Where(o => o.Kind == OrganisationKind.OwnerUnit).OrderBy(o => o.Name).Select(o => (o.Id, o.Name)).ToList();
        Agents = orgs.Where(o => o.Kind == OrganisationKind.Agency).OrderBy(o => o.Name).Select(o => (o.Id, o.Name)).ToList();

        var (from, to) = Period();
        var fromUtc = time.ToUtc(from.ToDateTime(TimeOnly.MinValue));
        var toUtc = time.ToUtc(to.AddDays(1).ToDateTime(TimeOnly.MinValue));
        var changes = await db.Set<LimitColourChange>().AsNoTracking().Where(c => c.CrossedAt >= fromUtc && c.CrossedAt < toUtc).ToListAsync(ct);
        // An owner's limit counts for the owner and, when one acts for it, for the agent too.
        Counts = changes.SelectMany(c => new[] { c.ResponsibleOrganisationId, c.AgentOrganisationId }.Where(x => x is not null).Select(x => (Org: x!.Value, c.To)))
            .GroupBy(x => x.Org)
            .Select(g => new OrgCount(g.Key, Names.GetValueOrDefault(g.Key, g.Key.ToString()), g.Count(x => x.To == LimitColour.Yellow), g.Count(x => x.To == LimitColour.Red)))
            .Where(c => (Owner is not { } o || c.OrganisationId == o) && (Agent is not { } a || c.OrganisationId == a))
            .OrderByDescending(c => c.Red).ThenByDescending(c => c.Yellow).ThenBy(c => c.Name).ToList();
        Recent = changes.OrderByDescending(c => c.CrossedAt).Take(50).ToList();
    }

    private static void Line(StringBuilder sb, params string[] cells) =>
        sb.Append(string.Join(",", cells.Select(Csv))).Append("\r\n");

    /// <summary>RFC 4180 quoting; a leading = + - @ is neutralised so a spreadsheet never runs a cell as a formula.</summary>
    private static string Csv(string s)
    {
        if (s.Length > 0 && "=+-@\t\r".Contains(s[0], StringComparison.Ordinal)) s = "'" + s;
        return s.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : s;
    }
}
