using System.Net;
using System.Text;
using System.Text.Json;
using Trading.Crypto;

namespace Trading.Web.Tests.Infrastructure;

/// <summary>
/// A holder's officer at the opening, outside the server, doing in the test process what the opening hall's page does in the
/// officer's browser: fetch the holder material and the frozen batch, check the batch against the log's
/// <c>bids.frozen</c> entry, unseal the officer's key with the passphrase here, rebuild the holder's secret here, and
/// post only the partials with their proofs. The passphrase and the secret never go into a request.
/// </summary>
public static class OpeningOfficer
{
    /// <summary>The partials this officer would give (or the refusal met on the way: material or batch not served).</summary>
    public sealed record Made(HttpClient Client, IReadOnlyList<PartialDecryption>? Partials, HttpResponseMessage? Refusal, JointKey? Key, PartialDecryptionBatch? Batch);

    /// <param name="trustBatch">A test posing as a careless client that skips the check against the log (the server
    /// must still refuse what such a client computes).</param>
    /// <param name="extraPoint">A point asked for beyond the server's batch (as a malicious batch would).</param>
    public static async Task<Made> MakeAsync(TradingFactory app, string user, Guid tenderId, string passphrase = Bidding.Passphrase,
        byte[]? extraPoint = null, bool trustBatch = false)
    {
        var c = await Browser.SignInAsync(app, user);
        var materialResponse = await c.GetAsync($"/Submission/Opening/{tenderId}?handler=Material");
        if (materialResponse.StatusCode != HttpStatusCode.OK) return new Made(c, null, materialResponse, null, null);
        var material = CryptoJson.Deserialize<HolderMaterial>(await materialResponse.Content.ReadAsStringAsync());
        var batchResponse = await c.GetAsync($"/Submission/Opening/{tenderId}?handler=Batch");
        if (batchResponse.StatusCode != HttpStatusCode.OK) return new Made(c, null, batchResponse, material.JointKey, null);
        var batch = CryptoJson.Deserialize<PartialDecryptionBatch>(await batchResponse.Content.ReadAsStringAsync());
        var requested = batch.Bids.Select(b => b.R).ToList();
        if (extraPoint is not null) requested.Add(extraPoint);
        var frozen = trustBatch ? requested : await FrozenRsAsync(c, batch.FrozenLogIndex ?? throw new InvalidOperationException("the batch names no frozen list"));
        using var secret = material.Secret(passphrase);
        var partials = HolderSide.PartialDecryptFrozen(secret, material.JointKey, frozen, requested);
        return new Made(c, partials, null, material.JointKey, batch);
    }

    /// <summary>Posts partials as the hall's page does (JSON, with the anti-forgery header).</summary>
    public static async Task<HttpResponseMessage> PostAsync(HttpClient c, Guid tenderId, string json)
    {
        var token = await Browser.TokenAsync(c, "/");
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/Submission/Opening/{tenderId}?handler=Give") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-CSRF-TOKEN", token);
        return await c.SendAsync(request);
    }

    /// <summary>Makes and gives this officer's partials; the response is the refusal met on the way or the server's answer.</summary>
    public static async Task<HttpResponseMessage> GiveAsync(TradingFactory app, string user, Guid tenderId, string passphrase = Bidding.Passphrase)
    {
        var made = await MakeAsync(app, user, tenderId, passphrase);
        return made.Refusal ?? await PostAsync(made.Client, tenderId, CryptoJson.Serialize(made.Partials));
    }

    /// <summary>Every holder gives its partials; each must be accepted.</summary>
    public static async Task GiveAllAsync(TradingFactory app, Guid tenderId, IEnumerable<string>? users = null)
    {
        foreach (var u in users ?? Bidding.Holders)
        {
            var r = await GiveAsync(app, u, tenderId);
            Assert.True(r.StatusCode == HttpStatusCode.OK, $"{u} could not give partials: {r.StatusCode} {await r.Content.ReadAsStringAsync()}");
        }
    }

    /// <summary>A refusal's explanation in the reader's language (the JSON escapes non-ASCII), or the body as it is.</summary>
    public static async Task<string> TitleAsync(HttpResponseMessage r)
    {
        var body = await r.Content.ReadAsStringAsync();
        try
        {
            using var doc = JsonDocument.Parse(body);
            return doc.RootElement.TryGetProperty("title", out var t) ? $"{doc.RootElement.GetProperty("rule").GetString()}: {t.GetString()}" : body;
        }
        catch (JsonException)
        {
            return body;
        }
    }

    /// <summary>The R of every frozen bid, read from the public log's bids.frozen entry (not from the server's batch).</summary>
    public static async Task<List<byte[]>> FrozenRsAsync(HttpClient c, long index)
    {
        var page = JsonDocument.Parse(await c.GetStringAsync($"/api/log/entries?start={index}&count=1"));
        var entry = JsonDocument.Parse(page.RootElement.GetProperty("entries")[0].GetProperty("entry").GetString()!);
        Assert.Equal("bids.frozen", entry.RootElement.GetProperty("type").GetString());
        return entry.RootElement.GetProperty("data").GetProperty("bids").EnumerateArray().Select(b => Convert.FromHexString(b.GetProperty("r").GetString()!)).ToList();
    }
}

/// <summary>The relay ceremony's officer (Officers.cs) gives its holder's partials at the opening the same way.</summary>
public static class OfficerClientOpening
{
    public static Task<HttpResponseMessage> GivePartialsAsync(this OfficerClient o, TradingFactory app, Guid tenderId) =>
        OpeningOfficer.GiveAsync(app, o.User, tenderId, o.Passphrase);

    public static Task<OpeningOfficer.Made> MakePartialsAsync(this OfficerClient o, TradingFactory app, Guid tenderId, byte[]? extraPoint = null, bool trustBatch = false) =>
        OpeningOfficer.MakeAsync(app, o.User, tenderId, o.Passphrase, extraPoint, trustBatch);
}
