using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Trading.Crypto;
using Trading.Data;
using Trading.Domain;
using Trading.Domain.Bidding;
using Trading.Web.Demo;
using Trading.Web.Features.Custody;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Submission;

/// <summary>
/// Demo key ceremonies: every published demo tender has its ceremony completed, so a first look can go straight to
/// sealing a bid and, after the deadline, to the opening. How: at seeding time (never in a web request) this plays
/// the officers' machines with the same C# holder code the CLI runs (<see cref="HolderSide"/>, <see cref="HolderProtocol"/>):
/// each demo officer's transport key is made and sealed under <see cref="Passphrase"/> here, dealings and
/// acknowledgements go through the relay's own checks (<see cref="CustodyService"/>), and the keys are dropped when
/// seeding ends. The server afterwards holds only what it holds for real officers; a demo officer acts in the ceremony
/// room by typing the demo passphrase in the browser. A demo-only simulation: real officers' keys never pass here.
/// </summary>
public sealed class SubmissionDemo(TradingDbContext db, CeremonyService ceremonies, CustodyService custody, PublicLogWriter log, DemoOfficerKeys officerKeys) : IDemoSeed
{
    /// <summary>The demo officers' passphrase (shown on the demo home page; at least 16 characters).</summary>
    public const string Passphrase = "Demo-2026-key-holder";

    public int Order => 10;

    public async Task SeedAsync(CancellationToken ct)
    {
        var keys = officerKeys.Keys;
        try
        {
            foreach (var t in await db.Tenders.Where(t => t.Step >= LifecycleStep.NoticePublished).OrderBy(t => t.Code).ToListAsync(ct))
            {
                // The demo's history (Demo/DemoHistory) completed its own tenders' ceremonies when they were published.
                if (await ceremonies.FindAsync(t.Id, ct) is { Status: CeremonyStatus.Complete }) continue;
                await CompleteCeremonyAsync(t, keys, ct);
            }
            // The demo's ceremonies are history by the time anyone signs in: the "your turn" notices the relay raised
            // while seeding them would only bury an officer's real notices (a pilot's supervisor found 27 such).
            var seeded = await db.Tenders.Where(t => t.Step >= LifecycleStep.NoticePublished).Select(t => (Guid?)t.Id).ToListAsync(ct);
            await db.Set<Trading.Data.Notifications.Notification>().Where(n => seeded.Contains(n.TenderId) && (n.Kind.StartsWith("custody.") || n.Kind.StartsWith("ceremony.")))
                .ExecuteDeleteAsync(ct);
        }
        finally
        {
            // The last ceremony of the seeding: the officers' machines are put away.
            officerKeys.Forget();
        }
    }

    /// <summary>
    /// The three demo officers run <paramref name="t"/>'s ceremony as their machines would (see the class comment);
    /// each officer's transport key is made once per seeding and kept in <paramref name="keys"/> for the caller to drop.
    /// </summary>
    public async Task CompleteCeremonyAsync(Tender t, Dictionary<Guid, ECDiffieHellman> keys, CancellationToken ct)
    {
        // The demo writes its tenders' steps directly, not through publication, so it starts their ceremonies itself.
        if (await ceremonies.FindAsync(t.Id, ct) is null) await log.ActAsync(() => ceremonies.StartAsync(t, ct), ct);
        var officers = new List<(Actor Actor, ClaimsPrincipal User, ECDiffieHellman Key, int Holder)>();
        foreach (var (name, role, holder) in await HoldersAsync(t, ct))
        {
            var u = await db.Users.SingleAsync(x => x.UserName == name, ct);
            var actor = new Actor(u.Id, name, u.OrganisationId, new HashSet<string> { role }, null);
            // The demo signs its officers in as if with two-factor; real officers must set it up.
            var principal = new ClaimsPrincipal(new ClaimsIdentity([new Claim("amr", "mfa")], "demo"));
            if (!keys.TryGetValue(u.Id, out var key))
            {
                key = ShareTransport.CreateTransportKey();
                var sealedKey = ShareSealing.SealTransportKey(key, holder, u.Id.ToString(), Passphrase);
                await custody.EnrolAsync(actor, principal, t.Id, Convert.ToHexStringLower(ShareTransport.PublicPoint(key)), CryptoJson.Serialize(sealedKey), ct);
                keys[u.Id] = key;
            }
            officers.Add((actor, principal, key, holder));
        }

        var first = await custody.StateAsync(officers[0].Actor, officers[0].User, t.Id, ct);
        var roster = await custody.RosterFileAsync(t.Id, ct);
        foreach (var o in officers)
            await custody.DealAsync(o.Actor, o.User, t.Id, CryptoJson.Serialize(HolderSide.Deal(roster, o.Holder)), ct);
        foreach (var o in officers)
        {
            var me = (await custody.StateAsync(o.Actor, o.User, t.Id, ct)).Me!;
            foreach (var d in me.Dealings)
            {
                var share = ShareTransport.Decrypt(first.Params, d.Shares.Single().Share, o.Key);
                if (!CeremonyVerifier.VerifyShare(first.Params, d.Commitment, share).Accepted)
                    throw new InvalidOperationException($"demo dealing of holder {d.Commitment.DealerIndex} does not check out");
                await custody.AcknowledgeAsync(o.Actor, o.User, t.Id, CryptoJson.Serialize(HolderProtocol.Acknowledge(first.Params, d.Commitment, o.Holder, o.Key)), ct);
            }
        }
    }

    private async Task<List<(string Name, string Role, int Holder)>> HoldersAsync(Tender t, CancellationToken ct)
    {
        var owner = await db.Users.Where(u => u.OrganisationId == t.OwnerOrganisationId).OrderBy(u => u.UserName).FirstAsync(ct);
        return [("supervisor", Roles.Supervisor, 1), ("centre", Roles.CentreStaff, 2), (owner.UserName!, Roles.Owner, 3)];
    }
}

/// <summary>
/// The demo officers' transport keys while the demo is seeded: an officer is enrolled once, with one key, and the
/// history's ceremonies (Demo/DemoHistory) and the present tenders' ceremonies both use it; forgotten when seeding ends.
/// </summary>
public sealed class DemoOfficerKeys : IDisposable
{
    public Dictionary<Guid, ECDiffieHellman> Keys { get; } = [];

    public void Forget()
    {
        foreach (var k in Keys.Values) k.Dispose();
        Keys.Clear();
    }

    public void Dispose() => Forget();
}
