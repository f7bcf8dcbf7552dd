using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Trading.Domain;
using Trading.Domain.Bidding;

namespace Trading.Data.Bidding;

internal sealed class KeyCeremonyConfiguration : IEntityTypeConfiguration<KeyCeremony>
{
    public void Configure(EntityTypeBuilder<KeyCeremony> e)
    {
        e.HasIndex(x => x.TenderId).IsUnique();
        e.Property(x => x.CeremonyId).HasMaxLength(100);
        e.Property(x => x.KeyIdHex).HasMaxLength(64);
        e.HasOne<Tender>().WithMany().HasForeignKey(x => x.TenderId).OnDelete(DeleteBehavior.Restrict);
        e.HasMany(x => x.Holders).WithOne().HasForeignKey(h => h.KeyCeremonyId);
        e.Property(x => x.Version).IsConcurrencyToken();
    }
}

internal sealed class KeyHolderConfiguration : IEntityTypeConfiguration<KeyHolder>
{
    public void Configure(EntityTypeBuilder<KeyHolder> e)
    {
        e.HasIndex(x => new { x.KeyCeremonyId, x.HolderIndex }).IsUnique();
        e.Property(x => x.PartialsVia).HasMaxLength(20);
        // Two officers finishing the same step at once: the second save fails instead of overwriting.
        e.Property(x => x.Version).IsConcurrencyToken();
    }
}

internal sealed class BidConfiguration : IEntityTypeConfiguration<Bid>
{
    public void Configure(EntityTypeBuilder<Bid> e)
    {
        e.HasIndex(x => new { x.TenderId, x.FirmId, x.Status });
        e.HasIndex(x => x.LogTicket).IsUnique();
        e.Property(x => x.StorageKey).HasMaxLength(200);
        e.Property(x => x.EnvelopeSha256).HasMaxLength(64);
        e.Property(x => x.HeaderHash).HasMaxLength(64);
        e.Property(x => x.IpAddress).HasMaxLength(64);
        e.Property(x => x.UserAgent).HasMaxLength(500);
        e.Property(x => x.ProjectManager).HasMaxLength(100);
        e.Property(x => x.ProjectManagerIdHash).HasMaxLength(64);
        e.Property(x => x.BondAccount).HasMaxLength(100);
        e.Property(x => x.OpeningProblem).HasMaxLength(1000);
        e.Property(x => x.PackageStorageKey).HasMaxLength(200);
        e.HasOne<Tender>().WithMany().HasForeignKey(x => x.TenderId).OnDelete(DeleteBehavior.Restrict);
        e.HasOne<Lot>().WithMany().HasForeignKey(x => x.LotId).OnDelete(DeleteBehavior.Restrict);
        e.HasOne<Organisation>().WithMany().HasForeignKey(x => x.FirmId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class BidUploadConfiguration : IEntityTypeConfiguration<BidUpload>
{
    public void Configure(EntityTypeBuilder<BidUpload> e)
    {
        e.Property(x => x.TempPath).HasMaxLength(500);
        e.HasIndex(x => new { x.TenderId, x.FirmId });
    }
}

internal sealed class OpeningObjectionConfiguration : IEntityTypeConfiguration<OpeningObjection>
{
    public void Configure(EntityTypeBuilder<OpeningObjection> e)
    {
        e.Property(x => x.Text).HasMaxLength(2000);
        e.Property(x => x.Answer).HasMaxLength(2000);
        e.HasIndex(x => x.TenderId);
    }
}
