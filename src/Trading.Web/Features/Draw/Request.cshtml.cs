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
                new StratumInput { Stratum = "1-tech", Kind = StratumKind.Technical, SpecialtyPicks = ["construction/*"], Count = 3 },
                new StratumInput { Stratum = "2-econ", Kind = StratumKind.Economic, SpecialtyPicks = ["economics/*"], Count = 2 },
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
        JoinPicks(Input);
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

    /// <summary>
    /// The page offers named pickers, the API and scripted clients send comma-separated codes; both end as codes.
    /// A row filled from the pickers gets its stratum id from its position and kind (ids are codes in the record,
    /// not something staff should have to type).
    /// </summary>
    private static void JoinPicks(DrawRequestInput input)
    {
        for (var i = 0; i < input.Strata.Count; i++)
        {
            var s = input.Strata[i];
            if (s.SpecialtyPicks.Count > 0) s.Specialties = string.Join(',', s.SpecialtyPicks);
            if (s.RegionPicks.Count > 0) s.Regions = string.Join(',', s.RegionPicks);
            if (string.IsNullOrWhiteSpace(s.Stratum) && (!string.IsNullOrWhiteSpace(s.Specialties) || s.Count > 0))
                s.Stratum = $"{i + 1}-{s.Kind.ToString().ToLowerInvariant()}";
        }
    }
}
