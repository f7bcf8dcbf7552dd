using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Org.BouncyCastle.Math;
using Trading.Crypto;

namespace Trading.Crypto.Tests;

/// <summary>
/// Builds the JSON test vectors in docs/test-vectors from fixed inputs, recording every intermediate value.
/// The C# tests regenerate and compare them, the JS module and the CLI reproduce them.
/// Set TRADING_WRITE_VECTORS=1 to rewrite the files after an intended format change.
/// </summary>
internal static class TestVectors
{
    public static string Directory => Path.Combine(RepoRoot(), "docs", "test-vectors");

    public static string RepoRoot()
    {
        var dir = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(dir, "Trading.sln")))
        {
            dir = Path.GetDirectoryName(dir) ?? throw new InvalidOperationException("repository root not found");
        }

        return dir;
    }

    public sealed record Case(string Name, int Holders, int Threshold, int[] Used, int PlaintextLength, int ChunkSize, string Tender, string Lot, string Bidder);

    public static readonly Case[] Cases =
    [
        new("2-of-3, four chunks, short final chunk", 3, 2, [1, 3], 100, 32, "tender-2026-001", "lot-1", "bidder-91350100MA2XXXXX"),
        new("3-of-3, empty bid", 3, 3, [1, 2, 3], 0, 32, "tender-2026-001", "", "bidder-A"),
        new("3-of-5, final chunk full size, UTF-8 ids", 5, 3, [2, 4, 5], 96, 32, "招标-2026-007", "第一标段", "投标人-甲"),
    ];

    /// <summary>A scalar derived from a label, so the vectors are reproducible and their secrets are obviously test-only.</summary>
    public static BigInteger Scalar(string label) => Scalar(label, P256.N);

    /// <summary>The same derivation reduced into another group's order (suite 2's vectors).</summary>
    public static BigInteger Scalar(string label, BigInteger n) =>
        new BigInteger(1, SHA256.HashData(Encoding.UTF8.GetBytes("trading test vector: " + label))).Mod(n.Subtract(BigInteger.One)).Add(BigInteger.One);

    public static byte[] Bytes(string label, int length) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes("trading test vector: " + label), length);

    private static string Hex(byte[] b) => Convert.ToHexStringLower(b);

    private static string Hex(BigInteger s) => Hex(P256.EncodeScalar(s));

    public static Task<(JsonObject Vectors, OpeningTranscript Transcript)> GenerateAsync() => GenerateAsync(CryptoSuite.P256);

    internal static async Task<(JsonObject Vectors, OpeningTranscript Transcript)> GenerateAsync(CryptoSuite suite)
    {
        var list = new JsonArray();
        var bids = new List<BidOpening>();
        JointKey? firstKey = null;
        foreach (var c in Cases)
        {
            var (node, key, opening) = await GenerateCaseAsync(c, suite);
            list.Add(node);
            if (firstKey is null || key.KeyId.AsSpan().SequenceEqual(firstKey.KeyId))
            {
                firstKey ??= key;
                bids.Add(opening);
            }
        }

        var root = new JsonObject
        {
            ["description"] = suite == CryptoSuite.P256
                ? "Sealed-bid envelope format version 1 test vectors (docs/envelope-format.md). Every secret here is derived from a public label: test use only."
                : "Sealed-bid envelope format version 1, suite 2 (SM2/SM3/SM4) test vectors (docs/envelope-format.md, section 11). Every secret here is derived from a public label: test use only.",
            ["suite"] = suite.Name,
            ["vectors"] = list,
        };
        return (root, new OpeningTranscript(1, firstKey!, bids));
    }

    private static async Task<(JsonObject Node, JointKey Key, BidOpening Opening)> GenerateCaseAsync(Case c, CryptoSuite suite)
    {
        var g = suite.Group;
        BigInteger Scalar(string label) => TestVectors.Scalar(label, g.N);
        var p = new CeremonyParameters($"vector ceremony {c.Holders}-{c.Threshold}", c.Holders, c.Threshold, suite.Name);
        var dealers = Enumerable.Range(1, c.Holders).Select(i => HolderDealer.CreateDeterministic(p, i,
            Enumerable.Range(0, c.Threshold).Select(k => Scalar($"{p.CeremonyId} dealer {i} coefficient {k}")).ToArray(),
            Scalar($"{p.CeremonyId} dealer {i} schnorr nonce"))).ToList();
        var commitments = dealers.Select(d => d.Commitment).ToList();
        var key = CeremonyVerifier.ComputeJointKey(p, commitments);
        var secrets = Enumerable.Range(1, c.Holders).Select(j => CeremonyVerifier.CombineShares(p, key, commitments, j, dealers.Select(d => d.ShareFor(j)).ToList())).ToList();
        var jointSecret = Enumerable.Range(1, c.Holders).Select(i => Scalar($"{p.CeremonyId} dealer {i} coefficient 0")).Aggregate(BigInteger.Zero, (a, b) => a.Add(b)).Mod(g.N);

        var bid = new BidContext(c.Tender, c.Lot, c.Bidder);
        var e = Scalar($"{c.Name} ephemeral");
        var seal = SealSecrets.Fixed(e, Bytes($"{c.Name} file key", 32), Bytes($"{c.Name} salt", 32), suite);
        var plaintext = Bytes($"{c.Name} plaintext", Math.Max(1, c.PlaintextLength))[..c.PlaintextLength];
        using var output = new MemoryStream();
        var result = await Envelope.SealAsync(new MemoryStream(plaintext), output, key.PublicKey, bid, new EnvelopeSealOptions { ChunkSize = c.ChunkSize }, seal, CancellationToken.None);
        var envelope = output.ToArray();

        var r = g.Encode(g.MultiplyG(e));
        var z = ThresholdOpening.SharedSecretFromPrivateKey(e, key.PublicKey, g);
        var kek = EnvelopeKdf.Kek(z, r, key.PublicKey, suite.Id, bid);
        var (payloadKey, prefix) = EnvelopeKdf.Payload(seal.FileKey, seal.Salt, suite);
        var headerBytes = result.Header.Encode();
        var offset = headerBytes.Length + EnvelopeHeader.WrappedKeyLength;
        var chunks = new JsonArray();
        var count = Math.Max(1, (c.PlaintextLength + c.ChunkSize - 1) / c.ChunkSize);
        for (var i = 0; i < count; i++)
        {
            var len = Math.Min(c.ChunkSize, c.PlaintextLength - i * c.ChunkSize) + 16;
            var nonce = new byte[12];
            EnvelopeKdf.Nonce(prefix, (uint)i, i == count - 1, nonce);
            chunks.Add(new JsonObject { ["nonce"] = Hex(nonce), ["ciphertextAndTag"] = Hex(envelope[offset..(offset + len)]) });
            offset += len;
        }

        var partials = new List<PartialDecryption>();
        var partialNodes = new JsonArray();
        foreach (var i in c.Used)
        {
            var k = Scalar($"{c.Name} dleq nonce {i}");
            var partial = ThresholdOpening.PartialDecrypt(secrets[i - 1], key, r, k);
            partials.Add(partial);
            var rPoint = g.Decode(r, "R");
            partialNodes.Add(new JsonObject
            {
                ["holder"] = i,
                ["nonce"] = Hex(k),
                ["A"] = Hex(g.Encode(g.MultiplyG(k))),
                ["B"] = Hex(g.Encode(g.Multiply(rPoint, k))),
                ["D"] = Hex(partial.D),
                ["challenge"] = Hex(partial.Proof.Challenge),
                ["response"] = Hex(partial.Proof.Response),
            });
        }

        var combination = ThresholdOpening.Combine(key, r, partials);
        var bidOpening = OpeningTranscript.Record(result.Header, SHA256.HashData(envelope), partials, combination);
        var manifest = new BidManifest(suite.Name, c.Tender, c.Lot, c.Bidder, result.HeaderHash, SHA256.HashData(envelope), envelope.Length);
        var eBytes = g.EncodeScalar(e);
        var node = new JsonObject
        {
            ["name"] = c.Name,
            ["ceremony"] = new JsonObject
            {
                ["ceremonyId"] = p.CeremonyId,
                ["holders"] = c.Holders,
                ["threshold"] = c.Threshold,
                ["dealers"] = new JsonArray(dealers.Select((d, idx) => (JsonNode)new JsonObject
                {
                    ["index"] = d.HolderIndex,
                    ["coefficients"] = new JsonArray(Enumerable.Range(0, c.Threshold).Select(k => (JsonNode)Hex(Scalar($"{p.CeremonyId} dealer {d.HolderIndex} coefficient {k}"))).ToArray()),
                    ["commitments"] = new JsonArray(d.Commitment.Coefficients.Select(x => (JsonNode)Hex(x)).ToArray()),
                    ["schnorrNonce"] = Hex(Scalar($"{p.CeremonyId} dealer {d.HolderIndex} schnorr nonce")),
                    ["schnorrA"] = Hex(g.Encode(g.MultiplyG(Scalar($"{p.CeremonyId} dealer {d.HolderIndex} schnorr nonce")))),
                    ["schnorrChallenge"] = Hex(d.Commitment.Proof.Challenge),
                    ["schnorrResponse"] = Hex(d.Commitment.Proof.Response),
                    ["sharesByRecipient"] = new JsonArray(Enumerable.Range(1, c.Holders).Select(j => (JsonNode)Hex(d.ShareFor(j).Value)).ToArray()),
                }).ToArray()),
                ["holderSecrets"] = new JsonArray(secrets.Select(s => (JsonNode)Hex(s.ScalarBytes.ToArray())).ToArray()),
                ["verificationKeys"] = new JsonArray(key.VerificationKeys.Select(v => (JsonNode)Hex(v)).ToArray()),
                ["jointSecret"] = Hex(jointSecret),
                ["jointPublicKey"] = Hex(key.PublicKey),
                ["keyId"] = Hex(key.KeyId),
            },
            ["envelope"] = new JsonObject
            {
                ["tender"] = c.Tender,
                ["lot"] = c.Lot,
                ["bidder"] = c.Bidder,
                ["chunkSize"] = c.ChunkSize,
                ["plaintext"] = Hex(plaintext),
                ["ephemeralPrivate"] = Hex(eBytes),
                ["ephemeralJwk"] = new JsonObject
                {
                    ["x"] = Base64Url(r[1..33]),
                    ["y"] = Base64Url(r[33..]),
                    ["d"] = Base64Url(eBytes),
                },
                ["R"] = Hex(r),
                ["z"] = Hex(z),
                ["kekSalt"] = Hex(EnvelopeKdf.KekSalt(r, key.PublicKey)),
                ["kekInfo"] = Hex(EnvelopeKdf.KekInfo(suite.Id, bid)),
                ["kek"] = Hex(kek),
                ["fileKey"] = Hex(seal.FileKey),
                ["salt"] = Hex(seal.Salt),
                ["header"] = Hex(headerBytes),
                ["headerHash"] = Hex(result.HeaderHash),
                ["wrappedKey"] = Hex(envelope[headerBytes.Length..(headerBytes.Length + EnvelopeHeader.WrappedKeyLength)]),
                ["payloadInfo"] = Hex(Wire.Label(EnvelopeKdf.PayloadInfoLabel)),
                ["payloadKey"] = Hex(payloadKey),
                ["noncePrefix"] = Hex(prefix),
                ["chunks"] = chunks,
                ["envelope"] = Hex(envelope),
                ["envelopeSha256"] = Hex(SHA256.HashData(envelope)),
            },
            ["opening"] = new JsonObject
            {
                ["partials"] = partialNodes,
                ["holdersUsed"] = new JsonArray(c.Used.Select(i => (JsonNode)i).ToArray()),
                ["lagrange"] = new JsonArray(combination.Terms.Select(t => (JsonNode)Hex(t.Coefficient)).ToArray()),
                ["combinedD"] = Hex(combination.D),
                ["z"] = Hex(combination.SharedSecret),
            },
            ["manifestSigningBytes"] = Hex(manifest.ToSigningBytes()),
        };
        if (suite == CryptoSuite.Sm2)
        {
            // WebCrypto has no SM2, so the ephemeral key as a JWK (for WebCrypto's ECDH) is suite 1's alone.
            node["envelope"]!.AsObject().Remove("ephemeralJwk");
            node["manifestSignature"] = Sm2ManifestSignature(c, manifest);
        }
        foreach (var s in secrets)
        {
            s.Dispose();
        }

        return (node, key, bidOpening);
    }

    /// <summary>
    /// The bidder's SM2 signature over the manifest with a fixed k (a test-only byte source), and every value in between:
    /// Z_A with the default user id, e = SM3(Z_A || M), x1 = x(kG), r and s.
    /// </summary>
    private static JsonObject Sm2ManifestSignature(Case c, BidManifest manifest)
    {
        var g = EcGroup.Sm2;
        var d = Scalar($"{c.Name} bidder SM2 key", g.N);
        var k = Scalar($"{c.Name} bidder SM2 signature k", g.N);
        var key = Sm2SigningKey.FromScalar(d);
        var message = manifest.ToSigningBytes();
        var signature = key.Sign(message, new FixedBytesRandom(g.EncodeScalar(k)));
        var z = Sm2Signatures.ZValue(key.PublicPoint);
        return new JsonObject
        {
            ["userId"] = Sm2Signatures.DefaultUserId,
            ["privateKey"] = Hex(g.EncodeScalar(d)),
            ["publicKey"] = Hex(key.PublicPoint),
            ["subjectPublicKeyInfo"] = Hex(key.ExportSubjectPublicKeyInfo()),
            ["z"] = Hex(z),
            ["e"] = Hex(SmPrimitives.Sm3([.. z, .. message])),
            ["k"] = Hex(g.EncodeScalar(k)),
            ["x1"] = Hex(g.EncodeScalar(g.MultiplyG(k).AffineXCoord.ToBigInteger())),
            ["signature"] = Hex(signature),
        };
    }

    private static string Base64Url(byte[] b) => Convert.ToBase64String(b).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static string VectorsPath => Path.Combine(Directory, "envelope-v1.json");
    public static string TranscriptPath => Path.Combine(Directory, "opening-transcript-v1.json");
    public static string Sm2VectorsPath => Path.Combine(Directory, "envelope-sm2-v1.json");
    public static string Sm2TranscriptPath => Path.Combine(Directory, "opening-transcript-sm2-v1.json");

    internal static (string Vectors, string Transcript) PathsFor(CryptoSuite suite) =>
        suite == CryptoSuite.P256 ? (VectorsPath, TranscriptPath) : (Sm2VectorsPath, Sm2TranscriptPath);
}

/// <summary>
/// A byte source that hands out fixed bytes, so an SM2 signature's k is the vector's (BouncyCastle draws k as 32 random
/// bytes). Test vectors only: anything else signs with the system's generator.
/// </summary>
internal sealed class FixedBytesRandom(byte[] bytes) : Org.BouncyCastle.Security.SecureRandom
{
    private int _offset;

    public override void NextBytes(byte[] buf) => NextBytes(buf.AsSpan());

    public override void NextBytes(byte[] buf, int off, int len) => NextBytes(buf.AsSpan(off, len));

    public override void NextBytes(Span<byte> buffer)
    {
        if (_offset + buffer.Length > bytes.Length)
        {
            throw new InvalidOperationException("the fixed bytes are used up");
        }

        bytes.AsSpan(_offset, buffer.Length).CopyTo(buffer);
        _offset += buffer.Length;
    }
}

public class TestVectorTests
{
    [Theory]
    [InlineData(CryptoSuites.P256)]
    [InlineData(CryptoSuites.Sm2)]
    public async Task The_committed_vectors_are_exactly_what_this_code_computes(string suiteName)
    {
        var suite = CryptoSuite.ByName(suiteName);
        var (vectorsPath, transcriptPath) = TestVectors.PathsFor(suite);
        var (vectors, transcript) = await TestVectors.GenerateAsync(suite);
        var json = vectors.ToJsonString(new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n";
        var transcriptJson = CryptoJson.Serialize(transcript) + "\n";
        if (Environment.GetEnvironmentVariable("TRADING_WRITE_VECTORS") == "1")
        {
            System.IO.Directory.CreateDirectory(TestVectors.Directory);
            await File.WriteAllTextAsync(vectorsPath, json, TestContext.Current.CancellationToken);
            await File.WriteAllTextAsync(transcriptPath, transcriptJson, TestContext.Current.CancellationToken);
        }

        var committed = JsonNode.Parse(await File.ReadAllTextAsync(vectorsPath, TestContext.Current.CancellationToken));
        Assert.True(JsonNode.DeepEquals(vectors, committed), $"{Path.GetFileName(vectorsPath)} differs from what the code computes");
        var committedTranscript = CryptoJson.Deserialize<OpeningTranscript>(await File.ReadAllTextAsync(transcriptPath, TestContext.Current.CancellationToken));
        Assert.Equal(CryptoJson.Serialize(transcript), CryptoJson.Serialize(committedTranscript));
        Assert.True(OpeningVerifier.Verify(committedTranscript).Valid);
    }

    [Theory]
    [InlineData(CryptoSuites.P256)]
    [InlineData(CryptoSuites.Sm2)]
    public async Task Every_vector_opens_with_its_joint_secret_and_with_its_recorded_partials(string suiteName)
    {
        var suite = CryptoSuite.ByName(suiteName);
        var g = suite.Group;
        var root = JsonNode.Parse(await File.ReadAllTextAsync(TestVectors.PathsFor(suite).Vectors, TestContext.Current.CancellationToken))!;
        Assert.Equal(suiteName, (string)root["suite"]!);
        foreach (var v in root["vectors"]!.AsArray())
        {
            var env = v!["envelope"]!;
            var y = Convert.FromHexString((string)v["ceremony"]!["jointPublicKey"]!);
            var x = new BigInteger((string)v["ceremony"]!["jointSecret"]!, 16);
            Assert.Equal(y, g.Encode(g.MultiplyG(x)));
            var r = Convert.FromHexString((string)env["R"]!);
            var z = ThresholdOpening.SharedSecretFromPrivateKey(x, r, g);
            Assert.Equal((string)env["z"]!, Convert.ToHexStringLower(z));
            using var output = new MemoryStream();
            var bid = new BidContext((string)env["tender"]!, (string)env["lot"]!, (string)env["bidder"]!);
            await Envelope.DecryptWithSharedSecretAsync(new MemoryStream(Convert.FromHexString((string)env["envelope"]!)), output, y, r, z, bid, TestContext.Current.CancellationToken);
            Assert.Equal((string)env["plaintext"]!, Convert.ToHexStringLower(output.ToArray()));
        }
    }
}
