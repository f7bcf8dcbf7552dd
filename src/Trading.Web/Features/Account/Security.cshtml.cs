using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using QRCoder;
using Trading.Data;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Account;

/// <summary>TOTP two-factor set-up with any authenticator app (RFC 6238, Identity's built-in provider).</summary>
public sealed class SecurityModel(UserManager<AppUser> users, SignInManager<AppUser> signIn, PublicLogWriter log) : TradingPageModel
{
    public bool Enabled { get; private set; }
    public string SharedKey { get; private set; } = "";
    public string QrSvg { get; private set; } = "";
    [BindProperty] public string? Code { get; set; }

    public async Task<IActionResult> OnGetAsync()
    {
        var user = await users.GetUserAsync(User);
        if (user is null) return Challenge();
        await LoadAsync(user);
        return Page();
    }

    public async Task<IActionResult> OnPostEnableAsync()
    {
        var user = await users.GetUserAsync(User);
        if (user is null) return Challenge();
        var code = (Code ?? "").Replace(" ", "", StringComparison.Ordinal);
        if (!await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, code))
        {
            ModelState.AddModelError("", T["Auth.BadCode"]);
            await LoadAsync(user);
            return Page();
        }
        await log.ActAsync(async () =>
        {
            await users.SetTwoFactorEnabledAsync(user, true);
            await log.AppendAsync("account.twofactor.enabled", null, new { user = log.Pseudonym("user", user.Id.ToString()) });
        });
        await signIn.RefreshSignInAsync(user);
        Flash("Account.TwoFactorOn");
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostDisableAsync()
    {
        var user = await users.GetUserAsync(User);
        if (user is null) return Challenge();
        await log.ActAsync(async () =>
        {
            await users.SetTwoFactorEnabledAsync(user, false);
            await users.ResetAuthenticatorKeyAsync(user);
            await log.AppendAsync("account.twofactor.disabled", null, new { user = log.Pseudonym("user", user.Id.ToString()) });
        });
        await signIn.RefreshSignInAsync(user);
        return RedirectToPage();
    }

    private async Task LoadAsync(AppUser user)
    {
        Enabled = await users.GetTwoFactorEnabledAsync(user);
        if (Enabled) return;
        var key = await users.GetAuthenticatorKeyAsync(user);
        if (string.IsNullOrEmpty(key))
        {
            await users.ResetAuthenticatorKeyAsync(user);
            key = await users.GetAuthenticatorKeyAsync(user);
        }
        SharedKey = key!;
        var uri = $"otpauth://totp/{Uri.EscapeDataString("Trading")}:{Uri.EscapeDataString(user.UserName!)}?secret={key}&issuer=Trading&digits=6";
        using var gen = new QRCodeGenerator();
        using var data = gen.CreateQrCode(uri, QRCodeGenerator.ECCLevel.M);
        QrSvg = new SvgQRCode(data).GetGraphic(4);
    }
}
