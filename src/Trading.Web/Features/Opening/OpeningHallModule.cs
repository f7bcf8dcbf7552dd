using System.Collections.Concurrent;
using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;
using Trading.Data;
using Trading.Domain;
using Trading.Domain.Bidding;
using Trading.Web.Features.Submission;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Opening;

public sealed class OpeningOptions
{
    /// <summary>How long each bidder has after the opening to confirm its row or object, before the record closes.</summary>
    public TimeSpan ConfirmationWindow { get; set; } = TimeSpan.FromMinutes(30);
}

/// <summary>
/// The live opening hall (不见面开标): a SignalR hub tells every participant's page what changed (someone signed in,
/// a holder's partials verified, a bid's row opened, a bidder confirmed or objected), and the page re-reads its own
/// view, which the server renders for that reader. The replay of a closed opening (from the log alone) is public.
/// </summary>
public static class OpeningHallModule
{
    public const string HubPath = "/hubs/opening";

    public static IServiceCollection AddOpeningHall(this IServiceCollection services, IConfiguration config)
    {
        services.Configure<OpeningOptions>(config.GetSection("Opening"));
        services.AddSignalR();
        services.AddSingleton<OpeningPresence>();
        services.AddSingleton<HolderModuleHash>();
        services.AddScoped<IOpeningHall, OpeningHall>();
        services.AddScoped<OpeningReplay>();
        services.PostConfigure<RazorPagesOptions>(o => o.Conventions.AllowAnonymousToFolder("/Opening"));
        return services;
    }

    public static void MapOpeningHall(this WebApplication app) => app.MapHub<OpeningHub>(HubPath);

    public static string Group(Guid tenderId) => $"opening:{tenderId:N}";
}

/// <summary>What the hall tells the participants' pages; each call happens after the change it announces has committed.</summary>
public interface IOpeningHall
{
    Task PartialsAsync(Guid tenderId, int holder, string role, string via, DateTime at, int bids);
    Task RowAsync(Guid tenderId, Guid bidId, int position);
    Task OpenedAsync(Guid tenderId, string transcriptSha256);
    Task InterruptedAsync(Guid tenderId);
    Task ConfirmedAsync(Guid tenderId, Guid bidId);
    Task ObjectionAsync(Guid tenderId, Guid bidId);
    Task PresenceAsync(Guid tenderId);
}

/// <summary>
/// Sends "changed" with what changed; the payload names no price and no firm (the page re-reads what its reader may
/// see). A failed send never fails the act it announces: the act has committed, and the page also re-reads on reconnect.
/// </summary>
public sealed class OpeningHall(IHubContext<OpeningHub> hub, ILogger<OpeningHall> logger) : IOpeningHall
{
    private Task SendAsync(Guid tenderId, object change) => LiveSignal.SendAsync(hub, OpeningHallModule.Group(tenderId), change, logger);

    public Task PartialsAsync(Guid tenderId, int holder, string role, string via, DateTime at, int bids) =>
        SendAsync(tenderId, new { kind = "partials", holder, role, via, at, bids });
    public Task RowAsync(Guid tenderId, Guid bidId, int position) => SendAsync(tenderId, new { kind = "row", bid = bidId, position });
    public Task OpenedAsync(Guid tenderId, string transcriptSha256) => SendAsync(tenderId, new { kind = "opened", transcriptSha256 });
    public Task InterruptedAsync(Guid tenderId) => SendAsync(tenderId, new { kind = "interrupted" });
    public Task ConfirmedAsync(Guid tenderId, Guid bidId) => SendAsync(tenderId, new { kind = "confirmed", bid = bidId });
    public Task ObjectionAsync(Guid tenderId, Guid bidId) => SendAsync(tenderId, new { kind = "objection", bid = bidId });
    public Task PresenceAsync(Guid tenderId) => SendAsync(tenderId, new { kind = "presence" });
}

/// <summary>Who may enter a tender's hall: its bidders, its holders' officers, its owner side and the oversight offices.</summary>
public static class OpeningHallAccess
{
    public enum Kind { Bidder, Officer, OwnerSide, Supervision }

    public static async Task<Kind?> KindOfAsync(TradingDbContext db, CeremonyService ceremonies, Actor actor, ClaimsPrincipal user, Tender t, KeyCeremony c, CancellationToken ct)
    {
        try
        {
            ceremonies.HolderFor(actor, user, c);
            return Kind.Officer;
        }
        catch (RuleViolationException)
        {
            // Not a holder's officer (or not with two-factor): maybe another kind of participant.
        }
        if (actor.IsOwnerSideOf(t)) return Kind.OwnerSide;
        if (actor.IsOversight) return Kind.Supervision;
        if (actor.IsIn(Roles.Bidder) && await db.Set<Bid>().AnyAsync(b => b.TenderId == t.Id && b.FirmId == actor.OrganisationId && b.Status == BidStatus.Valid, ct))
            return Kind.Bidder;
        return null;
    }

    public static async Task<bool> MayEnterAsync(TradingDbContext db, CeremonyService ceremonies, Actor actor, ClaimsPrincipal user, Tender t, KeyCeremony c, CancellationToken ct) =>
        await KindOfAsync(db, ceremonies, actor, user, t, c, ct) is not null;
}

/// <summary>One participant signed in to a hall.</summary>
public sealed record HallParticipant(Guid UserId, string Name, Guid OrganisationId, string Organisation, OpeningHallAccess.Kind Kind, DateTime Since);

/// <summary>
/// Who is in each hall now (by connection), in this process's memory: presence is live state, not a record (the log
/// keeps each first entry). Several web servers would need a SignalR backplane and a shared store for this.
/// </summary>
public sealed class OpeningPresence
{
    private readonly ConcurrentDictionary<Guid, ConcurrentDictionary<string, HallParticipant>> _halls = new();
    private readonly ConcurrentDictionary<(Guid, Guid), bool> _logged = new();

    public void Add(Guid tenderId, string connection, HallParticipant p) => _halls.GetOrAdd(tenderId, _ => new())[connection] = p;

    public Guid? Remove(string connection)
    {
        foreach (var (tender, hall) in _halls)
        {
            if (hall.TryRemove(connection, out _)) return tender;
        }
        return null;
    }

    /// <summary>True the first time this user enters this hall (in this process): that entry is logged.</summary>
    public bool FirstEntry(Guid tenderId, Guid userId) => _logged.TryAdd((tenderId, userId), true);

    /// <summary>Each signed-in participant once, in the order they came.</summary>
    public IReadOnlyList<HallParticipant> In(Guid tenderId) => _halls.TryGetValue(tenderId, out var hall)
        ? hall.Values.GroupBy(p => p.UserId).Select(g => g.OrderBy(p => p.Since).First()).OrderBy(p => p.Since).ToList()
        : [];
}

/// <summary>
/// The hub the hall's page connects to. Joining checks, as every page request does, that the reader is a participant
/// of this tender; the hub only ever sends signals, never a price or a name.
/// </summary>
[Authorize]
public sealed class OpeningHub(TradingDbContext db, CeremonyService ceremonies, OpeningPresence presence, PublicLogWriter log, IOpeningHall hall, TimeProvider clock) : Hub
{
    public async Task<bool> Join(Guid tenderId)
    {
        var http = Context.GetHttpContext();
        var actor = http is null ? null : Actor.From(http);
        if (actor is null) return false;
        var ct = Context.ConnectionAborted;
        var t = await db.Tenders.AsNoTracking().FirstOrDefaultAsync(x => x.Id == tenderId, ct);
        var c = t is null ? null : await ceremonies.FindAsync(tenderId, ct);
        if (t is null || c is null || await OpeningHallAccess.KindOfAsync(db, ceremonies, actor, Context.User!, t, c, ct) is not { } kind) return false;
        var org = await db.Organisations.AsNoTracking().Where(o => o.Id == actor.OrganisationId).Select(o => o.Name).FirstOrDefaultAsync(ct) ?? "";
        await Groups.AddToGroupAsync(Context.ConnectionId, OpeningHallModule.Group(tenderId), ct);
        presence.Add(tenderId, Context.ConnectionId, new HallParticipant(actor.UserId, actor.Name, actor.OrganisationId, org, kind, clock.GetUtcNow().UtcDateTime));
        if (presence.FirstEntry(tenderId, actor.UserId))
            await log.RecordAsync("opening.hall.joined", tenderId, new { kind = kind.ToString(), user = log.Pseudonym("user", actor.UserId.ToString()) }, ct);
        await hall.PresenceAsync(tenderId);
        return true;
    }

    public override async Task OnDisconnectedAsync(Exception? exception)
    {
        if (presence.Remove(Context.ConnectionId) is { } tender) await hall.PresenceAsync(tender);
        await base.OnDisconnectedAsync(exception);
    }
}

/// <summary>
/// The SHA-256 of the holder module the officer's browser runs (wwwroot/lib/holder.mjs), shown on the page so an
/// auditor can compare it with a published release: a server serving altered code would show a different hash
/// (or lie about it, which is why the command-line path exists).
/// </summary>
public sealed class HolderModuleHash(IWebHostEnvironment env)
{
    private readonly Lazy<string?> _hash = new(() =>
    {
        var f = env.WebRootFileProvider.GetFileInfo("lib/holder.mjs");
        if (!f.Exists) return null;
        using var s = f.CreateReadStream();
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(s));
    });

    public string? Value => _hash.Value;
}
