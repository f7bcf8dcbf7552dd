using Trading.Domain;
using Trading.Domain.Award;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Award;

/// <summary>The public list of candidate publicities and results, newest first; no sign-in.</summary>
public sealed class AwardIndexModel(AwardService award) : TradingPageModel
{
    public List<(Tender Tender, CandidatePublicity Publicity, int Awarded)> Rows { get; private set; } = [];

    public async Task OnGetAsync() => Rows = await award.PublishedAsync(HttpContext.RequestAborted);
}
