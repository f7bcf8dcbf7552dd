using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Trading.PublicLog;
using Trading.Web.Tests.Infrastructure;

namespace Trading.Web.Tests.Log;

using Trading.Web.Features.Log;
using Trading.Data.Log;

/// <summary>
/// /api/log/checkpoints in pages: following the Link header gives every stored checkpoint exactly once, in order,
/// even where several share a size and a time (the cursor cuts inside such a group); bad parameters are refused
/// with a rule, in problem JSON.
/// </summary>
public class CheckpointPagingTests(PostgresServer pg) : WebTest(pg)
{
    private async Task CheckpointAsync()
    {
        await using var scope = App.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<Checkpoints>().CheckpointNowAsync("manual", default);
    }

    private async Task GrowAsync()
    {
        var owner = await App.ApiAsync("owner1");
        Assert.Equal(HttpStatusCode.Created, (await owner.PostAsJsonAsync("/api/tenders", TestApi.TenderBody(App.Clock.GetUtcNow().UtcDateTime.AddDays(25), title: "paging"))).StatusCode);
    }

    private async Task<(List<string> Notes, int Pages)> FollowAsync(string first)
    {
        var notes = new List<string>();
        var pages = 0;
        for (var url = first; url is not null; pages++)
        {
            var r = await App.Anonymous().GetAsync(url);
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            notes.AddRange(LogVerifier.ParseCheckpoints(await r.Content.ReadAsStringAsync()));
            url = r.Headers.TryGetValues("Link", out var link) ? link.Single().Split('>')[0].TrimStart('<') : null;
            Assert.True(pages < 20, "the pages do not end");
        }
        return (notes, pages);
    }

    [Fact]
    public async Task Following_the_pages_gives_every_checkpoint_once_in_order_even_inside_ties()
    {
        // What the seed left (the demo's failed tender passed its deadline, and a deadline makes a checkpoint), then
        // three checkpoints of one size in the same second, then two more sizes, the last twice: six more.
        var seeded = App.WithDb(db => db.Set<LogCheckpoint>().AsNoTracking().Count());
        var total = seeded + 6;
        for (var i = 0; i < 3; i++) await CheckpointAsync();
        await GrowAsync();
        App.Clock.Advance(TimeSpan.FromMinutes(1));
        await CheckpointAsync();
        await GrowAsync();
        App.Clock.Advance(TimeSpan.FromMinutes(1));
        await CheckpointAsync();
        await CheckpointAsync();
        var stored = App.WithDb(db => db.Set<LogCheckpoint>().AsNoTracking().ToList());
        Assert.Equal(total, stored.Count);

        var (all, onePage) = await FollowAsync("/api/log/checkpoints");
        Assert.Equal(1, onePage);
        Assert.Equal(total, all.Count);
        Assert.Equal(stored.Select(c => c.Note).Order(StringComparer.Ordinal), all.Order(StringComparer.Ordinal));
        var sizes = all.Select(n => Checkpoint.ParseNoteText(SignedNote.Split(n).Text).Size).ToList();
        Assert.Equal(sizes.Order(), sizes);

        foreach (var limit in new[] { 1, 2, 3 })
        {
            var (paged, pages) = await FollowAsync($"/api/log/checkpoints?limit={limit}");
            Assert.Equal(all, paged);
            Assert.Equal((total + limit - 1) / limit, pages);
        }

        // from: only checkpoints of at least that size, paged the same way.
        var second = sizes.Distinct().ElementAt(1);
        var (tail, _) = await FollowAsync($"/api/log/checkpoints?from={second}&limit=1");
        Assert.Equal(all.Where((_, i) => sizes[i] >= second), tail);
        var (none, _) = await FollowAsync($"/api/log/checkpoints?from={sizes[^1] + 1}");
        Assert.Empty(none);

        // The cursor header names the last checkpoint sent.
        var r = await App.Anonymous().GetAsync("/api/log/checkpoints?limit=2");
        var after = Guid.Parse(r.Headers.GetValues("X-Next-After").Single());
        var secondNote = LogVerifier.ParseCheckpoints(await r.Content.ReadAsStringAsync())[1];
        Assert.Equal(stored.Single(c => c.Id == after).Note, secondNote);
        Assert.False((await App.Anonymous().GetAsync($"/api/log/checkpoints?limit={total}")).Headers.Contains("Link"));
    }

    [Theory]
    [InlineData("limit=0", "Rule.Log.LimitRange")]
    [InlineData("limit=1001", "Rule.Log.LimitRange")]
    [InlineData("limit=-5", "Rule.Log.LimitRange")]
    [InlineData("limit=99999999999999999999", "Rule.Log.ParamMalformed")]
    [InlineData("limit=abc", "Rule.Log.ParamMalformed")]
    [InlineData("limit=1e3", "Rule.Log.ParamMalformed")]
    [InlineData("limit=%201", "Rule.Log.ParamMalformed")]
    [InlineData("from=-1", "Rule.Log.Negative")]
    [InlineData("from=x", "Rule.Log.ParamMalformed")]
    [InlineData("after=not-a-guid", "Rule.Log.ParamMalformed")]
    [InlineData("after=00000000-0000-0000-0000-000000000000x", "Rule.Log.ParamMalformed")]
    [InlineData("after=2b6f0cc9-04ae-4f5b-9d6e-3a1f0e9d8c11", "Rule.Log.CursorUnknown")]
    public async Task Bad_paging_parameters_are_refused_with_a_rule(string query, string rule)
    {
        var r = await App.Anonymous().GetAsync("/api/log/checkpoints?" + query);
        Assert.Equal("application/problem+json", r.Content.Headers.ContentType?.MediaType);
        await r.AssertRefused(HttpStatusCode.UnprocessableEntity, rule);
    }

    [Fact]
    public async Task An_oversized_parameter_is_not_echoed_back_whole()
    {
        var r = await App.Anonymous().GetAsync("/api/log/checkpoints?after=" + new string('a', 5000));
        var body = await r.AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.Log.ParamMalformed");
        Assert.True(body.Length < 1000, body);
    }
}
