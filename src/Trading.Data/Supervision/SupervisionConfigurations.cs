using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Trading.Domain;
using Trading.Domain.Supervision;

namespace Trading.Data.Supervision;

internal sealed class BadBehaviourRecordConfiguration : IEntityTypeConfiguration<BadBehaviourRecord>
{
    public void Configure(EntityTypeBuilder<BadBehaviourRecord> e)
    {
        e.Property(x => x.Number).HasMaxLength(40);
        e.HasIndex(x => x.Number).IsUnique();
        e.HasIndex(x => new { x.Year, x.Sequence }).IsUnique();
        e.HasIndex(x => new { x.SubjectKind, x.SubjectId });
        // One record per finding and subject, even when two supervisors click at once (rows without a finding
        // have a NULL reference, which never collides).
        e.HasIndex(x => new { x.CollusionFindingRef, x.SubjectId }).IsUnique();
        e.Property(x => x.SubjectName).HasMaxLength(300);
        e.Property(x => x.Facts).HasMaxLength(BadBehaviourRecord.MaxText);
        e.Property(x => x.RuleBroken).HasMaxLength(500);
        e.Property(x => x.EvidenceText).HasMaxLength(BadBehaviourRecord.MaxText);
        e.Property(x => x.CollusionFindingRef).HasMaxLength(200);
        e.Property(x => x.EvidenceFileName).HasMaxLength(260);
        e.Property(x => x.EvidenceContentType).HasMaxLength(100);
        e.Property(x => x.EvidenceSha256).HasMaxLength(64);
        e.Property(x => x.EvidenceStorageKey).HasMaxLength(200);
        e.Property(x => x.SuspensionReason).HasMaxLength(1000);
        e.Property(x => x.RecordedByName).HasMaxLength(200);
        e.Ignore(x => x.EffectiveEnd);
        e.Ignore(x => x.Overturned);
        e.HasMany(x => x.Appeals).WithOne().HasForeignKey(a => a.RecordId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class SanctionAppealConfiguration : IEntityTypeConfiguration<SanctionAppeal>
{
    public void Configure(EntityTypeBuilder<SanctionAppeal> e)
    {
        e.Property(x => x.Grounds).HasMaxLength(BadBehaviourRecord.MaxText);
        e.Property(x => x.DecisionReason).HasMaxLength(BadBehaviourRecord.MaxText);
        e.Property(x => x.RecordedByName).HasMaxLength(200);
    }
}

internal sealed class LimitStateConfiguration : IEntityTypeConfiguration<LimitState>
{
    public void Configure(EntityTypeBuilder<LimitState> e)
    {
        e.Property(x => x.LimitCode).HasMaxLength(50);
        e.Property(x => x.SubjectKind).HasMaxLength(30);
        e.HasIndex(x => new { x.LimitCode, x.SubjectKind, x.SubjectId }).IsUnique();
        e.HasIndex(x => x.TenderId);
    }
}

internal sealed class LimitColourChangeConfiguration : IEntityTypeConfiguration<LimitColourChange>
{
    public void Configure(EntityTypeBuilder<LimitColourChange> e)
    {
        e.Property(x => x.LimitCode).HasMaxLength(50);
        e.Property(x => x.SubjectKind).HasMaxLength(30);
        e.HasIndex(x => x.CrossedAt);
        e.HasIndex(x => x.TenderId);
    }
}

internal sealed class SupervisionSettingConfiguration : IEntityTypeConfiguration<SupervisionSetting>
{
    public void Configure(EntityTypeBuilder<SupervisionSetting> e)
    {
        e.HasKey(x => x.Key);
        e.Property(x => x.Key).HasMaxLength(50);
        e.Property(x => x.UpdatedBy).HasMaxLength(200);
    }
}
