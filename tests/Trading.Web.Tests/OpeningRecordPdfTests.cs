using System.Net;
using Microsoft.EntityFrameworkCore;
using Trading.Domain.Bidding;
using Trading.Web.Tests.Infrastructure;

namespace Trading.Web.Tests;

/// <summary>
/// The opening record as printed for signing (开标记录表), read back with poppler's pdftotext after a real three-key
/// opening: every figure whole on its line, the price also in capitals, the bond column, the key id and transcript
/// hash filled in, and a signature row for the host, the supervisor and each bidder's representative, in both languages.
/// </summary>
public class OpeningRecordPdfTests(PostgresServer pg) : WebTest(pg)
{
    protected override IReadOnlyDictionary<string, string> Settings => Bidding.FastSettings;

    private static readonly decimal[] Prices = [18_240_000m, 1_234_567.89m, 999_999.50m];

    [Fact]
    public async Task The_printed_record_has_whole_figures_capitals_bonds_key_transcript_and_signature_rows_in_both_languages()
    {
        var deadline = App.Clock.GetUtcNow().UtcDateTime.AddDays(25);
        var id = await TestApi.PublishedTenderAsync(await App.ApiAsync("owner1"), deadline);
        await Bidding.JoinAllAsync(App, id);
        for (var i = 0; i < 3; i++)
        {
            var bidder = await App.ApiAsync($"bidder0{i + 1}");
            await Bidding.ObtainDocumentsAsync(bidder, id);
            var r = await Bidding.UploadAsync(bidder, id, await Bidding.SealAsync(bidder, id, Prices[i], 365, pm: $"项目经理{i + 1}"));
            Assert.True(r.StatusCode == HttpStatusCode.OK, await r.Content.ReadAsStringAsync());
        }
        App.Clock.Set(new DateTimeOffset(deadline.AddMinutes(1), TimeSpan.Zero));
        await App.RunDeadlineJobAsync();
        await OpeningOfficer.GiveAllAsync(App, id);
        var ceremony = App.WithDb(db => db.Set<KeyCeremony>().AsNoTracking().Single(c => c.TenderId == id));
        Assert.False(string.IsNullOrEmpty(ceremony.KeyIdHex));
        Assert.False(string.IsNullOrEmpty(ceremony.TranscriptSha256));
        var accounts = App.WithDb(db => db.Set<Bid>().Where(b => b.TenderId == id && b.Status == BidStatus.Valid).Select(b => b.BondAccount!).ToList());
        Assert.Equal(3, accounts.Count);

        var reader = await Browser.SignInAsync(App, "bidder01");
        // After the opening the tender's page no longer says bids can be sealed.
        var details = await reader.GetStringAsync($"/Tenders/Details/{id}");
        Assert.Contains("已完成；已开标", details, StringComparison.Ordinal);
        Assert.DoesNotContain("可以加密投标", details, StringComparison.Ordinal);
        var zhPdf = await reader.GetByteArrayAsync($"/Submission/Opening/{id}?handler=Pdf");
        var zh = EvaluationRoomTests.PdfText(zhPdf);
        App.WithDb(db => db.Users.Where(u => u.UserName == "bidder02").ExecuteUpdate(s => s.SetProperty(u => u.PreferredCulture, "en")));
        var en = EvaluationRoomTests.PdfText(await (await Browser.SignInAsync(App, "bidder02")).GetByteArrayAsync($"/Submission/Opening/{id}?handler=Pdf"));

        foreach (var text in new[] { zh, en })
        {
            // Each figure on one line: "¥18,240,000.0 / 0" was the old break.
            foreach (var p in new[] { "18,240,000.00", "1,234,567.89", "999,999.50" })
                Assert.True(text.Contains(p, StringComparison.Ordinal), $"{p} is not whole in:\n{text}");
            Assert.Contains("20,000.00", text, StringComparison.Ordinal); // the lot's bond on each row
            var flat = Flat(text);
            Assert.Contains(ceremony.KeyIdHex, flat, StringComparison.Ordinal);
            Assert.Contains(ceremony.TranscriptSha256!, flat, StringComparison.Ordinal);
            foreach (var a in accounts) Assert.Contains(Flat(a)[^4..], flat, StringComparison.Ordinal);
        }
        // Capitals (人民币大写), read back whole once the cell's lines are joined: the layout text interleaves a wrapped
        // cell with its neighbours, so this reads the content stream's order, where the report writes cell by cell.
        var raw = Flat(RawText(zhPdf));
        Assert.True(raw.Contains("人民币壹仟捌佰贰拾肆万元整", StringComparison.Ordinal), raw);
        Assert.Contains("人民币壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分", raw, StringComparison.Ordinal);
        Assert.Contains("投标保证金", zh, StringComparison.Ordinal);
        Assert.Contains("开标主持人", zh, StringComparison.Ordinal);
        Assert.Contains("监督人", zh, StringComparison.Ordinal);
        Assert.Equal(3, System.Text.RegularExpressions.Regex.Count(zh, " 代表"));

        // English headers keep their words whole ("Duratio / n" was the old break).
        foreach (var word in new[] { "Duration", "Bidder", "Decryption", "Bid bond", "Host of the opening", "Supervisor", "Representative" })
            Assert.True(en.Contains(word, StringComparison.Ordinal), $"'{word}' is broken or missing in:\n{en}");
        Assert.DoesNotContain("Duratio\n", en, StringComparison.Ordinal);
        Assert.Equal(3, System.Text.RegularExpressions.Regex.Count(en, "Representative of"));
    }

    private static string RawText(byte[] pdf)
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(path, pdf);
            using var p = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("pdftotext", ["-raw", path, "-"]) { RedirectStandardOutput = true })!;
            var text = p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            Assert.Equal(0, p.ExitCode);
            return text;
        }
        finally { File.Delete(path); }
    }

    private static string Flat(string s) => string.Concat(s.Where(c => !char.IsWhiteSpace(c)));
}
