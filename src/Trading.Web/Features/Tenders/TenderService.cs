using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Trading.Data;
using Trading.Domain;
using Trading.Domain.Evaluation;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Tenders;

public sealed record LotInput(string Name, decimal EstimatedPriceYuan, decimal BidBondYuan, decimal? ControlPriceYuan = null);

/// <summary>A tender's terms as the owner types them; times are UTC here (pages convert from centre time).</summary>
public sealed record TenderInput(
    string Title, string? Description, ProcurementCategory Category, EvaluationMethod EvaluationMethod,
    string QualificationRequirements, DateTime BidDeadlineUtc, DateTime OpeningTimeUtc, string OpeningPlace,
    IReadOnlyList<LotInput> Lots, Guid? OwnerOrganisationId = null, ScoringScheme? Scheme = null, string? Region = null);

/// <summary>
/// Tender registration, documents, publication, clarifications and document downloads. Pages and the
/// JSON API both come through here, so every rule and every ownership check is written once.
/// </summary>
public sealed class TenderService(
    TradingDbContext db, PublicLogWriter log, CentreTime time, Uploads uploads,
    IOptions<PlatformOptions> options, IOptions<TenderRules> rules, Supervision.Sanctions sanctions, IEnumerable<IPublicationStep> publicationSteps,
    Engagements.EngagementService engagements, Notifications.Notifier notifier)
{
    public static readonly IReadOnlySet<SniffedType> DocumentTypes = new HashSet<SniffedType> { SniffedType.Pdf, SniffedType.Zip };

    public TenderRules Rules => rules.Value;

    private LifecycleContext Context(int bids = 0) => new(time.UtcNow, rules.Value, bids);

    /// <summary>Owners register their own projects; an agent registers for an owner unit that engaged it.</summary>
    public async Task<Tender> CreateAsync(Actor actor, TenderInput input, CancellationToken ct, Tender? retenderOf = null)
    {
        var (owner, agent) = await ResolveOwnerAsync(actor, input.OwnerOrganisationId, ct);
        var now = time.UtcNow;
        // A suspended tendering agent takes on no new tenders.
        if (agent is { } ag) await sanctions.EnsureMayTradeAsync(ag, now, ct);
        var t = new Tender { OwnerOrganisationId = owner, AgentOrganisationId = agent, CreatedAt = now, RetenderOfId = retenderOf?.Id };
        Apply(t, input);
        ThrowIfInvalid(TenderValidation.ValidateTerms(t, now, rules.Value));

        return await log.ActAsync(async () =>
        {
            await log.LockAsync(ct);
            var year = time.ToLocal(now).Year;
            var prefix = $"ZB-{year}-";
            var count = await db.Tenders.CountAsync(x => x.Code.StartsWith(prefix), ct);
            t.Code = $"{prefix}{count + 1:0000}";
            db.Tenders.Add(t);
            await log.AppendAsync("tender.registered", t.Id, new { code = t.Code, title = t.Title, owner, agent, lots = t.Lots.Count, deadline = t.BidDeadline, retenderOf = retenderOf?.Code, by = log.Pseudonym("user", actor.UserId.ToString()) }, ct);
            return t;
        }, ct);
    }

    /// <summary>
    /// The owner re-runs a failed tender (重新招标, Regulations art. 44): a new registration with its own terms and
    /// deadline, linked to the failed one so both pages and the log show the chain. Only the failed tender's own owner side.
    /// </summary>
    public async Task<Tender> RetenderAsync(Actor actor, Guid failedId, TenderInput input, CancellationToken ct)
    {
        var failed = await GetForEditAsync(actor, failedId, ct);
        if (!failed.Failed) throw new RuleViolationException(new RuleViolation(RuleCodes.RetenderNotFailed, failed.Code));
        // The new tender belongs to the same owner, whatever the input says.
        return await CreateAsync(actor, input with { OwnerOrganisationId = failed.OwnerOrganisationId }, ct, failed);
    }

    /// <summary>The re-tenders that link to this one (newest first).</summary>
    public Task<List<Tender>> RetendersOfAsync(Guid id, CancellationToken ct) =>
        db.Tenders.AsNoTracking().Where(t => t.RetenderOfId == id).OrderByDescending(t => t.CreatedAt).ToListAsync(ct);

    /// <summary>Terms change freely before publication; afterwards only through clarifications.</summary>
    public async Task<Tender> UpdateAsync(Actor actor, Guid id, TenderInput input, CancellationToken ct)
    {
        var t = await GetForEditAsync(actor, id, ct);
        if (t.Step > LifecycleStep.DocumentsFiled)
            throw new RuleViolationException(new RuleViolation(RuleCodes.WrongStep, (int)t.Step, (int)LifecycleStep.ProjectRegistration));
        db.Lots.RemoveRange(t.Lots);
        t.Lots.Clear();
        Apply(t, input);
        ThrowIfInvalid(TenderValidation.ValidateTerms(t, time.UtcNow, rules.Value));
        db.Touch(t);
        await log.RecordAsync("tender.changed", t.Id, new { title = t.Title, lots = t.Lots.Count, deadline = t.BidDeadline, by = log.Pseudonym("user", actor.UserId.ToString()) }, ct);
        return t;
    }

    public async Task<TenderDocument> AddDocumentAsync(Actor actor, Guid id, IFormFile file, CancellationToken ct)
    {
        var t = await GetForEditAsync(actor, id, ct);
        if (t.Step > LifecycleStep.DocumentsFiled)
            throw new RuleViolationException(new RuleViolation(RuleCodes.WrongStep, (int)t.Step, (int)LifecycleStep.DocumentsFiled));
        return await uploads.StoreAsync(file, DocumentTypes, options.Value.MaxTenderDocumentBytes, async (stored, contentType) =>
        {
            var doc = new TenderDocument
            {
                TenderId = t.Id, FileName = Uploads.SafeFileName(file.FileName), ContentType = contentType,
                Length = stored.Length, Sha256 = stored.Sha256, StorageKey = stored.Key, FiledAt = time.UtcNow,
            };
            db.TenderDocuments.Add(doc);
            await log.RecordAsync("tender.document.added", t.Id, new { document = doc.Id, name = doc.FileName, sha256 = doc.Sha256, length = doc.Length }, ct);
            return doc;
        }, ct);
    }

    /// <summary>Step 1 to 2: documents filed (备案) with the centre.</summary>
    public Task<Tender> FileDocumentsAsync(Actor actor, Guid id, CancellationToken ct) =>
        MoveAsync(actor, id, LifecycleStep.DocumentsFiled, "tender.documents.filed", ct);

    /// <summary>Step 2 to 3: the notice is published and the documents go on issue; the 20-day count starts now.</summary>
    public async Task<Tender> PublishAsync(Actor actor, Guid id, CancellationToken ct)
    {
        var t = await GetForEditAsync(actor, id, ct);
        var now = time.UtcNow;
        // The deadline rule is checked against the actual moment of first issue, which is now.
        t.DocumentsFirstIssuedAt ??= now;
        var errors = TenderLifecycle.Check(t, LifecycleStep.NoticePublished, Context());
        if (errors.Count > 0)
        {
            t.DocumentsFirstIssuedAt = null;
            throw new RuleViolationException(errors[0]);
        }
        t.PublishedAt = now;
        return await CommitMoveAsync(actor, t, LifecycleStep.NoticePublished, "tender.published", ct, async () =>
        {
            foreach (var step in publicationSteps) await step.OnPublishingAsync(t, ct);
        });
    }

    public async Task<Clarification> ClarifyAsync(Actor actor, Guid id, string question, string answer, bool changesDocuments, CancellationToken ct)
    {
        var t = await GetForEditAsync(actor, id, ct);
        if (t.Step != LifecycleStep.NoticePublished)
            throw new RuleViolationException(new RuleViolation(RuleCodes.NotPublished));
        if (string.IsNullOrWhiteSpace(question) || string.IsNullOrWhiteSpace(answer))
            throw new RuleViolationException(new RuleViolation("Rule.Clarification.Empty"));
        if (TenderValidation.CheckClarification(t, changesDocuments, time.UtcNow, rules.Value) is { } v)
            throw new RuleViolationException(v);
        var c = new Clarification { TenderId = t.Id, Question = question.Trim(), Answer = answer.Trim(), ChangesDocuments = changesDocuments, PublishedAt = time.UtcNow };
        db.Clarifications.Add(c);
        // Every firm that took the documents is told, each of its own copy only: nobody learns who else took them.
        foreach (var u in await notifier.DocumentTakersAsync(t.Id, ct))
            notifier.Raise(new Notifications.Notice(u, "tender.clarification", "Tender.Notice.ClarificationSubject",
                changesDocuments ? "Tender.Notice.ClarificationChangesBody" : "Tender.Notice.ClarificationBody", [t.Code, t.Title], $"/Tenders/Details/{t.Id}", t.Id));
        await log.RecordAsync("tender.clarification", t.Id, new { clarification = c.Id, changesDocuments }, ct);
        return c;
    }

    /// <summary>
    /// Moving the deadline later (for example so that a changing clarification keeps its 15 days): only while bidding is
    /// open, never at or after the deadline, by any role. Checked again under the log lock, which the deadline move holds
    /// too, so a postponement can never land after the deadline move has frozen the bids.
    /// </summary>
    public async Task<Tender> PostponeDeadlineAsync(Actor actor, Guid id, DateTime newDeadlineUtc, CancellationToken ct)
    {
        var t = await GetForEditAsync(actor, id, ct);
        if (BiddingPeriod.MayPostpone(t, newDeadlineUtc, time.UtcNow) is { } refusal) throw new RuleViolationException(refusal);
        return await log.ActAsync(async () =>
        {
            await log.LockAsync(ct);
            await db.Entry(t).ReloadAsync(ct);
            if (BiddingPeriod.MayPostpone(t, newDeadlineUtc, time.UtcNow) is { } late) throw new RuleViolationException(late);
            var old = t.BidDeadline;
            var gap = t.OpeningTime - t.BidDeadline;
            t.BidDeadline = newDeadlineUtc;
            t.OpeningTime = newDeadlineUtc + gap;
            ThrowIfInvalid(TenderValidation.ValidateTerms(t, time.UtcNow, rules.Value));
            db.Touch(t);
            await log.AppendAsync("tender.deadline.postponed", t.Id, new { from = old, to = newDeadlineUtc }, ct);
            foreach (var u in await notifier.DocumentTakersAsync(t.Id, ct))
                notifier.Raise(new Notifications.Notice(u, "tender.postponed", "Tender.Notice.PostponedSubject", "Tender.Notice.PostponedBody",
                    [t.Code, t.Title, time.Format(newDeadlineUtc)], $"/Tenders/Details/{t.Id}", t.Id));
            return t;
        }, ct);
    }

    /// <summary>
    /// A bidder obtains a document: the firm must be approved and not suspended, the tender on issue and
    /// before its deadline. Each download is recorded for the firm and logged.
    /// </summary>
    public async Task<(TenderDocument Doc, Stream Content)> DownloadAsync(Actor actor, Guid tenderId, Guid docId, CancellationToken ct)
    {
        var t = await LoadAsync(tenderId, ct);
        var doc = t.Documents.FirstOrDefault(d => d.Id == docId) ?? throw new NotFoundException();
        if (actor.IsOversight || await IsOwnerSideAsync(actor, tenderId, ct))
            return (doc, uploads.Open(doc.StorageKey));
        if (!actor.IsIn(Roles.Bidder)) throw new ForbiddenException(RuleCodes.BidderOnly);
        if (t.Step < LifecycleStep.NoticePublished) throw new NotFoundException();
        var firm = await db.Organisations.FirstAsync(o => o.Id == actor.OrganisationId, ct);
        var now = time.UtcNow;
        // Suspensions come from bad-behaviour records, and the refusal names the record.
        if (BiddingPeriod.MayObtainDocuments(t, firm, await sanctions.SuspensionAsync(firm.Id, now, ct), now) is { } refusal)
            throw new RuleViolationException(refusal);

        db.DocumentDownloads.Add(new DocumentDownload { TenderId = t.Id, DocumentId = doc.Id, FirmId = firm.Id, UserId = actor.UserId, DownloadedAt = now, IpAddress = actor.IpAddress });
        // Sealed until the deadline (art. 22: who and how many obtained the documents stay secret); the reveal then shows
        // per-tender pseudonyms that link to nothing outside this tender.
        await log.ActAsync(() => log.AppendSealedAsync("tender.document.obtained", t.Id, new
        {
            document = doc.Id, firm = log.TenderPseudonym(t.Id, "firm", firm.Id.ToString()), user = log.TenderPseudonym(t.Id, "user", actor.UserId.ToString()),
        }, ct), ct);
        return (doc, uploads.Open(doc.StorageKey));
    }

    /// <summary>Published tenders are public; unpublished ones only for their owner side and the oversight offices.</summary>
    public async Task<Tender> GetAsync(Actor? actor, Guid id, CancellationToken ct)
    {
        var t = await LoadAsync(id, ct);
        if (t.Step >= LifecycleStep.NoticePublished) return t;
        if (actor is not null && (actor.IsOversight || actor.IsOwnerSideOf(t))) return t;
        // Unpublished tenders do not exist for anyone else: no hint that the id is valid.
        throw new NotFoundException();
    }

    /// <summary>The tenders an actor works on: own (owner or agent), all (oversight), or published (everyone else).</summary>
    public async Task<List<Tender>> ListAsync(Actor? actor, CancellationToken ct)
    {
        IQueryable<Tender> q = db.Tenders.Include(t => t.Lots).Include(t => t.OwnerOrganisation);
        if (actor is null || !(actor.IsOversight || actor.IsIn(Roles.Owner, Roles.Agent)))
            q = q.Where(t => t.Step >= LifecycleStep.NoticePublished);
        else if (!actor.IsOversight)
            q = q.Where(t => t.OwnerOrganisationId == actor.OrganisationId || t.AgentOrganisationId == actor.OrganisationId);
        var list = await q.ToListAsync(ct);
        return list.OrderByDescending(t => t.CreatedAt).ToList();
    }

    public async Task<List<DocumentDownload>> DownloadsAsync(Actor actor, Guid id, CancellationToken ct)
    {
        var t = await LoadAsync(id, ct);
        if (actor.IsOversight || actor.IsOwnerSideOf(t))
            return await db.DocumentDownloads.Where(d => d.TenderId == id).OrderBy(d => d.DownloadedAt).ToListAsync(ct);
        // A bidder sees only its own firm's downloads, never who else obtained the documents.
        if (actor.IsIn(Roles.Bidder))
            return await db.DocumentDownloads.Where(d => d.TenderId == id && d.FirmId == actor.OrganisationId).OrderBy(d => d.DownloadedAt).ToListAsync(ct);
        throw new ForbiddenException(RuleCodes.NotOwner);
    }

    private async Task<bool> IsOwnerSideAsync(Actor actor, Guid id, CancellationToken ct) =>
        await db.Tenders.Where(t => t.Id == id).Select(t => new { t.OwnerOrganisationId, t.AgentOrganisationId }).FirstOrDefaultAsync(ct) is { } o
        && actor.IsOwnerSideOf(o.OwnerOrganisationId, o.AgentOrganisationId);

    private async Task<Tender> GetForEditAsync(Actor actor, Guid id, CancellationToken ct)
    {
        var t = await LoadAsync(id, ct);
        if (!actor.IsOwnerSideOf(t))
        {
            // Hide unpublished tenders from other organisations entirely; refuse published ones by rule.
            if (t.Step < LifecycleStep.NoticePublished && !actor.IsOversight) throw new NotFoundException();
            throw new ForbiddenException(RuleCodes.NotOwnerSide);
        }
        return t;
    }

    private async Task<Tender> LoadAsync(Guid id, CancellationToken ct) =>
        await db.Tenders.Include(t => t.Lots).Include(t => t.Documents).Include(t => t.Clarifications)
            .Include(t => t.Transitions).Include(t => t.OwnerOrganisation).Include(t => t.AgentOrganisation)
            .AsSplitQuery().FirstOrDefaultAsync(t => t.Id == id, ct)
        ?? throw new NotFoundException();

    private async Task<Tender> MoveAsync(Actor actor, Guid id, LifecycleStep to, string logType, CancellationToken ct)
    {
        var t = await GetForEditAsync(actor, id, ct);
        return await CommitMoveAsync(actor, t, to, logType, ct);
    }

    /// <summary>Moves the tender a step and logs it; <paramref name="alsoInTransaction"/> is what the step starts, stored with it or not at all.</summary>
    private async Task<Tender> CommitMoveAsync(Actor actor, Tender t, LifecycleStep to, string logType, CancellationToken ct, Func<Task>? alsoInTransaction = null)
    {
        var from = t.Step;
        var transition = TenderLifecycle.Apply(t, to, Context(), actor.UserId, actor.Name, actor.IpAddress);
        db.StepTransitions.Add(transition);
        return await log.ActAsync(async () =>
        {
            await log.AppendAsync(logType, t.Id, new
            {
                from = (int)from, to = (int)to, code = t.Code, deadline = t.BidDeadline,
                documents = t.Documents.Where(d => !d.Superseded).Select(d => d.Sha256).ToArray(),
                by = log.Pseudonym("user", actor.UserId.ToString()), ip = actor.IpAddress is null ? null : log.Pseudonym("ip", actor.IpAddress),
            }, ct);
            // The move is saved first: when another request moved the same tender a moment earlier, this fails here as a
            // concurrency conflict (a clear answer), before what the step starts could collide with what the other one started.
            await db.SaveChangesAsync(ct);
            if (alsoInTransaction is not null) await alsoInTransaction();
            return t;
        }, ct);
    }

    private async Task<(Guid Owner, Guid? Agent)> ResolveOwnerAsync(Actor actor, Guid? requestedOwner, CancellationToken ct)
    {
        if (actor.IsIn(Roles.Owner))
            return (actor.OrganisationId, null);
        if (actor.IsIn(Roles.Agent))
        {
            if (requestedOwner is not { } o || !await db.Organisations.AnyAsync(x => x.Id == o && x.Kind == OrganisationKind.OwnerUnit, ct))
                throw new RuleViolationException(new RuleViolation("Rule.Tender.OwnerRequired"));
            // An agency acts in an owner's name only under the engagement the owner recorded (Features/Engagements).
            if (!await engagements.IsEngagedAsync(o, actor.OrganisationId, ct))
                throw new RuleViolationException(new RuleViolation("Rule.Tender.NotEngaged"));
            return (o, actor.OrganisationId);
        }
        throw new ForbiddenException(RuleCodes.OwnerOrAgentOnly);
    }

    private static void Apply(Tender t, TenderInput input)
    {
        t.Title = input.Title.Trim();
        t.Description = input.Description?.Trim();
        t.Category = input.Category;
        t.EvaluationMethod = input.EvaluationMethod;
        // A caller that names no table gets the method's standard one, so every tender has its scheme on file.
        t.ScoringSchemeJson = (input.Scheme ?? ScoringScheme.Template(input.EvaluationMethod)).ToJson();
        t.QualificationRequirements = input.QualificationRequirements.Trim();
        t.BidDeadline = input.BidDeadlineUtc;
        t.OpeningTime = input.OpeningTimeUtc;
        t.OpeningPlace = input.OpeningPlace.Trim();
        t.Region = string.IsNullOrWhiteSpace(input.Region) ? null : input.Region.Trim();
        var n = 1;
        foreach (var l in input.Lots)
        {
            var price = Money.Fen(l.EstimatedPriceYuan) ?? throw new RuleViolationException(new RuleViolation(RuleCodes.EstimatedPriceInvalid, n));
            var bond = Money.Fen(l.BidBondYuan) ?? throw new RuleViolationException(new RuleViolation(RuleCodes.BondNegative, n));
            long? control = l.ControlPriceYuan is { } c ? Money.Fen(c) ?? throw new RuleViolationException(new RuleViolation(RuleCodes.ControlPriceInvalid, n)) : null;
            t.Lots.Add(new Lot { TenderId = t.Id, Number = n++, Name = l.Name.Trim(), EstimatedPriceFen = price, ControlPriceFen = control, BidBondFen = bond });
        }
    }

    private static void ThrowIfInvalid(List<RuleViolation> errors)
    {
        if (errors.Count > 0) throw new RuleViolationsException(errors);
    }
}
