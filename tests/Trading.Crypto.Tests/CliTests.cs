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

        var open = Run("open", "--joint-key", keyPath, "--envelope", P("bid.trbe"), "--partials", P("partials-1.json"), P("partials-3.json"), "--out-dir", P("opened"), "--transcript", P("transcript.json"));
        Assert.True(open.Code == 0, open.Err + open.Out);
        using (var zip = ZipFile.OpenRead(P("opened/B-1.zip")))
        {
            using var reader = new StreamReader(zip.GetEntry("bid-form.json")!.Open());
            Assert.Contains("1234567.89", reader.ReadToEnd());
            Assert.Equal(300_000, zip.GetEntry("technical-proposal.pdf")!.Length);
        }

        var verify = Run("verify-opening", "--transcript", P("transcript.json"), "--joint-key", keyPath);
        Assert.True(verify.Code == 0, verify.Out);
        Assert.Contains("opening verified", verify.Out);

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
    public async Task The_CLI_opens_the_test_vector_envelope_and_verifies_the_vector_transcript()
    {
        var verify = Run("verify-opening", "--transcript", TestVectors.TranscriptPath);
        Assert.True(verify.Code == 0, verify.Out);

        var transcript = CryptoJson.Deserialize<OpeningTranscript>(await File.ReadAllTextAsync(TestVectors.TranscriptPath, TestContext.Current.CancellationToken));
        var vector = JsonNode.Parse(await File.ReadAllTextAsync(TestVectors.VectorsPath, TestContext.Current.CancellationToken))!["vectors"]![0]!;
        await File.WriteAllBytesAsync(P("vector.trbe"), Convert.FromHexString((string)vector["envelope"]!["envelope"]!), TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(P("key.json"), CryptoJson.Serialize(transcript.Key), TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(P("partials.json"), CryptoJson.Serialize(transcript.Bids[0].Partials), TestContext.Current.CancellationToken);
        var open = Run("open", "--joint-key", P("key.json"), "--envelope", P("vector.trbe"), "--partials", P("partials.json"), "--out-dir", P("out"), "--transcript", P("t.json"));
        Assert.True(open.Code == 0, open.Err);
        var bidder = (string)vector["envelope"]!["bidder"]!;
        Assert.Equal((string)vector["envelope"]!["plaintext"]!, Convert.ToHexStringLower(await File.ReadAllBytesAsync(P($"out/{bidder}.zip"), TestContext.Current.CancellationToken)));
        Assert.Equal(CryptoJson.Serialize(transcript), CryptoJson.Serialize(CryptoJson.Deserialize<OpeningTranscript>(await File.ReadAllTextAsync(P("t.json"), TestContext.Current.CancellationToken))));
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
