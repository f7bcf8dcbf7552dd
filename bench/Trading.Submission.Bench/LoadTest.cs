// Load test of bid submission and opening, on the real app (Kestrel, PostgreSQL, files), driven like the web tests
// (Program.cs runs it; the web tests' BenchSmokeTests compile this file and run it with 3 bids of 1 MiB).
using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Trading.Crypto;
using Trading.Data;
using Trading.Domain;
using Trading.Domain.Bidding;
using Trading.Web.Tests.Infrastructure;

namespace Trading.Submission.Bench;

internal static class LoadTest
{
    /// <summary>
    /// Seals <paramref name="bids"/> bids of <paramref name="sizeMiB"/> MiB, sends them at once, opens them with the three
    /// holders and times raw AES-GCM over the same files; writes the report to <paramref name="resultsPath"/> unless null.
    /// <paramref name="server"/> is the test run's PostgreSQL server (the smoke run); without it one is started and stopped here.
    /// </summary>
    public static async Task<LoadResult> RunAsync(int bids, int sizeMiB, string? resultsPath, PostgresServer? server = null)
    {
        const int Chunk = 2 << 20;
        var inv = CultureInfo.InvariantCulture;
        var pg = server ?? new PostgresServer();
        if (server is null) await pg.InitializeAsync();
        var work = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "trading-submission-bench-" + Guid.NewGuid().ToString("N")[..8]));
        try
        {
            var app = new TradingFactory(await pg.CreateDatabaseAsync("submissionbench")) { Settings = Bidding.FastSettings };
            app.UseKestrel(0);
            app.StartServer();
            app.ServerAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
            Console.WriteLine($"app at {app.ServerAddress}");

            var deadline = app.Clock.GetUtcNow().UtcDateTime.AddDays(25);
            var tenderId = await TestApi.PublishedTenderAsync(await app.ApiAsync("owner1"), deadline);
            await Bidding.JoinAllAsync(app, tenderId);

            // Bidder firms, approved and with the documents obtained, one user each.
            var names = new List<string>();
            await using (var scope = app.Services.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<TradingDbContext>();
                var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
                var tender = await db.Tenders.Include(t => t.Documents).SingleAsync(t => t.Id == tenderId);
                var now = app.Clock.GetUtcNow().UtcDateTime;
                for (var i = 0; i < bids; i++)
                {
                    var firm = new Organisation
                    {
                        Kind = OrganisationKind.BidderFirm, Name = $"压测投标人{i:000}建设有限公司", CreditCode = UnifiedSocialCreditCode.Complete("91350100" + i.ToString("D9", inv)),
                        Status = FirmStatus.Approved, RegisteredAt = now.AddDays(-30), CentreApprovedAt = now.AddDays(-29), SupervisionApprovedAt = now.AddDays(-28),
                    };
                    db.Organisations.Add(firm);
                    await db.SaveChangesAsync();
                    var u = new AppUser { UserName = $"load{i:000}", DisplayName = firm.Name, OrganisationId = firm.Id, PreferredCulture = "en" };
                    (await users.CreateAsync(u, Trading.Web.Demo.DemoSeeder.Password)).Succeeded.ToString();
                    await users.AddToRoleAsync(u, Roles.Bidder);
                    db.DocumentDownloads.Add(new DocumentDownload { TenderId = tenderId, DocumentId = tender.Documents[0].Id, FirmId = firm.Id, UserId = u.Id, DownloadedAt = now });
                    names.Add(u.UserName);
                }
                await db.SaveChangesAsync();
            }

            // Seal every bid to a file: a 20 MiB attachment of random bytes (incompressible) and the opening form.
            var clients = new HttpClient[bids];
            var sealedBids = new (string Path, string Manifest, Guid Lot, decimal Price)[bids];
            var sealWatch = Stopwatch.StartNew();
            var attachment = RandomNumberGenerator.GetBytes(sizeMiB << 20);
            for (var i = 0; i < bids; i++)
            {
                clients[i] = await app.ApiAsync(names[i]);
                var s = await (await clients[i].GetAsync($"/api/tenders/{tenderId}/sealing")).Json();
                var lot = s.GetProperty("lots")[0];
                var price = 1_000_000m + i;
                var zipPath = Path.Combine(work.FullName, $"bid{i}.zip");
                using (var zip = ZipFile.Open(zipPath, ZipArchiveMode.Create))
                {
                    await using (var w = zip.CreateEntry("bid-form.json").Open())
                        await JsonSerializer.SerializeAsync(w, new { priceYuan = price, durationDays = 300, projectManager = $"经理{i}", projectManagerId = "110101198001011234", keyStaff = "", bondAccount = $"acct{i}" });
                    await using (var a = zip.CreateEntry("files/attachment.bin", CompressionLevel.NoCompression).Open())
                        await a.WriteAsync(attachment);
                }
                var envPath = Path.Combine(work.FullName, $"bid{i}.env");
                EnvelopeSealResult result;
                await using (var input = File.OpenRead(zipPath))
                await using (var output = File.Create(envPath))
                    result = await Envelope.SealAsync(input, output, Bidding.JointKeyFrom(s.GetProperty("jointKey").GetString()!),
                        new BidContext(s.GetProperty("tender").GetString()!, lot.GetProperty("lotContext").GetString()!, s.GetProperty("bidder").GetString()!));
                File.Delete(zipPath);
                using var signer = ECDsa.Create(ECCurve.NamedCurves.nistP256);
                sealedBids[i] = (envPath, CryptoJson.Serialize(ManifestSigning.Sign(result.ToManifest(), signer)), lot.GetProperty("id").GetGuid(), price);
            }
            Console.WriteLine($"sealed {bids} bids in {sealWatch.Elapsed.TotalSeconds:F1} s");

            // The last minute before the deadline: every bid at once.
            app.Clock.Set(new DateTimeOffset(deadline.AddSeconds(-60), TimeSpan.Zero));
            GC.Collect();
            var rssBefore = Rss("VmRSS");
            long peakRss = 0;
            using var sampling = new CancellationTokenSource();
            var sampler = Task.Run(async () =>
            {
                while (!sampling.IsCancellationRequested)
                {
                    peakRss = Math.Max(peakRss, Rss("VmRSS"));
                    await Task.Delay(100);
                }
            });
            var burst = Stopwatch.StartNew();
            var outcomes = await Task.WhenAll(Enumerable.Range(0, bids).Select(i => Task.Run(() => UploadAsync(clients[i], tenderId, sealedBids[i], burst))));
            var burstSeconds = burst.Elapsed.TotalSeconds;
            await sampling.CancelAsync();
            await sampler;

            var accepted = outcomes.Count(o => o.Status == HttpStatusCode.OK);
            var stored = app.WithDb(db => db.Set<Bid>().Count(b => b.TenderId == tenderId && b.Status == BidStatus.Valid));
            var receipt = outcomes.Where(o => o.Status == HttpStatusCode.OK).Select(o => o.ReceiptMs).Order().ToArray();
            var lateInRealTime = outcomes.Count(o => o.FinishedAtSeconds > 60);
            Console.WriteLine($"accepted {accepted}/{bids}, stored {stored}, burst {burstSeconds:F1} s");
            foreach (var g in outcomes.Where(o => o.Status != HttpStatusCode.OK).GroupBy(o => o.Error).Take(5)) Console.WriteLine($"  refused x{g.Count()}: {g.Key}");

            // Opening: the deadline job freezes the list, then the three holders' machines give their partials; the third opens all.
            app.Clock.Set(new DateTimeOffset(deadline.AddMinutes(1), TimeSpan.Zero));
            await app.RunDeadlineJobAsync();
            var openCpu = Process.GetCurrentProcess().TotalProcessorTime;
            var loadBeforeOpening = File.ReadAllText("/proc/loadavg").Split(' ')[0];
            var openWatch = Stopwatch.StartNew();
            var lastHolder = TimeSpan.Zero;
            foreach (var h in Bidding.Holders)
            {
                var t0 = openWatch.Elapsed;
                var r = await Bidding.GivePartialsAsync(app, h, tenderId);
                if (!r.IsSuccessStatusCode) throw new InvalidOperationException($"{h} could not open: {r.StatusCode}");
                lastHolder = openWatch.Elapsed - t0;
            }
            var openSeconds = openWatch.Elapsed.TotalSeconds;
            var openCpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - openCpu).TotalSeconds;
            var opened = app.WithDb(db => db.Set<Bid>().Where(b => b.TenderId == tenderId && b.OpeningStatus == BidOpeningStatus.Opened).Select(b => b.PriceFen).ToList());
            var pricesRight = opened.Order().SequenceEqual(sealedBids.Select(b => (long?)(long)(b.Price * 100)).Order());

            // Baseline: AES-256-GCM over the same stored bytes, read from the same files (encryption costs what decryption does).
            var keys = app.WithDb(db => db.Set<Bid>().Where(b => b.TenderId == tenderId && b.Status == BidStatus.Valid).Select(b => b.StorageKey).ToList());
            var store = app.Services.GetRequiredService<Trading.Web.Infrastructure.IFileStore>();
            var rawCpu = Process.GetCurrentProcess().TotalProcessorTime;
            var raw = Stopwatch.StartNew();
            long rawBytes = 0;
            using (var aes = new AesGcm(RandomNumberGenerator.GetBytes(32), 16))
            {
                var buf = new byte[1 << 20];
                var outBuf = new byte[1 << 20];
                var tag = new byte[16];
                var nonce = new byte[12];
                foreach (var k in keys)
                {
                    await using var f = store.OpenRead(k);
                    int n;
                    while ((n = await f.ReadAtLeastAsync(buf, buf.Length, throwOnEndOfStream: false)) > 0)
                    {
                        BitConverter.TryWriteBytes(nonce, rawBytes);
                        aes.Encrypt(nonce, buf.AsSpan(0, n), outBuf.AsSpan(0, n), tag);
                        rawBytes += n;
                    }
                    // Read the way the opening reads: each file's pages handed back once read (PageCache), so neither
                    // side pays for taking the host's fresh memory and the files come from disk for both.
                    if (f is FileStream file) Trading.Crypto.PageCache.Drop(file.SafeFileHandle);
                }
            }
            var rawSeconds = raw.Elapsed.TotalSeconds;
            var rawCpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - rawCpu).TotalSeconds;
            var loadAfterRaw = File.ReadAllText("/proc/loadavg").Split(' ')[0];

            var report = new StringBuilder();
            report.AppendLine("# Bid submission and opening load test");
            report.AppendLine();
            var setting = "app on Kestrel in the same process as the clients, PostgreSQL from the installed binaries, files on local disk.";
            report.AppendLine(inv, $"Run {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC on {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}; {setting} `dotnet run -c Release --project bench/Trading.Submission.Bench -- {bids} {sizeMiB}`.");
            report.AppendLine();
            report.AppendLine("| Submission burst | value |");
            report.AppendLine("|---|---|");
            report.AppendLine(inv, $"| bids sent at once (server clock at deadline − 60 s) | {bids} × {sizeMiB} MiB (envelope {new FileInfo(sealedBids[0].Path).Length / 1048576.0:F1} MiB) |");
            report.AppendLine(inv, $"| accepted | {accepted} |");
            report.AppendLine(inv, $"| lost (sent, not refused, not stored) | {bids - stored - outcomes.Count(o => o.Status != HttpStatusCode.OK)} |");
            report.AppendLine(inv, $"| refused | {outcomes.Count(o => o.Status != HttpStatusCode.OK)} |");
            report.AppendLine(inv, $"| wall time of the burst | {burstSeconds:F1} s |");
            report.AppendLine(inv, $"| uploads finishing more than 60 s after the burst began | {lateInRealTime} |");
            report.AppendLine(inv, $"| receipt latency (last call: check whole envelope, store, log) p50 / p99 | {Pct(receipt, 50):F0} ms / {Pct(receipt, 99):F0} ms |");
            report.AppendLine(inv, $"| process RSS before → peak during the burst | {rssBefore / 1024} MiB → {peakRss / 1024} MiB (clients' {Chunk >> 20} MiB chunk buffers included) |");
            report.AppendLine();
            report.AppendLine("| Opening (3 holders, all needed) | value |");
            report.AppendLine("|---|---|");
            report.AppendLine(inv, $"| bids opened, prices as sealed | {opened.Count} of {stored}, {(pricesRight ? "all right" : "MISMATCH")} |");
            report.AppendLine(inv, $"| end to end (three passphrase posts; the third verifies, combines and decrypts all) | {openSeconds:F1} s (third holder {lastHolder.TotalSeconds:F1} s) |");
            report.AppendLine(inv, $"| raw AES-256-GCM over the same {rawBytes / 1048576} MiB, read from the same files the same way (each file's cached pages dropped once read) | {rawSeconds:F1} s |");
            report.AppendLine(inv, $"| ratio | {openSeconds / rawSeconds:F1}× |");
            report.AppendLine(inv, $"| process CPU time: opening (server and the three holders' clients) / raw AES-GCM | {openCpuSeconds:F1} s / {rawCpuSeconds:F1} s ({openCpuSeconds / rawCpuSeconds:F1}×) |");
            report.AppendLine(inv, $"| load average (1 min) before the opening / after the baseline | {loadBeforeOpening} / {loadAfterRaw} |");
            if (resultsPath is not null)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(resultsPath))!);
                await File.WriteAllTextAsync(resultsPath, report.ToString());
            }
            Console.WriteLine(report);
            await app.DisposeAsync();
            return new LoadResult(bids, accepted, stored, outcomes.Count(o => o.Status != HttpStatusCode.OK), opened.Count, pricesRight,
                outcomes.Where(o => o.Status == HttpStatusCode.OK).Select(o => o.Receipt).ToList());
        }
        finally
        {
            if (server is null) await pg.DisposeAsync();
            work.Delete(recursive: true);
        }
    }

    private static async Task<Outcome> UploadAsync(HttpClient c, Guid tender, (string Path, string Manifest, Guid Lot, decimal Price) bid, Stopwatch burst)
    {
        var length = new FileInfo(bid.Path).Length;
        var start = await c.PostAsJsonAsync($"/api/tenders/{tender}/bids/uploads", new { lotId = bid.Lot, length });
        if (start.StatusCode != HttpStatusCode.Created) return new(start.StatusCode, await start.Content.ReadAsStringAsync(), 0, burst.Elapsed.TotalSeconds);
        var uid = (await start.Json()).GetProperty("uploadId").GetGuid();
        var buffer = ArrayPool<byte>.Shared.Rent(2 << 20);
        try
        {
            await using var f = File.OpenRead(bid.Path);
            long offset = 0;
            int n;
            while ((n = await f.ReadAtLeastAsync(buffer.AsMemory(0, 2 << 20), 2 << 20, throwOnEndOfStream: false)) > 0)
            {
                var r = await c.PutAsync($"/api/bids/uploads/{uid}?offset={offset}", new ByteArrayContent(buffer, 0, n));
                if (!r.IsSuccessStatusCode) return new(r.StatusCode, await r.Content.ReadAsStringAsync(), 0, burst.Elapsed.TotalSeconds);
                offset += n;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        var sw = Stopwatch.StartNew();
        var done = await Bidding.CompleteAsync(c, uid, bid.Manifest);
        var ms = sw.Elapsed.TotalMilliseconds;
        var body = await done.Content.ReadAsStringAsync();
        return new(done.StatusCode, done.IsSuccessStatusCode ? "" : body, ms, burst.Elapsed.TotalSeconds, done.IsSuccessStatusCode ? body : "");
    }

    private static double Pct(double[] sorted, int p) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p / 100.0 * sorted.Length) - 1)];

    private static long Rss(string field)
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        return 0;
    }
}

internal sealed record Outcome(HttpStatusCode Status, string Error, double ReceiptMs, double FinishedAtSeconds, string Receipt = "");

/// <summary>What the load test counted, for the smoke run to check: every bid accepted, stored, opened to its sealed price, each with its receipt (the completion's body).</summary>
internal sealed record LoadResult(int Sent, int Accepted, int Stored, int Refused, int Opened, bool PricesRight, IReadOnlyList<string> Receipts);
