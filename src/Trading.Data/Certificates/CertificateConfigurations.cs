using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Trading.Domain;
using Trading.Domain.Bidding;
using Trading.Domain.Certificates;

namespace Trading.Data.Certificates;

internal sealed class FirmCertificateConfiguration : IEntityTypeConfiguration<FirmCertificate>
{
    public void Configure(EntityTypeBuilder<FirmCertificate> e)
    {
        e.ToTable("FirmCertificates");
        e.HasIndex(x => new { x.FirmId, x.Status });
        e.HasIndex(x => x.KeySha256);
        // A serial names one certificate for ever (the revocation list lists serials).
        e.HasIndex(x => x.SerialNumber).IsUnique();
        e.Property(x => x.RequestPem).HasMaxLength(8000);
        e.Property(x => x.KeySha256).HasMaxLength(64);
        e.Property(x => x.SerialNumber).HasMaxLength(64);
        e.Property(x => x.CertificateSha256).HasMaxLength(64);
        e.Property(x => x.RejectionReason).HasMaxLength(CertificateRules.MaxReason);
        e.Property(x => x.RevocationReason).HasMaxLength(CertificateRules.MaxReason);
        e.Property(x => x.Version).IsConcurrencyToken();
        e.HasOne<Organisation>().WithMany().HasForeignKey(x => x.FirmId).OnDelete(DeleteBehavior.Restrict);
        e.HasOne<FirmCertificate>().WithMany().HasForeignKey(x => x.RenewsId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class BidSignerConfiguration : IEntityTypeConfiguration<Bid>
{
    public void Configure(EntityTypeBuilder<Bid> e) =>
        e.HasOne<FirmCertificate>().WithMany().HasForeignKey(x => x.SignerCertificateId).OnDelete(DeleteBehavior.Restrict);
}

internal sealed class SealStampConfiguration : IEntityTypeConfiguration<SealStamp>
{
    public void Configure(EntityTypeBuilder<SealStamp> e)
    {
        e.ToTable("SealStamps");
        e.HasIndex(x => x.RecordId).IsUnique();
        e.HasIndex(x => x.StampedAt);
        e.Property(x => x.Kind).HasMaxLength(40);
        e.Property(x => x.IssuedStorageKey).HasMaxLength(200);
        e.Property(x => x.StampedStorageKey).HasMaxLength(200);
        e.Property(x => x.IssuedSha256).HasMaxLength(64);
        e.Property(x => x.StampedSha256).HasMaxLength(64);
        e.Property(x => x.TsaSubject).HasMaxLength(500);
        e.HasOne<Tender>().WithMany().HasForeignKey(x => x.TenderId).OnDelete(DeleteBehavior.Restrict);
    }
}
