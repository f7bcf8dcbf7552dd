using System.Text.Json;
using System.Text.Json.Nodes;
using Trading.ExpertPool;

namespace Trading.ExpertPool.Tests;

/// <summary>
/// docs/test-vectors/draw-v1.json: inputs and expected values computed by reference/draw_reference.py, an independent
/// Python re-implementation written from docs/expert-draw.md (`python3 draw_reference.py vector` writes it,
/// `python3 draw_reference.py check docs/test-vectors/draw-v1.json` re-checks it). Agreement shows the document
/// specifies the algorithm exactly; the inputs are read with the record's own JSON options, as a verifier would.
/// </summary>
public class TestVectorTests
{
    private static readonly JsonNode Vector = JsonNode.Parse(File.ReadAllText(VectorPath()))!;
    private static JsonNode In => Vector["inputs"]!;
    private static JsonNode Expected => Vector["expected"]!;
    private static string Hex(JsonNode? n) => (string)n!;
    private static byte[] Bytes(JsonNode? n) => Convert.FromHexString(Hex(n));
    private static int[] Ints(JsonNode? n) => n!.AsArray().Select(x => (int)x!).ToArray();

    private static readonly byte[] Key = Bytes(In["key"]);
    private static readonly PublicRequest Request = In["request"].Deserialize<PublicRequest>(DrawRecordJson.Options)!;
    private static readonly EligibleEntry[] Entries = In["entries"].Deserialize<EligibleEntry[]>(DrawRecordJson.Options)!;

    private static byte[] Seed() => DrawAlgorithm.Seed(Request.DrawId, DrawAlgorithm.ListHash(Request.DrawId, Entries), DrawAlgorithm.RequestHash(Request),
        In["reveals"]!.AsObject().ToDictionary(kv => kv.Key, kv => Bytes(kv.Value)),
        Hex(In["beacon"]!["round"]), Bytes(In["beacon"]!["value"]));

    [Fact]
    public void The_vector_is_for_this_algorithm_and_its_inputs_are_the_documented_example()
    {
        Assert.Equal("trading/draw/v1", Hex(Vector["algorithm"]));
        Assert.Equal(12, Entries.Length);
        Assert.Equal(["1-tech", "2-econ"], Request.Strata.Select(s => s.Id));
        Assert.Equal(RegionRuleMode.Outside, Request.Strata[1].Region!.Mode);
    }

    [Fact]
    public void Keyed_values_match_the_reference()
    {
        var (p, b, c) = (In["pseudonym"]!, In["biddersDigest"]!, In["commitment"]!);
        Assert.Equal(Hex(Expected["pseudonym"]), DrawAlgorithm.Pseudonym(Key, Hex(p["drawId"]), Hex(p["expertId"])));
        Assert.Equal(Hex(Expected["biddersDigest"]), DrawAlgorithm.BiddersDigest(Key, Hex(b["drawId"]), b["bidders"]!.AsArray().Select(x => (string)x!).ToArray()));
        Assert.Equal(Hex(Expected["commitment"]), DrawAlgorithm.Commitment(Hex(c["drawId"]), Hex(c["office"]), Bytes(c["value"])));
    }

    [Fact]
    public void Hashes_and_seed_match_the_reference()
    {
        Assert.Equal(Hex(Expected["requestHash"]), Convert.ToHexStringLower(DrawAlgorithm.RequestHash(Request)));
        Assert.Equal(Hex(Expected["listHash"]), Convert.ToHexStringLower(DrawAlgorithm.ListHash(Request.DrawId, Entries)));
        Assert.Equal(Hex(Expected["seed"]), Convert.ToHexStringLower(Seed()));
    }

    [Fact]
    public void Stream_permutation_and_selection_match_the_reference()
    {
        var seed = Seed();
        var (perm, stream) = (In["permutation"]!, In["stream"]!);
        Assert.Equal(Ints(Expected["permutation"]), DrawOrdering.Permutation(seed, Hex(perm["stratum"]), (int)perm["n"]!));
        using (var s = new DrawOrdering.Stream(seed, Hex(stream["stratum"])))
        {
            Assert.Equal(Ints(Expected["stream"]), Enumerable.Range(0, (int)stream["count"]!).Select(_ => s.Below((int)stream["below"]!)).ToArray());
        }
        var outcome = DrawOrdering.Draw(seed, Request.Strata, Entries);
        var expected = Expected["draw"]!.AsArray();
        Assert.Equal(expected.Count, outcome.Count);
        for (var i = 0; i < outcome.Count; i++)
        {
            Assert.Equal(Hex(expected[i]!["stratum"]), Request.Strata[i].Id);
            Assert.Equal(Ints(expected[i]!["order"]), outcome[i].Order);
            Assert.Equal(Ints(expected[i]!["selected"]), outcome[i].Selected);
        }
        // Entry 11 is eligible in both strata and went to the earlier one, so the economic stratum skips it.
        Assert.Contains(11, outcome[1].Order);
        Assert.DoesNotContain(11, outcome[1].Selected);
    }

    private static string VectorPath()
    {
        var d = new DirectoryInfo(AppContext.BaseDirectory);
        while (d is not null && !File.Exists(Path.Combine(d.FullName, "Trading.sln"))) d = d.Parent;
        return Path.Combine(d?.FullName ?? throw new InvalidOperationException("repository root not found"), "docs", "test-vectors", "draw-v1.json");
    }
}
