using Microsoft.AspNetCore.Mvc;
using Trading.Domain.Supervision;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Supervision.Records;

/// <summary>One record with its evidence and appeals; supervisors record appeals and their outcomes here.</summary>
public sealed class RecordDetailsModel(Sanctions sanctions, CentreTime time) : TradingPageModel
{
    public BadBehaviourRecord? Record { get; private set; }

    public sealed class AppealForm
    {
        public DateOnly? LodgedOn { get; set; }
        public string? Grounds { get; set; }
        public AppealDecision? Decision { get; set; }
        public string? DecisionReason { get; set; }
        public DateOnly? ReducedEnd { get; set; }
        public Guid? AppealId { get; set; }
    }

    [BindProperty] public AppealForm Appeal { get; set; } = new();

    public Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct) => RunAsync(async () =>
    {
        Record = await sanctions.GetAsync(RequireActor(), id, ct);
        return Page();
    });

    public Task<IActionResult> OnGetEvidenceAsync(Guid id, CancellationToken ct) => RunAsync(async () =>
    {
        var (r, content) = await sanctions.OpenEvidenceAsync(RequireActor(), id, ct);
        return File(content, r.EvidenceContentType ?? "application/octet-stream", r.EvidenceFileName);
    });

    public Task<IActionResult> OnPostAppealAsync(Guid id, CancellationToken ct) => Act(id, async a =>
    {
        var lodged = Appeal.LodgedOn is { } d ? time.ToUtc(d.ToDateTime(new TimeOnly(12, 0))) : time.UtcNow;
        await sanctions.AppealAsync(a, id, new AppealInput(lodged, Appeal.Grounds ?? "", Appeal.Decision, Appeal.DecisionReason, ReducedEndUtc()), ct);
        Flash("Supervision.Records.AppealSaved");
    }, ct);

    public Task<IActionResult> OnPostDecideAsync(Guid id, CancellationToken ct) => Act(id, async a =>
    {
        if (Appeal.AppealId is not { } appealId || Appeal.Decision is not { } decision)
            throw new Trading.Domain.RuleViolationException(new Trading.Domain.RuleViolation(SupervisionRules.AppealDecision));
        await sanctions.DecideAsync(a, id, appealId, decision, Appeal.DecisionReason, ReducedEndUtc(), ct);
        Flash("Supervision.Records.AppealSaved");
    }, ct);

    private DateTime? ReducedEndUtc() => Appeal.ReducedEnd is { } e ? time.ToUtc(e.AddDays(1).ToDateTime(TimeOnly.MinValue)) : null;

    private async Task<IActionResult> Act(Guid id, Func<Actor, Task> action, CancellationToken ct)
    {
        ModelState.Clear();
        var result = await RunAsync(async () => { await action(RequireActor()); return RedirectToPage(new { id }); });
        if (result is Microsoft.AspNetCore.Mvc.RazorPages.PageResult) Record = await sanctions.GetAsync(RequireActor(), id, ct);
        return result;
    }
}
