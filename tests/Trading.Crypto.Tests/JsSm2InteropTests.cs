using System.Text.Json.Nodes;
using static Trading.Crypto.Tests.EnvelopeTestData;

namespace Trading.Crypto.Tests;

/// <summary>Runs the suite 2 browser module (src/Trading.Crypto/js/envelope-sm.mjs, sm-crypto-v2) under Node on every test run.</summary>
public class JsSm2InteropTests
{
    private static string ModulePath => Path.Combine(TestVectors.RepoRoot(), "src", "Trading.Crypto", "js", "envelope-sm.mjs");

    private static string RunnerPath => Path.Combine(TestVectors.RepoRoot(), "tests", "Trading.Crypto.Tests", "js", "runner-sm.mjs");

    private static Task<JsonNode> RunNodeAsync(string command, string inputPath) => JsInteropTests.RunNodeAsync(RunnerPath, command, inputPath, ModulePath);

    [Fact]
    public async Task The_SM_module_reproduces_every_suite_2_vector_value_and_signature()
    {
        var results = (await RunNodeAsync("vectors", TestVectors.Sm2VectorsPath))["results"]!.AsArray();
        Assert.Equal(TestVectors.Cases.Length, results.Count);
        foreach (var r in results)
        {
            Assert.True(r!["mismatches"]!.AsArray().Count == 0, $"{r["name"]}: {r["mismatches"]!.ToJsonString()}");
        }
    }

    [Fact]
    public async Task The_SM_modules_libraries_reproduce_the_standards_published_samples()
    {
        var mismatches = (await RunNodeAsync("samples", SmStandardSampleTests.SamplesPath))["mismatches"]!.AsArray();
        Assert.True(mismatches.Count == 0, mismatches.ToJsonString());
    }

    [Theory]
    [InlineData(3, 2, 0, 1024)]
    [InlineData(3, 3, 5000, 1024)]
    [InlineData(5, 3, 3 * 4096, 4096)]
    public async Task A_bid_sealed_by_the_SM_module_opens_through_the_CSharp_SM2_ceremony_and_its_SM2_manifest_verifies(int n, int t, int length, int chunkSize)
    {
        using var c = new TestCeremony(n, t, suite: CryptoSuites.Sm2);
        using var p256 = new TestCeremony(3, 2);
        var dir = Directory.CreateTempSubdirectory("trading-js-sm-");
        try
        {
            var plaintext = Plaintext(length, seed: length);
            var plainPath = Path.Combine(dir.FullName, "bid.zip");
            await File.WriteAllBytesAsync(plainPath, plaintext, TestContext.Current.CancellationToken);
            var outPath = Path.Combine(dir.FullName, "bid.trbe");
            var request = new JsonObject
            {
                ["jointPublicKey"] = Convert.ToHexStringLower(c.Key.PublicKey),
                ["p256JointPublicKey"] = Convert.ToHexStringLower(p256.Key.PublicKey),
                ["tender"] = Bid.Tender,
                ["lot"] = Bid.Lot,
                ["bidder"] = Bid.Bidder,
                ["chunkSize"] = chunkSize,
                ["plaintextPath"] = plainPath,
                ["outPath"] = outPath,
                ["pieceSize"] = 1000,
            };
            var requestPath = Path.Combine(dir.FullName, "request.json");
            await File.WriteAllTextAsync(requestPath, request.ToJsonString(), TestContext.Current.CancellationToken);
            var result = await RunNodeAsync("seal", requestPath);
            Assert.Contains("SM2 curve", (string)result["refusedP256Key"]!);

            foreach (var path in new[] { outPath, outPath + ".inmemory" })
            {
                var envelope = await File.ReadAllBytesAsync(path, TestContext.Current.CancellationToken);
                var info = await Envelope.ValidateAsync(new MemoryStream(envelope), Bid, c.Key, 1 << 24, null, TestContext.Current.CancellationToken);
                Assert.Equal(CryptoSuites.Sm2, info.Header.Suite);
                var holders = Enumerable.Range(1, n).Reverse().Take(t).ToArray();
                var combination = c.Open(info.Header.EphemeralPoint, holders);
                using var output = new MemoryStream();
                await Envelope.DecryptAsync(new MemoryStream(envelope), output, c.Key, combination, Bid, TestContext.Current.CancellationToken);
                Assert.Equal(plaintext, output.ToArray());
                // The same envelope at a P-256 tender is refused by name.
                var e = await Assert.ThrowsAsync<CryptoException>(() => Envelope.ValidateAsync(new MemoryStream(envelope), Bid, p256.Key, 1 << 24, null, TestContext.Current.CancellationToken));
                Assert.Equal(CryptoErrorCode.SuiteMismatch, e.Code);
                if (path.EndsWith(".inmemory", StringComparison.Ordinal))
                {
                    var signed = CryptoJson.Deserialize<SignedManifest>(await File.ReadAllTextAsync(outPath + ".manifest.json", TestContext.Current.CancellationToken));
                    ManifestSigning.Verify(signed);
                    signed.Manifest.CheckDescribes(info);
                }
            }
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void The_SM_module_imports_only_its_npm_library_and_the_suite_1_module_and_uses_no_Node_APIs()
    {
        var source = File.ReadAllText(ModulePath);
        var imports = source.Split('\n').Where(l => l.StartsWith("import ", StringComparison.Ordinal)).ToArray();
        Assert.Equal(2, imports.Length);
        Assert.EndsWith("from 'sm-crypto-v2';", imports[0]);
        Assert.EndsWith("from './envelope.mjs';", imports[1]);
        Assert.DoesNotContain("require(", source);
        Assert.DoesNotContain("node:", source);
        Assert.DoesNotContain("Buffer.", source);
        Assert.DoesNotContain("process.", source);
    }
}
