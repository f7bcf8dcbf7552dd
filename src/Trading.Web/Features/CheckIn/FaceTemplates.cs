using System.Collections.Concurrent;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Trading.Biometrics;
using Trading.Data;
using Trading.Domain.CheckIn;

namespace Trading.Web.Features.CheckIn;

/// <summary>
/// Templates at rest: protected with ASP.NET Data Protection (keys in the database) under a purpose that
/// includes the expert id, so a template copied onto another expert's row does not open.
/// </summary>
public sealed class FaceTemplates(IDataProtectionProvider provider)
{
    public const string Purpose = "Trading.CheckIn.FaceTemplate.v1";

    private IDataProtector For(Guid expertId) => provider.CreateProtector(Purpose, expertId.ToString());

    public string Protect(Guid expertId, FaceTemplate template) =>
        Convert.ToBase64String(For(expertId).Protect(template.ToBytes()));

    public FaceTemplate Open(Guid expertId, string protectedTemplate) =>
        FaceTemplate.FromBytes(For(expertId).Unprotect(Convert.FromBase64String(protectedTemplate)));
}

/// <summary>
/// Opened templates of every enrolled expert, for 1:N. Each check-in compares against all of them; opening a few
/// thousand protected rows each time would cost more than the face models, so opened templates are cached by row
/// version and only new or re-enrolled rows are read and opened again.
/// </summary>
public sealed class FaceGallery
{
    private readonly ConcurrentDictionary<Guid, (Guid Version, FaceTemplate Template)> _cache = new();

    public async Task<IReadOnlyDictionary<Guid, FaceTemplate>> LoadAsync(TradingDbContext db, FaceTemplates templates, CancellationToken ct)
    {
        var versions = await db.Set<FaceEnrolmentRecord>().AsNoTracking().Select(e => new { e.ExpertId, e.Version }).ToListAsync(ct);
        var stale = versions.Where(v => !_cache.TryGetValue(v.ExpertId, out var c) || c.Version != v.Version).Select(v => v.ExpertId).ToList();
        foreach (var chunk in stale.Chunk(500))
        {
            var rows = await db.Set<FaceEnrolmentRecord>().AsNoTracking().Where(e => chunk.Contains(e.ExpertId))
                .Select(e => new { e.ExpertId, e.Version, e.ProtectedTemplate }).ToListAsync(ct);
            foreach (var r in rows) _cache[r.ExpertId] = (r.Version, templates.Open(r.ExpertId, r.ProtectedTemplate));
        }
        var current = versions.ToDictionary(v => v.ExpertId, v => v.Version);
        foreach (var gone in _cache.Keys.Where(k => !current.ContainsKey(k)).ToList()) _cache.TryRemove(gone, out _);
        return current.Keys.Where(_cache.ContainsKey).ToDictionary(k => k, k => _cache[k].Template);
    }
}
