using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Trading.Data;
using Trading.Domain;
using Trading.Domain.Experts;
using Trading.ExpertPool;
using Trading.Web.Demo;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Draw;

/// <summary>
/// A finished demo draw: lot 1 of the demo tender past its bid deadline, drawn through the same service
/// the pages use (commitments, reveals, seed), for an evaluation session tomorrow 09:00-12:00 in 评标室一;
/// two of the drawn experts have accepted. Check-in and evaluation have a committee to work with.
/// </summary>
public sealed class DrawDemoSeed(TradingDbContext db, DrawService draws, CentreTime time) : IDemoSeed
{
    public int Order => 110;

    public async Task SeedAsync(CancellationToken ct)
    {
        var tender = await db.Tenders.Include(t => t.Lots).Where(t => t.Step == LifecycleStep.BidDeadline && !t.Failed).OrderBy(t => t.Code).FirstOrDefaultAsync(ct);
        if (tender is null) return;
        async Task<Actor> As(string userName)
        {
            var u = await db.Users.SingleAsync(x => x.UserName == userName, ct);
            var roles = await (from ur in db.UserRoles join r in db.Roles on ur.RoleId equals r.Id where ur.UserId == u.Id select r.Name!).ToListAsync(ct);
            return new Actor(u.Id, userName, u.OrganisationId, roles.ToHashSet(StringComparer.Ordinal), null);
        }
        var centre = await As("centre");
        var supervisor = await As("supervisor");
        var ownerUser = await (from u in db.Users join ur in db.UserRoles on u.Id equals ur.UserId join r in db.Roles on ur.RoleId equals r.Id
                               where r.Name == Roles.Owner && u.OrganisationId == tender.OwnerOrganisationId select u.UserName).FirstAsync(ct);
        var owner = await As(ownerUser!);
        var day = time.ToLocal(time.UtcNow).Date.AddDays(1);
        var session = await draws.RequestAsync(centre, new DrawRequestInput
        {
            TenderId = tender.Id, LotId = tender.Lots.OrderBy(l => l.Number).First().Id, EvaluationRoom = "评标室一",
            StartsAtLocal = day.AddHours(9), EndsAtLocal = day.AddHours(12), CommitteeSize = 5, OwnerRepresentativeSeats = 0, ResponseWindowHours = 12,
            Strata =
            [
                new StratumInput { Stratum = "1-tech", Kind = StratumKind.Technical, Specialties = "construction/*", Count = 3 },
                new StratumInput { Stratum = "2-econ", Kind = StratumKind.Economic, Specialties = "economics/*", Count = 2 },
            ],
        }, ct);
        var values = new Dictionary<string, byte[]>();
        foreach (var (office, actor) in new[] { (DrawService.Supervision, supervisor), (DrawService.Centre, centre), (DrawService.OwnerOffice, owner) })
        {
            values[office] = RandomNumberGenerator.GetBytes(32);
            await draws.CommitAsync(actor, session.Id, DrawAlgorithm.Commitment(session.DrawId, office, values[office]), ct);
        }
        foreach (var (office, actor) in new[] { (DrawService.Supervision, supervisor), (DrawService.Centre, centre), (DrawService.OwnerOffice, owner) })
            await draws.RevealAsync(actor, session.Id, Convert.ToHexStringLower(values[office]), ct);
        await draws.DrawAsync(centre, session.Id, ct);

        db.ChangeTracker.Clear();
        var members = await db.Set<CommitteeMember>().Where(m => m.SessionId == session.Id).OrderBy(m => m.Stratum).Take(2).ToListAsync(ct);
        foreach (var m in members)
        {
            var userId = await db.Set<PoolExpert>().Where(e => e.Id == m.ExpertId).Select(e => e.UserId).SingleAsync(ct);
            var name = await db.Users.Where(u => u.Id == userId).Select(u => u.UserName!).SingleAsync(ct);
            await draws.RespondAsync(await As(name), m.Id, true, null, ct);
        }
        // Demo invitations stay in-app: seeding must not mail the demo addresses, nor fill the outbox other features watch.
        // The offices' "commit", "reveal" and "draw now" notices are for a draw already made: history, not a turn, so they go.
        db.ChangeTracker.Clear();
        string[] offices = ["draw.requested", "draw.reveal", "draw.ready"];
        await db.Set<Trading.Data.Notifications.Notification>().Where(n => offices.Contains(n.Kind) && n.TenderId == tender.Id).ExecuteDeleteAsync(ct);
        foreach (var n in await db.Set<Trading.Data.Notifications.Notification>().Where(n => n.Kind.StartsWith("draw.") && n.EmailedAt == null).ToListAsync(ct))
            n.EmailSkipped = "demo data";
        await db.SaveChangesAsync(ct);
    }
}
