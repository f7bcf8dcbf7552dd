using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Trading.Data;
using Trading.Domain;
using Trading.Domain.Archive;
using Trading.PublicLog.Archive;
using Trading.Web.Features.Log;
using Trading.Web.Infrastructure;
using Trading.Web.Tests.Infrastructure;
using Trading.Web.Tests.Log;

namespace Trading.Web.Tests.Archive;

/// <summary>
/// The archive on real PostgreSQL with a real tender (documents, two sealed bids, the deadline's reveal, failed for too
/// few bids): the act is refused before its time and twice, logged once; the package is refused to another owner, a
/// bidder and anyone before a cosigned checkpoint covers the act; the owner's download verifies with
/// <c>trading verify-archive</c> run as its own process with the root certificate alone, and one changed byte in a
/// bid envelope makes it fail naming that file.
/// </summary>
public class ArchiveWebTests(PostgresServer pg) : WebTest(pg)
{
    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>(Bidding.FastSettings) { ["Archive:RetentionYears"] = "25" };

    private DateTime Now => App.Clock.GetUtcNow().UtcDateTime;

    /// <summary>A published tender with <paramref name="bids"/> sealed bids; returns its id and deadline.</summary>
    internal static async Task<(Guid Id, DateTime Deadline)> TenderWithBidsAsync(TradingFactory app, int bids)
    {
        var deadline = app.Clock.GetUtcNow().UtcDateTime.AddDays(25);
        var id = await TestApi.PublishedTenderAsync(await app.ApiAsync("owner1"), deadline);
        await Bidding.JoinAllAsync(app, id);
        for (var i = 1; i <= bids; i++)
        {
            var b = await app.ApiAsync($"bidder0{i}");
            await Bidding.ObtainDocumentsAsync(b, id);
            var r = await Bidding.UploadAsync(b, id, await Bidding.SealAsync(b, id, 1_000_000m + i));
            Assert.True(r.StatusCode == HttpStatusCode.OK, await r.Content.ReadAsStringAsync());
        }
        return (id, deadline);
    }

    /// <summary>A checkpoint of the log as it is now, cosigned by the supervision office with the witness key the dev PKI keeps here.</summary>
    internal static async Task CosignNowAsync(TradingFactory app)
    {
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<TradingDbContext>();
        var sup = await db.Users.AsNoTracking().FirstAsync(u => u.UserName == "supervisor");
        var checkpoints = scope.ServiceProvider.GetRequiredService<Checkpoints>();
        await checkpoints.CheckpointNowAsync("manual", default);
        await checkpoints.CosignLatestAsync(new Actor(sup.Id, "supervisor", sup.OrganisationId, new HashSet<string> { Roles.Supervisor }, null), default);
    }

    [Fact]
    public async Task A_failed_tender_is_archived_once_and_its_package_verifies_offline_and_names_a_changed_file()
    {
        var (id, deadline) = await TenderWithBidsAsync(App, 2);
        var owner = await App.ApiAsync("owner1");
        var otherOwner = await App.ApiAsync("owner2");
        var bidder = await App.ApiAsync("bidder01");
        var supervisor = await App.ApiAsync("supervisor");

        // Before the tender has failed or finished: nothing to archive, nothing to download.
        await (await owner.PostAsync($"/api/tenders/{id}/archive", null)).AssertRefused(HttpStatusCode.UnprocessableEntity, ArchiveRules.NotFinished);
        App.Clock.Set(new DateTimeOffset(deadline, TimeSpan.Zero));
        Assert.True((await owner.PostAsync($"/api/tenders/{id}/close-bidding", null)).IsSuccessStatusCode);
        Assert.True(App.WithDb(db => db.Tenders.AsNoTracking().First(t => t.Id == id).Failed));
        await (await owner.GetAsync($"/api/tenders/{id}/archive")).AssertRefused(HttpStatusCode.UnprocessableEntity, ArchiveRules.NotArchived);

        // Only the owner side (or the centre) archives; the act is logged once, with the retention configured.
        await (await otherOwner.PostAsync($"/api/tenders/{id}/archive", null)).AssertRefused(HttpStatusCode.Forbidden, RuleCodes.NotOwnerSide);
        await (await bidder.PostAsync($"/api/tenders/{id}/archive", null)).AssertRefused(HttpStatusCode.Forbidden, RuleCodes.NotOwnerSide);
        Assert.Equal(HttpStatusCode.NoContent, (await owner.PostAsync($"/api/tenders/{id}/archive", null)).StatusCode);
        await (await owner.PostAsync($"/api/tenders/{id}/archive", null)).AssertRefused(HttpStatusCode.UnprocessableEntity, ArchiveRules.AlreadyArchived);
        var archived = App.WithDb(db => db.LogEntries.AsNoTracking().Where(e => e.TenderId == id && e.Type == "tender.archived").ToList());
        Assert.Single(archived);
        Assert.Contains("\"retentionYears\":25", archived[0].Payload, StringComparison.Ordinal);
        // The act comes with a signed checkpoint covering it, ready for the office to cosign.
        Assert.True(App.WithDb(db => db.Set<Trading.Data.Log.LogCheckpoint>().Any(c => c.Reason == "archive" && c.Size > archived[0].Index)));

        // The package waits for a cosigned checkpoint that covers the act.
        await (await owner.GetAsync($"/api/tenders/{id}/archive")).AssertRefused(HttpStatusCode.UnprocessableEntity, ArchiveRules.AwaitingCosignature);
        await CosignNowAsync(App);

        // Another owner, a bidder and an anonymous caller are refused; the owner and the supervisor get it.
        await (await otherOwner.GetAsync($"/api/tenders/{id}/archive")).AssertRefused(HttpStatusCode.Forbidden, RuleCodes.NotOwner);
        await (await bidder.GetAsync($"/api/tenders/{id}/archive")).AssertRefused(HttpStatusCode.Forbidden, RuleCodes.NotOwner);
        Assert.Equal(HttpStatusCode.Unauthorized, (await App.Anonymous().GetAsync($"/api/tenders/{id}/archive")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await supervisor.GetAsync($"/api/tenders/{id}/archive")).StatusCode);
        var response = await owner.GetAsync($"/api/tenders/{id}/archive");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Features.Archive.ArchiveModule.TarType, response.Content.Headers.ContentType!.MediaType);
        var package = await response.Content.ReadAsByteArrayAsync();

        // What is in it: the record, the documents, both envelopes as stored, and the log with the sealed bids opened.
        var checkedHere = await TenderArchiveVerifier.VerifyAsync(new MemoryStream(package), App.Services.GetRequiredService<CentreKeys>().Pki.Root, TestContext.Current.CancellationToken);
        Assert.True(checkedHere.Ok, checkedHere.Problem?.Message);
        var m = checkedHere.Manifest!;
        Assert.Equal(id.ToString(), m.Tender.Id);
        Assert.Equal(25, m.RetentionYears);
        Assert.Equal(2, m.Files.Count(f => f.Kind == "bid-envelope"));
        Assert.All(m.Files.Where(f => f.Kind is "bid-envelope" or "tender-document"), f => Assert.NotNull(f.LogIndex));
        Assert.Contains(m.Files, f => f.Kind == "tender-document");
        Assert.True(checkedHere.SealedOpened >= 4, $"documents obtained and bids of two firms are sealed acts; {checkedHere.SealedOpened} opened");

        var dir = Directory.CreateTempSubdirectory("trading-archive-").FullName;
        try
        {
            var root = Path.Combine(dir, "root-ca.crt");
            await File.WriteAllTextAsync(root, await App.Anonymous().GetStringAsync("/api/log/certificates/root-ca.crt"));
            var good = Path.Combine(dir, "good.tar");
            await File.WriteAllBytesAsync(good, package);
            var (code, output) = await CliRunner.RunAsync("verify-archive", good, "--root", root, "--lang", "en");
            Assert.True(code == 0, output);
            Assert.Contains("Archive is valid", output, StringComparison.Ordinal);
            Assert.Contains("kept 25 years", output, StringComparison.Ordinal);

            // One byte of the second envelope changed: the tool says which file.
            var (offset, member) = Locate(package, "bids/02-");
            var bad = (byte[])package.Clone();
            bad[offset] ^= 0x01;
            var badPath = Path.Combine(dir, "bad.tar");
            await File.WriteAllBytesAsync(badPath, bad);
            (code, output) = await CliRunner.RunAsync("verify-archive", badPath, "--root", root, "--lang", "zh-CN");
            Assert.True(code == 1, output);
            Assert.Contains(member, output, StringComparison.Ordinal);
            Assert.Contains("档案验证失败", output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>The middle byte of the content of the first member whose name starts with <paramref name="prefix"/>.</summary>
    private static (int Offset, string Member) Locate(byte[] tar, string prefix)
    {
        int at = 0;
        while (ArchiveTar.Peek(tar.AsSpan(at, ArchiveTar.Block)) is { } m)
        {
            if (m.Name.StartsWith(prefix, StringComparison.Ordinal)) return (at + ArchiveTar.Block + (int)m.Size / 2, m.Name);
            at += ArchiveTar.Block + (int)m.Size + ArchiveTar.Padding(m.Size);
        }
        throw new InvalidOperationException($"no member {prefix}");
    }

    [Fact]
    public async Task The_archive_page_archives_and_offers_the_download_only_to_the_owner_side()
    {
        var (id, deadline) = await TenderWithBidsAsync(App, 1);
        App.Clock.Set(new DateTimeOffset(deadline, TimeSpan.Zero));
        await App.RunDeadlineJobAsync();
        var owner = await Browser.SignInAsync(App, "owner1");
        var page = await owner.GetStringAsync($"/Archive/{id}");
        Assert.Contains("data-testid=\"archive\"", page, StringComparison.Ordinal);
        var r = await Browser.PostFormAsync(owner, $"/Archive/{id}", $"/Archive/{id}?handler=Archive", new Dictionary<string, string>());
        Assert.True(r.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.OK, r.StatusCode.ToString());
        page = await owner.GetStringAsync($"/Archive/{id}");
        Assert.Contains("data-testid=\"why-no-package\"", page, StringComparison.Ordinal);
        await CosignNowAsync(App);
        var download = await owner.GetAsync($"/Archive/{id}?handler=Package");
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.True((await download.Content.ReadAsByteArrayAsync()).Length > 4 * ArchiveTar.Block);

        var other = await Browser.SignInAsync(App, "owner2");
        Assert.Equal(HttpStatusCode.Forbidden, (await other.GetAsync($"/Archive/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await other.GetAsync($"/Archive/{id}?handler=Package")).StatusCode);
    }
}
