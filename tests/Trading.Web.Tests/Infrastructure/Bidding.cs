using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Trading.Crypto;
using Trading.Domain.Bidding;

namespace Trading.Web.Tests.Infrastructure;

/// <summary>The bidder's and key holders' side of a tender, done the way real clients do it.</summary>
public static class Bidding
{
    public static readonly string[] Holders = Officers.Holders;

    /// <summary>
    /// The passphrase of the holders' officers in these tests: the demo's officers of the supervision office, the centre
    /// and owner1 are enrolled under the demo passphrase, and <see cref="JoinAllAsync"/> reuses them.
    /// </summary>
    public const string Passphrase = OfficerClient.SubmissionDemoPassphrase;

    /// <summary>Holders sign in without two-factor in these tests (the rule itself is tested on its own).</summary>
    public static Dictionary<string, string> FastSettings => new()
    {
        ["Submission:RequireTwoFactorForHolders"] = "false",
    };

    /// <summary>The three holders' officers run the ceremony through the relay (their machines: <see cref="OfficerClient"/>).</summary>
    public static Task<Dictionary<string, OfficerClient>> JoinAllAsync(TradingFactory app, Guid tenderId) => Officers.RunCeremonyAsync(app, tenderId);

    /// <summary>
    /// A holder's officer gives its partials as its machine would: the frozen bids from the batch, the holder's secret
    /// rebuilt from the holder material, partials checked against the frozen list, uploaded through the API.
    /// </summary>
    public static async Task<HttpResponseMessage> GivePartialsAsync(TradingFactory app, string user, Guid tenderId)
    {
        var officer = Officers.Of(app, tenderId, user);
        var batch = await officer.Api.GetAsync($"/api/tenders/{tenderId}/opening/batch");
        if (!batch.IsSuccessStatusCode) return batch;
        var items = CryptoJson.Deserialize<PartialDecryptionBatch>(await batch.Content.ReadAsStringAsync());
        var material = await officer.MaterialAsync(tenderId);
        using var secret = material.Secret(officer.Key);
        var rs = items.Bids.Select(i => i.R).ToList();
        var partials = HolderSide.PartialDecryptFrozen(secret, material.JointKey, rs, rs);
        return await officer.Api.PostAsync($"/api/tenders/{tenderId}/opening/partials",
            new StringContent(CryptoJson.Serialize(partials), Encoding.UTF8, "application/json"));
    }

    public static async Task ObtainDocumentsAsync(HttpClient bidder, Guid tenderId)
    {
        var t = await (await bidder.GetAsync($"/api/tenders/{tenderId}")).Json();
        var doc = t.GetProperty("documents")[0].GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.OK, (await bidder.PostAsync($"/api/tenders/{tenderId}/documents/{doc}", null)).StatusCode);
    }

    public sealed record Sealed(byte[] Envelope, string SignedManifestJson, Guid LotId);

    /// <summary>Zips an opening form (and one attachment), seals it to the tender's joint key and signs the manifest.</summary>
    public static async Task<Sealed> SealAsync(HttpClient bidder, Guid tenderId, decimal priceYuan, int durationDays = 180, string pm = "张伟", string? jointKeyHex = null, ECDsa? signWith = null)
    {
        var s = await (await bidder.GetAsync($"/api/tenders/{tenderId}/sealing")).Json();
        var lot = s.GetProperty("lots")[0];
        // The tender's key names its suite (a suite 2 deployment's ceremonies make SM2 keys): sealed and signed in it,
        // with a key made for this bid.
        var suite = s.TryGetProperty("suite", out var sv) && sv.GetString() is { } named ? named : CryptoSuites.P256;
        var key = JointKeyFrom(jointKeyHex ?? s.GetProperty("jointKey").GetString()!, suite);
        var context = new BidContext(s.GetProperty("tender").GetString()!, lot.GetProperty("lotContext").GetString()!, s.GetProperty("bidder").GetString()!);
        var zip = BidZip(priceYuan, durationDays, pm);
        using var output = new MemoryStream();
        var result = await Envelope.SealAsync(new MemoryStream(zip), output, key, context);
        using var perBid = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var signed = suite == CryptoSuites.Sm2 ? ManifestSigning.Sign(result.ToManifest(), Sm2SigningKey.Create()) : ManifestSigning.Sign(result.ToManifest(), signWith ?? perBid);
        return new Sealed(output.ToArray(), CryptoJson.Serialize(signed), lot.GetProperty("id").GetGuid());
    }

    /// <summary>A joint key object for sealing from the public point alone (what a bidder's browser has).</summary>
    public static JointKey JointKeyFrom(string hex, string suite = CryptoSuites.P256)
    {
        var y = Convert.FromHexString(hex);
        return new JointKey(suite, "bidder-view", 3, 3, y, [], JointKey.ComputeKeyId(y, suite));
    }

    /// <summary>bid-form.json as the bid page writes it (docs/envelope-format.md, 3.7 "Bid plaintext").</summary>
    public static string FormJson(OpeningForm form) => JsonSerializer.Serialize(form, WebJson);

    private static readonly JsonSerializerOptions WebJson = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// A bid package whose project manager's ID number, bond account and proposal follow from <paramref name="pm"/>, so
    /// bids with different project managers share nothing the collusion screens would call collusion.
    /// </summary>
    public static byte[] BidZip(decimal priceYuan, int durationDays, string pm, string? form = null)
    {
        var n = BitConverter.ToUInt32(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(pm))) % 10_000;
        using var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
        {
            using (var w = new StreamWriter(zip.CreateEntry("bid-form.json").Open(), Encoding.UTF8))
                w.Write(form ?? FormJson(new OpeningForm(priceYuan, durationDays, pm, $"11010119900101{n:D4}", "李娜 技术负责人", $"6222 0000 1111 {n:D4}")));
            using (var w = new StreamWriter(zip.CreateEntry("files/technical.txt").Open(), Encoding.UTF8))
                w.Write($"施工组织设计 technical proposal of {pm}, number {n}");
        }
        return ms.ToArray();
    }

    /// <summary>Uploads in chunks through the API and completes; returns the completion response.</summary>
    public static async Task<HttpResponseMessage> UploadAsync(HttpClient bidder, Guid tenderId, Sealed bid, int chunk = 64 * 1024)
    {
        var start = await bidder.PostAsJsonAsync($"/api/tenders/{tenderId}/bids/uploads", new { lotId = bid.LotId, length = bid.Envelope.LongLength });
        if (start.StatusCode != HttpStatusCode.Created) return start;
        var uid = (await start.Json()).GetProperty("uploadId").GetGuid();
        for (var offset = 0; offset < bid.Envelope.Length; offset += chunk)
        {
            var part = new ByteArrayContent(bid.Envelope, offset, Math.Min(chunk, bid.Envelope.Length - offset));
            var r = await bidder.PutAsync($"/api/bids/uploads/{uid}?offset={offset}", part);
            if (!r.IsSuccessStatusCode) return r;
        }
        return await CompleteAsync(bidder, uid, bid.SignedManifestJson);
    }

    public static Task<HttpResponseMessage> CompleteAsync(HttpClient bidder, Guid uploadId, string signedManifestJson) =>
        bidder.PostAsync($"/api/bids/uploads/{uploadId}/complete",
            new StringContent($"{{\"signedManifest\":{signedManifestJson}}}", Encoding.UTF8, "application/json"));
}
