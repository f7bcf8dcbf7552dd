using System.Text;
using Trading.ExpertPool;

namespace Trading.ExpertPool.Tests;

public class VerifierTests
{
    private static readonly List<Expert> Pool = Fixtures.Pool(300);

    /// <summary>A drawn record with a beacon, a missing reveal and two replacements, read back from its JSON.</summary>
    private static DrawRecord Sample()
    {
        var prep = ExpertDraw.Prepare(Fixtures.Request(beaconRound: "drand:quicknet:77"), Pool, Fixtures.Key, Fixtures.T0);
        var r = prep.Record;
        byte b = 1;
        foreach (var o in DrawAlgorithm.Offices)
        {
            r = DrawProcess.Commit(r, o, DrawAlgorithm.Commitment(r.DrawId, o, Fixtures.Value(b++)), Fixtures.T0).Record;
        }
        r = DrawProcess.Reveal(r, "supervision", Fixtures.Value(1), Fixtures.T0).Record;
        r = DrawProcess.Reveal(r, "centre", Fixtures.Value(2), Fixtures.T0).Record;
        r = DrawProcess.SetBeacon(r, new BeaconValue("drand:quicknet:77", new string('e', 64), "manual"), Fixtures.T0).Record;
        r = DrawProcess.Draw(r, Fixtures.T0).Record;
        r = DrawProcess.Replace(r, r.Strata[0].Selected[0], ReplacementReason.Declined, "travel", Fixtures.T0).Record;
        r = DrawProcess.Replace(r, r.Strata[1].Selected[1], ReplacementReason.NoAnswer, null, Fixtures.T0).Record;
        return DrawRecordJson.Deserialize(DrawRecordJson.Serialize(r));
    }

    private static readonly DrawRecord Good = Sample();

    [Fact]
    public void A_genuine_record_verifies_from_its_json_alone()
    {
        var json = DrawRecordJson.Serialize(Good, indented: true);
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(json));
        var report = DrawVerifier.Verify(stream);
        Assert.True(report.Ok, report.FirstFailure?.Problem?.ToString());
        Assert.Equal(DrawVerifier.StepNames, report.Steps.Select(s => s.Step));
    }

    public static TheoryData<string, string> Mutations() => new()
    {
        { "drawId", "format" },
        { "algorithm", "format" },
        { "request.place", "request-hash" },
        { "request.size", "format" },
        { "request.quota-swap", "request-hash" },
        { "request.rules", "request-hash" },
        { "request.bidders", "request-hash" },
        { "request.declineReasons", "request-hash" },
        { "requestHash", "request-hash" },
        { "eligible.swap", "list-order" },
        { "eligible.strata", "list-hash" },
        { "eligible.drop", "list-hash" },
        { "listHash", "list-hash" },
        { "commitment", "commitments" },
        { "reveal.value", "commitments" },
        { "reveal.drop", "commitments" },
        { "missingReveals", "commitments" },
        { "beacon.value", "seed" },
        { "beacon.round", "beacon" },
        { "beacon.drop", "beacon" },
        { "seed", "seed" },
        { "order.swap", "ordering" },
        { "order.truncate", "ordering" },
        { "selected", "selection" },
        { "replacement.in", "replacements" },
        { "replacement.out", "replacements" },
        { "replacement.reason", "replacements" },
        { "replacement.drop-first", "replacements" },
    };

    private static DrawRecord Mutate(DrawRecord r, string what)
    {
        static IReadOnlyList<T> Set<T>(IReadOnlyList<T> list, int i, T value) { var a = list.ToArray(); a[i] = value; return a; }
        var q = r.Request;
        return what switch
        {
            "drawId" => r with { DrawId = "D-other" },
            "algorithm" => r with { Algorithm = "trading/draw/v0" },
            "request.place" => r with { Request = q with { EvaluationPlace = "room-4" } },
            "request.size" => r with { Request = q with { CommitteeSize = 9 } },
            "request.quota-swap" => r with { Request = q with { Strata = [q.Strata[0] with { Count = 3 }, q.Strata[1] with { Count = 3 }] } },
            "request.rules" => r with { Request = q with { Rules = q.Rules with { OwnerCooldownDays = 0 } } },
            "request.bidders" => r with { Request = q with { BiddersDigest = new string('0', 64) } },
            "request.declineReasons" => r with { Request = q with { DeclineReasons = [.. q.DeclineReasons, "weather"] } },
            "requestHash" => r with { RequestHash = new string('1', 64) },
            "eligible.swap" => r with { Eligible = Set(Set(r.Eligible, 0, r.Eligible[1]), 1, r.Eligible[0]) },
            "eligible.strata" => r with { Eligible = Set(r.Eligible, 5, r.Eligible[5] with { Strata = r.Eligible[5].Strata[0] == "1-tech" ? ["2-econ"] : ["1-tech"] }) },
            "eligible.drop" => r with { Eligible = r.Eligible.Take(r.Eligible.Count - 1).ToArray() },
            "listHash" => r with { ListHash = new string('2', 64) },
            "commitment" => r with { Commitments = Set(r.Commitments, 0, r.Commitments[0] with { Commitment = new string('3', 64) }) },
            "reveal.value" => r with { Reveals = Set(r.Reveals, 1, r.Reveals[1] with { Value = new string('4', 64) }) },
            "reveal.drop" => r with { Reveals = r.Reveals.Take(1).ToArray() },
            "missingReveals" => r with { MissingReveals = [] },
            "beacon.value" => r with { Beacon = r.Beacon! with { Value = new string('5', 64) } },
            "beacon.round" => r with { Beacon = r.Beacon! with { Round = "drand:quicknet:78" } },
            "beacon.drop" => r with { Beacon = null },
            "seed" => r with { Seed = new string('6', 64) },
            "order.swap" => r with { Strata = Set(r.Strata, 0, r.Strata[0] with { Order = Set(Set(r.Strata[0].Order, 7, r.Strata[0].Order[8]), 8, r.Strata[0].Order[7]) }) },
            "order.truncate" => r with { Strata = Set(r.Strata, 1, r.Strata[1] with { Order = r.Strata[1].Order.Take(10).ToArray() }) },
            "selected" => r with { Strata = Set(r.Strata, 0, r.Strata[0] with { Selected = Set(r.Strata[0].Selected, 0, r.Eligible[r.Strata[0].Order[20]].Pseudonym) }) },
            "replacement.in" => r with { Replacements = Set(r.Replacements, 1, r.Replacements[1] with { In = r.Eligible[r.Strata[1].Order[^1]].Pseudonym }) },
            "replacement.out" => r with { Replacements = Set(r.Replacements, 0, r.Replacements[0] with { Out = r.Eligible[r.Strata[0].Order[^1]].Pseudonym }) },
            "replacement.reason" => r with { Replacements = Set(r.Replacements, 0, r.Replacements[0] with { DeclineReason = "bored" }) },
            "replacement.drop-first" => r with { Replacements = r.Replacements.Skip(1).ToArray() },
            _ => throw new ArgumentOutOfRangeException(nameof(what)),
        };
    }

    [Theory]
    [MemberData(nameof(Mutations))]
    public void A_change_to_any_input_is_caught_at_the_first_step_it_touches(string mutation, string step)
    {
        var bad = Mutate(Good, mutation);
        var report = DrawVerifier.Verify(bad);
        Assert.False(report.Ok);
        var failure = report.FirstFailure!;
        Assert.Equal(step, failure.Step);
        Assert.NotNull(failure.Problem);
        Assert.All(report.Steps.Take(report.Steps.Count - 1), s => Assert.True(s.Passed));
        // The refusal reads in both languages.
        Assert.NotEqual(DrawMessages.Format(failure.Problem, "en"), DrawMessages.Format(failure.Problem, "zh-CN"));
    }

    [Fact]
    public void The_ordering_failure_names_the_stratum_and_position()
    {
        var report = DrawVerifier.Verify(Mutate(Good, "order.swap"));
        var lines = DrawVerifier.Describe(report, "en");
        Assert.Equal("ordering: Ordering of stratum 1-tech differs at position 7: recorded "
            + Good.Strata[0].Order[8] + ", computed " + Good.Strata[0].Order[7] + ".", lines[^1]);
        Assert.Equal("seed: ok", lines[^2]);
        Assert.StartsWith("ordering: 类别1-tech的排序在第7位不符", DrawVerifier.Describe(report, "zh-CN")[^1], StringComparison.Ordinal);
        var failure = report.FirstFailure!;
        Assert.Equal(VerifyCodes.Ordering, failure.Problem!.Code);
        Assert.Equal("1-tech", failure.Problem.Args["stratum"]);
        Assert.Equal("7", failure.Problem.Args["position"]);
    }

    [Fact]
    public void Broken_json_fails_the_format_step_without_throwing()
    {
        using var s = new MemoryStream(Encoding.UTF8.GetBytes("{\"format\": 3"));
        var report = DrawVerifier.Verify(s);
        Assert.Equal("format", Assert.Single(report.Steps).Step);
        Assert.False(report.Ok);
        using var s2 = new MemoryStream(Encoding.UTF8.GetBytes("{\"format\": \"x\"}"));
        Assert.Equal(VerifyCodes.Format, DrawVerifier.Verify(s2).FirstFailure!.Problem!.Code);
    }

    [Fact]
    public void Records_before_the_draw_verify_what_they_have()
    {
        var open = ExpertDraw.Prepare(Fixtures.Request(), Pool, Fixtures.Key, Fixtures.T0).Record;
        var report = DrawVerifier.Verify(open);
        Assert.True(report.Ok);
        Assert.Equal("beacon", report.Steps[^1].Step);
        Assert.Equal("seed", DrawVerifier.Verify(open with { Phase = DrawPhase.Drawn }).FirstFailure!.Step);
    }

    [Fact]
    public void The_compact_json_is_canonical_and_carries_no_identity()
    {
        var once = DrawRecordJson.Serialize(Good);
        var twice = DrawRecordJson.Serialize(DrawRecordJson.Deserialize(once));
        Assert.Equal(once, twice);
        foreach (var e in Pool)
        {
            Assert.DoesNotContain(e.Id, once, StringComparison.Ordinal);
            Assert.DoesNotContain(e.Name, once, StringComparison.Ordinal);
            Assert.DoesNotContain(e.ProtectedIdNumber, once, StringComparison.Ordinal);
        }
        foreach (var bidder in Fixtures.Request().BidderIds)
        {
            Assert.DoesNotContain(bidder, once, StringComparison.Ordinal);
        }
        // Auditors holding the key can open the bidder digest and any pseudonym.
        Assert.Equal(Good.Request.BiddersDigest, DrawAlgorithm.BiddersDigest(Fixtures.Key, Good.DrawId, ["bidder-c", "bidder-a", "bidder-b"]));
        var opened = Pool.Select(e => DrawAlgorithm.Pseudonym(Fixtures.Key, Good.DrawId, e.Id)).ToHashSet();
        Assert.All(Good.Eligible, e => Assert.Contains(e.Pseudonym, opened));
    }

    [Fact]
    public void Pseudonyms_differ_between_draws_so_the_public_cannot_link_them()
    {
        Assert.NotEqual(DrawAlgorithm.Pseudonym(Fixtures.Key, "D-1", "E000001"), DrawAlgorithm.Pseudonym(Fixtures.Key, "D-2", "E000001"));
        Assert.Throws<DrawRequestInvalidException>(() => DrawAlgorithm.Pseudonym(new byte[16], "D-1", "E000001"));
    }
}
