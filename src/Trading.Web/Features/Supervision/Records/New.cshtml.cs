using Microsoft.AspNetCore.Mvc;
using Trading.Domain;
using Trading.Domain.Supervision;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Supervision.Records;

/// <summary>A supervisor records bad behaviour against a firm, an agent or an expert, with evidence and a sanction.</summary>
public sealed class NewRecordModel(Sanctions sanctions, CentreTime time) : TradingPageModel
{
    public sealed class RecordForm
    {
        /// <summary>"Firm:{id}", "Agent:{id}" or "Expert:{id}".</summary>
        public string? Subject { get; set; }
        public string? Facts { get; set; }
        public string? RuleBroken { get; set; }
        public string? EvidenceText { get; set; }
        public string? CollusionFindingRef { get; set; }
        public SanctionKind Sanction { get; set; } = SanctionKind.Warning;
        public DateOnly? SuspensionStart { get; set; }
        /// <summary>The last day of the suspension (inclusive, centre time).</summary>
        public DateOnly? SuspensionEnd { get; set; }
        public string? SuspensionReason { get; set; }
    }

    [BindProperty] public RecordForm Form { get; set; } = new();
    [BindProperty] public IFormFile? Evidence { get; set; }
    public List<(SanctionSubjectKind Kind, Guid Id, string Name)> Subjects { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(Guid? subject, CancellationToken ct)
    {
        Subjects = await sanctions.SubjectsAsync(ct);
        if (subject is { } s && Subjects.FirstOrDefault(x => x.Id == s) is { Name: not null } found && found.Id != Guid.Empty)
            Form.Subject = $"{found.Kind}:{found.Id}";
        Form.SuspensionStart = DateOnly.FromDateTime(time.ToLocal(time.UtcNow));
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        // Dates that do not parse leave the fields empty; the domain then refuses with its own rule.
        ModelState.Clear();
        var result = await RunAsync(async () =>
        {
            var (kind, id) = ParseSubject(Form.Subject);
            var r = await sanctions.RecordAsync(RequireActor(), new RecordInput(kind, id, Form.Facts ?? "", Form.RuleBroken ?? "", Form.EvidenceText, Form.CollusionFindingRef,
                Form.Sanction, Form.SuspensionStart is { } s ? time.ToUtc(s.ToDateTime(TimeOnly.MinValue)) : null,
                Form.SuspensionEnd is { } e ? time.ToUtc(e.AddDays(1).ToDateTime(TimeOnly.MinValue)) : null, Form.SuspensionReason), Evidence, ct);
            Flash("Supervision.Records.Saved", r.Number);
            return RedirectToPage("/Supervision/Records/Details", new { id = r.Id });
        });
        if (result is Microsoft.AspNetCore.Mvc.RazorPages.PageResult) Subjects = await sanctions.SubjectsAsync(ct);
        return result;
    }

    private static (SanctionSubjectKind, Guid) ParseSubject(string? s)
    {
        var parts = (s ?? "").Split(':');
        return parts.Length == 2 && Enum.TryParse<SanctionSubjectKind>(parts[0], out var k) && Enum.IsDefined(k) && Guid.TryParse(parts[1], out var id)
            ? (k, id) : throw new RuleViolationException(new RuleViolation(SupervisionRules.RecordSubject));
    }
}
