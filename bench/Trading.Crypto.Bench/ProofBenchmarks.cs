using BenchmarkDotNet.Attributes;
using Trading.Crypto;

namespace Trading.Crypto.Bench;

/// <summary>Chaum-Pedersen prove and verify for one bid (target: 0.5 ms each or better).</summary>
public class ProofBenchmarks
{
    private JointKey _key = null!;
    private HolderSecret _secret = null!;
    private byte[] _r = [];
    private PartialDecryption _partial = null!;

    [GlobalSetup]
    public void Setup()
    {
        var p = new CeremonyParameters("bench", 3, 3);
        var dealers = Enumerable.Range(1, 3).Select(i => HolderDealer.Create(p, i)).ToList();
        var commitments = dealers.Select(d => d.Commitment).ToList();
        _key = CeremonyVerifier.ComputeJointKey(p, commitments);
        _secret = CeremonyVerifier.CombineShares(p, _key, commitments, 2, dealers.Select(d => d.ShareFor(2)).ToList());
        _r = _key.VerificationKeys[0];
        _partial = ThresholdOpening.PartialDecrypt(_secret, _key, _r);
    }

    [Benchmark]
    public PartialDecryption DleqProve() => ThresholdOpening.PartialDecrypt(_secret, _key, _r);

    [Benchmark]
    public void DleqVerify() => ThresholdOpening.VerifyPartial(_key, _r, _partial);
}
