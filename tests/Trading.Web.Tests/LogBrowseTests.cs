using System.Net;
using Microsoft.EntityFrameworkCore;
using Trading.Web.Tests.Infrastructure;

namespace Trading.Web.Tests;

/// <summary>The public log page reads in words for anyone, and each row links to its raw entry.</summary>
public class LogBrowseTests(PostgresServer pg) : WebTest(pg)
{
    [Fact]
    public async Task Anyone_reads_the_log_in_words_and_follows_a_row_to_its_raw_entry()
    {
        var published = App.WithDb(db => db.LogEntries.AsNoTracking().Where(e => e.Type == "tender.published").OrderByDescending(e => e.Index).First());
        foreach (var (culture, words) in new[] { ("en", "notice published"), ("zh-CN", "招标公告发布") })
        {
            var html = await App.Anonymous().GetStringAsync($"/Log?culture={culture}&before={published.Index + 1}");
            Assert.Contains(words, html, StringComparison.Ordinal);
            Assert.DoesNotContain(">tender.published<", html, StringComparison.Ordinal);
            Assert.Contains($"/api/log/entries.jsonl?start={published.Index}&amp;end={published.Index + 1}", html, StringComparison.Ordinal);
        }
        var raw = await App.Anonymous().GetAsync($"/api/log/entries.jsonl?start={published.Index}&end={published.Index + 1}");
        Assert.Equal(HttpStatusCode.OK, raw.StatusCode);
        var line = (await raw.Content.ReadAsStringAsync()).Trim();
        Assert.Single(line.Split('\n'));
        Assert.Contains($"\"index\":{published.Index}", line, StringComparison.Ordinal);
    }
}
