using System.IO.Compression;
using System.Text.Json.Nodes;
using Trading.Cli.Crypto;
using Trading.Crypto;

namespace Trading.Crypto.Tests;

/// <summary>
/// Three holders use only <c>trading keyholder</c> to make their transport keys, deal, check the dealings, check their
/// health and give partials for a tender's bids; the "server" here only relays files and runs the public checks
/// (HolderProtocol), as the relaying web app does. Bids are sealed with <c>trading seal</c> and opened with
/// <c>trading open</c>, and the opening verifies with <c>trading verify-opening</c>.
/// </summary>
public sealed class CliKeyHolderCeremonyTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("trading-cli-holders-");
    private readonly Dictionary<string, string> _passVars = [];

    public void Dispose()
    {
        _dir.Delete(recursive: true);
        foreach (var v in _passVars.Values)
        {
            Environment.SetEnvironmentVariable(v, null);
        }
    }

    private string P(string name) => Path.Combine(_dir.FullName, name);

    private static (int Code, string Out, string Err) Run(params string[] args) => CliTests.Run(args);

    private string Pass(string officer, string passphrase)
    {
        var v = "TRADING_TEST_OFFICER_" + officer.ToUpperInvariant() + "_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(v, passphrase);
        _passVars[officer] = v;
        return v;
    }

    private static void Ok((int Code, string Out, string Err) r) => Assert.True(r.Code == 0, r.Err + r.Out);

    [Fact]
    public async Task Three_holders_deal_check_and_open_a_tender_with_the_command_line_only()
    {
        var ct = TestContext.Current.CancellationToken;
        // Holder 1 (supervision office) names two officers; 1b is absent from the opening and nothing is lost.
        var officers = new (int Holder, string Officer, string Passphrase)[]
        {
            (1, "1a", "supervision officer A keeps this passphrase"), (1, "1b", "supervision officer B has another one"),
            (2, "2a", "centre officer: correct horse battery"), (3, "3a", "owner officer writes it nowhere else"),
        };

        var weak = Run("keyholder", "transport-key", "--holder", "1", "--officer", "weak", "--passphrase-env", Pass("weak", "too short pass"), "--out", P("weak.json"));
        Assert.Equal(2, weak.Code);
        Assert.Contains("16", weak.Err);
        Assert.False(File.Exists(P("weak.json")));

        foreach (var o in officers)
        {
            Ok(Run("keyholder", "transport-key", "--holder", o.Holder.ToString(), "--officer", o.Officer, "--passphrase-env", Pass(o.Officer, o.Passphrase), "--out", P($"officer-{o.Officer}.json")));
        }

        // The relay publishes the roster: every officer's public point, nothing else.
        var roster = new CeremonyRoster(1, "T-9/ceremony", 3, 3, officers.Select(o =>
            new RosterOfficer(o.Holder, CryptoJson.Deserialize<TransportKeyFile>(File.ReadAllText(P($"officer-{o.Officer}.json"))).TransportPoint)).ToList());
        File.WriteAllText(P("roster.json"), CryptoJson.Serialize(roster));
        var parameters = roster.Parameters();

        for (var h = 1; h <= 3; h++)
        {
            Ok(Run("keyholder", "deal", "--roster", P("roster.json"), "--holder", h.ToString(), "--out", P($"dealing-{h}.json")));
            HolderProtocol.VerifyDealing(parameters, CryptoJson.Deserialize<HolderDealing>(File.ReadAllText(P($"dealing-{h}.json"))), roster.OfficersByHolder());
        }

        var dealingFiles = Enumerable.Range(1, 3).Select(h => P($"dealing-{h}.json")).ToArray();
        var dealings = dealingFiles.Select(f => CryptoJson.Deserialize<HolderDealing>(File.ReadAllText(f))).ToList();
        foreach (var o in officers)
        {
            Ok(Run(["keyholder", "check-dealings", "--roster", P("roster.json"), "--transport", P($"officer-{o.Officer}.json"), "--dealing", .. dealingFiles,
                "--passphrase-env", _passVars[o.Officer], "--out", P($"responses-{o.Officer}.json"), "--joint-key-out", P($"key-{o.Officer}.json")]));
            var responses = CryptoJson.Deserialize<DealingResponses>(File.ReadAllText(P($"responses-{o.Officer}.json")));
            Assert.Empty(responses.Complaints);
            Assert.Equal(3, responses.Acknowledgements.Count);
            foreach (var ack in responses.Acknowledgements)
            {
                HolderProtocol.VerifyAcknowledgement(parameters, dealings[ack.DealerIndex - 1].Commitment, ack);
            }
        }

        // The relay computes the joint key from the public commitments; every officer computed the same one.
        var key = CeremonyVerifier.ComputeJointKey(parameters, dealings.Select(d => d.Commitment).ToList());
        File.WriteAllText(P("joint-key.json"), CryptoJson.Serialize(key));
        Assert.All(officers, o => Assert.Equal(File.ReadAllText(P("joint-key.json")), File.ReadAllText(P($"key-{o.Officer}.json"))));

        // Health checks over the day's canary, verified by the relay.
        var canary = ThresholdOpening.CanaryPoint("T-9/ceremony|health|2026-12-03");
        foreach (var o in officers)
        {
            Ok(Run(["keyholder", "check", "--transport", P($"officer-{o.Officer}.json"), "--roster", P("roster.json"), "--dealing", .. dealingFiles,
                "--joint-key", P("joint-key.json"), "--canary", Convert.ToHexStringLower(canary), "--passphrase-env", _passVars[o.Officer], "--out", P($"health-{o.Officer}.json")]));
            ThresholdOpening.VerifyPartial(key, canary, CryptoJson.Deserialize<PartialDecryption>(File.ReadAllText(P($"health-{o.Officer}.json"))));
        }

        // Two bidders seal with the CLI.
        Ok(Run("bidder-key", "--out", P("bidder.pem")));
        var prices = new Dictionary<string, string> { ["B-1"] = "1234567.89", ["B-2"] = "1190000.00" };
        var frozen = new JsonArray();
        var batch = new List<BatchItem>();
        foreach (var (bidder, price) in prices)
        {
            var folder = Directory.CreateDirectory(P($"bid-{bidder}")).FullName;
            File.WriteAllText(Path.Combine(folder, "bid-form.json"), $"{{\"price\":\"{price}\",\"durationDays\":180}}");
            Ok(Run("seal", "--input", folder, "--tender", "T-9", "--lot", "L-1", "--bidder", bidder, "--joint-key", P("joint-key.json"),
                "--signing-key", P("bidder.pem"), "--out", P($"{bidder}.trbe")));
            var (header, _) = await EnvelopeHeader.ReadAsync(File.OpenRead(P($"{bidder}.trbe")), ct);
            var sha = System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(P($"{bidder}.trbe")));
            frozen.Add(new JsonObject { ["envelopeSha256"] = Convert.ToHexStringLower(sha), ["r"] = Convert.ToHexStringLower(header.EphemeralPoint) });
            batch.Add(new BatchItem(sha, header.EphemeralPoint));
        }

        // The frozen list as the log holds it, and a server batch that slips in a point outside it: refused, nothing written.
        File.WriteAllText(P("frozen.json"), new JsonObject { ["count"] = 2, ["bids"] = frozen }.ToJsonString());
        var oracle = batch.Append(new BatchItem(new byte[32], P256.Encode(P256.MultiplyG(P256.RandomScalar())))).ToList();
        File.WriteAllText(P("oracle-batch.json"), CryptoJson.Serialize(new PartialDecryptionBatch(oracle, key)));
        var refused = Run(["keyholder", "partial-decrypt", "--transport", P("officer-2a.json"), "--roster", P("roster.json"), "--dealing", .. dealingFiles,
            "--frozen", P("frozen.json"), "--batch", P("oracle-batch.json"), "--passphrase-env", _passVars["2a"], "--out", P("oracle-partials.json"), "--lang", "zh-CN"]);
        Assert.Equal(1, refused.Code);
        Assert.Contains("NotInFrozenList", refused.Err);
        Assert.Contains("冻结的投标清单", refused.Err);
        Assert.False(File.Exists(P("oracle-partials.json")));

        File.WriteAllText(P("batch.json"), CryptoJson.Serialize(new PartialDecryptionBatch(batch, key)));
        foreach (var officer in new[] { "1a", "2a", "3a" })
        {
            Ok(Run(["keyholder", "partial-decrypt", "--transport", P($"officer-{officer}.json"), "--roster", P("roster.json"), "--dealing", .. dealingFiles,
                "--frozen", P("frozen.json"), "--batch", P("batch.json"), "--passphrase-env", _passVars[officer], "--out", P($"partials-{officer}.json")]));
        }

        await CliReceipts.WriteAsync(P("B-1.receipt.json"), P("B-1.trbe"), new DateTimeOffset(2026, 6, 1, 8, 0, 0, TimeSpan.Zero));
        await CliReceipts.WriteAsync(P("B-2.receipt.json"), P("B-2.trbe"), new DateTimeOffset(2026, 6, 1, 8, 5, 0, TimeSpan.Zero));
        Ok(Run("open", "--joint-key", P("joint-key.json"), "--envelope", P("B-1.trbe"), P("B-2.trbe"),
            "--partials", P("partials-1a.json"), P("partials-2a.json"), P("partials-3a.json"), "--out-dir", P("opened"), "--transcript", P("transcript.json"),
            "--receipt", P("B-1.receipt.json"), P("B-2.receipt.json")));
        foreach (var (bidder, price) in prices)
        {
            using var zip = ZipFile.OpenRead(P($"opened/{bidder}.zip"));
            using var reader = new StreamReader(zip.GetEntry("bid-form.json")!.Open());
            Assert.Contains(price, await reader.ReadToEndAsync(ct));
        }

        var verify = Run("verify-opening", "--transcript", P("transcript.json"), "--joint-key", P("joint-key.json"));
        Assert.True(verify.Code == 0, verify.Out);
    }

    [Fact]
    public void An_officer_finds_a_bad_share_and_its_complaint_holds_up_while_a_false_one_would_not()
    {
        var officers = new (int Holder, string Officer, string Passphrase)[]
        {
            (1, "1a", "supervision officer A keeps this passphrase"), (2, "2a", "centre officer: correct horse battery"), (3, "3a", "owner officer writes it nowhere else"),
        };
        foreach (var o in officers)
        {
            Ok(Run("keyholder", "transport-key", "--holder", o.Holder.ToString(), "--officer", o.Officer, "--passphrase-env", Pass(o.Officer, o.Passphrase), "--out", P($"officer-{o.Officer}.json")));
        }

        var roster = new CeremonyRoster(1, "T-10/ceremony", 3, 3, officers.Select(o =>
            new RosterOfficer(o.Holder, CryptoJson.Deserialize<TransportKeyFile>(File.ReadAllText(P($"officer-{o.Officer}.json"))).TransportPoint)).ToList());
        File.WriteAllText(P("roster.json"), CryptoJson.Serialize(roster));
        for (var h = 1; h <= 3; h++)
        {
            Ok(Run("keyholder", "deal", "--roster", P("roster.json"), "--holder", h.ToString(), "--out", P($"dealing-{h}.json")));
        }

        // Holder 3 cheats: its commitments are those of another polynomial, so its shares do not match them.
        var honest = CryptoJson.Deserialize<HolderDealing>(File.ReadAllText(P("dealing-3.json")));
        var other = HolderDealer.Create(roster.Parameters(), 3).Commitment;
        File.WriteAllText(P("dealing-3.json"), CryptoJson.Serialize(honest with { Commitment = other }));
        var dealingFiles = Enumerable.Range(1, 3).Select(h => P($"dealing-{h}.json")).ToArray();

        var r = Run(["keyholder", "check-dealings", "--roster", P("roster.json"), "--transport", P("officer-2a.json"), "--dealing", .. dealingFiles,
            "--passphrase-env", _passVars["2a"], "--out", P("responses-2a.json"), "--joint-key-out", P("key-2a.json")]);
        Assert.Equal(1, r.Code);
        Assert.False(File.Exists(P("key-2a.json")));
        var responses = CryptoJson.Deserialize<DealingResponses>(File.ReadAllText(P("responses-2a.json")));
        var complaint = Assert.Single(responses.Complaints);
        Assert.Equal(3, complaint.DealerIndex);
        var relayed = honest.Shares.Single(s => s.OfficerPoint.AsSpan().SequenceEqual(complaint.OfficerPoint));
        Assert.True(HolderProtocol.JudgeComplaint(roster.Parameters(), other, relayed, complaint));

        // The same evidence against the honest commitments is false and is refused.
        Assert.Equal(CryptoErrorCode.ComplaintEvidenceFalse,
            Assert.Throws<CryptoException>(() => HolderProtocol.JudgeComplaint(roster.Parameters(), honest.Commitment, relayed, complaint)).Code);
    }
}
