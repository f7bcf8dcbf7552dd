using System.Net;
using Microsoft.EntityFrameworkCore;
using Trading.Crypto;
using Trading.Domain.Bidding;
using Trading.Web.Tests.Infrastructure;

namespace Trading.Web.Tests;

/// <summary>
/// The key ceremony as a relay, on real PostgreSQL: officers' machines (C# holder protocol) deal, check and answer
/// through the API only. Every bad input of issue 14 is refused with its rule, and nothing changes.
/// </summary>
public sealed class CeremonyRelayTests(PostgresServer pg) : WebTest(pg)
{
    protected override IReadOnlyDictionary<string, string> Settings => Bidding.FastSettings;

    private async Task<Guid> TenderAsync() =>
        await TestApi.PublishedTenderAsync(await App.ApiAsync("owner1"), App.Clock.GetUtcNow().UtcDateTime.AddDays(25));

    /// <summary>Every relayed row and log entry of a tender, counted: "nothing changed" compares two of these.</summary>
    private (int Officers, int Dealings, int Acks, long Log, string? JointKey, string Shares) Snapshot(Guid tenderId) => App.WithDb(db =>
    {
        var c = db.Set<KeyCeremony>().Single(x => x.TenderId == tenderId);
        var dealings = db.Set<CeremonyDealing>().Where(d => d.KeyCeremonyId == c.Id).OrderBy(d => d.DealerIndex).ToList();
        return (db.Set<HolderOfficer>().Count(o => o.RemovedAt == null), dealings.Count, db.Set<CeremonyAcknowledgement>().Count(a => a.KeyCeremonyId == c.Id),
            db.LogEntries.LongCount(), c.JointKeyJson, string.Join("|", dealings.Select(d => d.SharesJson)));
    });

    private async Task<Dictionary<string, OfficerClient>> EnrolAllAsync(Guid id)
    {
        var officers = new Dictionary<string, OfficerClient>();
        foreach (var u in Officers.Holders)
        {
            officers[u] = await Officers.ClientAsync(App, u);
            await officers[u].JoinAsync(id);
        }
        return officers;
    }

    [Fact]
    public async Task Three_holders_with_two_officers_for_one_complete_through_the_relay_and_each_officer_rebuilds_a_share_of_the_published_key()
    {
        var id = await TenderAsync();
        await Officers.CreateUserLikeAsync(App, "centre", "centre2");
        var officers = await EnrolAllAsync(id);
        var second = await Officers.ClientAsync(App, "centre2");
        var pending = await second.EnrolAsync(id);
        // The demo's centre officer is already active: a second one waits to be added.
        Assert.Equal(HttpStatusCode.Created, pending.StatusCode);
        Assert.False((await pending.Json()).GetProperty("active").GetBoolean());
        // A pending officer cannot act yet; the existing one adds it (no dealings yet: nothing to re-encrypt).
        await (await second.DealAsync(id)).AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.Custody.OfficerPending");
        await Officers.AssertOk(await officers["centre"].Api.PostAsync($"/api/tenders/{id}/ceremony/officers/{second.OfficerId}/add",
            new StringContent("[]", System.Text.Encoding.UTF8, "application/json")));

        foreach (var o in officers.Values) await Officers.AssertOk(await o.DealAsync(id));
        Assert.Null(Snapshot(id).JointKey);
        // Either centre officer may check for the centre: the second does, the first finds nothing left.
        foreach (var u in new[] { "supervisor", "owner1" })
            foreach (var r in await officers[u].CheckAsync(id)) await Officers.AssertOk(r);
        foreach (var r in await second.CheckAsync(id)) await Officers.AssertOk(r);
        Assert.Empty(await officers["centre"].CheckAsync(id));

        var key = App.WithDb(db => CryptoJson.Deserialize<JointKey>(db.Set<KeyCeremony>().Single(c => c.TenderId == id).JointKeyJson!));
        // Anyone recomputes the joint key from the public commitments in the log.
        var commitments = App.WithDb(db => db.LogEntries.Where(e => e.TenderId == id && e.Type == "ceremony.dealt").Select(e => e.Payload).ToList());
        Assert.Equal(3, commitments.Count);
        var state = await officers["owner1"].StateAsync(id);
        var recomputed = CeremonyVerifier.ComputeJointKey(new CeremonyParameters(key.CeremonyId, 3, key.Threshold),
            state.GetProperty("dealings").EnumerateArray().Select(d => CryptoJson.Deserialize<DealerCommitment>(d.GetProperty("commitment").GetRawText())).ToList());
        Assert.Equal(key.PublicKey, recomputed.PublicKey);
        Assert.Equal(key.PublicKey, CryptoJson.Deserialize<JointKey>(await App.Anonymous().GetStringAsync($"/api/public/tenders/{id}/joint-key")).PublicKey);

        // Both centre officers rebuild the same share with their own passphrases; each share belongs to the key.
        using var a = await officers["centre"].SecretAsync(id);
        using var b = await second.SecretAsync(id);
        a.CheckBelongsTo(key);
        b.CheckBelongsTo(key);
        var r1 = ThresholdOpening.PartialDecrypt(a, key, ThresholdOpening.CanaryPoint("x"));
        var r2 = ThresholdOpening.PartialDecrypt(b, key, ThresholdOpening.CanaryPoint("x"));
        Assert.Equal(r1.D, r2.D);

        // Health checks made on the officers' machines, verified by the server.
        foreach (var o in new[] { officers["supervisor"], second, officers["owner1"] }) await Officers.AssertOk(await o.HealthCheckAsync(id));
        Assert.All(App.WithDb(db => db.Set<KeyHolder>().Where(h => db.Set<KeyCeremony>().Any(c => c.Id == h.KeyCeremonyId && c.TenderId == id)).ToList()),
            h => Assert.NotNull(h.LastHealthCheckAt));
        Assert.Equal(3, App.WithDb(db => db.LogEntries.Count(e => e.TenderId == id && e.Type == "ceremony.health.ok")));
    }

    [Fact]
    public async Task A_weak_argon2_cost_an_officer_of_another_holder_and_a_holder_dealing_twice_are_refused_with_their_rules_and_change_nothing()
    {
        var id = await TenderAsync();
        var weak = await Officers.ClientAsync(App, "supervisor");
        var before = Snapshot(id);
        await (await weak.EnrolAsync(id, new Argon2Settings(32 * 1024, 3))).AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.Custody.WeakArgon2");
        await (await weak.EnrolAsync(id, new Argon2Settings(64 * 1024, 2))).AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.Custody.WeakArgon2");
        Assert.Equal(before, Snapshot(id));

        var officers = await EnrolAllAsync(id);
        // The supervision office's officer deals in the centre's name: refused.
        var roster = OfficerClient.RosterOf(await officers["supervisor"].StateAsync(id));
        before = Snapshot(id);
        await (await officers["supervisor"].PostDealingAsync(id, HolderSide.Deal(roster, 2))).AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.Custody.OtherHolder");
        Assert.Equal(before, Snapshot(id));

        await Officers.AssertOk(await officers["supervisor"].DealAsync(id));
        before = Snapshot(id);
        await (await officers["supervisor"].DealAsync(id)).AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.Custody.HolderAlreadyDealt");
        Assert.Equal(before, Snapshot(id));

        // A body that is not UTF-8 text, and one over the relay's limit: refused with the relay's own rules.
        var notText = new ByteArrayContent([0x7b, 0xff, 0xfe, 0x7d]);
        notText.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        await (await officers["centre"].Api.PostAsync($"/api/tenders/{id}/ceremony/dealing", notText)).AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.Custody.BodyMalformed");
        var huge = new StringContent(new string(' ', 4 * 1024 * 1024), System.Text.Encoding.UTF8, "application/json");
        await (await officers["centre"].Api.PostAsync($"/api/tenders/{id}/ceremony/dealing", huge)).AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.Custody.BodyTooLarge");
        Assert.Equal(before, Snapshot(id));

        // A dealing whose proof was altered, and one missing an officer's share: refused by the relay's checks.
        await Officers.AssertOk(await officers["centre"].DealAsync(id));
        await (await officers["owner1"].DealAsync(id, d => d with { Commitment = d.Commitment with { Proof = new SchnorrProof(d.Commitment.Proof.Response, d.Commitment.Proof.Challenge) } }))
            .AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.Custody.DealingInvalid");
        await (await officers["owner1"].DealAsync(id, d => d with { Shares = d.Shares.Skip(1).ToList() })).AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.Custody.DealingInvalid");
        Assert.Equal(before.Dealings + 1, Snapshot(id).Dealings);

        // An acknowledgement for another holder's share is refused.
        var (p, dealings, _) = await officers["owner1"].MyDealingsAsync(id);
        var forCentre = HolderProtocol.Acknowledge(p, dealings[0].Commitment, 2, officers["owner1"].Key);
        before = Snapshot(id);
        await (await officers["owner1"].PostAcknowledgementAsync(id, forCentre)).AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.Custody.OtherHolder");
        Assert.Equal(before, Snapshot(id));
    }

    [Fact]
    public async Task A_replayed_acknowledgement_a_complaint_with_false_evidence_and_an_officer_removed_mid_ceremony_are_refused_and_change_nothing()
    {
        var id = await TenderAsync();
        await Officers.CreateUserLikeAsync(App, "owner1", "owner1b");
        var officers = await EnrolAllAsync(id);
        var second = await Officers.ClientAsync(App, "owner1b");
        await Officers.AssertOk(await second.EnrolAsync(id));
        await Officers.AssertOk(await officers["owner1"].Api.PostAsync($"/api/tenders/{id}/ceremony/officers/{second.OfficerId}/add",
            new StringContent("[]", System.Text.Encoding.UTF8, "application/json")));
        foreach (var o in officers.Values) await Officers.AssertOk(await o.DealAsync(id));

        var (p, dealings, _) = await officers["centre"].MyDealingsAsync(id);
        var ack = HolderProtocol.Acknowledge(p, dealings[0].Commitment, 2, officers["centre"].Key);
        await Officers.AssertOk(await officers["centre"].PostAcknowledgementAsync(id, ack));
        var before = Snapshot(id);
        await (await officers["centre"].PostAcknowledgementAsync(id, ack)).AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.Custody.AlreadyAcknowledged");
        Assert.Equal(before, Snapshot(id));

        // The share from dealer 2 is good: a complaint about it is false evidence.
        var good = dealings.Single(d => d.Commitment.DealerIndex == 2).Shares.Single().Share;
        await (await officers["centre"].PostComplaintAsync(id, HolderProtocol.Complain(p, good, officers["centre"].Key)))
            .AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.Custody.ComplaintFalse");
        // Evidence made with another key than the officer's own: refused as not its key.
        using var stranger = ShareTransport.CreateTransportKey();
        await (await officers["centre"].PostComplaintAsync(id, HolderProtocol.Complain(p, good, stranger)))
            .AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.Custody.NotYourKey");
        Assert.Equal(before, Snapshot(id));

        // The supervision office removes the owner's second officer in the middle of the ceremony: it can no longer act.
        var sup = await App.ApiAsync("supervisor");
        await Officers.AssertOk(await sup.PostAsync($"/api/tenders/{id}/ceremony/officers/{second.OfficerId}/remove", null));
        Assert.Equal("custody.officer.removed", App.WithDb(db => db.LogEntries.OrderByDescending(e => e.Index).First().Type));
        before = Snapshot(id);
        var (p3, d3, _) = await officers["owner1"].MyDealingsAsync(id);
        await (await second.PostAcknowledgementAsync(id, HolderProtocol.Acknowledge(p3, d3[0].Commitment, 3, second.Key)))
            .AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.Custody.OfficerRemoved");
        // Nor may the owner's last officer be removed, nor anyone but a supervisor remove one.
        await (await sup.PostAsync($"/api/tenders/{id}/ceremony/officers/{officers["owner1"].OfficerId}/remove", null)).AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.Custody.LastOfficer");
        await (await officers["centre"].Api.PostAsync($"/api/tenders/{id}/ceremony/officers/{officers["owner1"].OfficerId}/remove", null))
            .AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.Custody.RemoveOnlySupervisor");
        Assert.Equal(before, Snapshot(id));

        // The ceremony still completes with the officers left.
        foreach (var o in officers.Values)
            foreach (var r in await o.CheckAsync(id)) await Officers.AssertOk(r);
        Assert.NotNull(Snapshot(id).JointKey);
    }

    [Fact]
    public async Task Shares_that_do_not_match_the_commitments_bring_a_justified_complaint_that_removes_the_dealing_until_the_holder_deals_again()
    {
        var id = await TenderAsync();
        var officers = await EnrolAllAsync(id);
        foreach (var u in new[] { "supervisor", "centre" }) await Officers.AssertOk(await officers[u].DealAsync(id));
        // The owner's machine deals, then swaps in a wrong share for the centre (encrypted properly, so only the check finds it).
        var state = await officers["owner1"].StateAsync(id);
        var p = CryptoJson.Deserialize<CeremonyParameters>(state.GetProperty("params").GetRawText());
        var centrePoint = officers["centre"].Point;
        await Officers.AssertOk(await officers["owner1"].DealAsync(id, d => d with
        {
            Shares = d.Shares.Select(s => s.Share.RecipientIndex == 2
                ? new OfficerShare(s.OfficerPoint, ShareTransport.Encrypt(p, new DealtShare(3, 2, P256Scalar(12345)), centrePoint)) : s).ToList(),
        }));

        var answers = await officers["centre"].CheckAsync(id);
        Assert.Equal(3, answers.Count);
        Assert.All(answers, r => Assert.True(r.IsSuccessStatusCode));
        var after = Snapshot(id);
        Assert.Equal(2, after.Dealings);
        Assert.Null(after.JointKey);
        var upheld = App.WithDb(db => db.LogEntries.Single(e => e.TenderId == id && e.Type == "ceremony.complaint.upheld").Payload);
        Assert.Contains("\"dealer\":3", upheld, StringComparison.Ordinal);

        // The owner deals again, properly; the ceremony completes.
        await Officers.AssertOk(await officers["owner1"].DealAsync(id));
        foreach (var o in officers.Values)
            foreach (var r in await o.CheckAsync(id)) await Officers.AssertOk(r);
        Assert.NotNull(Snapshot(id).JointKey);
    }

    [Fact]
    public async Task A_holder_without_a_health_check_is_reminded_then_turns_red_for_the_supervision_office_after_the_health_check_deadline()
    {
        var deadline = App.Clock.GetUtcNow().UtcDateTime.AddDays(25);
        var id = await TestApi.PublishedTenderAsync(await App.ApiAsync("owner1"), deadline);
        var officers = await Officers.RunCeremonyAsync(App, id);
        await Officers.AssertOk(await officers["supervisor"].HealthCheckAsync(id));
        // A proof over another day's canary, or another holder's, is refused and changes nothing.
        var before = Snapshot(id);
        var material = await officers["centre"].MaterialAsync(id);
        using (var secret = material.Secret(officers["centre"].Key))
        {
            var stale = ThresholdOpening.PartialDecrypt(secret, material.JointKey, ThresholdOpening.CanaryPoint($"{material.Params.CeremonyId}|2|2001-01-01"));
            await (await officers["centre"].Api.PostAsync($"/api/tenders/{id}/ceremony/health-check", new StringContent(CryptoJson.Serialize(stale), System.Text.Encoding.UTF8, "application/json")))
                .AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.Bid.CanaryStale");
            await (await officers["owner1"].Api.PostAsync($"/api/tenders/{id}/ceremony/health-check", new StringContent(CryptoJson.Serialize(stale), System.Text.Encoding.UTF8, "application/json")))
                .AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.Custody.OtherHolder");
        }
        Assert.Equal(before, Snapshot(id));

        // Before the health-check deadline: reminders to the officers of the two holders still due, once a day.
        await App.RunJobAsync<Trading.Web.Features.Custody.HealthWatch>();
        await App.RunJobAsync<Trading.Web.Features.Custody.HealthWatch>();
        var reminded = App.WithDb(db => db.Set<Trading.Data.Notifications.Notification>().Where(n => n.TenderId == id && n.Kind == "ceremony.health.reminder")
            .Select(n => db.Users.Single(u => u.Id == n.UserId).UserName).ToList());
        Assert.Equal(["centre", "owner1"], reminded.Order());
        Assert.Empty(App.WithDb(db => db.LogEntries.Where(e => e.TenderId == id && e.Type == "ceremony.health.missed").ToList()));
        var sup = await Browser.SignInAsync(App, "supervisor");
        var dashboard = await sup.GetStringAsync("/Supervision");
        Assert.Contains($"data-testid=\"key-health-{id}-2\" class=\"\"", dashboard, StringComparison.Ordinal);
        Assert.DoesNotContain($"key-health-{id}-1", dashboard, StringComparison.Ordinal);

        // Past it (24 h before the bid deadline by default): red on the dashboard, the supervision office alerted once, logged.
        App.Clock.Set(new DateTimeOffset(deadline.AddHours(-23), TimeSpan.Zero));
        await App.RunJobAsync<Trading.Web.Features.Custody.HealthWatch>();
        await App.RunJobAsync<Trading.Web.Features.Custody.HealthWatch>();
        var missed = App.WithDb(db => db.LogEntries.Where(e => e.TenderId == id && e.Type == "ceremony.health.missed").Select(e => e.Payload).ToList());
        Assert.Equal(2, missed.Count);
        Assert.NotEmpty(App.WithDb(db => db.Set<Trading.Data.Notifications.Notification>().Where(n => n.TenderId == id && n.Kind == "ceremony.health.missed"
            && db.Users.Any(u => u.Id == n.UserId && u.UserName == "supervisor")).ToList()));
        dashboard = await sup.GetStringAsync("/Supervision");
        Assert.Contains($"data-testid=\"key-health-{id}-3\" class=\"table-danger\"", dashboard, StringComparison.Ordinal);

        // The holder that acts now turns green again.
        await Officers.AssertOk(await officers["owner1"].HealthCheckAsync(id));
        Assert.DoesNotContain($"key-health-{id}-3", await sup.GetStringAsync("/Supervision"), StringComparison.Ordinal);
    }

    private static byte[] P256Scalar(int v)
    {
        var b = new byte[32];
        b[28] = (byte)(v >> 24); b[29] = (byte)(v >> 16); b[30] = (byte)(v >> 8); b[31] = (byte)v;
        return b;
    }
}
