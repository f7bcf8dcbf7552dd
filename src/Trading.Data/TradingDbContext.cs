using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Trading.Domain;

namespace Trading.Data;

public class TradingDbContext(DbContextOptions<TradingDbContext> options)
    : IdentityDbContext<AppUser, IdentityRole<Guid>, Guid>(options), IDataProtectionKeyContext
{
    public DbSet<Organisation> Organisations => Set<Organisation>();
    public DbSet<AgentEngagement> AgentEngagements => Set<AgentEngagement>();
    public DbSet<Shareholder> Shareholders => Set<Shareholder>();
    public DbSet<FirmDocument> FirmDocuments => Set<FirmDocument>();
    public DbSet<Tender> Tenders => Set<Tender>();
    public DbSet<Lot> Lots => Set<Lot>();
    public DbSet<TenderDocument> TenderDocuments => Set<TenderDocument>();
    public DbSet<DocumentDownload> DocumentDownloads => Set<DocumentDownload>();
    public DbSet<Clarification> Clarifications => Set<Clarification>();
    public DbSet<StepTransition> StepTransitions => Set<StepTransition>();
    public DbSet<LogRecord> LogEntries => Set<LogRecord>();
    public DbSet<Log.SealedLogAct> SealedLogActs => Set<Log.SealedLogAct>();
    public DbSet<LogNode> LogNodes => Set<LogNode>();
    public DbSet<PendingLogEntry> PendingLogEntries => Set<PendingLogEntry>();
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    // Every context, however it is built (the app, tests, tools), bumps concurrency tokens the same way.
    protected override void OnConfiguring(DbContextOptionsBuilder optionsBuilder) =>
        optionsBuilder.AddInterceptors(ConcurrencyTokenInterceptor.Instance);

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Every instant is UTC. Reading back marks it so, which Npgsql's timestamptz requires and
        // which keeps SQLite's text dates from coming back as "unspecified".
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
    }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        var b = builder;

        b.Entity<AppUser>(e =>
        {
            e.Property(u => u.DisplayName).HasMaxLength(200);
            e.Property(u => u.PreferredCulture).HasMaxLength(10);
            e.HasOne(u => u.Organisation).WithMany().HasForeignKey(u => u.OrganisationId).OnDelete(DeleteBehavior.Restrict);
        });

        b.Entity<Organisation>(e =>
        {
            e.Property(o => o.Name).HasMaxLength(200);
            e.Property(o => o.CreditCode).HasMaxLength(18);
            e.HasIndex(o => o.CreditCode).IsUnique();
            e.HasMany(o => o.Shareholders).WithOne().HasForeignKey(s => s.OrganisationId);
            e.HasMany(o => o.Documents).WithOne().HasForeignKey(d => d.OrganisationId);
        });

        b.Entity<AgentEngagement>(e =>
        {
            e.Property(x => x.Scope).HasMaxLength(500);
            e.Property(x => x.EndReason).HasMaxLength(500);
            e.HasIndex(x => new { x.OwnerOrganisationId, x.AgentOrganisationId });
            e.HasOne<Organisation>().WithMany().HasForeignKey(x => x.OwnerOrganisationId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<Organisation>().WithMany().HasForeignKey(x => x.AgentOrganisationId).OnDelete(DeleteBehavior.Restrict);
        });

        b.Entity<Tender>(e =>
        {
            e.Property(t => t.Code).HasMaxLength(40);
            e.HasIndex(t => t.Code).IsUnique();
            e.Property(t => t.Title).HasMaxLength(300);
            e.Property(t => t.Region).HasMaxLength(Tender.RegionMaxLength);
            e.Property(t => t.Version).IsConcurrencyToken();
            e.HasOne(t => t.OwnerOrganisation).WithMany().HasForeignKey(t => t.OwnerOrganisationId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne(t => t.AgentOrganisation).WithMany().HasForeignKey(t => t.AgentOrganisationId).OnDelete(DeleteBehavior.Restrict);
            e.HasMany(t => t.Lots).WithOne().HasForeignKey(l => l.TenderId);
            e.HasMany(t => t.Documents).WithOne().HasForeignKey(d => d.TenderId);
            e.HasMany(t => t.Transitions).WithOne().HasForeignKey(x => x.TenderId);
            e.HasMany(t => t.Clarifications).WithOne().HasForeignKey(x => x.TenderId);
            e.Ignore(t => t.TotalEstimatedPriceFen);
        });
        b.Entity<Lot>().HasIndex(l => new { l.TenderId, l.Number }).IsUnique();
        b.Entity<DocumentDownload>().HasIndex(d => new { d.TenderId, d.FirmId });

        // Each feature keeps its mapping in its own IEntityTypeConfiguration class (a folder per feature
        // under Trading.Data), so features grow without all editing this method.
        b.ApplyConfigurationsFromAssembly(typeof(TradingDbContext).Assembly);

        // Domain objects make their own Guid ids. Telling EF so means a child added to a loaded parent's
        // collection (a new lot on an edited tender) is inserted, not mistaken for an existing row.
        foreach (var et in b.Model.GetEntityTypes().Where(t => t.ClrType.Namespace?.StartsWith(typeof(Tender).Namespace!, StringComparison.Ordinal) == true))
        {
            if (et.FindPrimaryKey()?.Properties is [{ ClrType: var k } key] && k == typeof(Guid))
                key.ValueGenerated = Microsoft.EntityFrameworkCore.Metadata.ValueGenerated.Never;
        }

        b.Entity<LogRecord>(e =>
        {
            e.HasKey(x => x.Index);
            e.Property(x => x.Index).ValueGeneratedNever();
            e.Property(x => x.Type).HasMaxLength(100);
            e.HasIndex(x => x.TenderId);
            e.HasIndex(x => x.Ticket).IsUnique();
        });
        b.Entity<PendingLogEntry>(e =>
        {
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).ValueGeneratedOnAdd();
            e.Property(x => x.Type).HasMaxLength(100);
            e.Property(x => x.SealPurpose).HasMaxLength(16);
            e.HasIndex(x => x.Ticket).IsUnique();
        });
        b.Entity<LogNode>(e =>
        {
            e.HasKey(x => new { x.Level, x.Index });
            e.Property(x => x.Index).ValueGeneratedNever();
            e.Property(x => x.Level).ValueGeneratedNever();
        });
    }

    private sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
        v => v.Kind == DateTimeKind.Utc ? v : DateTime.SpecifyKind(v.ToUniversalTime(), DateTimeKind.Utc),
        v => DateTime.SpecifyKind(v, DateTimeKind.Utc));
}
