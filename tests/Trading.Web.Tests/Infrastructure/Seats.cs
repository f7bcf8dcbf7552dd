using Microsoft.EntityFrameworkCore;
using Trading.Domain.CheckIn;
using Trading.Domain.Experts;

namespace Trading.Web.Tests.Infrastructure;

/// <summary>An evaluation session written as a finished draw leaves it, so a check-in test starts with expert01 expected in a room.</summary>
public static class Seats
{
    public static PoolExpert SeatExpert01(TradingFactory app, string drawId, string room)
    {
        var now = app.Clock.GetUtcNow().UtcDateTime;
        return app.WithDb(db =>
        {
            var e = (from x in db.Set<PoolExpert>() join u in db.Users on x.UserId equals u.Id where u.UserName == "expert01" select x).Single();
            var tender = db.Tenders.Include(t => t.Lots).OrderBy(t => t.Code).First();
            db.Add(new EvaluationSession
            {
                DrawId = drawId, TenderId = tender.Id, LotId = tender.Lots[0].Id, EvaluationRoom = room, StartsAt = now.AddMinutes(30), EndsAt = now.AddHours(4),
                CommitteeSize = 5, RequestedAt = now, RequestedByUserId = e.UserId, RecordJson = "{}", ScreeningJson = "{}", PseudonymMapJson = "{}",
                Members = [new CommitteeMember { ExpertId = e.Id, Pseudonym = new string('a', 64), Stratum = "1-tech", Status = CommitteeMemberStatus.Accepted, InvitedAt = now.AddDays(-2), RespondBy = now.AddDays(-1) }],
            });
            db.SaveChanges();
            return e;
        });
    }
}
