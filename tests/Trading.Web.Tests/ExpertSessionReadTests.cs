using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Trading.Data;
using Trading.Domain.Experts;
using Trading.Web.Features.Draw;
using Trading.Web.Features.Experts;
using Trading.Web.Tests.Infrastructure;

namespace Trading.Web.Tests;

public class ExpertSessionReadTests(PostgresServer pg) : WebTest(pg)
{
    [Fact]
    public void Demo_pool_has_thirty_profiles_linked_to_expert_users_with_protected_id_numbers()
    {
        var experts = App.WithDb(db => db.Set<PoolExpert>().Include(e => e.Employments).ToList());
        Assert.Equal(30, experts.Count);
        var expertUsers = App.WithDb(db => (from u in db.Users join ur in db.UserRoles on u.Id equals ur.UserId join r in db.Roles on ur.RoleId equals r.Id
                                            where r.Name == Roles.Expert select u.Id).ToHashSet());
        Assert.All(experts, e => Assert.Contains(e.UserId, expertUsers));
        using var scope = App.Services.CreateScope();
        var ids = scope.ServiceProvider.GetRequiredService<ExpertIdNumbers>();
        Assert.All(experts, e =>
        {
            Assert.DoesNotMatch("^[0-9]{17}[0-9X]$", e.ProtectedIdNumber);
            var clear = ids.Unprotect(e.ProtectedIdNumber);
            Assert.True(ExpertIdNumbers.IsValid(clear));
            Assert.Equal(ExpertIdNumbers.Mask(clear), e.IdNumberHint);
            Assert.Contains('*', e.IdNumberHint);
        });
        // Another purpose cannot read them: the protector is bound to the ID-number purpose.
        var other = scope.ServiceProvider.GetRequiredService<IDataProtectionProvider>().CreateProtector("something-else");
        Assert.ThrowsAny<System.Security.Cryptography.CryptographicException>(() => other.Unprotect(experts[0].ProtectedIdNumber));
    }

    [Fact]
    public async Task Drawn_experts_and_sessions_for_an_expert_come_back_by_session_and_by_time()
    {
        var now = App.Clock.GetUtcNow().UtcDateTime;
        var (session, userId, leftUserId) = App.WithDb(db =>
        {
            var tender = db.Tenders.Include(t => t.Lots).First();
            var experts = db.Set<PoolExpert>().OrderBy(e => e.RegistrationNumber).Take(3).ToList();
            var s = new EvaluationSession
            {
                DrawId = "T-READ-1", TenderId = tender.Id, LotId = tender.Lots[0].Id, EvaluationRoom = "评标室二",
                StartsAt = now.AddHours(3), EndsAt = now.AddHours(8), CommitteeSize = 5, RequestedAt = now, RequestedByUserId = experts[0].UserId,
                RecordJson = "{}", ScreeningJson = "{}", PseudonymMapJson = "{}",
                Requirements = [new SessionRequirement { Stratum = "1-tech", Kind = Trading.ExpertPool.StratumKind.Technical, Specialties = ["construction/*"], Count = 3 }],
                Members =
                [
                    new CommitteeMember { ExpertId = experts[0].Id, Pseudonym = new string('a', 64), Stratum = "1-tech", Status = CommitteeMemberStatus.Accepted, InvitedAt = now, RespondBy = now.AddHours(2) },
                    new CommitteeMember { ExpertId = experts[1].Id, Pseudonym = new string('b', 64), Stratum = "1-tech", Status = CommitteeMemberStatus.Declined, InvitedAt = now, RespondBy = now.AddHours(2), DeclineReason = "travel" },
                    new CommitteeMember { ExpertId = experts[2].Id, Pseudonym = new string('c', 64), Stratum = "1-tech", Status = CommitteeMemberStatus.Invited, InvitedAt = now.AddMinutes(5), RespondBy = now.AddHours(2) },
                ],
            };
            db.Add(s);
            db.SaveChanges();
            return (s, experts[0].UserId, experts[1].UserId);
        });

        using var scope = App.Services.CreateScope();
        var sessions = scope.ServiceProvider.GetRequiredService<EvaluationSessions>();
        var drawn = await sessions.DrawnExpertsAsync(session.Id);
        Assert.Equal(3, drawn.Count);
        Assert.Equal([CommitteeMemberStatus.Accepted, CommitteeMemberStatus.Declined, CommitteeMemberStatus.Invited], drawn.Select(d => d.Status).ToArray());
        Assert.Equal(userId, drawn[0].UserId);

        Assert.Empty(await sessions.SessionsForExpertAsync(userId, now)); // opens two hours before the start
        var open = Assert.Single(await sessions.SessionsForExpertAsync(userId, now.AddHours(1.5)));
        Assert.Equal("评标室二", open.EvaluationRoom);
        Assert.Empty(await sessions.SessionsForExpertAsync(userId, now.AddHours(8.5))); // over
        Assert.Empty(await sessions.SessionsForExpertAsync(leftUserId, now.AddHours(4))); // declined: no seat
    }
}

public class ExpertDrawDemoTests(PostgresServer pg) : WebTest(pg)
{
    [Fact]
    public async Task The_demo_has_a_drawn_session_for_tomorrow_that_verifies()
    {
        // Tomorrow's, beside the three the demo's history drew weeks ago; every one of them verifies.
        var all = App.WithDb(db => db.Set<EvaluationSession>().Include(x => x.Members).ToList());
        Assert.Equal(4, all.Count);
        Assert.All(all, x => Assert.True(Trading.ExpertPool.DrawVerifier.Verify(Trading.ExpertPool.DrawRecordJson.Deserialize(x.RecordJson)).Ok));
        var s = all.Single(x => x.StartsAt > App.Clock.GetUtcNow().UtcDateTime);
        Assert.Equal(Trading.ExpertPool.DrawPhase.Drawn, s.Phase);
        Assert.Equal(5, s.Members.Count(m => m.Serving));
        Assert.Equal(2, s.Members.Count(m => m.Status == CommitteeMemberStatus.Accepted));
        Assert.True(Trading.ExpertPool.DrawVerifier.Verify(Trading.ExpertPool.DrawRecordJson.Deserialize(s.RecordJson)).Ok);
        using var scope = App.Services.CreateScope();
        var sessions = scope.ServiceProvider.GetRequiredService<EvaluationSessions>();
        var accepted = (await sessions.DrawnExpertsAsync(s.Id)).First(d => d.Status == CommitteeMemberStatus.Accepted);
        Assert.Single(await sessions.SessionsForExpertAsync(accepted.UserId, s.StartsAt.AddMinutes(-30)));
    }
}
