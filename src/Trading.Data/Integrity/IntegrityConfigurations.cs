using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Trading.Domain;
using Trading.Domain.Integrity;

namespace Trading.Data.Integrity;

internal sealed class ScreenRunConfiguration : IEntityTypeConfiguration<ScreenRun>
{
    public void Configure(EntityTypeBuilder<ScreenRun> e)
    {
        e.HasIndex(x => new { x.TenderId, x.QueuedAt });
        e.HasIndex(x => x.Status);
        e.Property(x => x.Trigger).HasMaxLength(20);
        e.Property(x => x.Stage).HasMaxLength(40);
        e.Property(x => x.Error).HasMaxLength(2000);
        e.HasOne<Tender>().WithMany().HasForeignKey(x => x.TenderId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class IntegrityFindingConfiguration : IEntityTypeConfiguration<IntegrityFinding>
{
    public void Configure(EntityTypeBuilder<IntegrityFinding> e)
    {
        e.HasIndex(x => new { x.LotId, x.FindingKeyHash }).IsUnique();
        e.HasIndex(x => x.TenderId);
        e.Property(x => x.FindingKeyHash).HasMaxLength(64);
        e.Property(x => x.IndicatorId).HasMaxLength(20);
        e.Property(x => x.Basis).HasMaxLength(100);
        e.Property(x => x.EvidenceSha256).HasMaxLength(64);
        e.Property(x => x.DecidedEvidenceSha256).HasMaxLength(64);
        e.Property(x => x.ExplanationKey).HasMaxLength(100);
        e.Property(x => x.DecisionReason).HasMaxLength(IntegrityFinding.MaxReason);
        e.Property(x => x.DecidedByName).HasMaxLength(200);
        e.Property(x => x.Version).IsConcurrencyToken();
        e.Ignore(x => x.Firms);
        e.HasOne<Tender>().WithMany().HasForeignKey(x => x.TenderId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class IntegrityDecisionConfiguration : IEntityTypeConfiguration<IntegrityDecision>
{
    public void Configure(EntityTypeBuilder<IntegrityDecision> e)
    {
        e.HasIndex(x => x.FindingId);
        e.Property(x => x.Reason).HasMaxLength(IntegrityFinding.MaxReason);
        e.Property(x => x.EvidenceSha256).HasMaxLength(64);
        e.Property(x => x.DecidedByName).HasMaxLength(200);
        e.HasOne<IntegrityFinding>().WithMany().HasForeignKey(x => x.FindingId).OnDelete(DeleteBehavior.Restrict);
    }
}
