using System.Globalization;
using System.Net.Mail;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Trading.Data;
using Trading.Data.Notifications;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Notifications;

/// <summary>What to tell one user: resource keys for subject and body, their arguments, and where to look.</summary>
public sealed record Notice(Guid UserId, string Kind, string SubjectKey, string BodyKey, IReadOnlyList<string> Args, string? Link = null, Guid? TenderId = null);

/// <summary>
/// Raises notifications. Adding them to the caller's DbContext (not saving) makes the in-app message part
/// of the caller's transaction: a refused step raises nothing, a committed one always raises its messages.
/// External channels (e-mail) deliver afterwards from the outbox through <see cref="NotificationDispatcher"/>.
/// </summary>
public sealed class Notifier(TradingDbContext db, TimeProvider clock)
{
    public void Raise(Notice n)
    {
        db.Set<Notification>().Add(new Notification
        {
            UserId = n.UserId, Kind = n.Kind, SubjectKey = n.SubjectKey, BodyKey = n.BodyKey,
            ArgsJson = JsonSerializer.Serialize(n.Args), Link = n.Link, TenderId = n.TenderId,
            CreatedAt = clock.GetUtcNow().UtcDateTime,
        });
    }

    /// <summary>Notifies every user of the given organisations who holds one of the roles (e.g. all supervisors).</summary>
    public async Task RaiseToRoleAsync(string role, Func<Guid, Notice> make, CancellationToken ct, Guid? organisationId = null)
    {
        var users = organisationId is { } o ? await UsersInRolesAsync([o], [role], ct) : await UsersWithRoleAsync(role, ct);
        foreach (var id in users) Raise(make(id));
    }

    /// <summary>
    /// Raises the notice unless the same one (user, kind, tender, arguments) was raised before, saved or pending in this
    /// change: a watcher that runs every few seconds, a move retried after a conflict, or a step reached twice tells each
    /// person once.
    /// </summary>
    public async Task<bool> RaiseOnceAsync(Notice n, CancellationToken ct) => await RaiseOnceAsync([n.UserId], _ => n, ct) == 1;

    /// <summary>Raises one notice to each of the users, once (<see cref="RaiseOnceAsync(Notice, CancellationToken)"/>); returns how many were new.</summary>
    public async Task<int> RaiseOnceAsync(IEnumerable<Guid> users, Func<Guid, Notice> make, CancellationToken ct)
    {
        var raised = 0;
        // Notices that differ only in their reader are checked with one query: an opening tells every bidder at once,
        // and one query per bidder, each with its predicate compiled for the pending rows, was most of what the
        // opening did after its last bid (issue 19).
        foreach (var same in users.Distinct().Select(make).GroupBy(x => (x.Kind, x.TenderId, Args: JsonSerializer.Serialize(x.Args))))
        {
            var (kind, tender, args) = same.Key;
            var readers = same.Select(x => x.UserId).ToList();
            var told = (await db.Set<Notification>().Where(x => readers.Contains(x.UserId) && x.Kind == kind && x.TenderId == tender && x.ArgsJson == args)
                    .Select(x => x.UserId).ToListAsync(ct))
                .Concat(db.Set<Notification>().Local.Where(x => x.Kind == kind && x.TenderId == tender && x.ArgsJson == args).Select(x => x.UserId))
                .ToHashSet();
            foreach (var n in same)
            {
                if (!told.Add(n.UserId)) continue;
                Raise(n);
                raised++;
            }
        }
        return raised;
    }

    /// <summary>The users who act for the tender's owner side (its owner unit's and its agency's owners and agents).</summary>
    public Task<List<Guid>> OwnerSideAsync(Guid ownerOrganisationId, Guid? agentOrganisationId, CancellationToken ct) =>
        UsersInRolesAsync([ownerOrganisationId, .. agentOrganisationId is { } a ? new[] { a } : []], [Roles.Owner, Roles.Agent], ct);

    /// <summary>The bidder users of the given firms. A notice built from this list names only the reader's own firm's acts.</summary>
    public Task<List<Guid>> FirmUsersAsync(IEnumerable<Guid> firmIds, CancellationToken ct) => UsersInRolesAsync(firmIds.Distinct().ToList(), [Roles.Bidder], ct);

    /// <summary>The bidder users of every firm that obtained the tender's documents (step 4).</summary>
    public async Task<List<Guid>> DocumentTakersAsync(Guid tenderId, CancellationToken ct) =>
        await FirmUsersAsync(await db.DocumentDownloads.Where(d => d.TenderId == tenderId).Select(d => d.FirmId).Distinct().ToListAsync(ct), ct);

    /// <summary>The bidder users of every firm with a valid bid in the tender.</summary>
    public async Task<List<Guid>> BiddersAsync(Guid tenderId, CancellationToken ct) =>
        await FirmUsersAsync(await db.Set<Trading.Domain.Bidding.Bid>().Where(b => b.TenderId == tenderId && b.Status == Trading.Domain.Bidding.BidStatus.Valid)
            .Select(b => b.FirmId).Distinct().ToListAsync(ct), ct);

    /// <summary>Every user holding the role, whatever the organisation (e.g. all supervisors).</summary>
    public async Task<List<Guid>> UsersWithRoleAsync(string role, CancellationToken ct) =>
        await (from ur in db.UserRoles join r in db.Roles on ur.RoleId equals r.Id where r.Name == role select ur.UserId).Distinct().ToListAsync(ct);

    /// <summary>The users holding one of the roles in one of the organisations.</summary>
    public async Task<List<Guid>> UsersInRolesAsync(IReadOnlyCollection<Guid> organisations, IReadOnlyCollection<string> roles, CancellationToken ct) =>
        await (from u in db.Users
               join ur in db.UserRoles on u.Id equals ur.UserId
               join r in db.Roles on ur.RoleId equals r.Id
               where organisations.Contains(u.OrganisationId) && roles.Contains(r.Name!)
               select u.Id).Distinct().ToListAsync(ct);
}

/// <summary>An outside channel a deployment plugs in (e-mail here; SMS or a messaging app elsewhere).</summary>
public interface INotificationChannel
{
    string Name { get; }
    /// <summary>Delivers one rendered message; returns a reason when the user cannot be reached on this channel.</summary>
    Task<string?> DeliverAsync(AppUser user, string subject, string body, string? link, CancellationToken ct);
}

public sealed class EmailOptions
{
    /// <summary>SMTP host; when empty, messages are written as .eml files to <see cref="PickupDirectory"/>.</summary>
    public string? Host { get; set; }
    public int Port { get; set; } = 25;
    public bool EnableSsl { get; set; } = true;
    public string? UserName { get; set; }
    public string? Password { get; set; }
    public string From { get; set; } = "noreply@trading.local";
    public string PickupDirectory { get; set; } = "";
    /// <summary>Absolute base URL used to turn links into addresses in e-mails.</summary>
    public string BaseUrl { get; set; } = "https://localhost:5001";
}

/// <summary>
/// E-mail through System.Net.Mail: its pickup-directory mode lets development and tests read the real
/// MIME messages from disk with no mail server, and the same class talks SMTP in production.
/// </summary>
public sealed class EmailChannel(IOptions<EmailOptions> options) : INotificationChannel
{
    public string Name => "email";

    public async Task<string?> DeliverAsync(AppUser user, string subject, string body, string? link, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(user.Email)) return "no e-mail address";
        var o = options.Value;
        using var message = new MailMessage(o.From, user.Email, subject, link is null ? body : $"{body}\n\n{o.BaseUrl.TrimEnd('/')}{link}")
        {
            BodyEncoding = System.Text.Encoding.UTF8, SubjectEncoding = System.Text.Encoding.UTF8,
        };
        using var smtp = string.IsNullOrEmpty(o.Host)
            ? new SmtpClient { DeliveryMethod = SmtpDeliveryMethod.SpecifiedPickupDirectory, PickupDirectoryLocation = Directory.CreateDirectory(o.PickupDirectory).FullName }
            : new SmtpClient(o.Host, o.Port) { EnableSsl = o.EnableSsl, Credentials = o.UserName is null ? null : new System.Net.NetworkCredential(o.UserName, o.Password) };
        await smtp.SendMailAsync(message, ct);
        return null;
    }
}

/// <summary>
/// Delivers committed notifications to the outside channels, rendered in each recipient's preferred
/// language. Failures are retried on later rounds up to a limit, then recorded as skipped.
/// </summary>
public sealed class NotificationDispatcher(IServiceScopeFactory scopes, TimeProvider clock, IConfiguration config, ILogger<NotificationDispatcher> logger)
    : ScheduledJob(config, logger)
{
    private const int MaxAttempts = 5;

    protected override TimeSpan Period => TimeSpan.FromSeconds(15);

    public override async Task<int> RunOnceAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var sp = scope.ServiceProvider;
        var db = sp.GetRequiredService<TradingDbContext>();
        var channels = sp.GetServices<INotificationChannel>().ToList();
        var texts = sp.GetRequiredService<Texts>();
        var pending = await db.Set<Notification>().Where(n => n.EmailedAt == null && n.EmailSkipped == null)
            .OrderBy(n => n.CreatedAt).Take(200).ToListAsync(ct);
        var users = await db.Users.Where(u => pending.Select(p => p.UserId).Contains(u.Id)).ToDictionaryAsync(u => u.Id, ct);
        var sent = 0;
        foreach (var n in pending)
        {
            var user = users[n.UserId];
            var (subject, body) = InCulture.Run(new CultureInfo(user.PreferredCulture ?? "zh-CN"), () => NotificationText.Render(texts, n));
            string? skipped = null;
            try
            {
                foreach (var c in channels)
                    skipped = await c.DeliverAsync(user, subject, body, n.Link, ct) is { } why ? $"{c.Name}: {why}" : skipped;
                n.EmailedAt = skipped is null ? clock.GetUtcNow().UtcDateTime : null;
                n.EmailSkipped = skipped;
                if (skipped is null) sent++;
            }
            catch (Exception e) when (e is SmtpException or IOException or InvalidOperationException)
            {
                n.EmailAttempts++;
                if (n.EmailAttempts >= MaxAttempts) n.EmailSkipped = $"failed {MaxAttempts} times: {e.Message}";
                logger.LogWarning(e, "Could not deliver notification {Id}", n.Id);
            }
        }
        await db.SaveChangesAsync(ct);
        return sent;
    }
}

public static class NotificationText
{
    public static (string Subject, string Body) Render(Texts texts, Notification n)
    {
        var args = JsonSerializer.Deserialize<string[]>(n.ArgsJson) ?? [];
        return (texts[n.SubjectKey, args.Cast<object>().ToArray()], texts[n.BodyKey, args.Cast<object>().ToArray()]);
    }
}

public static class NotificationsModule
{
    public static IServiceCollection AddNotifications(this IServiceCollection services, IConfiguration config)
    {
        services.Configure<EmailOptions>(config.GetSection("Email"));
        services.AddOptions<EmailOptions>().PostConfigure<DataFolder>((o, data) =>
        {
            if (string.IsNullOrEmpty(o.PickupDirectory)) o.PickupDirectory = data.File("mail");
        });
        services.AddScoped<Notifier>();
        services.AddScoped<UnreadNotifications>();
        services.AddSingleton<INotificationChannel, EmailChannel>();
        services.AddScheduledJob<NotificationDispatcher>();
        services.AddScheduledJob<TurnWatcher>();
        // PostConfigure: the page conventions need the options MVC itself sets up first.
        services.PostConfigure<Microsoft.AspNetCore.Mvc.RazorPages.RazorPagesOptions>(o => o.Conventions.AuthorizeFolder("/Notifications"));
        return services;
    }
}
