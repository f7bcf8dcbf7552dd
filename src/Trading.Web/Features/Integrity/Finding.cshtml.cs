using Microsoft.AspNetCore.Mvc;
using Trading.Domain;
using Trading.Domain.Integrity;
using Trading.Domain.Supervision;
using Trading.Web.Features.Supervision;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Integrity;

/// <summary>One finding with its evidence; supervisors confirm or dismiss it and turn a confirmed one into a bad-behaviour record.</summary>
public sealed class FindingModel(IntegrityService service, CentreTime time) : TradingPageModel
{
    public FindingView? View { get; private set; }

    public sealed class DecisionForm
    {
        public FindingDecision? Decision { get; set; }
        public string? Reason { get; set; }
    }

    public sealed class RecordForm
    {
        public Guid? FirmId { get; set; }
        public string? Facts { get; set; }
        public string? RuleBroken { get; set; }
        public SanctionKind Sanction { get; set; } = SanctionKind.Warning;
        public DateOnly? SuspensionStart { get; set; }
        /// <summary>The last day of the suspension (inclusive, centre time).</summary>
        public DateOnly? SuspensionEnd { get; set; }
        public string? SuspensionReason { get; set; }
    }

    [BindProperty] public DecisionForm Decide { get; set; } = new();
    [BindProperty] public RecordForm Record { get; set; } = new();

    public Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct) => RunAsync(async () =>
    {
        await LoadAsync(id, ct);
        return Page();
    });

    public Task<IActionResult> OnPostDecideAsync(Guid id, CancellationToken ct) => Act(id, async a =>
    {
        if (Decide.Decision is not { } d) throw new RuleViolationException(new RuleViolation(IntegrityRules.DecisionUnknown));
        await service.DecideAsync(a, id, d, Decide.Reason, ct);
        Flash("Integrity.Decided", T["Integrity.Decision." + d]);
    }, ct);

    public Task<IActionResult> OnPostRecordAsync(Guid id, CancellationToken ct) => Act(id, async a =>
    {
        if (Record.FirmId is not { } firm) throw new RuleViolationException(new RuleViolation(IntegrityRules.FirmNotInFinding));
        var r = await service.RecordAsync(a, id, firm, new RecordInput(SanctionSubjectKind.Firm, firm, Record.Facts ?? "", Record.RuleBroken ?? "", null, null,
            Record.Sanction, Record.SuspensionStart is { } s ? time.ToUtc(s.ToDateTime(TimeOnly.MinValue)) : null,
            Record.SuspensionEnd is { } e ? time.ToUtc(e.AddDays(1).ToDateTime(TimeOnly.MinValue)) : null, Record.SuspensionReason), ct);
        Flash("Supervision.Records.Saved", r.Number);
    }, ct);

    private async Task LoadAsync(Guid id, CancellationToken ct)
    {
        View = await service.FindingAsync(RequireActor(), id, ct);
        // The record form starts from the finding: what the screens found, and the rule that treats it as collusion.
        Record.Facts ??= $"{View.Tender.Code} · {IntegrityText.Indicator(View.Finding.IndicatorId, T)}: {IntegrityText.Explanation(View.Finding, View.FirmNames)}";
        Record.RuleBroken ??= T["Integrity.DefaultRule"];
        Record.SuspensionStart ??= DateOnly.FromDateTime(time.ToLocal(time.UtcNow));
    }

    private async Task<IActionResult> Act(Guid id, Func<Actor, Task> action, CancellationToken ct)
    {
        // Dates that do not parse leave the fields empty; the rules then refuse with their own message.
        ModelState.Clear();
        var result = await RunAsync(async () => { await action(RequireActor()); return RedirectToPage(new { id }); });
        if (result is Microsoft.AspNetCore.Mvc.RazorPages.PageResult) await LoadAsync(id, ct);
        return result;
    }
}
