using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Trading.Crypto;
using Trading.Data;
using Trading.Domain;
using Trading.Domain.Bidding;
using Trading.Web.Features.Notifications;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Submission;

public sealed class SubmissionOptions
{
    /// <summary>Largest sealed bid accepted, in bytes.</summary>
    public long MaxBidBytes { get; set; } = 200L * 1024 * 1024;
    /// <summary>Largest chunk of a resumable upload.</summary>
    public int MaxChunkBytes { get; set; } = 8 * 1024 * 1024;
    /// <summary>Key holders must have signed in with two-factor.</summary>
    public bool RequireTwoFactorForHolders { get; set; } = true;
    /// <summary>An upload with no chunk for this long is abandoned: the sweep removes its row and temp file.</summary>
    public TimeSpan AbandonedUploadAge { get; set; } = TimeSpan.FromDays(2);
    public TimeSpan UploadSweepPeriod { get; set; } = TimeSpan.FromHours(1);
    /// <summary>
    /// Unfinished uploads a firm may hold per lot (the probe reserved ten of 200 MB for one lot). Enough for a retry
    /// beside a stalled upload; starting another replaces an idle one.
    /// </summary>
    public int MaxOpenUploadsPerLot { get; set; } = 2;
    /// <summary>An unfinished upload without a chunk for this long may be replaced by a new one of the same firm and lot.</summary>
    public TimeSpan UploadReplaceableAfter { get; set; } = TimeSpan.FromMinutes(10);
    /// <summary>A completion that has not finished in this long is taken to have crashed; its claim expires.</summary>
    public TimeSpan CompletionClaimAge { get; set; } = TimeSpan.FromMinutes(15);
    /// <summary>How long a completion waits for the log's sequencer to number its bid's entry before it answers without a receipt (completing again waits again).</summary>
    public TimeSpan NumberingWait { get; set; } = TimeSpan.FromSeconds(30);
    /// <summary>
    /// The envelope suite of this deployment's new key ceremonies (docs/envelope-format.md): suite 1 (P-256) or suite 2
    /// (SM2/SM3/SM4-GCM). A ceremony whose joint key exists keeps its key's suite whatever this says later.
    /// </summary>
    public string Suite { get; set; } = Trading.Crypto.CryptoSuites.P256;
}

/// <summary>
/// The tender's key ceremony record, started by publication, and who may act for which holder. The ceremony itself
/// runs on the holders' side and through the relay (Features/Custody): no code here deals, unseals or takes a passphrase.
/// </summary>
public sealed class CeremonyService(TradingDbContext db, PublicLogWriter log, TimeProvider clock, IOptions<SubmissionOptions> options, Notifier notifier)
{
    /// <summary>
    /// The parameters of a ceremony: its id, n and t, and its suite, which is the joint key's once there is one and the
    /// deployment's (<see cref="SubmissionOptions.Suite"/>) while it is being made.
    /// </summary>
    public Trading.Crypto.CeremonyParameters ParametersOf(KeyCeremony c) =>
        new(c.CeremonyId, c.Holders.Count, c.Threshold,
            c.JointKeyJson is { } key ? Trading.Crypto.CryptoJson.Deserialize<Trading.Crypto.JointKey>(key).Suite : Trading.Crypto.CryptoSuites.NameOf(Trading.Crypto.CryptoSuites.IdOf(options.Value.Suite)));

    private SubmissionOptions O => options.Value;

    public static readonly (HolderRole Role, string UserRole)[] HolderRoles =
        [(HolderRole.SupervisionOffice, Roles.Supervisor), (HolderRole.TradingCentre, Roles.CentreStaff), (HolderRole.Owner, Roles.Owner)];

    /// <summary>The tender's ceremony, or null before the notice is published (it is started by publication).</summary>
    public Task<KeyCeremony?> FindAsync(Guid tenderId, CancellationToken ct) =>
        db.Set<KeyCeremony>().Include(x => x.Holders).FirstOrDefaultAsync(x => x.TenderId == tenderId, ct);

    /// <summary>The tender's ceremony; refused with the rule when there is none (notice not yet published).</summary>
    public async Task<KeyCeremony> GetAsync(Guid tenderId, CancellationToken ct) =>
        await FindAsync(tenderId, ct) ?? throw new RuleViolationException(new RuleViolation(BiddingRules.NotPublished));

    /// <summary>
    /// Starts the ceremony as part of publishing the notice, inside the publication's transaction: the notice and
    /// its ceremony (with its log entry) are stored together or not at all.
    /// </summary>
    public async Task<KeyCeremony> StartAsync(Tender t, CancellationToken ct)
    {
        var supervision = await db.Organisations.Where(o => o.Kind == OrganisationKind.SupervisionOffice).Select(o => o.Id).FirstAsync(ct);
        var centre = await db.Organisations.Where(o => o.Kind == OrganisationKind.TradingCentre).Select(o => o.Id).FirstAsync(ct);
        var c = new KeyCeremony { TenderId = t.Id, CeremonyId = $"{t.Code}/{t.Id:N}", Status = CeremonyStatus.AwaitingHolders, CreatedAt = clock.GetUtcNow().UtcDateTime };
        c.Holders =
        [
            new KeyHolder { KeyCeremonyId = c.Id, HolderIndex = 1, Role = HolderRole.SupervisionOffice, OrganisationId = supervision },
            new KeyHolder { KeyCeremonyId = c.Id, HolderIndex = 2, Role = HolderRole.TradingCentre, OrganisationId = centre },
            new KeyHolder { KeyCeremonyId = c.Id, HolderIndex = 3, Role = HolderRole.Owner, OrganisationId = t.OwnerOrganisationId },
        ];
        db.Add(c);
        await log.AppendAsync("ceremony.started", t.Id, new { ceremony = c.CeremonyId, holders = 3, threshold = c.Threshold }, ct);
        // Each holder's people are asked to join: no bid can be sealed until the three have made the joint key.
        foreach (var h in c.Holders)
        {
            var role = HolderRoles.First(r => r.Role == h.Role).UserRole;
            await notifier.RaiseOnceAsync(await notifier.UsersInRolesAsync([h.OrganisationId], [role], ct),
                u => new Notice(u, "ceremony.invited", "Custody.Notice.InvitedSubject", "Custody.Notice.InvitedBody", [t.Code, t.Title], $"/Submission/Ceremony/{t.Id}", t.Id), ct);
        }
        return c;
    }

    /// <summary>The holder this actor may act for in this ceremony, or a refusal naming the rule.</summary>
    public KeyHolder HolderFor(Actor actor, ClaimsPrincipal user, KeyCeremony c)
    {
        var holder = c.Holders.FirstOrDefault(h => h.OrganisationId == actor.OrganisationId
            && HolderRoles.Any(r => r.Role == h.Role && actor.IsIn(r.UserRole)))
            ?? throw new RuleViolationException(new RuleViolation(BiddingRules.NotKeyHolder));
        if (O.RequireTwoFactorForHolders && !user.HasClaim("amr", "mfa"))
            throw new RuleViolationException(new RuleViolation(BiddingRules.TwoFactorRequired));
        return holder;
    }
}
