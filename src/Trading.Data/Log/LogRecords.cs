using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Trading.Data.Log;

/// <summary>
/// A bid receipt as issued (canonical JSON, RFC 3161 stamped), kept so the bidder can fetch the very same
/// bytes again. Keyed by the log index of its bid.submitted entry: one entry, one receipt.
/// </summary>
public class LogReceipt
{
    public long LogIndex { get; set; }
    public Guid? TenderId { get; set; }
    /// <summary>The bidder firm that owns the receipt; only it (and supervisors) may read it.</summary>
    public Guid OrganisationId { get; set; }
    public string Json { get; set; } = "";
    public DateTime IssuedAt { get; set; }
}

/// <summary>A checkpoint the centre signed and stored (on a timer, at a deadline, at an opening), RFC 3161 stamped.</summary>
public class LogCheckpoint
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public long Size { get; set; }
    public byte[] Root { get; set; } = [];
    /// <summary>The time the note states (whole seconds, UTC).</summary>
    public DateTime Time { get; set; }
    /// <summary>Why it was made: "interval", "deadline:&lt;tender&gt;", "opening:…", "manual".</summary>
    public string Reason { get; set; } = "";
    /// <summary>The C2SP signed note, exactly as signed.</summary>
    public string Note { get; set; } = "";
    /// <summary>DER RFC 3161 token over SHA-256("trading/checkpoint/v1\n" || Note).</summary>
    public byte[] TimeStampToken { get; set; } = [];
}

/// <summary>
/// The supervision office's cosignature of a stored checkpoint: the note with the witness line added.
/// The latest row is the witness's state (the last size and root it vouched for).
/// </summary>
public class LogCosignature
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid CheckpointId { get; set; }
    public long Size { get; set; }
    public byte[] Root { get; set; } = [];
    public string CosignedNote { get; set; } = "";
    public string WitnessName { get; set; } = "";
    public DateTime CosignedAt { get; set; }
    /// <summary>The supervisor who cosigned on the server or uploaded an offline cosignature.</summary>
    public Guid UserId { get; set; }
    /// <summary>True when the cosignature was made off the server and uploaded.</summary>
    public bool Uploaded { get; set; }
}

/// <summary>
/// The server's half of a sealed.act log entry (Trading.PublicLog.SealedActs): the nonce and the full entry it commits
/// to, kept until the tender's deadline reveal publishes them. Cover entries (padding) have neither; a sealed record
/// (a sanction the centre does not publish) has no tender and is never revealed by a tender.
/// </summary>
public class SealedLogAct
{
    public const string ForTender = "tender";
    public const string ForCover = "cover";
    public const string ForRecord = "record";

    /// <summary>Index of the sealed.act entry.</summary>
    public long LogIndex { get; set; }
    /// <summary>Start of the padding window the entry is dated to (its public "time").</summary>
    public DateTime Window { get; set; }
    public string Purpose { get; set; } = "";
    public Guid? TenderId { get; set; }
    public byte[]? Nonce { get; set; }
    /// <summary>The inner entry's canonical JSON.</summary>
    public string? Entry { get; set; }
}

internal sealed class SealedLogActConfiguration : IEntityTypeConfiguration<SealedLogAct>
{
    public void Configure(EntityTypeBuilder<SealedLogAct> e)
    {
        e.ToTable("LogSealedActs");
        e.HasKey(x => x.LogIndex);
        e.Property(x => x.LogIndex).ValueGeneratedNever();
        e.Property(x => x.Purpose).HasMaxLength(16);
        e.HasIndex(x => x.Window);
        e.HasIndex(x => x.TenderId);
    }
}

internal sealed class LogReceiptConfiguration : IEntityTypeConfiguration<LogReceipt>
{
    public void Configure(EntityTypeBuilder<LogReceipt> e)
    {
        e.ToTable("LogReceipts");
        e.HasKey(x => x.LogIndex);
        e.Property(x => x.LogIndex).ValueGeneratedNever();
        e.HasIndex(x => new { x.OrganisationId, x.TenderId });
    }
}

internal sealed class LogCheckpointConfiguration : IEntityTypeConfiguration<LogCheckpoint>
{
    public void Configure(EntityTypeBuilder<LogCheckpoint> e)
    {
        e.ToTable("LogCheckpoints");
        e.Property(x => x.Reason).HasMaxLength(200);
        e.HasIndex(x => x.Size);
        e.HasIndex(x => x.Time);
    }
}

internal sealed class LogCosignatureConfiguration : IEntityTypeConfiguration<LogCosignature>
{
    public void Configure(EntityTypeBuilder<LogCosignature> e)
    {
        e.ToTable("LogCosignatures");
        e.Property(x => x.WitnessName).HasMaxLength(200);
        e.HasIndex(x => x.Size);
        e.HasIndex(x => x.CheckpointId).IsUnique();
        e.HasOne<LogCheckpoint>().WithMany().HasForeignKey(x => x.CheckpointId).OnDelete(DeleteBehavior.Restrict);
        e.HasOne<AppUser>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Restrict);
    }
}
