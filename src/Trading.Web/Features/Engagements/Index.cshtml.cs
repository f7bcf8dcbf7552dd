using Microsoft.AspNetCore.Mvc;
using Trading.Data;
using Trading.Domain;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Engagements;

/// <summary>An owner's engagements of tendering agencies: record one, end one; agencies and oversight read.</summary>
public sealed class EngagementsIndexModel(EngagementService engagements) : TradingPageModel
{
    public List<EngagementView> Engagements { get; private set; } = [];
    public List<Organisation> Agencies { get; private set; } = [];
    public bool CanRecord => CurrentActor?.IsIn(Roles.Owner) == true;

    [BindProperty] public Guid AgentOrganisationId { get; set; }
    [BindProperty] public string? Scope { get; set; }
    [BindProperty] public Guid EngagementId { get; set; }
    [BindProperty] public string? Reason { get; set; }

    public Task<IActionResult> OnGetAsync() => RunAsync(async () => { await LoadAsync(); return Page(); });

    public Task<IActionResult> OnPostRecordAsync() =>
        PostAsync(() => engagements.RecordAsync(RequireActor(), new EngagementInput(AgentOrganisationId, Scope ?? ""), HttpContext.RequestAborted), "Engagement.Recorded", null, LoadAsync);

    public Task<IActionResult> OnPostEndAsync() =>
        PostAsync(() => engagements.EndAsync(RequireActor(), EngagementId, new EndEngagementInput(Reason ?? ""), HttpContext.RequestAborted), "Engagement.Ended", null, LoadAsync);

    private async Task LoadAsync()
    {
        Engagements = await engagements.ListAsync(RequireActor(), HttpContext.RequestAborted);
        if (CanRecord) Agencies = await engagements.AgenciesAsync(HttpContext.RequestAborted);
    }
}
