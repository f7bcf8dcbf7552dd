using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Trading.Data;
using Trading.Domain;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features;

public sealed class IndexModel(TradingDbContext db, IOptions<PlatformOptions> options, CentreTime time) : TradingPageModel
{
    public List<Tender> Notices { get; private set; } = [];
    public int OpenCount { get; private set; }
    public int FirmCount { get; private set; }
    public long LogSize { get; private set; }
    public bool Demo => options.Value.Demo;

    public async Task OnGetAsync(CancellationToken ct)
    {
        var now = time.UtcNow;
        var published = await db.Tenders.Include(t => t.OwnerOrganisation).Where(t => t.Step >= LifecycleStep.NoticePublished).ToListAsync(ct);
        Notices = published.OrderByDescending(t => t.PublishedAt).Take(10).ToList();
        OpenCount = published.Count(t => t.Step == LifecycleStep.NoticePublished && t.BidDeadline > now);
        FirmCount = await db.Organisations.CountAsync(o => o.Kind == OrganisationKind.BidderFirm && o.Status == FirmStatus.Approved, ct);
        LogSize = await db.LogEntries.LongCountAsync(ct);
    }
}
