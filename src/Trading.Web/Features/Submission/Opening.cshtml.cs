using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Trading.Crypto;
using Trading.Data;
using Trading.Domain;
using Trading.Domain.Bidding;
using Trading.Web.Features.Opening;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Submission;

/// <summary>
/// The live opening hall (不见面开标): a countdown to the opening, who has signed in, the frozen bid list, each holder's
/// partials arriving and verified, each bid's row as it opens, and each bidder confirming its row or objecting before
/// the record closes. A holder's officer gives its partials here: the page unseals the officer's key with the
/// passphrase in the browser (the passphrase is never sent), checks every point against the frozen list in the log,
/// and posts only the partials with their proofs. The hub (Features/Opening) tells the page when to re-read itself.
/// </summary>
public sealed class OpeningModel(OpeningService openings, CeremonyService ceremonies, OpeningPresence presence, HolderModuleHash moduleHash, TradingDbContext db,
    TimeProvider clock, OpeningRecordPdf recordPdf) : TradingPageModel
{
    [FromRoute] public Guid Id { get; set; }
    [BindProperty] public string Text { get; set; } = "";
    [BindProperty] public Guid Objection { get; set; }

    public Tender Tender { get; private set; } = null!;
    public KeyCeremony Ceremony { get; private set; } = null!;
    public List<OpeningRow> Rows { get; private set; } = [];
    public List<OpeningObjection> Objections { get; private set; } = [];
    /// <summary>The key holder the reader acts for, if any: it gives its partials here.</summary>
    public KeyHolder? MyHolder { get; private set; }
    /// <summary>Why the signed-in officer may not act for its holder (pending or removed), shown instead of the form.</summary>
    public RuleViolation? OfficerRefusal { get; private set; }
    public bool AfterDeadline { get; private set; }
    public IReadOnlyList<HallParticipant> Present { get; private set; } = [];
    public (long Index, List<string> EnvelopeHashes)? Frozen { get; private set; }
    public DateTime? RecordClosesAt { get; private set; }
    public bool RecordOpen { get; private set; }
    public string? HolderModuleSha256 => moduleHash.Value;
    /// <summary>Every holder has given its partials but the opening has not completed: it stopped midway.</summary>
    public bool Stopped => Ceremony.OpenedAt is null && Ceremony.Holders.Count(h => h.PartialsJson is not null) >= Ceremony.Threshold;
    public OpeningHallAccess.Kind? Kind { get; private set; }

    public Task<IActionResult> OnGetAsync(CancellationToken ct) => RunAsync(async () => { await LoadAsync(ct); return Page(); });

    public Task<IActionResult> OnPostConfirmAsync(CancellationToken ct) => Act(() => openings.ConfirmAsync(RequireActor(), Id, ct), "Bid.Opening.Confirmed", ct);

    /// <summary>
    /// The frozen bids to give partials for (holders only, after the deadline): the page's script and the CLI read it.
    /// A refusal comes back as the rule and its explanation, as the page's other script handlers give it.
    /// </summary>
    public async Task<IActionResult> OnGetBatchAsync(CancellationToken ct)
    {
        try
        {
            var batch = await openings.BatchAsync(RequireActor(), User, Id, ct);
            return File(System.Text.Encoding.UTF8.GetBytes(CryptoJson.Serialize(batch)), "application/json", $"opening-batch-{batch.Tender}.json");
        }
        catch (Exception e) when (Api.RuleErrorFilter.Describe(e, T) is { } refusal)
        {
            return new JsonResult(new { rule = refusal.Rule, title = refusal.Title }) { StatusCode = refusal.Status };
        }
    }

    /// <summary>
    /// What the officer's browser needs to rebuild the holder's secret on its side: the ceremony's parameters, the
    /// joint key, the officer's transport key sealed under its passphrase, and the dealings relayed to this holder
    /// (public commitments and shares encrypted to the officer). Nothing here opens anything without the passphrase.
    /// </summary>
    public Task<IActionResult> OnGetMaterialAsync(CancellationToken ct) => JsonAsync(async () =>
        JsonDocument.Parse(CryptoJson.Serialize(await openings.HolderMaterialAsync(RequireActor(), User, Id, ct))).RootElement);

    /// <summary>Partials made in this page's script: checked in full (every proof, every point frozen) before anything is kept.</summary>
    public Task<IActionResult> OnPostGiveAsync(CancellationToken ct) => JsonAsync(async () =>
    {
        await openings.UploadPartialsAsync(RequireActor(), User, Id, Request.Body, ct, via: "browser");
        return new { accepted = true };
    });

    /// <summary>Partials made with the CLI, uploaded as a file, checked in full before anything is kept.</summary>
    public Task<IActionResult> OnPostPartialsAsync(IFormFile? partials, CancellationToken ct) => Act(async () =>
    {
        if (partials is null || partials.Length == 0) throw new RuleViolationException(new RuleViolation(BiddingRules.PartialsMalformed));
        await using var s = partials.OpenReadStream();
        await openings.UploadPartialsAsync(RequireActor(), User, Id, s, ct);
    }, "Bid.Ceremony.PartialsGiven", ct);

    /// <summary>Goes on with an opening that stopped midway.</summary>
    public Task<IActionResult> OnPostResumeAsync(CancellationToken ct) => Act(() => openings.ResumeAsync(RequireActor(), User, Id, ct), "Opening.Hall.Resumed", ct);

    public Task<IActionResult> OnPostObjectAsync(CancellationToken ct) => Act(() => openings.ObjectAsync(RequireActor(), Id, Text, ct), "Bid.Opening.ObjectionRecorded", ct);

    public Task<IActionResult> OnPostAnswerAsync(CancellationToken ct) => Act(() => openings.AnswerAsync(RequireActor(), Id, Objection, Text, ct), "Bid.Opening.Answered", ct);

    public Task<IActionResult> OnGetTranscriptAsync(CancellationToken ct) => RunAsync(async () =>
    {
        var (json, sha) = await openings.TranscriptAsync(RequireActor(), Id, ct);
        return File(System.Text.Encoding.UTF8.GetBytes(json), "application/json", $"opening-transcript-{sha[..12]}.json");
    });

    /// <summary>The opening record as a PDF in the reader's language, sealed by the centre (the archive keeps it too).</summary>
    public Task<IActionResult> OnGetPdfAsync(CancellationToken ct) => RunAsync(async () =>
    {
        await LoadAsync(ct);
        if (Ceremony.OpenedAt is null) return NotFound();
        return File(recordPdf.Render(Tender, Ceremony, Rows), "application/pdf", $"opening-record-{Tender.Code}.pdf");
    });

    private Task<IActionResult> Act(Func<Task> action, string done, CancellationToken ct) => PostAsync(action, done, new { id = Id }, () => LoadAsync(ct));

    private async Task LoadAsync(CancellationToken ct)
    {
        var actor = RequireActor();
        (Tender, Ceremony) = await openings.LoadAsync(Id, ct);
        Kind = await OpeningHallAccess.KindOfAsync(db, ceremonies, actor, User, Tender, Ceremony, ct);
        if (Kind is null) throw new ForbiddenException(OpeningRules.NotParticipant);
        var now = clock.GetUtcNow().UtcDateTime;
        AfterDeadline = Tender.Step >= LifecycleStep.BidDeadline && now >= Tender.BidDeadline;
        try { MyHolder = ceremonies.HolderFor(actor, User, Ceremony); }
        catch (RuleViolationException) { MyHolder = null; }
        if (MyHolder is not null) OfficerRefusal = await openings.OfficerRefusalAsync(actor, MyHolder, Ceremony, ct);
        (_, _, Rows) = await openings.RecordAsync(actor, Id, ct);
        Objections = await openings.ObjectionsAsync(actor, Id, ct);
        Present = presence.In(Id);
        if (AfterDeadline) Frozen = await openings.FrozenListAsync(Id, ct);
        RecordClosesAt = openings.RecordClosesAt(Ceremony);
        RecordOpen = RecordClosesAt is { } closes && now <= closes;
    }
}
