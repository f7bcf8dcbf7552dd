using Microsoft.AspNetCore.Mvc;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Evaluation;

/// <summary>A bidder firm's clarifications (评标澄清): the committee's questions and the firm's answers, each given once before its deadline.</summary>
public sealed class ClarificationsModel(BidClarifications clarifications) : TradingPageModel
{
    public IReadOnlyList<MyClarification> Items { get; private set; } = [];

    public Task<IActionResult> OnGetAsync(CancellationToken ct) => RunAsync(async () => { await LoadAsync(ct); return Page(); });

    public Task<IActionResult> OnPostAnswerAsync(Guid id, string? answer, CancellationToken ct) =>
        PostAsync(() => clarifications.AnswerAsync(RequireActor(), id, answer, ct), "Evaluation.Clarify.Answered", null, () => LoadAsync(ct));

    private async Task LoadAsync(CancellationToken ct) => Items = await clarifications.MineAsync(RequireActor(), ct);
}
