using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Trading.Domain;
using Trading.Domain.Award;
using Trading.Domain.Bidding;

namespace Trading.Data.Award;

internal sealed class CandidatePublicityConfiguration : IEntityTypeConfiguration<CandidatePublicity>
{
    public void Configure(EntityTypeBuilder<CandidatePublicity> e)
    {
        e.ToTable("CandidatePublicities");
        // One publicity per tender: the second of two simultaneous publications gets the unique violation.
        e.HasIndex(x => x.TenderId).IsUnique();
        e.HasOne<Tender>().WithMany().HasForeignKey(x => x.TenderId).OnDelete(DeleteBehavior.Restrict);
        e.HasMany(x => x.Candidates).WithOne().HasForeignKey(x => x.PublicityId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class PublicityCandidateConfiguration : IEntityTypeConfiguration<PublicityCandidate>
{
    public void Configure(EntityTypeBuilder<PublicityCandidate> e)
    {
        e.ToTable("PublicityCandidates");
        e.HasIndex(x => new { x.PublicityId, x.LotId, x.Rank }).IsUnique();
        e.Property(x => x.FirmName).HasMaxLength(200);
        e.HasOne<Bid>().WithMany().HasForeignKey(x => x.BidId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class ObjectionConfiguration : IEntityTypeConfiguration<Objection>
{
    public void Configure(EntityTypeBuilder<Objection> e)
    {
        e.ToTable("Objections");
        e.HasIndex(x => x.TenderId);
        e.Property(x => x.Text).HasMaxLength(AwardRules.MaxTextLength);
        e.Property(x => x.Answer).HasMaxLength(AwardRules.MaxTextLength);
        e.Property(x => x.Version).IsConcurrencyToken();
        e.HasOne<Tender>().WithMany().HasForeignKey(x => x.TenderId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class ComplaintConfiguration : IEntityTypeConfiguration<Complaint>
{
    public void Configure(EntityTypeBuilder<Complaint> e)
    {
        e.ToTable("Complaints");
        e.HasIndex(x => x.TenderId);
        e.Property(x => x.Text).HasMaxLength(AwardRules.MaxTextLength);
        e.Property(x => x.Decision).HasMaxLength(AwardRules.MaxTextLength);
        e.Property(x => x.Version).IsConcurrencyToken();
        e.Ignore(x => x.Suspends);
        e.HasOne<Tender>().WithMany().HasForeignKey(x => x.TenderId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class LotAwardConfiguration : IEntityTypeConfiguration<LotAward>
{
    public void Configure(EntityTypeBuilder<LotAward> e)
    {
        e.ToTable("LotAwards");
        // One award per lot, whichever of two simultaneous awards commits first.
        e.HasIndex(x => x.LotId).IsUnique();
        e.HasIndex(x => x.TenderId);
        e.Property(x => x.WinnerName).HasMaxLength(200);
        e.Property(x => x.Reason).HasMaxLength(AwardRules.MaxTextLength);
        e.HasOne<Tender>().WithMany().HasForeignKey(x => x.TenderId).OnDelete(DeleteBehavior.Restrict);
        e.HasOne<Lot>().WithMany().HasForeignKey(x => x.LotId).OnDelete(DeleteBehavior.Restrict);
        e.HasOne<Bid>().WithMany().HasForeignKey(x => x.WinnerBidId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class AwardNoticeConfiguration : IEntityTypeConfiguration<AwardNotice>
{
    public void Configure(EntityTypeBuilder<AwardNotice> e)
    {
        e.ToTable("AwardNotices");
        e.HasIndex(x => new { x.AwardId, x.BidId }).IsUnique();
        e.HasIndex(x => x.TenderId);
        e.Property(x => x.StorageKey).HasMaxLength(200);
        e.Property(x => x.Sha256).HasMaxLength(64);
        e.Property(x => x.Signature).HasMaxLength(400);
        e.HasOne<LotAward>().WithMany().HasForeignKey(x => x.AwardId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class LotContractConfiguration : IEntityTypeConfiguration<LotContract>
{
    public void Configure(EntityTypeBuilder<LotContract> e)
    {
        e.ToTable("LotContracts");
        e.HasIndex(x => x.LotId).IsUnique();
        e.HasIndex(x => x.TenderId);
        e.Property(x => x.FileName).HasMaxLength(200);
        e.Property(x => x.StorageKey).HasMaxLength(200);
        e.Property(x => x.Sha256).HasMaxLength(64);
        e.HasOne<LotAward>().WithMany().HasForeignKey(x => x.AwardId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class BondRefundConfiguration : IEntityTypeConfiguration<BondRefund>
{
    public void Configure(EntityTypeBuilder<BondRefund> e)
    {
        e.ToTable("BondRefunds");
        // A refund recorded twice (two clicks, two clerks) loses on this index if the check before it raced.
        e.HasIndex(x => x.BidId).IsUnique();
        e.HasIndex(x => x.TenderId);
        e.HasOne<Bid>().WithMany().HasForeignKey(x => x.BidId).OnDelete(DeleteBehavior.Restrict);
    }
}
