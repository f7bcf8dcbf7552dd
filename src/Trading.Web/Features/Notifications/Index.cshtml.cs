using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Trading.Data;
using Trading.Data.Notifications;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Notifications;

/// <summary>The signed-in user's own messages, newest first; nobody can read another user's.</summary>
public sealed class NotificationsIndexModel(TradingDbContext db, TimeProvider clock) : TradingPageModel
{
    public List<Notification> Items { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var me = RequireActor();
        Items = await db.Set<Notification>().AsNoTracking().Where(n => n.UserId == me.UserId)
            .OrderByDescending(n => n.CreatedAt).Take(200).ToListAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostReadAllAsync(CancellationToken ct)
    {
        var me = RequireActor();
        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var n in await db.Set<Notification>().Where(n => n.UserId == me.UserId && n.ReadAt == null).ToListAsync(ct))
            n.ReadAt = now;
        await db.SaveChangesAsync(ct);
        return RedirectToPage();
    }
}

/// <summary>The unread count in the header.</summary>
public sealed class UnreadNotifications(TradingDbContext db)
{
    public Task<int> CountAsync(Guid userId) => db.Set<Notification>().CountAsync(n => n.UserId == userId && n.ReadAt == null);
}
