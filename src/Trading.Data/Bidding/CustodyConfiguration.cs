using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Trading.Domain;
using Trading.Domain.Bidding;

namespace Trading.Data.Bidding;

internal sealed class HolderOfficerConfiguration : IEntityTypeConfiguration<HolderOfficer>
{
    public void Configure(EntityTypeBuilder<HolderOfficer> e)
    {
        e.HasIndex(x => new { x.OrganisationId, x.UserId });
        // One transport key, one officer: a copied key would send two officers' (or two holders') shares to one party.
        e.HasIndex(x => x.TransportPoint).IsUnique();
        e.Property(x => x.TransportPoint).HasMaxLength(65);
        e.Property(x => x.SealedTransportKeyJson).HasMaxLength(4000);
        e.HasOne<Organisation>().WithMany().HasForeignKey(x => x.OrganisationId).OnDelete(DeleteBehavior.Restrict);
        e.Property(x => x.Version).IsConcurrencyToken();
    }
}

internal sealed class CeremonyDealingConfiguration : IEntityTypeConfiguration<CeremonyDealing>
{
    public void Configure(EntityTypeBuilder<CeremonyDealing> e)
    {
        // A holder deals once per ceremony (a justified complaint removes the dealing, then it may deal again).
        e.HasIndex(x => new { x.KeyCeremonyId, x.DealerIndex }).IsUnique();
        e.Property(x => x.CommitmentHashHex).HasMaxLength(64);
        e.HasOne<KeyCeremony>().WithMany().HasForeignKey(x => x.KeyCeremonyId).OnDelete(DeleteBehavior.Restrict);
        e.HasOne<HolderOfficer>().WithMany().HasForeignKey(x => x.DealtByOfficerId).OnDelete(DeleteBehavior.Restrict);
        e.Property(x => x.Version).IsConcurrencyToken();
    }
}

internal sealed class CeremonyAcknowledgementConfiguration : IEntityTypeConfiguration<CeremonyAcknowledgement>
{
    public void Configure(EntityTypeBuilder<CeremonyAcknowledgement> e)
    {
        // One acknowledgement per dealing and recipient holder: a replayed one is refused by the rule, and by this.
        e.HasIndex(x => new { x.KeyCeremonyId, x.DealerIndex, x.RecipientIndex }).IsUnique();
        e.HasOne<CeremonyDealing>().WithMany().HasForeignKey(x => x.DealingId).OnDelete(DeleteBehavior.Cascade);
        e.HasOne<HolderOfficer>().WithMany().HasForeignKey(x => x.OfficerId).OnDelete(DeleteBehavior.Restrict);
    }
}
