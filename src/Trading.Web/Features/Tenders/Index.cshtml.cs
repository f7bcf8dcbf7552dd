using Trading.Domain;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Tenders;

public sealed class TendersIndexModel(TenderService tenders) : TradingPageModel
{
    public List<Tender> Tenders { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) => Tenders = await tenders.ListAsync(CurrentActor, ct);
}
