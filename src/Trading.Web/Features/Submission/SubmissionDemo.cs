using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Trading.Data;
using Trading.Domain;
using Trading.Web.Demo;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Submission;

/// <summary>
/// Demo key ceremonies: every published demo tender has its ceremony, and its three holders have joined with <see cref="Passphrase"/>,
/// so a first look can go straight to sealing a bid and, after the deadline, to the opening.
/// </summary>
public sealed class SubmissionDemo(TradingDbContext db, CeremonyService ceremonies, PublicLogWriter log) : IDemoSeed
{
    public const string Passphrase = "Demo-2026-key-holder";

    public int Order => 10;

    public async Task SeedAsync(CancellationToken ct)
    {
        var holders = new Dictionary<string, string> { ["supervisor"] = Roles.Supervisor, ["centre"] = Roles.CentreStaff };
        foreach (var t in await db.Tenders.Where(t => t.Step >= LifecycleStep.NoticePublished).ToListAsync(ct))
        {
            // The demo writes its tenders' steps directly, not through publication, so it starts their ceremonies itself.
            if (await ceremonies.FindAsync(t.Id, ct) is null)
            {
                await log.ActAsync(() => ceremonies.StartAsync(t, ct), ct);
            }
            var owner = await db.Users.Where(u => u.OrganisationId == t.OwnerOrganisationId).OrderBy(u => u.UserName).FirstAsync(ct);
            foreach (var (name, role) in holders.Append(new(owner.UserName!, Roles.Owner)))
            {
                var u = await db.Users.SingleAsync(x => x.UserName == name, ct);
                var actor = new Actor(u.Id, name, u.OrganisationId, new HashSet<string> { role }, null);
                // The demo signs its holders in as if with two-factor; real holders must set it up.
                var principal = new ClaimsPrincipal(new ClaimsIdentity([new Claim("amr", "mfa")], "demo"));
                await ceremonies.JoinAsync(actor, principal, t.Id, Passphrase, Passphrase, ct);
            }
        }
    }
}
