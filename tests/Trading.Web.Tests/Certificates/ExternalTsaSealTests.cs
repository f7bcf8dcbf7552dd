using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Trading.Domain.Certificates;
using Trading.Reports;
using Trading.Web.Features.Certificates;
using Trading.Web.Infrastructure;
using Trading.Web.Tests.Infrastructure;

namespace Trading.Web.Tests.Certificates;

/// <summary>
/// A deployment whose time-stamps come from an external TSA (<c>PublicLog:TsaUrl</c>), here a real RFC 3161 endpoint in
/// the test process with its own key (<see cref="ThrowawayTsa"/>): the centre's seal carries that TSA's time-stamp; when
/// the TSA answers garbage, refuses or is slow, the record is sealed at once without one; a stored record waiting for its
/// stamp gets it from the job once the TSA answers, stored beside the issued file with both hashes logged; pdfsig and
/// `trading verify-pdf` (which names the TSA and the root it used) accept the result, and verify-pdf names the missing
/// stamp before.
/// </summary>
public class ExternalTsaSealTests(PostgresServer pg) : ExternalTsaTest(pg, "PublicLog:SealTsaTimeoutSeconds")
{
    private byte[] Sealed()
    {
        var seal = App.Services.GetRequiredService<DocumentSeal>();
        var report = new Report(new ReportOptions { Culture = "zh-CN", Title = "评标报告", Clock = seal.Clock, Seal = seal.For("评标报告") });
        report.Paragraph("推荐中标候选人 甲公司");
        return report.Render();
    }

    [Fact]
    public async Task Seals_carry_the_external_TSAs_stamp_or_get_it_later_when_it_was_down()
    {
        var dir = Directory.CreateTempSubdirectory("external-tsa-");
        try
        {
            var ca = Path.Combine(dir.FullName, "centre-ca.crt");
            var tsaRoot = Path.Combine(dir.FullName, "tsa-root.crt");
            var centreRoot = Path.Combine(dir.FullName, "root-ca.crt");
            await File.WriteAllTextAsync(ca, await App.Anonymous().GetStringAsync("/pki/centre-ca.crt"));
            await File.WriteAllTextAsync(centreRoot, await App.Anonymous().GetStringAsync("/api/log/certificates/root-ca.crt"));
            await File.WriteAllTextAsync(tsaRoot, Tsa.Pki.Root.ExportCertificatePem());
            string Write(string name, byte[] pdf) { var p = Path.Combine(dir.FullName, name); File.WriteAllBytes(p, pdf); return p; }

            // The TSA answers: the seal carries its time-stamp, verify-pdf names it and the root given for it.
            var stamped = Write("stamped.pdf", Sealed());
            Assert.True(ReportSeal.HasTimeStamp(File.ReadAllBytes(stamped)));
            Assert.Contains("Signature Validation: Signature is Valid.", FirmCertificateTests.PdfSig(stamped), StringComparison.Ordinal);
            var ok = TradingCli.Run("verify-pdf", stamped, "--root", ca, "--tsa-root", centreRoot, "--tsa-root", tsaRoot, "--lang", "en");
            Assert.True(ok.Code == 0, ok.Out + ok.Err);
            Assert.Contains("by CN=Throwaway External TSA", ok.Out, StringComparison.Ordinal);
            Assert.Contains("(root " + Tsa.Pki.Root.Subject + ")", ok.Out, StringComparison.Ordinal);
            // Under the centre's root alone the external stamp does not chain.
            Assert.Equal(1, TradingCli.Run("verify-pdf", stamped, "--root", ca, "--tsa-root", centreRoot, "--lang", "en").Code);

            // Garbage, a refusal, a TSA slower than the bound: the record is sealed all the same, without a stamp, in bounded time.
            foreach (var mode in new[] { ThrowawayTsa.Behaviour.Garbage, ThrowawayTsa.Behaviour.Unavailable, ThrowawayTsa.Behaviour.Slow })
            {
                Tsa.Mode = mode;
                var watch = Stopwatch.StartNew();
                var pdf = Sealed();
                Assert.True(watch.Elapsed < TimeSpan.FromSeconds(6), $"{mode}: {watch.Elapsed}");
                Assert.False(ReportSeal.HasTimeStamp(pdf), mode.ToString());
                Assert.Contains("Signature Validation: Signature is Valid.", FirmCertificateTests.PdfSig(Write($"{mode}.pdf", pdf)), StringComparison.Ordinal);
            }

            // A stored record issued while the TSA was down: noted, and verify-pdf names the missing stamp.
            Tsa.Mode = ThrowawayTsa.Behaviour.Garbage;
            var issued = Sealed();
            var unstamped = Write("issued.pdf", issued);
            var missing = TradingCli.Run("verify-pdf", unstamped, "--root", ca, "--tsa-root", centreRoot, "--tsa-root", tsaRoot, "--lang", "en");
            Assert.Equal(1, missing.Code);
            Assert.Contains("time-stamp", missing.Out, StringComparison.OrdinalIgnoreCase);
            var tenderId = App.WithDb(db => db.Tenders.AsNoTracking().OrderBy(t => t.Code).Select(t => t.Id).First());
            var recordId = Guid.NewGuid();
            var files = App.Services.GetRequiredService<IFileStore>();
            var stored = await files.SaveAsync(new MemoryStream(issued), issued.Length, TestContext.Current.CancellationToken);
            using (var scope = App.Services.CreateScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<Trading.Data.TradingDbContext>();
                scope.ServiceProvider.GetRequiredService<SealStamps>().Track(SealStamp.EvaluationReport, tenderId, recordId, issued, stored, App.Clock.GetUtcNow().UtcDateTime);
                await db.SaveChangesAsync(TestContext.Current.CancellationToken);
            }

            // The TSA still answers garbage: the job asks, stamps nothing, counts the attempt; the record waits.
            Assert.Equal(0, await App.RunJobAsync<SealStampJob>());
            var waiting = App.WithDb(db => db.Set<SealStamp>().AsNoTracking().Single(s => s.RecordId == recordId));
            Assert.Equal(1, waiting.Attempts);
            Assert.Null(waiting.StampedAt);
            var centre = new Actor(Guid.NewGuid(), "centre", Guid.NewGuid(), new HashSet<string> { Trading.Data.Roles.CentreStaff }, null);
            using (var scope = App.Services.CreateScope())
                Assert.Contains(await scope.ServiceProvider.GetRequiredService<SealStamps>().ListAsync(centre, TestContext.Current.CancellationToken),
                    v => v.RecordId == recordId && v.StampedAt is null);
            // The supervision office sees it waiting on /Certificates; a bidder is not shown the list.
            var office = await Browser.SignInAsync(App, "supervisor");
            Assert.Contains($"data-record=\"{recordId}\" data-state=\"waiting\"", await office.GetStringAsync("/Certificates"), StringComparison.Ordinal);
            Assert.DoesNotContain("seal-stamps", await (await Browser.SignInAsync(App, "bidder01")).GetStringAsync("/Certificates"), StringComparison.Ordinal);

            // Back up: stamped, stored beside the issued file (which is kept as logged), both hashes logged.
            Tsa.Mode = ThrowawayTsa.Behaviour.Answer;
            Assert.Equal(1, await App.RunJobAsync<SealStampJob>());
            var done = App.WithDb(db => db.Set<SealStamp>().AsNoTracking().Single(s => s.RecordId == recordId));
            Assert.NotNull(done.StampedAt);
            Assert.Equal(2, done.Attempts);
            Assert.Contains("Throwaway External TSA", done.TsaSubject, StringComparison.Ordinal);
            Assert.NotEqual(done.IssuedSha256, done.StampedSha256);
            using (var kept = files.OpenRead(done.IssuedStorageKey))
                Assert.Equal(done.IssuedSha256, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(kept)));
            var entry = App.WithDb(db => db.LogEntries.AsNoTracking().Single(e => e.Index == done.LogIndex));
            Assert.Equal("seal.time-stamped", entry.Type);
            Assert.Contains(done.IssuedSha256, entry.Payload, StringComparison.Ordinal);
            Assert.Contains(done.StampedSha256!, entry.Payload, StringComparison.Ordinal);

            byte[] after;
            using (var s = files.OpenRead(done.StampedStorageKey!))
            using (var ms = new MemoryStream())
            {
                s.CopyTo(ms);
                after = ms.ToArray();
            }
            var late = Write("late.pdf", after);
            Assert.Contains("Signature Validation: Signature is Valid.", FirmCertificateTests.PdfSig(late), StringComparison.Ordinal);
            var lateCheck = TradingCli.Run("verify-pdf", late, "--root", ca, "--tsa-root", centreRoot, "--tsa-root", tsaRoot, "--lang", "en");
            Assert.True(lateCheck.Code == 0, lateCheck.Out + lateCheck.Err);
            Assert.Contains("by CN=Throwaway External TSA", lateCheck.Out, StringComparison.Ordinal);
            // Nothing left to stamp; the page says who stamped it.
            Assert.Equal(0, await App.RunJobAsync<SealStampJob>());
            var page = await office.GetStringAsync("/Certificates");
            Assert.Contains($"data-record=\"{recordId}\" data-state=\"stamped\"", page, StringComparison.Ordinal);
            Assert.Contains("Throwaway External TSA", page, StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(true);
        }
    }

    [Fact]
    public async Task An_archive_whose_index_missed_the_stamp_is_refused_by_name_and_the_next_download_verifies_with_the_TSAs_root()
    {
        // A failed tender, archived and cosigned (the archive tests' own steps).
        var (id, deadline) = await Archive.ArchiveWebTests.TenderWithBidsAsync(App, 2);
        var owner = await App.ApiAsync("owner1");
        App.Clock.Set(new DateTimeOffset(deadline, TimeSpan.Zero));
        Assert.True((await owner.PostAsync($"/api/tenders/{id}/close-bidding", null)).IsSuccessStatusCode);
        Assert.Equal(System.Net.HttpStatusCode.NoContent, (await owner.PostAsync($"/api/tenders/{id}/archive", null)).StatusCode);
        await Archive.ArchiveWebTests.CosignNowAsync(App);

        var dir = Directory.CreateTempSubdirectory("external-tsa-archive-");
        try
        {
            string P(string f) => Path.Combine(dir.FullName, f);
            await File.WriteAllTextAsync(P("root-ca.crt"), await App.Anonymous().GetStringAsync("/api/log/certificates/root-ca.crt"));
            await File.WriteAllTextAsync(P("centre-ca.crt"), await App.Anonymous().GetStringAsync("/pki/centre-ca.crt"));
            await File.WriteAllTextAsync(P("tsa-root.crt"), Tsa.Pki.Root.ExportCertificatePem());
            async Task<(int Code, string Output)> VerifyAsync(string name)
            {
                var response = await owner.GetAsync($"/api/tenders/{id}/archive");
                Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
                await File.WriteAllBytesAsync(P(name), await response.Content.ReadAsByteArrayAsync());
                return await Log.CliRunner.RunAsync("verify-archive", P(name), "--root", P("root-ca.crt"), "--seal-ca", P("centre-ca.crt"), "--tsa-root", P("tsa-root.crt"), "--lang", "en");
            }

            // The TSA answers garbage to the index's seal (asked first), then stamps the manifest: the package is made,
            // and the tool names the index and the missing stamp.
            Tsa.Mode = ThrowawayTsa.Behaviour.GarbageOnce;
            var before = await VerifyAsync("before.tar");
            Assert.True(before.Code == 1, before.Output);
            Assert.Contains("record/index.pdf", before.Output, StringComparison.Ordinal);
            Assert.Contains("no time-stamp", before.Output, StringComparison.Ordinal);

            // The TSA answers: the next download verifies, and the tool says the index was stamped by the external TSA under its root.
            var after = await VerifyAsync("after.tar");
            Assert.True(after.Code == 0, after.Output);
            Assert.Contains("the index's seal was time-stamped", after.Output, StringComparison.Ordinal);
            Assert.Contains("by CN=Throwaway External TSA", after.Output, StringComparison.Ordinal);
            Assert.Contains("(root " + Tsa.Pki.Root.Subject + ")", after.Output, StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(true);
        }
    }
}
