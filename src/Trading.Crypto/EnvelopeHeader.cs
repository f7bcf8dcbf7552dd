using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Trading.Crypto;

/// <summary>Who a bid belongs to: tender, lot and bidder ids, all bound into the key derivation and the header.</summary>
public sealed record BidContext(string Tender, string Lot, string Bidder)
{
    /// <summary>
    /// The same ids in NFC, the one spelling the format allows (docs/envelope-format.md, "Id text rule"): writers seal
    /// and readers compare this form, so NFC and NFD spellings of one name are one bidder, never two look-alikes.
    /// </summary>
    public BidContext Normalized() => new(Nfc(Tender), Nfc(Lot), Nfc(Bidder));

    private static string Nfc(string s)
    {
        try { return s.Normalize(NormalizationForm.FormC); }
        catch (ArgumentException) { return s; } // not Unicode text (a lone surrogate): CheckId refuses it
    }
}

/// <summary>
/// Envelope header, format version 1 (docs/envelope-format.md): suite, tender, lot, bidder, joint key id, ephemeral
/// point R, payload salt and chunk size. Its hash is the associated data of the wrapped key and of every chunk.
/// </summary>
public sealed record EnvelopeHeader(ushort SuiteId, string Tender, string Lot, string Bidder, byte[] JointKeyId, byte[] EphemeralPoint, byte[] Salt, int ChunkSize)
{
    /// <summary>The four magic bytes "TRBE" (trading bid envelope).</summary>
    public static ReadOnlySpan<byte> Magic => "TRBE"u8;

    /// <summary>The only format version this code writes and reads.</summary>
    public const byte FormatVersion = 1;

    /// <summary>Default payload chunk size, 1 MiB.</summary>
    public const int DefaultChunkSize = 1 << 20;

    /// <summary>Smallest chunk size accepted (small sizes exist for tests of chunk handling).</summary>
    public const int MinChunkSize = 16;

    /// <summary>Largest chunk size accepted, 16 MiB, which bounds the reader's memory.</summary>
    public const int MaxChunkSize = 1 << 24;

    /// <summary>Longest tender, lot or bidder id in UTF-8 bytes.</summary>
    public const int MaxIdBytes = 256;

    internal const int SaltLength = 32;
    internal const int KeyIdLength = 32;
    internal const int TagLength = 16;

    /// <summary>Length of the wrapped file key that follows the header: 32 bytes of ciphertext and a 16-byte tag.</summary>
    public const int WrappedKeyLength = 32 + TagLength;

    private const string HeaderHashDomain = "trading/envelope/v1/header";

    /// <summary>The bid this header names.</summary>
    public BidContext Bid => new(Tender, Lot, Bidder);

    /// <summary>The suite name for <see cref="SuiteId"/>.</summary>
    public string Suite => SuiteId is CryptoSuites.P256Id or CryptoSuites.Sm2Id ? CryptoSuites.NameOf(SuiteId) : $"unknown-{SuiteId}";

    /// <summary>Refuses an envelope of another suite than the joint key's, naming both.</summary>
    public void CheckSuite(string expectedSuite)
    {
        if (Suite != expectedSuite)
        {
            throw new CryptoException(CryptoErrorCode.SuiteMismatch, "envelope", Suite, expectedSuite);
        }
    }

    /// <summary>The header's exact bytes.</summary>
    public byte[] Encode()
    {
        Validate();
        using var ms = new MemoryStream();
        ms.Write(Magic);
        ms.WriteByte(FormatVersion);
        ms.Write(Wire.U16(SuiteId));
        ms.Write(Wire.LengthPrefixed(Tender));
        ms.Write(Wire.LengthPrefixed(Lot));
        ms.Write(Wire.LengthPrefixed(Bidder));
        ms.Write(JointKeyId);
        ms.Write(EphemeralPoint);
        ms.Write(Salt);
        Span<byte> cs = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(cs, (uint)ChunkSize);
        ms.Write(cs);
        return ms.ToArray();
    }

    /// <summary>
    /// header hash = H("trading/envelope/v1/header" 0x00 || header bytes), H the suite's hash named by the header's
    /// own suite field (SHA-256 in suite 1, SM3 in suite 2).
    /// </summary>
    public static byte[] HashOf(ReadOnlySpan<byte> headerBytes)
    {
        if (headerBytes.Length < 7)
        {
            throw new CryptoException(CryptoErrorCode.HeaderTruncated, "suite id");
        }

        var suite = CryptoSuite.ById(BinaryPrimitives.ReadUInt16BigEndian(headerBytes[5..7]));
        return suite.Hash(Wire.Concat(Wire.Label(HeaderHashDomain), headerBytes.ToArray()));
    }

    /// <summary>Checks every field's rule; throws a refusal naming the field.</summary>
    public void Validate()
    {
        var suite = CryptoSuite.ById(SuiteId);

        CheckId(Tender, "tender", allowEmpty: false);
        CheckId(Lot, "lot", allowEmpty: true);
        CheckId(Bidder, "bidder", allowEmpty: false);
        if (JointKeyId.Length != KeyIdLength)
        {
            throw new CryptoException(CryptoErrorCode.HeaderFieldInvalid, "joint key id", "must be 32 bytes");
        }

        suite.Group.Decode(EphemeralPoint, "ephemeral point R");
        if (Salt.Length != SaltLength)
        {
            throw new CryptoException(CryptoErrorCode.HeaderFieldInvalid, "salt", "must be 32 bytes");
        }

        if (ChunkSize < MinChunkSize || ChunkSize > MaxChunkSize)
        {
            throw new CryptoException(CryptoErrorCode.HeaderFieldInvalid, "chunk size", $"{ChunkSize} is outside {MinChunkSize}..{MaxChunkSize}");
        }
    }

    internal static void CheckId(string value, string field, bool allowEmpty)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        if ((!allowEmpty && length == 0) || length > MaxIdBytes)
        {
            throw new CryptoException(CryptoErrorCode.HeaderFieldInvalid, field, $"must be {(allowEmpty ? 0 : 1)}..{MaxIdBytes} UTF-8 bytes");
        }

        // Ids are compared byte for byte (and signed), so one name must have one spelling: NFC only, and no control or
        // format characters (U+202E and other bidi overrides, zero-width joiners, BOM) that make two different ids
        // look alike or one id look like another on screen.
        foreach (var rune in value.EnumerateRunes())
        {
            var category = Rune.GetUnicodeCategory(rune);
            if (category is System.Globalization.UnicodeCategory.Control or System.Globalization.UnicodeCategory.Format)
            {
                throw new CryptoException(CryptoErrorCode.HeaderFieldInvalid, field, $"control and format characters (U+{rune.Value:X4}) are not allowed");
            }
        }

        bool nfc;
        try { nfc = value.IsNormalized(NormalizationForm.FormC); }
        catch (ArgumentException) { nfc = false; } // a lone surrogate: not Unicode text at all
        if (!nfc)
        {
            throw new CryptoException(CryptoErrorCode.HeaderFieldInvalid, field, "must be in Unicode normalisation form C (NFC)");
        }
    }

    /// <summary>Checks tender, lot, bidder and joint key id against what the caller expects.</summary>
    public void CheckExpected(BidContext? expected, byte[]? expectedKeyId)
    {
        if (expected is not null)
        {
            expected = expected.Normalized();
            if (Tender != expected.Tender)
            {
                throw new CryptoException(CryptoErrorCode.WrongTender, Tender, expected.Tender);
            }

            if (Lot != expected.Lot)
            {
                throw new CryptoException(CryptoErrorCode.WrongLot, Lot, expected.Lot);
            }

            if (Bidder != expected.Bidder)
            {
                throw new CryptoException(CryptoErrorCode.WrongBidder, Bidder, expected.Bidder);
            }
        }

        if (expectedKeyId is not null && !CryptographicOperations.FixedTimeEquals(JointKeyId, expectedKeyId))
        {
            throw new CryptoException(CryptoErrorCode.WrongJointKey, Convert.ToHexStringLower(JointKeyId), Convert.ToHexStringLower(expectedKeyId));
        }
    }

    /// <summary>Reads and validates a header from the start of a stream; returns it with its exact bytes.</summary>
    public static async Task<(EnvelopeHeader Header, byte[] Bytes)> ReadAsync(Stream input, CancellationToken cancellationToken = default)
    {
        using var raw = new MemoryStream();
        var fixedPart = await ReadExactAsync(input, 7, raw, "header", cancellationToken);
        if (!fixedPart.AsSpan(0, 4).SequenceEqual(Magic))
        {
            throw new CryptoException(CryptoErrorCode.BadMagic);
        }

        if (fixedPart[4] != FormatVersion)
        {
            throw new CryptoException(CryptoErrorCode.UnsupportedVersion, fixedPart[4].ToString());
        }

        var suite = BinaryPrimitives.ReadUInt16BigEndian(fixedPart.AsSpan(5));
        CryptoSuite.ById(suite);

        var tender = await ReadIdAsync(input, raw, "tender", cancellationToken);
        var lot = await ReadIdAsync(input, raw, "lot", cancellationToken);
        var bidder = await ReadIdAsync(input, raw, "bidder", cancellationToken);
        var keyId = await ReadExactAsync(input, KeyIdLength, raw, "joint key id", cancellationToken);
        var r = await ReadExactAsync(input, EcGroup.PointLength, raw, "ephemeral point R", cancellationToken);
        var salt = await ReadExactAsync(input, SaltLength, raw, "salt", cancellationToken);
        var cs = await ReadExactAsync(input, 4, raw, "chunk size", cancellationToken);
        var chunkSize = BinaryPrimitives.ReadUInt32BigEndian(cs);
        if (chunkSize > MaxChunkSize)
        {
            throw new CryptoException(CryptoErrorCode.HeaderFieldInvalid, "chunk size", $"{chunkSize} is outside {MinChunkSize}..{MaxChunkSize}");
        }

        var header = new EnvelopeHeader(suite, tender, lot, bidder, keyId, r, salt, (int)chunkSize);
        header.Validate();
        return (header, raw.ToArray());
    }

    private static async Task<string> ReadIdAsync(Stream input, MemoryStream raw, string field, CancellationToken ct)
    {
        var lenBytes = await ReadExactAsync(input, 2, raw, field, ct);
        var len = BinaryPrimitives.ReadUInt16BigEndian(lenBytes);
        if (len > MaxIdBytes)
        {
            throw new CryptoException(CryptoErrorCode.HeaderFieldInvalid, field, $"length {len} exceeds {MaxIdBytes}");
        }

        var bytes = await ReadExactAsync(input, len, raw, field, ct);
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw new CryptoException(CryptoErrorCode.HeaderFieldInvalid, field, "not valid UTF-8");
        }
    }

    internal static async Task<byte[]> ReadExactAsync(Stream input, int count, MemoryStream? raw, string field, CancellationToken ct)
    {
        var buffer = new byte[count];
        var read = await input.ReadAtLeastAsync(buffer, count, throwOnEndOfStream: false, ct);
        if (read < count)
        {
            throw new CryptoException(CryptoErrorCode.HeaderTruncated, field);
        }

        raw?.Write(buffer);
        return buffer;
    }
}
