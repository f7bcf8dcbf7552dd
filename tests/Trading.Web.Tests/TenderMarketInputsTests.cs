using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Trading.Web.Features.Integrity;
using Trading.Web.Tests.Infrastructure;

namespace Trading.Web.Tests;

/// <summary>
/// The collusion screens' market inputs (issue 20): a tender's region and a lot's control price are typed on the
/// registration page, refused by rule when wrong, shown on the tender's page, and reach the screens' input model.
/// </summary>
public class TenderMarketInputsTests(PostgresServer pg) : WebTest(pg)
{
    private static Dictionary<string, string> Form(string title, string control, string region) => new()
    {
        ["Form.Title"] = title, ["Form.Qualifications"] = "x", ["Form.Place"] = "Room 2", ["Form.Region"] = region,
        ["Form.Deadline"] = "2027-01-10T09:30", ["Form.Opening"] = "2027-01-10T09:30",
        ["Form.Lots[0].Name"] = "L", ["Form.Lots[0].Price"] = "1000000", ["Form.Lots[0].Control"] = control, ["Form.Lots[0].Bond"] = "1000",
    };

    [Fact]
    public async Task Region_and_control_price_are_saved_and_handed_to_the_screens_and_a_bad_control_price_is_refused_by_rule()
    {
        var owner = await Browser.SignInAsync(App, "owner1");
        var refused = await Browser.PostFormAsync(owner, "/Tenders/Create", "/Tenders/Create", Form("bad control", "-5", "余杭区"));
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        var page = await refused.Content.ReadAsStringAsync();
        Assert.True(page.Contains("招标控制价应大于零", StringComparison.Ordinal) || page.Contains("the control price must be more than zero", StringComparison.Ordinal), page);
        Assert.False(App.WithDb(db => db.Tenders.Any(t => t.Title == "bad control")));

        var saved = await Browser.PostFormAsync(owner, "/Tenders/Create", "/Tenders/Create", Form("market inputs", "1050000.50", " 余杭区 "));
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var tender = App.WithDb(db => db.Tenders.Include(t => t.Lots).First(t => t.Title == "market inputs"));
        Assert.Equal("余杭区", tender.Region);
        Assert.Equal(105_000_050L, tender.Lots.Single().ControlPriceFen);
        // The tender's page shows both to its readers: the control price is published with the documents.
        var details = await owner.GetStringAsync($"/Tenders/Details/{tender.Id}");
        Assert.Contains("data-testid=\"region\">余杭区<", details, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"control-price\">¥1,050,000.50<", details, StringComparison.Ordinal);

        using var scope = App.Services.CreateScope();
        var lot = Assert.Single(await scope.ServiceProvider.GetRequiredService<IntegrityInputs>().LotsAsync(tender, null, CancellationToken.None));
        Assert.Equal(1_050_000.50m, lot.Screen.ControlPrice);
        Assert.Equal(1_000_000m, lot.Screen.Estimate);
        Assert.Equal("余杭区", lot.Screen.Region);
    }
}
