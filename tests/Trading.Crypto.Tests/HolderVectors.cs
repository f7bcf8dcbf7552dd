using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Org.BouncyCastle.Math;
using Trading.Crypto;

namespace Trading.Crypto.Tests;

/// <summary>
/// Test vectors for the holder side (docs/test-vectors/holder-v1.json): officer transport keys and their sealing,
/// dealings with every share encrypted to every officer, the commitment hash, an acknowledgement, a complaint with
/// its evidence, the joint key, a holder's secret, the canary and a partial decryption, all from fixed inputs.
/// The C# test regenerates and compares them; the holder module (js/holder.mjs) reproduces every value under Node.
/// Set TRADING_WRITE_VECTORS=1 to rewrite the file after an intended format change.
/// </summary>
internal static class HolderVectors
{
    public static string Path => System.IO.Path.Combine(TestVectors.Directory, "holder-v1.json");

    public static readonly CeremonyParameters Parameters = new("tender-2026-001/holder-vectors", 3, 2);

    /// <summary>Holder 1 has two officers (any one acts), holders 2 and 3 one each.</summary>
    public static readonly (int Holder, string Officer)[] Officers = [(1, "1a"), (1, "1b"), (2, "2a"), (3, "3a")];

    public const string Passphrase = "vector passphrase: Gd7!kq2 walnut-otter-harbour";

    public const string CanaryContext = "tender-2026-001/holder-vectors|1|2026-12-03";

    private static string Hex(byte[] b) => Convert.ToHexStringLower(b);

    private static string Hex(BigInteger s) => Hex(P256.EncodeScalar(s));

    public static ECDiffieHellman KeyFromScalar(BigInteger x)
    {
        var q = P256.Encode(P256.MultiplyG(x));
        return ECDiffieHellman.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256, D = P256.EncodeScalar(x),
            Q = new System.Security.Cryptography.ECPoint { X = q[1..33], Y = q[33..65] },
        });
    }

    private static JsonNode Node<T>(T record) => JsonNode.Parse(CryptoJson.Serialize(record))!;

    public static JsonObject Generate()
    {
        var p = Parameters;
        var officerScalars = Officers.ToDictionary(o => o.Officer, o => TestVectors.Scalar($"officer {o.Officer} transport key"));
        var officerKeys = officerScalars.ToDictionary(kv => kv.Key, kv => KeyFromScalar(kv.Value));
        var points = officerKeys.ToDictionary(kv => kv.Key, kv => ShareTransport.PublicPoint(kv.Value));
        var byHolder = Officers.GroupBy(o => o.Holder).ToDictionary(g => g.Key, g => (IReadOnlyList<byte[]>)g.Select(o => points[o.Officer]).ToList());

        var sealedKey = ShareSealing.SealTransportKey(officerKeys["1a"], 1, "officer-1a", Passphrase, Argon2Settings.Default,
            TestVectors.Bytes("seal salt 1a", 16), TestVectors.Bytes("seal nonce 1a", 12));

        var dealings = new List<HolderDealing>();
        var dealingInputs = new JsonArray();
        var shareValues = new Dictionary<(int Dealer, int Recipient), byte[]>();
        for (var i = 1; i <= p.Holders; i++)
        {
            var coefficients = Enumerable.Range(0, p.Threshold).Select(k => TestVectors.Scalar($"dealer {i} coefficient {k}")).ToArray();
            var nonce = TestVectors.Scalar($"dealer {i} proof nonce");
            var dealer = HolderDealer.CreateDeterministic(p, i, coefficients, nonce);
            var shares = new List<OfficerShare>();
            var ephemerals = new JsonArray();
            var e = 0;
            for (var j = 1; j <= p.Holders; j++)
            {
                var share = dealer.ShareFor(j);
                shareValues[(i, j)] = share.Value;
                foreach (var officer in byHolder[j])
                {
                    var eph = TestVectors.Scalar($"dealer {i} ephemeral {e++}");
                    ephemerals.Add(Hex(eph));
                    using var ephKey = KeyFromScalar(eph);
                    shares.Add(new OfficerShare(officer, ShareTransport.Encrypt(p, share, officer, ephKey)));
                }
            }

            var dealing = new HolderDealing(dealer.Commitment, shares);
            HolderProtocol.VerifyDealing(p, dealing, byHolder);
            dealings.Add(dealing);
            dealingInputs.Add(new JsonObject
            {
                ["dealer"] = i,
                ["coefficients"] = new JsonArray(coefficients.Select(c => (JsonNode)Hex(c)).ToArray()),
                ["proofNonce"] = Hex(nonce),
                ["ephemerals"] = ephemerals,
                ["shares"] = new JsonArray(Enumerable.Range(1, p.Holders).Select(j => (JsonNode)Hex(shareValues[(i, j)])).ToArray()),
                ["commitmentHash"] = Hex(HolderProtocol.CommitmentHash(p, dealer.Commitment)),
                ["dealing"] = Node(dealing),
            });
        }

        // Officer 2a acknowledges holder 1's dealing.
        var ackNonce = TestVectors.Scalar("ack nonce");
        var ack = HolderProtocol.Acknowledge(p, dealings[0].Commitment, 2, officerKeys["2a"], ackNonce);
        HolderProtocol.VerifyAcknowledgement(p, dealings[0].Commitment, ack);

        // A bad dealing: holder 3 sends officer 2a a share off by one; 2a complains with evidence that is justified.
        var wrong = P256.EncodeScalar(new BigInteger(1, shareValues[(3, 2)]).Add(BigInteger.One).Mod(P256.N));
        using var badEph = KeyFromScalar(TestVectors.Scalar("bad share ephemeral"));
        var badShare = new OfficerShare(points["2a"], ShareTransport.Encrypt(p, new DealtShare(3, 2, wrong), points["2a"], badEph));
        var complaintNonce = TestVectors.Scalar("complaint nonce");
        var complaint = HolderProtocol.Complain(p, badShare.Share, officerKeys["2a"], complaintNonce);
        if (!HolderProtocol.JudgeComplaint(p, dealings[2].Commitment, badShare, complaint))
        {
            throw new InvalidOperationException("the vector complaint must be justified");
        }

        var key = CeremonyVerifier.ComputeJointKey(p, dealings.Select(d => d.Commitment).ToList());
        using var secret1 = CeremonyVerifier.CombineShares(p, key, dealings.Select(d => d.Commitment).ToList(), 1,
            Enumerable.Range(1, p.Holders).Select(i => new DealtShare(i, 1, shareValues[(i, 1)])).ToList());
        var canary = ThresholdOpening.CanaryPoint(CanaryContext);
        var dleqNonce = TestVectors.Scalar("dleq nonce");
        var partial = ThresholdOpening.PartialDecrypt(secret1, key, canary, dleqNonce);
        ThresholdOpening.VerifyPartial(key, canary, partial);

        foreach (var k in officerKeys.Values)
        {
            k.Dispose();
        }

        return new JsonObject
        {
            ["description"] = "Holder-side ceremony test vectors (docs/bidding.md, Custody). Every secret here is derived from a public label: test use only.",
            ["parameters"] = new JsonObject { ["ceremonyId"] = p.CeremonyId, ["holders"] = p.Holders, ["threshold"] = p.Threshold, ["suite"] = p.Suite },
            ["officers"] = new JsonArray(Officers.Select(o => (JsonNode)new JsonObject
            {
                ["holder"] = o.Holder, ["officer"] = o.Officer, ["scalar"] = Hex(officerScalars[o.Officer]), ["point"] = Hex(points[o.Officer]),
            }).ToArray()),
            ["sealing"] = new JsonObject
            {
                ["officer"] = "1a", ["officerId"] = "officer-1a", ["passphrase"] = Passphrase,
                ["salt"] = Hex(TestVectors.Bytes("seal salt 1a", 16)), ["nonce"] = Hex(TestVectors.Bytes("seal nonce 1a", 12)),
                ["sealed"] = Node(sealedKey),
            },
            ["dealings"] = dealingInputs,
            ["acknowledgement"] = new JsonObject { ["officer"] = "2a", ["dealer"] = 1, ["nonce"] = Hex(ackNonce), ["ack"] = Node(ack) },
            ["complaint"] = new JsonObject
            {
                ["officer"] = "2a", ["dealer"] = 3, ["wrongShare"] = Hex(wrong), ["ephemeral"] = Hex(TestVectors.Scalar("bad share ephemeral")),
                ["relayed"] = Node(badShare), ["nonce"] = Hex(complaintNonce), ["evidence"] = Node(complaint), ["justified"] = true,
            },
            ["jointKey"] = Node(key),
            ["holder1Secret"] = Hex(secret1.Scalar),
            ["canary"] = new JsonObject { ["context"] = CanaryContext, ["point"] = Hex(canary) },
            ["partial"] = new JsonObject { ["holder"] = 1, ["nonce"] = Hex(dleqNonce), ["partial"] = Node(partial) },
        };
    }
}
