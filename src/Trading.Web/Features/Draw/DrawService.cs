using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Trading.Data;
using Trading.Domain;
using Trading.Domain.Experts;
using Trading.ExpertPool;
using Trading.Web.Features.Experts;
using Trading.Web.Features.Notifications;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Draw;

public sealed class StratumInput
{
    public string? Stratum { get; set; }
    public StratumKind Kind { get; set; }
    /// <summary>Comma-separated patterns "category/field" or "category/*".</summary>
    public string? Specialties { get; set; }
    public int Count { get; set; }
    public RegionRuleMode? RegionMode { get; set; }
    /// <summary>Comma-separated region codes for the region rule.</summary>
    public string? Regions { get; set; }
    /// <summary>The page's pickers; joined into <see cref="Specialties"/> and <see cref="Regions"/> before the request is made.</summary>
    public List<string> SpecialtyPicks { get; set; } = [];
    public List<string> RegionPicks { get; set; } = [];
}

public sealed class DrawRequestInput
{
    public Guid TenderId { get; set; }
    public Guid LotId { get; set; }
    public string EvaluationRoom { get; set; } = "";
    /// <summary>Centre local time (Asia/Shanghai).</summary>
    public DateTime StartsAtLocal { get; set; }
    public DateTime EndsAtLocal { get; set; }
    public int CommitteeSize { get; set; } = 5;
    public int OwnerRepresentativeSeats { get; set; }
    public string? BeaconRound { get; set; }
    public int? ResponseWindowHours { get; set; }
    public List<StratumInput> Strata { get; set; } = [];
}

/// <summary>A seat of the committee as a given reader may see it: the name only when they are entitled to it.</summary>
public sealed record SeatView(string Stratum, string Pseudonym, CommitteeMemberStatus? Status, string? Name, string? RegistrationNumber, DateTime? RespondBy, string? DeclineReason, Guid? MemberId);

/// <summary>An exclusion from the eligible list with its reasons (confidential: supervisors and centre).</summary>
public sealed record ExclusionView(string RegistrationNumber, string Name, IReadOnlyList<string> Reasons, IReadOnlyList<string> Codes);

public sealed record DrawView(
    EvaluationSession Session, Tender Tender, Lot Lot, DrawRecord Record, string? Office, bool CanSeeIdentities, bool CanSeeScreening,
    IReadOnlyList<SeatView> Seats, IReadOnlyList<ExclusionView>? Exclusions, IReadOnlyList<(string Stratum, int Needed, int Eligible)> Counts);

/// <summary>The screening stored with a session (confidential): expert ids are pool registration numbers.</summary>
public sealed record StoredScreening(IReadOnlyList<StoredEligible> Eligible, IReadOnlyList<StoredExclusion> Excluded, IReadOnlyList<StoredCount> Counts);
public sealed record StoredEligible(string ExpertId, IReadOnlyList<string> Strata);
public sealed record StoredExclusion(string ExpertId, IReadOnlyList<StoredReason> Reasons);
public sealed record StoredReason(string Code, IReadOnlyDictionary<string, string> Args);
public sealed record StoredCount(string Stratum, int Needed, int Eligible);

/// <summary>
/// The expert draw in the web app. Every step goes through <c>Trading.ExpertPool</c> (the record is the
/// state), is saved with its log entries in one transaction, and is refused with the library's reason when
/// the library refuses. Identities of the drawn experts are shown only to the centre and supervision
/// office, and to everyone once the tender has reached the award notice (Bidding Law art. 37).
/// </summary>
public sealed class DrawService(
    TradingDbContext db, PublicLogWriter log, Notifier notifier, TimeProvider clock, CentreTime time, ILotBidders bidders,
    DrawPseudonymKey key, IOptions<ExpertDrawOptions> options, BeaconSources beacons, Texts texts, Tenders.TenderMoves moves)
{
    public const string Supervision = "supervision";
    public const string Centre = "centre";
    public const string OwnerOffice = "owner";

    private DateTimeOffset Now => clock.GetUtcNow();
    private DateTime NowUtc => Now.UtcDateTime;

    public static bool IsStaff(Actor a) => a.IsIn(Roles.CentreStaff, Roles.Admin);

    /// <summary>Centre, supervision and admins see who was drawn; everyone once the award is decided.</summary>
    public static bool CanSeeIdentities(Actor? a, Tender t) =>
        t.Step >= LifecycleStep.AwardNotice || (a is not null && a.IsIn(Roles.CentreStaff, Roles.Supervisor, Roles.Admin));

    /// <summary>The office (of the three that commit to the seed) the actor acts for on this tender, if any.</summary>
    public static string? OfficeOf(Actor a, Tender t) =>
        a.IsIn(Roles.Supervisor) ? Supervision : a.IsIn(Roles.CentreStaff) ? Centre : a.IsOwnerSideOf(t) ? OwnerOffice : null;

    // ---- reading ----

    public async Task<IReadOnlyList<(EvaluationSession Session, Tender Tender, Lot Lot)>> ListAsync(Actor actor, Guid? tenderId, CancellationToken ct)
    {
        var q = from s in db.Set<EvaluationSession>().AsNoTracking()
                join t in db.Tenders.AsNoTracking() on s.TenderId equals t.Id
                join l in db.Lots.AsNoTracking() on s.LotId equals l.Id
                where tenderId == null || s.TenderId == tenderId
                select new { s, t, l };
        var rows = await q.ToListAsync(ct);
        return rows.OrderByDescending(r => r.s.RequestedAt).Select(r => (r.s, r.t, r.l)).ToList();
    }

    public async Task<DrawView> GetAsync(Actor actor, Guid sessionId, CancellationToken ct)
    {
        var s = await db.Set<EvaluationSession>().AsNoTracking().Include(x => x.Members).Include(x => x.Requirements)
            .FirstOrDefaultAsync(x => x.Id == sessionId, ct) ?? throw new NotFoundException();
        var t = await db.Tenders.AsNoTracking().Include(x => x.Lots).FirstAsync(x => x.Id == s.TenderId, ct);
        var lot = t.Lots.First(l => l.Id == s.LotId);
        var record = DrawRecordJson.Deserialize(s.RecordJson);
        var identities = CanSeeIdentities(actor, t);
        var screeningAllowed = actor.IsIn(Roles.CentreStaff, Roles.Supervisor, Roles.Admin);
        var experts = identities || screeningAllowed
            ? await db.Set<PoolExpert>().AsNoTracking().Select(e => new { e.Id, e.RegistrationNumber, e.Name }).ToListAsync(ct)
            : [];
        var byId = experts.ToDictionary(e => e.Id);
        var seats = new List<SeatView>();
        if (record.Phase is DrawPhase.Drawn or DrawPhase.Voided && record.Seed is not null)
        {
            foreach (var m in s.Members.OrderBy(m => m.Stratum, StringComparer.Ordinal).ThenBy(m => m.InvitedAt))
            {
                var e = identities && byId.TryGetValue(m.ExpertId, out var x) ? x : null;
                seats.Add(new SeatView(m.Stratum, m.Pseudonym, m.Status, e?.Name, e?.RegistrationNumber, m.RespondBy,
                    identities ? m.DeclineReason : null, identities ? m.Id : null));
            }
        }
        IReadOnlyList<ExclusionView>? exclusions = null;
        var counts = new List<(string, int, int)>();
        if (s.ScreeningJson.Length > 2)
        {
            var screening = JsonSerializer.Deserialize<StoredScreening>(s.ScreeningJson)!;
            counts = screening.Counts.Select(c => (c.Stratum, c.Needed, c.Eligible)).ToList();
            if (screeningAllowed)
            {
                var byReg = experts.ToDictionary(e => e.RegistrationNumber);
                var parties = await PartyNamesAsync(screening, ct);
                exclusions = screening.Excluded.Select(x => new ExclusionView(x.ExpertId, byReg.TryGetValue(x.ExpertId, out var e) ? e.Name : "",
                    x.Reasons.Select(r => DrawMessages.Format(ToReason(Named(r, parties)), DrawCulture.Current)).ToList(), x.Reasons.Select(r => r.Code).ToList())).ToList();
            }
        }
        return new DrawView(s, t, lot, record, OfficeOf(actor, t), identities, screeningAllowed, seats, exclusions, counts);
    }

    /// <summary>The public record (pseudonyms only), exactly as the verifier reads it.</summary>
    public async Task<(string Json, EvaluationSession Session)> RecordJsonAsync(Guid sessionId, CancellationToken ct)
    {
        var s = await db.Set<EvaluationSession>().AsNoTracking().FirstOrDefaultAsync(x => x.Id == sessionId, ct) ?? throw new NotFoundException();
        return (s.RecordJson, s);
    }

    /// <summary>
    /// The record keeps parties by organisation id (what the verifier needs); staff reading an exclusion want the name.
    /// </summary>
    private async Task<Dictionary<string, string>> PartyNamesAsync(StoredScreening screening, CancellationToken ct)
    {
        var ids = screening.Excluded.SelectMany(x => x.Reasons).Select(r => r.Args.GetValueOrDefault("party"))
            .Select(v => Guid.TryParse(v, out var g) ? g : (Guid?)null).OfType<Guid>().Distinct().ToList();
        if (ids.Count == 0) return [];
        return await db.Organisations.AsNoTracking().Where(o => ids.Contains(o.Id)).ToDictionaryAsync(o => o.Id.ToString(), o => o.Name, ct);
    }

    private static StoredReason Named(StoredReason r, Dictionary<string, string> parties) =>
        r.Args.TryGetValue("party", out var id) && parties.TryGetValue(id, out var name)
            ? r with { Args = new Dictionary<string, string>(r.Args) { ["party"] = name } }
            : r;

    private static Reason ToReason(StoredReason r) => Reason.Of(r.Code, r.Args.Select(kv => (kv.Key, (object?)kv.Value)).ToArray());

    // ---- the request ----

    /// <summary>Tenders the actor may request a draw for: centre staff any ready tender, the owner side their own.</summary>
    public async Task<IReadOnlyList<Tender>> RequestableTendersAsync(Actor actor, CancellationToken ct)
    {
        if (!IsStaff(actor) && !actor.IsIn(Roles.Owner, Roles.Agent)) return [];
        var q = db.Tenders.AsNoTracking().Include(t => t.Lots)
            .Where(t => !t.Failed && t.Step >= LifecycleStep.NoticePublished && t.Step < LifecycleStep.Evaluation);
        if (!IsStaff(actor)) q = q.Where(t => t.OwnerOrganisationId == actor.OrganisationId || t.AgentOrganisationId == actor.OrganisationId);
        return await q.OrderBy(t => t.Code).ToListAsync(ct);
    }

    public async Task<Tender> TenderForRequestAsync(Actor actor, Guid tenderId, CancellationToken ct)
    {
        var t = await db.Tenders.AsNoTracking().Include(x => x.Lots).FirstOrDefaultAsync(x => x.Id == tenderId, ct) ?? throw new NotFoundException();
        if (!IsStaff(actor) && !actor.IsOwnerSideOf(t)) throw new ForbiddenException(RuleCodes.NotOwnerSide);
        return t;
    }

    public async Task<EvaluationSession> RequestAsync(Actor actor, DrawRequestInput input, CancellationToken ct)
    {
        var t = await db.Tenders.Include(x => x.Lots).FirstOrDefaultAsync(x => x.Id == input.TenderId, ct) ?? throw new NotFoundException();
        if (!IsStaff(actor) && !actor.IsOwnerSideOf(t)) throw new ForbiddenException(RuleCodes.NotOwnerSide);
        var lot = t.Lots.FirstOrDefault(l => l.Id == input.LotId) ?? throw new NotFoundException();
        if (t.Failed || t.Step < LifecycleStep.NoticePublished || t.Step >= LifecycleStep.Evaluation)
            throw new RuleViolationException(new RuleViolation(DrawRules.TenderNotReady, (int)t.Step));
        var starts = time.ToUtc(input.StartsAtLocal);
        var ends = time.ToUtc(input.EndsAtLocal);
        if (starts <= NowUtc || ends <= starts || time.ToLocal(starts).Date != time.ToLocal(ends).Date)
            throw new RuleViolationException(new RuleViolation(DrawRules.TimesInvalid));
        if (string.IsNullOrWhiteSpace(input.EvaluationRoom) || input.EvaluationRoom.Length > 100)
            throw new RuleViolationException(new RuleViolation(DrawRules.InputInvalid, "evaluationRoom"));
        var window = input.ResponseWindowHours ?? options.Value.ResponseWindowHours;
        if (window is < 1 or > 72) throw new RuleViolationException(new RuleViolation(DrawRules.InputInvalid, "responseWindowHours"));
        if (input.BeaconRound is { Length: > 100 }) throw new RuleViolationException(new RuleViolation(DrawRules.InputInvalid, "beaconRound"));
        var strata = new List<StratumQuota>();
        foreach (var si in input.Strata.Where(x => !string.IsNullOrWhiteSpace(x.Stratum) || !string.IsNullOrWhiteSpace(x.Specialties) || x.Count > 0))
        {
            if (strata.Count >= 20) throw new RuleViolationException(new RuleViolation(DrawRules.InputInvalid, "strata"));
            var patterns = Split(si.Specialties);
            var regions = Split(si.Regions);
            if (si.Stratum is null || si.Stratum.Length > 40 || patterns.Count > 50 || regions.Count > 50 || !Enum.IsDefined(si.Kind))
                throw new RuleViolationException(new RuleViolation(DrawRules.InputInvalid, "strata"));
            strata.Add(new StratumQuota(si.Stratum.Trim(), si.Kind, patterns, si.Count,
                si.RegionMode is { } mode && regions.Count > 0 ? new RegionRule(mode, regions) : null));
        }

        return await log.ActAsync(async () =>
        {
            // The log lock serialises requests, so two at once cannot both pass the second-draw check.
            await log.LockAsync(ct);
            var existing = await db.Set<EvaluationSession>().Where(x => x.TenderId == t.Id && x.LotId == lot.Id).ToListAsync(ct);
            var day = DateOnly.FromDateTime(time.ToLocal(starts));
            var request = new DrawRequest
            {
                DrawId = $"{t.Code}-L{lot.Number}-{existing.Count + 1}",
                TenderId = t.Code,
                LotId = lot.Number.ToString(CultureInfo.InvariantCulture),
                OwnerId = t.OwnerOrganisationId.ToString(),
                AgentId = t.AgentOrganisationId?.ToString(),
                BidderIds = (await bidders.BidderOrganisationsAsync(t.Id, lot.Id, ct)).Select(b => b.ToString()).ToList(),
                EvaluationDate = day,
                EvaluationPlace = input.EvaluationRoom.Trim(),
                CommitteeSize = input.CommitteeSize,
                OwnerRepresentativeSeats = input.OwnerRepresentativeSeats,
                Strata = strata,
                BeaconRound = string.IsNullOrWhiteSpace(input.BeaconRound) ? null : input.BeaconRound.Trim(),
                Rules = options.Value.Rules,
            };
            DrawPreparation prep;
            try
            {
                ExpertDraw.EnsureNoStandingDraw(request.TenderId, request.LotId, existing.Select(x => DrawRecordJson.Deserialize(x.RecordJson)));
                ExpertDraw.Validate(request);
                var pool = await PoolAsync(t.OwnerOrganisationId, day, ct);
                prep = ExpertDraw.Prepare(request, pool, key.Bytes, Now);
            }
            catch (DrawInfeasibleException e)
            {
                throw DrawCulture.Infeasible(e, texts);
            }
            catch (ExpertDrawException e)
            {
                throw DrawCulture.Wrap(e);
            }
            var s = new EvaluationSession
            {
                DrawId = request.DrawId, TenderId = t.Id, LotId = lot.Id, EvaluationRoom = request.EvaluationPlace, StartsAt = starts, EndsAt = ends,
                CommitteeSize = request.CommitteeSize, OwnerRepresentativeSeats = request.OwnerRepresentativeSeats, BeaconRound = request.BeaconRound,
                ResponseWindowHours = window, Phase = prep.Record.Phase, RequestedByUserId = actor.UserId, RequestedAt = NowUtc,
                RecordJson = DrawRecordJson.Serialize(prep.Record),
                ScreeningJson = JsonSerializer.Serialize(new StoredScreening(
                    prep.Eligibility.Eligible.Select(e => new StoredEligible(e.ExpertId, e.Strata)).ToList(),
                    prep.Eligibility.Excluded.Select(x => new StoredExclusion(x.ExpertId, x.Reasons.Select(r => new StoredReason(r.Code, r.Args.ToDictionary(kv => kv.Key, kv => kv.Value))).ToList())).ToList(),
                    prep.Eligibility.Counts.Select(c => new StoredCount(c.Stratum, c.Needed, c.Eligible)).ToList())),
                PseudonymMapJson = JsonSerializer.Serialize(prep.ExpertIdByPseudonym),
                Requirements = strata.Select(q => new SessionRequirement
                {
                    Stratum = q.Id, Kind = q.Kind, Specialties = q.Specialties.ToList(), Count = q.Count,
                    RegionMode = q.Region?.Mode, Regions = q.Region?.Regions.ToList() ?? [],
                }).ToList(),
            };
            db.Add(s);
            await AppendEventsAsync(s, [prep.Event], ct, new { excluded = prep.Eligibility.Excluded.Count });
            return s;
        }, ct);
    }

    private static List<string> Split(string? s) =>
        string.IsNullOrWhiteSpace(s) ? [] : s.Split([',', '，', ';', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct().ToList();

    /// <summary>The whole pool in the library's terms, with each expert's nearest service for this owner.</summary>
    private async Task<List<Trading.ExpertPool.Expert>> PoolAsync(Guid ownerOrganisationId, DateOnly day, CancellationToken ct)
    {
        var experts = await db.Set<PoolExpert>().AsNoTracking().AsSplitQuery()
            .Include(e => e.Employments).Include(e => e.Relationships).Include(e => e.RegistryLinks).Include(e => e.Unavailable)
            .ToListAsync(ct);
        var served = await (from m in db.Set<CommitteeMember>().AsNoTracking()
                            join s in db.Set<EvaluationSession>().AsNoTracking() on m.SessionId equals s.Id
                            join t in db.Tenders.AsNoTracking() on s.TenderId equals t.Id
                            where t.OwnerOrganisationId == ownerOrganisationId && s.VoidedAt == null
                                  && (m.Status == CommitteeMemberStatus.Accepted || m.Status == CommitteeMemberStatus.Invited)
                            select new { m.ExpertId, s.StartsAt }).ToListAsync(ct);
        var owner = ownerOrganisationId.ToString();
        var nearest = served.GroupBy(x => x.ExpertId).ToDictionary(g => g.Key,
            g => g.Select(x => DateOnly.FromDateTime(time.ToLocal(x.StartsAt))).MinBy(d => Math.Abs(d.DayNumber - day.DayNumber)));
        var now = NowUtc;
        return experts.Select(e => ExpertPoolService.ToLibrary(e, now,
            nearest.TryGetValue(e.Id, out var d) ? new Dictionary<string, DateOnly> { [owner] = d } : null)).ToList();
    }

    // ---- commit, reveal, beacon, draw ----

    public Task CommitAsync(Actor actor, Guid sessionId, string commitment, CancellationToken ct) =>
        StepAsync(actor, sessionId, (s, t, r) =>
        {
            var office = OfficeOf(actor, t) ?? throw new RuleViolationException(new RuleViolation(DrawRules.NotYourOffice));
            return DrawProcess.Commit(r, office, (commitment ?? "").Trim().ToLowerInvariant(), Now);
        }, ct);

    public Task CloseCommitmentsAsync(Actor actor, Guid sessionId, CancellationToken ct) =>
        StepAsync(actor, sessionId, (s, t, r) =>
        {
            if (!actor.IsIn(Roles.CentreStaff)) throw new ForbiddenException(RuleCodes.CentreStaffOnly);
            return DrawProcess.CloseCommitments(r, Now);
        }, ct);

    public Task RevealAsync(Actor actor, Guid sessionId, string value, CancellationToken ct) =>
        StepAsync(actor, sessionId, (s, t, r) =>
        {
            var office = OfficeOf(actor, t) ?? throw new RuleViolationException(new RuleViolation(DrawRules.NotYourOffice));
            if ((value ?? "").Length > 1024) throw new RuleViolationException(new RuleViolation(DrawRules.InputInvalid, "value"));
            return DrawProcess.Reveal(r, office, DrawProcess.ParseOfficeValue(office, value ?? ""), Now);
        }, ct);

    /// <summary>Sets the beacon value from a registered source (by name) or typed in by staff (source null).</summary>
    public async Task SetBeaconAsync(Actor actor, Guid sessionId, string? sourceName, string? round, string? valueHex, CancellationToken ct)
    {
        if (!actor.IsIn(Roles.CentreStaff, Roles.Supervisor)) throw new ForbiddenException(RuleCodes.CentreOrSupervisionOnly);
        var s = await db.Set<EvaluationSession>().AsNoTracking().FirstOrDefaultAsync(x => x.Id == sessionId, ct) ?? throw new NotFoundException();
        var expected = s.BeaconRound ?? "";
        var source = sourceName is null
            ? BeaconSources.Manual((round ?? "").Trim(), (valueHex ?? "").Trim(), log.Pseudonym("user", actor.UserId.ToString()))
            : beacons.Find(sourceName) ?? throw new NotFoundException();
        BeaconValue value;
        try
        {
            value = await source.GetAsync(expected, ct);
        }
        catch (ExpertDrawException e)
        {
            throw DrawCulture.Wrap(e);
        }
        await StepAsync(actor, sessionId, (_, _, r) => DrawProcess.SetBeacon(r, value, Now), ct);
    }

    public Task DrawAsync(Actor actor, Guid sessionId, CancellationToken ct) =>
        StepAsync(actor, sessionId, (s, t, r) =>
        {
            if (!actor.IsIn(Roles.CentreStaff)) throw new ForbiddenException(RuleCodes.CentreStaffOnly);
            return DrawProcess.Draw(r, Now);
        }, ct);

    public Task VoidAsync(Actor actor, Guid sessionId, string reason, CancellationToken ct) =>
        StepAsync(actor, sessionId, (s, t, r) =>
        {
            if (!actor.IsIn(Roles.Supervisor)) throw new ForbiddenException(RuleCodes.SupervisorOnly);
            if ((reason ?? "").Length > 1000) throw new RuleViolationException(new RuleViolation(DrawRules.InputInvalid, "reason"));
            var next = DrawProcess.Void(r, "supervisor:" + log.Pseudonym("user", actor.UserId.ToString()), (reason ?? "").Trim(), Now);
            s.VoidedAt = NowUtc;
            s.VoidedByUserId = actor.UserId;
            s.VoidReason = reason!.Trim();
            return next;
        }, ct);

    // ---- answers and replacements ----

    /// <summary>The expert's own seats (any session, any status), newest first.</summary>
    public async Task<IReadOnlyList<(CommitteeMember Member, EvaluationSession Session, Tender Tender, Lot Lot, IReadOnlyList<string> DeclineReasons)>> InvitationsAsync(Actor actor, CancellationToken ct)
    {
        var rows = await (from m in db.Set<CommitteeMember>().AsNoTracking()
                          join e in db.Set<PoolExpert>().AsNoTracking() on m.ExpertId equals e.Id
                          join s in db.Set<EvaluationSession>().AsNoTracking() on m.SessionId equals s.Id
                          join t in db.Tenders.AsNoTracking() on s.TenderId equals t.Id
                          join l in db.Lots.AsNoTracking() on s.LotId equals l.Id
                          where e.UserId == actor.UserId
                          select new { m, s, t, l }).ToListAsync(ct);
        return rows.OrderByDescending(r => r.m.InvitedAt)
            .Select(r => (r.m, r.s, r.t, r.l, DrawRecordJson.Deserialize(r.s.RecordJson).Request.DeclineReasons)).ToList();
    }

    /// <summary>The expert accepts, declines (a declared reason) or, after accepting, withdraws (a declared reason).</summary>
    public async Task RespondAsync(Actor actor, Guid memberId, bool accept, string? declineReason, CancellationToken ct)
    {
        var m = await db.Set<CommitteeMember>().FirstOrDefaultAsync(x => x.Id == memberId, ct) ?? throw new NotFoundException();
        var expert = await db.Set<PoolExpert>().AsNoTracking().FirstAsync(x => x.Id == m.ExpertId, ct);
        if (expert.UserId != actor.UserId) throw new ForbiddenException(RuleCodes.OtherExpert);
        if (!m.Serving) throw new RuleViolationException(new RuleViolation(DrawRules.NotServing));
        if (m.Status == CommitteeMemberStatus.Invited && m.RespondBy <= NowUtc)
            throw new RuleViolationException(new RuleViolation(DrawRules.ResponseWindowClosed, m.RespondBy));
        if (accept)
        {
            if (m.Status == CommitteeMemberStatus.Accepted) return;
            await StepAsync(actor, m.SessionId, (s, t, r) =>
            {
                var tracked = s.Members.First(x => x.Id == memberId);
                tracked.Status = CommitteeMemberStatus.Accepted;
                tracked.RespondedAt = NowUtc;
                return new DrawTransition(r, [new DrawEvent(r.DrawId, r.Phase, Reason.Of("draw.event.accepted", ("pseudonym", tracked.Pseudonym)), Now)]);
            }, ct);
            return;
        }
        var status = m.Status == CommitteeMemberStatus.Accepted ? CommitteeMemberStatus.Replaced : CommitteeMemberStatus.Declined;
        await ReplaceAsync(actor, memberId, ReplacementReason.Declined, status, declineReason, ct);
    }

    /// <summary>A conflict of interest found after the draw (centre or supervision): the seat goes to the next reserve.</summary>
    public Task ReportConflictAsync(Actor actor, Guid memberId, CancellationToken ct)
    {
        if (!actor.IsIn(Roles.CentreStaff, Roles.Supervisor)) throw new ForbiddenException(RuleCodes.CentreOrSupervisionOnly);
        return ReplaceAsync(actor, memberId, ReplacementReason.ConflictFound, CommitteeMemberStatus.Conflict, null, ct);
    }

    /// <summary>Replaces every invited expert whose answer window has passed; returns how many.</summary>
    public async Task<int> ExpireNoAnswersAsync(CancellationToken ct)
    {
        var now = NowUtc;
        var due = await (from m in db.Set<CommitteeMember>().AsNoTracking()
                         join s in db.Set<EvaluationSession>().AsNoTracking() on m.SessionId equals s.Id
                         where m.Status == CommitteeMemberStatus.Invited && m.RespondBy <= now && s.VoidedAt == null
                         orderby m.RespondBy
                         select m.Id).ToListAsync(ct);
        var done = 0;
        foreach (var id in due)
        {
            db.ChangeTracker.Clear();
            await ReplaceAsync(null, id, ReplacementReason.NoAnswer, CommitteeMemberStatus.NoAnswer, null, ct);
            done++;
        }
        return done;
    }

    private Task ReplaceAsync(Actor? actor, Guid memberId, ReplacementReason reason, CommitteeMemberStatus status, string? declineReason, CancellationToken ct) =>
        StepAsync(actor, null, (s, t, r) =>
        {
            var m = s.Members.First(x => x.Id == memberId);
            if (!m.Serving) throw new RuleViolationException(new RuleViolation(DrawRules.NotServing));
            var next = DrawProcess.Replace(r, m.Pseudonym, reason, reason == ReplacementReason.Declined ? declineReason : null, Now);
            m.Status = status;
            m.RespondedAt = NowUtc;
            m.DeclineReason = reason == ReplacementReason.Declined ? declineReason : null;
            var incoming = next.Record.Replacements[^1].In;
            if (incoming is not null)
            {
                var member = NewMember(s, incoming, next.Record.Replacements[^1].Stratum);
                m.ReplacedByMemberId = member.Id;
            }
            return next;
        }, ct, memberId);

    private readonly List<(CommitteeMember Member, Guid UserId)> _invited = [];
    private Dictionary<string, PoolExpert>? _expertsByRegistration;

    private CommitteeMember NewMember(EvaluationSession s, string pseudonym, string stratum)
    {
        var map = JsonSerializer.Deserialize<Dictionary<string, string>>(s.PseudonymMapJson)!;
        var expert = _expertsByRegistration![map[pseudonym]];
        var m = new CommitteeMember
        {
            SessionId = s.Id, ExpertId = expert.Id, Pseudonym = pseudonym, Stratum = stratum, Status = CommitteeMemberStatus.Invited,
            InvitedAt = NowUtc, RespondBy = NowUtc.AddHours(s.ResponseWindowHours),
        };
        db.Add(m);
        _invited.Add((m, expert.UserId));
        return m;
    }

    /// <summary>
    /// One step of a draw: load the session (tracked) with its tender, let <paramref name="step"/> produce the
    /// next record from the library, then save the record, the members it makes and its log entries in one
    /// transaction. The session's version makes two concurrent steps on one draw conflict instead of both landing.
    /// </summary>
    private async Task StepAsync(Actor? actor, Guid? sessionId, Func<EvaluationSession, Tender, DrawRecord, DrawTransition> step, CancellationToken ct, Guid? memberId = null)
    {
        _invited.Clear();
        var id = sessionId ?? await db.Set<CommitteeMember>().Where(m => m.Id == memberId).Select(m => m.SessionId).FirstOrDefaultAsync(ct);
        var s = await db.Set<EvaluationSession>().Include(x => x.Members).FirstOrDefaultAsync(x => x.Id == id, ct) ?? throw new NotFoundException();
        var t = await db.Tenders.AsNoTracking().FirstAsync(x => x.Id == s.TenderId, ct);
        if (actor is not null && OfficeOf(actor, t) is null && !actor.IsIn(Roles.Admin, Roles.Expert))
            throw new ForbiddenException(RuleCodes.NotOwnerSide);
        _expertsByRegistration = await db.Set<PoolExpert>().AsNoTracking().ToDictionaryAsync(e => e.RegistrationNumber, ct);
        var before = DrawRecordJson.Deserialize(s.RecordJson);
        DrawTransition next;
        try
        {
            next = step(s, t, before);
        }
        catch (ExpertDrawException e)
        {
            throw DrawCulture.Wrap(e);
        }
        if (before.Phase != DrawPhase.Drawn && next.Record.Phase == DrawPhase.Drawn)
        {
            s.DrawnAt = NowUtc;
            foreach (var seat in DrawProcess.Committee(next.Record))
                NewMember(s, seat.Pseudonym, seat.Stratum);
        }
        s.RecordJson = DrawRecordJson.Serialize(next.Record);
        s.Phase = next.Record.Phase;

        foreach (var (m, userId) in _invited)
        {
            notifier.Raise(new Notice(userId, "draw.invited", "Draw.Notice.InvitedSubject", "Draw.Notice.InvitedBody",
                [t.Code, s.EvaluationRoom, time.Format(s.StartsAt), time.Format(m.RespondBy)], "/Draw/Invitations", t.Id));
        }
        if (next.Events.Any(e => e.Reason.Code == ReasonCodes.EventReserveExhausted))
            await notifier.RaiseToRoleAsync(Roles.CentreStaff, u => new Notice(u, "draw.reserve-exhausted", "Draw.Notice.ExhaustedSubject", "Draw.Notice.ExhaustedBody", [t.Code, s.DrawId], $"/Draw/Details/{s.Id}", t.Id), ct);
        if (next.Record.Phase == DrawPhase.Voided && before.Phase != DrawPhase.Voided)
        {
            var serving = s.Members.Where(m => m.Serving).Select(m => m.ExpertId).ToList();
            foreach (var u in _expertsByRegistration.Values.Where(e => serving.Contains(e.Id)).Select(e => e.UserId))
                notifier.Raise(new Notice(u, "draw.voided", "Draw.Notice.VoidedSubject", "Draw.Notice.VoidedBody", [t.Code, s.EvaluationRoom], "/Draw/Invitations", t.Id));
        }

        await log.ActAsync(async () =>
        {
            await AppendEventsAsync(s, next.Events, ct);
            await db.SaveChangesAsync(ct);
            // A committee drawn (or a draw voided) changes what step 9 needs: the tender moves with the draw, in its transaction.
            if (before.Phase != next.Record.Phase) await moves.AdvanceAsync(t.Id, actor, ct);
        }, ct);
    }

    /// <summary>
    /// Each library event becomes a log entry "draw.&lt;event&gt;" with the draw id, the phase after it and the
    /// event's arguments: hashes, offices and per-draw pseudonyms only, never a name.
    /// </summary>
    private async Task AppendEventsAsync(EvaluationSession s, IEnumerable<DrawEvent> events, CancellationToken ct, object? extra = null)
    {
        foreach (var e in events)
        {
            var type = "draw." + e.Reason.Code.Replace("draw.event.", "", StringComparison.Ordinal);
            await log.AppendAsync(type, s.TenderId, new
            {
                drawId = e.DrawId,
                phase = DrawCulture.Name(e.Phase),
                args = e.Reason.Args.ToDictionary(kv => kv.Key, kv => kv.Value),
                extra,
            }, ct);
        }
    }
}
