using System.Security.Cryptography;
using Trading.Crypto;
using static Trading.Crypto.Tests.EnvelopeTestData;

namespace Trading.Crypto.Tests;

/// <summary>
/// The payload pass in batches of several chunks (EnvelopePipeline): read, encrypted or decrypted on other threads,
/// hashed and written in batches, with the batch size made small here so that envelopes of a few chunks cross many batch
/// boundaries. The bytes must be the chunk-by-chunk STREAM construction of docs/envelope-format.md 3.4 whatever the
/// batch size, threads or stream behaviour, and every refusal the one the chunk-by-chunk reader gives.
/// </summary>
public class EnvelopeBatchTests : IDisposable
{
    private readonly TestCeremony _c = new(3, 2);

    // 32 KiB chunks, four to a batch: a batch holds 128 KiB, enough to go to the thread pool (64 KiB and up).
    private const int Big = 32 << 10;
    private const int BigBatch = 4 * (Big + 16);

    // 16-byte chunks (the smallest allowed), three to a batch: processed inline.
    private const int Small = 16;
    private const int SmallBatch = 3 * (Small + 16);

    private static readonly byte[] FileKey = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
    private static readonly byte[] Salt = Enumerable.Range(100, EnvelopeHeader.SaltLength).Select(i => (byte)i).ToArray();

    public void Dispose() => _c.Dispose();

    public static TheoryData<int, int, int, bool, bool> Cases()
    {
        var data = new TheoryData<int, int, int, bool, bool>();
        foreach (var (chunk, batch) in new[] { (Big, BigBatch), (Small, SmallBatch) })
        {
            var perBatch = batch / (chunk + 16);
            foreach (var length in new[] { 0, 1, chunk - 1, chunk, perBatch * chunk - 1, perBatch * chunk, perBatch * chunk + 1, 2 * perBatch * chunk, 2 * perBatch * chunk + 7, 5 * perBatch * chunk + chunk + 3 })
            {
                foreach (var parallel in new[] { true, false })
                {
                    data.Add(length, chunk, batch, parallel, false);
                }

                // Streams that return a few bytes per call and complete later, as a network or a file on another thread does.
                data.Add(length, chunk, batch, true, true);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Batched_seal_and_open_give_the_chunk_by_chunk_bytes_across_batch_boundaries(int length, int chunk, int batch, bool parallel, bool trickle)
    {
        var plaintext = Plaintext(length, seed: length);
        using var output = new MemoryStream();
        var secrets = SealSecrets.Fixed(new Org.BouncyCastle.Math.BigInteger("1234567890123456789"), FileKey, Salt);
        var options = new EnvelopeSealOptions { ChunkSize = chunk, Pipelined = parallel, BatchBytes = batch };
        var result = await Envelope.SealAsync(Wrap(new MemoryStream(plaintext), trickle), Wrap(output, trickle), _c.Key.PublicKey, Bid, options, secrets,
            TestContext.Current.CancellationToken);
        var envelope = output.ToArray();

        Assert.Equal(Reference(envelope, plaintext, chunk, result.HeaderHash), envelope);
        Assert.Equal(SHA256.HashData(envelope), result.EnvelopeSha256);
        Assert.Equal(envelope.Length, result.EnvelopeLength);

        // Opened in batches of another size too, and hashed in the same pass: the plaintext and the file's SHA-256.
        foreach (var openBatch in new[] { batch, 2 * (chunk + 16), EnvelopePipeline.DefaultBatchBytes })
        {
            var (opened, sha) = await OpenHashedAsync(envelope, parallel, openBatch, trickle);
            Assert.Equal(plaintext, opened);
            Assert.Equal(SHA256.HashData(envelope), sha);
        }
    }

    [Fact]
    public async Task The_public_one_pass_open_hashes_exactly_the_envelope_file()
    {
        var plaintext = Plaintext(10 * Big + 5);
        var (envelope, result) = await SealAsync(_c.Key, plaintext, Big);
        var stream = new MemoryStream(envelope);
        var (header, headerBytes) = await EnvelopeHeader.ReadAsync(stream, TestContext.Current.CancellationToken);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(headerBytes);
        using var output = new MemoryStream();
        await Envelope.DecryptAfterHeaderAsync(stream, header, headerBytes, output, _c.Key, _c.Open(header.EphemeralPoint, 1, 3), sha, Bid, TestContext.Current.CancellationToken);
        Assert.Equal(plaintext, output.ToArray());
        Assert.Equal(result.EnvelopeSha256, sha.GetHashAndReset());
    }

    /// <summary>The chunk attacks of EnvelopeTests on eight chunks, two batches of four: each refused as chunk by chunk.</summary>
    [Theory]
    [InlineData("drop-last", CryptoErrorCode.PayloadTruncated)]
    [InlineData("drop-last-batch", CryptoErrorCode.PayloadTruncated)]
    [InlineData("drop-first-batch", CryptoErrorCode.ChunkAuthenticationFailed)]
    [InlineData("swap-across-batches", CryptoErrorCode.ChunkAuthenticationFailed)]
    [InlineData("swap-batches", CryptoErrorCode.ChunkAuthenticationFailed)]
    [InlineData("swap-within-batch", CryptoErrorCode.ChunkAuthenticationFailed)]
    [InlineData("repeat-last", CryptoErrorCode.PayloadExtended)]
    [InlineData("append-byte", CryptoErrorCode.PayloadExtended)]
    [InlineData("cut-byte", CryptoErrorCode.ChunkAuthenticationFailed)]
    [InlineData("cut-to-tag", CryptoErrorCode.PayloadTruncated)]
    [InlineData("no-payload", CryptoErrorCode.PayloadTruncated)]
    [InlineData("flip-second-batch", CryptoErrorCode.ChunkAuthenticationFailed)]
    public async Task Reordered_dropped_or_truncated_chunks_are_refused_across_batches(string attack, CryptoErrorCode expected)
    {
        var (envelope, _) = await SealAsync(_c.Key, Plaintext(8 * Big), Big);
        var start = PayloadOffset(envelope);
        const int block = Big + 16;
        byte[] Blocks(int from, int to) => envelope[(start + from * block)..(start + to * block)];
        var prefix = envelope[..start];
        var bad = attack switch
        {
            "drop-last" => envelope[..^block],
            "drop-last-batch" => envelope[..^(4 * block)],
            "drop-first-batch" => Wire.Concat(prefix, Blocks(4, 8)),
            "swap-across-batches" => Wire.Concat(prefix, Blocks(0, 3), Blocks(4, 5), Blocks(3, 4), Blocks(5, 8)),
            "swap-batches" => Wire.Concat(prefix, Blocks(4, 8), Blocks(0, 4)),
            "swap-within-batch" => Wire.Concat(prefix, Blocks(0, 1), Blocks(2, 3), Blocks(1, 2), Blocks(3, 8)),
            "repeat-last" => Wire.Concat(envelope, Blocks(7, 8)),
            "append-byte" => Wire.Concat(envelope, [0]),
            "cut-byte" => envelope[..^1],
            "cut-to-tag" => Wire.Concat(envelope[..^block], Blocks(7, 8)[..10]),
            "no-payload" => prefix,
            _ => Flip(envelope, start + 5 * block + 7),
        };

        foreach (var parallel in new[] { true, false })
        {
            foreach (var trickle in new[] { false, true })
            {
                var e = await Assert.ThrowsAsync<CryptoException>(() => OpenHashedAsync(bad, parallel, BigBatch, trickle));
                Assert.Equal(expected, e.Code);
            }
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_failing_chunk_inside_a_batch_leaves_exactly_the_chunks_before_it_written(bool parallel)
    {
        var plaintext = Plaintext(12 * Big);
        var (envelope, _) = await SealAsync(_c.Key, plaintext, Big);

        // Chunk 6 is the third of the second batch of four: the two before it in its batch are written, the rest not.
        var bad = Flip(envelope, PayloadOffset(envelope) + 6 * (Big + 16) + 9);
        var (header, _) = await EnvelopeHeader.ReadAsync(new MemoryStream(bad), TestContext.Current.CancellationToken);
        var combination = _c.Open(header.EphemeralPoint, 1, 2);
        using var output = new MemoryStream();
        var e = await Assert.ThrowsAsync<CryptoException>(() => Envelope.DecryptWithSharedSecretAsync(new MemoryStream(bad), output, _c.Key.PublicKey,
            combination.R, combination.SharedSecret, Bid, TestContext.Current.CancellationToken, parallel, batchBytes: BigBatch));
        Assert.Equal(CryptoErrorCode.ChunkAuthenticationFailed, e.Code);
        Assert.Equal("6", e.Arguments[0]);
        Assert.Equal(plaintext[..(6 * Big)], output.ToArray());
    }

    private async Task<(byte[] Plaintext, byte[] Sha256)> OpenHashedAsync(byte[] envelope, bool parallel, int batch, bool trickle)
    {
        var (header, _) = await EnvelopeHeader.ReadAsync(new MemoryStream(envelope), TestContext.Current.CancellationToken);
        var combination = _c.Open(header.EphemeralPoint, 1, 2);
        var input = Wrap(new MemoryStream(envelope), trickle);
        var (read, headerBytes) = await EnvelopeHeader.ReadAsync(input, TestContext.Current.CancellationToken);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(headerBytes);
        using var output = new MemoryStream();
        await Envelope.DecryptAfterHeaderAsync(input, read, headerBytes, Wrap(output, trickle), _c.Key.PublicKey, combination.R, combination.SharedSecret, Bid, parallel,
            _c.Key.Suite, sha, batch, TestContext.Current.CancellationToken);
        return (output.ToArray(), sha.GetHashAndReset());
    }

    /// <summary>Section 3.4 written out, one chunk after another, after the envelope's own header and wrapped key.</summary>
    private static byte[] Reference(byte[] envelope, byte[] plaintext, int chunk, byte[] headerHash)
    {
        var (key, noncePrefix) = EnvelopeKdf.Payload(FileKey, Salt);
        using var gcm = new AesGcm(key, 16);
        var expected = new MemoryStream();
        expected.Write(envelope, 0, PayloadOffset(envelope));
        var chunks = Math.Max(1, (plaintext.Length + chunk - 1) / chunk);
        for (var i = 0; i < chunks; i++)
        {
            var piece = plaintext.AsSpan(i * chunk, Math.Min(chunk, plaintext.Length - i * chunk));
            var nonce = new byte[12];
            EnvelopeKdf.Nonce(noncePrefix, (uint)i, i == chunks - 1, nonce);
            var ct = new byte[piece.Length + 16];
            gcm.Encrypt(nonce, piece, ct.AsSpan(0, piece.Length), ct.AsSpan(piece.Length), headerHash);
            expected.Write(ct);
        }

        return expected.ToArray();
    }

    private static byte[] Flip(byte[] data, int index)
    {
        var copy = (byte[])data.Clone();
        copy[index] ^= 0x01;
        return copy;
    }

    private static Stream Wrap(Stream inner, bool trickle) => trickle ? new TrickleStream(inner) : inner;
}

/// <summary>Passes at most 1,000 bytes per read and completes every call asynchronously, later, on the thread pool.</summary>
internal sealed class TrickleStream(Stream inner) : Stream
{
    public override bool CanRead => inner.CanRead;
    public override bool CanSeek => false;
    public override bool CanWrite => inner.CanWrite;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() => inner.Flush();
    public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, Math.Min(count, 1000));
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        return await inner.ReadAsync(buffer[..Math.Min(buffer.Length, 1000)], cancellationToken);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        await inner.WriteAsync(buffer, cancellationToken);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
