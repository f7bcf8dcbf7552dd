using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Trading.Data;

namespace Trading.Web.Features.Account;

public sealed class LogoutModel(SignInManager<AppUser> signIn, UserManager<AppUser> users) : PageModel
{
    public IActionResult OnGet() => LocalRedirect("/");

    public async Task<IActionResult> OnPostAsync()
    {
        // A new security stamp ends this session everywhere: a copy of the cookie stops working on its next request.
        if (await users.GetUserAsync(User) is { } user) await users.UpdateSecurityStampAsync(user);
        await signIn.SignOutAsync();
        return LocalRedirect("/");
    }
}
