using Trading.Domain.Supervision;
using Trading.Web.Tests.Infrastructure;

namespace Trading.Web.Tests;

/// <summary>A bad-behaviour record against an expert names that person in the public log only by pseudonym.</summary>
public class SupervisionLogPrivacyTests(PostgresServer pg) : WebTest(pg)
{
    [Fact]
    public void The_log_entry_of_a_record_against_an_expert_carries_a_pseudonym_not_the_experts_user_id()
    {
        // The demo seeds records through the supervision office's own service, one of them against an expert.
        var records = App.WithDb(db => db.Set<BadBehaviourRecord>().ToList());
        var expert = Assert.Single(records, r => r.SubjectKind == SanctionSubjectKind.Expert);
        var firm = records.First(r => r.SubjectKind == SanctionSubjectKind.Firm);
        var entries = App.WithDb(db => db.LogEntries.Where(e => e.Type == "supervision.record.created").Select(e => e.Payload).ToList());

        var aboutExpert = Assert.Single(entries, p => p.Contains(expert.Number, StringComparison.Ordinal));
        Assert.DoesNotContain(expert.SubjectId.ToString(), aboutExpert, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("\"id\":\"user:", aboutExpert, StringComparison.Ordinal);
        // Firms are public parties and keep their id, so an auditor can match the record to the firm.
        Assert.Contains(firm.SubjectId.ToString(), Assert.Single(entries, p => p.Contains(firm.Number, StringComparison.Ordinal)), StringComparison.OrdinalIgnoreCase);
    }
}
