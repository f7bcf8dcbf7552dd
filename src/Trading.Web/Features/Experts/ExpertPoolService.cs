using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Trading.Data;
using Trading.Domain;
using Trading.Domain.Experts;
using Trading.ExpertPool;
using Trading.Web.Features.Draw;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Experts;

/// <summary>
/// A profile as edited on a form. Lists are one item per line, fields separated by '|', so the whole
/// profile is plain keyboard input: employment "employer | from | to (empty while it lasts)",
/// relationship "party | kind | note", registry link "party | kind", unavailable "from | to | note".
/// A party known to the platform is recognised by its registered name or credit code.
/// </summary>
public sealed class ExpertProfileInput
{
    public string Name { get; set; } = "";
    /// <summary>Empty on edit keeps the stored one.</summary>
    public string? IdNumber { get; set; }
    public string? Phone { get; set; }
    public string? Email { get; set; }
    public DateOnly BirthDate { get; set; }
    public string? EmployerName { get; set; }
    public ExpertTitle Title { get; set; }
    public DateOnly PracticeSince { get; set; }
    public string Region { get; set; } = "";
    public List<string> Specialties { get; set; } = [];
    public string? Employments { get; set; }
    public string? Relationships { get; set; }
    public string? RegistryLinks { get; set; }
    public string? Unavailable { get; set; }
}

/// <summary>
/// The expert pool: centre staff maintain every profile, an expert keeps their own (but not the fields
/// staff own: status, title, practice start, registry links). Every change is logged with the expert as a
/// pseudonym and only the names of the fields that changed.
/// </summary>
public sealed class ExpertPoolService(TradingDbContext db, PublicLogWriter log, ExpertIdNumbers ids, TimeProvider clock)
{
    public static bool IsStaff(Actor a) => a.IsIn(Roles.CentreStaff, Roles.Admin);

    private IQueryable<PoolExpert> Full => db.Set<PoolExpert>()
        .Include(e => e.Employments).Include(e => e.Relationships).Include(e => e.RegistryLinks).Include(e => e.Unavailable);

    public async Task<IReadOnlyList<PoolExpert>> ListAsync(Actor actor, string? query, CancellationToken ct)
    {
        if (!actor.IsOversight) throw new ForbiddenException(RuleCodes.OversightOnly);
        var q = db.Set<PoolExpert>().AsNoTracking();
        if (!string.IsNullOrWhiteSpace(query))
        {
            var s = query.Trim();
            q = q.Where(e => e.Name.Contains(s) || e.RegistrationNumber.Contains(s) || e.Region.Contains(s));
        }
        return await q.OrderBy(e => e.RegistrationNumber).Take(500).ToListAsync(ct);
    }

    /// <summary>One profile: for oversight, or the expert themselves.</summary>
    public async Task<PoolExpert> GetAsync(Actor actor, Guid id, CancellationToken ct)
    {
        var e = await Full.AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct) ?? throw new NotFoundException();
        if (!actor.IsOversight && e.UserId != actor.UserId) throw new ForbiddenException(RuleCodes.OtherExpert);
        return e;
    }

    public async Task<PoolExpert> MineAsync(Actor actor, CancellationToken ct) =>
        await Full.AsNoTracking().FirstOrDefaultAsync(x => x.UserId == actor.UserId, ct)
        ?? throw new RuleViolationException(new RuleViolation(DrawRules.NoProfile));

    /// <summary>The ID number in the clear, for staff only (never on lists).</summary>
    public string RevealIdNumber(Actor actor, PoolExpert e)
    {
        if (!IsStaff(actor) && e.UserId != actor.UserId) throw new ForbiddenException(RuleCodes.OtherExpert);
        return ids.Unprotect(e.ProtectedIdNumber);
    }

    /// <summary>Expert users who have no profile yet, for the create form.</summary>
    public async Task<IReadOnlyList<AppUser>> UsersWithoutProfileAsync(CancellationToken ct)
    {
        var expertRole = await db.Roles.Where(r => r.Name == Roles.Expert).Select(r => r.Id).SingleAsync(ct);
        return await (from u in db.Users
                      join ur in db.UserRoles on u.Id equals ur.UserId
                      where ur.RoleId == expertRole && !db.Set<PoolExpert>().Any(e => e.UserId == u.Id)
                      orderby u.UserName
                      select u).ToListAsync(ct);
    }

    public async Task<PoolExpert> CreateAsync(Actor actor, Guid userId, ExpertProfileInput input, CancellationToken ct)
    {
        if (!IsStaff(actor)) throw new ForbiddenException(RuleCodes.CentreOrAdminOnly);
        var candidates = await UsersWithoutProfileAsync(ct);
        var user = candidates.FirstOrDefault(u => u.Id == userId) ?? throw new RuleViolationException(new RuleViolation(DrawRules.ProfileInvalid, "user"));
        if (string.IsNullOrWhiteSpace(input.IdNumber)) throw Invalid("idNumber");
        var count = await db.Set<PoolExpert>().CountAsync(ct);
        var e = new PoolExpert { UserId = user.Id, RegistrationNumber = $"SF-ZJ-{count + 1:0000}" };
        while (await db.Set<PoolExpert>().AnyAsync(x => x.RegistrationNumber == e.RegistrationNumber, ct))
            e.RegistrationNumber = $"SF-ZJ-{++count + 1:0000}";
        await ApplyAsync(e, input, staff: true, ct);
        db.Add(e);
        await log.RecordAsync("expert.created", null, new { expert = log.Pseudonym("expert", e.RegistrationNumber), by = Role(actor) }, ct);
        return e;
    }

    /// <summary>Updates a profile. Staff may change everything but status here; an expert only their own profile's own fields.</summary>
    public async Task<IReadOnlyList<FieldChange>> UpdateAsync(Actor actor, Guid id, ExpertProfileInput input, Guid? version, CancellationToken ct)
    {
        var e = await Full.FirstOrDefaultAsync(x => x.Id == id, ct) ?? throw new NotFoundException();
        var self = e.UserId == actor.UserId;
        if (!IsStaff(actor) && !self) throw new ForbiddenException(RuleCodes.OtherExpert);
        if (version is { } v && v != e.Version) throw new DbUpdateConcurrencyException();
        var now = clock.GetUtcNow().UtcDateTime;
        var before = ToLibrary(e, now);
        await ApplyAsync(e, input, staff: IsStaff(actor), ct);
        var after = ToLibrary(e, now);
        IReadOnlyList<FieldChange> changes;
        try
        {
            changes = IsStaff(actor) ? ExpertChanges.Diff(before, after) : ExpertChanges.CheckSelfEdit(before, after);
        }
        catch (ExpertDrawException x)
        {
            throw DrawCulture.Wrap(x);
        }
        if (changes.Count == 0) return changes;
        e.UpdatedAt = now;
        await log.RecordAsync("expert.profile.changed", null, new
        {
            expert = log.Pseudonym("expert", e.RegistrationNumber),
            fields = changes.Select(c => c.Field).ToArray(),
            by = self && !IsStaff(actor) ? "self" : Role(actor),
        }, ct);
        return changes;
    }

    /// <summary>Suspends (until a day), retires or reactivates an expert; staff only, with a reason.</summary>
    public async Task SetStatusAsync(Actor actor, Guid id, ExpertStatus status, DateTime? untilUtc, string? reason, CancellationToken ct)
    {
        if (!IsStaff(actor) && !actor.IsIn(Roles.Supervisor)) throw new ForbiddenException(RuleCodes.OversightOnly);
        var e = await db.Set<PoolExpert>().FirstOrDefaultAsync(x => x.Id == id, ct) ?? throw new NotFoundException();
        var now = clock.GetUtcNow().UtcDateTime;
        if (status != ExpertStatus.Active && string.IsNullOrWhiteSpace(reason)) throw Invalid("reason");
        if (status == ExpertStatus.Suspended && (untilUtc is null || untilUtc <= now)) throw Invalid("until");
        e.Status = status;
        e.SuspendedUntil = status == ExpertStatus.Suspended ? untilUtc : null;
        e.StatusReason = status == ExpertStatus.Active ? null : reason!.Trim()[..Math.Min(reason.Trim().Length, 500)];
        e.UpdatedAt = now;
        await log.RecordAsync("expert.status.changed", null, new
        {
            expert = log.Pseudonym("expert", e.RegistrationNumber),
            status = DrawCulture.Name(status),
            until = e.SuspendedUntil,
            by = Role(actor),
        }, ct);
    }

    private static string Role(Actor a) => a.IsIn(Roles.Supervisor) ? "supervision" : a.IsIn(Roles.CentreStaff, Roles.Admin) ? "centre" : "self";

    private static RuleViolationException Invalid(string field, int line = 0) => new(new RuleViolation(DrawRules.ProfileInvalid, line > 0 ? $"{field}:{line}" : field));

    private async Task ApplyAsync(PoolExpert e, ExpertProfileInput input, bool staff, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(input.Name) || input.Name.Length > 100) throw Invalid("name");
        if (input.Region is null || input.Region.Length is 0 or > 100 || input.Region.Any(char.IsWhiteSpace)) throw Invalid("region");
        if (input.Specialties.Count == 0 || input.Specialties.Any(s => !ExpertCatalogue.Specialties.Contains(s))) throw Invalid("specialties");
        if (input.Phone?.Length > 40 || input.Email?.Length > 200 || input.EmployerName?.Length > 200) throw Invalid("contact");
        if (input.BirthDate.Year < 1930 || input.BirthDate > DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime).AddYears(-18)) throw Invalid("birthDate");
        if (!Enum.IsDefined(input.Title)) throw Invalid("title");
        if (!string.IsNullOrWhiteSpace(input.IdNumber))
        {
            if (!ExpertIdNumbers.IsValid(input.IdNumber)) throw Invalid("idNumber");
            var norm = ExpertIdNumbers.Normalize(input.IdNumber);
            // Re-protecting the same number would show up as a change; only a different number is one.
            if (e.ProtectedIdNumber.Length == 0 || ids.Unprotect(e.ProtectedIdNumber) != norm)
            {
                e.ProtectedIdNumber = ids.Protect(norm);
                e.IdNumberHint = ExpertIdNumbers.Mask(norm);
            }
        }
        var orgs = await db.Organisations.AsNoTracking().Select(o => new { o.Id, o.Name, o.CreditCode }).ToListAsync(ct);
        Guid? Org(string party) => orgs.FirstOrDefault(o => o.Name == party || (o.CreditCode != null && o.CreditCode == party))?.Id;
        string PartyName(string party) => orgs.FirstOrDefault(o => o.CreditCode != null && o.CreditCode == party)?.Name ?? party;

        e.Name = input.Name.Trim();
        e.Phone = Blank(input.Phone);
        e.Email = Blank(input.Email);
        e.BirthDate = input.BirthDate;
        e.Region = input.Region.Trim();
        e.Specialties = input.Specialties.Distinct().Order(StringComparer.Ordinal).ToList();
        e.EmployerName = Blank(input.EmployerName);
        e.EmployerOrganisationId = e.EmployerName is null ? null : Org(e.EmployerName);
        if (e.EmployerOrganisationId is not null) e.EmployerName = PartyName(e.EmployerName!);
        // An expert's own form does not post the staff-owned fields: keep what is stored.
        if (staff)
        {
            e.Title = input.Title;
            e.PracticeSince = input.PracticeSince;
        }
        else if (input.Title != e.Title || input.PracticeSince != e.PracticeSince)
        {
            e.Title = input.Title;
            e.PracticeSince = input.PracticeSince;
        }

        var employments = new List<ExpertEmployment>();
        foreach (var (parts, line) in Lines(input.Employments, 2, 3, "employments"))
        {
            var from = Day(parts[1], "employments", line);
            DateOnly? to = parts.Length > 2 && parts[2].Length > 0 ? Day(parts[2], "employments", line) : null;
            if (to < from) throw Invalid("employments", line);
            employments.Add(new ExpertEmployment { ExpertId = e.Id, EmployerName = PartyName(parts[0]), OrganisationId = Org(parts[0]), From = from, To = to });
        }
        var relationships = new List<ExpertRelationship>();
        foreach (var (parts, line) in Lines(input.Relationships, 2, 3, "relationships"))
        {
            if (!ExpertCatalogue.TryParseInterest(parts[1], out var kind)) throw Invalid("relationships", line);
            relationships.Add(new ExpertRelationship { ExpertId = e.Id, PartyName = PartyName(parts[0]), OrganisationId = Org(parts[0]), Kind = kind, Note = parts.Length > 2 ? Blank(parts[2]) : null });
        }
        var unavailable = new List<ExpertUnavailability>();
        foreach (var (parts, line) in Lines(input.Unavailable, 2, 3, "unavailable"))
        {
            var from = Day(parts[0], "unavailable", line);
            var to = Day(parts[1], "unavailable", line);
            if (to < from) throw Invalid("unavailable", line);
            unavailable.Add(new ExpertUnavailability { ExpertId = e.Id, From = from, To = to, Note = parts.Length > 2 ? Blank(parts[2]) : null });
        }
        Replace(e.Employments, employments, (a, b) => a.EmployerName == b.EmployerName && a.From == b.From && a.To == b.To && a.OrganisationId == b.OrganisationId);
        Replace(e.Relationships, relationships, (a, b) => a.PartyName == b.PartyName && a.Kind == b.Kind && a.Note == b.Note && a.OrganisationId == b.OrganisationId);
        Replace(e.Unavailable, unavailable, (a, b) => a.From == b.From && a.To == b.To && a.Note == b.Note);
        if (staff)
        {
            var links = new List<ExpertRegistryLink>();
            foreach (var (parts, line) in Lines(input.RegistryLinks, 2, 2, "registryLinks"))
            {
                if (!Enum.TryParse<RegistryLinkKind>(parts[1], true, out var kind) || !Enum.IsDefined(kind)) throw Invalid("registryLinks", line);
                links.Add(new ExpertRegistryLink { ExpertId = e.Id, PartyName = PartyName(parts[0]), OrganisationId = Org(parts[0]), Kind = kind });
            }
            Replace(e.RegistryLinks, links, (a, b) => a.PartyName == b.PartyName && a.Kind == b.Kind && a.OrganisationId == b.OrganisationId);
        }
        else if (input.RegistryLinks is not null && (input.RegistryLinks ?? "").Trim() != RegistryLinksText(e).Trim())
        {
            // The expert's form has no such field; a posted one is a forged edit of a staff-owned field.
            throw DrawCulture.Wrap(new ProfileEditRefusedException(Reason.Of(ReasonCodes.StaffOnlyField, ("field", "registryLinks"))));
        }
    }

    // Keeps unchanged rows (so EF does not delete and re-insert them) and swaps the rest.
    private static void Replace<T>(List<T> current, List<T> wanted, Func<T, T, bool> same)
    {
        current.RemoveAll(c => !wanted.Any(w => same(c, w)));
        foreach (var w in wanted)
            if (!current.Any(c => same(c, w))) current.Add(w);
    }

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    private static DateOnly Day(string s, string field, int line) =>
        DateOnly.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : throw Invalid(field, line);

    private static IEnumerable<(string[] Parts, int Line)> Lines(string? text, int min, int max, string field)
    {
        if (string.IsNullOrWhiteSpace(text)) yield break;
        var lines = text.Replace("\r", "", StringComparison.Ordinal).Split('\n');
        if (lines.Length > 200) throw Invalid(field);
        for (var i = 0; i < lines.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(lines[i])) continue;
            var parts = lines[i].Split('|').Select(p => p.Trim()).ToArray();
            if (parts.Length < min || parts.Length > max || parts[0].Length is 0 or > 200 || parts.Any(p => p.Length > 200)) throw Invalid(field, i + 1);
            yield return (parts, i + 1);
        }
    }

    private static string D(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string RegistryLinksText(PoolExpert e) => string.Join("\n", e.RegistryLinks.Select(r => $"{r.PartyName} | {r.Kind}"));

    public static ExpertProfileInput InputFrom(PoolExpert e) => new()
    {
        Name = e.Name, Phone = e.Phone, Email = e.Email, BirthDate = e.BirthDate, EmployerName = e.EmployerName, Title = e.Title,
        PracticeSince = e.PracticeSince, Region = e.Region, Specialties = e.Specialties.ToList(),
        Employments = string.Join("\n", e.Employments.OrderBy(j => j.From).Select(j => $"{j.EmployerName} | {D(j.From)} | {(j.To is { } t ? D(t) : "")}")),
        Relationships = string.Join("\n", e.Relationships.Select(r => $"{r.PartyName} | {ExpertCatalogue.InterestName(r.Kind)} | {r.Note}")),
        RegistryLinks = RegistryLinksText(e),
        Unavailable = string.Join("\n", e.Unavailable.OrderBy(u => u.From).Select(u => $"{D(u.From)} | {D(u.To)} | {u.Note}")),
    };

    /// <summary>A party id in the draw's terms: the organisation id when the platform knows the party, else its name.</summary>
    public static string PartyId(Guid? organisationId, string name) => organisationId?.ToString() ?? "name:" + name;

    /// <summary>The library's view of a profile, as of <paramref name="nowUtc"/> (a lapsed suspension counts as active).</summary>
    public static Expert ToLibrary(PoolExpert e, DateTime nowUtc, IReadOnlyDictionary<string, DateOnly>? lastDrawnForOwner = null) => new()
    {
        Id = e.RegistrationNumber,
        Name = e.Name,
        ProtectedIdNumber = e.ProtectedIdNumber,
        Contact = new ExpertContact(e.Phone, e.Email),
        BirthDate = e.BirthDate,
        EmployerId = e.EmployerName is null && e.EmployerOrganisationId is null ? null : PartyId(e.EmployerOrganisationId, e.EmployerName ?? ""),
        EmploymentHistory = e.Employments.Select(j => new Employment(PartyId(j.OrganisationId, j.EmployerName), j.From, j.To)).ToList(),
        Specialties = e.Specialties.Select(Specialty.Parse).ToList(),
        Title = e.Title,
        PracticeSince = e.PracticeSince,
        Region = e.Region,
        Status = e.StatusAt(nowUtc),
        Relationships = e.Relationships.Select(r => new DeclaredRelationship(PartyId(r.OrganisationId, r.PartyName), r.Kind, r.Note)).ToList(),
        RegistryLinks = e.RegistryLinks.Select(r => new RegistryLink(PartyId(r.OrganisationId, r.PartyName), r.Kind)).ToList(),
        Unavailable = e.Unavailable.Select(u => new DayRange(u.From, u.To)).ToList(),
        LastDrawnForOwner = lastDrawnForOwner ?? new Dictionary<string, DateOnly>(),
    };
}
