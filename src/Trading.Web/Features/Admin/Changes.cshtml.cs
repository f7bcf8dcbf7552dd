using Microsoft.AspNetCore.Mvc;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Admin;

/// <summary>Who changed which organisation or account, when and why: read back from the public log, names put back.</summary>
public sealed class AdminChangesModel(AdminService admin) : TradingPageModel
{
    public List<AdminChange> Changes { get; private set; } = [];

    public Task<IActionResult> OnGetAsync() => RunAsync(async () =>
    {
        Changes = await admin.ChangesAsync(RequireActor(), 300, HttpContext.RequestAborted);
        return Page();
    });
}
