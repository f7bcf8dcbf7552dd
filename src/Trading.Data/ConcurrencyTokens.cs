using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Trading.Data;

/// <summary>
/// Gives every changed row that has a <see cref="Guid"/> concurrency token (the entities' <c>Version</c>) a new
/// token as it is saved, so the update only succeeds against the version that was read and a second writer working
/// from the same read gets a concurrency conflict. One place instead of a hand-written bump beside every change,
/// which was easy to forget.
/// </summary>
public sealed class ConcurrencyTokenInterceptor : SaveChangesInterceptor
{
    public static readonly ConcurrencyTokenInterceptor Instance = new();

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Bump(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result,
        CancellationToken cancellationToken = default)
    {
        Bump(eventData.Context);
        return ValueTask.FromResult(result);
    }

    private static void Bump(DbContext? db)
    {
        if (db is null) return;
        db.ChangeTracker.DetectChanges();
        foreach (var entry in db.ChangeTracker.Entries())
        {
            if (entry.State != EntityState.Modified) continue;
            foreach (var p in entry.Properties)
                if (p.Metadata.IsConcurrencyToken && p.Metadata.ClrType == typeof(Guid))
                    p.CurrentValue = Guid.NewGuid();
        }
    }
}

public static class ConcurrencyTokenExtensions
{
    /// <summary>
    /// Marks a row as changed although none of its own columns changed, so it gets a new version and a concurrent
    /// writer of the same row conflicts: the way to serialise acts on a parent (a ceremony) that change only its children.
    /// </summary>
    public static void Touch(this DbContext db, object entity)
    {
        var entry = db.Entry(entity);
        if (entry.State is not (EntityState.Unchanged or EntityState.Modified)) return; // a new row has its first version already
        foreach (var p in entry.Properties)
            if (p.Metadata.IsConcurrencyToken && p.Metadata.ClrType == typeof(Guid))
                p.IsModified = true;
    }
}
