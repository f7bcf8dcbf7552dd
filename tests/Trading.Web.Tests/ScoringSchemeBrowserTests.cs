using Microsoft.Playwright;
using Trading.Domain.Evaluation;
using Trading.Web.Tests.Infrastructure;

namespace Trading.Web.Tests;

public class ScoringSchemeBrowserTests(PostgresServer pg) : BrowserTest(pg)
{
    [Fact]
    public async Task An_owner_sets_the_scoring_table_with_pickers_and_a_table_that_does_not_add_up_is_refused()
    {
        var owner = await NewPageAsync();
        await SignInAsync(owner, "owner2");
        await owner.GotoAsync("/Tenders/Create");
        // The standard rows are named in the reader's language only (the tables hold both languages in one name).
        await Assertions.Expect(owner.Locator("#item-name-0")).ToHaveValueAsync("Construction plan");
        await Assertions.Expect(owner.Locator("#review-name-0")).ToHaveValueAsync("Bid letter signed and sealed");
        await owner.Locator("#Form_Title").FillAsync("School roof repair");
        await owner.Locator("#Form_Qualifications").FillAsync("Roofing licence");
        await owner.Locator("#Form_Place").FillAsync("Opening room 1");
        await owner.Locator("#lot-name-0").FillAsync("Roof");
        await owner.Locator("#lot-price-0").FillAsync("800000");
        await owner.Locator("#lot-bond-0").FillAsync("10000");
        // The standard table is there to edit: raise one item so the points come to 105.
        await owner.Locator("#item-max-0").FillAsync("35");
        await owner.Locator("#Form_Scheme_Formula").SelectOptionAsync("BenchmarkDeduction");
        await owner.Locator("#Form_Scheme_BenchmarkFactor").FillAsync("0.95");
        await owner.GetByRole(AriaRole.Button, new() { Name = "Register the project" }).ClickAsync();
        await Assertions.Expect(owner.GetByTestId("errors")).ToContainTextAsync("add up to 105 points");
        await Assertions.Expect(owner.Locator("#item-max-0")).ToHaveValueAsync("35");

        // Take the 5 points from the price item (row 5) and add a qualification check.
        await owner.Locator("#item-max-4").FillAsync("35");
        await owner.Locator("#review-name-4").FillAsync("Safety production licence");
        await owner.Locator("#review-kind-4").SelectOptionAsync("Qualification");
        await owner.GetByRole(AriaRole.Button, new() { Name = "Register the project" }).ClickAsync();
        await Assertions.Expect(owner.GetByTestId("step")).ToContainTextAsync("1. Project registration");
        var view = owner.GetByTestId("scheme-view");
        await Assertions.Expect(view).ToContainTextAsync("K = 0.95");
        await Assertions.Expect(view).ToContainTextAsync("Safety production licence");

        var id = Guid.Parse(owner.Url.Split('/').Last());
        var s = ScoringScheme.FromJson(App.WithDb(db => db.Tenders.First(t => t.Id == id).ScoringSchemeJson))!;
        Assert.Equal(35m, s.PriceItem!.MaxPoints);
        Assert.Equal(100m, s.Items.Sum(i => i.MaxPoints));
        Assert.Contains(s.ReviewItems, r => r.Kind == ReviewKind.Qualification && r.Name == "Safety production licence");
    }
}
