using Microsoft.Playwright;
using Trading.Web.Tests.Infrastructure;

namespace Trading.Web.Tests;

/// <summary>
/// An administrator staffs a new agency from the page, as a centre would on its first day: the agency, an account, the
/// one-time link handed over, the agent setting a password in their own browser and signing in; then deactivation.
/// </summary>
public class AdminBrowserTests(PostgresServer pg) : BrowserTest(pg)
{
    [Fact]
    public async Task An_administrator_creates_an_agency_and_its_agent_who_sets_a_password_and_signs_in()
    {
        var page = await NewPageAsync();
        await SignInAsync(page, "admin");
        await page.GetByRole(AriaRole.Button, new() { Name = "Parties", Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Organisations and accounts", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Organisations and accounts");

        // A wrong check character is refused in words, and the form keeps what was typed.
        await page.GetByLabel("Kind").SelectOptionAsync("Agency");
        await page.Locator("#Name").FillAsync("示范市正衡招标代理有限公司");
        await page.GetByLabel("Unified social credit code").FillAsync("91350100M000100Y44");
        await page.GetByTestId("create-org").ClickAsync();
        await Assertions.Expect(page.GetByTestId("errors")).ToContainTextAsync("check character");
        await Assertions.Expect(page.Locator("#Name")).ToHaveValueAsync("示范市正衡招标代理有限公司");
        await page.GetByLabel("Unified social credit code").FillAsync("91350100M000100Y43");
        await page.GetByTestId("create-org").ClickAsync();
        await Assertions.Expect(page.GetByTestId("organisations")).ToContainTextAsync("示范市正衡招标代理有限公司");

        await page.Locator("#UserName").FillAsync("zhengheng1");
        await page.Locator("#DisplayName").FillAsync("正衡代理 吴磊");
        await page.Locator("#OrganisationId").SelectOptionAsync(new SelectOptionValue { Label = "示范市正衡招标代理有限公司 · Tendering agency" });
        await page.Locator("#new-role-Agent").CheckAsync();
        await page.GetByTestId("create-user").ClickAsync();
        var link = await page.GetByTestId("reset-link").InputValueAsync();
        Assert.Contains("/Account/SetPassword?user=", link, StringComparison.Ordinal);
        await Assertions.Expect(page.GetByTestId("user-zhengheng1")).ToContainTextAsync("No password set yet");

        // The agent, in their own browser, sets a password with the link and signs in with it.
        var agent = await NewPageAsync();
        await agent.GotoAsync(link);
        await agent.Locator("#Password").FillAsync("Zhengheng-2027-key");
        await agent.Locator("#Confirm").FillAsync("Zhengheng-2027-key");
        await agent.GetByTestId("set-password-submit").ClickAsync();
        await agent.WaitForURLAsync(u => u.Contains("/Account/Login", StringComparison.Ordinal));
        await SignInAsync(agent, "zhengheng1", "Zhengheng-2027-key");
        await Assertions.Expect(agent.GetByTestId("signed-in-as")).ToContainTextAsync("Tendering agent", new() { UseInnerText = false });

        // Deactivated with a reason: the agent's open page is sent to sign in at the next request.
        await page.ReloadAsync();
        await page.Locator("#reason-" + App.WithDb(db => db.Users.Single(u => u.UserName == "zhengheng1").Id)).FillAsync("委托合同终止");
        await page.GetByTestId("deactivate-zhengheng1").ClickAsync();
        await Assertions.Expect(page.GetByTestId("user-zhengheng1")).ToContainTextAsync("Deactivated");
        await agent.GotoAsync("/Engagements");
        Assert.Contains("/Account/Login", agent.Url, StringComparison.Ordinal);

        await page.GotoAsync("/Admin/Changes");
        await Assertions.Expect(page.GetByTestId("changes")).ToContainTextAsync("Account deactivated");
        await Assertions.Expect(page.GetByTestId("changes")).ToContainTextAsync("委托合同终止");
        Assert.Empty(CspViolations);
    }
}
