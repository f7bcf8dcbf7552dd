using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Trading.Crypto;
using Trading.Data;
using Trading.Web.Demo;

namespace Trading.Web.Tests.Infrastructure;

/// <summary>
/// A key holder's officer as its own machine acts (the C# side of the holder protocol, as `trading keyholder` does):
/// the transport key is made and sealed here, dealing, checking and health checks run here, and only public values,
/// ciphertexts and proofs go to the relay API. The passphrase and the key never leave this object.
/// </summary>
public sealed class OfficerClient(HttpClient api, string user, string passphrase, ECDiffieHellman key) : IDisposable
{
    public HttpClient Api { get; } = api;
    public string User { get; } = user;
    public string Passphrase { get; private set; } = passphrase;
    /// <summary>The officer's transport key: test-side knowledge only (the ServerLearnsNothing searches use it).</summary>
    public ECDiffieHellman Key { get; private set; } = key;
    public byte[] Point => ShareTransport.PublicPoint(Key);
    public Guid? OfficerId { get; private set; }

    public void Dispose() => Key.Dispose();

    private static StringContent Body(string json) => new(json, Encoding.UTF8, "application/json");

    /// <summary>Makes the sealed transport key (Argon2id at the platform's minimum, 64 MiB and 3 passes) and posts it with the point.</summary>
    public async Task<HttpResponseMessage> EnrolAsync(Guid tenderId, Argon2Settings? argon2 = null)
    {
        var state = await StateAsync(tenderId);
        var userId = state.GetProperty("userId").GetString()!;
        var holder = state.GetProperty("holderIndex").GetInt32();
        var sealedKey = ShareSealing.SealTransportKey(Key, holder, userId, Passphrase, argon2 ?? new Argon2Settings());
        var r = await PostTransportKeyAsync(tenderId, Convert.ToHexStringLower(Point), CryptoJson.Serialize(sealedKey));
        if (r.StatusCode == HttpStatusCode.Created) OfficerId = (await r.Json()).GetProperty("officerId").GetGuid();
        return r;
    }

    /// <summary>
    /// Joins the tender's ceremony as this organisation's officer: a user already enrolled (the demo enrols its officers
    /// under <see cref="SubmissionDemoPassphrase"/>) comes back with its passphrase and unseals its own key; anyone else enrols.
    /// </summary>
    public async Task JoinAsync(Guid tenderId)
    {
        var state = await StateAsync(tenderId);
        if (state.TryGetProperty("me", out var me) && me.ValueKind == JsonValueKind.Object && !me.GetProperty("removed").GetBoolean())
        {
            var sealedKey = CryptoJson.Deserialize<SealedShare>(me.GetProperty("sealed").GetRawText());
            Key.Dispose();
            Key = ShareSealing.UnsealTransportKey(sealedKey, Convert.FromHexString(me.GetProperty("point").GetString()!), SubmissionDemoPassphrase);
            Passphrase = SubmissionDemoPassphrase;
            OfficerId = me.GetProperty("id").GetGuid();
            return;
        }
        var r = await EnrolAsync(tenderId);
        Assert.True(r.StatusCode == HttpStatusCode.Created, await r.Content.ReadAsStringAsync());
    }

    public const string SubmissionDemoPassphrase = Trading.Web.Features.Submission.SubmissionDemo.Passphrase;

    public Task<HttpResponseMessage> PostTransportKeyAsync(Guid tenderId, string pointHex, string sealedJson) =>
        Api.PostAsync($"/api/tenders/{tenderId}/ceremony/transport-key", Body($"{{\"point\":\"{pointHex}\",\"sealed\":{sealedJson}}}"));

    /// <summary>The holder index of the officer's organisation in this tender (1 supervision office, 2 centre, 3 owner).</summary>
    public async Task<int> HolderIndexAsync(Guid tenderId) => (await StateAsync(tenderId)).GetProperty("holderIndex").GetInt32();

    public async Task<JsonElement> StateAsync(Guid tenderId)
    {
        var r = await Api.GetAsync($"/api/tenders/{tenderId}/ceremony/state");
        Assert.True(r.StatusCode == HttpStatusCode.OK, await r.Content.ReadAsStringAsync());
        return await r.Json();
    }

    /// <summary>The roster from the relay's state: every active officer's point by holder.</summary>
    public static CeremonyRoster RosterOf(JsonElement state)
    {
        var p = state.GetProperty("params");
        var officers = state.GetProperty("roster").EnumerateObject()
            .SelectMany(h => h.Value.EnumerateArray().Select(o => new RosterOfficer(int.Parse(h.Name, System.Globalization.CultureInfo.InvariantCulture), Convert.FromHexString(o.GetString()!))))
            .ToList();
        return new CeremonyRoster(1, p.GetProperty("ceremonyId").GetString()!, p.GetProperty("holders").GetInt32(), p.GetProperty("threshold").GetInt32(), officers,
            p.GetProperty("suite").GetString()!);
    }

    /// <summary>Deals this holder's part on this machine and posts it (the polynomial never leaves <see cref="HolderSide.Deal"/>).</summary>
    public async Task<HttpResponseMessage> DealAsync(Guid tenderId, Func<HolderDealing, HolderDealing>? tamper = null)
    {
        var roster = RosterOf(await StateAsync(tenderId));
        var dealing = HolderSide.Deal(roster, await HolderIndexAsync(tenderId));
        return await PostDealingAsync(tenderId, tamper is null ? dealing : tamper(dealing));
    }

    public Task<HttpResponseMessage> PostDealingAsync(Guid tenderId, HolderDealing dealing) =>
        Api.PostAsync($"/api/tenders/{tenderId}/ceremony/dealing", Body(CryptoJson.Serialize(dealing)));

    public Task<HttpResponseMessage> PostAcknowledgementAsync(Guid tenderId, ShareAcknowledgement ack) =>
        Api.PostAsync($"/api/tenders/{tenderId}/ceremony/acknowledgements", Body(CryptoJson.Serialize(ack)));

    public Task<HttpResponseMessage> PostComplaintAsync(Guid tenderId, ComplaintEvidence evidence) =>
        Api.PostAsync($"/api/tenders/{tenderId}/ceremony/complaints", Body(CryptoJson.Serialize(evidence)));

    /// <summary>The dealings relayed to this officer (only its own shares), with the ceremony parameters.</summary>
    public async Task<(CeremonyParameters P, IReadOnlyList<HolderDealing> Dealings, IReadOnlyList<int> ToCheck)> MyDealingsAsync(Guid tenderId)
    {
        var s = await StateAsync(tenderId);
        var p = CryptoJson.Deserialize<CeremonyParameters>(s.GetProperty("params").GetRawText());
        var me = s.GetProperty("me");
        return (p, CryptoJson.Deserialize<List<HolderDealing>>(me.GetProperty("dealings").GetRawText()),
            me.GetProperty("toCheck").EnumerateArray().Select(x => x.GetInt32()).ToList());
    }

    /// <summary>Checks every dealing not yet acknowledged for this holder: acknowledgement when the share matches, else a complaint.</summary>
    public async Task<List<HttpResponseMessage>> CheckAsync(Guid tenderId)
    {
        var holder = await HolderIndexAsync(tenderId);
        var (p, dealings, toCheck) = await MyDealingsAsync(tenderId);
        var answers = new List<HttpResponseMessage>();
        foreach (var d in dealings.Where(d => toCheck.Contains(d.Commitment.DealerIndex)))
        {
            var mine = d.Shares.Single();
            DealtShare? share = null;
            try
            {
                share = ShareTransport.Decrypt(p, mine.Share, Key);
            }
            catch (CryptoException)
            {
                // undecryptable: complain
            }
            answers.Add(share is not null && CeremonyVerifier.VerifyShare(p, d.Commitment, share).Accepted
                ? await PostAcknowledgementAsync(tenderId, HolderProtocol.Acknowledge(p, d.Commitment, holder, Key))
                : await PostComplaintAsync(tenderId, HolderProtocol.Complain(p, mine.Share, Key)));
        }
        return answers;
    }

    /// <summary>What the relay serves this officer after the ceremony (docs/bidding.md, holder material).</summary>
    public async Task<HolderMaterial> MaterialAsync(Guid tenderId)
    {
        var r = await Api.GetAsync($"/api/tenders/{tenderId}/ceremony/holder-material");
        Assert.True(r.StatusCode == HttpStatusCode.OK, await r.Content.ReadAsStringAsync());
        return CryptoJson.Deserialize<HolderMaterial>(await r.Content.ReadAsStringAsync());
    }

    /// <summary>The holder's secret rebuilt here, from the material, with the passphrase (as an officer returning another day would).</summary>
    public async Task<HolderSecret> SecretAsync(Guid tenderId) => (await MaterialAsync(tenderId)).Secret(Passphrase);

    /// <summary>Today's health check: a partial over the canary made here, posted with its proof.</summary>
    public async Task<HttpResponseMessage> HealthCheckAsync(Guid tenderId)
    {
        var material = await MaterialAsync(tenderId);
        using var secret = material.Secret(Key);
        var context = (await StateAsync(tenderId)).GetProperty("me").GetProperty("canaryContext").GetString()!;
        var partial = ThresholdOpening.PartialDecrypt(secret, material.JointKey, ThresholdOpening.CanaryPoint(context));
        return await Api.PostAsync($"/api/tenders/{tenderId}/ceremony/health-check?via=cli", Body(CryptoJson.Serialize(partial)));
    }
}

/// <summary>The three key holders' officers running a ceremony through the relay API only.</summary>
public static class Officers
{
    public const string Passphrase = "officer passphrase: quartz-lantern 口令 2026";
    public static readonly string[] Holders = ["supervisor", "centre", "owner1"];

    public static async Task<OfficerClient> ClientAsync(TradingFactory app, string user, string? passphrase = null) =>
        new(await app.ApiAsync(user), user, passphrase ?? $"{Passphrase} {user}", ShareTransport.CreateTransportKey());

    /// <summary>A second user of an organisation (a second officer for its holder), made the way an administrator would.</summary>
    public static async Task CreateUserLikeAsync(TradingFactory app, string existing, string newUser)
    {
        using var scope = app.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var model = await users.FindByNameAsync(existing) ?? throw new InvalidOperationException(existing);
        var u = new AppUser { UserName = newUser, DisplayName = model.DisplayName + " 2", OrganisationId = model.OrganisationId, Email = $"{newUser}@example.cn", EmailConfirmed = true, PreferredCulture = "zh-CN" };
        var r = await users.CreateAsync(u, DemoSeeder.Password);
        Assert.True(r.Succeeded, string.Join("; ", r.Errors.Select(e => e.Description)));
        foreach (var role in await users.GetRolesAsync(model)) await users.AddToRoleAsync(u, role);
    }

    public static async Task AssertOk(HttpResponseMessage r) =>
        Assert.True(r.IsSuccessStatusCode, $"{r.RequestMessage?.RequestUri}: {r.StatusCode} {await r.Content.ReadAsStringAsync()}");

    /// <summary>Every holder's officer enrols, deals and checks: the ceremony completes with the joint key from public commitments.</summary>
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<TradingFactory, Dictionary<(Guid, string), OfficerClient>> Registry = new();

    /// <summary>The officer client that ran a tender's ceremony for this user (its machine, kept for the opening).</summary>
    public static OfficerClient Of(TradingFactory app, Guid tenderId, string user) =>
        Registry.TryGetValue(app, out var r) && r.TryGetValue((tenderId, user), out var o) ? o : throw new InvalidOperationException($"{user} ran no ceremony for {tenderId}");

    public static async Task<Dictionary<string, OfficerClient>> RunCeremonyAsync(TradingFactory app, Guid tenderId, IEnumerable<string>? users = null)
    {
        var officers = new Dictionary<string, OfficerClient>();
        foreach (var u in users ?? Holders)
        {
            var o = await ClientAsync(app, u);
            await o.JoinAsync(tenderId);
            officers[u] = o;
        }
        foreach (var o in officers.Values) await AssertOk(await o.DealAsync(tenderId));
        foreach (var o in officers.Values)
            foreach (var r in await o.CheckAsync(tenderId)) await AssertOk(r);
        var registry = Registry.GetOrCreateValue(app);
        lock (registry)
            foreach (var (u, o) in officers) registry[(tenderId, u)] = o;
        return officers;
    }
}
