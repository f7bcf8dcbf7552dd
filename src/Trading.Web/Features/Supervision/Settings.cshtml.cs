using System.Text;
using Microsoft.AspNetCore.Mvc;
using Trading.Domain;
using Trading.Domain.Supervision;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Supervision;

/// <summary>The holiday calendar and thresholds in force, and the centre's page for changing them. Supervisors may read it.</summary>
public sealed class SupervisionSettingsModel(SupervisionSettings settings) : TradingPageModel
{
    [BindProperty] public string? CalendarJson { get; set; }
    [BindProperty] public IFormFile? CalendarFile { get; set; }
    [BindProperty] public ThresholdMode Mode { get; set; }
    [BindProperty] public decimal YellowFractionLeft { get; set; }
    [BindProperty] public int YellowDaysLate { get; set; }
    [BindProperty] public int RedDaysLate { get; set; }

    public WorkingCalendar Calendar { get; private set; } = WorkingCalendar.Empty;
    public Trading.Domain.Supervision.SupervisionSetting? CalendarRow { get; private set; }
    public Trading.Domain.Supervision.SupervisionSetting? ThresholdsRow { get; private set; }
    public IReadOnlyList<TimeLimitDefinition> Limits => settings.Config.Limits;
    public bool CanEdit => CurrentActor?.IsIn(Trading.Data.Roles.CentreStaff, Trading.Data.Roles.Admin) == true;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        await LoadAsync(keepInput: false, ct);
        return Page();
    }

    public Task<IActionResult> OnPostCalendarAsync(CancellationToken ct) => Post(async () =>
    {
        var json = CalendarJson;
        if (CalendarFile is { Length: > 0 } f)
        {
            if (f.Length > SupervisionSettings.MaxCalendarBytes)
                throw new RuleViolationException(new RuleViolation(SupervisionRules.CalendarTooLarge, SupervisionSettings.MaxCalendarBytes / 1024));
            using var r = new StreamReader(f.OpenReadStream(), Encoding.UTF8);
            json = await r.ReadToEndAsync(ct);
        }
        await settings.SaveCalendarAsync(RequireActor(), json ?? "", ct);
        Flash("Supervision.Settings.CalendarSaved");
    }, ct);

    public Task<IActionResult> OnPostThresholdsAsync(CancellationToken ct) => Post(async () =>
    {
        await settings.SaveThresholdsAsync(RequireActor(), new LimitThresholds
        {
            Mode = Mode, YellowFractionLeft = YellowFractionLeft, YellowDaysLate = YellowDaysLate, RedDaysLate = RedDaysLate,
        }, ct);
        Flash("Supervision.Settings.ThresholdsSaved");
    }, ct);

    private async Task<IActionResult> Post(Func<Task> action, CancellationToken ct)
    {
        if (!ModelState.IsValid)
        {
            // Unparseable numbers: say so with the rule, not a framework message.
            ModelState.Clear();
            ModelState.AddModelError("", T.Explain(new RuleViolation(SupervisionRules.ThresholdNegative, YellowDaysLate, RedDaysLate)));
            await LoadAsync(keepInput: true, ct);
            return Page();
        }
        var result = await RunAsync(async () => { await action(); return RedirectToPage(); });
        if (result is Microsoft.AspNetCore.Mvc.RazorPages.PageResult) await LoadAsync(keepInput: true, ct);
        return result;
    }

    private async Task LoadAsync(bool keepInput, CancellationToken ct)
    {
        (Calendar, CalendarRow) = await settings.CalendarAsync(ct);
        var (t, row) = await settings.ThresholdsAsync(ct);
        ThresholdsRow = row;
        if (keepInput) return;
        CalendarJson = Calendar.ToJson();
        Mode = t.Mode;
        YellowFractionLeft = t.YellowFractionLeft;
        YellowDaysLate = t.YellowDaysLate;
        RedDaysLate = t.RedDaysLate;
    }
}
