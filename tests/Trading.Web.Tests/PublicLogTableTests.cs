using Microsoft.EntityFrameworkCore;
using Npgsql;
using Trading.Web.Tests.Infrastructure;

namespace Trading.Web.Tests;

public class PublicLogTableTests(PostgresServer pg) : WebTest(pg)
{
    [Theory]
    [InlineData("UPDATE \"LogEntries\" SET \"Type\" = 'forged' WHERE \"Index\" = 0")]
    [InlineData("DELETE FROM \"LogEntries\" WHERE \"Index\" = 0")]
    [InlineData("TRUNCATE \"LogEntries\"")]
    public void The_database_refuses_to_change_or_remove_log_entries(string sql)
    {
        var before = App.WithDb(db => db.LogEntries.AsNoTracking().OrderBy(e => e.Index).Select(e => e.Payload).ToList());
        Assert.NotEmpty(before);
        var e = Assert.Throws<PostgresException>(() => App.WithDb(db => db.Database.ExecuteSqlRaw(sql)));
        Assert.Contains("append-only", e.MessageText, StringComparison.Ordinal);
        Assert.Equal(before, App.WithDb(db => db.LogEntries.AsNoTracking().OrderBy(x => x.Index).Select(x => x.Payload).ToList()));
    }

    [Fact]
    public async Task Concurrent_appends_stay_gapless()
    {
        var owner = await App.ApiAsync("owner1");
        var now = App.Clock.GetUtcNow().UtcDateTime;
        var tasks = Enumerable.Range(0, 12).Select(i => owner.PostAsync("/api/tenders",
            System.Net.Http.Json.JsonContent.Create(TestApi.TenderBody(now.AddDays(25), title: $"parallel {i}"))));
        var results = await Task.WhenAll(tasks);
        Assert.All(results, r => Assert.True(r.IsSuccessStatusCode, r.StatusCode.ToString()));
        var indexes = App.WithDb(db => db.LogEntries.OrderBy(e => e.Index).Select(e => e.Index).ToList());
        Assert.Equal(Enumerable.Range(0, indexes.Count).Select(i => (long)i), indexes);
    }
}
