using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Trading.Crypto;

namespace Trading.Crypto.Bench;

/// <summary>
/// Envelope throughput against raw .NET AesGcm over the same bytes in the same run. The ratio the issue asks for
/// is RawAesGcm time / Envelope time (>= 0.8).
/// </summary>
[MemoryDiagnoser]
public class EnvelopeBenchmarks
{
    /// <summary>32 MiB in the benchmark; the test suite's smoke run (<see cref="Smoke"/>) sets a few MiB.</summary>
    public int Size { get; set; } = 32 << 20;
    private byte[] _plaintext = [];
    private byte[] _ciphertext = [];
    private const int Chunk = 1 << 20;
    private byte[] _tag = new byte[16];
    private byte[] _tags = [];
    private byte[] _decrypted = [];
    private byte[] _chunked = [];
    private byte[] _envelope = [];
    private MemoryStream _sink = new();
    private JointKey _key = null!;
    private Combination _combination = null!;
    private readonly byte[] _aesKey = RandomNumberGenerator.GetBytes(32);
    private readonly byte[] _nonce = new byte[12];
    private static readonly BidContext Bid = new("tender-bench", "lot-1", "bidder-bench");

    [GlobalSetup]
    public void Setup()
    {
        _plaintext = RandomNumberGenerator.GetBytes(Size);
        _tags = new byte[Size / Chunk * 16];
        _ciphertext = new byte[Size];
        _decrypted = new byte[Size];
        _chunked = new byte[Size];
        var p = new CeremonyParameters("bench", 3, 3);
        var dealers = Enumerable.Range(1, 3).Select(i => HolderDealer.Create(p, i)).ToList();
        var commitments = dealers.Select(d => d.Commitment).ToList();
        _key = CeremonyVerifier.ComputeJointKey(p, commitments);
        var secrets = Enumerable.Range(1, 3).Select(j => CeremonyVerifier.CombineShares(p, _key, commitments, j, dealers.Select(d => d.ShareFor(j)).ToList())).ToList();
        _sink = new MemoryStream(Size + (1 << 20));
        var result = Envelope.SealAsync(new MemoryStream(_plaintext), _sink, _key, Bid, new EnvelopeSealOptions { ComputeEnvelopeHash = false }).GetAwaiter().GetResult();
        _envelope = _sink.ToArray();
        var r = result.Header.EphemeralPoint;
        _combination = ThresholdOpening.Combine(_key, r, secrets.Select(s => ThresholdOpening.PartialDecrypt(s, _key, r)).ToList());
        RawAesGcmEncryptChunked();
        using var gcm = new AesGcm(_aesKey, 16);
        gcm.Encrypt(_nonce, _plaintext, _ciphertext, _tag);
    }

    /// <summary>What reading the plaintext out of a stream costs by itself: one copy of every byte.</summary>
    public void CopyOnce() => _plaintext.AsSpan().CopyTo(_ciphertext);

    [Benchmark(Baseline = true)]
    public void RawAesGcmEncrypt()
    {
        using var gcm = new AesGcm(_aesKey, 16);
        gcm.Encrypt(_nonce, _plaintext, _ciphertext, _tag);
    }

    /// <summary>Sealing to a sink that discards (as a network or file write would take the bytes away).</summary>
    [Benchmark]
    public async Task EnvelopeSeal() =>
        await Envelope.SealAsync(new MemoryStream(_plaintext, writable: false), Stream.Null, _key, Bid, new EnvelopeSealOptions { ComputeEnvelopeHash = false });

    /// <summary>Sealing into memory: one more copy of every byte than the raw baseline.</summary>
    [Benchmark]
    public async Task EnvelopeSealToMemory()
    {
        _sink.Position = 0;
        await Envelope.SealAsync(new MemoryStream(_plaintext, writable: false), _sink, _key, Bid, new EnvelopeSealOptions { ComputeEnvelopeHash = false });
    }

    /// <summary>Sealing and hashing the envelope for the manifest in the same pass (SHA-256 is slower than AES-GCM here).</summary>
    [Benchmark]
    public async Task EnvelopeSealWithSha256() =>
        await Envelope.SealAsync(new MemoryStream(_plaintext, writable: false), Stream.Null, _key, Bid, new EnvelopeSealOptions { ComputeEnvelopeHash = true });

    /// <summary>
    /// The like-for-like baseline: raw AesGcm over the same 32 MiB in 1 MiB chunks (one call per chunk, the chunk
    /// counter in the nonce, out of place from memory to memory), one thread. Everything the envelope adds on top of
    /// this is its own cost: key agreement, header, reading through a Stream.
    /// </summary>
    [Benchmark]
    public void RawAesGcmEncryptChunked()
    {
        using var gcm = new AesGcm(_aesKey, 16);
        Span<byte> nonce = stackalloc byte[12];
        for (var i = 0; i < Size / Chunk; i++)
        {
            nonce[10] = (byte)i;
            gcm.Encrypt(nonce, _plaintext.AsSpan(i * Chunk, Chunk), _chunked.AsSpan(i * Chunk, Chunk), _tags.AsSpan(i * 16, 16));
        }
    }

    [Benchmark]
    public void RawAesGcmDecryptChunked()
    {
        using var gcm = new AesGcm(_aesKey, 16);
        Span<byte> nonce = stackalloc byte[12];
        for (var i = 0; i < Size / Chunk; i++)
        {
            nonce[10] = (byte)i;
            gcm.Decrypt(nonce, _chunked.AsSpan(i * Chunk, Chunk), _tags.AsSpan(i * 16, 16), _decrypted.AsSpan(i * Chunk, Chunk));
        }
    }

    /// <summary>The same seal with every chunk encrypted on the calling thread (what the pipeline is compared to).</summary>
    [Benchmark]
    public async Task EnvelopeSealOneThread() =>
        await Envelope.SealAsync(new MemoryStream(_plaintext, writable: false), Stream.Null, _key, Bid, new EnvelopeSealOptions { ComputeEnvelopeHash = false, Pipelined = false });

    [Benchmark]
    public async Task EnvelopeDecryptOneThread() =>
        await Envelope.DecryptWithSharedSecretAsync(new MemoryStream(_envelope, writable: false), Stream.Null, _key.PublicKey, _combination.R, _combination.SharedSecret, Bid, default, pipelined: false);

    [Benchmark]
    public void RawAesGcmDecrypt()
    {
        using var gcm = new AesGcm(_aesKey, 16);
        gcm.Decrypt(_nonce, _ciphertext, _tag, _plaintext);
    }

    [Benchmark]
    public async Task EnvelopeDecrypt() =>
        await Envelope.DecryptAsync(new MemoryStream(_envelope, writable: false), Stream.Null, _key, _combination, Bid);

    [Benchmark]
    public async Task EnvelopeDecryptToMemory()
    {
        _sink.Position = 0;
        await Envelope.DecryptAsync(new MemoryStream(_envelope, writable: false), _sink, _key, _combination, Bid);
    }

    /// <summary>For the smoke run: whether what the last decryption left in its buffer or sink is the plaintext.</summary>
    internal bool DecryptedMatches() => _decrypted.AsSpan().SequenceEqual(_plaintext);

    internal bool SinkMatches() => _sink.Length >= Size && _sink.GetBuffer().AsSpan(0, Size).SequenceEqual(_plaintext);
}
