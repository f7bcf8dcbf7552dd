using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Trading.Data;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Account;

[EnableRateLimiting("sign-in")]
public sealed class LoginModel(SignInManager<AppUser> signIn, UserManager<AppUser> users, SignInThrottle throttle) : TradingPageModel
{
    [BindProperty(SupportsGet = true)] public string? UserName { get; set; }
    [BindProperty] public string? Password { get; set; }
    [BindProperty(SupportsGet = true)] public string? ReturnUrl { get; set; }

    public void OnGet() { }

    public async Task<IActionResult> OnPostAsync()
    {
        if (string.IsNullOrWhiteSpace(UserName) || string.IsNullOrEmpty(Password))
        {
            ModelState.AddModelError("", T["Auth.Invalid"]);
            return Page();
        }
        var ip = HttpContext.Connection.RemoteIpAddress;
        if (!throttle.Allows(UserName, ip))
        {
            ModelState.AddModelError("", T["Auth.Throttled"]);
            return Page();
        }
        var result = await signIn.PasswordSignInAsync(UserName.Trim(), Password, isPersistent: false, lockoutOnFailure: false);
        if (result.RequiresTwoFactor)
            return RedirectToPage("/Account/LoginWith2fa", new { ReturnUrl });
        if (!result.Succeeded)
        {
            // One message for a wrong password, an unknown name and a deactivated account: none tells which.
            throttle.Failed(UserName, ip);
            ModelState.AddModelError("", T["Auth.Invalid"]);
            return Page();
        }
        if (await users.FindByNameAsync(UserName.Trim()) is { PreferredCulture: { } c } && c is "zh-CN" or "en")
            Response.Cookies.Append(CookieRequestCultureProvider.DefaultCookieName, CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(c)),
                new CookieOptions { Expires = DateTimeOffset.UtcNow.AddYears(1), IsEssential = true, HttpOnly = true, SameSite = SameSiteMode.Lax });
        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "/Tenders");
    }
}
