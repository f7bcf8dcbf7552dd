using Microsoft.AspNetCore.Mvc;
using Trading.Crypto;
using Trading.Domain;
using Trading.Domain.Bidding;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Submission;

/// <summary>
/// The key holders' page for one tender: join the ceremony by setting the passphrase, check it before the
/// deadline, and give the partial decryptions after it. Everyone signed in who works on the tender sees the status.
/// </summary>
public sealed class CeremonyModel(OpeningService openings, CeremonyService ceremonies, TimeProvider clock, Microsoft.Extensions.Options.IOptions<SubmissionOptions> options)
    : TradingPageModel
{
    [FromRoute] public Guid Id { get; set; }
    [BindProperty] public string Passphrase { get; set; } = "";
    [BindProperty] public string Confirm { get; set; } = "";
    [BindProperty] public string TransportKey { get; set; } = "";
    [BindProperty] public int Holder { get; set; }
    [BindProperty] public string Reason { get; set; } = "";

    public Tender Tender { get; private set; } = null!;
    public KeyCeremony Ceremony { get; private set; } = null!;
    public JointKey? Key { get; private set; }
    public KeyHolder? MyHolder { get; private set; }
    public string? MyHolderRefusal { get; private set; }
    public DateTime Now { get; private set; }
    public int MaxFailures => options.Value.MaxPassphraseFailures;

    public Task<IActionResult> OnGetAsync(CancellationToken ct) => RunAsync(async () => { await LoadAsync(ct); return Page(); });

    public Task<IActionResult> OnPostJoinAsync(CancellationToken ct) => Act(() => ceremonies.JoinAsync(RequireActor(), User, Id, Passphrase, Confirm, ct), "Bid.Ceremony.JoinDone", ct);

    public Task<IActionResult> OnPostJoinOffServerAsync(CancellationToken ct) =>
        Act(() => ceremonies.JoinOffServerAsync(RequireActor(), User, Id, TransportKey, ct), "Bid.Ceremony.JoinDone", ct);

    public Task<IActionResult> OnPostCheckAsync(CancellationToken ct) => Act(() => ceremonies.HealthCheckAsync(RequireActor(), User, Id, Passphrase, ct), "Bid.Ceremony.CheckOk", ct);

    public Task<IActionResult> OnPostCheckOffServerAsync(IFormFile? canary, CancellationToken ct) => Act(async () =>
    {
        if (canary is null || canary.Length == 0) throw new RuleViolationException(new RuleViolation(BiddingRules.CanaryInvalid));
        await using var s = canary.OpenReadStream();
        await ceremonies.HealthCheckOffServerAsync(RequireActor(), User, Id, s, ct);
    }, "Bid.Ceremony.CheckOk", ct);

    /// <summary>Today's health-check challenge for an off-server holder, shown for the CLI.</summary>
    public string? Canary => MyHolder is { KeepsShareOffServer: true } h && Ceremony.Status == CeremonyStatus.Complete ? Convert.ToHexStringLower(ceremonies.CanaryFor(Ceremony, h)) : null;

    public Task<IActionResult> OnPostUnlockAsync(CancellationToken ct) =>
        Act(() => ceremonies.SupervisedUnlockAsync(RequireActor(), Id, Holder, Reason, ct), "Bid.Ceremony.Unlocked", ct);

    /// <summary>The off-server holder's encrypted shares and the public records, for <c>trading keyholder receive</c>.</summary>
    public Task<IActionResult> OnGetSharePackageAsync(CancellationToken ct) => RunAsync(async () =>
    {
        // Loaded first so a refusal shows the page with its reason.
        await LoadAsync(ct);
        var package = await ceremonies.SharePackageAsync(RequireActor(), User, Id, ct);
        return File(System.Text.Encoding.UTF8.GetBytes(CryptoJson.Serialize(package)), "application/json", $"share-package-holder{package.HolderIndex}.json");
    });

    private Task<IActionResult> Act(Func<Task> action, string done, CancellationToken ct) => PostAsync(action, done, new { id = Id }, () => LoadAsync(ct));

    private async Task LoadAsync(CancellationToken ct)
    {
        Passphrase = Confirm = Reason = "";
        var actor = RequireActor();
        var (t, c) = await openings.LoadAsync(Id, ct);
        if (!actor.IsOversight && !actor.IsOwnerSideOf(t)) throw new ForbiddenException(RuleCodes.NotOwnerSide);
        Tender = t;
        Ceremony = c;
        Key = c.JointKeyJson is null ? null : CryptoJson.Deserialize<JointKey>(c.JointKeyJson);
        Now = clock.GetUtcNow().UtcDateTime;
        try { MyHolder = ceremonies.HolderFor(actor, User, c); }
        catch (RuleViolationException e) { MyHolderRefusal = T.Explain(e.Violation); }
    }
}
