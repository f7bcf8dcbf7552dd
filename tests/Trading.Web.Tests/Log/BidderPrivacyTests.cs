using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Trading.Data.Log;
using Trading.PublicLog;
using Trading.Web.Features.Log;
using Trading.Web.Infrastructure;
using Trading.Web.Tests.Infrastructure;

namespace Trading.Web.Tests.Log;

/// <summary>
/// Bidding Law art. 22: before a tender's deadline nobody learns who, or how many, obtained its documents or bid.
/// Two worlds on one platform: tender A, where two firms obtain the documents and one bids, and tender B, where four
/// obtain them and three bid. An outsider reads the whole public log (the JSON pages, the JSON Lines download and the
/// /Log pages) before either deadline: the part each world added is the same in everything but random bytes, and no
/// firm, pseudonym or tender is named in it. After the deadlines every sealed entry is opened and checked by the real
/// `trading verify-log`.
/// </summary>
public class BidderPrivacyTests(PostgresServer pg) : WebTest(pg)
{
    protected override IReadOnlyDictionary<string, string> Settings => Bidding.FastSettings;

    private SealingOptions Sealing => App.Services.GetRequiredService<SealingOptions>();
    private PseudonymKey Key => App.Services.GetRequiredService<PseudonymKey>();

    private DateTime WindowStart(DateTime utc) => SealedActs.WindowStart(new DateTimeOffset(utc, TimeSpan.Zero), Sealing.Window).UtcDateTime;

    /// <summary>Moves the clock to one minute into the next window and pads every window that has ended.</summary>
    private async Task<DateTime> NextWindowAsync()
    {
        var next = WindowStart(App.Clock.GetUtcNow().UtcDateTime) + Sealing.Window;
        App.Clock.Set(new DateTimeOffset(next.AddMinutes(1), TimeSpan.Zero));
        await App.RunJobAsync<SealedCoverJob>();
        return next;
    }

    private long LogSize() => App.WithDb(db => db.LogEntries.LongCount());

    private Guid Firm(string user) => App.WithDb(db => db.Users.Single(u => u.UserName == user).OrganisationId);

    /// <summary>One world: a tender published and its key ceremony done, then in a window of its own the firms act.</summary>
    private async Task<(Guid Tender, DateTime Deadline, DateTime Window, long From, long To)> WorldAsync(string[] obtain, string[] bid)
    {
        var deadline = App.Clock.GetUtcNow().UtcDateTime.AddDays(25);
        var tender = await TestApi.PublishedTenderAsync(await App.ApiAsync("owner1"), deadline);
        await Bidding.JoinAllAsync(App, tender);
        var window = await NextWindowAsync();
        var from = LogSize();
        foreach (var user in obtain)
        {
            var c = await App.ApiAsync(user);
            await Bidding.ObtainDocumentsAsync(c, tender);
            if (bid.Contains(user))
            {
                var r = await Bidding.UploadAsync(c, tender, await Bidding.SealAsync(c, tender, 1_000_000m + obtain.Length));
                Assert.True(r.StatusCode == HttpStatusCode.OK, await r.Content.ReadAsStringAsync());
            }
        }
        // The window ends; cover entries fill it up to the same number as every other window.
        await NextWindowAsync();
        return (tender, deadline, window, from, LogSize());
    }

    private sealed record Outsider(List<(long Index, string Entry)> Entries, string Jsonl, string Pages);

    /// <summary>Everything an outsider can read of the log: the JSON pages, the JSON Lines download and every /Log page.</summary>
    private async Task<Outsider> ReadAsOutsiderAsync()
    {
        var c = App.Anonymous();
        var entries = new List<(long, string)>();
        for (long start = 0; ; start += 1000)
        {
            var page = await (await c.GetAsync($"/api/log/entries?start={start}&count=1000")).Json();
            var rows = page.GetProperty("entries").EnumerateArray().ToList();
            entries.AddRange(rows.Select(r => (r.GetProperty("index").GetInt64(), r.GetProperty("entry").GetString()!)));
            if (entries.Count >= page.GetProperty("treeSize").GetInt64() || rows.Count == 0) break;
        }
        var jsonl = await c.GetStringAsync("/api/log/entries.jsonl");
        var pages = new StringBuilder();
        string? url = "/Log";
        while (url is not null)
        {
            var html = await c.GetStringAsync(url);
            pages.Append(html);
            var older = Regex.Match(html, "href=\"(/Log\\?before=\\d+)\"");
            url = older.Success ? WebUtility.HtmlDecode(older.Groups[1].Value) : null;
        }
        return new Outsider(entries, jsonl, pages.ToString());
    }

    /// <summary>An entry as an outsider can compare it: type, tender, time relative to its window, and data with hex shapes instead of values.</summary>
    private static string Shape(string entry, DateTime window)
    {
        using var doc = JsonDocument.Parse(entry);
        var r = doc.RootElement;
        var time = DateTime.Parse(r.GetProperty("time").GetString()!, null, System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal);
        var tender = r.TryGetProperty("tender", out var t) ? t.GetString() : "-";
        var data = Regex.Replace(r.GetProperty("data").GetRawText(), "[0-9a-f]{64}", "<hex64>");
        return $"{r.GetProperty("type").GetString()} {tender} +{(time - window).TotalMilliseconds} {data}";
    }

    [Fact]
    public async Task Before_the_deadline_an_outsider_cannot_tell_who_or_how_many_took_documents_or_bid_and_after_it_every_sealed_entry_verifies()
    {
        var a = await WorldAsync(obtain: ["bidder01", "bidder02"], bid: ["bidder01"]);
        var b = await WorldAsync(obtain: ["bidder01", "bidder02", "bidder03", "bidder04"], bid: ["bidder01", "bidder02", "bidder03"]);
        var acting = new[] { "bidder01", "bidder02", "bidder03", "bidder04" };

        // The server did record every act (the firms' own pages and the owner see them), sealed.
        Assert.Equal(3, App.WithDb(db => db.SealedLogActs.Count(x => x.TenderId == a.Tender)));
        Assert.Equal(7, App.WithDb(db => db.SealedLogActs.Count(x => x.TenderId == b.Tender)));

        var view = await ReadAsOutsiderAsync();
        Assert.Equal(LogSize(), view.Entries.Count);

        // The part of the log each world added: the same number of entries, equal in everything but random bytes.
        string[] Segment((Guid Tender, DateTime Deadline, DateTime Window, long From, long To) w) =>
            [.. view.Entries.Where(e => e.Index >= w.From && e.Index < w.To).Select(e => Shape(e.Entry, w.Window))];
        var segA = Segment(a);
        var segB = Segment(b);
        Assert.Equal(Sealing.PerWindow, segA.Length);
        Assert.Equal(segA, segB);
        Assert.All(segA, s => Assert.Equal("sealed.act - +0 {\"commitment\":\"<hex64>\"}", s));
        // No value repeats (nothing to link two acts of one firm), and none names a firm, a tender or a pseudonym.
        var added = view.Entries.Where(e => (e.Index >= a.From && e.Index < a.To) || (e.Index >= b.From && e.Index < b.To)).Select(e => e.Entry).ToList();
        Assert.Equal(added.Count, added.Select(e => JsonDocument.Parse(e).RootElement.GetProperty("data").GetProperty("commitment").GetString()).Distinct().Count());
        var secrets = new List<string> { a.Tender.ToString(), b.Tender.ToString() };
        foreach (var user in acting)
        {
            var firm = Firm(user);
            secrets.Add(firm.ToString());
            secrets.Add(App.WithDb(db => db.Organisations.Single(o => o.Id == firm).Name));
        }
        foreach (var s in secrets)
            Assert.All(added, e => Assert.DoesNotContain(s, e, StringComparison.OrdinalIgnoreCase));
        // Anywhere in the whole log, in any of the outsider's three views: no pseudonym of an acting firm, of this tender or global.
        var pseudonyms = acting.SelectMany(u => new[]
        {
            Key.Pseudonym("firm", Firm(u).ToString()), Key.TenderPseudonym(a.Tender, "firm", Firm(u).ToString()), Key.TenderPseudonym(b.Tender, "firm", Firm(u).ToString()),
        }).ToList();
        foreach (var p in pseudonyms)
        {
            Assert.DoesNotContain(p, view.Jsonl, StringComparison.Ordinal);
            Assert.DoesNotContain(p, view.Pages, StringComparison.Ordinal);
            Assert.All(view.Entries, e => Assert.DoesNotContain(p, e.Entry, StringComparison.Ordinal));
        }
        // What is filed under each tender is the same list of public steps in both worlds.
        async Task<string[]> TenderTypes(Guid t) =>
            [.. (await App.Anonymous().GetStringAsync($"/api/log/entries.jsonl?tender={t}")).Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(l => JsonDocument.Parse(JsonDocument.Parse(l).RootElement.GetProperty("entry").GetString()!).RootElement.GetProperty("type").GetString()!)];
        Assert.Equal(await TenderTypes(a.Tender), await TenderTypes(b.Tender));
        // Nothing since these worlds began names the acts. (The demo's history tenders passed their deadlines weeks ago:
        // their acts are revealed, as the law allows, and are older than both worlds.)
        var since = view.Entries.Where(e => e.Index >= a.From).Select(e => e.Entry).ToList();
        Assert.NotEmpty(since);
        Assert.All(since, e => Assert.DoesNotContain("tender.document.obtained", e, StringComparison.Ordinal));
        Assert.All(since, e => Assert.DoesNotContain("bid.submitted", e, StringComparison.Ordinal));

        // The deadlines pass: one reveal per tender opens its sealed acts; now the count is public, names still are not.
        App.Clock.Set(new DateTimeOffset(b.Deadline.AddMinutes(1), TimeSpan.Zero));
        await App.RunDeadlineJobAsync();
        int Revealed(Guid t) => App.WithDb(db => JsonDocument.Parse(db.LogEntries.Single(e => e.TenderId == t && e.Type == "sealed.reveal").Payload))
            .RootElement.GetProperty("data").GetProperty("count").GetInt32();
        Assert.Equal(3, Revealed(a.Tender));
        Assert.Equal(7, Revealed(b.Tender));
        var reveals = App.WithDb(db => db.LogEntries.Where(e => e.Type == "sealed.reveal" && (e.TenderId == a.Tender || e.TenderId == b.Tender)).Select(e => e.Payload).ToList());
        Assert.All(reveals, r => Assert.DoesNotContain(Firm("bidder01").ToString(), r, StringComparison.OrdinalIgnoreCase));
        // The same firm is a different pseudonym in each tender, so one opening record links nothing in another.
        Assert.Contains(Key.TenderPseudonym(a.Tender, "firm", Firm("bidder01").ToString()), reveals.Single(r => r.Contains(a.Tender.ToString(), StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.DoesNotContain(Key.TenderPseudonym(a.Tender, "firm", Firm("bidder01").ToString()), reveals.Single(r => r.Contains(b.Tender.ToString(), StringComparison.Ordinal)), StringComparison.Ordinal);

        // Every entry, sealed ones included, checked offline by the real tool against the centre's certificates.
        await App.RunJobAsync<CheckpointJob>(); // the deadline stored one already unless something followed it
        var (code, output) = await VerifyDownloadAsync();
        Assert.True(code == 0, output);
        var m = Regex.Match(output, @"sealed entries (\d+): (\d+) opened by (\d+) reveals and checked");
        Assert.True(m.Success, output);
        var opened = long.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(App.WithDb(db => db.SealedLogActs.LongCount(x => x.Purpose == SealedLogAct.ForTender && db.LogEntries.Any(e => e.TenderId == x.TenderId && e.Type == "sealed.reveal"))), opened);
        Assert.True(opened >= 10, output);

        // A changed opening is caught: the tool names the reveal.
        var jsonl = await App.Anonymous().GetStringAsync("/api/log/entries.jsonl");
        var revealIndex = App.WithDb(db => db.LogEntries.Single(e => e.TenderId == a.Tender && e.Type == "sealed.reveal").Index);
        var lines = jsonl.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var row = LogExportRecord.ParseJsonLine(lines[revealIndex], revealIndex);
        var forged = Encoding.UTF8.GetString(row.Entry).Replace("\\\"lot\\\":\\\"", "\\\"lot\\\":\\\"X", StringComparison.Ordinal);
        Assert.NotEqual(Encoding.UTF8.GetString(row.Entry), forged);
        var checker = new SealedActs.RevealChecker();
        var e = Assert.Throws<LogVerificationException>(() =>
        {
            foreach (var l in lines.Select((l, i) => LogExportRecord.ParseJsonLine(l, i)))
                checker.Observe(l.Index, l.Index == revealIndex ? Encoding.UTF8.GetBytes(forged) : l.Entry);
        });
        Assert.Equal("sealed.commitment-mismatch", e.Code);
    }

    private Task<(int Code, string Output)> VerifyDownloadAsync() => CliRunner.VerifyDownloadedLogAsync(App.Anonymous());

    [Fact]
    public async Task A_GET_never_obtains_a_document_through_the_api_or_the_page()
    {
        var deadline = App.Clock.GetUtcNow().UtcDateTime.AddDays(25);
        var tender = await TestApi.PublishedTenderAsync(await App.ApiAsync("owner1"), deadline);
        var doc = App.WithDb(db => db.TenderDocuments.Where(d => d.TenderId == tender).Select(d => d.Id).First());
        int Downloads() => App.WithDb(db => db.DocumentDownloads.Count(d => d.TenderId == tender));
        var (downloads, size) = (Downloads(), LogSize());

        var api = await App.ApiAsync("bidder01");
        var get = await api.GetAsync($"/api/tenders/{tender}/documents/{doc}");
        Assert.Equal(HttpStatusCode.MethodNotAllowed, get.StatusCode);
        Assert.Null(get.Content.Headers.ContentDisposition);
        var page = await Browser.SignInAsync(App, "bidder01");
        var pageGet = await page.GetAsync($"/Tenders/Details/{tender}?handler=Download&docId={doc}");
        Assert.Null(pageGet.Content.Headers.ContentDisposition);
        Assert.Equal(downloads, Downloads());
        Assert.Equal(size, LogSize());

        // The POST does it, once, and the log gets one sealed entry.
        var post = await api.PostAsync($"/api/tenders/{tender}/documents/{doc}", null);
        Assert.Equal(HttpStatusCode.OK, post.StatusCode);
        Assert.Equal(TestApi.Pdf(), await post.Content.ReadAsByteArrayAsync());
        Assert.Equal(downloads + 1, Downloads());
        Assert.Equal(size + 1, LogSize());
        Assert.Equal("sealed.act", App.WithDb(db => db.LogEntries.Single(e => e.Index == size).Type));
    }
}
