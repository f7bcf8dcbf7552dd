using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Trading.Data.Notifications;

/// <summary>
/// A message to one user. The text is stored as resource keys and arguments, not as rendered text, so
/// each reader sees it in their own language. The row is the outbox too: e-mail delivery happens after the
/// change that raised it has committed, and <see cref="EmailedAt"/> records that it went out.
/// </summary>
public class Notification
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid UserId { get; set; }
    /// <summary>A short machine name for filtering and tests, e.g. "draw.invited" or "limit.red".</summary>
    public string Kind { get; set; } = "";
    public string SubjectKey { get; set; } = "";
    public string BodyKey { get; set; } = "";
    /// <summary>JSON array of strings: the already formatted arguments of both keys.</summary>
    public string ArgsJson { get; set; } = "[]";
    /// <summary>A site-relative link the reader can follow, e.g. "/Tenders/Details/…".</summary>
    public string? Link { get; set; }
    public Guid? TenderId { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? ReadAt { get; set; }
    public DateTime? EmailedAt { get; set; }
    /// <summary>Why e-mail was not sent (no address, delivery failure after retries); null while pending or sent.</summary>
    public string? EmailSkipped { get; set; }
    public int EmailAttempts { get; set; }
}

internal sealed class NotificationConfiguration : IEntityTypeConfiguration<Notification>
{
    public void Configure(EntityTypeBuilder<Notification> e)
    {
        e.Property(x => x.Kind).HasMaxLength(100);
        e.Property(x => x.SubjectKey).HasMaxLength(200);
        e.Property(x => x.BodyKey).HasMaxLength(200);
        e.Property(x => x.Link).HasMaxLength(500);
        e.Property(x => x.EmailSkipped).HasMaxLength(500);
        e.HasIndex(x => new { x.UserId, x.CreatedAt });
        e.HasIndex(x => x.EmailedAt);
        e.HasOne<AppUser>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
