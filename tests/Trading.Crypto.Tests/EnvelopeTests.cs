using System.Security.Cryptography;
using Trading.Crypto;
using static Trading.Crypto.Tests.EnvelopeTestData;

namespace Trading.Crypto.Tests;

public class EnvelopeTests : IDisposable
{
    private readonly TestCeremony _c = new(3, 2);
    private const int Chunk = 64;

    public void Dispose() => _c.Dispose();

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(Chunk - 1)]
    [InlineData(Chunk)]
    [InlineData(Chunk + 1)]
    [InlineData(3 * Chunk)]
    [InlineData(3 * Chunk + 17)]
    public async Task Round_trips_every_length_around_chunk_boundaries(int length)
    {
        var plaintext = Plaintext(length);
        var (envelope, result) = await SealAsync(_c.Key, plaintext, Chunk);
        Assert.Equal(envelope.Length, result.EnvelopeLength);
        Assert.Equal(SHA256.HashData(envelope), result.EnvelopeSha256);
        var chunks = Math.Max(1, (length + Chunk - 1) / Chunk);
        Assert.Equal(PayloadOffset(envelope) + length + 16 * chunks, envelope.Length);
        Assert.Equal(plaintext, await OpenAsync(_c, envelope));
    }

    [Fact]
    public async Task Header_carries_suite_tender_lot_bidder_key_id_R_salt_and_chunk_size()
    {
        var (envelope, result) = await SealAsync(_c.Key, Plaintext(10), 100);
        var (header, bytes) = await EnvelopeHeader.ReadAsync(new MemoryStream(envelope), TestContext.Current.CancellationToken);
        Assert.Equal(CryptoSuites.P256Id, header.SuiteId);
        Assert.Equal(Bid, header.Bid);
        Assert.Equal(_c.Key.KeyId, header.JointKeyId);
        Assert.Equal(100, header.ChunkSize);
        Assert.Equal(header.Encode(), bytes);
        Assert.Equal(result.HeaderHash, EnvelopeHeader.HashOf(bytes));
        Assert.Equal("TRBE"u8.ToArray(), envelope[..4]);
    }

    [Fact]
    public async Task Validation_without_a_key_hashes_counts_checks_layout_and_copies()
    {
        var (envelope, result) = await SealAsync(_c.Key, Plaintext(1000), Chunk);
        using var copy = new MemoryStream();
        var info = await Envelope.ValidateAsync(new MemoryStream(envelope), Bid, _c.Key.KeyId, 1 << 20, copy, TestContext.Current.CancellationToken);
        Assert.Equal(envelope, copy.ToArray());
        Assert.Equal(SHA256.HashData(envelope), info.EnvelopeSha256);
        Assert.Equal(envelope.Length, info.EnvelopeLength);
        Assert.Equal((1000 + Chunk - 1) / Chunk, info.ChunkCount);
        Assert.Equal(result.HeaderHash, info.HeaderHash);

        var tooBig = await Assert.ThrowsAsync<CryptoException>(() => Envelope.ValidateAsync(new MemoryStream(envelope), Bid, _c.Key.KeyId, envelope.Length - 1));
        Assert.Equal(CryptoErrorCode.EnvelopeTooLarge, tooBig.Code);
        var cut = envelope[..^((1000 % Chunk) + 16 - 3)];
        var truncated = await Assert.ThrowsAsync<CryptoException>(() => Envelope.ValidateAsync(new MemoryStream(cut), Bid, _c.Key.KeyId, 1 << 20));
        Assert.Equal(CryptoErrorCode.PayloadTruncated, truncated.Code);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(Chunk)]
    [InlineData(1000)]
    public async Task Validation_with_the_hash_taken_as_chunks_arrived_gives_what_a_full_read_gives_and_refuses_the_same(int plaintext)
    {
        var ct = TestContext.Current.CancellationToken;
        var (envelope, _) = await SealAsync(_c.Key, Plaintext(plaintext), Chunk);
        var full = await Envelope.ValidateAsync(new MemoryStream(envelope), Bid, _c.Key, 1 << 20, null, ct);
        // The hash as the upload path keeps it: appended chunk by chunk, in odd sizes.
        using var running = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        for (var at = 0; at < envelope.Length; at += 37) running.AppendData(envelope.AsSpan(at, Math.Min(37, envelope.Length - at)));
        var hashed = await Envelope.ValidateHashedAsync(new MemoryStream(envelope), envelope.Length, running.GetCurrentHash(), Bid, _c.Key, 1 << 20, ct);
        Assert.Equal(full.EnvelopeSha256, hashed.EnvelopeSha256);
        Assert.Equal(full.EnvelopeLength, hashed.EnvelopeLength);
        Assert.Equal(full.ChunkCount, hashed.ChunkCount);
        Assert.Equal(full.HeaderHash, hashed.HeaderHash);

        // The same refusals: a length the layout cannot have, a length over the limit, another lot, another suite's key.
        // A last chunk of five bytes cannot hold its 16-byte tag.
        var cut = PayloadOffset(envelope) + (full.ChunkCount - 1) * (Chunk + 16) + 5;
        var truncated = await Assert.ThrowsAsync<CryptoException>(() => Envelope.ValidateHashedAsync(new MemoryStream(envelope), cut, full.EnvelopeSha256, Bid, _c.Key, 1 << 20, ct));
        Assert.Equal(CryptoErrorCode.PayloadTruncated, truncated.Code);
        var tooBig = await Assert.ThrowsAsync<CryptoException>(() => Envelope.ValidateHashedAsync(new MemoryStream(envelope), envelope.Length, full.EnvelopeSha256, Bid, _c.Key, envelope.Length - 1, ct));
        Assert.Equal(CryptoErrorCode.EnvelopeTooLarge, tooBig.Code);
        var wrongLot = await Assert.ThrowsAsync<CryptoException>(() => Envelope.ValidateHashedAsync(new MemoryStream(envelope), envelope.Length, full.EnvelopeSha256, Bid with { Lot = "lot-2" }, _c.Key, 1 << 20, ct));
        Assert.Equal(CryptoErrorCode.WrongLot, wrongLot.Code);
        var headerOnly = await Assert.ThrowsAsync<CryptoException>(() => Envelope.ValidateHashedAsync(new MemoryStream(envelope), PayloadOffset(envelope) - 1, full.EnvelopeSha256, Bid, _c.Key, 1 << 20, ct));
        Assert.Equal(CryptoErrorCode.HeaderTruncated, headerOnly.Code);
        await Assert.ThrowsAsync<ArgumentException>(() => Envelope.ValidateHashedAsync(new MemoryStream(envelope), envelope.Length, new byte[20], Bid, _c.Key, 1 << 20, ct));
    }

    [Theory]
    [InlineData("tender", CryptoErrorCode.WrongTender)]
    [InlineData("lot", CryptoErrorCode.WrongLot)]
    [InlineData("bidder", CryptoErrorCode.WrongBidder)]
    [InlineData("key", CryptoErrorCode.WrongJointKey)]
    public async Task The_wrong_tender_lot_bidder_or_key_is_refused_on_upload_and_at_opening(string field, CryptoErrorCode expected)
    {
        var (envelope, _) = await SealAsync(_c.Key, Plaintext(100), Chunk);
        using var other = new TestCeremony(3, 2, "other");
        var ctx = field switch
        {
            "tender" => Bid with { Tender = "tender-2026-002" },
            "lot" => Bid with { Lot = "lot-2" },
            "bidder" => Bid with { Bidder = "someone-else" },
            _ => Bid,
        };
        var keyId = field == "key" ? other.Key.KeyId : _c.Key.KeyId;
        var e = await Assert.ThrowsAsync<CryptoException>(() => Envelope.ValidateAsync(new MemoryStream(envelope), ctx, keyId, 1 << 20));
        Assert.Equal(expected, e.Code);
        if (field != "key")
        {
            var e2 = await Assert.ThrowsAsync<CryptoException>(() => OpenAsync(_c, envelope, ctx));
            Assert.Equal(expected, e2.Code);
        }
    }

    [Fact]
    public async Task A_ciphertext_copied_under_another_bidders_name_cannot_be_opened()
    {
        var (envelope, _) = await SealAsync(_c.Key, Plaintext(100), Chunk);
        var (header, bytes) = await EnvelopeHeader.ReadAsync(new MemoryStream(envelope), TestContext.Current.CancellationToken);
        var stolen = header with { Bidder = "copycat-ltd" };
        var forged = Wire.Concat(stolen.Encode(), envelope[bytes.Length..]);
        var stolenCtx = Bid with { Bidder = "copycat-ltd" };
        // The structure is fine, so upload validation passes; opening does not.
        await Envelope.ValidateAsync(new MemoryStream(forged), stolenCtx, _c.Key.KeyId, 1 << 20, null, TestContext.Current.CancellationToken);
        var e = await Assert.ThrowsAsync<CryptoException>(() => OpenAsync(_c, forged, stolenCtx));
        Assert.Equal(CryptoErrorCode.KeyUnwrapFailed, e.Code);
    }

    [Fact]
    public async Task Every_header_byte_changed_is_refused_with_a_specific_error()
    {
        var (envelope, result) = await SealAsync(_c.Key, Plaintext(200), Chunk);
        var combination = _c.Open(result.Header.EphemeralPoint, 1, 2);
        var headerLength = result.Header.Encode().Length;
        var codes = new HashSet<CryptoErrorCode>();
        for (var i = 0; i < headerLength + EnvelopeHeader.WrappedKeyLength; i++)
        {
            var bad = (byte[])envelope.Clone();
            bad[i] ^= 0x20;
            var e = await Assert.ThrowsAsync<CryptoException>(() => OpenAsync(_c, bad, combination: combination));
            codes.Add(e.Code);
        }

        Assert.Contains(CryptoErrorCode.BadMagic, codes);
        Assert.Contains(CryptoErrorCode.UnsupportedVersion, codes);
        Assert.Contains(CryptoErrorCode.UnsupportedSuite, codes);
        Assert.Contains(CryptoErrorCode.WrongTender, codes);
        Assert.Contains(CryptoErrorCode.WrongJointKey, codes);
        Assert.Contains(CryptoErrorCode.InvalidPoint, codes);
        Assert.Contains(CryptoErrorCode.KeyUnwrapFailed, codes);
    }

    [Theory]
    [MemberData(nameof(InvalidPoints.All), MemberType = typeof(InvalidPoints))]
    public async Task An_invalid_R_in_the_header_is_refused_before_any_key_is_used(string hex)
    {
        var (envelope, result) = await SealAsync(_c.Key, Plaintext(10), Chunk);
        var header = result.Header.Encode();
        var rOffset = header.Length - 4 - 32 - 65;
        var point = Convert.FromHexString(hex);
        var forgedR = new byte[65];
        point.AsSpan(0, Math.Min(65, point.Length)).CopyTo(forgedR);
        var bad = (byte[])envelope.Clone();
        forgedR.CopyTo(bad, rOffset);
        var e = await Assert.ThrowsAsync<CryptoException>(() => Envelope.ValidateAsync(new MemoryStream(bad), Bid, _c.Key.KeyId, 1 << 20));
        Assert.True(e.Code is CryptoErrorCode.InvalidPoint or CryptoErrorCode.PointAtInfinity, e.Message);
    }

    public static TheoryData<string, CryptoErrorCode> ChunkAttacks => new()
    {
        { "drop-last", CryptoErrorCode.PayloadTruncated },
        { "drop-middle", CryptoErrorCode.ChunkAuthenticationFailed },
        { "swap", CryptoErrorCode.ChunkAuthenticationFailed },
        { "repeat", CryptoErrorCode.ChunkAuthenticationFailed },
        { "repeat-last", CryptoErrorCode.PayloadExtended },
        { "append-byte", CryptoErrorCode.PayloadExtended },
        { "cut-byte", CryptoErrorCode.ChunkAuthenticationFailed },
        { "cut-to-tag", CryptoErrorCode.PayloadTruncated },
        { "no-payload", CryptoErrorCode.PayloadTruncated },
        { "cut-wrapped-key", CryptoErrorCode.HeaderTruncated },
        { "flip-payload", CryptoErrorCode.ChunkAuthenticationFailed },
    };

    [Theory]
    [MemberData(nameof(ChunkAttacks))]
    public async Task Swapped_repeated_dropped_truncated_or_extended_chunks_fail_specifically(string attack, CryptoErrorCode expected)
    {
        // Four full chunks: the final chunk is full-size too, the hardest case for truncation.
        var (envelope, _) = await SealAsync(_c.Key, Plaintext(4 * Chunk), Chunk);
        var start = PayloadOffset(envelope);
        const int block = Chunk + 16;
        byte[] Block(int i) => envelope[(start + i * block)..(start + (i + 1) * block)];
        var prefix = envelope[..start];
        var bad = attack switch
        {
            "drop-last" => envelope[..^block],
            "drop-middle" => Wire.Concat(prefix, Block(0), Block(2), Block(3)),
            "swap" => Wire.Concat(prefix, Block(1), Block(0), Block(2), Block(3)),
            "repeat" => Wire.Concat(prefix, Block(0), Block(0), Block(1), Block(2), Block(3)),
            "repeat-last" => Wire.Concat(envelope, Block(3)),
            "append-byte" => Wire.Concat(envelope, [0]),
            "cut-byte" => envelope[..^1],
            "cut-to-tag" => Wire.Concat(envelope[..^block], Block(3)[..10]),
            "no-payload" => prefix,
            "cut-wrapped-key" => prefix[..^5],
            _ => Flip(envelope, start + 2 * block + 5),
        };
        var e = await Assert.ThrowsAsync<CryptoException>(() => OpenAsync(_c, bad));
        Assert.Equal(expected, e.Code);
    }

    [Theory]
    [MemberData(nameof(ChunkAttacks))]
    public async Task Chunk_attacks_fail_the_same_way_when_chunks_are_decrypted_on_other_threads(string attack, CryptoErrorCode expected)
    {
        // 64 KiB chunks take the pipelined path (chunks handed to the thread pool); the classification must not change.
        const int big = 64 << 10;
        var (envelope, _) = await SealAsync(_c.Key, Plaintext(4 * big), big);
        var start = PayloadOffset(envelope);
        const int block = big + 16;
        byte[] Block(int i) => envelope[(start + i * block)..(start + (i + 1) * block)];
        var prefix = envelope[..start];
        var bad = attack switch
        {
            "drop-last" => envelope[..^block],
            "drop-middle" => Wire.Concat(prefix, Block(0), Block(2), Block(3)),
            "swap" => Wire.Concat(prefix, Block(1), Block(0), Block(2), Block(3)),
            "repeat" => Wire.Concat(prefix, Block(0), Block(0), Block(1), Block(2), Block(3)),
            "repeat-last" => Wire.Concat(envelope, Block(3)),
            "append-byte" => Wire.Concat(envelope, [0]),
            "cut-byte" => envelope[..^1],
            "cut-to-tag" => Wire.Concat(envelope[..^block], Block(3)[..10]),
            "no-payload" => prefix,
            "cut-wrapped-key" => prefix[..^5],
            _ => Flip(envelope, start + 2 * block + 5),
        };
        var e = await Assert.ThrowsAsync<CryptoException>(() => OpenAsync(_c, bad));
        Assert.Equal(expected, e.Code);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(64 << 10)]
    [InlineData(5 * (64 << 10))]
    [InlineData(7 * (64 << 10) + 123)]
    public async Task Pipelined_chunks_match_a_chunk_by_chunk_reference_byte_for_byte(int length)
    {
        const int big = 64 << 10;
        var plaintext = Plaintext(length);
        var fileKey = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
        var salt = Enumerable.Range(100, EnvelopeHeader.SaltLength).Select(i => (byte)i).ToArray();
        using var output = new MemoryStream();
        var secrets = SealSecrets.Fixed(new Org.BouncyCastle.Math.BigInteger("1234567890123456789"), fileKey, salt);
        var result = await Envelope.SealAsync(new MemoryStream(plaintext), output, _c.Key.PublicKey, Bid, new EnvelopeSealOptions { ChunkSize = big }, secrets, TestContext.Current.CancellationToken);
        var envelope = output.ToArray();

        // Reference: the STREAM construction of section 3.4 written out, one chunk after another.
        var (key, noncePrefix) = EnvelopeKdf.Payload(fileKey, salt);
        using var gcm = new System.Security.Cryptography.AesGcm(key, 16);
        var expected = new MemoryStream();
        expected.Write(envelope, 0, PayloadOffset(envelope));
        var chunks = Math.Max(1, (length + big - 1) / big);
        for (var i = 0; i < chunks; i++)
        {
            var piece = plaintext.AsSpan(i * big, Math.Min(big, length - i * big));
            var nonce = new byte[12];
            EnvelopeKdf.Nonce(noncePrefix, (uint)i, i == chunks - 1, nonce);
            var ct = new byte[piece.Length + 16];
            gcm.Encrypt(nonce, piece, ct.AsSpan(0, piece.Length), ct.AsSpan(piece.Length), result.HeaderHash);
            expected.Write(ct);
        }

        Assert.Equal(expected.ToArray(), envelope);
        Assert.Equal(SHA256.HashData(envelope), result.EnvelopeSha256);
        Assert.Equal(plaintext, await OpenAsync(_c, envelope));
    }

    [Fact]
    public async Task A_failing_chunk_leaves_exactly_the_chunks_before_it_written()
    {
        const int big = 64 << 10;
        var plaintext = Plaintext(6 * big);
        var (envelope, _) = await SealAsync(_c.Key, plaintext, big);
        var bad = Flip(envelope, PayloadOffset(envelope) + 3 * (big + 16) + 9);
        var (header, _) = await EnvelopeHeader.ReadAsync(new MemoryStream(bad), TestContext.Current.CancellationToken);
        var combination = _c.Open(header.EphemeralPoint, Enumerable.Range(1, _c.Key.Threshold).ToArray());
        using var output = new MemoryStream();
        var e = await Assert.ThrowsAsync<CryptoException>(() => Envelope.DecryptAsync(new MemoryStream(bad), output, _c.Key, combination, Bid, TestContext.Current.CancellationToken));
        Assert.Equal(CryptoErrorCode.ChunkAuthenticationFailed, e.Code);
        Assert.Equal(plaintext[..(3 * big)], output.ToArray());
    }

    [Fact]
    public async Task Chunk_size_out_of_range_is_refused()
    {
        var e = await Assert.ThrowsAsync<CryptoException>(() => SealAsync(_c.Key, Plaintext(1), 8));
        Assert.Equal(CryptoErrorCode.HeaderFieldInvalid, e.Code);
        var e2 = await Assert.ThrowsAsync<CryptoException>(() => SealAsync(_c.Key, Plaintext(1), Chunk, Bid with { Bidder = new string('x', 300) }));
        Assert.Equal(CryptoErrorCode.HeaderFieldInvalid, e2.Code);
        var e3 = await Assert.ThrowsAsync<CryptoException>(() => SealAsync(_c.Key, Plaintext(1), Chunk, Bid with { Bidder = "a\nb" }));
        Assert.Equal(CryptoErrorCode.HeaderFieldInvalid, e3.Code);
    }

    [Fact]
    public async Task Random_mutations_are_all_refused_without_an_unhandled_exception()
    {
        var plaintext = Plaintext(5 * Chunk + 9);
        var (envelope, result) = await SealAsync(_c.Key, plaintext, Chunk);
        var combination = _c.Open(result.Header.EphemeralPoint, 2, 3);
        var rng = new Random(20261122);
        var codes = new Dictionary<CryptoErrorCode, int>();
        for (var i = 0; i < 400; i++)
        {
            var bad = Mutate(envelope, rng);
            if (bad.AsSpan().SequenceEqual(envelope))
            {
                continue;
            }

            // Both the keyless upload check and the opening must never crash; the opening must refuse every one.
            try
            {
                await Envelope.ValidateAsync(new MemoryStream(bad), Bid, _c.Key.KeyId, 1 << 20, null, TestContext.Current.CancellationToken);
            }
            catch (CryptoException)
            {
            }

            var e = await Assert.ThrowsAsync<CryptoException>(() => OpenAsync(_c, bad, combination: combination));
            codes[e.Code] = codes.GetValueOrDefault(e.Code) + 1;
        }

        Assert.True(codes.Count >= 4, string.Join(", ", codes));
    }

    private static byte[] Mutate(byte[] source, Random rng)
    {
        var data = source.ToList();
        var count = rng.Next(1, 4);
        for (var k = 0; k < count && data.Count > 0; k++)
        {
            var pos = rng.Next(data.Count);
            switch (rng.Next(5))
            {
                case 0: data[pos] ^= (byte)(1 << rng.Next(8)); break;
                case 1: data[pos] = (byte)rng.Next(256); break;
                case 2: data.RemoveRange(pos, Math.Min(rng.Next(1, 100), data.Count - pos)); break;
                case 3: data.InsertRange(pos, Enumerable.Range(0, rng.Next(1, 100)).Select(_ => (byte)rng.Next(256))); break;
                default: data.RemoveRange(rng.Next(data.Count / 2, data.Count), 0); data = data.Take(rng.Next(data.Count)).ToList(); break;
            }
        }

        return data.ToArray();
    }

    private static byte[] Flip(byte[] b, int index)
    {
        var copy = (byte[])b.Clone();
        copy[index] ^= 1;
        return copy;
    }
}

[CollectionDefinition("allocation-sensitive", DisableParallelization = true)]
public sealed class AllocationSensitive;

/// <summary>Runs alone: the allocation counter is process-wide.</summary>
[Collection("allocation-sensitive")]
public class EnvelopeMemoryTests
{
    [Fact]
    public async Task Streams_a_large_bid_in_constant_memory()
    {
        using var c = new TestCeremony(3, 2);
        // The pipeline holds four batches of three 1 MiB chunks, in and out: eight pooled buffers of 4 MiB at most, whatever
        // the size. So 96 MiB sealed allocate well under half of that, however cold the pool is.
        const long size = 96L << 20;
        var before = GC.GetTotalAllocatedBytes(true);
        var result = await Envelope.SealAsync(new PatternStream(size), new CountingStream(), c.Key, Bid, new EnvelopeSealOptions { ChunkSize = 1 << 20, ComputeEnvelopeHash = false }, TestContext.Current.CancellationToken);
        var allocated = GC.GetTotalAllocatedBytes(true) - before;
        Assert.True(allocated < 40 << 20, $"sealing 96 MiB allocated {allocated} bytes");
        Assert.Equal(size + 96 * 16 + result.Header.Encode().Length + 48, result.EnvelopeLength);
    }

}

/// <summary>A read-only stream of a given length, generated on the fly so tests hold no big buffers.</summary>
internal sealed class PatternStream(long length) : Stream
{
    private long _position;
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => length;
    public override long Position { get => _position; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
    public override int Read(Span<byte> buffer)
    {
        var n = (int)Math.Min(buffer.Length, length - _position);
        for (var i = 0; i < n; i++)
        {
            buffer[i] = (byte)((_position + i) * 31);
        }

        _position += n;
        return n;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromResult(Read(buffer.Span));
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

/// <summary>A write-only sink that only counts.</summary>
internal sealed class CountingStream : Stream
{
    public long Count { get; private set; }
    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => Count;
    public override long Position { get => Count; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => Count += count;
    public override void Write(ReadOnlySpan<byte> buffer) => Count += buffer.Length;
    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Count += buffer.Length;
        return ValueTask.CompletedTask;
    }
}
