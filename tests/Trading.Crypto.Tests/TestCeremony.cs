using Trading.Crypto;

namespace Trading.Crypto.Tests;

/// <summary>Runs a whole key ceremony in-process, as the n holders would across the network.</summary>
internal sealed class TestCeremony : IDisposable
{
    public TestCeremony(int holders = 3, int threshold = 3, string id = "tender-2026-001/lot-1/ceremony-1", string suite = CryptoSuites.P256)
    {
        Parameters = new CeremonyParameters(id, holders, threshold, suite);
        Dealers = Enumerable.Range(1, holders).Select(i => HolderDealer.Create(Parameters, i)).ToList();
        Commitments = Dealers.Select(d => d.Commitment).ToList();
        Key = CeremonyVerifier.ComputeJointKey(Parameters, Commitments);
        Secrets = Enumerable.Range(1, holders)
            .Select(j => CeremonyVerifier.CombineShares(Parameters, Key, Commitments, j, Dealers.Select(d => d.ShareFor(j)).ToList()))
            .ToList();
    }

    public CeremonyParameters Parameters { get; }
    public List<HolderDealer> Dealers { get; }
    public List<DealerCommitment> Commitments { get; }
    public JointKey Key { get; }
    public List<HolderSecret> Secrets { get; }

    public HolderSecret Secret(int index) => Secrets[index - 1];

    public Combination Open(byte[] r, params int[] holders) =>
        ThresholdOpening.Combine(Key, r, holders.Select(i => ThresholdOpening.PartialDecrypt(Secret(i), Key, r)).ToList());

    public void Dispose()
    {
        foreach (var s in Secrets)
        {
            s.Dispose();
        }
    }
}

internal static class EnvelopeTestData
{
    public static readonly BidContext Bid = new("tender-2026-001", "lot-1", "bidder-91350100MA2XXXXX");

    public static byte[] Plaintext(int length, int seed = 7)
    {
        var data = new byte[length];
        new Random(seed).NextBytes(data);
        return data;
    }

    public static async Task<(byte[] Envelope, EnvelopeSealResult Result)> SealAsync(JointKey key, byte[] plaintext, int chunkSize = 64, BidContext? bid = null)
    {
        using var output = new MemoryStream();
        var result = await Envelope.SealAsync(new MemoryStream(plaintext), output, key, bid ?? Bid, new EnvelopeSealOptions { ChunkSize = chunkSize }, TestContext.Current.CancellationToken);
        return (output.ToArray(), result);
    }

    public static async Task<byte[]> OpenAsync(TestCeremony ceremony, byte[] envelope, BidContext? expected = null, Combination? combination = null)
    {
        var (header, _) = await EnvelopeHeader.ReadAsync(new MemoryStream(envelope), TestContext.Current.CancellationToken);
        combination ??= ceremony.Open(header.EphemeralPoint, Enumerable.Range(1, ceremony.Key.Threshold).ToArray());
        using var output = new MemoryStream();
        await Envelope.DecryptAsync(new MemoryStream(envelope), output, ceremony.Key, combination, expected ?? Bid, TestContext.Current.CancellationToken);
        return output.ToArray();
    }

    /// <summary>Offset of the first payload byte (after header and wrapped key).</summary>
    public static int PayloadOffset(byte[] envelope) =>
        EnvelopeHeader.ReadAsync(new MemoryStream(envelope)).GetAwaiter().GetResult().Bytes.Length + EnvelopeHeader.WrappedKeyLength;
}
