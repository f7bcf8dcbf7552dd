using System.Text.Json.Nodes;
using Trading.Crypto;
using static Trading.Crypto.Tests.EnvelopeTestData;

namespace Trading.Crypto.Tests;

/// <summary>
/// The holder module (src/Trading.Crypto/js/holder.mjs) under Node against the C# library, on every test run: the
/// committed vectors, then a whole ceremony with fresh randomness made by the module and checked here.
/// </summary>
public class HolderModuleTests
{
    [Fact]
    public async Task The_committed_holder_vectors_are_exactly_what_this_code_computes()
    {
        var vectors = HolderVectors.Generate();
        if (Environment.GetEnvironmentVariable("TRADING_WRITE_VECTORS") == "1")
        {
            var json = vectors.ToJsonString(new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n";
            await File.WriteAllTextAsync(HolderVectors.Path, json, TestContext.Current.CancellationToken);
        }

        var committed = JsonNode.Parse(await File.ReadAllTextAsync(HolderVectors.Path, TestContext.Current.CancellationToken));
        Assert.True(JsonNode.DeepEquals(vectors, committed), "docs/test-vectors/holder-v1.json differs from what the code computes");
    }

    [Fact]
    public async Task The_holder_module_reproduces_every_holder_vector_value()
    {
        var result = await JsInteropTests.RunNodeAsync("holder-vectors", HolderVectors.Path);
        Assert.True(result["mismatches"]!.AsArray().Count == 0, result["mismatches"]!.ToJsonString());
    }

    [Theory]
    [InlineData(CryptoSuites.P256)]
    [InlineData(CryptoSuites.Sm2)]
    public async Task A_ceremony_run_by_the_holder_module_checks_out_in_CSharp_and_opens_a_bid(string suite)
    {
        var p = new CeremonyParameters("tender-2026-009/js-ceremony", 3, 3, suite);
        var g = CryptoSuite.ByName(suite).Group;
        // Holder 1 has two officers; officer 1b is absent at the opening, 1a acts.
        var officers = new (int Holder, string Officer, string Passphrase, bool Present)[]
        {
            (1, "1a", "first officer of the supervision office, long enough", true),
            (1, "1b", "second officer: a different passphrase entirely", false),
            (2, "2a", "the centre's officer keeps this one to herself", true),
            (3, "3a", "owner officer passphrase, seventeen words or so", true),
        };

        // The frozen points are fresh points xG, as a bidder's ephemeral R: the combined D must then be x*Y, which is
        // exactly what the bidder's ECDH gave (the envelope opening itself is covered by the test below).
        var xs = new[] { g.RandomScalar(), g.RandomScalar() };
        var frozen = xs.Select(x => g.Encode(g.MultiplyG(x))).ToArray();
        var request = new JsonObject
        {
            ["parameters"] = new JsonObject { ["ceremonyId"] = p.CeremonyId, ["holders"] = p.Holders, ["threshold"] = p.Threshold, ["suite"] = suite },
            ["officers"] = new JsonArray(officers.Select(o => (JsonNode)new JsonObject
            {
                ["holder"] = o.Holder, ["officer"] = o.Officer, ["passphrase"] = o.Passphrase, ["present"] = o.Present,
            }).ToArray()),
            ["opening"] = new JsonObject
            {
                ["holders"] = new JsonArray(1, 2, 3),
                ["frozen"] = new JsonArray(frozen.Select(f => (JsonNode)Convert.ToHexStringLower(f)).ToArray()),
                ["outside"] = Convert.ToHexStringLower(g.Encode(g.MultiplyG(g.RandomScalar()))),
            },
            ["canaryContext"] = "tender-2026-009|1|2026-12-03",
            ["addedPassphrase"] = "an officer added after the ceremony, own passphrase",
        };
        var dir = Directory.CreateTempSubdirectory("trading-holder-");
        try
        {
            var path = System.IO.Path.Combine(dir.FullName, "request.json");
            await File.WriteAllTextAsync(path, request.ToJsonString(), TestContext.Current.CancellationToken);
            var result = await JsInteropTests.RunNodeAsync("holder-ceremony", path);

            // The relay's checks: every dealing well formed for the listed officers, every acknowledgement genuine.
            var dealings = CryptoJson.Deserialize<List<HolderDealing>>(result["dealings"]!.ToJsonString());
            var sealedKeys = result["sealed"]!.AsArray().ToDictionary(s => (string)s!["officer"]!, s => (
                Point: Convert.FromHexString((string)s!["point"]!), Sealed: CryptoJson.Deserialize<SealedShare>(s["sealed"]!.ToJsonString())));
            var byHolder = officers.GroupBy(o => o.Holder).ToDictionary(g => g.Key, g => (IReadOnlyList<byte[]>)g.Select(o => sealedKeys[o.Officer].Point).ToList());
            foreach (var d in dealings)
            {
                HolderProtocol.VerifyDealing(p, d, byHolder);
            }

            var acks = CryptoJson.Deserialize<List<ShareAcknowledgement>>(result["acknowledgements"]!.ToJsonString());
            Assert.Equal(officers.Length * p.Holders, acks.Count);
            foreach (var ack in acks)
            {
                HolderProtocol.VerifyAcknowledgement(p, dealings.Single(d => d.Commitment.DealerIndex == ack.DealerIndex).Commitment, ack);
            }

            // The joint key is recomputed here from the public commitments alone and equals the module's.
            var key = CeremonyVerifier.ComputeJointKey(p, dealings.Select(d => d.Commitment).ToList());
            Assert.Equal(CryptoJson.Serialize(key), CryptoJson.Serialize(CryptoJson.Deserialize<JointKey>(result["jointKey"]!.ToJsonString())));

            // Officer 1b's sealed transport key (sealed in JS) unseals in C# and rebuilds holder 1's share, as 1a's does.
            foreach (var officer in new[] { "1a", "1b" })
            {
                var o = officers.Single(x => x.Officer == officer);
                using var transport = ShareSealing.UnsealTransportKey(sealedKeys[officer].Sealed, sealedKeys[officer].Point, o.Passphrase);
                var mine = dealings.Select(d => ShareTransport.Decrypt(p, d.Shares.Single(s => s.OfficerPoint.AsSpan().SequenceEqual(sealedKeys[officer].Point)).Share, transport)).ToList();
                using var secret = CeremonyVerifier.CombineShares(p, key, dealings.Select(d => d.Commitment).ToList(), 1, mine);
                Assert.Equal(CryptoErrorCode.WrongPassphrase,
                    Assert.Throws<CryptoException>(() => ShareSealing.UnsealTransportKey(sealedKeys[officer].Sealed, sealedKeys[officer].Point, o.Passphrase + "!")).Code);
            }

            // The partials verify and combine to x*Y for each frozen point: exactly what the bidder's ECDH gave.
            var partials = CryptoJson.Deserialize<List<PartialDecryption>>(result["partials"]!.ToJsonString());
            for (var b = 0; b < frozen.Length; b++)
            {
                var mine = partials.Where(x => x.R.AsSpan().SequenceEqual(frozen[b])).ToList();
                Assert.Equal(3, mine.Count);
                var combination = ThresholdOpening.Combine(key, frozen[b], mine);
                Assert.Empty(combination.Rejected);
                Assert.Equal(g.Encode(g.Multiply(g.Decode(key.PublicKey, "Y"), xs[b])), combination.D);
            }

            var health = CryptoJson.Deserialize<PartialDecryption>(result["health"]!.ToJsonString());
            ThresholdOpening.VerifyPartial(key, ThresholdOpening.CanaryPoint("tender-2026-009|1|2026-12-03", suite), health);
            Assert.Equal(suite, key.Suite);

            // The officer added later (shares re-encrypted to it in the module) rebuilds holder 1's share in C#.
            var added = result["added"]!;
            var addedPoint = Convert.FromHexString((string)added["point"]!);
            using (var addedKey = ShareSealing.UnsealTransportKey(CryptoJson.Deserialize<SealedShare>(added["sealed"]!.ToJsonString()), addedPoint,
                "an officer added after the ceremony, own passphrase"))
            {
                var reencrypted = CryptoJson.Deserialize<List<OfficerShare>>(added["shares"]!.ToJsonString());
                Assert.All(reencrypted, s => Assert.Equal(addedPoint, s.OfficerPoint));
                var mine = reencrypted.Select(s => ShareTransport.Decrypt(p, s.Share, addedKey)).ToList();
                using var secret = CeremonyVerifier.CombineShares(p, key, dealings.Select(d => d.Commitment).ToList(), 1, mine);
            }
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_bid_sealed_to_a_holder_side_key_opens_with_the_holders_partials()
    {
        // The same protocol objects end to end in C#: dealings to every officer, joint key, a bid, partials by any officer.
        using var c = new HolderSideCeremony(new CeremonyParameters("tender-2026-010/holder-side", 3, 3), officersPerHolder: [2, 1, 1]);
        var plaintext = Plaintext(3000, seed: 7);
        var (envelope, _) = await SealAsync(c.Key, plaintext);
        var (header, _) = await EnvelopeHeader.ReadAsync(new MemoryStream(envelope), TestContext.Current.CancellationToken);
        var partials = Enumerable.Range(1, 3).Select(h => c.Partial(h, officer: h == 1 ? 1 : 0, header.EphemeralPoint)).ToList();
        var combination = ThresholdOpening.Combine(c.Key, header.EphemeralPoint, partials);
        using var output = new MemoryStream();
        await Envelope.DecryptAsync(new MemoryStream(envelope), output, c.Key, combination, Bid, TestContext.Current.CancellationToken);
        Assert.Equal(plaintext, output.ToArray());
    }

    [Fact]
    public void A_replayed_or_foreign_acknowledgement_is_refused()
    {
        using var c = new HolderSideCeremony(new CeremonyParameters("tender-2026-011/acks", 3, 3), officersPerHolder: [1, 1, 1]);
        using var other = new HolderSideCeremony(new CeremonyParameters("tender-2026-012/acks", 3, 3), officersPerHolder: [1, 1, 1]);
        var ack = HolderProtocol.Acknowledge(c.Parameters, c.Dealings[0].Commitment, 2, c.OfficerKey(2, 0));
        HolderProtocol.VerifyAcknowledgement(c.Parameters, c.Dealings[0].Commitment, ack);
        // Replayed onto another dealing of the same ceremony, into another ceremony, or in another officer's name.
        Assert.Equal(CryptoErrorCode.AcknowledgementInvalid, Assert.Throws<CryptoException>(() => HolderProtocol.VerifyAcknowledgement(c.Parameters, c.Dealings[1].Commitment, ack)).Code);
        Assert.Equal(CryptoErrorCode.AcknowledgementInvalid, Assert.Throws<CryptoException>(() => HolderProtocol.VerifyAcknowledgement(other.Parameters, other.Dealings[0].Commitment, ack)).Code);
        var forged = ack with { OfficerPoint = ShareTransport.PublicPoint(c.OfficerKey(3, 0)) };
        Assert.Equal(CryptoErrorCode.AcknowledgementInvalid, Assert.Throws<CryptoException>(() => HolderProtocol.VerifyAcknowledgement(c.Parameters, c.Dealings[0].Commitment, forged)).Code);
    }

    [Fact]
    public void A_complaint_against_an_honest_dealing_or_with_a_forged_proof_is_false_evidence()
    {
        using var c = new HolderSideCeremony(new CeremonyParameters("tender-2026-013/complaints", 3, 3), officersPerHolder: [1, 1, 1]);
        var relayed = c.Dealings[0].Shares.Single(s => s.Share.RecipientIndex == 2);
        var honest = HolderProtocol.Complain(c.Parameters, relayed.Share, c.OfficerKey(2, 0));
        Assert.Equal(CryptoErrorCode.ComplaintEvidenceFalse,
            Assert.Throws<CryptoException>(() => HolderProtocol.JudgeComplaint(c.Parameters, c.Dealings[0].Commitment, relayed, honest)).Code);

        // Claiming a made-up shared point (to frame the dealer) fails the proof.
        var framed = honest with { SharedPoint = P256.Encode(P256.MultiplyG(P256.RandomScalar())) };
        Assert.Equal(CryptoErrorCode.ComplaintEvidenceFalse,
            Assert.Throws<CryptoException>(() => HolderProtocol.JudgeComplaint(c.Parameters, c.Dealings[0].Commitment, relayed, framed)).Code);

        // Commitments that do not match the shares dealt: the complaint is justified.
        var foreignDealer = HolderDealer.Create(c.Parameters, 1).Commitment;
        Assert.True(HolderProtocol.JudgeComplaint(c.Parameters, foreignDealer, relayed, honest));
    }

    [Fact]
    public void A_dealing_that_leaves_out_an_officer_or_addresses_a_stranger_is_refused()
    {
        using var c = new HolderSideCeremony(new CeremonyParameters("tender-2026-014/dealings", 3, 3), officersPerHolder: [2, 1, 1]);
        var d = c.Dealings[0];
        HolderProtocol.VerifyDealing(c.Parameters, d, c.OfficerPoints);
        var missing = d with { Shares = d.Shares.Skip(1).ToList() };
        Assert.Equal(CryptoErrorCode.CeremonyInvalid, Assert.Throws<CryptoException>(() => HolderProtocol.VerifyDealing(c.Parameters, missing, c.OfficerPoints)).Code);
        var stranger = d with { Shares = [.. d.Shares.Skip(1), d.Shares[0] with { OfficerPoint = P256.Encode(P256.MultiplyG(P256.RandomScalar())) }] };
        Assert.Equal(CryptoErrorCode.CeremonyInvalid, Assert.Throws<CryptoException>(() => HolderProtocol.VerifyDealing(c.Parameters, stranger, c.OfficerPoints)).Code);
        var repeated = d with { Shares = [.. d.Shares, d.Shares[0]] };
        Assert.Equal(CryptoErrorCode.CeremonyInvalid, Assert.Throws<CryptoException>(() => HolderProtocol.VerifyDealing(c.Parameters, repeated, c.OfficerPoints)).Code);
    }

    [Fact]
    public void A_point_outside_the_frozen_list_is_refused_before_any_partial()
    {
        var frozen = new[] { P256.Encode(P256.MultiplyG(P256.RandomScalar())), P256.Encode(P256.MultiplyG(P256.RandomScalar())) };
        HolderProtocol.CheckInFrozenList(frozen, frozen.Reverse());
        var outside = P256.Encode(P256.MultiplyG(P256.RandomScalar()));
        Assert.Equal(CryptoErrorCode.NotInFrozenList, Assert.Throws<CryptoException>(() => HolderProtocol.CheckInFrozenList(frozen, [frozen[0], outside])).Code);
    }
}

/// <summary>A holder-side ceremony in C#: officers' transport keys, one dealing per holder encrypted to every officer, joint key.</summary>
internal sealed class HolderSideCeremony : IDisposable
{
    private readonly List<List<System.Security.Cryptography.ECDiffieHellman>> _officers;

    public HolderSideCeremony(CeremonyParameters parameters, int[] officersPerHolder)
    {
        Parameters = parameters;
        _officers = officersPerHolder.Select(n => Enumerable.Range(0, n).Select(_ => ShareTransport.CreateTransportKey()).ToList()).ToList();
        OfficerPoints = _officers.Select((list, i) => (i + 1, (IReadOnlyList<byte[]>)list.Select(ShareTransport.PublicPoint).ToList())).ToDictionary(x => x.Item1, x => x.Item2);
        Dealings = Enumerable.Range(1, parameters.Holders).Select(i =>
        {
            var dealer = HolderDealer.Create(parameters, i);
            var shares = OfficerPoints.SelectMany(h => h.Value.Select(pt => new OfficerShare(pt, ShareTransport.Encrypt(parameters, dealer.ShareFor(h.Key), pt)))).ToList();
            return new HolderDealing(dealer.Commitment, shares);
        }).ToList();
        Key = CeremonyVerifier.ComputeJointKey(parameters, Dealings.Select(d => d.Commitment).ToList());
    }

    public CeremonyParameters Parameters { get; }

    public IReadOnlyDictionary<int, IReadOnlyList<byte[]>> OfficerPoints { get; }

    public List<HolderDealing> Dealings { get; }

    public JointKey Key { get; }

    public System.Security.Cryptography.ECDiffieHellman OfficerKey(int holder, int officer) => _officers[holder - 1][officer];

    public PartialDecryption Partial(int holder, int officer, byte[] r)
    {
        var key = OfficerKey(holder, officer);
        var point = ShareTransport.PublicPoint(key);
        var mine = Dealings.Select(d => ShareTransport.Decrypt(Parameters, d.Shares.Single(s => s.OfficerPoint.AsSpan().SequenceEqual(point)).Share, key)).ToList();
        using var secret = CeremonyVerifier.CombineShares(Parameters, Key, Dealings.Select(d => d.Commitment).ToList(), holder, mine);
        return ThresholdOpening.PartialDecrypt(secret, Key, r);
    }

    public void Dispose()
    {
        foreach (var k in _officers.SelectMany(x => x))
        {
            k.Dispose();
        }
    }
}
