using Microsoft.AspNetCore.Mvc;
using Trading.Domain;
using Trading.Domain.Bidding;
using Trading.Web.Features.Custody;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Submission;

/// <summary>
/// The ceremony room: the officers of the three holders meet here. Everything that touches key material runs in the
/// officer's browser (wwwroot/js/ceremony.mjs with /lib/holder.mjs); this page only shows the relay's state and, for a
/// supervisor, removes an officer. No form here carries a passphrase.
/// </summary>
public sealed class CeremonyModel(CustodyService custody, Opening.HolderModuleHash moduleHash, TimeProvider clock) : TradingPageModel
{
    [FromRoute] public Guid Id { get; set; }
    [BindProperty] public Guid OfficerId { get; set; }

    public Tender Tender { get; private set; } = null!;
    public CeremonyState State { get; private set; } = null!;
    public string? MyHolderRefusal { get; private set; }
    /// <summary>Health checks make sense only before the deadline (afterwards the opening hall is where holders act).</summary>
    public bool BeforeDeadline => clock.GetUtcNow().UtcDateTime < Tender.BidDeadline;
    public bool IsSupervisor => CurrentActor?.IsIn(Data.Roles.Supervisor) == true;
    /// <summary>SHA-256 of the holder module as served, so an officer or auditor can compare it with a published release.</summary>
    public string ModuleSha256 { get; private set; } = "";

    public Task<IActionResult> OnGetAsync(CancellationToken ct) => RunAsync(async () => { await LoadAsync(ct); return Page(); });

    public Task<IActionResult> OnPostRemoveOfficerAsync(CancellationToken ct) =>
        PostAsync(() => custody.RemoveOfficerAsync(RequireActor(), Id, OfficerId, ct), "Custody.Room.OfficerRemoved", new { id = Id }, () => LoadAsync(ct));

    private async Task LoadAsync(CancellationToken ct)
    {
        var actor = RequireActor();
        var (t, c) = await custody.LoadAsync(Id, ct);
        Tender = t;
        try { custody.HolderOf(actor, User, c); }
        catch (RuleViolationException e) { MyHolderRefusal = T.Explain(e.Violation); }
        State = await custody.StateAsync(actor, User, Id, ct);
        ModuleSha256 = moduleHash.Value ?? "";
    }
}
