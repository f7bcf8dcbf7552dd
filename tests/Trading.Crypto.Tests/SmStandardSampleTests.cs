using System.Text;
using System.Text.Json.Nodes;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Math.EC;

namespace Trading.Crypto.Tests;

/// <summary>The GB/T standards' published SM3, SM4, SM4-GCM and SM2 sample values, checked against what suite 2 uses.</summary>
public class SmStandardSampleTests
{
    internal static string SamplesPath => Path.Combine(TestVectors.Directory, "sm-standard-samples.json");

    private static JsonNode Samples => JsonNode.Parse(File.ReadAllText(SamplesPath))!;

    private static byte[] H(JsonNode? n) => Convert.FromHexString((string)n!);

    private static BigInteger I(JsonNode? n) => new((string)n!, 16);

    [Fact]
    public void SM3_gives_the_standards_digests()
    {
        foreach (var s in Samples["sm3"]!["samples"]!.AsArray())
        {
            Assert.Equal(H(s!["digest"]), SmPrimitives.Sm3(Encoding.ASCII.GetBytes((string)s["messageAscii"]!)));
        }
    }

    [Fact]
    public void SM4_gives_the_standards_ciphertext()
    {
        var s = Samples["sm4"]!;
        var engine = new SM4Engine();
        engine.Init(true, new KeyParameter(H(s["key"])));
        var output = new byte[16];
        engine.ProcessBlock(H(s["plaintext"]), 0, output, 0);
        Assert.Equal(H(s["ciphertext"]), output);
    }

    [Fact]
    public void SM4_GCM_as_suite_2_uses_it_gives_RFC_8998s_ciphertext_and_tag_and_refuses_a_changed_tag()
    {
        var s = Samples["sm4Gcm"]!;
        using var aead = new Sm4GcmAead(H(s["key"]));
        var plaintext = H(s["plaintext"]);
        var ciphertext = new byte[plaintext.Length];
        var tag = new byte[16];
        aead.Encrypt(H(s["iv"]), plaintext, ciphertext, tag, H(s["aad"]));
        Assert.Equal(H(s["ciphertext"]), ciphertext);
        Assert.Equal(H(s["tag"]), tag);

        var back = new byte[plaintext.Length];
        Assert.True(aead.TryDecrypt(H(s["iv"]), ciphertext, tag, back, H(s["aad"])));
        Assert.Equal(plaintext, back);
        tag[0] ^= 1;
        Assert.False(aead.TryDecrypt(H(s["iv"]), ciphertext, tag, back, H(s["aad"])));
        Assert.All(back, b => Assert.Equal(0, b));
    }

    [Fact]
    public void Suite_2s_group_is_the_recommended_SM2_curve_of_GB_T_32918_5_on_BouncyCastles_fast_custom_field()
    {
        var s = Samples["sm2Curve"]!;
        var g = EcGroup.Sm2;
        Assert.Equal("SM2P256V1Curve", g.Curve.GetType().Name);
        Assert.Equal(I(s["p"]), g.Curve.Field.Characteristic);
        Assert.Equal(I(s["a"]), g.Curve.A.ToBigInteger());
        Assert.Equal(I(s["b"]), g.Curve.B.ToBigInteger());
        Assert.Equal(I(s["n"]), g.N);
        Assert.Equal(I(s["gx"]), g.G.AffineXCoord.ToBigInteger());
        Assert.Equal(I(s["gy"]), g.G.AffineYCoord.ToBigInteger());
    }

    [Fact]
    public void SM2_signature_of_the_standards_example_reproduces_Z_e_r_and_s_and_verifies()
    {
        var s = Samples["sm2Signature"]!;
        var c = s["curve"]!;
        var curve = new FpCurve(I(c["p"]), I(c["a"]), I(c["b"]), I(c["n"]), BigInteger.One);
        var g = curve.CreatePoint(I(c["gx"]), I(c["gy"]));
        var domain = new ECDomainParameters(curve, g, I(c["n"]));
        var d = I(s["privateKey"]);
        var q = g.Multiply(d).Normalize();
        Assert.Equal(I(s["publicKeyX"]), q.AffineXCoord.ToBigInteger());
        Assert.Equal(I(s["publicKeyY"]), q.AffineYCoord.ToBigInteger());

        var userId = Encoding.ASCII.GetBytes((string)s["userIdAscii"]!);
        var message = Encoding.ASCII.GetBytes((string)s["messageAscii"]!);
        var z = Sm2Signatures.ZValue(new Org.BouncyCastle.Asn1.X9.X9ECParameters(curve, new Org.BouncyCastle.Asn1.X9.X9ECPoint(g, false), I(c["n"])), q.GetEncoded(false), (string)s["userIdAscii"]!);
        Assert.Equal(H(s["z"]), z);
        Assert.Equal(H(s["e"]), SmPrimitives.Sm3([.. z, .. message]));

        var signer = new SM2Signer(PlainDsaEncoding.Instance, new SM3Digest());
        signer.Init(true, new ParametersWithID(new ParametersWithRandom(new ECPrivateKeyParameters(d, domain), new FixedBytesRandom(H(s["k"]))), userId));
        signer.BlockUpdate(message, 0, message.Length);
        var signature = signer.GenerateSignature();
        Assert.Equal([.. H(s["r"]), .. H(s["s"])], signature);

        var verifier = new SM2Signer(PlainDsaEncoding.Instance, new SM3Digest());
        verifier.Init(false, new ParametersWithID(new ECPublicKeyParameters(q, domain), userId));
        verifier.BlockUpdate(message, 0, message.Length);
        Assert.True(verifier.VerifySignature(signature));
        signature[63] ^= 1;
        verifier.Init(false, new ParametersWithID(new ECPublicKeyParameters(q, domain), userId));
        verifier.BlockUpdate(message, 0, message.Length);
        Assert.False(verifier.VerifySignature(signature));
    }
}
