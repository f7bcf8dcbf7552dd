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
    /// <summary>Turning two-factor on or off asks for the password again: a session left open must not be enough.</summary>
    [BindProperty] public string? Password { get; set; }

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
        if (await RefusedAsync(user) is { } refused) return refused;
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
        // The current code too: whoever has only the password (or only an open session) cannot remove the second factor.
        if (await RefusedAsync(user) is { } refused) return refused;
        await log.ActAsync(async () =>
        {
            await users.SetTwoFactorEnabledAsync(user, false);
            await users.ResetAuthenticatorKeyAsync(user);
            await log.AppendAsync("account.twofactor.disabled", null, new { user = log.Pseudonym("user", user.Id.ToString()) });
        });
        await signIn.RefreshSignInAsync(user);
        return RedirectToPage();
    }

    /// <summary>The page again with the reason when the password or the authenticator code is wrong; null when both are right.</summary>
    private async Task<IActionResult?> RefusedAsync(AppUser user)
    {
        var problem = string.IsNullOrEmpty(Password) || !await users.CheckPasswordAsync(user, Password) ? "Auth.PasswordAgain"
            : !await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, (Code ?? "").Replace(" ", "", StringComparison.Ordinal)) ? "Auth.BadCode"
            : null;
        if (problem is null) return null;
        ModelState.AddModelError("", T[problem]);
        await LoadAsync(user);
        return Page();
    }

    private async Task LoadAsync(AppUser user)
    {
        Enabled = await users.GetTwoFactorEnabledAsync(user);
        if (Enabled) return;
        var key = await users.GetAuthenticatorKeyAsync(user);
        if (string.IsNullOrEmpty(key))
        {
            await users.ResetAuthenticatorKeyAsync(user);
            // A new key changes the security stamp, which ends every session (SessionStamp): keep this one.
            await signIn.RefreshSignInAsync(user);
            key = await users.GetAuthenticatorKeyAsync(user);
        }
        SharedKey = key!;
        var uri = $"otpauth://totp/{Uri.EscapeDataString("Trading")}:{Uri.EscapeDataString(user.UserName!)}?secret={key}&issuer=Trading&digits=6";
        using var gen = new QRCodeGenerator();
        using var data = gen.CreateQrCode(uri, QRCodeGenerator.ECCLevel.M);
        QrSvg = new SvgQRCode(data).GetGraphic(4);
    }
}
