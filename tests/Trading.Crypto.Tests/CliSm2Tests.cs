using System.IO.Compression;
using System.Text.Json.Nodes;
using static Trading.Crypto.Tests.CliTests;

namespace Trading.Crypto.Tests;

/// <summary>The <c>trading</c> commands with suite 2 (SM2/SM3/SM4-GCM), in-process on real files.</summary>
public sealed class CliSm2Tests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("trading-cli-sm2-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string P(string name) => Path.Combine(_dir.FullName, name);

    [Fact]
    public async Task The_CLI_opens_the_suite_2_vector_envelope_reproduces_its_transcript_and_verifies_it()
    {
        var verify = Run("verify-opening", "--transcript", TestVectors.Sm2TranscriptPath);
        Assert.True(verify.Code == 0, verify.Out);
        Assert.Contains("opening verified", verify.Out);

        var transcript = CryptoJson.Deserialize<OpeningTranscript>(await File.ReadAllTextAsync(TestVectors.Sm2TranscriptPath, TestContext.Current.CancellationToken));
        Assert.Equal(CryptoSuites.Sm2, transcript.Key.Suite);
        var vector = JsonNode.Parse(await File.ReadAllTextAsync(TestVectors.Sm2VectorsPath, TestContext.Current.CancellationToken))!["vectors"]![0]!;
        await File.WriteAllBytesAsync(P("vector.trbe"), Convert.FromHexString((string)vector["envelope"]!["envelope"]!), TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(P("key.json"), CryptoJson.Serialize(transcript.Key), TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(P("partials.json"), CryptoJson.Serialize(transcript.Bids[0].Partials), TestContext.Current.CancellationToken);
        // No manifest or receipt is given (the suite 2 vectors have no version 2 transcript): the bid opens, the tool says
        // what is missing, and the opening members of the entry are exactly the vector's.
        var open = Run("open", "--joint-key", P("key.json"), "--envelope", P("vector.trbe"), "--partials", P("partials.json"), "--out-dir", P("out"), "--transcript", P("t.json"));
        Assert.Equal(1, open.Code);
        Assert.Contains("SignerDataMissing", open.Err);
        var bidder = (string)vector["envelope"]!["bidder"]!;
        Assert.Equal((string)vector["envelope"]!["plaintext"]!, Convert.ToHexStringLower(await File.ReadAllBytesAsync(P($"out/{bidder}.zip"), TestContext.Current.CancellationToken)));
        var written = CryptoJson.Deserialize<OpeningTranscript>(await File.ReadAllTextAsync(P("t.json"), TestContext.Current.CancellationToken));
        Assert.Equal(OpeningTranscript.Version2, written.Version);
        Assert.Equal(CryptoJson.Serialize(transcript), CryptoJson.Serialize(written with { Version = OpeningTranscript.Version1 }));

        // The suite 1 vector's envelope under the suite 2 key is refused by name.
        var p256 = JsonNode.Parse(await File.ReadAllTextAsync(TestVectors.VectorsPath, TestContext.Current.CancellationToken))!["vectors"]![0]!;
        await File.WriteAllBytesAsync(P("p256.trbe"), Convert.FromHexString((string)p256["envelope"]!["envelope"]!), TestContext.Current.CancellationToken);
        var mixed = Run("open", "--joint-key", P("key.json"), "--envelope", P("p256.trbe"), "--partials", P("partials.json"), "--out-dir", P("out2"), "--transcript", P("t2.json"));
        Assert.NotEqual(0, mixed.Code);
        Assert.Contains("SuiteMismatch", mixed.Err + mixed.Out);
    }

    [Fact]
    public async Task Seal_with_an_SM2_bidder_key_partial_decrypt_open_and_verify_round_trip_and_a_P256_key_is_refused()
    {
        using var c = new TestCeremony(3, 2, suite: CryptoSuites.Sm2);
        var keyPath = P("joint-key.json");
        await File.WriteAllTextAsync(keyPath, CryptoJson.Serialize(c.Key), TestContext.Current.CancellationToken);
        var passVar = "TRADING_TEST_PASS_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(passVar, "holder passphrase 口令");
        var shares = Enumerable.Range(1, 3).Select(i =>
        {
            var path = P($"share-{i}.json");
            File.WriteAllText(path, CryptoJson.Serialize(ShareSealing.Seal(c.Secret(i), $"officer-{i}", "holder passphrase 口令", SealedShareTests.Fast)));
            return path;
        }).ToArray();

        Assert.Equal(0, Run("bidder-key", "--out", P("bidder-sm2.pem"), "--suite", "sm2").Code);
        Assert.Equal(0, Run("bidder-key", "--out", P("bidder-p256.pem")).Code);
        Assert.Contains("1.2.156.10197.1.301", PemOid(P("bidder-sm2.pem.pub.pem")));
        var folder = Directory.CreateDirectory(P("bid")).FullName;
        File.WriteAllText(Path.Combine(folder, "bid-form.json"), "{\"price\":\"7654321.00\",\"durationDays\":90}");
        File.WriteAllBytes(Path.Combine(folder, "technical-proposal.pdf"), EnvelopeTestData.Plaintext(200_000));

        var wrongKey = Run("seal", "--input", folder, "--tender", "T-1", "--lot", "L-1", "--bidder", "B-1", "--joint-key", keyPath,
            "--signing-key", P("bidder-p256.pem"), "--out", P("wrong.trbe"), "--lang", "zh-CN");
        Assert.Equal(1, wrongKey.Code);
        Assert.Contains("SuiteMismatch", wrongKey.Err);
        Assert.Contains("SM2-HKDF-SM3-SM4GCM", wrongKey.Err);
        Assert.False(File.Exists(P("wrong.trbe")));

        var seal = Run("seal", "--input", folder, "--tender", "T-1", "--lot", "L-1", "--bidder", "B-1", "--joint-key", keyPath,
            "--signing-key", P("bidder-sm2.pem"), "--out", P("bid.trbe"), "--chunk-size", "65536");
        Assert.True(seal.Code == 0, seal.Err);
        Assert.Contains("suite " + CryptoSuites.Sm2, seal.Out);

        var signed = CryptoJson.Deserialize<SignedManifest>(File.ReadAllText(P("bid.trbe.manifest.json")));
        Assert.Equal(CryptoSuites.Sm2, signed.Manifest.Suite);
        ManifestSigning.Verify(signed, PemDer(P("bidder-sm2.pem.pub.pem")));
        await using (var env = File.OpenRead(P("bid.trbe")))
        {
            var info = await Envelope.ValidateAsync(env, new BidContext("T-1", "L-1", "B-1"), c.Key, 1 << 24, null, TestContext.Current.CancellationToken);
            signed.Manifest.CheckDescribes(info);
        }

        var (header, _) = await EnvelopeHeader.ReadAsync(File.OpenRead(P("bid.trbe")), TestContext.Current.CancellationToken);
        File.WriteAllText(P("batch.json"), CryptoJson.Serialize(new PartialDecryptionBatch([new BatchItem(signed.Manifest.EnvelopeSha256, header.EphemeralPoint)])));
        foreach (var i in new[] { 2, 3 })
        {
            var r = Run("keyholder", "partial-decrypt", "--share", shares[i - 1], "--passphrase-env", passVar, "--joint-key", keyPath, "--batch", P("batch.json"), "--out", P($"partials-{i}.json"));
            Assert.True(r.Code == 0, r.Err);
        }

        await CliReceipts.WriteAsync(P("receipt.json"), P("bid.trbe"), new DateTimeOffset(2026, 6, 1, 8, 0, 0, TimeSpan.Zero));
        var open = Run("open", "--joint-key", keyPath, "--envelope", P("bid.trbe"), "--partials", P("partials-2.json"), P("partials-3.json"), "--out-dir", P("opened"), "--transcript", P("transcript.json"),
            "--receipt", P("receipt.json"));
        Assert.True(open.Code == 0, open.Err + open.Out);
        using (var zip = ZipFile.OpenRead(P("opened/B-1.zip")))
        {
            using var reader = new StreamReader(zip.GetEntry("bid-form.json")!.Open());
            Assert.Contains("7654321.00", reader.ReadToEnd());
        }

        var verify = Run("verify-opening", "--transcript", P("transcript.json"), "--joint-key", keyPath);
        Assert.True(verify.Code == 0, verify.Out);
    }

    private static string PemOid(string path) =>
        string.Join(" ", Org.BouncyCastle.Asn1.X509.SubjectPublicKeyInfo.GetInstance(PemDer(path)).Algorithm.Parameters);

    private static byte[] PemDer(string path)
    {
        var text = File.ReadAllText(path);
        var pem = System.Security.Cryptography.PemEncoding.Find(text);
        return Convert.FromBase64String(text[pem.Base64Data]);
    }
}
