using Microsoft.AspNetCore.Mvc;
using Trading.Crypto;
using Trading.Domain;
using Trading.Domain.Bidding;
using Trading.Web.Infrastructure;
using KeyCeremony = Trading.Domain.Bidding.KeyCeremony;

namespace Trading.Web.Features.Submission;

/// <summary>
/// The key holders' page for one tender: join the ceremony by setting the passphrase, check it before the
/// deadline, and give the partial decryptions after it. Everyone signed in who works on the tender sees the status.
/// </summary>
public sealed class CeremonyModel(OpeningService openings, CeremonyService ceremonies, Trading.Data.TradingDbContext db) : TradingPageModel
{
    [FromRoute] public Guid Id { get; set; }
    [BindProperty] public string Passphrase { get; set; } = "";
    [BindProperty] public string Confirm { get; set; } = "";

    public Tender Tender { get; private set; } = null!;
    public KeyCeremony Ceremony { get; private set; } = null!;
    public JointKey? Key { get; private set; }
    public KeyHolder? MyHolder { get; private set; }
    public string? MyHolderRefusal { get; private set; }
    public DateTime Now { get; private set; }

    public Task<IActionResult> OnGetAsync(CancellationToken ct) => RunAsync(async () => { await LoadAsync(ct); return Page(); });

    public Task<IActionResult> OnPostJoinAsync(CancellationToken ct) => Act(() => ceremonies.JoinAsync(RequireActor(), User, Id, Passphrase, Confirm, ct), "Bid.Ceremony.JoinDone", ct);

    public Task<IActionResult> OnPostCheckAsync(CancellationToken ct) => Act(() => ceremonies.HealthCheckAsync(RequireActor(), User, Id, Passphrase, ct), "Bid.Ceremony.CheckOk", ct);

    public Task<IActionResult> OnPostOpenAsync(CancellationToken ct) => Act(() => openings.GivePartialsAsync(RequireActor(), User, Id, Passphrase, ct), "Bid.Ceremony.PartialsGiven", ct);

    private async Task<IActionResult> Act(Func<Task> action, string done, CancellationToken ct)
    {
        var result = await RunAsync(async () =>
        {
            await action();
            TempData["Message"] = T[done];
            return RedirectToPage(new { id = Id });
        });
        if (result is Microsoft.AspNetCore.Mvc.RazorPages.PageResult)
        {
            // Show what is stored, not what the refused attempt had changed in memory.
            db.ChangeTracker.Clear();
            await LoadAsync(ct);
        }
        return result;
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Passphrase = Confirm = "";
        var actor = RequireActor();
        var (t, c) = await openings.LoadAsync(Id, ct);
        if (!actor.IsOversight && !Tenders.TenderService.IsOwnerSide(actor, t)) throw new ForbiddenException(RuleCodes.NotOwner);
        Tender = t;
        Ceremony = c;
        Key = c.JointKeyJson is null ? null : CryptoJson.Deserialize<JointKey>(c.JointKeyJson);
        Now = HttpContext.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime;
        try { MyHolder = ceremonies.HolderFor(actor, User, c); }
        catch (RuleViolationException e) { MyHolderRefusal = T.Explain(e.Violation); }
    }
}
