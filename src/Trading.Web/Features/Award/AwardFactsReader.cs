using Microsoft.EntityFrameworkCore;
using Trading.Data;
using Trading.Domain.Award;
using Trading.Domain.Bidding;

namespace Trading.Web.Features.Award;

/// <summary>Reads what has been recorded for a tender after its evaluation report, for <see cref="AwardRules"/>.</summary>
public static class AwardFactsReader
{
    /// <summary>Tracked when the caller changes rows it reads (an answer, a suspension); read-only otherwise.</summary>
    public static async Task<AwardFacts> ReadAsync(TradingDbContext db, Guid tenderId, CancellationToken ct, bool tracked = false)
    {
        IQueryable<T> Q<T>() where T : class => tracked ? db.Set<T>() : db.Set<T>().AsNoTracking();
        var publicity = await Q<CandidatePublicity>().Include(p => p.Candidates).FirstOrDefaultAsync(p => p.TenderId == tenderId, ct);
        return new AwardFacts(publicity,
            await Q<Objection>().Where(o => o.TenderId == tenderId).OrderBy(o => o.RaisedAt).ToListAsync(ct),
            await Q<Complaint>().Where(o => o.TenderId == tenderId).OrderBy(o => o.LodgedAt).ToListAsync(ct),
            await Q<LotAward>().Where(o => o.TenderId == tenderId).ToListAsync(ct),
            await Q<LotContract>().Where(o => o.TenderId == tenderId).ToListAsync(ct),
            await Q<BondRefund>().Where(o => o.TenderId == tenderId).ToListAsync(ct));
    }

    /// <summary>The bids whose bond comes back after the contract: every valid bid of a lot that did not fail.</summary>
    public static Task<List<Guid>> RefundableAsync(TradingDbContext db, Guid tenderId, IReadOnlyCollection<Guid> openLots, CancellationToken ct) =>
        db.Set<Bid>().AsNoTracking().Where(b => b.TenderId == tenderId && b.Status == BidStatus.Valid && openLots.Contains(b.LotId))
            .Select(b => b.Id).ToListAsync(ct);
}
