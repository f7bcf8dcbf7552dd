using System.Security.Cryptography;
using Trading.Crypto;
using static Trading.Crypto.Tests.EnvelopeTestData;

namespace Trading.Crypto.Tests;

public class SealedShareTests
{
    // Small Argon2 cost where the cost itself is not under test; the default is checked separately.
    internal static readonly Argon2Settings Fast = new(MemoryKiB: 256, Iterations: 1);

    [Fact]
    public void Defaults_are_at_least_64_MiB_and_3_passes()
    {
        Assert.True(Argon2Settings.Default.MemoryKiB >= 64 * 1024);
        Assert.True(Argon2Settings.Default.Iterations >= 3);
    }

    [Fact]
    public void Seals_with_the_default_cost_and_unseals_with_the_right_passphrase()
    {
        using var c = new TestCeremony(3, 3);
        var sealedShare = ShareSealing.Seal(c.Secret(2), "officer-zhang", "correct horse battery staple");
        Assert.Equal(Argon2Settings.Default, sealedShare.Argon2);
        using var back = ShareSealing.Unseal(sealedShare, "correct horse battery staple");
        back.CheckBelongsTo(c.Key);
        Assert.Equal(c.Secret(2).ScalarBytes.ToArray(), back.ScalarBytes.ToArray());
    }

    [Fact]
    public void One_share_sealed_for_two_officers_opens_with_either_passphrase_and_records_survive_JSON()
    {
        using var c = new TestCeremony(3, 3);
        var a = ShareSealing.Seal(c.Secret(1), "officer-a", "passphrase A 甲", Fast);
        var b = ShareSealing.Seal(c.Secret(1), "officer-b", "passphrase B 乙", Fast);
        Assert.NotEqual(a.Ciphertext, b.Ciphertext);
        var aBack = CryptoJson.Deserialize<SealedShare>(CryptoJson.Serialize(a));
        Assert.Equal(c.Secret(1).ScalarBytes.ToArray(), ShareSealing.Unseal(aBack, "passphrase A 甲").ScalarBytes.ToArray());
        Assert.Equal(c.Secret(1).ScalarBytes.ToArray(), ShareSealing.Unseal(b, "passphrase B 乙").ScalarBytes.ToArray());
    }

    [Fact]
    public void A_wrong_passphrase_fails_cleanly()
    {
        using var c = new TestCeremony(3, 3);
        var s = ShareSealing.Seal(c.Secret(3), "officer-li", "right", Fast);
        var e = Assert.Throws<CryptoException>(() => ShareSealing.Unseal(s, "wrong"));
        Assert.Equal(CryptoErrorCode.WrongPassphrase, e.Code);
        Assert.Contains("officer-li", e.LocalizedMessage("zh-CN"));
    }

    [Fact]
    public void Every_stored_field_is_bound_so_a_changed_record_does_not_unseal()
    {
        using var c = new TestCeremony(3, 3);
        var s = ShareSealing.Seal(c.Secret(3), "officer-li", "right", Fast);
        var variants = new[]
        {
            s with { OfficerId = "officer-wang" },
            s with { HolderIndex = 2 },
            s with { Argon2 = s.Argon2 with { Iterations = 2 } },
            s with { Salt = CeremonyTests.Flip(s.Salt) },
            s with { Nonce = CeremonyTests.Flip(s.Nonce) },
            s with { Ciphertext = CeremonyTests.Flip(s.Ciphertext, 3) },
            s with { KeyId = CeremonyTests.Flip(s.KeyId) },
        };
        foreach (var v in variants)
        {
            Assert.Equal(CryptoErrorCode.WrongPassphrase, Assert.Throws<CryptoException>(() => ShareSealing.Unseal(v, "right")).Code);
        }

        Assert.Equal(CryptoErrorCode.KdfParametersInvalid, Assert.Throws<CryptoException>(() => ShareSealing.Unseal(s with { Argon2 = new(int.MaxValue, 3) }, "right")).Code);
        Assert.Equal(CryptoErrorCode.SealedShareInvalid, Assert.Throws<CryptoException>(() => ShareSealing.Unseal(s with { Version = 2 }, "right")).Code);
        Assert.Equal(CryptoErrorCode.SealedShareInvalid, Assert.Throws<CryptoException>(() => ShareSealing.Unseal(s with { Salt = [1, 2] }, "right")).Code);
        Assert.Equal(CryptoErrorCode.RecordInvalid, Assert.Throws<CryptoException>(() => CryptoJson.Deserialize<SealedShare>("{\"version\":1}")).Code);
    }
}

public class ManifestTests
{
    [Fact]
    public async Task A_signed_manifest_verifies_and_matches_the_uploaded_envelope()
    {
        using var c = new TestCeremony(3, 3);
        var (envelope, result) = await SealAsync(c.Key, Plaintext(500), 64);
        using var bidderKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var signed = ManifestSigning.Sign(result.ToManifest(), bidderKey);
        Assert.Equal(64, signed.Signature.Length);
        ManifestSigning.Verify(signed, bidderKey.ExportSubjectPublicKeyInfo());
        var roundTripped = CryptoJson.Deserialize<SignedManifest>(CryptoJson.Serialize(signed));
        ManifestSigning.Verify(roundTripped);
        var info = await Envelope.ValidateAsync(new MemoryStream(envelope), Bid, c.Key.KeyId, 1 << 20, null, TestContext.Current.CancellationToken);
        signed.Manifest.CheckDescribes(info);

        var other = result.ToManifest() with { EnvelopeLength = result.EnvelopeLength + 1 };
        Assert.Equal(CryptoErrorCode.ManifestMismatch, Assert.Throws<CryptoException>(() => other.CheckDescribes(info)).Code);
    }

    [Fact]
    public async Task Any_changed_field_or_another_signer_fails_verification()
    {
        using var c = new TestCeremony(3, 3);
        var (_, result) = await SealAsync(c.Key, Plaintext(50), 64);
        using var bidderKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var signed = ManifestSigning.Sign(result.ToManifest(), bidderKey);
        var m = signed.Manifest;
        var variants = new[]
        {
            signed with { Manifest = m with { Tender = "x" } },
            signed with { Manifest = m with { Lot = "x" } },
            signed with { Manifest = m with { Bidder = "x" } },
            signed with { Manifest = m with { HeaderHash = CeremonyTests.Flip(m.HeaderHash) } },
            signed with { Manifest = m with { EnvelopeSha256 = CeremonyTests.Flip(m.EnvelopeSha256) } },
            signed with { Manifest = m with { EnvelopeLength = m.EnvelopeLength + 1 } },
            signed with { Signature = CeremonyTests.Flip(signed.Signature) },
            signed with { Signature = [1, 2, 3] },
            signed with { SignerPublicKey = [1, 2, 3] },
            signed with { SignerPublicKey = otherKey.ExportSubjectPublicKeyInfo() },
        };
        foreach (var v in variants)
        {
            Assert.Equal(CryptoErrorCode.ManifestSignatureInvalid, Assert.Throws<CryptoException>(() => ManifestSigning.Verify(v)).Code);
        }

        var bySomeoneElse = ManifestSigning.Sign(m, otherKey);
        Assert.Equal(CryptoErrorCode.ManifestSignatureInvalid, Assert.Throws<CryptoException>(() => ManifestSigning.Verify(bySomeoneElse, bidderKey.ExportSubjectPublicKeyInfo())).Code);
    }
}

public class ManifestCurveTests
{
    /// <summary>256-bit curves other than P-256 that OpenSSL knows: a valid signature on any of them is still refused.</summary>
    public static TheoryData<string> OtherCurves => new() { "1.3.36.3.3.2.8.1.1.7" /* brainpoolP256r1 */, "1.3.132.0.10" /* secp256k1 */ };

    [Theory]
    [MemberData(nameof(OtherCurves))]
    public async Task A_manifest_signed_on_another_256_bit_curve_is_refused(string oid)
    {
        using var c = new TestCeremony(3, 3);
        var (_, result) = await SealAsync(c.Key, Plaintext(50), 64);
        using var key = ECDsa.Create(ECCurve.CreateFromValue(oid));
        Assert.Equal(256, key.KeySize);
        var manifest = result.ToManifest();
        // Signed the way Sign would, to show the signature itself is valid on that curve and only the curve is wrong.
        var signature = key.SignData(manifest.ToSigningBytes(), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        Assert.True(key.VerifyData(manifest.ToSigningBytes(), signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
        var signed = new SignedManifest(manifest, signature, key.ExportSubjectPublicKeyInfo());
        Assert.Equal(CryptoErrorCode.ManifestSignatureInvalid, Assert.Throws<CryptoException>(() => ManifestSigning.Verify(signed)).Code);
        Assert.Equal(CryptoErrorCode.UnsupportedSuite, Assert.Throws<CryptoException>(() => ManifestSigning.Sign(manifest, key)).Code);
    }
}

public class TranscriptTests
{
    private static async Task<(TestCeremony C, OpeningTranscript T)> BuildAsync()
    {
        var c = new TestCeremony(3, 2);
        var bids = new List<BidOpening>();
        foreach (var bidder in new[] { "bidder-a", "bidder-b" })
        {
            var (envelope, result) = await SealAsync(c.Key, Plaintext(100), 64, Bid with { Bidder = bidder });
            var partials = new[] { 3, 1, 2 }.Select(i => ThresholdOpening.PartialDecrypt(c.Secret(i), c.Key, result.Header.EphemeralPoint)).ToList();
            var combination = ThresholdOpening.Combine(c.Key, result.Header.EphemeralPoint, partials);
            bids.Add(OpeningTranscript.Record(result.Header, SHA256.HashData(envelope), partials, combination));
        }

        return (c, new OpeningTranscript(1, c.Key, bids));
    }

    [Fact]
    public async Task A_faithful_transcript_verifies_after_a_JSON_round_trip()
    {
        var (c, t) = await BuildAsync();
        using var _ = c;
        var back = CryptoJson.Deserialize<OpeningTranscript>(CryptoJson.Serialize(t));
        var report = OpeningVerifier.Verify(back);
        Assert.True(report.Valid, string.Join("; ", report.Bids.SelectMany(b => b.Problems)));
        Assert.All(report.Bids, b => Assert.Empty(b.Problems));
        Assert.Equal([1, 2], back.Bids[0].Terms.Select(x => x.HolderIndex));
    }

    [Fact]
    public async Task Tampered_transcripts_are_caught_with_the_rule_and_the_holder()
    {
        var (c, t) = await BuildAsync();
        using var _ = c;
        var b = t.Bids[1];
        OpeningReport With(BidOpening changed) => OpeningVerifier.Verify(t with { Bids = [t.Bids[0], changed] });

        var wrongLambda = With(b with { Terms = [b.Terms[0] with { Coefficient = CeremonyTests.Flip(b.Terms[0].Coefficient) }, b.Terms[1]] });
        Assert.False(wrongLambda.Valid);
        Assert.True(wrongLambda.Bids[0].CombinationValid);
        Assert.Equal(CryptoErrorCode.CombinationMismatch, Assert.Single(wrongLambda.Bids[1].Problems).Code);

        var wrongD = With(b with { CombinedPoint = t.Bids[0].CombinedPoint });
        Assert.Equal(CryptoErrorCode.CombinationMismatch, Assert.Single(wrongD.Bids[1].Problems).Code);

        var badProof = b.Partials.Select(p => p.HolderIndex == 2 ? p with { Proof = p.Proof with { Response = CeremonyTests.Flip(p.Proof.Response) } } : p).ToList();
        var report = With(b with { Partials = badProof });
        Assert.False(report.Bids[1].CombinationValid);
        Assert.Contains(report.Bids[1].Problems, p => p.Code == CryptoErrorCode.DleqProofInvalid && p.HolderIndex == 2);

        var onlyOne = With(b with { Terms = [b.Terms[0]] });
        Assert.Equal(CryptoErrorCode.CombinationMismatch, Assert.Single(onlyOne.Bids[1].Problems).Code);

        var dup = With(b with { Partials = [.. b.Partials, b.Partials[0]] });
        Assert.Equal(CryptoErrorCode.DuplicateHolderIndex, Assert.Single(dup.Bids[1].Problems).Code);

        var badKey = OpeningVerifier.Verify(t with { Key = t.Key with { KeyId = new byte[32] } });
        Assert.False(badKey.Valid);
        Assert.Equal(CryptoErrorCode.RecordInvalid, Assert.Single(badKey.KeyProblems).Code);
    }

    [Theory]
    [InlineData("bids")]
    [InlineData("partials")]
    [InlineData("verificationKeys")]
    [InlineData("truncated")]
    [InlineData("not-hex")]
    public async Task Malformed_transcript_JSON_is_a_specific_refusal(string what)
    {
        var (c, t) = await BuildAsync();
        using var _ = c;
        var node = System.Text.Json.Nodes.JsonNode.Parse(CryptoJson.Serialize(t))!;
        switch (what)
        {
            case "bids": node["bids"]!.AsArray().Add(null); break;
            case "partials": node["bids"]![0]!["partials"]!.AsArray().Add(null); break;
            case "verificationKeys": node["key"]!["verificationKeys"]!.AsArray()[0] = null; break;
            case "not-hex": node["bids"]![0]!["r"] = "zz"; break;
        }

        var json = what == "truncated" ? node.ToJsonString()[..100] : node.ToJsonString();
        var e = Assert.Throws<CryptoException>(() => CryptoJson.Deserialize<OpeningTranscript>(json));
        Assert.Equal(CryptoErrorCode.RecordInvalid, e.Code);
    }

    [Fact]
    public async Task A_bad_partial_that_was_not_used_is_reported_but_the_bid_still_opened_validly()
    {
        var (c, t) = await BuildAsync();
        using var _ = c;
        var b = t.Bids[0];
        var partials = b.Partials.Select(p => p.HolderIndex == 3 ? p with { D = b.Partials[0].D == p.D ? b.Partials[1].D : b.Partials[0].D } : p).ToList();
        var report = OpeningVerifier.Verify(t with { Bids = [b with { Partials = partials }] });
        Assert.True(report.Valid);
        var problem = Assert.Single(report.Bids[0].Problems);
        Assert.Equal((CryptoErrorCode.DleqProofInvalid, (int?)3), (problem.Code, problem.HolderIndex));
    }
}

public class MessageTests
{
    [Fact]
    public void Every_refusal_code_has_an_English_and_a_Chinese_message()
    {
        foreach (var code in Enum.GetValues<CryptoErrorCode>())
        {
            Assert.True(CryptoMessages.HasTemplate(code), code.ToString());
            // As many arguments as the longest message takes (a certificate's validity names four).
            var en = CryptoMessages.Format(code, ["1", "2", "3", "4"], "en");
            var zh = CryptoMessages.Format(code, ["1", "2", "3", "4"], "zh-CN");
            Assert.NotEqual(en, zh);
            Assert.Contains(zh, ch => ch >= 0x4e00 && ch <= 0x9fff);
        }
    }
}

public class IdTextRuleTests
{
    private static readonly byte[] Point = ValidPoint();

    private static byte[] ValidPoint()
    {
        using var k = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        var q = k.ExportParameters(false).Q;
        return [0x04, .. q.X!, .. q.Y!];
    }

    private static EnvelopeHeader Header(string tender, string lot, string bidder) =>
        new(CryptoSuites.P256Id, tender, lot, bidder, new byte[32], Point, new byte[32], 1024);

    [Theory]
    [InlineData("bidder-\u202Efdp.exe")]      // right-to-left override
    [InlineData("bidder\u200D1")]            // zero-width joiner
    [InlineData("\uFEFFbidder")]             // byte order mark
    [InlineData("bidder\u2066x\u2069")]      // bidi isolate
    [InlineData("bidder\u0007")]             // control
    [InlineData("Cafe\u0301")]               // NFD spelling of "Café"
    public void Ids_with_format_or_control_characters_or_not_in_NFC_are_refused(string bad)
    {
        foreach (var h in new[] { Header(bad, "", "b"), Header("t", bad, "b"), Header("t", "", bad) })
            Assert.Equal(CryptoErrorCode.HeaderFieldInvalid, Assert.Throws<CryptoException>(h.Validate).Code);
        Header("t", "", "Caf\u00E9").Validate(); // the NFC spelling is fine
    }

    [Fact]
    public async Task NFC_and_NFD_spellings_of_one_bidder_are_one_bidder()
    {
        using var c = new TestCeremony(3, 3);
        var nfd = new BidContext("招标-2026-001", "lot-1", "Cafe\u0301 建设");
        var nfc = new BidContext("招标-2026-001", "lot-1", "Caf\u00E9 建设");
        var (envelope, result) = await SealAsync(c.Key, Plaintext(100), 64, nfd);
        Assert.Equal(nfc.Bidder, result.ToManifest().Bidder); // sealed in NFC
        var (header, _) = await EnvelopeHeader.ReadAsync(new MemoryStream(envelope), TestContext.Current.CancellationToken);
        Assert.Equal(nfc.Bidder, header.Bidder);
        // Either spelling of the expected bidder accepts it; neither is a "wrong bidder" showing two identical names.
        await Envelope.ValidateAsync(new MemoryStream(envelope), nfd, c.Key.KeyId, 1 << 20, null, TestContext.Current.CancellationToken);
        await Envelope.ValidateAsync(new MemoryStream(envelope), nfc, c.Key.KeyId, 1 << 20, null, TestContext.Current.CancellationToken);
    }
}
