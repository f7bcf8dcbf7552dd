using System.Net;
using System.Net.Http.Json;
using Trading.Domain;
using Trading.Web.Tests.Infrastructure;

namespace Trading.Web.Tests;

public class ConcurrencyTests(PostgresServer pg) : WebTest(pg)
{
    private static readonly string[] AcceptableLoserRules = ["Rule.Concurrency", "Rule.Lifecycle.WrongStep"];

    [Fact]
    public async Task Two_officers_publishing_at_once_publish_once_and_the_other_gets_a_clear_answer()
    {
        var now = App.Clock.GetUtcNow().UtcDateTime;
        var a = await App.ApiAsync("owner1");
        var b = await App.ApiAsync("owner1");
        var id = (await (await a.PostAsJsonAsync("/api/tenders", TestApi.TenderBody(now.AddDays(25)))).Json()).GetProperty("id").GetGuid();
        await a.PostAsync($"/api/tenders/{id}/documents", TestApi.File("file", "d.pdf", TestApi.Pdf()));
        await a.PostAsync($"/api/tenders/{id}/file-documents", null);

        var results = await Task.WhenAll(a.PostAsync($"/api/tenders/{id}/publish", null), b.PostAsync($"/api/tenders/{id}/publish", null));
        Assert.Single(results, r => r.StatusCode == HttpStatusCode.OK);
        var loser = results.Single(r => r.StatusCode != HttpStatusCode.OK);
        // Whichever way the race falls, the loser is told why: the tender changed, or it is no longer at step 2.
        var rule = (await loser.Json()).GetProperty("rule").GetString();
        Assert.Contains(rule, AcceptableLoserRules);
        Assert.Single(App.WithDb(db => db.StepTransitions.Where(t => t.TenderId == id && t.To == LifecycleStep.NoticePublished).ToList()));
        Assert.Single(App.WithDb(db => db.LogEntries.Where(e => e.TenderId == id && e.Type == "tender.published").ToList()));
    }
}
