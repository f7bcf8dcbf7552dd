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
/// <c>trading verify-archive</c> run as its own process with the root and seal CA certificates alone, and one changed
/// byte in a bid envelope makes it fail naming that file. Its signed index (档案目录) validates with pdfsig, prints each
/// file's hash, and the tool refuses it altered or with a broken seal.
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
        // The office is told it is its turn to cosign, once (the refused second archive told nobody again).
        Assert.Equal(["supervisor"], App.WithDb(db => (from n in db.Set<Trading.Data.Notifications.Notification>() join u in db.Users on n.UserId equals u.Id
                                                        where n.TenderId == id && n.Kind == "archive.cosign" select u.UserName!).ToList()));

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
        var checkedHere = await VerifyHereAsync(package);
        Assert.True(checkedHere.Ok, checkedHere.Problem?.Message);
        var m = checkedHere.Manifest!;
        Assert.Equal(id.ToString(), m.Tender.Id);
        Assert.Equal(25, m.RetentionYears);
        Assert.Equal(2, m.Files.Count(f => f.Kind == "bid-envelope"));
        Assert.All(m.Files.Where(f => f.Kind is "bid-envelope" or "tender-document"), f => Assert.NotNull(f.LogIndex));
        Assert.Contains(m.Files, f => f.Kind == "tender-document");
        Assert.True(checkedHere.SealedOpened >= 4, $"documents obtained and bids of two firms are sealed acts; {checkedHere.SealedOpened} opened");

        // The signed index: the last member, listing every other one as the manifest does, with the checkpoint's root.
        Assert.Equal(TenderArchive.IndexPath, m.Files[^1].Path);
        Assert.Equal(m.Files.SkipLast(1), checkedHere.Index!.Files);
        Assert.Equal(checkedHere.Checkpoint!.Root, checkedHere.Index.CheckpointRoot);
        var indexPdf = Member(package, TenderArchive.IndexPath, "");
        var text = EvaluationRoomTests.PdfText(indexPdf);
        var code = App.WithDb(db => db.Tenders.AsNoTracking().Single(t => t.Id == id).Code);
        Assert.Contains("档案目录", text, StringComparison.Ordinal);
        Assert.Contains(code, text, StringComparison.Ordinal);
        Assert.Contains("流标", text, StringComparison.Ordinal);
        Assert.Contains(Convert.ToBase64String(checkedHere.Checkpoint.Root), text, StringComparison.Ordinal);
        foreach (var f in m.Files.SkipLast(1))
            Assert.True(text.Contains(f.Sha256, StringComparison.Ordinal), $"the index does not print {f.Path}'s SHA-256 on one line");

        var dir = Directory.CreateTempSubdirectory("trading-archive-").FullName;
        try
        {
            var indexPath = Path.Combine(dir, "index.pdf");
            await File.WriteAllBytesAsync(indexPath, indexPdf);
            var pdfsig = FirmCertificateTests.PdfSig(indexPath);
            Assert.Contains("Signature Validation: Signature is Valid.", pdfsig, StringComparison.Ordinal);
            Assert.Contains("Signature Type: ETSI.CAdES.detached", pdfsig, StringComparison.Ordinal);

            var (exit, output) = await VerifyArchiveAsync(dir, "good.tar", package, "en");
            Assert.True(exit == 0, output);
            Assert.Contains("Archive is valid", output, StringComparison.Ordinal);
            Assert.Contains("kept 25 years", output, StringComparison.Ordinal);
            Assert.Contains($"the sealed index {TenderArchive.IndexPath} holds", output, StringComparison.Ordinal);

            // Without the seal's CA the index is not taken on trust.
            (exit, output) = await CliRunner.RunAsync("verify-archive", Path.Combine(dir, "good.tar"), "--root", Path.Combine(dir, "root-ca.crt"), "--lang", "en");
            Assert.True(exit == 1, output);
            Assert.Contains(TenderArchive.IndexPath, output, StringComparison.Ordinal);
            Assert.Contains("--seal-ca", output, StringComparison.Ordinal);

            // One byte of the index changed: named by its hash in the manifest.
            var (at, indexMember) = Locate(package, TenderArchive.IndexPath);
            var changedIndex = (byte[])package.Clone();
            changedIndex[at] ^= 0x01;
            (exit, output) = await VerifyArchiveAsync(dir, "index.tar", changedIndex, "en");
            Assert.True(exit == 1, output);
            Assert.Contains(indexMember, output, StringComparison.Ordinal);

            // The index changed and the manifest restamped to match, as a centre building a wrong package would: the seal no longer holds.
            var restamped = await RestampedAsync(package, TenderArchive.IndexPath, pdf =>
            {
                var creator = pdf.AsSpan().IndexOf("/Creator"u8);
                pdf[creator + 1] ^= 0x01;
                return pdf;
            });
            (exit, output) = await VerifyArchiveAsync(dir, "restamped.tar", restamped, "en");
            Assert.True(exit == 1, output);
            Assert.Contains(TenderArchive.IndexPath, output, StringComparison.Ordinal);
            Assert.Contains("changed after signing", output, StringComparison.Ordinal);

            // The restamped package with its index as built does verify: the failure above is the seal's alone.
            (exit, output) = await VerifyArchiveAsync(dir, "same.tar", await RestampedAsync(package, TenderArchive.IndexPath, pdf => pdf), "en");
            Assert.True(exit == 0, output);

            // One byte of the second envelope changed: the tool says which file.
            var (offset, member) = Locate(package, "bids/02-");
            var bad = (byte[])package.Clone();
            bad[offset] ^= 0x01;
            (exit, output) = await VerifyArchiveAsync(dir, "bad.tar", bad, "zh-CN");
            Assert.True(exit == 1, output);
            Assert.Contains(member, output, StringComparison.Ordinal);
            Assert.Contains("档案验证失败", output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>The committee of the tender's lot drawn through the offices' pages (as <see cref="ExpertDrawTests"/> does); returns the session.</summary>
    private async Task<Guid> DrawThroughPagesAsync(Guid tenderId)
    {
        DrawPages.NormalisePool(App);
        var lot = App.WithDb(db => db.Lots.AsNoTracking().Single(l => l.TenderId == tenderId));
        var day = TimeZoneInfo.ConvertTimeFromUtc(Now, TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai")).AddDays(1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var offices = new[] { ("supervision", await Browser.SignInAsync(App, "supervisor")), ("centre", await Browser.SignInAsync(App, "centre")), ("owner", await Browser.SignInAsync(App, "owner1")) };
        var request = await Browser.PostFormAsync(offices[2].Item2, $"/Draw/Request?tenderId={tenderId}", "/Draw/Request", new Dictionary<string, string>
        {
            ["Input.TenderId"] = tenderId.ToString(), ["Input.LotId"] = lot.Id.ToString(), ["Input.EvaluationRoom"] = "评标室二",
            ["Day"] = day, ["From"] = "09:00", ["To"] = "12:00", ["Input.CommitteeSize"] = "5", ["Input.OwnerRepresentativeSeats"] = "0", ["Input.ResponseWindowHours"] = "2",
            ["Input.Strata[0].Stratum"] = "1-tech", ["Input.Strata[0].Kind"] = "Technical", ["Input.Strata[0].Specialties"] = "construction/*", ["Input.Strata[0].Count"] = "3",
            ["Input.Strata[1].Stratum"] = "2-econ", ["Input.Strata[1].Kind"] = "Economic", ["Input.Strata[1].Specialties"] = "economics/*", ["Input.Strata[1].Count"] = "2",
        });
        Assert.True(request.StatusCode == HttpStatusCode.Redirect, DrawPages.Errors(await request.Content.ReadAsStringAsync()));
        var id = Guid.Parse(request.Headers.Location!.OriginalString.Split('/')[^1]);
        var drawId = DrawPages.Session(App, id).DrawId;
        var values = offices.ToDictionary(o => o.Item1, _ => System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        foreach (var (office, client) in offices)
        {
            var r = await DrawPages.ActAsync(client, id, "Commit", new() { ["commitment"] = Trading.ExpertPool.DrawAlgorithm.Commitment(drawId, office, values[office]) });
            Assert.True(r.StatusCode == HttpStatusCode.Redirect, $"{office} commit: {DrawPages.Errors(await r.Content.ReadAsStringAsync())}");
        }
        foreach (var (office, client) in offices)
        {
            var r = await DrawPages.ActAsync(client, id, "Reveal", new() { ["value"] = Convert.ToHexStringLower(values[office]) });
            Assert.True(r.StatusCode == HttpStatusCode.Redirect, $"{office} reveal: {DrawPages.Errors(await r.Content.ReadAsStringAsync())}");
        }
        var drawn = await DrawPages.ActAsync(offices[1].Item2, id, "Draw");
        Assert.True(drawn.StatusCode == HttpStatusCode.Redirect, $"draw: {DrawPages.Errors(await drawn.Content.ReadAsStringAsync())}");
        return id;
    }

    [Fact]
    public async Task A_completed_tenders_package_holds_its_opening_and_draw_records_sealed_and_verifies()
    {
        // Three real sealed bids, the deadline, the committee drawn, the real three-holder opening; the evaluation's report
        // is then issued as AwardTests arranges it, and steps 14-18 go through the API.
        var (id, deadline) = await TenderWithBidsAsync(App, 3);
        App.Clock.Set(new DateTimeOffset(deadline.AddMinutes(1), TimeSpan.Zero));
        await App.RunDeadlineJobAsync();
        var session = await DrawThroughPagesAsync(id);
        foreach (var holder in Bidding.Holders)
            Assert.Equal(HttpStatusCode.OK, (await OpeningOfficer.GiveAsync(App, holder, id)).StatusCode);
        var (lotId, ranked) = App.WithDb(db =>
        {
            var bids = db.Set<Trading.Domain.Bidding.Bid>().AsNoTracking().Where(b => b.TenderId == id && b.OpeningStatus == Trading.Domain.Bidding.BidOpeningStatus.Opened).OrderBy(b => b.PriceFen).ToList();
            return (bids[0].LotId, bids.Select(b => (b.Id, b.PriceFen!.Value)).ToList());
        });
        Assert.Equal(3, ranked.Count);
        await AwardTests.IssueReportAsync(App, id, session, [.. ranked.Select(r => r.Id)]);
        var owner = await App.ApiAsync("owner1");
        Assert.Equal(HttpStatusCode.Created, (await owner.PostAsJsonAsync($"/api/award/{id}/publicity", new { days = 3 })).StatusCode);
        App.Clock.Advance(TimeSpan.FromDays(3) + TimeSpan.FromMinutes(1));
        var award = await owner.PostAsJsonAsync($"/api/award/{id}/awards", new { lotId, bidId = ranked[0].Id });
        Assert.True(award.StatusCode == HttpStatusCode.Created, await award.Content.ReadAsStringAsync());
        var contract = await owner.PostAsync($"/api/award/{id}/contracts", AwardTests.ContractForm(lotId, ranked[0].Item2 / 100m, Now));
        Assert.True(contract.StatusCode == HttpStatusCode.Created, await contract.Content.ReadAsStringAsync());
        var today = DateOnly.FromDateTime(Now.AddHours(8)).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        foreach (var (bid, _) in ranked)
            Assert.Equal(HttpStatusCode.Created, (await owner.PostAsJsonAsync($"/api/award/{id}/refunds", new { bidId = bid, amountYuan = 20_000m, interestYuan = 0m, refundedOn = today })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await owner.PostAsync($"/api/tenders/{id}/archive", null)).StatusCode);
        await CosignNowAsync(App);
        var package = await (await owner.GetAsync($"/api/tenders/{id}/archive")).Content.ReadAsByteArrayAsync();

        // Both records are in it as PDFs, each sealed by the centre (the signature holds and chains to the centre's CA),
        // beside the JSON the verifiers read, the transcript, the report, the notices and the contract.
        var checkedHere = await VerifyHereAsync(package);
        Assert.True(checkedHere.Ok, checkedHere.Problem?.Message);
        var kinds = checkedHere.Manifest!.Files.Select(f => f.Kind).ToList();
        foreach (var kind in new[] { "opening-transcript", "opening-record", "draw-record", "draw-record-pdf", "evaluation-report", "contract", TenderArchive.IndexKind })
            Assert.True(kinds.Count(k => k == kind) == 1, $"{kind}: {string.Join(", ", kinds)}");
        Assert.Equal(3, kinds.Count(k => k == "award-notice"));
        using var ca = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(await App.Anonymous().GetStringAsync("/pki/centre-ca.crt"));
        foreach (var prefix in new[] { "opening/record-", "draw/" })
        {
            var pdf = Member(package, prefix, ".pdf");
            Assert.StartsWith("%PDF", System.Text.Encoding.ASCII.GetString(pdf, 0, 4), StringComparison.Ordinal);
            var cms = Trading.Reports.PdfSignatures.Read(pdf);
            Assert.NotNull(cms);
            cms.CheckSignature(verifySignatureOnly: true);
            Assert.True(Trading.PublicLog.FirmCertificateAuthority.Chains(cms.SignerInfos[0].Certificate!, [ca], App.Clock.GetUtcNow()), prefix);
        }
        Assert.Contains("开标记录", EvaluationRoomTests.PdfText(Member(package, "opening/record-", ".pdf")), StringComparison.Ordinal);

        var dir = Directory.CreateTempSubdirectory("trading-archive-").FullName;
        try
        {
            var (code, output) = await VerifyArchiveAsync(dir, "good.tar", package, "en");
            Assert.True(code == 0, output);
            // One byte of the opening record changed: the tool names it.
            var (offset, member) = Locate(package, "opening/record-");
            var bad = (byte[])package.Clone();
            bad[offset] ^= 0x01;
            (code, output) = await VerifyArchiveAsync(dir, "bad.tar", bad, "en");
            Assert.True(code == 1, output);
            Assert.Contains(member, output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>Runs <c>trading verify-archive</c> as an outsider would: its own process, the package as a file, the published root and seal CA certificates alone.</summary>
    private async Task<(int Code, string Output)> VerifyArchiveAsync(string dir, string name, byte[] package, string lang)
    {
        var root = Path.Combine(dir, "root-ca.crt");
        if (!File.Exists(root)) await File.WriteAllTextAsync(root, await App.Anonymous().GetStringAsync("/api/log/certificates/root-ca.crt"));
        var sealCa = Path.Combine(dir, "centre-ca.crt");
        if (!File.Exists(sealCa)) await File.WriteAllTextAsync(sealCa, await App.Anonymous().GetStringAsync("/pki/centre-ca.crt"));
        var path = Path.Combine(dir, name);
        await File.WriteAllBytesAsync(path, package);
        return await CliRunner.RunAsync("verify-archive", path, "--root", root, "--seal-ca", sealCa, "--lang", lang);
    }

    /// <summary>The package checked in this process, its index with the CLI's reader and the centre's own certificates.</summary>
    private async Task<ArchiveVerification> VerifyHereAsync(byte[] package)
    {
        var root = App.Services.GetRequiredService<CentreKeys>().Pki.Root;
        var sealCa = App.Services.GetRequiredService<Features.Certificates.CertificateAuthority>().Ca.Ca;
        return await TenderArchiveVerifier.VerifyAsync(new MemoryStream(package), root, Trading.Cli.PublicLog.SealedPdf.ArchiveIndex(sealCa, root), TestContext.Current.CancellationToken);
    }

    /// <summary>
    /// The package with member <paramref name="path"/> changed and the manifest rewritten and stamped by the centre's TSA to
    /// match: what a centre that builds a wrong package would serve, which only the checks past the manifest can catch.
    /// </summary>
    private async Task<byte[]> RestampedAsync(byte[] package, string path, Func<byte[], byte[]> change)
    {
        var members = new List<(string Name, byte[] Content)>();
        int at = 0;
        while (ArchiveTar.Peek(package.AsSpan(at, ArchiveTar.Block)) is { } m)
        {
            var content = package.AsSpan(at + ArchiveTar.Block, (int)m.Size).ToArray();
            members.Add((m.Name, m.Name == path ? change(content) : content));
            at += ArchiveTar.Block + (int)m.Size + ArchiveTar.Padding(m.Size);
        }
        var manifest = ArchiveManifest.Parse(members[0].Content);
        var files = members.Skip(2).ToList();
        manifest = manifest with { Files = [.. manifest.Files.Zip(files, (f, x) => f with { Length = x.Content.Length, Sha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(x.Content)) })] };
        var bytes = manifest.ToBytes();
        var token = App.Services.GetRequiredService<CentreKeys>().Tsa.Stamp(TenderArchive.Imprint(bytes), manifest.BuiltAt);
        var output = new MemoryStream();
        foreach (var (name, content) in new[] { (TenderArchive.ManifestPath, bytes), (TenderArchive.StampPath, token) }.Concat(files))
            await ArchiveTar.WriteMemberAsync(output, name, content.Length, manifest.BuiltAt, new MemoryStream(content), TestContext.Current.CancellationToken);
        await ArchiveTar.WriteEndAsync(output, TestContext.Current.CancellationToken);
        return output.ToArray();
    }

    /// <summary>The content of the first member whose name starts with <paramref name="prefix"/> and ends with <paramref name="suffix"/>.</summary>
    private static byte[] Member(byte[] tar, string prefix, string suffix)
    {
        int at = 0;
        while (ArchiveTar.Peek(tar.AsSpan(at, ArchiveTar.Block)) is { } m)
        {
            if (m.Name.StartsWith(prefix, StringComparison.Ordinal) && m.Name.EndsWith(suffix, StringComparison.Ordinal))
                return tar.AsSpan(at + ArchiveTar.Block, (int)m.Size).ToArray();
            at += ArchiveTar.Block + (int)m.Size + ArchiveTar.Padding(m.Size);
        }
        throw new InvalidOperationException($"no member {prefix}*{suffix}");
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
