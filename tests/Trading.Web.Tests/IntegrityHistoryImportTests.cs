using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Trading.Web.Features.Integrity;
using Trading.Web.Tests.Infrastructure;

namespace Trading.Web.Tests;

/// <summary>
/// The supervision office imports a centre's past results on a page (issue 20, "history that exists on day one"): what
/// was read and what was left out is said in the reader's language, the file reaches the screens' history, each import
/// and removal is logged, and a file that is not a history, a second copy, an oversized file or an expert's attempt is
/// refused by rule with nothing kept.
/// </summary>
public class IntegrityHistoryImportTests(PostgresServer pg) : WebTest(pg)
{
    private const string Csv = """
        标段编号,开标时间,地区,招标人,招标控制价,估算价,投标人,投标报价,状态,是否中标
        HX-2023-001-1,2023-03-05 09:30,R01,BUY-1,1080000,1000000,F01,965000,有效,是
        HX-2023-001-1,2023-03-05 09:30,R01,BUY-1,1080000,1000000,F02,1012000,有效,
        HX-2023-002-1,2023-04-11 10:00,R02,BUY-2,,2500000,F02,2410000,有效,是
        HX-2023-002-1,2023-04-11 10:00,R02,BUY-2,,2500000,F05,not-a-price,有效,
        """;

    /// <summary>Demo users prefer Chinese (sign-in sets it), so each request names its language as a reader's choice would.</summary>
    internal static async Task<HttpResponseMessage> UploadAsync(HttpClient c, string name, byte[] content, string culture = "en")
    {
        using var form = new MultipartFormDataContent
        {
            { new StringContent(await Browser.TokenAsync(c, "/Integrity/History")), "__RequestVerificationToken" },
            { new ByteArrayContent(content), "Upload", name },
        };
        return await c.PostAsync("/Integrity/History?handler=Import&culture=" + culture, form);
    }

    private string Folder => App.Services.GetRequiredService<HistoryFolder>().Path;

    [Fact]
    public async Task A_supervisor_imports_past_results_the_screens_read_them_and_bad_files_are_refused_with_nothing_kept()
    {
        var supervisor = await Browser.SignInAsync(App, "supervisor");
        var bytes = Encoding.UTF8.GetBytes(Csv);
        var sha = Convert.ToHexStringLower(SHA256.HashData(bytes));

        var done = await UploadAsync(supervisor, "旧系统导出.csv", bytes);
        Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);
        var page = await supervisor.GetStringAsync(done.Headers.Location!.ToString() + "&culture=en");
        Assert.Contains("Imported: 2 lots and 3 bids", page, StringComparison.Ordinal);
        // The left-out row is named by its line and its reason in words.
        Assert.Contains("line 5 · the price &quot;not-a-price&quot; is not a positive amount", page, StringComparison.Ordinal);
        Assert.Contains($"data-file=\"{sha}\"", page, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(Folder, sha + ".csv")));
        Assert.Equal(1, App.WithDb(db => db.LogEntries.Count(e => e.Type == "integrity.history.imported" && e.Payload.Contains(sha))));

        // The screens' history now holds the imported lots.
        using (var scope = App.Services.CreateScope())
        {
            var history = await scope.ServiceProvider.GetRequiredService<IntegrityInputs>().HistoryAsync(Guid.NewGuid(), CancellationToken.None);
            Assert.Contains(history.Lots, l => l.LotId == "HX-2023-001-1" && l.WinnerFirmId == "F01" && l.Region == "R01");
        }

        // Refusals: the same file again, a file that is not a history, a wrong type; nothing is kept and nothing logged.
        var files = Directory.GetFiles(Folder).Length;
        var entries = App.WithDb(db => db.LogEntries.Count());
        var again = await UploadAsync(supervisor, "again.csv", bytes);
        Assert.Contains("already imported", await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var notHistory = await UploadAsync(supervisor, "notes.csv", Encoding.UTF8.GetBytes("just one column\nx\n"));
        Assert.Contains("not a history that can be imported: the first row is not a header", await notHistory.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var missing = await UploadAsync(supervisor, "partial.csv", Encoding.UTF8.GetBytes("lot_id,firm_id\nA,B\n"));
        Assert.Contains("a required column (lot, firm, price or opening date) is missing", await missing.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var empty = await UploadAsync(supervisor, "empty.csv", Encoding.UTF8.GetBytes("lot_id,firm_id,price,opened_at\nA,B,-1,2024-01-01\n"));
        Assert.Contains("Not one usable lot was found in the file (1 rows", await empty.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var ocdsNot = await UploadAsync(supervisor, "x.json", Encoding.UTF8.GetBytes("{\"nothing\":1}"));
        Assert.Contains("neither an OCDS release package nor a record package", await ocdsNot.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var type = await UploadAsync(supervisor, "results.xlsx", bytes);
        Assert.Contains("Choose a .csv or .json file", await type.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(files, Directory.GetFiles(Folder).Length);
        Assert.Equal(entries, App.WithDb(db => db.LogEntries.Count()));

        // An expert reaches the screens' pages but may not import; a bidder may not even see the page.
        var expert = await Browser.SignInAsync(App, "expert01");
        Assert.Equal(HttpStatusCode.Forbidden, (await expert.GetAsync("/Integrity/History")).StatusCode);
        var bidder = await Browser.SignInAsync(App, "bidder01");
        Assert.NotEqual(HttpStatusCode.OK, (await bidder.GetAsync("/Integrity/History")).StatusCode);

        // Removal: by the hash the page gave, logged, and the screens no longer read it; a made-up name is not found.
        var bogus = await Browser.PostFormAsync(supervisor, "/Integrity/History", "/Integrity/History?handler=Remove&culture=en", new Dictionary<string, string> { ["sha"] = "../../trading.db" });
        Assert.Equal(HttpStatusCode.NotFound, bogus.StatusCode);
        var removed = await Browser.PostFormAsync(supervisor, "/Integrity/History", "/Integrity/History?handler=Remove&culture=en", new Dictionary<string, string> { ["sha"] = sha });
        Assert.Equal(HttpStatusCode.Redirect, removed.StatusCode);
        Assert.False(File.Exists(Path.Combine(Folder, sha + ".csv")));
        Assert.Equal(1, App.WithDb(db => db.LogEntries.Count(e => e.Type == "integrity.history.removed" && e.Payload.Contains(sha))));
        Assert.Contains("No past results are imported yet", await supervisor.GetStringAsync("/Integrity/History?culture=en"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_page_and_its_refusals_speak_chinese_to_a_chinese_reader()
    {
        var supervisor = await Browser.SignInAsync(App, "supervisor");
        Assert.Contains("用于筛查的历史成交记录", await supervisor.GetStringAsync("/Integrity/History?culture=zh-CN"), StringComparison.Ordinal);
        var refused = await UploadAsync(supervisor, "notes.csv", Encoding.UTF8.GetBytes("just one column\nx\n"), "zh-CN");
        Assert.Contains("该文件不是可导入的历史成交记录：第一行不是以逗号分隔的列名", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var done = await UploadAsync(supervisor, "old.csv", Encoding.UTF8.GetBytes(Csv), "zh-CN");
        var page = await supervisor.GetStringAsync(done.Headers.Location!.ToString() + "&culture=zh-CN");
        Assert.Contains("已导入 2 个标段、3 份投标", page, StringComparison.Ordinal);
        Assert.Contains("第 5 行 · 报价“not-a-price”不是正数金额", page, StringComparison.Ordinal);
    }
}
