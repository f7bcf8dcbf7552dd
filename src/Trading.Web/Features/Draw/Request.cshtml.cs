using Microsoft.AspNetCore.Mvc;
using Trading.Domain;
using Trading.ExpertPool;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Draw;

public sealed class DrawRequestModel(DrawService draws, CentreTime time) : TradingPageModel
{
    public Tender? Tender { get; private set; }

    [BindProperty] public DrawRequestInput Input { get; set; } = new();
    [BindProperty] public DateOnly Day { get; set; }
    [BindProperty] public TimeOnly From { get; set; } = new(9, 0);
    [BindProperty] public TimeOnly To { get; set; } = new(12, 0);

    public Task<IActionResult> OnGetAsync(Guid tenderId, CancellationToken ct) => RunAsync(async () =>
    {
        Tender = await draws.TenderForRequestAsync(RequireActor(), tenderId, ct);
        Input = new DrawRequestInput
        {
            TenderId = tenderId, LotId = Tender.Lots.OrderBy(l => l.Number).First().Id, EvaluationRoom = "评标室一", CommitteeSize = 5,
            Strata =
            [
                new StratumInput { Stratum = "1-tech", Kind = StratumKind.Technical, Specialties = "construction/*", Count = 3 },
                new StratumInput { Stratum = "2-econ", Kind = StratumKind.Economic, Specialties = "economics/*", Count = 2 },
                new StratumInput(),
            ],
        };
        Day = DateOnly.FromDateTime(time.ToLocal(time.UtcNow)).AddDays(1);
        return Page();
    });

    public Task<IActionResult> OnPostAsync(CancellationToken ct) => RunAsync(async () =>
    {
        var actor = RequireActor();
        Tender = await draws.TenderForRequestAsync(actor, Input.TenderId, ct);
        Input.StartsAtLocal = Day.ToDateTime(From);
        Input.EndsAtLocal = Day.ToDateTime(To);
        var s = await draws.RequestAsync(actor, Input, ct);
        Flash("Draw.Requested", s.DrawId);
        return Redirect($"/Draw/Details/{s.Id}");
    }, () =>
    {
        while (Input.Strata.Count < 3) Input.Strata.Add(new StratumInput());
        return Page();
    });
}
