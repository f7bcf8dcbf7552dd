using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Trading.Data;
using Trading.Domain;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Firms;

public sealed record FirmRegistration(
    string Name, string CreditCode, string LegalRepresentative, string? Address,
    string ContactName, string ContactPhone, string ContactEmail, string? QualificationSummary,
    IReadOnlyList<ShareholderInput> Shareholders,
    string UserName, string UserDisplayName, string Password);

public sealed record ShareholderInput(string Name, decimal Percent);

/// <summary>Bidder firm registration, dual filing (centre AND supervision office), suspension.</summary>
public sealed class FirmService(
    TradingDbContext db, UserManager<AppUser> users, PublicLogWriter log, CentreTime time, Uploads uploads,
    Microsoft.Extensions.Options.IOptions<PlatformOptions> options, Supervision.Sanctions sanctions)
{
    public static readonly IReadOnlySet<SniffedType> DocumentTypes = new HashSet<SniffedType> { SniffedType.Pdf, SniffedType.Png, SniffedType.Jpeg };

    /// <summary>Registers a firm and its first bidder user; both or neither are saved.</summary>
    public async Task<Organisation> RegisterAsync(FirmRegistration r, IFormFile? licence, string? ip, CancellationToken ct)
    {
        if (UnifiedSocialCreditCode.Validate(r.CreditCode) is { } bad)
            throw new RuleViolationException(bad);
        var code = UnifiedSocialCreditCode.Normalize(r.CreditCode);
        if (await db.Organisations.AnyAsync(o => o.CreditCode == code, ct))
            throw new RuleViolationException(new RuleViolation(RuleCodes.FirmDuplicateCode, code));
        if (licence is null)
            throw new RuleViolationException(new RuleViolation("Rule.Firm.LicenceRequired"));
        var totalShares = r.Shareholders.Sum(s => s.Percent);
        if (r.Shareholders.Any(s => s.Percent <= 0 || s.Percent > 100 || string.IsNullOrWhiteSpace(s.Name)) || totalShares > 100)
            throw new RuleViolationException(new RuleViolation("Rule.Firm.Shareholders", totalShares));

        var now = time.UtcNow;
        var firm = new Organisation
        {
            Kind = OrganisationKind.BidderFirm, Name = r.Name.Trim(), CreditCode = code,
            LegalRepresentative = r.LegalRepresentative.Trim(), Address = r.Address?.Trim(),
            ContactName = r.ContactName.Trim(), ContactPhone = r.ContactPhone.Trim(), ContactEmail = r.ContactEmail.Trim(),
            QualificationSummary = r.QualificationSummary?.Trim(), Status = FirmStatus.Pending, RegisteredAt = now,
            Shareholders = r.Shareholders.Select(s => new Shareholder { Name = s.Name.Trim(), ShareBasisPoints = (int)(s.Percent * 100) }).ToList(),
        };

        // The licence is checked and stored before the transaction: a refused file saves nothing, and a
        // stored file whose transaction then fails is removed again (Uploads.StoreAsync).
        return await uploads.StoreAsync(licence, DocumentTypes, options.Value.MaxFirmDocumentBytes, async (stored, contentType) =>
        {
            return await log.ActAsync(async () =>
            {
                firm.Documents.Add(new FirmDocument
                {
                    Kind = FirmDocumentKind.BusinessLicence, FileName = Uploads.SafeFileName(licence.FileName), ContentType = contentType,
                    Length = stored.Length, Sha256 = stored.Sha256, StorageKey = stored.Key, UploadedAt = now,
                });
                db.Organisations.Add(firm);
                await db.SaveChangesAsync(ct);

                var user = new AppUser
                {
                    UserName = r.UserName.Trim(), Email = r.ContactEmail.Trim(), DisplayName = r.UserDisplayName.Trim(),
                    OrganisationId = firm.Id, EmailConfirmed = false,
                };
                var created = await users.CreateAsync(user, r.Password);
                if (!created.Succeeded)
                    throw new IdentityRefusedException(created.Errors);
                var roled = await users.AddToRoleAsync(user, Roles.Bidder);
                if (!roled.Succeeded)
                    throw new IdentityRefusedException(roled.Errors);

                await log.AppendAsync("firm.registered", null, new
                {
                    firm = firm.Id, creditCode = code, name = firm.Name, licenceSha256 = stored.Sha256,
                    user = log.Pseudonym("user", user.Id.ToString()),
                }, ct);
                return firm;
            }, ct);
        }, ct);
    }

    /// <summary>One half of dual filing. The firm is approved when the centre and the supervision office both approve.</summary>
    public async Task<Organisation> ApproveAsync(Actor actor, Guid firmId, CancellationToken ct)
    {
        if (!actor.IsIn(Roles.CentreStaff, Roles.Supervisor)) throw new ForbiddenException(RuleCodes.CentreOrSupervisionOnly);
        var firm = await LoadFirmAsync(firmId, ct);
        if (firm.Status == FirmStatus.Approved)
            throw new RuleViolationException(new RuleViolation(RuleCodes.FirmAlreadyApproved, firm.Name));
        if (firm.Status == FirmStatus.Rejected)
            throw new RuleViolationException(new RuleViolation(RuleCodes.FirmRejected, firm.RejectionReason ?? ""));
        var now = time.UtcNow;
        string office;
        if (actor.IsIn(Roles.CentreStaff))
        {
            if (firm.CentreApprovedAt is not null) throw new RuleViolationException(new RuleViolation("Rule.Firm.AlreadyApprovedByOffice", "centre"));
            firm.CentreApprovedAt = now; firm.CentreApprovedBy = actor.Name; office = "centre";
        }
        else if (actor.IsIn(Roles.Supervisor))
        {
            if (firm.SupervisionApprovedAt is not null) throw new RuleViolationException(new RuleViolation("Rule.Firm.AlreadyApprovedByOffice", "supervision"));
            firm.SupervisionApprovedAt = now; firm.SupervisionApprovedBy = actor.Name; office = "supervision";
        }
        else throw new ForbiddenException(RuleCodes.CentreOrSupervisionOnly);

        if (firm.CentreApprovedAt is not null && firm.SupervisionApprovedAt is not null)
            firm.Status = FirmStatus.Approved;

        await log.RecordAsync("firm.approved", null, new { firm = firm.Id, office, status = firm.Status.ToString(), by = log.Pseudonym("user", actor.UserId.ToString()) }, ct);
        return firm;
    }

    public async Task<Organisation> RejectAsync(Actor actor, Guid firmId, string reason, CancellationToken ct)
    {
        if (!actor.IsIn(Roles.CentreStaff, Roles.Supervisor)) throw new ForbiddenException(RuleCodes.CentreOrSupervisionOnly);
        if (string.IsNullOrWhiteSpace(reason)) throw new RuleViolationException(new RuleViolation("Rule.ReasonRequired"));
        var firm = await LoadFirmAsync(firmId, ct);
        if (firm.Status != FirmStatus.Pending) throw new RuleViolationException(new RuleViolation(RuleCodes.FirmAlreadyApproved, firm.Name));
        firm.Status = FirmStatus.Rejected;
        firm.RejectionReason = reason.Trim();
        await log.RecordAsync("firm.rejected", null, new { firm = firm.Id, reason = firm.RejectionReason, by = log.Pseudonym("user", actor.UserId.ToString()) }, ct);
        return firm;
    }

    /// <summary>
    /// Suspension from trading (暂停进场交易资格), by the supervision office, with a reason and an end date, from now.
    /// It is recorded as a bad-behaviour record (the reason as facts and rule), which is what the trading checks read.
    /// </summary>
    public async Task<Organisation> SuspendAsync(Actor actor, Guid firmId, string reason, DateTime untilUtc, CancellationToken ct)
    {
        if (!actor.IsIn(Roles.Supervisor)) throw new ForbiddenException(RuleCodes.SupervisorOnly);
        if (string.IsNullOrWhiteSpace(reason)) throw new RuleViolationException(new RuleViolation("Rule.ReasonRequired"));
        if (untilUtc <= time.UtcNow) throw new RuleViolationException(new RuleViolation("Rule.Firm.SuspensionEnd"));
        var firm = await LoadFirmAsync(firmId, ct);
        await sanctions.RecordAsync(actor, new Supervision.RecordInput(Domain.Supervision.SanctionSubjectKind.Firm, firm.Id, reason.Trim(), reason.Trim(), null, null,
            Domain.Supervision.SanctionKind.Suspension, time.UtcNow, untilUtc, reason.Trim()), null, ct);
        await db.Entry(firm).ReloadAsync(ct);
        return firm;
    }

    /// <summary>A firm's own users add qualification certificates and other documents to its filing.</summary>
    public async Task<FirmDocument> AddDocumentAsync(Actor actor, Guid firmId, FirmDocumentKind kind, IFormFile file, CancellationToken ct)
    {
        if (!actor.IsIn(Roles.Bidder) || actor.OrganisationId != firmId) throw new ForbiddenException(RuleCodes.NotOwner);
        if (kind is not (FirmDocumentKind.QualificationCertificate or FirmDocumentKind.Other))
            throw new RuleViolationException(new RuleViolation("Rule.Firm.DocumentKind"));
        var firm = await LoadFirmAsync(firmId, ct);
        return await uploads.StoreAsync(file, DocumentTypes, options.Value.MaxFirmDocumentBytes, async (stored, contentType) =>
        {
            var doc = new FirmDocument
            {
                OrganisationId = firm.Id, Kind = kind, FileName = Uploads.SafeFileName(file.FileName), ContentType = contentType,
                Length = stored.Length, Sha256 = stored.Sha256, StorageKey = stored.Key, UploadedAt = time.UtcNow,
            };
            db.FirmDocuments.Add(doc);
            await log.RecordAsync("firm.document.added", null, new { firm = firm.Id, kind = kind.ToString(), sha256 = doc.Sha256, length = doc.Length }, ct);
            return doc;
        }, ct);
    }

    /// <summary>A firm's own users, and the oversight offices, may read a firm's record; nobody else.</summary>
    public async Task<Organisation> GetAsync(Actor actor, Guid firmId, CancellationToken ct)
    {
        if (!actor.IsOversight && actor.OrganisationId != firmId)
            throw new ForbiddenException(RuleCodes.NotOwner);
        return await LoadFirmAsync(firmId, ct);
    }

    public async Task<List<Organisation>> ListAsync(Actor actor, FirmStatus? status, CancellationToken ct)
    {
        if (!actor.IsOversight) throw new ForbiddenException(RuleCodes.OversightOnly);
        var q = db.Organisations.Where(o => o.Kind == OrganisationKind.BidderFirm);
        if (status is { } s) q = q.Where(o => o.Status == s);
        return await q.OrderBy(o => o.Name).ToListAsync(ct);
    }

    public async Task<(FirmDocument Doc, Stream Content)> OpenDocumentAsync(Actor actor, Guid firmId, Guid docId, CancellationToken ct)
    {
        var firm = await GetAsync(actor, firmId, ct);
        var doc = firm.Documents.FirstOrDefault(d => d.Id == docId) ?? throw new NotFoundException();
        return (doc, uploads.Open(doc.StorageKey));
    }

    private async Task<Organisation> LoadFirmAsync(Guid id, CancellationToken ct) =>
        await db.Organisations.Include(o => o.Shareholders).Include(o => o.Documents)
            .FirstOrDefaultAsync(o => o.Id == id && o.Kind == OrganisationKind.BidderFirm, ct)
        ?? throw new NotFoundException();
}
