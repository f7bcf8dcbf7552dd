using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Trading.Crypto;
using static Trading.Crypto.Tests.EnvelopeTestData;

namespace Trading.Crypto.Tests;

/// <summary>Runs the browser module (src/Trading.Crypto/js/envelope.mjs) under Node's WebCrypto on every test run.</summary>
public class JsInteropTests
{
    private static string ModulePath => Path.Combine(TestVectors.RepoRoot(), "src", "Trading.Crypto", "js", "envelope.mjs");

    private static string RunnerPath => Path.Combine(TestVectors.RepoRoot(), "tests", "Trading.Crypto.Tests", "js", "runner.mjs");

    internal static Task<JsonNode> RunNodeAsync(string command, string inputPath) => RunNodeAsync(RunnerPath, command, inputPath, ModulePath);

    /// <summary>Runs a Node runner script on one input file and module; its standard output is the JSON result.</summary>
    internal static async Task<JsonNode> RunNodeAsync(string runner, string command, string inputPath, string module)
    {
        var psi = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(runner);
        psi.ArgumentList.Add(command);
        psi.ArgumentList.Add(inputPath);
        psi.ArgumentList.Add(module);
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("node did not start");
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        // A guard against a hung runner, not a speed check: the holder ceremony in pure JavaScript (suite 2 above all)
        // took over a minute on a 2-core machine at load 45, so the guard leaves ample room.
        timeout.CancelAfter(TimeSpan.FromMinutes(5));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        Assert.True(process.ExitCode == 0, $"node exited {process.ExitCode}: {await stderr}");
        return JsonNode.Parse(await stdout)!;
    }

    [Fact]
    public async Task The_JS_module_reproduces_every_test_vector_value()
    {
        var result = await RunNodeAsync("vectors", TestVectors.VectorsPath);
        var results = result["results"]!.AsArray();
        Assert.Equal(TestVectors.Cases.Length, results.Count);
        foreach (var r in results)
        {
            Assert.True(r!["mismatches"]!.AsArray().Count == 0, $"{r["name"]}: {r["mismatches"]!.ToJsonString()}");
        }
    }

    [Theory]
    [InlineData(3, 3, 0, 1024)]
    [InlineData(3, 2, 5000, 1024)]
    [InlineData(5, 3, 3 * 4096, 4096)]
    public async Task A_bid_sealed_by_the_JS_module_opens_through_the_CSharp_ceremony(int n, int t, int length, int chunkSize)
    {
        using var c = new TestCeremony(n, t);
        var dir = Directory.CreateTempSubdirectory("trading-js-");
        try
        {
            var plaintext = Plaintext(length, seed: length);
            var plainPath = Path.Combine(dir.FullName, "bid.zip");
            await File.WriteAllBytesAsync(plainPath, plaintext, TestContext.Current.CancellationToken);
            var outPath = Path.Combine(dir.FullName, "bid.trbe");
            var request = new JsonObject
            {
                ["jointPublicKey"] = Convert.ToHexStringLower(c.Key.PublicKey),
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
            await RunNodeAsync("seal", requestPath);

            foreach (var path in new[] { outPath, outPath + ".inmemory" })
            {
                var envelope = await File.ReadAllBytesAsync(path, TestContext.Current.CancellationToken);
                var info = await Envelope.ValidateAsync(new MemoryStream(envelope), Bid, c.Key.KeyId, 1 << 24, null, TestContext.Current.CancellationToken);
                var (header, _) = await EnvelopeHeader.ReadAsync(new MemoryStream(envelope), TestContext.Current.CancellationToken);
                var holders = Enumerable.Range(1, n).Reverse().Take(t).ToArray();
                var combination = c.Open(header.EphemeralPoint, holders);
                Assert.Equal(plaintext, await OpenAsync(c, envelope, combination: combination));
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
}

public class GuardTests
{
    [Fact]
    public void The_group_is_BouncyCastles_fast_custom_P256_not_the_generic_curve()
    {
        Assert.Equal("SecP256R1Curve", P256.Curve.GetType().Name);
        Assert.Equal("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551", P256.N.ToString(16));
    }

    [Fact]
    public void The_browser_module_imports_nothing_and_uses_no_Node_APIs()
    {
        var source = File.ReadAllText(Path.Combine(TestVectors.RepoRoot(), "src", "Trading.Crypto", "js", "envelope.mjs"));
        Assert.DoesNotContain("import ", source);
        Assert.DoesNotContain("require(", source);
        Assert.DoesNotContain("node:", source);
        Assert.DoesNotContain("Buffer.", source);
        Assert.DoesNotContain("process.", source);
        Assert.Contains("globalThis.crypto.subtle", source);
    }
}
