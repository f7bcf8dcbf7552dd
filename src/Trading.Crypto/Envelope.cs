using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using Org.BouncyCastle.Math;

namespace Trading.Crypto;

/// <summary>What sealing produced: the header, its hash, and (when computed) the envelope's SHA-256 and length.</summary>
public sealed record EnvelopeSealResult(EnvelopeHeader Header, byte[] HeaderHash, byte[]? EnvelopeSha256, long EnvelopeLength)
{
    /// <summary>The manifest the bidder signs (needs the envelope hash, so seal with hashing on).</summary>
    public BidManifest ToManifest() => new(Header.Suite, Header.Tender, Header.Lot, Header.Bidder, HeaderHash,
        EnvelopeSha256 ?? throw new InvalidOperationException("seal with ComputeEnvelopeHash to build a manifest"), EnvelopeLength);
}

/// <summary>What structural validation (no key) learnt about an envelope.</summary>
public sealed record EnvelopeInfo(EnvelopeHeader Header, byte[] HeaderHash, byte[] EnvelopeSha256, long EnvelopeLength, long ChunkCount);

/// <summary>Options for <c>Envelope.SealAsync</c>.</summary>
public sealed record EnvelopeSealOptions
{
    /// <summary>Payload chunk size (default 1 MiB).</summary>
    public int ChunkSize { get; init; } = EnvelopeHeader.DefaultChunkSize;

    /// <summary>Hash the envelope bytes while writing, for the manifest (costs one SHA-256 pass).</summary>
    public bool ComputeEnvelopeHash { get; init; } = true;

    /// <summary>Encrypt chunks on other threads while the next is read (off only to measure what that buys).</summary>
    internal bool Pipelined { get; init; } = true;

    /// <summary>Input bytes per batch of whole chunks read, encrypted and written at once (small only in tests, to cross batch boundaries).</summary>
    internal int BatchBytes { get; init; } = EnvelopePipeline.DefaultBatchBytes;
}

/// <summary>The random inputs of one seal: the ephemeral key agreement, file key and salt. Fixed only by test vectors.</summary>
internal sealed record SealSecrets(CryptoSuite Suite, Func<byte[], (byte[] R, byte[] Z)> Agree, byte[] FileKey, byte[] Salt)
{
    /// <summary>
    /// Fresh randomness. On P-256 the ephemeral ECDH is done by the platform (OpenSSL), which is much faster than
    /// BouncyCastle; the platform has no SM2, so suite 2 uses BouncyCastle's fast custom SM2 curve.
    /// </summary>
    internal static SealSecrets Random(CryptoSuite suite) =>
        new(suite, suite == CryptoSuite.P256 ? AgreeWithPlatform : y => AgreeWith(suite, suite.Group.RandomScalar(), y),
            RandomNumberGenerator.GetBytes(32), RandomNumberGenerator.GetBytes(EnvelopeHeader.SaltLength));

    /// <summary>A fixed ephemeral scalar (test vectors), with BouncyCastle doing the same computation.</summary>
    internal static SealSecrets Fixed(BigInteger ephemeral, byte[] fileKey, byte[] salt, CryptoSuite? suite = null)
    {
        suite ??= CryptoSuite.P256;
        return new(suite, y => AgreeWith(suite, ephemeral, y), fileKey, salt);
    }

    private static (byte[] R, byte[] Z) AgreeWith(CryptoSuite suite, BigInteger e, byte[] y) =>
        (suite.Group.Encode(suite.Group.MultiplyG(e)), ThresholdOpening.SharedSecretFromPrivateKey(e, y, suite.Group));

    private static (byte[] R, byte[] Z) AgreeWithPlatform(byte[] y)
    {
        using var ephemeral = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        var q = ephemeral.ExportParameters(false).Q;
        using var peer = ECDiffieHellman.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new System.Security.Cryptography.ECPoint { X = y[1..33], Y = y[33..] },
        });
        var z = ephemeral.DeriveRawSecretAgreement(peer.PublicKey);
        return ([0x04, .. q.X!, .. q.Y!], z);
    }
}

/// <summary>Every derivation of format version 1, written once (docs/envelope-format.md mirrors this).</summary>
internal static class EnvelopeKdf
{
    internal const string KekInfoLabel = "trading/envelope/v1/kek";
    internal const string PayloadInfoLabel = "trading/envelope/v1/payload";
    internal const int NoncePrefixLength = 7;

    internal static byte[] KekSalt(byte[] r, byte[] y) => Wire.Concat(r, y);

    internal static byte[] KekInfo(ushort suiteId, BidContext bid) =>
        Wire.Concat(Wire.Label(KekInfoLabel), Wire.U16(suiteId), Wire.LengthPrefixed(bid.Tender), Wire.LengthPrefixed(bid.Lot), Wire.LengthPrefixed(bid.Bidder));

    /// <summary>The key-encryption key: 32 bytes (AES-256) in suite 1, 16 bytes (SM4) in suite 2.</summary>
    internal static byte[] Kek(byte[] z, byte[] r, byte[] y, ushort suiteId, BidContext bid)
    {
        var suite = CryptoSuite.ById(suiteId);
        return suite.Hkdf(z, KekSalt(r, y), KekInfo(suiteId, bid), suite.KeyLength);
    }

    /// <summary>The payload key then the 7-byte STREAM nonce prefix: 39 bytes in suite 1, 23 in suite 2.</summary>
    internal static (byte[] Key, byte[] Prefix) Payload(byte[] fileKey, byte[] salt, CryptoSuite? suite = null)
    {
        suite ??= CryptoSuite.P256;
        var okm = suite.Hkdf(fileKey, salt, Wire.Label(PayloadInfoLabel), suite.KeyLength + NoncePrefixLength);
        return (okm[..suite.KeyLength], okm[suite.KeyLength..]);
    }

    /// <summary>STREAM nonce: prefix (7) || big-endian chunk counter (4) || last-chunk flag (1).</summary>
    internal static void Nonce(ReadOnlySpan<byte> prefix, uint counter, bool last, Span<byte> nonce)
    {
        prefix.CopyTo(nonce);
        BinaryPrimitives.WriteUInt32BigEndian(nonce[NoncePrefixLength..], counter);
        nonce[11] = last ? (byte)1 : (byte)0;
    }

    // The kek is fresh for every envelope (new ephemeral key each time), so a fixed all-zero nonce is never reused.
    internal static readonly byte[] WrapNonce = new byte[12];
}

/// <summary>
/// The sealed-bid envelope: ECIES to the joint key (suite 1: ECDH P-256, HKDF-SHA256; suite 2: ECDH on the SM2 curve,
/// HKDF-SM3) wrapping a random file key, and a STREAM-chunked AEAD payload (AES-256-GCM or SM4-GCM) with the header
/// hash bound into every chunk. Streams in, streams out, in memory bounded by a few batches of chunks (EnvelopePipeline), whatever the size. The suite is the joint
/// key's: a ceremony on one curve gives a key that only that suite can seal to.
/// </summary>
public static class Envelope
{
    /// <summary>Seals a plaintext stream (the bid ZIP) to the joint key under the bid's context.</summary>
    public static Task<EnvelopeSealResult> SealAsync(Stream plaintext, Stream output, JointKey key, BidContext bid, EnvelopeSealOptions? options = null, CancellationToken cancellationToken = default) =>
        SealAsync(plaintext, output, key.PublicKey, bid, options ?? new EnvelopeSealOptions(), SealSecrets.Random(CryptoSuite.ByName(key.Suite)), cancellationToken);

    internal static async Task<EnvelopeSealResult> SealAsync(Stream plaintext, Stream output, byte[] jointPublicKey, BidContext bid, EnvelopeSealOptions options, SealSecrets secrets, CancellationToken ct)
    {
        bid = bid.Normalized();
        var suite = secrets.Suite;
        suite.Group.Decode(jointPublicKey, "joint key Y");
        var (r, z) = secrets.Agree(jointPublicKey);
        var header = new EnvelopeHeader(suite.Id, bid.Tender, bid.Lot, bid.Bidder, JointKey.ComputeKeyId(jointPublicKey, suite.Name), r, secrets.Salt, options.ChunkSize);
        var headerBytes = header.Encode();
        var headerHash = EnvelopeHeader.HashOf(headerBytes);

        var kek = EnvelopeKdf.Kek(z, r, jointPublicKey, suite.Id, bid);
        var wrapped = new byte[EnvelopeHeader.WrappedKeyLength];
        using (var wrap = suite.Aead(kek))
        {
            wrap.Encrypt(EnvelopeKdf.WrapNonce, secrets.FileKey, wrapped.AsSpan(0, 32), wrapped.AsSpan(32), headerHash);
        }

        CryptographicOperations.ZeroMemory(kek);
        CryptographicOperations.ZeroMemory(z);
        var (payloadKey, prefix) = EnvelopeKdf.Payload(secrets.FileKey, secrets.Salt, suite);

        using var hash = options.ComputeEnvelopeHash ? IncrementalHash.CreateHash(HashAlgorithmName.SHA256) : null;
        long length = 0;
        async ValueTask WriteAsync(ReadOnlyMemory<byte> data)
        {
            hash?.AppendData(data.Span);
            length += data.Length;
            await output.WriteAsync(data, ct);
        }

        await WriteAsync(headerBytes);
        await WriteAsync(wrapped);

        try
        {
            length += await EnvelopePipeline.SealAsync(plaintext, output, suite, payloadKey, prefix, headerHash, options.ChunkSize, hash,
                options.Pipelined, options.BatchBytes, ct);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(payloadKey);
        }

        return new EnvelopeSealResult(header, headerHash, hash?.GetHashAndReset(), length);
    }

    /// <summary>
    /// Decrypts with the combined opening (or any D = xR) to a plaintext stream. Output is written chunk by chunk
    /// and is trustworthy only when this returns: on a refusal, discard what was written.
    /// </summary>
    public static Task<EnvelopeHeader> DecryptAsync(Stream envelope, Stream output, JointKey key, Combination combination, BidContext? expected = null, CancellationToken cancellationToken = default) =>
        DecryptWithSharedSecretAsync(envelope, output, key.PublicKey, combination.R, combination.SharedSecret, expected, cancellationToken, keySuite: key.Suite);

    /// <summary>
    /// <see cref="DecryptAsync(Stream, Stream, JointKey, Combination, BidContext?, CancellationToken)"/> for a caller
    /// that has already read the header from <paramref name="envelope"/> (to find the bid's partials), so the file is
    /// read once: the stream goes on from the wrapped key.
    /// </summary>
    public static Task<EnvelopeHeader> DecryptAfterHeaderAsync(Stream envelope, EnvelopeHeader header, byte[] headerBytes, Stream output, JointKey key, Combination combination, BidContext? expected = null, CancellationToken cancellationToken = default) =>
        DecryptAfterHeaderAsync(envelope, header, headerBytes, output, key.PublicKey, combination.R, combination.SharedSecret, expected, true, key.Suite, null, EnvelopePipeline.DefaultBatchBytes, cancellationToken);

    /// <summary>
    /// <see cref="DecryptAfterHeaderAsync(Stream, EnvelopeHeader, byte[], Stream, JointKey, Combination, BidContext?, CancellationToken)"/>
    /// that also hashes the envelope in the same pass: every byte read from <paramref name="envelope"/> after the header
    /// (wrapped key and chunks, up to the end of the stream, which decryption reads to) is added to
    /// <paramref name="envelopeHash"/> in order, off the reading path. Add the header bytes to it first; on success it then
    /// holds the whole envelope, as a separate read of the file would.
    /// </summary>
    public static Task<EnvelopeHeader> DecryptAfterHeaderAsync(Stream envelope, EnvelopeHeader header, byte[] headerBytes, Stream output, JointKey key, Combination combination,
        IncrementalHash envelopeHash, BidContext? expected = null, CancellationToken cancellationToken = default) =>
        DecryptAfterHeaderAsync(envelope, header, headerBytes, output, key.PublicKey, combination.R, combination.SharedSecret, expected, true, key.Suite,
            envelopeHash ?? throw new ArgumentNullException(nameof(envelopeHash)), EnvelopePipeline.DefaultBatchBytes, cancellationToken);

    internal static async Task<EnvelopeHeader> DecryptWithSharedSecretAsync(Stream envelope, Stream output, byte[] jointPublicKey, byte[] expectedR, byte[] z, BidContext? expected, CancellationToken ct,
        bool pipelined = true, string? keySuite = null, int batchBytes = EnvelopePipeline.DefaultBatchBytes)
    {
        var (header, headerBytes) = await EnvelopeHeader.ReadAsync(envelope, ct);
        return await DecryptAfterHeaderAsync(envelope, header, headerBytes, output, jointPublicKey, expectedR, z, expected, pipelined, keySuite, null, batchBytes, ct);
    }

    internal static async Task<EnvelopeHeader> DecryptAfterHeaderAsync(Stream envelope, EnvelopeHeader header, byte[] headerBytes, Stream output, byte[] jointPublicKey, byte[] expectedR, byte[] z,
        BidContext? expected, bool pipelined, string? keySuite, IncrementalHash? envelopeHash, int batchBytes, CancellationToken ct)
    {
        if (keySuite is not null)
        {
            header.CheckSuite(keySuite);
        }

        var suite = CryptoSuite.ById(header.SuiteId);
        header.CheckExpected(expected, JointKey.ComputeKeyId(jointPublicKey, suite.Name));
        if (!header.EphemeralPoint.AsSpan().SequenceEqual(expectedR))
        {
            throw new CryptoException(CryptoErrorCode.HeaderFieldInvalid, "ephemeral point R", "differs from the R the opening was computed for");
        }

        var headerHash = EnvelopeHeader.HashOf(headerBytes);
        var wrapped = await EnvelopeHeader.ReadExactAsync(envelope, EnvelopeHeader.WrappedKeyLength, null, "wrapped file key", ct);
        envelopeHash?.AppendData(wrapped);
        var kek = EnvelopeKdf.Kek(z, header.EphemeralPoint, jointPublicKey, header.SuiteId, header.Bid);
        var fileKey = new byte[32];
        try
        {
            using var unwrap = suite.Aead(kek);
            if (!unwrap.TryDecrypt(EnvelopeKdf.WrapNonce, wrapped.AsSpan(0, 32), wrapped.AsSpan(32), fileKey, headerHash))
            {
                throw new CryptoException(CryptoErrorCode.KeyUnwrapFailed);
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(kek);
        }

        var (payloadKey, prefix) = EnvelopeKdf.Payload(fileKey, header.Salt, suite);
        CryptographicOperations.ZeroMemory(fileKey);
        try
        {
            await EnvelopePipeline.OpenAsync(envelope, output, suite, payloadKey, prefix, headerHash, header.ChunkSize, envelopeHash, pipelined, batchBytes, ct);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(payloadKey);
        }

        return header;
    }

    /// <summary>
    /// The upload path, without any key: parses and checks the header against the expected tender, lot, bidder and
    /// joint key id, enforces a size limit, checks the chunk layout, hashes the bytes and optionally copies them
    /// to storage as they pass. Authenticity of the payload is only known at opening.
    /// </summary>
    public static Task<EnvelopeInfo> ValidateAsync(Stream envelope, BidContext expected, byte[] expectedJointKeyId, long maxLength, Stream? copyTo = null, CancellationToken cancellationToken = default) =>
        ValidateAsync(envelope, expected, expectedJointKeyId, null, maxLength, copyTo, cancellationToken);

    /// <summary>
    /// As <see cref="ValidateAsync(Stream, BidContext, byte[], long, Stream?, CancellationToken)"/> against a joint key,
    /// refusing an envelope of another suite by name (<see cref="CryptoErrorCode.SuiteMismatch"/>) before its key id.
    /// </summary>
    public static Task<EnvelopeInfo> ValidateAsync(Stream envelope, BidContext expected, JointKey key, long maxLength, Stream? copyTo = null, CancellationToken cancellationToken = default) =>
        ValidateAsync(envelope, expected, key.KeyId, key.Suite, maxLength, copyTo, cancellationToken);

    private static async Task<EnvelopeInfo> ValidateAsync(Stream envelope, BidContext expected, byte[] expectedJointKeyId, string? expectedSuite, long maxLength, Stream? copyTo, CancellationToken cancellationToken)
    {
        // The envelope's own hash is SHA-256 in every suite: it is the public log's identifier of the upload.
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var (header, headerBytes) = await EnvelopeHeader.ReadAsync(envelope, cancellationToken);
        if (expectedSuite is not null)
        {
            header.CheckSuite(expectedSuite);
        }

        header.CheckExpected(expected, expectedJointKeyId);
        long length = headerBytes.Length;
        hash.AppendData(headerBytes);
        if (copyTo is not null)
        {
            await copyTo.WriteAsync(headerBytes, cancellationToken);
        }

        var buffer = ArrayPool<byte>.Shared.Rent(1 << 16);
        try
        {
            int read;
            while ((read = await envelope.ReadAsync(buffer.AsMemory(0, 1 << 16), cancellationToken)) > 0)
            {
                length += read;
                if (length > maxLength)
                {
                    throw new CryptoException(CryptoErrorCode.EnvelopeTooLarge, maxLength.ToString());
                }

                hash.AppendData(buffer, 0, read);
                if (copyTo is not null)
                {
                    await copyTo.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return Layout(header, headerBytes, length, hash.GetHashAndReset(), maxLength);
    }

    /// <summary>
    /// The upload path when the server hashed the bytes as they arrived (chunk by chunk, in order, as they were written):
    /// reads and checks only the header, and takes <paramref name="length"/> and <paramref name="sha256"/> for the rest,
    /// so completing a bid does not read it a second time. The same checks and the same <see cref="EnvelopeInfo"/> as
    /// <see cref="ValidateAsync(Stream, BidContext, JointKey, long, Stream?, CancellationToken)"/> over the same bytes.
    /// </summary>
    public static async Task<EnvelopeInfo> ValidateHashedAsync(Stream envelope, long length, ReadOnlyMemory<byte> sha256, BidContext expected, JointKey key, long maxLength,
        CancellationToken cancellationToken = default)
    {
        if (sha256.Length != SHA256.HashSizeInBytes)
        {
            throw new ArgumentException("A SHA-256 hash has 32 bytes.", nameof(sha256));
        }

        var (header, headerBytes) = await EnvelopeHeader.ReadAsync(envelope, cancellationToken);
        header.CheckSuite(key.Suite);
        header.CheckExpected(expected, key.KeyId);
        if (length > maxLength)
        {
            throw new CryptoException(CryptoErrorCode.EnvelopeTooLarge, maxLength.ToString());
        }

        return Layout(header, headerBytes, length, sha256.ToArray(), maxLength);
    }

    /// <summary>The chunk layout that <paramref name="length"/> bytes after this header must have.</summary>
    private static EnvelopeInfo Layout(EnvelopeHeader header, byte[] headerBytes, long length, byte[] sha256, long maxLength)
    {
        var payload = length - headerBytes.Length - EnvelopeHeader.WrappedKeyLength;
        if (payload < 0)
        {
            throw new CryptoException(CryptoErrorCode.HeaderTruncated, "wrapped file key");
        }

        long block = header.ChunkSize + EnvelopeHeader.TagLength;
        var chunks = (payload + block - 1) / block;
        var lastLength = payload - (chunks - 1) * block;
        if (chunks == 0 || lastLength < EnvelopeHeader.TagLength)
        {
            throw new CryptoException(CryptoErrorCode.PayloadTruncated, (chunks - 1).ToString());
        }

        if (chunks > uint.MaxValue)
        {
            throw new CryptoException(CryptoErrorCode.EnvelopeTooLarge, maxLength.ToString());
        }

        return new EnvelopeInfo(header, EnvelopeHeader.HashOf(headerBytes), sha256, length, chunks);
    }
}
