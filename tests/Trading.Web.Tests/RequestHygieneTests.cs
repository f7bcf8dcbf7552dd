using System.Net;
using System.Net.Http.Json;
using System.Text;
using Trading.Web.Tests.Infrastructure;

namespace Trading.Web.Tests;

/// <summary>What a prober found by sending what no form would: partial bodies, and state changes by GET.</summary>
public class RequestHygieneTests(PostgresServer pg) : WebTest(pg)
{
    [Theory]
    [InlineData("""{ "title": "only a title" }""")]
    [InlineData("""{ "title": "t", "description": "d", "category": "ConstructionWorks", "evaluationMethod": "ComprehensiveScoring", "qualificationRequirements": "q", "bidDeadlineUtc": "2027-01-01T00:00:00Z", "openingTimeUtc": "2027-01-01T00:00:00Z", "openingPlace": "r", "lots": null }""")]
    [InlineData("""{ "title": "t", "description": "d", "category": "ConstructionWorks", "evaluationMethod": "ComprehensiveScoring", "qualificationRequirements": "q", "bidDeadlineUtc": "2027-01-01T00:00:00Z", "openingTimeUtc": "2027-01-01T00:00:00Z", "openingPlace": "r", "lots": [ { "name": null, "estimatedPriceYuan": 1, "bidBondYuan": 0 } ] }""")]
    [InlineData("[]")]
    public async Task A_partial_or_malformed_body_is_a_400_naming_the_rule_never_a_500(string body)
    {
        var owner = await App.ApiAsync("owner1");
        var before = App.WithDb(db => db.Tenders.Count());
        var r = await owner.PostAsync("/api/tenders", new StringContent(body, Encoding.UTF8, "application/json"));
        var text = await r.Content.ReadAsStringAsync();
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal); // no stack trace
        await r.AssertRefused(HttpStatusCode.BadRequest, "Rule.BadRequest");
        Assert.Equal(before, App.WithDb(db => db.Tenders.Count()));
    }

    [Fact]
    public async Task Obtaining_documents_is_recorded_only_by_a_POST_with_the_forms_token()
    {
        var owner = await App.ApiAsync("owner1");
        var tender = await TestApi.PublishedTenderAsync(owner, App.Clock.GetUtcNow().UtcDateTime.AddDays(25));
        var doc = App.WithDb(db => db.TenderDocuments.Where(d => d.TenderId == tender).Select(d => d.Id).First());
        int Downloads() => App.WithDb(db => db.DocumentDownloads.Count(d => d.TenderId == tender));
        long LogSize() => App.WithDb(db => db.LogEntries.LongCount());
        var page = await Browser.SignInAsync(App, "bidder01");

        // A link on another site (a GET with the victim's cookie) changes nothing.
        var (downloads, log) = (Downloads(), LogSize());
        var get = await page.GetAsync($"/Tenders/Details/{tender}?handler=Download&docId={doc}");
        Assert.Null(get.Content.Headers.ContentDisposition);
        Assert.Equal(downloads, Downloads());
        Assert.Equal(log, LogSize());

        // A POST without the form's token is refused and changes nothing.
        var forged = await page.PostAsync($"/Tenders/Details/{tender}?handler=Download", new FormUrlEncodedContent(new Dictionary<string, string> { ["docId"] = doc.ToString() }));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal(downloads, Downloads());

        // The page's own form does it.
        var post = await Browser.PostFormAsync(page, $"/Tenders/Details/{tender}", $"/Tenders/Details/{tender}?handler=Download", new Dictionary<string, string> { ["docId"] = doc.ToString() });
        Assert.Equal(HttpStatusCode.OK, post.StatusCode);
        Assert.NotNull(post.Content.Headers.ContentDisposition);
        Assert.Equal(downloads + 1, Downloads());
    }
}
