using Microsoft.Extensions.DependencyInjection;
using Trading.Data;
using Trading.Domain.Supervision;
using Trading.Web.Features.Supervision;
using Trading.Web.Infrastructure;
using Trading.Web.Tests.Infrastructure;

namespace Trading.Web.Tests;

/// <summary>
/// Bad-behaviour records in the public log: a person is named only by pseudonym, and a record the centre does not
/// publish (Supervision:PublishWarnings=false, the default) is not readable there at all, only a sealed commitment.
/// </summary>
public class SupervisionLogPrivacyTests(PostgresServer pg) : WebTest(pg)
{
    [Fact]
    public void No_entry_carries_an_experts_user_id_and_published_records_keep_the_firm()
    {
        // The demo seeds records through the supervision office's own service: warnings against a firm and an expert
        // (not published by default, so sealed) and a suspension of a firm (published).
        var records = App.WithDb(db => db.Set<BadBehaviourRecord>().ToList());
        var expert = Assert.Single(records, r => r.SubjectKind == SanctionSubjectKind.Expert);
        var payloads = App.WithDb(db => db.LogEntries.Select(e => e.Payload).ToList());
        Assert.All(payloads, p => Assert.DoesNotContain(expert.SubjectId.ToString(), p, StringComparison.OrdinalIgnoreCase));
        // Firms are public parties and keep their id in a published record, so an auditor can match it to the firm.
        var suspension = records.First(r => r.SubjectKind == SanctionSubjectKind.Firm && r.Sanction == SanctionKind.Suspension);
        var entries = App.WithDb(db => db.LogEntries.Where(e => e.Type == "supervision.record.created").Select(e => e.Payload).ToList());
        Assert.Contains(suspension.SubjectId.ToString(), Assert.Single(entries, p => p.Contains(suspension.Number, StringComparison.Ordinal)), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_warning_the_centre_does_not_publish_is_only_a_sealed_commitment_in_the_public_log()
    {
        var supervisor = App.WithDb(db => db.Users.Single(u => u.UserName == "supervisor"));
        var actor = new Actor(supervisor.Id, supervisor.UserName!, supervisor.OrganisationId, new HashSet<string> { Roles.Supervisor }, null);
        var firm = App.WithDb(db => db.Users.Single(u => u.UserName == "bidder07").OrganisationId);
        var firmName = App.WithDb(db => db.Organisations.Single(o => o.Id == firm).Name);
        const string Rule = "实施条例第三十九条（测试用不公开警告）";
        var before = App.WithDb(db => db.LogEntries.LongCount());

        await using var scope = App.Services.CreateAsyncScope();
        var sanctions = scope.ServiceProvider.GetRequiredService<Sanctions>();
        var warning = await sanctions.RecordAsync(actor, new RecordInput(SanctionSubjectKind.Firm, firm, "投标文件雷同（测试）", Rule, null, null,
            SanctionKind.Warning, null, null, null), null, default);
        Assert.False(sanctions.IsPublished(warning));

        // Exactly one entry, a sealed commitment: no number, no firm, no rule, no record id, no tender.
        var added = App.WithDb(db => db.LogEntries.Where(e => e.Index >= before).OrderBy(e => e.Index).ToList());
        var entry = Assert.Single(added);
        Assert.Equal("sealed.act", entry.Type);
        Assert.Null(entry.TenderId);
        foreach (var secret in new[] { warning.Number, firm.ToString(), firmName, Rule, warning.Id.ToString(), "supervision.record" })
            Assert.DoesNotContain(secret, entry.Payload, StringComparison.OrdinalIgnoreCase);
        // Nor is it anywhere an outsider reads: the download, the /Log page, the public records page.
        var outsider = App.Anonymous();
        var jsonl = await outsider.GetStringAsync("/api/log/entries.jsonl");
        var log = await outsider.GetStringAsync("/Log");
        var published = await outsider.GetStringAsync("/Supervision/Public");
        foreach (var secret in new[] { warning.Number, Rule, warning.Id.ToString() })
        {
            Assert.DoesNotContain(secret, jsonl, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, log, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, published, StringComparison.Ordinal);
        }
        // The office keeps the opening: the record is on the log, fixed in time, provable later.
        var kept = App.WithDb(db => db.SealedLogActs.Single(a => a.LogIndex == entry.Index));
        Assert.Equal("record", kept.Purpose);
        Assert.Contains(warning.Number, kept.Entry!, StringComparison.Ordinal);
        Assert.True(Trading.PublicLog.MerkleHash.Equal(
            Trading.PublicLog.SealedActs.Commitment(kept.Nonce!, System.Text.Encoding.UTF8.GetBytes(kept.Entry!)),
            Convert.FromHexString(System.Text.Json.JsonDocument.Parse(entry.Payload).RootElement.GetProperty("data").GetProperty("commitment").GetString()!)));

        // A suspension is published, and logged in the clear.
        var suspension = await sanctions.RecordAsync(actor, new RecordInput(SanctionSubjectKind.Firm, firm, "串通投标（测试）", "招标投标法第三十二条", null, null,
            SanctionKind.Suspension, App.Clock.GetUtcNow().UtcDateTime, App.Clock.GetUtcNow().UtcDateTime.AddDays(30), "串通投标"), null, default);
        Assert.Contains(suspension.Number, App.WithDb(db => db.LogEntries.OrderByDescending(e => e.Index).First(e => e.Type == "supervision.record.created").Payload), StringComparison.Ordinal);
    }
}

/// <summary>A centre that publishes no sanctions (Supervision:PublishSanctions=false) names no suspended firm in the public log, not even one adopted from a suspension set on the organisation itself.</summary>
public class UnpublishedSanctionsLogTests(PostgresServer pg) : WebTest(pg)
{
    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string> { ["Supervision:PublishSanctions"] = "false" };

    [Fact]
    public async Task An_adopted_suspension_is_only_a_sealed_commitment()
    {
        var now = App.Clock.GetUtcNow().UtcDateTime;
        var firm = App.WithDb(db =>
        {
            var o = db.Organisations.First(o => o.Kind == Trading.Domain.OrganisationKind.BidderFirm && !db.Set<BadBehaviourRecord>().Any(r => r.SubjectId == o.Id));
            o.SuspendedUntil = now.AddDays(60);
            o.SuspensionReason = "串通投标（测试）";
            db.SaveChanges();
            return (o.Id, o.Name);
        });
        var before = App.WithDb(db => db.LogEntries.LongCount());

        await using var scope = App.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<Sanctions>().RefreshAllAsync(now, default);

        var record = App.WithDb(db => db.Set<BadBehaviourRecord>().Single(r => r.SubjectId == firm.Id));
        var entry = Assert.Single(App.WithDb(db => db.LogEntries.Where(e => e.Index >= before).ToList()));
        Assert.Equal("sealed.act", entry.Type);
        foreach (var secret in new[] { record.Number, firm.Id.ToString(), firm.Name, record.Id.ToString(), "supervision.record" })
            Assert.DoesNotContain(secret, entry.Payload, StringComparison.OrdinalIgnoreCase);
    }
}
