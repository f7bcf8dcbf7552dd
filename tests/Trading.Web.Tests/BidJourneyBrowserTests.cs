using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Trading.Crypto;
using Trading.Data;
using Trading.Domain.Bidding;
using Trading.Web.Tests.Infrastructure;
using UglyToad.PdfPig;

namespace Trading.Web.Tests;

/// <summary>
/// The journey the platform exists for, in Chromium: the holders' officers run the ceremony from their machines, three bidders
/// seal in the browser and one with the CLI, the deadline passes on the server clock, the three holders open,
/// and the opening record, its PDF and its transcript come out right.
/// </summary>
public class BidJourneyBrowserTests(PostgresServer pg) : BrowserTest(pg)
{
    // The officers' machines here are C# clients with bearer tokens, which carry no two-factor claim; the rule itself is
    // tested in SubmissionTwoFactorTests, and the ceremony room with two-factor in CeremonyRoomBrowserTests.
    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>(Bidding.FastSettings) { ["Submission:Suite"] = Suite };

    /// <summary>The deployment's envelope suite; <see cref="BidJourneySm2BrowserTests"/> runs the same journey with suite 2.</summary>
    protected virtual string Suite => CryptoSuites.P256;

    private async Task<IPage> HolderAsync(string user) => (await SignInWithTwoFactorAsync(user)).Page;

    [Fact]
    public async Task Owner_publishes_holders_join_bidders_seal_in_the_browser_and_with_the_cli_and_the_three_holders_open()
    {
        var deadline = App.Clock.GetUtcNow().UtcDateTime.AddDays(25);
        var tender = await TestApi.PublishedTenderAsync(await App.ApiAsync("owner1"), deadline);

        // The three holders' officers run the ceremony from their own machines (CeremonyRoomBrowserTests runs it in the room).
        await Bidding.JoinAllAsync(App, tender);
        var holders = new List<IPage>();
        foreach (var user in Bidding.Holders) holders.Add(await HolderAsync(user));
        await holders[2].GotoAsync($"/Submission/Ceremony/{tender}");
        await Assertions.Expect(holders[2].GetByTestId("ceremony-status")).ToContainTextAsync("complete");

        // Three bidders seal and upload in the browser: the server receives only the envelope.
        decimal[] prices = [3_456_789.12m, 3_300_000m, 3_512_000.5m];
        var attachment = Path.Combine(App.DataDirectory, "technical-proposal.txt");
        Directory.CreateDirectory(App.DataDirectory);
        await File.WriteAllTextAsync(attachment, "施工组织设计：secret technical proposal 12345");
        for (var i = 0; i < 3; i++)
        {
            var user = $"bidder0{i + 1}";
            await Bidding.ObtainDocumentsAsync(await App.ApiAsync(user), tender);
            var page = await NewPageAsync();
            await SignInAsync(page, user);
            await page.GotoAsync($"/Tenders/Details/{tender}");
            await page.GetByTestId("to-bid").ClickAsync();
            await page.Locator("#price").FillAsync(prices[i].ToString(System.Globalization.CultureInfo.InvariantCulture));
            await page.Locator("#duration").FillAsync("365");
            await page.Locator("#pm").FillAsync($"项目经理{i + 1}");
            await page.Locator("#pmid").FillAsync("11010119800101123" + i);
            await page.Locator("#bond").FillAsync("6222 0000 0000 000" + i);
            await page.Locator("#files").SetInputFilesAsync(attachment);
            await page.GetByTestId("seal-upload").ClickAsync();
            await Assertions.Expect(page.GetByTestId("receipt")).ToContainTextAsync("Bid received", new() { Timeout = 30_000 });
            await Assertions.Expect(page.GetByTestId("my-bids")).ToContainTextAsync("valid", new() { Timeout = 30_000 });
            // Without a reload: the list came back in place, the success is said once, and the focus is on the receipt.
            Assert.Equal(1, await page.GetByText("Bid received").CountAsync());
            Assert.Equal(0, await page.GetByTestId("no-bids").CountAsync());
            Assert.Equal("receipt", await page.EvaluateAsync<string>("() => document.activeElement.dataset.testid"));
            Assert.True(await page.GetByTestId("upload-status").IsHiddenAsync());
        }
        // The plaintext never reached the server: no stored file contains the attachment's text.
        foreach (var f in Directory.EnumerateFiles(App.DataDirectory, "*", SearchOption.AllDirectories).Where(f => !f.EndsWith(".txt", StringComparison.Ordinal)))
            Assert.DoesNotContain("secret technical proposal", await File.ReadAllTextAsync(f), StringComparison.Ordinal);

        // A fourth bidder seals offline with the CLI and uploads the envelope on the same page.
        var cliDir = Directory.CreateDirectory(Path.Combine(App.DataDirectory, "cli-bid"));
        var bidFolder = Directory.CreateDirectory(Path.Combine(cliDir.FullName, "bid"));
        await File.WriteAllTextAsync(Path.Combine(bidFolder.FullName, "bid-form.json"), Bidding.FormJson(new OpeningForm(3_399_999m, 300, "赵六", "110101198001011239", "", "6222 9999")));
        var bidder4 = await App.ApiAsync("bidder04");
        await Bidding.ObtainDocumentsAsync(bidder4, tender);
        var sealing = await (await bidder4.GetAsync($"/api/tenders/{tender}/sealing")).Json();
        // The deployment's suite is the joint key's: what the page seals with and the CLI is told.
        Assert.Equal(Suite, sealing.GetProperty("suite").GetString());
        await File.WriteAllTextAsync(Path.Combine(cliDir.FullName, "joint-key.json"), await App.Anonymous().GetStringAsync($"/api/public/tenders/{tender}/joint-key"));
        string P(string n) => Path.Combine(cliDir.FullName, n);
        Assert.Equal(0, TradingCli.Run("bidder-key", "--out", P("bidder-key.pem"), "--suite", Suite).Code);
        var seal = TradingCli.Run("seal", "--input", bidFolder.FullName, "--tender", sealing.GetProperty("tender").GetString()!, "--lot", sealing.GetProperty("lots")[0].GetProperty("lotContext").GetString()!,
            "--bidder", sealing.GetProperty("bidder").GetString()!, "--joint-key", P("joint-key.json"), "--signing-key", P("bidder-key.pem"), "--out", P("bid.env"));
        Assert.True(seal.Code == 0, seal.Err);
        var page4 = await NewPageAsync();
        await SignInAsync(page4, "bidder04");
        await page4.GotoAsync($"/Submission/Bid/{tender}");
        await page4.Locator("details summary").ClickAsync();
        await page4.Locator("#envelope-file").SetInputFilesAsync(P("bid.env"));
        // A wrong manifest is refused in the page's words before any byte is uploaded (no upload is started).
        await File.WriteAllTextAsync(P("not-a-manifest.json"), "hello");
        await page4.Locator("#manifest-file").SetInputFilesAsync(P("not-a-manifest.json"));
        await page4.GetByTestId("upload-envelope").ClickAsync();
        await Assertions.Expect(page4.GetByTestId("upload-error")).ToContainTextAsync("is not the JSON file");
        await File.WriteAllTextAsync(P("other-manifest.json"), System.Text.RegularExpressions.Regex.Replace(await File.ReadAllTextAsync(P("bid.env.manifest.json")), "(\"envelopeLength\":\\s*)(\\d+)", "${1}1${2}"));
        await page4.Locator("#manifest-file").SetInputFilesAsync(P("other-manifest.json"));
        await page4.GetByTestId("upload-envelope").ClickAsync();
        await Assertions.Expect(page4.GetByTestId("upload-error")).ToContainTextAsync("does not describe this envelope");
        Assert.Equal(0, App.WithDb(db => db.Set<Trading.Domain.Bidding.BidUpload>().Count(u => u.TenderId == tender && u.FirmId == db.Users.Single(x => x.UserName == "bidder04").OrganisationId)));
        await page4.Locator("#manifest-file").SetInputFilesAsync(P("bid.env.manifest.json"));
        await page4.GetByTestId("upload-envelope").ClickAsync();
        await Assertions.Expect(page4.GetByTestId("receipt")).ToContainTextAsync("Bid received", new() { Timeout = 30_000 });

        // The deadline passes on the server clock; the public sees four hashes, never who or how much.
        App.Clock.Set(new DateTimeOffset(deadline.AddMinutes(1), TimeSpan.Zero));
        await App.RunDeadlineJobAsync();
        var visitor = await NewPageAsync();
        await visitor.GotoAsync($"/Tenders/Details/{tender}");
        await Assertions.Expect(visitor.GetByTestId("bid-count")).ToContainTextAsync("4");
        Assert.DoesNotContain("3,456,789.12", await visitor.ContentAsync(), StringComparison.Ordinal);

        // The three holders open in the opening hall: each browser unseals its officer's key with the passphrase, checks
        // the frozen list against the log and posts only partials with proofs (the passphrase is never sent).
        for (var i = 0; i < holders.Count; i++)
        {
            var page = holders[i];
            await page.GotoAsync($"/Submission/Opening/{tender}");
            await Assertions.Expect(page.GetByTestId("holder-module-sha256")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^[0-9a-f]{64}$"));
            await page.GetByTestId("opening-passphrase").FillAsync(Bidding.Passphrase);
            await page.GetByTestId("give").ClickAsync();
            await Assertions.Expect(page.Locator($"#holders tr[data-holder='{i + 1}'][data-given='true']")).ToHaveCountAsync(1, new() { Timeout = 60_000 });
        }

        // The opening record shows the right prices to a bidder of the tender.
        var reader = await NewPageAsync();
        await SignInAsync(reader, "bidder01");
        await reader.GotoAsync($"/Submission/Opening/{tender}");
        var table = reader.GetByTestId("opening-record");
        foreach (var p in new[] { "¥3,456,789.12", "¥3,300,000.00", "¥3,512,000.50", "¥3,399,999.00" })
            await Assertions.Expect(table).ToContainTextAsync(p);
        await reader.GetByTestId("confirm").ClickAsync();
        await Assertions.Expect(reader.GetByRole(AriaRole.Status)).ToContainTextAsync("confirmation has been recorded");

        // The PDF downloads and reads back; the transcript verifies with the CLI.
        var download = await reader.RunAndWaitForDownloadAsync(() => reader.GetByTestId("pdf").ClickAsync());
        var pdfPath = Path.Combine(App.DataDirectory, "opening.pdf");
        await download.SaveAsAsync(pdfPath);
        using (var pdf = PdfDocument.Open(pdfPath))
        {
            var text = string.Concat(pdf.GetPages().Select(p => p.Text));
            Assert.Contains("Bid opening record", text, StringComparison.Ordinal);
            Assert.Contains("3,399,999.00", text, StringComparison.Ordinal);
        }
        // The bidder's receipt, downloaded from the site, verifies offline against the centre's root certificate.
        await reader.GotoAsync($"/Submission/Bid/{tender}");
        await reader.GetByTestId("receipt-link").First.ClickAsync();
        var receiptDownload = await reader.RunAndWaitForDownloadAsync(() => reader.GetByTestId("download-receipt").ClickAsync());
        var receiptPath = Path.Combine(App.DataDirectory, "receipt.json");
        await receiptDownload.SaveAsAsync(receiptPath);
        await File.WriteAllTextAsync(P("root-ca.crt"), await App.Anonymous().GetStringAsync("/api/log/certificates/root-ca.crt"));
        var receiptCheck = TradingCli.Run("verify-receipt", receiptPath, "--root", P("root-ca.crt"), "--lang", "en");
        Assert.True(receiptCheck.Code == 0, receiptCheck.Out + receiptCheck.Err);
        // Changing one byte of the receipt's ciphertext hash makes the same check fail.
        var firm01 = App.WithDb(db => db.Users.Single(u => u.UserName == "bidder01").OrganisationId);
        var hash01 = App.WithDb(db => db.Set<Trading.Domain.Bidding.Bid>().Single(b => b.TenderId == tender && b.FirmId == firm01).EnvelopeSha256);
        var original = await File.ReadAllTextAsync(receiptPath);
        Assert.Contains(hash01, original, StringComparison.Ordinal);
        var forged = original.Replace(hash01, "00000000" + hash01[8..], StringComparison.Ordinal);
        await File.WriteAllTextAsync(receiptPath + ".forged", forged);
        Assert.NotEqual(0, TradingCli.Run("verify-receipt", receiptPath + ".forged", "--root", P("root-ca.crt"), "--lang", "en").Code);

        await reader.GotoAsync($"/Submission/Opening/{tender}");
        var transcriptDownload = await reader.RunAndWaitForDownloadAsync(() => reader.GetByTestId("transcript").ClickAsync());
        var transcriptPath = Path.Combine(App.DataDirectory, "transcript.json");
        await transcriptDownload.SaveAsAsync(transcriptPath);
        var verify = TradingCli.Run("verify-opening", "--transcript", transcriptPath, "--joint-key", P("joint-key.json"));
        Assert.True(verify.Code == 0, verify.Out + verify.Err);
    }
}

/// <summary>
/// The same journey in a deployment set to suite 2 (SM2/SM3/SM4-GCM): the officers' ceremony makes an SM2 joint key,
/// bidders seal in the browser with the bundled SM module and sign with SM2, the CLI bidder seals with an SM2 key, and
/// the holders' browsers give SM2 partials in the opening hall.
/// </summary>
public class BidJourneySm2BrowserTests(PostgresServer pg) : BidJourneyBrowserTests(pg)
{
    protected override string Suite => CryptoSuites.Sm2;
}
