using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Trading.PublicLog.Tests;

/// <summary>
/// Sealed entries and their reveal (docs/public-log.md, "What the log reveals, and when"): the verifier checks every
/// opening against its commitment and names the reveal that does not match; receipts for sealed bids verify with
/// their own opening; docs/test-vectors/sealed-act-v1.json is what this code computes.
/// </summary>
public sealed class SealedActsTests(PkiFixture f) : IClassFixture<PkiFixture>
{
    private const string Origin = CheckpointTests.Origin;
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(10);

    /// <summary>A log with public entries, three sealed acts of tender T-1, two cover entries, one act of T-2, and T-1's reveal.</summary>
    private sealed class World
    {
        public List<byte[]> Entries { get; } = [];
        public List<SealedActs.Opening> T1 { get; } = [];
        public long RevealIndex { get; private set; }

        public World(Func<List<SealedActs.Opening>, List<SealedActs.Opening>>? tamper = null, string revealTender = "T-1")
        {
            var pseudonyms = new Pseudonymizer(new byte[32]);
            Entries.Add(new LogEntry("tender.published", 1, T0, "T-1", new JsonObject { ["code"] = "T-1" }).ToCanonicalBytes());
            var window = SealedActs.WindowStart(T0.AddMinutes(3), Window);
            void Act(string tender, string type, JsonObject data, List<SealedActs.Opening>? keep)
            {
                var inner = new LogEntry(type, 1, T0.AddMinutes(3 + Entries.Count), tender, data).ToCanonicalBytes();
                var nonce = SealedActs.NewNonce();
                keep?.Add(new SealedActs.Opening(Entries.Count, nonce, inner));
                Entries.Add(SealedActs.Act(window, SealedActs.Commitment(nonce, inner)).ToCanonicalBytes());
            }
            Act("T-1", "tender.document.obtained", new JsonObject { ["firm"] = pseudonyms.ScopedPseudonym("T-1", "firm", "A") }, T1);
            Act("T-2", "tender.document.obtained", new JsonObject { ["firm"] = pseudonyms.ScopedPseudonym("T-2", "firm", "A") }, null);
            Act("T-1", "tender.document.obtained", new JsonObject { ["firm"] = pseudonyms.ScopedPseudonym("T-1", "firm", "B") }, T1);
            Act("T-1", "bid.submitted", new JsonObject { ["bidder"] = pseudonyms.ScopedPseudonym("T-1", "firm", "A"), ["lot"] = "L-1" }, T1);
            Entries.Add(SealedActs.Cover(window).ToCanonicalBytes());
            Entries.Add(SealedActs.Cover(window).ToCanonicalBytes());
            RevealIndex = Entries.Count;
            Entries.Add(new LogEntry(SealedActs.RevealType, 1, T0.AddDays(20), revealTender, SealedActs.RevealData(tamper is null ? T1 : tamper(T1))).ToCanonicalBytes());
        }

        public LogVerificationReport Verify(IList<byte[]>? entries = null)
        {
            entries ??= Entries;
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var signer = new NoteSigner(Origin, key);
            var range = new CompactRange();
            foreach (var e in entries)
            {
                range.Append(MerkleHash.Leaf(e));
            }
            var note = SignedNote.SignCheckpoint(new Checkpoint(Origin, entries.Count, range.Root(), T0.AddDays(21)), signer);
            return LogVerifier.Verify(entries.Select((e, i) => new LogExportRecord(i, e, null)), [note], signer.Verifier, new LogVerifier.Options(Origin: Origin));
        }
    }

    [Fact]
    public void Before_the_reveal_sealed_acts_and_cover_look_alike_and_after_it_every_opening_verifies()
    {
        var w = new World();
        // Each sealed entry: no tender, the window's start, one commitment; a cover entry has the very same shape.
        var sealedEntries = w.Entries.Skip(1).Take(6).Select(b => LogEntry.Parse(b)).ToList();
        Assert.All(sealedEntries, e =>
        {
            Assert.Equal("sealed.act", e.Type);
            Assert.Null(e.Tender);
            Assert.Equal(new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero), e.Time);
            Assert.Equal(["commitment"], e.Data.Select(p => p.Key));
            Assert.Matches("^[0-9a-f]{64}$", e.Data["commitment"]!.GetValue<string>());
        });
        Assert.DoesNotContain("T-1", Encoding.UTF8.GetString(w.Entries.Skip(1).Take(6).SelectMany(b => b).ToArray()), StringComparison.Ordinal);

        var report = w.Verify();
        Assert.True(report.Ok, report.Problem?.Message);
        Assert.Equal(6, report.Sealed);
        Assert.Equal(3, report.Opened);
        Assert.Equal(1, report.Reveals);
    }

    [Fact]
    public void A_changed_opening_a_changed_commitment_a_double_or_foreign_opening_are_each_named_at_the_reveal()
    {
        // The opened entry changed (a bid's lot): its commitment no longer matches.
        var changed = new World(os => [.. os.Select(o => o.Index == 4 ? o with { Entry = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(o.Entry).Replace("L-1", "L-2", StringComparison.Ordinal)) } : o)]);
        var r = changed.Verify();
        Assert.False(r.Ok);
        Assert.Equal("sealed.commitment-mismatch", r.Problem!.Code);
        Assert.Equal(changed.RevealIndex, r.FirstBadIndex);
        Assert.Equal(4L, r.Problem.Arguments["act"]);

        // A sealed entry changed in place (its leaf recomputed, e.g. a rewritten download): the reveal exposes it too.
        var w = new World();
        var entries = w.Entries.ToList();
        entries[1] = SealedActs.Act(SealedActs.WindowStart(T0, Window), RandomNumberGenerator.GetBytes(32)).ToCanonicalBytes();
        Assert.Equal("sealed.commitment-mismatch", w.Verify(entries).Problem!.Code);

        // One act opened twice, and the public entry at index 0 "opened": neither is an unopened sealed entry.
        Assert.Equal("sealed.not-sealed", new World(os => [.. os, os[0]]).Verify().Problem!.Code);
        Assert.Equal("sealed.not-sealed", new World(os => [.. os, os[0] with { Index = 0 }]).Verify().Problem!.Code);
        // T-1's acts opened by a reveal filed under another tender, T-9 (the right nonces and bytes, the wrong tender).
        Assert.Equal("sealed.inner-invalid", new World(revealTender: "T-9").Verify().Problem!.Code);
        // Messages in both languages.
        Assert.Contains("揭示条目", new LogVerificationException("sealed.commitment-mismatch", new Dictionary<string, object?> { ["index"] = 1L, ["act"] = 0L }).Localized("zh-CN"), StringComparison.Ordinal);
    }

    [Fact]
    public void Scoped_pseudonyms_differ_per_tender_and_from_the_deployment_wide_one()
    {
        var p = new Pseudonymizer(new byte[32]);
        var a = p.ScopedPseudonym("T-1", "firm", "91350100MA2XXXXX1X");
        Assert.Equal(a, p.ScopedPseudonym("T-1", "firm", "91350100MA2XXXXX1X"));
        Assert.NotEqual(a, p.ScopedPseudonym("T-2", "firm", "91350100MA2XXXXX1X"));
        Assert.NotEqual(a, p.ScopedPseudonym("T-1", "user", "91350100MA2XXXXX1X"));
        Assert.NotEqual(a, p.Pseudonym("firm", "91350100MA2XXXXX1X"));
        Assert.Matches("^firm:[0-9a-f]{32}$", a);
    }

    private static async Task<string> SealedReceiptAsync(CentrePki pki)
    {
        var ct = TestContext.Current.CancellationToken;
        var store = new InMemoryLogStore();
        var log = new MerkleLog(store);
        await log.AppendAsync(new LogEntry("tender.published", 1, PkiFixture.Now, "T-1", []).ToCanonicalBytes(), ct);
        var inner = LogEntry.BidSubmitted("T-1", "L-1", new Pseudonymizer(new byte[32]).ScopedPseudonym("T-1", "firm", "A"), SHA256.HashData("ciphertext"u8), 123456, PkiFixture.Now.AddHours(1)).ToCanonicalBytes();
        var nonce = SealedActs.NewNonce();
        var index = await log.AppendAsync(SealedActs.Act(SealedActs.WindowStart(PkiFixture.Now.AddHours(1), Window), SealedActs.Commitment(nonce, inner)).ToCanonicalBytes(), ct);
        await log.AppendAsync(SealedActs.Cover(PkiFixture.Now.AddHours(1)).ToCanonicalBytes(), ct);
        var size = await log.GetSizeAsync(ct);
        var signer = pki.LogSigner("trading.test/log");
        var note = SignedNote.SignCheckpoint(new Checkpoint("trading.test/log", size, await log.GetRootAsync(size, ct), PkiFixture.Now.AddHours(1)), signer);
        // Without the opening no receipt can be made for a sealed entry.
        await Assert.ThrowsAsync<LogFormatException>(() => BidReceipt.CreateAsync(log, store, index, note, signer.Verifier, [pki.LogSigning, pki.Issuing], ct));
        var receipt = await BidReceipt.CreateAsync(log, store, index, note, signer.Verifier, [pki.LogSigning, pki.Issuing], new SealedActs.Opening(index, nonce, inner), ct);
        return (receipt with { TimeStampToken = Convert.ToBase64String(pki.TimeStampAuthority().Stamp(receipt.Imprint(), PkiFixture.Now.AddHours(1).AddSeconds(1))) }).ToJson();
    }

    [Fact]
    public async Task A_receipt_for_a_sealed_bid_verifies_with_its_own_opening_and_a_changed_opening_is_refused()
    {
        var json = await SealedReceiptAsync(f.Pki);
        var result = BidReceiptVerifier.Verify(json, f.Pki.Root);
        Assert.Equal(BidReceipt.SealedVersion, result.Receipt.Version);
        Assert.Equal("T-1", result.Receipt.Tender);
        Assert.Equal(123456, result.Receipt.CiphertextLength);
        Assert.Equal(json, BidReceipt.Parse(json).ToJson());

        static string Edit(string json, Action<JsonObject> change)
        {
            var o = JsonNode.Parse(json)!.AsObject();
            change(o);
            return o.ToJsonString();
        }
        Assert.Equal("sealedEntry", Assert.Throws<LogVerificationException>(() => BidReceiptVerifier.Verify(
            Edit(json, o => o["nonce"] = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32))), f.Pki.Root)).Arguments["field"]);
        Assert.Equal("sealedEntry", Assert.Throws<LogVerificationException>(() => BidReceiptVerifier.Verify(
            Edit(json, o => o["sealedEntry"] = o["sealedEntry"]!.GetValue<string>().Replace("123456", "1", StringComparison.Ordinal)), f.Pki.Root)).Arguments["field"]);
        Assert.Equal("nonce", Assert.Throws<LogVerificationException>(() => BidReceiptVerifier.Verify(Edit(json, o => o["nonce"] = "00"), f.Pki.Root)).Arguments["field"]);
        // A version 1 receipt carries no opening, a version 2 one must.
        Assert.Equal("receipt.malformed", Assert.Throws<LogFormatException>(() => BidReceipt.Parse(Edit(json, o => o.Remove("nonce")))).Code);
        Assert.Equal("receipt.malformed", Assert.Throws<LogFormatException>(() => BidReceipt.Parse(Edit(json, o => o["version"] = 1))).Code);
    }

    /// <summary>docs/test-vectors/sealed-act-v1.json: fixed inputs, every value an implementation must reproduce. TRADING_WRITE_VECTORS=1 rewrites it.</summary>
    [Fact]
    public async Task The_committed_test_vectors_are_what_this_code_computes()
    {
        var key = SHA256.HashData("trading test vector: pseudonym key"u8);
        var p = new Pseudonymizer(key);
        var firm = p.ScopedPseudonym("3f2a6c1e-0000-4000-8000-000000000001", "firm", "91350100MA2XXXXX1X");
        var inner = LogEntry.BidSubmitted("3f2a6c1e-0000-4000-8000-000000000001", "L-1", firm, SHA256.HashData("ciphertext"u8), 123456,
            new DateTimeOffset(2026, 3, 1, 8, 3, 17, 412, TimeSpan.Zero)).ToCanonicalBytes();
        var nonce = SHA256.HashData("trading test vector: sealed nonce"u8);
        var commitment = SealedActs.Commitment(nonce, inner);
        var window = SealedActs.WindowStart(new DateTimeOffset(2026, 3, 1, 8, 3, 17, 412, TimeSpan.Zero), Window);
        var sealedEntry = SealedActs.Act(window, commitment).ToCanonicalBytes();
        var reveal = new LogEntry(SealedActs.RevealType, 1, new DateTimeOffset(2026, 3, 21, 9, 0, 0, TimeSpan.Zero), "3f2a6c1e-0000-4000-8000-000000000001",
            SealedActs.RevealData([new SealedActs.Opening(41, nonce, inner)])).ToCanonicalBytes();
        var vectors = new JsonObject
        {
            ["description"] = "Sealed log entries (docs/public-log.md, What the log reveals, and when). Keys and nonces are derived from public labels: test use only.",
            ["pseudonymKey"] = Convert.ToHexStringLower(key),
            ["scopedPseudonym"] = new JsonObject
            {
                ["construction"] = "kind + ':' + hex(HMAC-SHA256(key, 'trading/scoped-pseudonym/v1' 0x00 scope 0x00 kind 0x00 NFC(value))[0:16])",
                ["scope"] = "3f2a6c1e-0000-4000-8000-000000000001", ["kind"] = "firm", ["value"] = "91350100MA2XXXXX1X", ["pseudonym"] = firm,
            },
            ["act"] = new JsonObject
            {
                ["construction"] = "commitment = SHA-256('trading/sealed-act/v1' 0x00 || nonce || inner entry bytes)",
                ["inner"] = Encoding.UTF8.GetString(inner),
                ["nonce"] = Convert.ToHexStringLower(nonce),
                ["commitment"] = Convert.ToHexStringLower(commitment),
                ["windowMinutes"] = 10,
                ["sealedEntry"] = Encoding.UTF8.GetString(sealedEntry),
                ["leafHash"] = Convert.ToHexStringLower(MerkleHash.Leaf(sealedEntry)),
            },
            ["reveal"] = new JsonObject
            {
                ["sealedIndex"] = 41,
                ["entry"] = Encoding.UTF8.GetString(reveal),
            },
        };
        var path = Path.Combine(RepoRoot(), "docs", "test-vectors", "sealed-act-v1.json");
        var json = vectors.ToJsonString(new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n";
        if (Environment.GetEnvironmentVariable("TRADING_WRITE_VECTORS") == "1")
        {
            await File.WriteAllTextAsync(path, json, TestContext.Current.CancellationToken);
        }
        var committed = JsonNode.Parse(await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken));
        Assert.True(JsonNode.DeepEquals(vectors, committed), "docs/test-vectors/sealed-act-v1.json differs from what the code computes");
    }

    private static string RepoRoot()
    {
        var dir = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(dir, "Trading.sln")))
        {
            dir = Path.GetDirectoryName(dir) ?? throw new InvalidOperationException("repository root not found");
        }
        return dir;
    }
}
