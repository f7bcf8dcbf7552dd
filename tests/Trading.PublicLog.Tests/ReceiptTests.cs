using System.Text.Json.Nodes;

namespace Trading.PublicLog.Tests;

public sealed class ReceiptTests(PkiFixture f) : IClassFixture<PkiFixture>
{
    private static string Edit(string json, Action<JsonObject> change)
    {
        var o = JsonNode.Parse(json)!.AsObject();
        change(o);
        return o.ToJsonString();
    }

    [Fact]
    public async Task A_receipt_verifies_offline_with_only_the_root_certificate()
    {
        var (json, _, _) = await f.ReceiptAsync(f.Pki);
        var result = BidReceiptVerifier.Verify(json, f.Pki.Root);
        Assert.Equal(6, result.Receipt.LogIndex);
        Assert.Equal(10, result.Checkpoint.Size);
        Assert.Equal(123456, result.Receipt.CiphertextLength);
        Assert.Equal(PkiFixture.Now.AddHours(1).AddSeconds(1), result.TimeStamp.Time);
        Assert.Contains("Public Log", result.LogSigner, StringComparison.Ordinal);
        Assert.DoesNotContain("91350100", json, StringComparison.Ordinal);
        // The file is canonical JSON and parses back to the same receipt.
        Assert.Equal(json, BidReceipt.Parse(json).ToJson());
    }

    [Fact]
    public async Task A_receipt_names_the_firm_certificate_under_its_time_stamp_and_the_chain_is_checked_against_the_firm_CAs()
    {
        // A P-256 firm CA and an SM2 one, each with a firm certificate issued the hour before the receipt.
        var at = PkiFixture.Now;
        using var p256 = FirmCertificateAuthority.Create("Test Centre", at);
        var sm2 = Sm2CertificateAuthority.Create("Test Centre", at);
        using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var publicKey = System.Security.Cryptography.X509Certificates.PublicKey.CreateFromSubjectPublicKeyInfo(key.ExportSubjectPublicKeyInfo(), out _);
        using var p256Cert = p256.Issue(publicKey, "测试公司", "91350100MA2XXXXX1X", "张三", FirmCertificateAuthority.NewSerial(), at, at.AddDays(30), null);
        var generator = new Org.BouncyCastle.Crypto.Generators.ECKeyPairGenerator("EC");
        generator.Init(new Org.BouncyCastle.Crypto.Parameters.ECKeyGenerationParameters(Org.BouncyCastle.Asn1.GM.GMObjectIdentifiers.sm2p256v1, new Org.BouncyCastle.Security.SecureRandom()));
        var sm2Spki = Org.BouncyCastle.X509.SubjectPublicKeyInfoFactory.CreateSubjectPublicKeyInfo(generator.GenerateKeyPair().Public).GetEncoded();
        var sm2Cert = sm2.Issue(sm2Spki, "测试公司", "91350100MA2XXXXX1X", "张三", FirmCertificateAuthority.NewSerial(), at, at.AddDays(30), null);
        byte[][] cas = [p256.Ca.RawData, sm2.Ca.GetEncoded()];

        foreach (var der in new[] { p256Cert.RawData, sm2Cert })
        {
            var signer = ReceiptSigner.Of(der);
            var (json, _, _) = await f.ReceiptAsync(f.Pki, firmSigner: signer);
            Assert.Equal(json, BidReceipt.Parse(json).ToJson());
            Assert.Equal(signer, BidReceiptVerifier.Verify(json, f.Pki.Root, firmCas: cas).Receipt.Signer);
            // Only under the CA that issued it.
            var issuer = der == sm2Cert ? sm2.Ca.GetEncoded() : p256.Ca.RawData;
            var other = der == sm2Cert ? p256.Ca.RawData : sm2.Ca.GetEncoded();
            BidReceiptVerifier.Verify(json, f.Pki.Root, firmCas: [issuer]);
            Assert.Equal("receipt.signer-untrusted", Assert.Throws<LogVerificationException>(() => BidReceiptVerifier.Verify(json, f.Pki.Root, firmCas: [other])).Code);
            // The time-stamp covers the signer: another serial breaks the receipt, and so does another certificate.
            Assert.Equal("signer", Assert.Throws<LogVerificationException>(() => BidReceiptVerifier.Verify(Edit(json, o => o["signer"]!["serial"] = "01"), f.Pki.Root)).Arguments["field"]);
            var swapped = Edit(json, o => o["signer"] = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(ReceiptSigner.Of(der == sm2Cert ? p256Cert.RawData : sm2Cert),
                new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web))));
            Assert.Equal("tsa.imprint-mismatch", Assert.Throws<LogVerificationException>(() => BidReceiptVerifier.Verify(swapped, f.Pki.Root)).Code);
        }

        // Asked to check the firm's chain, a receipt that names no certificate is refused.
        var (plain, _, _) = await f.ReceiptAsync(f.Pki);
        Assert.Equal("receipt.signer-missing", Assert.Throws<LogVerificationException>(() => BidReceiptVerifier.Verify(plain, f.Pki.Root, firmCas: cas)).Code);
    }

    [Fact]
    public async Task Receipts_at_every_position_of_odd_sized_logs_verify()
    {
        foreach (var (before, after) in new[] { (0, 0), (0, 4), (3, 0), (7, 1), (8, 0), (13, 6) })
        {
            var (json, _, _) = await f.ReceiptAsync(f.Pki, before, after);
            Assert.Equal(before, BidReceiptVerifier.Verify(json, f.Pki.Root).Receipt.LogIndex);
        }
    }

    [Fact]
    public async Task Changing_any_claimed_field_breaks_the_receipt_with_the_field_named()
    {
        var (json, _, _) = await f.ReceiptAsync(f.Pki);
        Assert.Equal("ciphertextLength", Assert.Throws<LogVerificationException>(() => BidReceiptVerifier.Verify(Edit(json, o => o["ciphertextLength"] = 1), f.Pki.Root)).Arguments["field"]);
        Assert.Equal("bidder", Assert.Throws<LogVerificationException>(() => BidReceiptVerifier.Verify(Edit(json, o => o["bidder"] = "firm:00"), f.Pki.Root)).Arguments["field"]);
        Assert.Equal("serverTime", Assert.Throws<LogVerificationException>(() => BidReceiptVerifier.Verify(Edit(json, o => o["serverTime"] = "2026-03-01T09:00:00.001Z"), f.Pki.Root)).Arguments["field"]);

        // Changing the entry too (consistently) breaks the inclusion proof instead.
        var forged = Edit(json, o =>
        {
            o["ciphertextLength"] = 1;
            o["entry"] = o["entry"]!.GetValue<string>().Replace("123456", "1", StringComparison.Ordinal);
        });
        Assert.Equal("proof.inclusion-root-mismatch", Assert.Throws<LogVerificationException>(() => BidReceiptVerifier.Verify(forged, f.Pki.Root)).Code);
    }

    [Fact]
    public async Task Wrong_root_swapped_token_bad_proof_and_foreign_checkpoint_are_refused()
    {
        var (json, _, _) = await f.ReceiptAsync(f.Pki);
        Assert.Equal("cert.untrusted", Assert.Throws<LogVerificationException>(() => BidReceiptVerifier.Verify(json, f.Other.Root)).Code);

        var (otherJson, _, _) = await f.ReceiptAsync(f.Pki, 2, 2);
        var otherToken = JsonNode.Parse(otherJson)!["timeStampToken"]!.GetValue<string>();
        Assert.Equal("tsa.imprint-mismatch", Assert.Throws<LogVerificationException>(() => BidReceiptVerifier.Verify(Edit(json, o => o["timeStampToken"] = otherToken), f.Pki.Root)).Code);

        var proofEdited = Edit(json, o => o["inclusionProof"]!.AsArray().Add(Convert.ToBase64String(new byte[32])));
        Assert.Equal("proof.wrong-length", Assert.Throws<LogFormatException>(() => BidReceiptVerifier.Verify(proofEdited, f.Pki.Root)).Code);

        // A checkpoint signed by another centre's log key, presented with this centre's certificate.
        var (foreignJson, _, _) = await f.ReceiptAsync(f.Other);
        var foreignCheckpoint = JsonNode.Parse(foreignJson)!["checkpoint"]!.GetValue<string>();
        Assert.Equal("checkpoint.no-trusted-signature", Assert.Throws<LogVerificationException>(() => BidReceiptVerifier.Verify(Edit(json, o => o["checkpoint"] = foreignCheckpoint), f.Pki.Root)).Code);
    }

    [Fact]
    public async Task Malformed_receipts_are_refused_with_a_reason()
    {
        var (json, _, _) = await f.ReceiptAsync(f.Pki);
        Assert.Equal("receipt.malformed", Assert.Throws<LogFormatException>(() => BidReceiptVerifier.Verify(Edit(json, o => o["extra"] = 1), f.Pki.Root)).Code);
        Assert.Equal("receipt.malformed", Assert.Throws<LogFormatException>(() => BidReceiptVerifier.Verify(Edit(json, o => o.Remove("checkpoint")), f.Pki.Root)).Code);
        Assert.Equal("receipt.version", Assert.Throws<LogFormatException>(() => BidReceiptVerifier.Verify(Edit(json, o => o["version"] = 3), f.Pki.Root)).Code);
        Assert.Equal("receipt.malformed", Assert.Throws<LogFormatException>(() => BidReceiptVerifier.Verify("not json", f.Pki.Root)).Code);
        Assert.Equal("base64.invalid", Assert.Throws<LogFormatException>(() => BidReceiptVerifier.Verify(Edit(json, o => o["timeStampToken"] = "%%"), f.Pki.Root)).Code);
    }

    [Fact]
    public async Task A_receipt_stamped_by_an_external_tsa_needs_that_tsa_root()
    {
        var (json, _, _) = await f.ReceiptAsync(f.Pki, tsaPki: f.Other);
        Assert.Equal("cert.untrusted", Assert.Throws<LogVerificationException>(() => BidReceiptVerifier.Verify(json, f.Pki.Root)).Code);
        Assert.Equal(6, BidReceiptVerifier.Verify(json, f.Pki.Root, f.Other.Root).Receipt.LogIndex);
    }
}
