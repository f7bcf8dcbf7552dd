using System.Security.Cryptography;
using static Trading.Crypto.Tests.EnvelopeTestData;

namespace Trading.Crypto.Tests;

/// <summary>Suite 2 (SM2/SM3/SM4-GCM) end to end, and the refusals when suites are mixed.</summary>
public sealed class Sm2SuiteTests : IDisposable
{
    private readonly TestCeremony _sm2 = new(3, 2, suite: CryptoSuites.Sm2);
    private readonly TestCeremony _p256 = new(3, 2);

    public void Dispose()
    {
        _sm2.Dispose();
        _p256.Dispose();
    }

    private static async Task<(byte[] Envelope, EnvelopeSealResult Result)> SealAsync(JointKey key, byte[] plaintext, int chunkSize = 64)
    {
        using var output = new MemoryStream();
        var result = await Envelope.SealAsync(new MemoryStream(plaintext), output, key, Bid, new EnvelopeSealOptions { ChunkSize = chunkSize }, TestContext.Current.CancellationToken);
        return (output.ToArray(), result);
    }

    private async Task<byte[]> OpenAsync(TestCeremony c, byte[] envelope, params int[] holders)
    {
        var (header, _) = await EnvelopeHeader.ReadAsync(new MemoryStream(envelope), TestContext.Current.CancellationToken);
        var combination = c.Open(header.EphemeralPoint, holders);
        using var output = new MemoryStream();
        await Envelope.DecryptAsync(new MemoryStream(envelope), output, c.Key, combination, Bid, TestContext.Current.CancellationToken);
        return output.ToArray();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(64)]
    [InlineData(1000)]
    public async Task A_suite_2_bid_opens_with_any_two_of_three_SM2_holders(int length)
    {
        Assert.Equal(CryptoSuites.Sm2, _sm2.Key.Suite);
        _sm2.Key.Validate();
        var plaintext = Plaintext(length, seed: length);
        var (envelope, result) = await SealAsync(_sm2.Key, plaintext);
        Assert.Equal(CryptoSuites.Sm2Id, result.Header.SuiteId);
        Assert.Equal([0x00, 0x02], envelope[5..7]);
        Assert.Equal(plaintext, await OpenAsync(_sm2, envelope, 1, 3));
        Assert.Equal(plaintext, await OpenAsync(_sm2, envelope, 3, 2));

        var info = await Envelope.ValidateAsync(new MemoryStream(envelope), Bid, _sm2.Key, 1 << 20, null, TestContext.Current.CancellationToken);
        Assert.Equal(SHA256.HashData(envelope), info.EnvelopeSha256);
    }

    [Fact]
    public async Task A_changed_suite_2_chunk_or_header_is_refused()
    {
        var (envelope, result) = await SealAsync(_sm2.Key, Plaintext(200), chunkSize: 32);
        var changed = (byte[])envelope.Clone();
        changed[^20] ^= 1;
        var e = await Assert.ThrowsAsync<CryptoException>(() => OpenAsync(_sm2, changed, 1, 2));
        Assert.Equal(CryptoErrorCode.ChunkAuthenticationFailed, e.Code);

        var truncated = envelope[..^(8 + 16)]; // the whole final chunk (8 bytes of 200 at 32 per chunk, and its tag)
        e = await Assert.ThrowsAsync<CryptoException>(() => OpenAsync(_sm2, truncated, 1, 2));
        Assert.Equal(CryptoErrorCode.PayloadTruncated, e.Code);

        // The salt is in the header: the header hash (SM3) changes and the wrapped key no longer unwraps.
        var header = result.Header.Encode();
        var salted = (byte[])envelope.Clone();
        salted[header.Length - 5] ^= 1;
        e = await Assert.ThrowsAsync<CryptoException>(() => OpenAsync(_sm2, salted, 1, 2));
        Assert.Equal(CryptoErrorCode.KeyUnwrapFailed, e.Code);
    }

    [Fact]
    public async Task An_envelope_of_one_suite_is_refused_against_a_key_of_the_other_by_name()
    {
        var (sm2Envelope, _) = await SealAsync(_sm2.Key, Plaintext(10));
        var e = await Assert.ThrowsAsync<CryptoException>(() => Envelope.ValidateAsync(new MemoryStream(sm2Envelope), Bid, _p256.Key, 1 << 20, null, TestContext.Current.CancellationToken));
        Assert.Equal(CryptoErrorCode.SuiteMismatch, e.Code);
        Assert.Equal(["envelope", CryptoSuites.Sm2, CryptoSuites.P256], e.Arguments);
        Assert.Contains("SM2-HKDF-SM3-SM4GCM", e.LocalizedMessage("zh-CN"));

        var (p256Envelope, _) = await SealAsync(_p256.Key, Plaintext(10));
        e = await Assert.ThrowsAsync<CryptoException>(() => Envelope.ValidateAsync(new MemoryStream(p256Envelope), Bid, _sm2.Key, 1 << 20, null, TestContext.Current.CancellationToken));
        Assert.Equal(CryptoErrorCode.SuiteMismatch, e.Code);

        // Without the key's suite the key id (which hashes the suite id) still tells them apart.
        e = await Assert.ThrowsAsync<CryptoException>(() => Envelope.ValidateAsync(new MemoryStream(p256Envelope), Bid, _sm2.Key.KeyId, 1 << 20, null, TestContext.Current.CancellationToken));
        Assert.Equal(CryptoErrorCode.WrongJointKey, e.Code);
    }

    [Fact]
    public void Partials_of_one_suite_do_not_verify_under_the_other_and_points_off_the_curve_are_refused()
    {
        var r = EcGroup.Sm2.Encode(EcGroup.Sm2.MultiplyG(EcGroup.Sm2.RandomScalar()));
        var partial = ThresholdOpening.PartialDecrypt(_sm2.Secret(1), _sm2.Key, r);
        ThresholdOpening.VerifyPartial(_sm2.Key, r, partial);
        // An SM2 point is (almost surely) not on P-256: the P-256 key refuses it before any proof.
        var e = Assert.Throws<CryptoException>(() => ThresholdOpening.PartialDecrypt(_p256.Secret(1), _p256.Key, r));
        Assert.Equal(CryptoErrorCode.InvalidPoint, e.Code);
        var p256R = EcGroup.P256.Encode(EcGroup.P256.MultiplyG(EcGroup.P256.RandomScalar()));
        e = Assert.Throws<CryptoException>(() => ThresholdOpening.PartialDecrypt(_sm2.Secret(1), _sm2.Key, p256R));
        Assert.Equal(CryptoErrorCode.InvalidPoint, e.Code);
        // A P-256 holder's secret does not belong to the SM2 key.
        e = Assert.Throws<CryptoException>(() => _p256.Secret(1).CheckBelongsTo(_sm2.Key));
        Assert.Equal(CryptoErrorCode.SecretFromOtherKey, e.Code);
    }

    [Fact]
    public async Task A_suite_2_manifest_is_signed_with_SM2_and_a_key_of_the_other_suite_is_refused_by_name()
    {
        var (envelope, result) = await SealAsync(_sm2.Key, Plaintext(100));
        var info = await Envelope.ValidateAsync(new MemoryStream(envelope), Bid, _sm2.Key, 1 << 20, null, TestContext.Current.CancellationToken);
        var bidderKey = Sm2SigningKey.Create();
        var signed = ManifestSigning.Sign(result.ToManifest(), bidderKey);
        Assert.Equal(64, signed.Signature.Length);
        ManifestSigning.Verify(signed);
        ManifestSigning.Verify(signed, bidderKey.ExportSubjectPublicKeyInfo());
        signed.Manifest.CheckDescribes(info);

        // The key file round-trips and signs the same way.
        var reread = Sm2SigningKey.FromPkcs8Pem(bidderKey.ExportPkcs8Pem());
        ManifestSigning.Verify(ManifestSigning.Sign(result.ToManifest(), reread), bidderKey.ExportSubjectPublicKeyInfo());

        var tampered = signed with { Signature = [.. signed.Signature[..63], (byte)(signed.Signature[63] ^ 1)] };
        Assert.Equal(CryptoErrorCode.ManifestSignatureInvalid, Assert.Throws<CryptoException>(() => ManifestSigning.Verify(tampered)).Code);
        var other = Sm2SigningKey.Create();
        Assert.Equal(CryptoErrorCode.ManifestSignatureInvalid, Assert.Throws<CryptoException>(() => ManifestSigning.Verify(signed, other.ExportSubjectPublicKeyInfo())).Code);

        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var e = Assert.Throws<CryptoException>(() => ManifestSigning.Sign(result.ToManifest(), ecdsa));
        Assert.Equal(CryptoErrorCode.SuiteMismatch, e.Code);
        // A P-256 signature presented on a suite 2 manifest.
        var forged = new SignedManifest(signed.Manifest, ecdsa.SignData(signed.Manifest.ToSigningBytes(), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation), ecdsa.ExportSubjectPublicKeyInfo());
        e = Assert.Throws<CryptoException>(() => ManifestSigning.Verify(forged));
        Assert.Equal(CryptoErrorCode.SuiteMismatch, e.Code);
        Assert.Equal(["manifest signing key", CryptoSuites.P256, CryptoSuites.Sm2], e.Arguments);
        // An SM2 signature on a suite 1 manifest.
        var suite1 = signed.Manifest with { Suite = CryptoSuites.P256 };
        var sm2OnSuite1 = new SignedManifest(suite1, bidderKey.Sign(suite1.ToSigningBytes()), bidderKey.ExportSubjectPublicKeyInfo());
        Assert.Equal(CryptoErrorCode.SuiteMismatch, Assert.Throws<CryptoException>(() => ManifestSigning.Verify(sm2OnSuite1)).Code);
        Assert.Equal(CryptoErrorCode.SuiteMismatch, Assert.Throws<CryptoException>(() => ManifestSigning.Sign(suite1, bidderKey)).Code);
        // A manifest naming a suite nobody knows.
        var unknown = signed with { Manifest = signed.Manifest with { Suite = "SM9" } };
        Assert.Equal(CryptoErrorCode.UnsupportedSuite, Assert.Throws<CryptoException>(() => ManifestSigning.Verify(unknown)).Code);
    }

    [Fact]
    public void A_P256_key_file_is_not_taken_for_an_SM2_key()
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var e = Assert.Throws<CryptoException>(() => Sm2SigningKey.FromPkcs8Pem(ecdsa.ExportPkcs8PrivateKeyPem()));
        Assert.Equal(CryptoErrorCode.SuiteMismatch, e.Code);
    }

    [Fact]
    public void The_SM2_vectors_opening_transcript_verifies_and_a_changed_coefficient_is_found()
    {
        var transcript = CryptoJson.Deserialize<OpeningTranscript>(File.ReadAllText(TestVectors.Sm2TranscriptPath));
        Assert.Equal(CryptoSuites.Sm2, transcript.Key.Suite);
        Assert.True(OpeningVerifier.Verify(transcript).Valid);
        var bid = transcript.Bids[0];
        var p256Lambda = Lagrange.CoefficientAtZero(bid.Terms[0].HolderIndex, bid.Terms.Select(t => t.HolderIndex).ToArray());
        // The P-256 coefficient differs (another group order), so a transcript mixing groups fails.
        Assert.NotEqual(Convert.ToHexString(p256Lambda), Convert.ToHexString(bid.Terms[0].Coefficient));
        var mixed = transcript with { Bids = [bid with { Terms = [bid.Terms[0] with { Coefficient = p256Lambda }, .. bid.Terms.Skip(1)] }] };
        Assert.False(OpeningVerifier.Verify(mixed).Valid);
    }
}
