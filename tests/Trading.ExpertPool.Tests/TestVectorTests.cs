using Trading.ExpertPool;

namespace Trading.ExpertPool.Tests;

/// <summary>
/// The expected values below were computed by reference/draw_reference.py, an independent
/// Python re-implementation written from docs/expert-draw.md (run: python3 draw_reference.py vector).
/// Agreement shows the document specifies the algorithm exactly.
/// </summary>
public class TestVectorTests
{
    private static readonly byte[] Key = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();

    private static readonly PublicRequest Request = new()
    {
        DrawId = "D-1",
        TenderId = "T-1",
        LotId = "L1",
        OwnerId = "owner-1",
        BiddersDigest = string.Concat(Enumerable.Repeat("ab", 32)),
        EvaluationDate = new DateOnly(2026, 12, 15),
        EvaluationPlace = "room-3",
        CommitteeSize = 7,
        OwnerRepresentativeSeats = 1,
        Rules = PoolRules.Default,
        Strata =
        [
            new StratumQuota("1-tech", StratumKind.Technical, ["construction/*"], 4),
            new StratumQuota("2-econ", StratumKind.Economic, ["economics/cost", "economics/bidding"], 2, new RegionRule(RegionRuleMode.Outside, ["zj/hz"])),
        ],
        DeclineReasons = ["illness", "travel"],
        BeaconRound = "drand:quicknet:77",
    };

    private static readonly EligibleEntry[] Entries = Enumerable.Range(1, 12)
        .Select(i => new EligibleEntry(string.Concat(Enumerable.Repeat(i.ToString("x2"), 32)), i % 3 == 0 ? ["1-tech", "2-econ"] : ["1-tech"]))
        .ToArray();

    private static byte[] Seed() => DrawAlgorithm.Seed("D-1", DrawAlgorithm.ListHash("D-1", Entries), DrawAlgorithm.RequestHash(Request),
        new Dictionary<string, byte[]> { ["supervision"] = Fixtures.Value(1), ["owner"] = Fixtures.Value(3) },
        "drand:quicknet:77", Fixtures.Value(0xee));

    [Fact]
    public void Keyed_values_match_the_reference()
    {
        Assert.Equal("06775668198d16320d59e1f9112a74c04afcf3d38392ea1854a63dc871a6e525", DrawAlgorithm.Pseudonym(Key, "D-1", "E000001"));
        Assert.Equal("ac94c4d36ac112d6c9ee4958c6ce4b79fc4f26815f56064e581a5271b5b43c5b", DrawAlgorithm.BiddersDigest(Key, "D-1", ["bidder-b", "bidder-a", "bidder-a"]));
        Assert.Equal("555a5a60419002970f19116d38dba116e837905c8287e335fb723cc563b70771", DrawAlgorithm.Commitment("D-1", "owner", Enumerable.Range(0, 32).Select(i => (byte)i).ToArray()));
    }

    [Fact]
    public void Hashes_and_seed_match_the_reference()
    {
        Assert.Equal("69bb63372f8b657171bab59df4df55295f1460afa24fea31c8dc8edb4def1c22", Convert.ToHexStringLower(DrawAlgorithm.RequestHash(Request)));
        Assert.Equal("1fb8a388cffc55a0d19c57ac9e891bbec25009305f883ece40786f554dd4d646", Convert.ToHexStringLower(DrawAlgorithm.ListHash("D-1", Entries)));
        Assert.Equal("daabf95704b96329d088be46141470c6d7855b87478fa1ce25eb517a055e6b02", Convert.ToHexStringLower(Seed()));
    }

    [Fact]
    public void Stream_permutation_and_selection_match_the_reference()
    {
        var seed = Seed();
        Assert.Equal([6, 0, 11, 7, 5, 10, 8, 3, 1, 2, 4, 9], DrawOrdering.Permutation(seed, "1-tech", 12));
        using (var s = new DrawOrdering.Stream(seed, "big"))
        {
            Assert.Equal([100, 128, 892, 316, 520, 143], Enumerable.Range(0, 6).Select(_ => s.Below(1000)).ToArray());
        }
        var outcome = DrawOrdering.Draw(seed, Request.Strata, Entries);
        Assert.Equal([6, 0, 11, 7, 5, 10, 8, 3, 1, 2, 4, 9], outcome[0].Order);
        Assert.Equal([6, 0, 11, 7], outcome[0].Selected);
        Assert.Equal([2, 11, 5, 8], outcome[1].Order);
        // Entry 11 went to the earlier stratum, so the economic stratum skips it.
        Assert.Equal([2, 5], outcome[1].Selected);
    }
}
