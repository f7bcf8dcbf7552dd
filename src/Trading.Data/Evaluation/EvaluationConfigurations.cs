using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Trading.Domain.Bidding;
using Trading.Domain.Evaluation;
using Trading.Domain.Experts;

namespace Trading.Data.Evaluation;

internal sealed class ScoreSheetConfiguration : IEntityTypeConfiguration<ScoreSheet>
{
    public void Configure(EntityTypeBuilder<ScoreSheet> e)
    {
        e.ToTable("ScoreSheets");
        // One sheet per seat, ever: the loser of two simultaneous submissions gets the unique violation.
        e.HasIndex(x => new { x.SessionId, x.MemberId }).IsUnique();
        e.Property(x => x.Nonce).HasMaxLength(64);
        e.Property(x => x.Commitment).HasMaxLength(64);
        e.HasOne<EvaluationSession>().WithMany().HasForeignKey(x => x.SessionId).OnDelete(DeleteBehavior.Restrict);
        e.HasOne<CommitteeMember>().WithMany().HasForeignKey(x => x.MemberId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class DeviationReasonConfiguration : IEntityTypeConfiguration<DeviationReason>
{
    public void Configure(EntityTypeBuilder<DeviationReason> e)
    {
        e.ToTable("DeviationReasons");
        e.HasIndex(x => new { x.SessionId, x.MemberId, x.BidId, x.ItemCode }).IsUnique();
        e.Property(x => x.ItemCode).HasMaxLength(40);
        e.Property(x => x.Reason).HasMaxLength(2000);
        e.HasOne<EvaluationSession>().WithMany().HasForeignKey(x => x.SessionId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class ChairVoteConfiguration : IEntityTypeConfiguration<ChairVote>
{
    public void Configure(EntityTypeBuilder<ChairVote> e)
    {
        e.ToTable("ChairVotes");
        // One vote per seat: the second of two simultaneous votes gets the unique violation.
        e.HasIndex(x => new { x.SessionId, x.VoterMemberId }).IsUnique();
        e.HasOne<EvaluationSession>().WithMany().HasForeignKey(x => x.SessionId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class ReviewDecisionConfiguration : IEntityTypeConfiguration<ReviewDecision>
{
    public void Configure(EntityTypeBuilder<ReviewDecision> e)
    {
        e.ToTable("ReviewDecisions");
        e.HasIndex(x => new { x.SessionId, x.BidId, x.ItemCode }).IsUnique();
        e.Property(x => x.ItemCode).HasMaxLength(40);
        e.Property(x => x.Reason).HasMaxLength(2000);
        e.HasOne<EvaluationSession>().WithMany().HasForeignKey(x => x.SessionId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class ReportSignatureConfiguration : IEntityTypeConfiguration<ReportSignature>
{
    public void Configure(EntityTypeBuilder<ReportSignature> e)
    {
        e.ToTable("ReportSignatures");
        e.HasIndex(x => new { x.SessionId, x.MemberId }).IsUnique();
        e.Property(x => x.ContentSha256).HasMaxLength(64);
        e.Property(x => x.Dissent).HasMaxLength(2000);
        e.Property(x => x.Reauthentication).HasMaxLength(16);
        e.Property(x => x.MemberKeySha256).HasMaxLength(64);
        // A member key signs once: the same key (or a replayed request) for a second signature is refused here too.
        e.HasIndex(x => x.MemberKeySha256).IsUnique();
        e.HasOne<EvaluationSession>().WithMany().HasForeignKey(x => x.SessionId).OnDelete(DeleteBehavior.Restrict);
        e.HasOne<CommitteeMember>().WithMany().HasForeignKey(x => x.MemberId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class EvaluationReportConfiguration : IEntityTypeConfiguration<EvaluationReport>
{
    public void Configure(EntityTypeBuilder<EvaluationReport> e)
    {
        e.ToTable("EvaluationReports");
        // Exactly one report per session, whichever of two last signatures commits first.
        e.HasIndex(x => x.SessionId).IsUnique();
        e.Property(x => x.ContentSha256).HasMaxLength(64);
        e.Property(x => x.PdfSha256).HasMaxLength(64);
        e.Property(x => x.StorageKey).HasMaxLength(200);
        e.HasOne<EvaluationSession>().WithMany().HasForeignKey(x => x.SessionId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class BidClarificationConfiguration : IEntityTypeConfiguration<BidClarification>
{
    public void Configure(EntityTypeBuilder<BidClarification> e)
    {
        e.ToTable("BidClarifications");
        e.HasIndex(x => new { x.SessionId, x.BidId });
        e.Property(x => x.Question).HasMaxLength(ClarificationRules.MaxText);
        e.Property(x => x.Answer).HasMaxLength(ClarificationRules.MaxText);
        // Two answers racing: the second finds the version changed and is refused, so an answer is never overwritten.
        e.Property(x => x.Version).IsConcurrencyToken();
        e.HasOne<EvaluationSession>().WithMany().HasForeignKey(x => x.SessionId).OnDelete(DeleteBehavior.Restrict);
        e.HasOne<Bid>().WithMany().HasForeignKey(x => x.BidId).OnDelete(DeleteBehavior.Restrict);
    }
}
