using Microsoft.AspNetCore.Mvc;
using Trading.Web.Api;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Firms;

public sealed class RegisterModel(FirmService firms) : TradingPageModel
{
    [BindProperty] public FirmRegistrationForm Form { get; set; } = new();
    [BindProperty] public IFormFile? Licence { get; set; }

    public void OnGet() { }

    public Task<IActionResult> OnPostAsync(CancellationToken ct) => RunAsync(async () =>
    {
        await firms.RegisterAsync(Form.ToRegistration(), Licence, HttpContext.Connection.RemoteIpAddress?.ToString(), ct);
        Flash("Firm.RegisteredMsg");
        return RedirectToPage("/Account/Login", new { userName = Form.UserName });
    });
}
