using System.Text.Json.Nodes;
using Org.BouncyCastle.Pkcs;

namespace Trading.Crypto.Tests;

/// <summary>
/// A firm's SM2 certificate request (PKCS#10, SM3withSM2, default user id): docs/test-vectors/firm-certificate-sm2-v1.json
/// is what BouncyCastle writes from fixed inputs, the browser module (envelope-sm.mjs under Node) writes the same bytes,
/// each side's fresh request verifies on the other's, and the CLI's `bidder-key --suite sm2 --csr` request verifies.
/// </summary>
public class Sm2CertificateRequestTests
{
    private static string VectorPath => Path.Combine(TestVectors.Directory, "firm-certificate-sm2-v1.json");

    private static readonly string[] Names = ["plain", "chinese common name"];

    /// <summary>The vector file from fixed inputs: key, k, x1 = x(kG), and the request's DER.</summary>
    internal static JsonObject Generate()
    {
        var g = EcGroup.Sm2;
        var requests = new JsonArray();
        foreach (var name in Names)
        {
            var d = TestVectors.Scalar($"firm certificate {name} SM2 key", g.N);
            var k = TestVectors.Scalar($"firm certificate {name} request k", g.N);
            var key = Sm2SigningKey.FromScalar(d);
            var commonName = name == "plain" ? "firm signing key" : "投标单位签名密钥";
            requests.Add(new JsonObject
            {
                ["name"] = name,
                ["userId"] = Sm2Signatures.DefaultUserId,
                ["privateKey"] = Convert.ToHexStringLower(g.EncodeScalar(d)),
                ["subjectPublicKeyInfo"] = Convert.ToHexStringLower(key.ExportSubjectPublicKeyInfo()),
                ["commonName"] = commonName,
                ["k"] = Convert.ToHexStringLower(g.EncodeScalar(k)),
                ["x1"] = Convert.ToHexStringLower(g.EncodeScalar(g.MultiplyG(k).AffineXCoord.ToBigInteger())),
                ["request"] = Convert.ToHexStringLower(key.CreateCertificationRequest(commonName, new FixedBytesRandom(g.EncodeScalar(k)))),
            });
        }
        return new JsonObject
        {
            ["description"] = "PKCS#10 certification requests for a firm's SM2 signing key, signed SM3withSM2 (GM/T 0015) with the default user id; k fixed for reproduction only",
            ["signatureAlgorithm"] = "1.2.156.10197.1.501",
            ["requests"] = requests,
        };
    }

    [Fact]
    public async Task The_committed_vector_is_what_BouncyCastle_writes_and_every_request_verifies()
    {
        var json = Generate().ToJsonString(new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n";
        if (Environment.GetEnvironmentVariable("TRADING_WRITE_VECTORS") == "1")
            await File.WriteAllTextAsync(VectorPath, json, TestContext.Current.CancellationToken);
        var committed = JsonNode.Parse(await File.ReadAllTextAsync(VectorPath, TestContext.Current.CancellationToken))!;
        Assert.True(JsonNode.DeepEquals(Generate(), committed), "firm-certificate-sm2-v1.json differs from what the code computes");
        foreach (var r in committed["requests"]!.AsArray())
        {
            var request = new Pkcs10CertificationRequest(Convert.FromHexString((string)r!["request"]!));
            Assert.True(request.Verify());
            Assert.Equal("1.2.156.10197.1.501", request.SignatureAlgorithm.Algorithm.Id);
            Assert.Equal((string)r["subjectPublicKeyInfo"]!, Convert.ToHexStringLower(request.GetCertificationRequestInfo().SubjectPublicKeyInfo.GetEncoded()));
        }
    }

    [Fact]
    public async Task The_browser_module_writes_the_vectors_bytes_and_its_fresh_request_verifies_in_BouncyCastle()
    {
        var result = await JsInteropTests.RunNodeAsync(Path.Combine(TestVectors.RepoRoot(), "tests", "Trading.Crypto.Tests", "js", "runner-sm.mjs"),
            "certificate-request", VectorPath, Path.Combine(TestVectors.RepoRoot(), "src", "Trading.Crypto", "js", "envelope-sm.mjs"));
        Assert.True(result["mismatches"]!.AsArray().Count == 0, result["mismatches"]!.ToJsonString());
        var fresh = new Pkcs10CertificationRequest(Convert.FromHexString((string)result["fresh"]!["request"]!));
        Assert.True(fresh.Verify());
        Assert.Equal((string)result["fresh"]!["subjectPublicKeyInfo"]!, Convert.ToHexStringLower(fresh.GetCertificationRequestInfo().SubjectPublicKeyInfo.GetEncoded()));
        // The module's signBytes (a committee member's SM2 signature of a statement) verifies here, and not over other bytes.
        var spki = Convert.FromHexString((string)result["fresh"]!["subjectPublicKeyInfo"]!);
        var statementSignature = Convert.FromHexString((string)result["fresh"]!["statementSignature"]!);
        Assert.True(Sm2Signatures.Verify(spki, "{\"kind\":\"evaluation.report.member-signature\"}"u8.ToArray(), statementSignature));
        Assert.False(Sm2Signatures.Verify(spki, "{\"kind\":\"evaluation.report.member-signature \"}"u8.ToArray(), statementSignature));

        // One changed byte in the signed part and it no longer verifies: the check is real.
        var der = Convert.FromHexString((string)result["fresh"]!["request"]!);
        der[^80] ^= 0x01;
        Assert.False(Verifies(der));
    }

    [Fact]
    public async Task The_CLI_writes_an_SM2_request_for_the_key_it_writes_and_a_P256_one_for_a_P256_key()
    {
        var dir = Directory.CreateTempSubdirectory("trading-csr-");
        try
        {
            var key = Path.Combine(dir.FullName, "bidder-key.pem");
            var csr = Path.Combine(dir.FullName, "bidder-key.csr");
            var run = CliTests.Run("bidder-key", "--suite", "sm2", "--out", key, "--csr", csr);
            Assert.True(run.Code == 0, run.Out + run.Err);
            var pem = await File.ReadAllTextAsync(csr, TestContext.Current.CancellationToken);
            var fields = System.Security.Cryptography.PemEncoding.Find(pem);
            var request = new Pkcs10CertificationRequest(Convert.FromBase64String(pem[fields.Base64Data]));
            Assert.True(request.Verify());
            Assert.Equal("1.2.156.10197.1.501", request.SignatureAlgorithm.Algorithm.Id);
            Assert.Equal(Sm2SigningKey.FromPkcs8Pem(await File.ReadAllTextAsync(key, TestContext.Current.CancellationToken)).ExportSubjectPublicKeyInfo(),
                request.GetCertificationRequestInfo().SubjectPublicKeyInfo.GetEncoded());

            // Suite 1: an ECDSA-with-SHA-256 request .NET reads back, for the P-256 key.
            var p256 = CliTests.Run("bidder-key", "--out", key + "1", "--csr", csr + "1");
            Assert.True(p256.Code == 0, p256.Out + p256.Err);
            var loaded = System.Security.Cryptography.X509Certificates.CertificateRequest.LoadSigningRequestPem(
                await File.ReadAllTextAsync(csr + "1", TestContext.Current.CancellationToken), System.Security.Cryptography.HashAlgorithmName.SHA256);
            using var ec = System.Security.Cryptography.ECDsa.Create();
            ec.ImportFromPem(await File.ReadAllTextAsync(key + "1", TestContext.Current.CancellationToken));
            Assert.Equal(ec.ExportSubjectPublicKeyInfo(), loaded.PublicKey.ExportSubjectPublicKeyInfo());

            // An existing request file is not overwritten.
            Assert.NotEqual(0, CliTests.Run("bidder-key", "--suite", "sm2", "--out", key + "2", "--csr", csr).Code);
        }
        finally
        {
            dir.Delete(true);
        }
    }

    private static bool Verifies(byte[] der)
    {
        try
        {
            return new Pkcs10CertificationRequest(der).Verify();
        }
        catch (Exception e) when (e is ArgumentException or IOException or Org.BouncyCastle.Security.GeneralSecurityException or InvalidOperationException)
        {
            return false;
        }
    }
}
