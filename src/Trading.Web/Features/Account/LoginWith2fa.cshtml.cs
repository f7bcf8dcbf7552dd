using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Trading.Data;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Account;

[EnableRateLimiting("sign-in")]
public sealed class LoginWith2faModel(SignInManager<AppUser> signIn, SignInThrottle throttle) : TradingPageModel
{
    [BindProperty] public string? Code { get; set; }
    [BindProperty(SupportsGet = true)] public string? ReturnUrl { get; set; }

    public async Task<IActionResult> OnGetAsync() =>
        await signIn.GetTwoFactorAuthenticationUserAsync() is null ? RedirectToPage("/Account/Login") : Page();

    public async Task<IActionResult> OnPostAsync()
    {
        if (await signIn.GetTwoFactorAuthenticationUserAsync() is not { UserName: { } name }) return RedirectToPage("/Account/Login");
        var ip = HttpContext.Connection.RemoteIpAddress;
        if (!throttle.Allows(name, ip))
        {
            ModelState.AddModelError("", T["Auth.Throttled"]);
            return Page();
        }
        var code = (Code ?? "").Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
        var result = await signIn.TwoFactorAuthenticatorSignInAsync(code, isPersistent: false, rememberClient: false);
        if (result.Succeeded) return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "/Tenders");
        throttle.Failed(name, ip);
        ModelState.AddModelError("", T["Auth.BadCode"]);
        return Page();
    }
}
