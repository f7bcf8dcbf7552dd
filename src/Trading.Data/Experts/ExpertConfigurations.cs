using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Trading.Domain;
using Trading.Domain.Experts;

namespace Trading.Data.Experts;

// Enums are stored by name: rows stay readable in the database and adding a value never renumbers old ones.

internal sealed class PoolExpertConfiguration : IEntityTypeConfiguration<PoolExpert>
{
    public void Configure(EntityTypeBuilder<PoolExpert> e)
    {
        e.ToTable("PoolExperts");
        e.HasIndex(x => x.UserId).IsUnique();
        e.HasIndex(x => x.RegistrationNumber).IsUnique();
        e.Property(x => x.RegistrationNumber).HasMaxLength(40);
        e.Property(x => x.Name).HasMaxLength(100);
        e.Property(x => x.ProtectedIdNumber).HasMaxLength(1000);
        e.Property(x => x.IdNumberHint).HasMaxLength(40);
        e.Property(x => x.Phone).HasMaxLength(40);
        e.Property(x => x.Email).HasMaxLength(200);
        e.Property(x => x.EmployerName).HasMaxLength(200);
        e.Property(x => x.Region).HasMaxLength(100);
        e.Property(x => x.StatusReason).HasMaxLength(500);
        e.Property(x => x.Title).HasConversion<string>().HasMaxLength(20);
        e.Property(x => x.Status).HasConversion<string>().HasMaxLength(20);
        e.Property(x => x.Version).IsConcurrencyToken();
        e.HasOne<AppUser>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Restrict);
        e.HasOne<Organisation>().WithMany().HasForeignKey(x => x.EmployerOrganisationId).OnDelete(DeleteBehavior.Restrict);
        e.HasMany(x => x.Employments).WithOne().HasForeignKey(x => x.ExpertId).OnDelete(DeleteBehavior.Cascade);
        e.HasMany(x => x.Relationships).WithOne().HasForeignKey(x => x.ExpertId).OnDelete(DeleteBehavior.Cascade);
        e.HasMany(x => x.RegistryLinks).WithOne().HasForeignKey(x => x.ExpertId).OnDelete(DeleteBehavior.Cascade);
        e.HasMany(x => x.Unavailable).WithOne().HasForeignKey(x => x.ExpertId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ExpertEmploymentConfiguration : IEntityTypeConfiguration<ExpertEmployment>
{
    public void Configure(EntityTypeBuilder<ExpertEmployment> e)
    {
        e.Property(x => x.EmployerName).HasMaxLength(200);
        e.HasIndex(x => x.OrganisationId);
    }
}

internal sealed class ExpertRelationshipConfiguration : IEntityTypeConfiguration<ExpertRelationship>
{
    public void Configure(EntityTypeBuilder<ExpertRelationship> e)
    {
        e.Property(x => x.PartyName).HasMaxLength(200);
        e.Property(x => x.Note).HasMaxLength(500);
        e.Property(x => x.Kind).HasConversion<string>().HasMaxLength(30);
        e.HasIndex(x => x.OrganisationId);
    }
}

internal sealed class ExpertRegistryLinkConfiguration : IEntityTypeConfiguration<ExpertRegistryLink>
{
    public void Configure(EntityTypeBuilder<ExpertRegistryLink> e)
    {
        e.Property(x => x.PartyName).HasMaxLength(200);
        e.Property(x => x.Kind).HasConversion<string>().HasMaxLength(30);
        e.HasIndex(x => x.OrganisationId);
    }
}

internal sealed class ExpertUnavailabilityConfiguration : IEntityTypeConfiguration<ExpertUnavailability>
{
    public void Configure(EntityTypeBuilder<ExpertUnavailability> e) => e.Property(x => x.Note).HasMaxLength(200);
}

internal sealed class EvaluationSessionConfiguration : IEntityTypeConfiguration<EvaluationSession>
{
    public void Configure(EntityTypeBuilder<EvaluationSession> e)
    {
        e.HasIndex(x => x.DrawId).IsUnique();
        e.HasIndex(x => new { x.TenderId, x.LotId });
        e.HasIndex(x => x.StartsAt);
        e.Property(x => x.DrawId).HasMaxLength(80);
        e.Property(x => x.EvaluationRoom).HasMaxLength(100);
        e.Property(x => x.BeaconRound).HasMaxLength(100);
        e.Property(x => x.VoidReason).HasMaxLength(1000);
        e.Property(x => x.Phase).HasConversion<string>().HasMaxLength(20);
        e.Property(x => x.Version).IsConcurrencyToken();
        e.HasOne<Tender>().WithMany().HasForeignKey(x => x.TenderId).OnDelete(DeleteBehavior.Restrict);
        e.HasOne<Lot>().WithMany().HasForeignKey(x => x.LotId).OnDelete(DeleteBehavior.Restrict);
        e.HasMany(x => x.Requirements).WithOne().HasForeignKey(x => x.SessionId).OnDelete(DeleteBehavior.Cascade);
        e.HasMany(x => x.Members).WithOne().HasForeignKey(x => x.SessionId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class SessionRequirementConfiguration : IEntityTypeConfiguration<SessionRequirement>
{
    public void Configure(EntityTypeBuilder<SessionRequirement> e)
    {
        e.Property(x => x.Stratum).HasMaxLength(40);
        e.Property(x => x.Kind).HasConversion<string>().HasMaxLength(20);
        e.Property(x => x.RegionMode).HasConversion<string>().HasMaxLength(20);
    }
}

internal sealed class CommitteeMemberConfiguration : IEntityTypeConfiguration<CommitteeMember>
{
    public void Configure(EntityTypeBuilder<CommitteeMember> e)
    {
        e.Property(x => x.Pseudonym).HasMaxLength(64);
        e.Property(x => x.Stratum).HasMaxLength(40);
        e.Property(x => x.DeclineReason).HasMaxLength(100);
        e.Property(x => x.Status).HasConversion<string>().HasMaxLength(20);
        e.HasIndex(x => new { x.ExpertId, x.Status });
        e.HasIndex(x => new { x.Status, x.RespondBy });
        e.HasOne<PoolExpert>().WithMany().HasForeignKey(x => x.ExpertId).OnDelete(DeleteBehavior.Restrict);
        e.Ignore(x => x.Serving);
    }
}
