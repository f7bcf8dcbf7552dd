using Microsoft.AspNetCore.Identity;
using OtpNet;
using Trading.Data;

namespace Trading.Web.Features.Account;

/// <summary>
/// Authenticator codes (RFC 6238) that are one-time for real. Identity's built-in provider accepts a code two time
/// steps either side (a code works for about 2.5 minutes) and as often as it is typed, so a code seen over a shoulder or
/// replayed from a captured request signs in again. Here a code is accepted one step either side (clock drift of the
/// phone) and only for a time step later than the last one this account used; the last step is kept in Identity's
/// token store, and the user's concurrency stamp makes two simultaneous uses of one code succeed at most once.
/// Otp.NET computes the codes (Identity's own TOTP code is internal).
/// </summary>
public sealed class OneTimeAuthenticatorTokenProvider : IUserTwoFactorTokenProvider<AppUser>
{
    private const string Store = "[OneTimeTotp]";
    private const string LastStep = "LastStep";
    private static readonly VerificationWindow Window = new(previous: 1, future: 1);

    public async Task<bool> CanGenerateTwoFactorTokenAsync(UserManager<AppUser> manager, AppUser user) =>
        !string.IsNullOrWhiteSpace(await manager.GetAuthenticatorKeyAsync(user));

    /// <summary>Codes come from the user's app, never from the server.</summary>
    public Task<string> GenerateAsync(string purpose, UserManager<AppUser> manager, AppUser user) => Task.FromResult(string.Empty);

    public async Task<bool> ValidateAsync(string purpose, string token, UserManager<AppUser> manager, AppUser user)
    {
        var key = await manager.GetAuthenticatorKeyAsync(user);
        if (string.IsNullOrWhiteSpace(key) || token.Length != 6 || !token.All(char.IsAsciiDigit)) return false;
        // Identity checks codes against the system clock too; a phone's app has no other.
        var totp = new Totp(Base32Encoding.ToBytes(key));
        if (!totp.VerifyTotp(DateTime.UtcNow, token, out var step, Window)) return false;
        var last = long.TryParse(await manager.GetAuthenticationTokenAsync(user, Store, LastStep), out var l) ? l : -1;
        if (step <= last) return false;
        var saved = await manager.SetAuthenticationTokenAsync(user, Store, LastStep, step.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return saved.Succeeded;
    }
}
