using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using NJsonSchema;
using Trading.Domain;
using Trading.Domain.Award;
using Trading.Domain.Archive;
using Trading.Web.Tests.Infrastructure;

namespace Trading.Web.Tests.Archive;

/// <summary>
/// Open data and the public results page with real tenders on PostgreSQL: the OCDS 1.1 release package of every
/// published tender and of one tender validate against the standard's schemas (../shared/ocds, draft-04, NJsonSchema);
/// an unpublished tender is refused with its rule exactly as an unknown id; before the deadline nothing says who or how
/// many bid, after it the count (and never a bidder's name) appears; the results page lists the failed tender with its
/// rule, in both languages, and its search narrows the list.
/// </summary>
public class OpenDataTests(PostgresServer pg) : WebTest(pg)
{
    protected override IReadOnlyDictionary<string, string> Settings => Bidding.FastSettings;

    /// <summary>The OCDS schemas the tests read: the shared folder beside the repository (found by walking up).</summary>
    private static string SchemaDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "ocds");
            if (File.Exists(Path.Combine(candidate, "release-schema.json"))) return candidate;
        }
        throw new FileNotFoundException("shared/ocds/release-schema.json is not beside the repository");
    }

    /// <summary>Validates a release package: its own schema (releases' items left to the next step), then each release against release-schema.json.</summary>
    internal static async Task ValidateAsync(string packageJson)
    {
        var dir = SchemaDirectory();
        // The package schema names the release schema by its published URL; the tests never go online, so the releases
        // are checked one by one against the local copy of that very schema instead.
        var packageSchemaText = (await File.ReadAllTextAsync(Path.Combine(dir, "release-package-schema.json")))
            .Replace("\"$ref\": \"https://standard.open-contracting.org/schema/1__1__5/release-schema.json\"", "\"type\": \"object\"", StringComparison.Ordinal);
        var packageSchema = await JsonSchema.FromJsonAsync(packageSchemaText);
        var releaseSchema = await JsonSchema.FromFileAsync(Path.Combine(dir, "release-schema.json"));
        var errors = packageSchema.Validate(packageJson);
        Assert.True(errors.Count == 0, "package: " + string.Join("; ", errors.Select(e => $"{e.Path}: {e.Kind}")));
        using var doc = JsonDocument.Parse(packageJson);
        var releases = doc.RootElement.GetProperty("releases");
        Assert.True(releases.GetArrayLength() > 0);
        foreach (var release in releases.EnumerateArray())
        {
            var releaseErrors = releaseSchema.Validate(release.GetRawText());
            Assert.True(releaseErrors.Count == 0, release.GetProperty("id").GetString() + ": " + string.Join("; ", releaseErrors.Select(e => $"{e.Path}: {e.Kind}")));
        }
    }

    [Fact]
    public async Task Releases_validate_and_tell_the_bid_count_only_after_the_deadline()
    {
        var (id, deadline) = await ArchiveWebTests.TenderWithBidsAsync(App, 2);
        var anonymous = App.Anonymous();
        var bidderNames = App.WithDb(db => db.Organisations.Where(o => o.Name != "" && db.Set<Trading.Domain.Bidding.Bid>().Any(b => b.TenderId == id && b.FirmId == o.Id)).Select(o => o.Name).ToList());
        Assert.Equal(2, bidderNames.Count);

        // Before the deadline: a tender release, no count, no bidder, nothing that changes with the bids.
        var before = await anonymous.GetStringAsync($"/api/ocds/tenders/{id}/releases");
        await ValidateAsync(before);
        Assert.DoesNotContain("numberOfTenderers", before, StringComparison.Ordinal);
        Assert.All(bidderNames, n => Assert.DoesNotContain(n, before, StringComparison.Ordinal));
        using (var doc = JsonDocument.Parse(before))
        {
            var release = doc.RootElement.GetProperty("releases")[0];
            Assert.StartsWith("ocds-", release.GetProperty("ocid").GetString(), StringComparison.Ordinal);
            Assert.Equal("tender", release.GetProperty("tag")[0].GetString());
            Assert.Equal("tender", release.GetProperty("initiationType").GetString());
            Assert.Equal(1, release.GetProperty("tender").GetProperty("lots").GetArrayLength());
            Assert.Contains(release.GetProperty("parties").EnumerateArray(), p => p.GetProperty("roles").EnumerateArray().Any(r => r.GetString() == "buyer"));
        }
        var packageBefore = await anonymous.GetStringAsync("/api/ocds/release-package");
        Assert.DoesNotContain("numberOfTenderers\":2", packageBefore, StringComparison.Ordinal);

        // After the deadline (failed: two bids where three are needed): the count, the status, the rule; still no names.
        App.Clock.Set(new DateTimeOffset(deadline, TimeSpan.Zero));
        await App.RunDeadlineJobAsync();
        var after = await anonymous.GetStringAsync($"/api/ocds/tenders/{id}/releases");
        await ValidateAsync(after);
        using (var doc = JsonDocument.Parse(after))
        {
            var last = doc.RootElement.GetProperty("releases").EnumerateArray().Last();
            Assert.Equal("tenderUpdate", last.GetProperty("tag")[0].GetString());
            Assert.Equal(2, last.GetProperty("tender").GetProperty("numberOfTenderers").GetInt32());
            Assert.Equal("unsuccessful", last.GetProperty("tender").GetProperty("status").GetString());
            Assert.False(string.IsNullOrWhiteSpace(last.GetProperty("tender").GetProperty("statusDetails").GetString()));
        }
        Assert.All(bidderNames, n => Assert.DoesNotContain(n, after, StringComparison.Ordinal));

        // The whole package: every published tender of the demo and this one, valid.
        var package = await anonymous.GetStringAsync("/api/ocds/release-package");
        await ValidateAsync(package);
        Assert.Contains(id.ToString(), package, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Award_and_contract_stages_validate_and_name_the_winner_only_once_awarded()
    {
        // The award feature's records, as it keeps them, on a published demo tender of the first owner.
        var (tenderId, lotId, bidId, firm) = App.WithDb(db =>
        {
            // One not yet awarded (the demo's history awarded one tender weeks ago).
            var b = db.Set<Trading.Domain.Bidding.Bid>().First(x => x.Status == Trading.Domain.Bidding.BidStatus.Valid
                && db.Tenders.Any(t => t.Id == x.TenderId && t.Step >= LifecycleStep.NoticePublished && t.Step < LifecycleStep.AwardNotice && !t.Failed));
            return (b.TenderId, b.LotId, b.Id, db.Organisations.First(o => o.Id == b.FirmId));
        });
        var anonymous = App.Anonymous();
        Assert.DoesNotContain(firm.Name, await anonymous.GetStringAsync($"/api/ocds/tenders/{tenderId}/releases"), StringComparison.Ordinal);
        var now = App.Clock.GetUtcNow().UtcDateTime;
        App.WithDb(db =>
        {
            var award = new LotAward { TenderId = tenderId, LotId = lotId, WinnerBidId = bidId, WinnerFirmId = firm.Id, WinnerName = firm.Name, WinnerRank = 1, PriceFen = 98_765_400, DurationDays = 180, AwardedAt = now, AwardedByUserId = Guid.NewGuid() };
            db.Add(award);
            db.Add(new LotContract { TenderId = tenderId, LotId = lotId, AwardId = award.Id, FirmId = firm.Id, PriceFen = 98_765_400, DurationDays = 180, SignedOn = DateOnly.FromDateTime(now), FileName = "contract.pdf", StorageKey = "x", Sha256 = new string('0', 64), UploadedAt = now.AddMinutes(1), UploadedByUserId = Guid.NewGuid() });
            return db.SaveChanges();
        });
        var json = await anonymous.GetStringAsync($"/api/ocds/tenders/{tenderId}/releases");
        await ValidateAsync(json);
        using var doc = JsonDocument.Parse(json);
        var releases = doc.RootElement.GetProperty("releases").EnumerateArray().ToList();
        var award = releases.Single(r => r.GetProperty("tag")[0].GetString() == "award");
        Assert.Equal(firm.Name, award.GetProperty("awards")[0].GetProperty("suppliers")[0].GetProperty("name").GetString());
        Assert.Equal(987654m, award.GetProperty("awards")[0].GetProperty("value").GetProperty("amount").GetDecimal());
        var contract = releases.Single(r => r.GetProperty("tag")[0].GetString() == "contract");
        Assert.Equal(180, contract.GetProperty("contracts")[0].GetProperty("period").GetProperty("durationInDays").GetInt32());
        Assert.Equal("tender", releases[0].GetProperty("tag")[0].GetString());
        Assert.False(releases[0].TryGetProperty("awards", out _)); // the notice release is a snapshot before the award
        await ValidateAsync(await anonymous.GetStringAsync("/api/ocds/release-package"));
    }

    [Fact]
    public async Task An_unpublished_tender_is_refused_with_the_rule_as_an_unknown_one_is()
    {
        var owner = await App.ApiAsync("owner1");
        var created = await owner.PostAsJsonAsync("/api/tenders", TestApi.TenderBody(App.Clock.GetUtcNow().UtcDateTime.AddDays(25), title: "Not yet published"));
        var id = (await created.Json()).GetProperty("id").GetGuid();
        var anonymous = App.Anonymous("zh-CN");
        var unpublished = await (await anonymous.GetAsync($"/api/ocds/tenders/{id}/releases")).AssertRefused(HttpStatusCode.NotFound, ArchiveRules.OcdsNotPublished);
        var unknown = await (await anonymous.GetAsync($"/api/ocds/tenders/{Guid.NewGuid()}/releases")).AssertRefused(HttpStatusCode.NotFound, ArchiveRules.OcdsNotPublished);
        Assert.Equal(unknown, unpublished);
        Assert.DoesNotContain("Not yet published", await anonymous.GetStringAsync("/api/ocds/release-package"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_results_page_lists_a_failed_tender_with_its_rule_and_searches()
    {
        var (id, deadline) = await ArchiveWebTests.TenderWithBidsAsync(App, 1);
        var code = App.WithDb(db => db.Tenders.First(t => t.Id == id).Code);
        var row = $">{code}</a>"; // the row's link, not the search box echoing the query
        var anonymous = App.Anonymous();
        // Before the deadline it has no result to show.
        Assert.DoesNotContain(row, await anonymous.GetStringAsync("/Results"), StringComparison.Ordinal);
        App.Clock.Set(new DateTimeOffset(deadline, TimeSpan.Zero));
        await App.RunDeadlineJobAsync();

        var en = await anonymous.GetStringAsync($"/Results?q={code}");
        Assert.Contains(row, en, StringComparison.Ordinal);
        Assert.Contains("Failed (re-tender)", en, StringComparison.Ordinal);
        Assert.Contains("Regulations art. 44", en, StringComparison.Ordinal);
        var zh = await App.Anonymous("zh-CN").GetStringAsync($"/Results?q={code}&outcome=failed");
        Assert.Contains(row, zh, StringComparison.Ordinal);
        Assert.Contains("流标", zh, StringComparison.Ordinal);
        Assert.DoesNotContain(row, await anonymous.GetStringAsync($"/Results?q={code}&outcome=archived"), StringComparison.Ordinal);
        Assert.DoesNotContain(row, await anonymous.GetStringAsync("/Results?q=no-such-project-anywhere"), StringComparison.Ordinal);
        var day = TimeZoneInfo.ConvertTimeFromUtc(deadline, TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai")).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Contains(row, await anonymous.GetStringAsync($"/Results?from={day}&to={day}"), StringComparison.Ordinal);
    }
}
