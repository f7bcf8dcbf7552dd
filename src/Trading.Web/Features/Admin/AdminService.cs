using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Trading.Data;
using Trading.Domain;
using Trading.PublicLog;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Admin;

public sealed record OrganisationInput(OrganisationKind Kind, string Name, string? CreditCode, string? ContactName, string? ContactPhone);

public sealed record UserInput(string UserName, string DisplayName, Guid OrganisationId, IReadOnlyList<string> Roles, string? PreferredCulture);

public sealed record ReasonInput(string Reason);

public sealed record RolesInput(IReadOnlyList<string> Roles);

public sealed record OrganisationView(Guid Id, OrganisationKind Kind, string Name, string? CreditCode, int Users, DateTime RegisteredAt);

public sealed record UserView(Guid Id, string UserName, string DisplayName, Guid OrganisationId, string Organisation, OrganisationKind Kind,
    IReadOnlyList<string> Roles, bool Active, bool TwoFactor, bool HasPassword);

/// <summary>The log entry types of administrative acts: appended by the acts and read back by the changes page.</summary>
public static class AdminLog
{
    public const string OrganisationCreated = "admin.organisation.created";
    public const string UserCreated = "admin.user.created";
    public const string UserRoles = "admin.user.roles";
    public const string UserDeactivated = "admin.user.deactivated";
    public const string UserReactivated = "admin.user.reactivated";
    public const string ResetIssued = "admin.user.reset.issued";
    public const string PasswordSet = "account.password.set";

    public static readonly string[] All = [OrganisationCreated, UserCreated, UserRoles, UserDeactivated, UserReactivated, ResetIssued, PasswordSet];
}

/// <summary>A set-password link for one user, shown once to the administrator who issued it, to pass on in person.</summary>
public sealed record ResetLink(Guid UserId, string UserName, string Path, DateTime ExpiresAt);

/// <summary>One administrative change as the changes page shows it, read back from the public log.</summary>
public sealed record AdminChange(long Index, DateTime At, string Type, string? Organisation, string? User, string? By, string? Detail);

/// <summary>
/// The administrator's work on organisations and accounts. Passwords are never set or seen by the administrator: a new
/// account, or one whose password is reset, gets a one-time link with which the user sets their own (and, if they use
/// two-factor, proves it with a code), so an administrator cannot silently sign in as anyone. Deactivation uses
/// Identity's lockout end date (automatic lockout is off, so only this sets it) and a new security stamp, which ends
/// every session and API token of the user at the next request.
/// </summary>
public sealed class AdminService(TradingDbContext db, UserManager<AppUser> users, PublicLogWriter log, TimeProvider clock)
{
    /// <summary>How long a set-password link lasts (Identity's token provider lifespan is set to match in AdminModule).</summary>
    public static readonly TimeSpan LinkLifetime = TimeSpan.FromDays(3);

    private static void RequireAdmin(Actor actor)
    {
        if (!actor.IsIn(Roles.Admin)) throw new ForbiddenException(Administration.AdminOnly);
    }

    private static RuleViolationException Refuse(string rule, params object[] args) => new(new RuleViolation(rule, args));

    public async Task<List<OrganisationView>> OrganisationsAsync(Actor actor, CancellationToken ct)
    {
        RequireAdmin(actor);
        var counts = await db.Users.GroupBy(u => u.OrganisationId).Select(g => new { g.Key, N = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.N, ct);
        return (await db.Organisations.AsNoTracking().Where(o => o.Kind != OrganisationKind.BidderFirm).ToListAsync(ct))
            .OrderBy(o => o.Kind).ThenBy(o => o.Name, StringComparer.Ordinal)
            .Select(o => new OrganisationView(o.Id, o.Kind, o.Name, o.CreditCode, counts.GetValueOrDefault(o.Id), o.RegisteredAt)).ToList();
    }

    public async Task<Organisation> CreateOrganisationAsync(Actor actor, OrganisationInput input, CancellationToken ct)
    {
        RequireAdmin(actor);
        var problems = Administration.CheckOrganisation(input.Kind, input.Name, input.CreditCode);
        if (problems.Count > 0) throw new RuleViolationsException(problems);
        var name = input.Name.Trim();
        var code = string.IsNullOrWhiteSpace(input.CreditCode) ? null : UnifiedSocialCreditCode.Normalize(input.CreditCode);
        return await log.ActAsync(async () =>
        {
            // Under the log's lock: two administrators cannot create the same unit twice.
            await log.LockAsync(ct);
            if (await db.Organisations.AnyAsync(o => (o.Kind == input.Kind && o.Name == name) || (code != null && o.CreditCode == code), ct))
                throw Refuse(Administration.DuplicateName, name);
            var now = clock.GetUtcNow().UtcDateTime;
            var o = new Organisation
            {
                Kind = input.Kind, Name = name, CreditCode = code, ContactName = Clip(input.ContactName), ContactPhone = Clip(input.ContactPhone),
                // Public bodies and the centre's own units are not filed like firms: the administrator's act is their approval.
                Status = FirmStatus.Approved, RegisteredAt = now, CentreApprovedAt = now, SupervisionApprovedAt = now, CentreApprovedBy = actor.Name,
            };
            db.Organisations.Add(o);
            // Public units and their names are public; the log says who in the centre made them only by pseudonym.
            await log.AppendAsync(AdminLog.OrganisationCreated, null, new { organisation = o.Id, kind = o.Kind.ToString(), name = o.Name, creditCode = o.CreditCode, by = By(actor) }, ct);
            return o;
        }, ct);
    }

    public async Task<List<UserView>> UsersAsync(Actor actor, Guid? organisationId, string? query, CancellationToken ct)
    {
        RequireAdmin(actor);
        var q = db.Users.AsNoTracking().Where(u => u.Organisation!.Kind != OrganisationKind.BidderFirm);
        if (organisationId is { } org) q = q.Where(u => u.OrganisationId == org);
        if (!string.IsNullOrWhiteSpace(query))
        {
            var term = query.Trim();
            q = q.Where(u => u.UserName!.Contains(term) || u.DisplayName.Contains(term));
        }
        var rows = await q.Select(u => new { u.Id, u.UserName, u.DisplayName, u.OrganisationId, Org = u.Organisation!.Name, u.Organisation.Kind, u.LockoutEnd, u.TwoFactorEnabled, u.PasswordHash })
            .Take(500).ToListAsync(ct);
        var ids = rows.Select(r => r.Id).ToList();
        var roles = await (from ur in db.UserRoles join r in db.Roles on ur.RoleId equals r.Id where ids.Contains(ur.UserId) select new { ur.UserId, r.Name }).ToListAsync(ct);
        var now = clock.GetUtcNow();
        return rows.OrderBy(r => r.Kind).ThenBy(r => r.Org, StringComparer.Ordinal).ThenBy(r => r.UserName, StringComparer.Ordinal)
            .Select(r => new UserView(r.Id, r.UserName!, r.DisplayName, r.OrganisationId, r.Org, r.Kind,
                roles.Where(x => x.UserId == r.Id).Select(x => x.Name!).Order(StringComparer.Ordinal).ToList(),
                r.LockoutEnd is null || r.LockoutEnd <= now, r.TwoFactorEnabled, r.PasswordHash is not null)).ToList();
    }

    /// <summary>Creates an account without a password and returns the link with which its user sets one.</summary>
    public async Task<ResetLink> CreateUserAsync(Actor actor, UserInput input, CancellationToken ct)
    {
        RequireAdmin(actor);
        var problems = new List<RuleViolation>();
        if (Administration.CheckUserName(input.UserName) is { } badName) problems.Add(badName);
        var display = (input.DisplayName ?? "").Trim();
        if (display.Length == 0) problems.Add(new RuleViolation(Administration.NameRequired));
        else if (display.Length > Administration.MaxName) problems.Add(new RuleViolation(Administration.TooLong, Administration.MaxName));
        var org = await db.Organisations.AsNoTracking().FirstOrDefaultAsync(o => o.Id == input.OrganisationId, ct) ?? throw Refuse(Administration.KindNotManaged);
        if (!Administration.ManagedKinds.Contains(org.Kind)) problems.Add(new RuleViolation(Administration.KindNotManaged));
        var roles = (input.Roles ?? []).Distinct(StringComparer.Ordinal).ToList();
        if (Administration.CheckRoles(org.Kind, roles) is { } badRoles) problems.Add(badRoles);
        if (problems.Count > 0) throw new RuleViolationsException(problems);
        var userName = input.UserName.Trim();
        return await log.ActAsync(async () =>
        {
            await log.LockAsync(ct);
            if (await users.FindByNameAsync(userName) is not null) throw Refuse(Administration.UserNameTaken, userName);
            var u = new AppUser
            {
                UserName = userName, DisplayName = display, OrganisationId = org.Id, EmailConfirmed = false,
                PreferredCulture = input.PreferredCulture is "en" ? "en" : "zh-CN",
            };
            Check(await users.CreateAsync(u));
            Check(await users.AddToRolesAsync(u, roles));
            await log.AppendAsync(AdminLog.UserCreated, null, new { user = UserPseudonym(u.Id), organisation = org.Id, roles, by = By(actor) }, ct);
            return await LinkAsync(u);
        }, ct);
    }

    public async Task SetRolesAsync(Actor actor, Guid userId, RolesInput input, CancellationToken ct)
    {
        RequireAdmin(actor);
        var u = await UserAsync(userId, ct);
        var kind = await db.Organisations.Where(o => o.Id == u.OrganisationId).Select(o => o.Kind).FirstAsync(ct);
        var roles = (input.Roles ?? []).Distinct(StringComparer.Ordinal).ToList();
        if (Administration.CheckRoles(kind, roles) is { } bad) throw new RuleViolationException(bad);
        var current = await users.GetRolesAsync(u);
        if (current.Contains(Roles.Admin) && !roles.Contains(Roles.Admin)
            && Administration.CheckRemovesAdmin(actor.UserId, u.Id, true, await ActiveAdminsAsync(ct)) is { } keep)
            throw new RuleViolationException(keep);
        await log.ActAsync(async () =>
        {
            await log.LockAsync(ct);
            Check(await users.RemoveFromRolesAsync(u, current.Except(roles)));
            Check(await users.AddToRolesAsync(u, roles.Except(current)));
            // New roles take effect at the next request, not after the half-hour claim refresh.
            Check(await users.UpdateSecurityStampAsync(u));
            await log.AppendAsync(AdminLog.UserRoles, null, new { user = UserPseudonym(u.Id), roles, by = By(actor) }, ct);
        }, ct);
    }

    public async Task DeactivateAsync(Actor actor, Guid userId, ReasonInput input, CancellationToken ct)
    {
        RequireAdmin(actor);
        if (Administration.CheckReason(input.Reason) is { } noReason) throw new RuleViolationException(noReason);
        var u = await UserAsync(userId, ct);
        if (!IsActive(u)) throw Refuse(Administration.AlreadyInactive, u.UserName!);
        if (Administration.CheckRemovesAdmin(actor.UserId, u.Id, await users.IsInRoleAsync(u, Roles.Admin), await ActiveAdminsAsync(ct)) is { } keep)
            throw new RuleViolationException(keep);
        await log.ActAsync(async () =>
        {
            await log.LockAsync(ct);
            Check(await users.SetLockoutEnabledAsync(u, true));
            Check(await users.SetLockoutEndDateAsync(u, DateTimeOffset.MaxValue));
            Check(await users.UpdateSecurityStampAsync(u));
            await log.AppendAsync(AdminLog.UserDeactivated, null, new { user = UserPseudonym(u.Id), reason = input.Reason.Trim(), by = By(actor) }, ct);
        }, ct);
    }

    public async Task ReactivateAsync(Actor actor, Guid userId, ReasonInput input, CancellationToken ct)
    {
        RequireAdmin(actor);
        if (Administration.CheckReason(input.Reason) is { } noReason) throw new RuleViolationException(noReason);
        var u = await UserAsync(userId, ct);
        if (IsActive(u)) throw Refuse(Administration.AlreadyActive, u.UserName!);
        await log.ActAsync(async () =>
        {
            await log.LockAsync(ct);
            Check(await users.SetLockoutEndDateAsync(u, null));
            await log.AppendAsync(AdminLog.UserReactivated, null, new { user = UserPseudonym(u.Id), reason = input.Reason.Trim(), by = By(actor) }, ct);
        }, ct);
    }

    /// <summary>A new set-password link for a user who forgot theirs; the old password keeps working until the new one is set.</summary>
    public async Task<ResetLink> IssueResetAsync(Actor actor, Guid userId, CancellationToken ct)
    {
        RequireAdmin(actor);
        var u = await UserAsync(userId, ct);
        if (!IsActive(u)) throw Refuse(Administration.Inactive, u.UserName!);
        return await log.ActAsync(async () =>
        {
            await log.AppendAsync(AdminLog.ResetIssued, null, new { user = UserPseudonym(u.Id), by = By(actor) }, ct);
            return await LinkAsync(u);
        }, ct);
    }

    /// <summary>Whether a set-password link still works, and for whom (the page says whether a code is needed).</summary>
    public async Task<AppUser> LinkUserAsync(Guid userId, string? token, CancellationToken ct)
    {
        var u = await db.Users.FirstOrDefaultAsync(x => x.Id == userId, ct);
        if (u is null || string.IsNullOrEmpty(token)
            || !await users.VerifyUserTokenAsync(u, users.Options.Tokens.PasswordResetTokenProvider, UserManager<AppUser>.ResetPasswordTokenPurpose, token))
            throw Refuse(Administration.ResetLinkInvalid);
        if (!IsActive(u)) throw Refuse(Administration.Inactive, u.UserName!);
        return u;
    }

    /// <summary>
    /// The user sets their own password with the link; a user with two-factor also gives a code, so a link alone (which
    /// the administrator saw) does not hand over an account that had a second factor. Every session ends.
    /// </summary>
    public async Task SetPasswordAsync(Guid userId, string? token, string? password, string? confirm, string? code, CancellationToken ct)
    {
        var u = await LinkUserAsync(userId, token, ct);
        if (string.IsNullOrEmpty(password) || password != confirm) throw Refuse(Administration.PasswordsDiffer);
        if (u.TwoFactorEnabled)
        {
            var c = (code ?? "").Replace(" ", "", StringComparison.Ordinal);
            if (c.Length == 0 || !await users.VerifyTwoFactorTokenAsync(u, users.Options.Tokens.AuthenticatorTokenProvider, c))
                throw Refuse(Administration.CodeRequired);
        }
        await log.ActAsync(async () =>
        {
            await log.LockAsync(ct);
            // ResetPasswordAsync checks the token again, hashes with the configured hasher and renews the security stamp.
            Check(await users.ResetPasswordAsync(u, token!, password));
            await log.AppendAsync(AdminLog.PasswordSet, null, new { user = UserPseudonym(u.Id) }, ct);
        }, ct);
    }

    /// <summary>The administrative changes, newest first, with names put back for the administrator who reads them.</summary>
    public async Task<List<AdminChange>> ChangesAsync(Actor actor, int take, CancellationToken ct)
    {
        RequireAdmin(actor);
        var types = AdminLog.All;
        var entries = await db.LogEntries.AsNoTracking().Where(e => types.Contains(e.Type)).OrderByDescending(e => e.Index).Take(take)
            .Select(e => new { e.Index, e.Type, e.Payload, e.RecordedAt }).ToListAsync(ct);
        var people = await db.Users.AsNoTracking().Select(u => new { u.Id, u.UserName, u.DisplayName }).ToListAsync(ct);
        var byPseudonym = people.ToDictionary(p => UserPseudonym(p.Id), p => $"{p.DisplayName} ({p.UserName})");
        var orgs = await db.Organisations.AsNoTracking().Where(o => o.Kind != OrganisationKind.BidderFirm).ToDictionaryAsync(o => o.Id, o => o.Name, ct);
        return entries.Select(e =>
        {
            var data = LogEntry.Parse(System.Text.Encoding.UTF8.GetBytes(e.Payload)).Data;
            string? S(string name) => data[name] is JsonValue v && v.TryGetValue<string>(out var text) ? text : null;
            var org = Guid.TryParse(S("organisation"), out var oid) ? orgs.GetValueOrDefault(oid) : null;
            var detail = S("reason") ?? (data["roles"] is JsonArray roles ? string.Join(", ", roles.Select(x => x?.GetValue<string>())) : S("name"));
            return new AdminChange(e.Index, e.RecordedAt, e.Type, org, S("user") is { } p ? byPseudonym.GetValueOrDefault(p) ?? p : null,
                S("by") is { } b ? byPseudonym.GetValueOrDefault(b) ?? b : null, detail);
        }).ToList();
    }

    public async Task<List<(Guid Id, string Name, OrganisationKind Kind)>> ManagedOrganisationsAsync(CancellationToken ct) =>
        (await db.Organisations.AsNoTracking().Where(o => o.Kind != OrganisationKind.BidderFirm).Select(o => new { o.Id, o.Name, o.Kind }).ToListAsync(ct))
            .OrderBy(o => o.Kind).ThenBy(o => o.Name, StringComparer.Ordinal).Select(o => (o.Id, o.Name, o.Kind)).ToList();

    private async Task<ResetLink> LinkAsync(AppUser u)
    {
        var token = await users.GeneratePasswordResetTokenAsync(u);
        return new ResetLink(u.Id, u.UserName!, $"/Account/SetPassword?user={u.Id}&token={Uri.EscapeDataString(token)}", clock.GetUtcNow().UtcDateTime + LinkLifetime);
    }

    private async Task<AppUser> UserAsync(Guid id, CancellationToken ct)
    {
        var u = await db.Users.Include(x => x.Organisation).FirstOrDefaultAsync(x => x.Id == id, ct) ?? throw new NotFoundException();
        // Firms' accounts belong to the firm's own filing, not to the administrator.
        if (u.Organisation?.Kind == OrganisationKind.BidderFirm) throw Refuse(Administration.KindNotManaged);
        return u;
    }

    private bool IsActive(AppUser u) => u.LockoutEnd is null || u.LockoutEnd <= clock.GetUtcNow();

    private async Task<int> ActiveAdminsAsync(CancellationToken ct)
    {
        var admins = await users.GetUsersInRoleAsync(Roles.Admin);
        return admins.Count(IsActive);
    }

    private string UserPseudonym(Guid id) => log.Pseudonym("user", id.ToString());

    private string By(Actor actor) => UserPseudonym(actor.UserId);

    private static string? Clip(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim()[..Math.Min(s.Trim().Length, Administration.MaxName)];

    private static void Check(IdentityResult r)
    {
        if (!r.Succeeded) throw new IdentityRefusedException(r.Errors);
    }
}
