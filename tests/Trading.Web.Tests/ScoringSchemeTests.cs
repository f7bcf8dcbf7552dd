using System.Net;
using System.Net.Http.Json;
using Trading.Domain;
using Trading.Domain.Evaluation;
using Trading.Web.Tests.Infrastructure;

namespace Trading.Web.Tests;

/// <summary>The scoring table is part of the documents: set at registration, validated, shown with the notice.</summary>
public class ScoringSchemeTests(PostgresServer pg) : WebTest(pg)
{
    private DateTime Now => App.Clock.GetUtcNow().UtcDateTime;

    private static object Body(DateTime deadline, object scheme, string method = "ComprehensiveScoring") => new
    {
        title = "Scheme works", description = "desc", category = "ConstructionWorks", evaluationMethod = method,
        qualificationRequirements = "Grade 1", bidDeadlineUtc = deadline, openingTimeUtc = deadline, openingPlace = "Room 1",
        lots = new[] { new { name = "Lot 1", estimatedPriceYuan = 1_000_000m, bidBondYuan = 20_000m } }, scheme,
    };

    private static object Items(decimal plan) => new
    {
        method = "ComprehensiveScoring",
        items = new object[]
        {
            new { code = "plan", name = "施工方案", group = "Technical", maxPoints = plan },
            new { code = "record", name = "类似业绩", group = "Commercial", maxPoints = 10m },
            new { code = "price", name = "投标报价", group = "Price", maxPoints = 50m },
        },
        formula = "BenchmarkDeduction", benchmarkFactor = 0.95m, deductionAbovePerPercent = 1m, deductionBelowPerPercent = 0.5m,
        reviewItems = new object[]
        {
            new { code = "signed", name = "签字盖章", kind = "Formal" },
            new { code = "licence", name = "营业执照", kind = "Qualification" },
            new { code = "ceiling", name = "不超过限价", kind = "Responsiveness" },
        },
        abnormallyLowShare = 0.2m, deviationShare = 0.2m, tieRule = "LowerPriceFirst", candidates = 3,
    };

    [Fact]
    public async Task A_tender_without_a_table_gets_the_standard_one_and_bidders_see_it_with_the_notice()
    {
        var owner = await App.ApiAsync("owner1");
        var id = await TestApi.PublishedTenderAsync(owner, Now.AddDays(25));
        var stored = ScoringScheme.FromJson(App.WithDb(db => db.Tenders.First(t => t.Id == id).ScoringSchemeJson));
        Assert.NotNull(stored);
        Assert.Equal(EvaluationMethod.ComprehensiveScoring, stored.Method);
        Assert.Equal(100m, stored.Items.Sum(i => i.MaxPoints));

        var page = await App.Anonymous("zh-CN").GetStringAsync($"/Tenders/Details/{id}");
        Assert.Contains("data-testid=\"scheme-view\"", page, StringComparison.Ordinal);
        Assert.Contains("评标办法及评分标准", page, StringComparison.Ordinal);
        Assert.Contains("最低有效报价", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_named_formula_is_stored_and_shown_with_its_constants()
    {
        var owner = await App.ApiAsync("owner1");
        var r = await owner.PostAsJsonAsync("/api/tenders", Body(Now.AddDays(25), Items(40m)));
        Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        var id = (await r.Json()).GetProperty("id").GetGuid();
        var s = ScoringScheme.FromJson(App.WithDb(db => db.Tenders.First(t => t.Id == id).ScoringSchemeJson))!;
        Assert.Equal(PriceFormula.BenchmarkDeduction, s.Formula);
        Assert.Equal(0.95m, s.BenchmarkFactor);
        // Published with the notice: anyone reads the table with its constants.
        Assert.Equal(HttpStatusCode.Created, (await owner.PostAsync($"/api/tenders/{id}/documents", TestApi.File("file", "documents.pdf", TestApi.Pdf()))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await owner.PostAsync($"/api/tenders/{id}/file-documents", null)).StatusCode);
        Assert.True((await owner.PostAsync($"/api/tenders/{id}/publish", null)).IsSuccessStatusCode);
        var page = await App.Anonymous().GetStringAsync($"/Tenders/Details/{id}");
        Assert.Contains("K = 0.95", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Points_that_do_not_add_up_an_unknown_formula_or_another_methods_table_are_refused_and_nothing_is_saved()
    {
        var owner = await App.ApiAsync("owner1", culture: "zh-CN");
        var before = App.WithDb(db => db.Tenders.Count());
        var text = await (await owner.PostAsJsonAsync("/api/tenders", Body(Now.AddDays(25), Items(41m))))
            .AssertRefused(HttpStatusCode.UnprocessableEntity, EvaluationRules.SchemePointsTotal);
        Assert.Contains("101", text, StringComparison.Ordinal);
        Assert.Contains("合计", text, StringComparison.Ordinal);

        await (await owner.PostAsJsonAsync("/api/tenders", Body(Now.AddDays(25), Items(40m), method: "LowestEvaluatedPrice")))
            .AssertRefused(HttpStatusCode.UnprocessableEntity, EvaluationRules.SchemeMethodMismatch);
        Assert.Equal(before, App.WithDb(db => db.Tenders.Count()));
    }
}
