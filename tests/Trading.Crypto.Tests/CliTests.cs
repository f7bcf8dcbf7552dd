using System.CommandLine;
using System.IO.Compression;
using System.Text.Json.Nodes;
using Trading.Cli.Crypto;
using Trading.Crypto;

namespace Trading.Crypto.Tests;

/// <summary>The <c>trading</c> sealed-bid commands, run in-process on real files.</summary>
public sealed class CliTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("trading-cli-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string P(string name) => Path.Combine(_dir.FullName, name);

    /// <summary>Runs the sealed-bid commands in-process and captures their output (shared by the CLI test classes).</summary>
    internal static (int Code, string Out, string Err) Run(params string[] args)
    {
        var root = new RootCommand("test");
        foreach (var c in SealCommands.Build().Concat(KeyHolderCommands.Build()).Concat(OpeningCommands.Build()))
        {
            root.Subcommands.Add(c);
        }

        var output = new StringWriter();
        var error = new StringWriter();
        var code = root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error }).GetAwaiter().GetResult();
        return (code, output.ToString(), error.ToString());
    }

    private (TestCeremony C, string KeyPath, string[] Shares, string PassVar) Setup(int n, int t)
    {
        var c = new TestCeremony(n, t);
        var keyPath = P("joint-key.json");
        File.WriteAllText(keyPath, CryptoJson.Serialize(c.Key));
        var passVar = "TRADING_TEST_PASS_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(passVar, "holder passphrase 口令");
        var shares = Enumerable.Range(1, n).Select(i =>
        {
            var path = P($"share-{i}.json");
            File.WriteAllText(path, CryptoJson.Serialize(ShareSealing.Seal(c.Secret(i), $"officer-{i}", "holder passphrase 口令", SealedShareTests.Fast)));
            return path;
        }).ToArray();
        return (c, keyPath, shares, passVar);
    }

    private string MakeBidFolder()
    {
        var folder = Directory.CreateDirectory(P("bid")).FullName;
        File.WriteAllText(Path.Combine(folder, "bid-form.json"), "{\"price\":\"1234567.89\",\"durationDays\":180}");
        File.WriteAllBytes(Path.Combine(folder, "technical-proposal.pdf"), EnvelopeTestData.Plaintext(300_000));
        return folder;
    }

    [Fact]
    public async Task Seal_partial_decrypt_open_and_verify_opening_round_trip()
    {
        var (c, keyPath, shares, passVar) = Setup(3, 2);
        using var _ = c;
        Assert.Equal(0, Run("bidder-key", "--out", P("bidder.pem")).Code);
        var folder = MakeBidFolder();
        var seal = Run("seal", "--input", folder, "--tender", "T-1", "--lot", "L-1", "--bidder", "B-1", "--joint-key", keyPath,
            "--signing-key", P("bidder.pem"), "--out", P("bid.trbe"), "--chunk-size", "65536");
        Assert.True(seal.Code == 0, seal.Err);

        var signed = CryptoJson.Deserialize<SignedManifest>(File.ReadAllText(P("bid.trbe.manifest.json")));
        ManifestSigning.Verify(signed, System.Security.Cryptography.PemEncoding.Find(File.ReadAllText(P("bidder.pem.pub.pem"))) is var pem
            ? Convert.FromBase64String(File.ReadAllText(P("bidder.pem.pub.pem"))[pem.Base64Data]) : default);
        await using (var env = File.OpenRead(P("bid.trbe")))
        {
            var info = await Envelope.ValidateAsync(env, new BidContext("T-1", "L-1", "B-1"), c.Key.KeyId, 1 << 24, null, TestContext.Current.CancellationToken);
            signed.Manifest.CheckDescribes(info);
        }

        var (header, _) = await EnvelopeHeader.ReadAsync(File.OpenRead(P("bid.trbe")), TestContext.Current.CancellationToken);
        File.WriteAllText(P("batch.json"), CryptoJson.Serialize(new PartialDecryptionBatch([new BatchItem(signed.Manifest.EnvelopeSha256, header.EphemeralPoint)])));
        foreach (var i in new[] { 1, 3 })
        {
            var r = Run("keyholder", "partial-decrypt", "--share", shares[i - 1], "--passphrase-env", passVar, "--joint-key", keyPath, "--batch", P("batch.json"), "--out", P($"partials-{i}.json"));
            Assert.True(r.Code == 0, r.Err);
        }

        // The manifest trading seal wrote beside the envelope is found there; the receipt is given.
        await CliReceipts.WriteAsync(P("receipt.json"), P("bid.trbe"), new DateTimeOffset(2026, 6, 1, 8, 0, 0, TimeSpan.Zero));
        var open = Run("open", "--joint-key", keyPath, "--envelope", P("bid.trbe"), "--partials", P("partials-1.json"), P("partials-3.json"), "--out-dir", P("opened"), "--transcript", P("transcript.json"),
            "--receipt", P("receipt.json"));
        Assert.True(open.Code == 0, open.Err + open.Out);
        using (var zip = ZipFile.OpenRead(P("opened/B-1.zip")))
        {
            using var reader = new StreamReader(zip.GetEntry("bid-form.json")!.Open());
            Assert.Contains("1234567.89", reader.ReadToEnd());
            Assert.Equal(300_000, zip.GetEntry("technical-proposal.pdf")!.Length);
        }

        var verify = Run("verify-opening", "--transcript", P("transcript.json"), "--joint-key", keyPath, "--lang", "en");
        Assert.True(verify.Code == 0, verify.Out);
        Assert.Contains("opening verified", verify.Out);
        Assert.Contains("signer: a key made for this bid (no certificate)", verify.Out);

        var t = JsonNode.Parse(File.ReadAllText(P("transcript.json")))!;
        var coefficient = (string)t["bids"]![0]!["terms"]![0]!["coefficient"]!;
        t["bids"]![0]!["terms"]![0]!["coefficient"] = (coefficient[0] == '0' ? "1" : "0") + coefficient[1..];
        File.WriteAllText(P("tampered.json"), t.ToJsonString());
        var tampered = Run("verify-opening", "--transcript", P("tampered.json"), "--lang", "zh-CN");
        Assert.Equal(1, tampered.Code);
        Assert.Contains("CombinationMismatch", tampered.Out);
        Assert.Contains("记录的组合结果不符", tampered.Out);
    }

    [Fact]
    public void Keyholder_refuses_a_wrong_passphrase_with_a_clear_localized_reason_and_checks_health()
    {
        var (c, keyPath, shares, passVar) = Setup(3, 3);
        using var _ = c;
        Assert.Equal(0, Run("keyholder", "check", "--share", shares[1], "--passphrase-env", passVar, "--joint-key", keyPath).Code);
        var wrongVar = passVar + "_WRONG";
        Environment.SetEnvironmentVariable(wrongVar, "not it");
        var r = Run("keyholder", "check", "--share", shares[1], "--passphrase-env", wrongVar, "--joint-key", keyPath, "--lang", "zh-CN");
        Assert.Equal(1, r.Code);
        Assert.Contains("WrongPassphrase", r.Err);
        Assert.Contains("口令无法解封", r.Err);

        using var other = new TestCeremony(3, 3, "another ceremony");
        File.WriteAllText(P("other-key.json"), CryptoJson.Serialize(other.Key));
        var foreign = Run("keyholder", "check", "--share", shares[1], "--passphrase-env", passVar, "--joint-key", P("other-key.json"));
        Assert.Equal(1, foreign.Code);
        Assert.Contains("SecretFromOtherKey", foreign.Err);
    }

    [Fact]
    public void Seal_refuses_a_bid_without_a_bid_form_and_bad_JSON_is_a_clean_refusal()
    {
        var (c, keyPath, _, _) = Setup(3, 3);
        using var _c = c;
        Run("bidder-key", "--out", P("bidder.pem"));
        var folder = Directory.CreateDirectory(P("empty-bid")).FullName;
        File.WriteAllText(Path.Combine(folder, "notes.txt"), "x");
        var r = Run("seal", "--input", folder, "--tender", "T", "--bidder", "B", "--joint-key", keyPath, "--signing-key", P("bidder.pem"), "--out", P("x.trbe"));
        Assert.Equal(2, r.Code);
        Assert.False(File.Exists(P("x.trbe")));

        // A PEM frame around four bytes of nothing: not a key. Built from parts so the repository's scan
        // for committed private keys keeps meaning something.
        const string label = "PRIVATE" + " KEY";
        File.WriteAllText(P("not-a-key.pem"), $"-----BEGIN {label}-----\nAAAA\n-----END {label}-----\n");
        MakeBidFolder();
        var badKey = Run("seal", "--input", P("bid"), "--tender", "T", "--bidder", "B", "--joint-key", keyPath, "--signing-key", P("not-a-key.pem"), "--out", P("y.trbe"));
        Assert.Equal(2, badKey.Code);
        Assert.False(File.Exists(P("y.trbe")));

        File.WriteAllText(P("broken.json"), "{\"version\":1,");
        var v = Run("verify-opening", "--transcript", P("broken.json"));
        Assert.Equal(1, v.Code);
        Assert.Contains("RecordInvalid", v.Err);
    }

    [Fact]
    public async Task The_CLI_opens_the_test_vector_envelope_into_exactly_the_v2_vector_transcript_from_the_bidders_manifest_and_receipt()
    {
        var ct = TestContext.Current.CancellationToken;
        var verify = Run("verify-opening", "--transcript", TestVectors.TranscriptPath);
        Assert.True(verify.Code == 0, verify.Out);

        // The v2 vector is the first case's opening, submitted at 2026-06-01T08:00:00Z under the vector firm certificate:
        // the offline opening gets the same three members from the manifest the bidder signed and the bid's receipt.
        var expected = CryptoJson.Deserialize<OpeningTranscript>(await File.ReadAllTextAsync(TranscriptV2Vectors.TranscriptPath, ct));
        var bid = expected.Bids[0];
        var vector = JsonNode.Parse(await File.ReadAllTextAsync(TestVectors.VectorsPath, ct))!["vectors"]![0]!;
        await File.WriteAllBytesAsync(P("vector.trbe"), Convert.FromHexString((string)vector["envelope"]!["envelope"]!), ct);
        await File.WriteAllTextAsync(P("key.json"), CryptoJson.Serialize(expected.Key), ct);
        await File.WriteAllTextAsync(P("partials.json"), CryptoJson.Serialize(bid.Partials), ct);
        await File.WriteAllTextAsync(P("manifest.json"), CryptoJson.Serialize(bid.Manifest), ct);
        await CliReceipts.WriteAsync(P("receipt.json"), P("vector.trbe"), TranscriptV2Vectors.SubmittedAt, Convert.FromBase64String(bid.SignerCertificate!));
        await File.WriteAllTextAsync(P("log-root.crt"), CliReceipts.RootPem, ct);
        var open = Run("open", "--joint-key", P("key.json"), "--envelope", P("vector.trbe"), "--partials", P("partials.json"), "--out-dir", P("out"), "--transcript", P("t.json"),
            "--manifest", P("manifest.json"), "--receipt", P("receipt.json"), "--receipt-root", P("log-root.crt"));
        Assert.True(open.Code == 0, open.Err + open.Out);
        Assert.Contains("transcript (version 2): 1 opened, 0 failed", open.Out);
        Assert.DoesNotContain("not verified", open.Out);
        var bidder = (string)vector["envelope"]!["bidder"]!;
        Assert.Equal((string)vector["envelope"]!["plaintext"]!, Convert.ToHexStringLower(await File.ReadAllBytesAsync(P($"out/{bidder}.zip"), ct)));
        Assert.Equal(CryptoJson.Serialize(expected), await File.ReadAllTextAsync(P("t.json"), ct));

        // And it verifies as an online opening's does: the signer chains to the CA given at the submission time.
        var check = Run("verify-opening", "--transcript", P("t.json"), "--ca", TranscriptV2Vectors.CaPath, "--lang", "en");
        Assert.True(check.Code == 0, check.Out + check.Err);
        Assert.Contains("signer: certificate 2026060100000000000000000000abcd, valid at submission and chaining to a root given", check.Out);

        // Without --receipt-root the receipt's word is taken as it is, and the tool says so.
        var unchecked_ = Run("open", "--joint-key", P("key.json"), "--envelope", P("vector.trbe"), "--partials", P("partials.json"), "--out-dir", P("out-2"), "--transcript", P("t2.json"),
            "--manifest", P("manifest.json"), "--receipt", P("receipt.json"), "--lang", "zh-CN");
        Assert.True(unchecked_.Code == 0, unchecked_.Err + unchecked_.Out);
        Assert.Contains("未核验投标回执", unchecked_.Out);
        Assert.Equal(CryptoJson.Serialize(expected), await File.ReadAllTextAsync(P("t2.json"), ct));
    }

    [Fact]
    public async Task Open_without_a_bids_manifest_or_receipt_says_which_is_missing_and_the_transcript_does_not_verify()
    {
        var ct = TestContext.Current.CancellationToken;
        var expected = CryptoJson.Deserialize<OpeningTranscript>(await File.ReadAllTextAsync(TranscriptV2Vectors.TranscriptPath, ct));
        var vector = JsonNode.Parse(await File.ReadAllTextAsync(TestVectors.VectorsPath, ct))!["vectors"]![0]!;
        await File.WriteAllBytesAsync(P("vector.trbe"), Convert.FromHexString((string)vector["envelope"]!["envelope"]!), ct);
        await File.WriteAllTextAsync(P("key.json"), CryptoJson.Serialize(expected.Key), ct);
        await File.WriteAllTextAsync(P("partials.json"), CryptoJson.Serialize(expected.Bids[0].Partials), ct);

        var bare = Run("open", "--joint-key", P("key.json"), "--envelope", P("vector.trbe"), "--partials", P("partials.json"), "--out-dir", P("out"), "--transcript", P("t.json"), "--lang", "en");
        Assert.Equal(1, bare.Code);
        Assert.Contains("vector.trbe: SignerDataMissing: no signed manifest for this envelope (give --manifest", bare.Err);
        Assert.Contains("vector.trbe: SignerDataMissing: no receipt for this envelope (give --receipt)", bare.Err);
        // The bid did open, and the transcript says so, but as version 2 it lacks who signed it, and the verifier says that.
        Assert.True(File.Exists(P("out/" + (string)vector["envelope"]!["bidder"]! + ".zip")));
        var written = CryptoJson.Deserialize<OpeningTranscript>(await File.ReadAllTextAsync(P("t.json"), ct));
        Assert.Equal(OpeningTranscript.Version2, written.Version);
        var verify = Run("verify-opening", "--transcript", P("t.json"), "--lang", "en");
        Assert.Equal(1, verify.Code);
        Assert.Contains("SignerDataMissing: the version 2 entry lacks its manifest", verify.Out);
        Assert.Contains("没有该加密投标文件的投标回执",
            Run("open", "--joint-key", P("key.json"), "--envelope", P("vector.trbe"), "--partials", P("partials.json"), "--out-dir", P("out-zh"), "--transcript", P("t-zh.json"), "--lang", "zh-CN").Err);

        // A receipt that does not verify against the root given opens nothing: its time would be the platform's word alone.
        await File.WriteAllTextAsync(P("manifest.json"), CryptoJson.Serialize(expected.Bids[0].Manifest), ct);
        await CliReceipts.WriteAsync(P("receipt.json"), P("vector.trbe"), TranscriptV2Vectors.SubmittedAt);
        var wrongRoot = Run("open", "--joint-key", P("key.json"), "--envelope", P("vector.trbe"), "--partials", P("partials.json"), "--out-dir", P("out-3"), "--transcript", P("t3.json"),
            "--manifest", P("manifest.json"), "--receipt", P("receipt.json"), "--receipt-root", TranscriptV2Vectors.CaPath, "--lang", "en");
        Assert.Equal(1, wrongRoot.Code);
        Assert.Contains("receipt.json: ", wrongRoot.Err);
        Assert.False(File.Exists(P("t3.json")));
        Assert.False(Directory.Exists(P("out-3")) && Directory.EnumerateFileSystemEntries(P("out-3")).Any());
    }

    [Fact]
    public void Verify_opening_checks_who_signed_each_bid_against_the_roots_given()
    {
        // Pass: the vector's certificate chains to the vector CA, was valid at submission and signed the manifest.
        var pass = Run("verify-opening", "--transcript", TranscriptV2Vectors.TranscriptPath, "--ca", TranscriptV2Vectors.CaPath, "--lang", "en");
        Assert.True(pass.Code == 0, pass.Out + pass.Err);
        Assert.Contains("signer: certificate 2026060100000000000000000000abcd, valid at submission and chaining to a root given", pass.Out);
        Assert.Contains("opening verified", pass.Out);
        Assert.DoesNotContain("chain not checked", pass.Out);

        // Without --ca: everything else verifies, and the chain is said to be unchecked rather than passed in silence.
        var noCa = Run("verify-opening", "--transcript", TranscriptV2Vectors.TranscriptPath, "--lang", "en");
        Assert.True(noCa.Code == 0, noCa.Out + noCa.Err);
        Assert.Contains("signer chain not checked", noCa.Out);
        Assert.Contains("证书链未核验", Run("verify-opening", "--transcript", TranscriptV2Vectors.TranscriptPath, "--lang", "zh-CN").Out);

        // Tampered manifest: the bid is named with the rule, in English and Chinese.
        var tampered = Run("verify-opening", "--transcript", TranscriptV2Vectors.TamperedPath, "--ca", TranscriptV2Vectors.CaPath, "--lang", "en");
        Assert.Equal(1, tampered.Code);
        Assert.Contains("bid 1 (bidder-91350100MA2XXXXX): INVALID", tampered.Out);
        Assert.Contains("ManifestSignatureInvalid: the bid manifest signature does not verify", tampered.Out);
        Assert.Contains("opening NOT verified", tampered.Out);
        Assert.Contains("投标清单签名验证失败", Run("verify-opening", "--transcript", TranscriptV2Vectors.TamperedPath, "--ca", TranscriptV2Vectors.CaPath, "--lang", "zh-CN").Out);

        // A certificate of the same name from another root does not chain to the CA given.
        var wrongRoot = Run("verify-opening", "--transcript", TranscriptV2Vectors.OtherRootPath, "--ca", TranscriptV2Vectors.CaPath, "--lang", "en");
        Assert.Equal(1, wrongRoot.Code);
        Assert.Contains("bid 1 (bidder-91350100MA2XXXXX): INVALID", wrongRoot.Out);
        Assert.Contains("SignerUntrusted: certificate 2026060100000000000000000000abcd does not chain to any root certificate given (--ca) at the submission time 2026-06-01T08:00:00Z", wrongRoot.Out);
        var wrongRootZh = Run("verify-opening", "--transcript", TranscriptV2Vectors.OtherRootPath, "--ca", TranscriptV2Vectors.CaPath, "--lang", "zh-CN");
        Assert.Contains("不能链接到所给的任何根证书", wrongRootZh.Out);

        // A root that is not a certificate is unusable input (2), not a bid that fails to chain.
        File.WriteAllText(P("not-a-ca.crt"), "hello");
        Assert.Equal(2, Run("verify-opening", "--transcript", TranscriptV2Vectors.TranscriptPath, "--ca", P("not-a-ca.crt")).Code);

        // A version 1 transcript verifies as before and says it carries no signer data.
        var v1 = Run("verify-opening", "--transcript", TestVectors.TranscriptPath, "--ca", TranscriptV2Vectors.CaPath, "--lang", "en");
        Assert.True(v1.Code == 0, v1.Out);
        Assert.Contains("a version 1 transcript carries no signer data", v1.Out);
        Assert.Contains("第 1 版开标记录不含签名人数据", Run("verify-opening", "--transcript", TestVectors.TranscriptPath, "--lang", "zh-CN").Out);
    }

    [Fact]
    public async Task Verify_opening_refuses_a_certificate_that_had_expired_when_the_bid_was_submitted()
    {
        var g = await TranscriptV2Vectors.GenerateAsync(leafUntil: TranscriptV2Vectors.SubmittedAt.AddDays(-1));
        await File.WriteAllTextAsync(P("expired.json"), CryptoJson.Serialize(g.Valid), TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(P("ca.crt"), g.CaPem, TestContext.Current.CancellationToken);
        var r = Run("verify-opening", "--transcript", P("expired.json"), "--ca", P("ca.crt"), "--lang", "en");
        Assert.Equal(1, r.Code);
        Assert.Contains("bid 1 (bidder-91350100MA2XXXXX): INVALID", r.Out);
        Assert.Contains("SignerNotValidAtSubmission: certificate 2026060100000000000000000000abcd was not valid when the bid was submitted at 2026-06-01T08:00:00Z (valid from 2026-03-01T00:00:00Z to 2026-05-31T08:00:00Z)", r.Out);
        // Refused without --ca too: validity at submission is read from the certificate itself.
        Assert.Equal(1, Run("verify-opening", "--transcript", P("expired.json")).Code);
        Assert.Contains("不在有效期内", Run("verify-opening", "--transcript", P("expired.json"), "--lang", "zh-CN").Out);
    }

    [Fact]
    public async Task Open_goes_on_past_a_bad_envelope_and_reports_it()
    {
        var (c, keyPath, shares, passVar) = Setup(3, 2);
        using var _ = c;
        var (good, goodResult) = await EnvelopeTestData.SealAsync(c.Key, EnvelopeTestData.Plaintext(500), 64, new BidContext("T", "L", "good"));
        var (bad, badResult) = await EnvelopeTestData.SealAsync(c.Key, EnvelopeTestData.Plaintext(500), 64, new BidContext("T", "L", "bad"));
        bad[^3] ^= 1;
        await File.WriteAllBytesAsync(P("good.trbe"), good, TestContext.Current.CancellationToken);
        await File.WriteAllBytesAsync(P("bad.trbe"), bad, TestContext.Current.CancellationToken);
        File.WriteAllText(P("batch.json"), CryptoJson.Serialize(new PartialDecryptionBatch([new BatchItem(new byte[32], goodResult.Header.EphemeralPoint), new BatchItem(new byte[32], badResult.Header.EphemeralPoint)])));
        foreach (var i in new[] { 1, 2 })
        {
            Assert.Equal(0, Run("keyholder", "partial-decrypt", "--share", shares[i - 1], "--passphrase-env", passVar, "--joint-key", keyPath, "--batch", P("batch.json"), "--out", P($"p{i}.json")).Code);
        }

        var open = Run("open", "--joint-key", keyPath, "--envelope", P("bad.trbe"), P("good.trbe"), "--partials", P("p1.json"), P("p2.json"), "--out-dir", P("out"), "--transcript", P("t.json"));
        Assert.Equal(1, open.Code);
        Assert.Contains("bad.trbe: ChunkAuthenticationFailed", open.Err);
        Assert.True(File.Exists(P("out/good.zip")));
        Assert.False(File.Exists(P("out/bad.zip")));
        Assert.Empty(Directory.GetFiles(P("out"), "*.partial-*"));
    }
}
