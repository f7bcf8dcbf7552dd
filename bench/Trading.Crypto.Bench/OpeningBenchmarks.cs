using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Trading.Crypto;

namespace Trading.Crypto.Bench;

/// <summary>Opening 500 bids with 3 holders: all partials with proofs, every proof checked, every combination.</summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 3)]
public class OpeningBenchmarks
{
    /// <summary>500 in the benchmark; the smoke run (<see cref="Smoke"/>) uses a handful.</summary>
    public int Bids { get; set; } = 500;
    private JointKey _key = null!;
    private List<HolderSecret> _secrets = [];
    private List<byte[]> _rs = [];
    private List<List<PartialDecryption>> _partials = [];

    [GlobalSetup]
    public void Setup()
    {
        var p = new CeremonyParameters("bench", 3, 3);
        var dealers = Enumerable.Range(1, 3).Select(i => HolderDealer.Create(p, i)).ToList();
        var commitments = dealers.Select(d => d.Commitment).ToList();
        _key = CeremonyVerifier.ComputeJointKey(p, commitments);
        _secrets = Enumerable.Range(1, 3).Select(j => CeremonyVerifier.CombineShares(p, _key, commitments, j, dealers.Select(d => d.ShareFor(j)).ToList())).ToList();
        // Any valid points serve as the bids' R values: the cost does not depend on the payload.
        _rs = Enumerable.Range(0, Bids).Select(i => HolderDealer.Create(new CeremonyParameters($"r{i}", 2, 2), 1).Commitment.Coefficients[0]).ToList();
        _partials = Partials();
    }

    private List<List<PartialDecryption>> Partials() =>
        _rs.Select(r => _secrets.Select(s => ThresholdOpening.PartialDecrypt(s, _key, r)).ToList()).ToList();

    [Benchmark]
    public int PartialsFor500BidsBy3Holders() => Partials().Count;

    [Benchmark]
    public int VerifyAndCombine500Bids()
    {
        return ThresholdOpening.CombineMany(_key, _rs.Select((r, i) => (r, (IReadOnlyCollection<PartialDecryption>)_partials[i])))
            .Count(o => o.Combination is not null);
    }
}
