using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Trading.Web.Features.Admin;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Account;

/// <summary>
/// A user sets their own password with the one-time link an administrator handed over (a new account, or a forgotten
/// password). Open without signing in; the link is the proof, and a user with two-factor also gives a code.
/// </summary>
[AllowAnonymous]
public sealed class SetPasswordModel(AdminService admin) : TradingPageModel
{
    [BindProperty(SupportsGet = true, Name = "user")] public Guid UserId { get; set; }
    [BindProperty(SupportsGet = true)] public string? Token { get; set; }
    [BindProperty] public string? Password { get; set; }
    [BindProperty] public string? Confirm { get; set; }
    [BindProperty] public string? Code { get; set; }

    public string? UserName { get; private set; }
    public bool NeedsCode { get; private set; }
    /// <summary>The link no longer works (used, expired, or the account was deactivated): no form is shown.</summary>
    public bool Dead { get; private set; }

    public Task<IActionResult> OnGetAsync() => RunAsync(async () => { await LoadAsync(); return Page(); });

    public Task<IActionResult> OnPostAsync() => RunOrReloadAsync(async () =>
    {
        await admin.SetPasswordAsync(UserId, Token, Password, Confirm, Code, HttpContext.RequestAborted);
        TempData["Message"] = T["Account.PasswordSet"];
        return RedirectToPage("/Account/Login");
    }, LoadAsync);

    private async Task LoadAsync()
    {
        try
        {
            var u = await admin.LinkUserAsync(UserId, Token, HttpContext.RequestAborted);
            UserName = u.UserName;
            NeedsCode = u.TwoFactorEnabled;
        }
        catch (Domain.RuleViolationException e)
        {
            Dead = true;
            ModelState.AddModelError("", T.Explain(e.Violation));
        }
    }
}
