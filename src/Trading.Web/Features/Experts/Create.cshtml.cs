using Microsoft.AspNetCore.Mvc;
using Trading.Data;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Experts;

public sealed class ExpertsCreateModel(ExpertPoolService pool) : TradingPageModel
{
    public IReadOnlyList<AppUser> Users { get; private set; } = [];
    [BindProperty] public ExpertProfileInput Input { get; set; } = new() { BirthDate = new DateOnly(1975, 1, 1), PracticeSince = new DateOnly(2000, 7, 1), Title = Trading.ExpertPool.ExpertTitle.Senior };
    [BindProperty] public Guid UserId { get; set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        Users = await pool.UsersWithoutProfileAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var result = await RunAsync(async () =>
        {
            var e = await pool.CreateAsync(RequireActor(), UserId, Input, ct);
            Flash("Experts.Created", e.RegistrationNumber);
            return Redirect($"/Experts/Edit/{e.Id}");
        });
        if (result is Microsoft.AspNetCore.Mvc.RazorPages.PageResult) Users = await pool.UsersWithoutProfileAsync(ct);
        return result;
    }
}
