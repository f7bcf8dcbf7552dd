using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Trading.Domain.CheckIn;
using Trading.Domain.Experts;

namespace Trading.Data.CheckIn;

internal sealed class FaceEnrolmentRecordConfiguration : IEntityTypeConfiguration<FaceEnrolmentRecord>
{
    public void Configure(EntityTypeBuilder<FaceEnrolmentRecord> e)
    {
        e.ToTable("FaceEnrolments");
        e.HasIndex(x => x.ExpertId).IsUnique();
        // A protected 2062-byte template is about 2.9 kB of base64url; room for key-ring headers.
        e.Property(x => x.ProtectedTemplate).HasMaxLength(8000);
        e.Property(x => x.PhotoSha256).HasMaxLength(200);
        e.Property(x => x.Version).IsConcurrencyToken();
        e.HasOne<PoolExpert>().WithMany().HasForeignKey(x => x.ExpertId).OnDelete(DeleteBehavior.Restrict);
        e.HasOne<AppUser>().WithMany().HasForeignKey(x => x.EnrolledByUserId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class CheckInAttemptConfiguration : IEntityTypeConfiguration<CheckInAttempt>
{
    public void Configure(EntityTypeBuilder<CheckInAttempt> e)
    {
        e.ToTable("CheckInAttempts");
        e.HasIndex(x => new { x.SessionId, x.At });
        e.HasIndex(x => new { x.ClaimedExpertId, x.At });
        e.Property(x => x.Room).HasMaxLength(100);
        e.Property(x => x.Reason).HasMaxLength(40);
        e.Property(x => x.ReasonArgs).HasMaxLength(500);
        e.Property(x => x.ImageSha256).HasMaxLength(64);
        e.Property(x => x.OverrideReason).HasMaxLength(1000);
        e.Property(x => x.Decision).HasConversion<string>().HasMaxLength(20);
        e.Property(x => x.Version).IsConcurrencyToken();
        e.HasOne<EvaluationSession>().WithMany().HasForeignKey(x => x.SessionId).OnDelete(DeleteBehavior.Restrict);
        e.HasOne<PoolExpert>().WithMany().HasForeignKey(x => x.ClaimedExpertId).OnDelete(DeleteBehavior.Restrict);
        e.HasOne<AppUser>().WithMany().HasForeignKey(x => x.OperatorUserId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class KioskDeviceConfiguration : IEntityTypeConfiguration<KioskDevice>
{
    public void Configure(EntityTypeBuilder<KioskDevice> e)
    {
        e.ToTable("KioskDevices");
        e.HasIndex(x => x.Fingerprint).IsUnique();
        e.Property(x => x.Name).HasMaxLength(100);
        // A P-256 SubjectPublicKeyInfo is 91 bytes (124 characters of base64).
        e.Property(x => x.PublicKeySpki).HasMaxLength(400);
        e.Property(x => x.Fingerprint).HasMaxLength(64);
        e.Property(x => x.Version).IsConcurrencyToken();
        e.Ignore(x => x.Active);
        e.HasOne<AppUser>().WithMany().HasForeignKey(x => x.RequestedByUserId).OnDelete(DeleteBehavior.Restrict);
    }
}
