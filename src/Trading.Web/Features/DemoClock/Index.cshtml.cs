using Microsoft.AspNetCore.Mvc;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.DemoClock;

/// <summary>Centre staff move the demo clock forward (an hour, a day, a week, or just past the next bid deadline).</summary>
public sealed class DemoClockModel(IServiceProvider services, CentreTime time) : TradingPageModel
{
    public DateTime Now { get; private set; }
    public TimeSpan Offset { get; private set; }
    public DateTime? NextDeadline { get; private set; }

    [BindProperty] public int Hours { get; set; }
    [BindProperty] public bool ToNextDeadline { get; set; }

    private DemoClockService? Service => services.GetService<DemoClockService>();

    public Task<IActionResult> OnGetAsync(CancellationToken ct) => RunAsync(async () =>
    {
        if (Service is not { } s) return NotFound();
        RequireActor();
        await LoadAsync(s, ct);
        return Page();
    });

    public Task<IActionResult> OnPostAsync(CancellationToken ct) => RunAsync(async () =>
    {
        if (Service is not { } s) return NotFound();
        var (_, to) = await s.AdvanceAsync(RequireActor(), ToNextDeadline ? null : TimeSpan.FromHours(Hours), ToNextDeadline, ct);
        Flash("DemoClock.Moved", time.Format(to));
        return RedirectToPage();
    }, () => Page());

    private async Task LoadAsync(DemoClockService s, CancellationToken ct)
    {
        var clock = services.GetRequiredService<DemoClock>();
        Now = clock.GetUtcNow().UtcDateTime;
        Offset = clock.Offset;
        NextDeadline = await s.NextDeadlineAsync(ct);
    }
}
