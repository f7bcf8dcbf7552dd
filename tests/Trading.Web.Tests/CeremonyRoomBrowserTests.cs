using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Trading.Data;
using Trading.Domain.Bidding;
using Trading.Web.Tests.Infrastructure;

namespace Trading.Web.Tests;

/// <summary>
/// The ceremony room in Chromium, with two-factor sign-in: the officers of the three holders deal, a second officer of
/// the centre makes its transport key in its browser (a guessable passphrase refused there) and is added by the first
/// (shares re-encrypted in that officer's browser), acknowledgements complete the ceremony live on every page, and each
/// holder passes its health check made in the browser. The demo's officers act under the demo passphrase.
/// </summary>
public sealed class CeremonyRoomBrowserTests(PostgresServer pg) : BrowserTest(pg)
{
    private const string DemoPassphrase = Trading.Web.Features.Submission.SubmissionDemo.Passphrase;
    private const string SecondPassphrase = "centre's second officer: walnut-otter-harbour 2026";

    private async Task<IPage> OfficerAsync(string user) => (await SignInWithTwoFactorAsync(user)).Page;

    private static async Task ActAsync(IPage page, string testId, string? passphrase = null)
    {
        if (passphrase is not null) await page.Locator("#pass").FillAsync(passphrase);
        await page.GetByTestId(testId).ClickAsync();
        // Done, or the page's own refusal: a failure says what the officer saw.
        await page.WaitUntilAsync("document.getElementById('act-status').textContent === 'Done.' || !document.getElementById('act-error').hidden", 60_000);
        Assert.True(await page.GetByTestId("act-error").IsHiddenAsync(), $"{testId}: {await page.GetByTestId("act-error").TextContentAsync()}");
        await Assertions.Expect(page.GetByTestId("act-status")).ToHaveTextAsync("Done.");
    }

    [Fact]
    public async Task Three_holders_one_with_two_officers_complete_the_ceremony_live_and_pass_health_checks_made_in_the_browser()
    {
        var tender = await TestApi.PublishedTenderAsync(await App.ApiAsync("owner1"), App.Clock.GetUtcNow().UtcDateTime.AddDays(25));
        await Officers.CreateUserLikeAsync(App, "centre", "centre2");
        var room = $"/Submission/Ceremony/{tender}";
        var pages = new Dictionary<string, IPage>();
        foreach (var user in new[] { "supervisor", "centre", "owner1", "centre2" })
        {
            pages[user] = await OfficerAsync(user);
            await pages[user].GotoAsync(room);
        }

        // The page shows the hash of the holder module it runs.
        var served = await App.NewClient().GetByteArrayAsync("/lib/holder.mjs");
        await Assertions.Expect(pages["owner1"].GetByTestId("module-hash")).ToHaveTextAsync(Convert.ToHexStringLower(SHA256.HashData(served)));
        await Assertions.Expect(pages["owner1"].GetByTestId("next")).ToHaveAttributeAsync("data-next", "deal");

        // Each holder deals in its browser; the others' rooms follow live, without a reload.
        foreach (var user in new[] { "supervisor", "centre", "owner1" }) await ActAsync(pages[user], "deal");
        await Assertions.Expect(pages["supervisor"].GetByTestId("holder-3")).ToHaveAttributeAsync("data-dealt", "yes");
        await Assertions.Expect(pages["supervisor"].GetByTestId("next")).ToHaveAttributeAsync("data-next", "acknowledge");

        // The centre's second officer makes its transport key in the browser: a guessable passphrase is refused there.
        var second = pages["centre2"];
        await second.Locator("#new-pass").FillAsync("password1234password");
        await second.Locator("#new-pass2").FillAsync("password1234password");
        await second.GetByTestId("enrol").ClickAsync();
        await Assertions.Expect(second.GetByTestId("act-error")).ToContainTextAsync("could be guessed");
        Assert.Empty(App.WithDb(db => db.Set<HolderOfficer>().Where(o => db.Users.Any(u => u.Id == o.UserId && u.UserName == "centre2")).ToList()));
        await second.Locator("#new-pass").FillAsync(SecondPassphrase);
        await second.Locator("#new-pass2").FillAsync(SecondPassphrase);
        await second.GetByTestId("enrol").ClickAsync();
        await Assertions.Expect(second.GetByTestId("pending")).ToBeVisibleAsync(new() { Timeout = 60_000 });

        // The first centre officer adds it from its room: the centre's shares are re-encrypted to it in that browser.
        var officerId = App.WithDb(db => db.Set<HolderOfficer>().Single(o => db.Users.Any(u => u.Id == o.UserId && u.UserName == "centre2")).Id);
        await Assertions.Expect(pages["centre"].GetByTestId($"add-{officerId}")).ToBeVisibleAsync();
        await ActAsync(pages["centre"], $"add-{officerId}", DemoPassphrase);
        Assert.Equal("custody.officer.added", App.WithDb(db => db.LogEntries.Where(e => e.TenderId == tender).OrderByDescending(e => e.Index).First().Type));

        // The second centre officer checks the centre's shares with its own passphrase; the others with theirs.
        await second.ReloadAsync();
        await ActAsync(second, "check", SecondPassphrase);
        await ActAsync(pages["supervisor"], "check", DemoPassphrase);
        await ActAsync(pages["owner1"], "check", DemoPassphrase);
        foreach (var page in pages.Values)
            await Assertions.Expect(page.GetByTestId("ceremony-status")).ToContainTextAsync("complete", new() { Timeout = 30_000 });
        Assert.Equal(9, App.WithDb(db => db.Set<CeremonyAcknowledgement>().Count(a => db.Set<KeyCeremony>().Any(c => c.Id == a.KeyCeremonyId && c.TenderId == tender))));

        // A wrong passphrase is told in the page and sends nothing; then every holder passes its health check.
        await pages["owner1"].Locator("#pass").FillAsync("not the passphrase at all 123");
        await pages["owner1"].GetByTestId("health").ClickAsync();
        await Assertions.Expect(pages["owner1"].GetByTestId("act-error")).ToContainTextAsync("does not unseal", new() { Timeout = 60_000 });
        await ActAsync(pages["owner1"], "health", DemoPassphrase);
        await ActAsync(second, "health", SecondPassphrase);
        await ActAsync(pages["supervisor"], "health", DemoPassphrase);
        foreach (var h in new[] { 1, 2, 3 })
            await Assertions.Expect(pages["centre"].GetByTestId($"holder-{h}")).ToHaveAttributeAsync("data-health", "ok", new() { Timeout = 30_000 });
        await Assertions.Expect(pages["centre"].GetByTestId("next")).ToHaveAttributeAsync("data-next", "done");
        Assert.Equal(3, App.WithDb(db => db.LogEntries.Count(e => e.TenderId == tender && e.Type == "ceremony.health.ok" && e.Payload.Contains("\"via\":\"browser\""))));

        // The passphrases were typed in the browsers only: nothing stored or logged holds them.
        var stored = App.WithDb(db => string.Join("\n", db.Set<HolderOfficer>().Select(o => o.SealedTransportKeyJson).ToList()
            .Concat(db.LogEntries.Where(e => e.TenderId == tender).Select(e => e.Payload).ToList())));
        Assert.DoesNotContain(SecondPassphrase, stored, StringComparison.Ordinal);
        Assert.DoesNotContain(DemoPassphrase, stored, StringComparison.Ordinal);
    }
}
