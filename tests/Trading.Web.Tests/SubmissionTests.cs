using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Trading.Crypto;
using Trading.Domain.Bidding;
using Trading.Web.Infrastructure;
using Trading.Web.Tests.Infrastructure;
using UglyToad.PdfPig;

namespace Trading.Web.Tests;

/// <summary>Sealed bids in and the three-key opening, through the API and the holders' pages, on real PostgreSQL.</summary>
public class SubmissionTests(PostgresServer pg) : WebTest(pg)
{
    protected override IReadOnlyDictionary<string, string> Settings => Bidding.FastSettings;

    private async Task<(Guid Tender, DateTime Deadline)> ReadyTenderAsync()
    {
        var deadline = App.Clock.GetUtcNow().UtcDateTime.AddDays(25);
        var id = await TestApi.PublishedTenderAsync(await App.ApiAsync("owner1"), deadline);
        await Bidding.JoinAllAsync(App, id);
        return (id, deadline);
    }

    private async Task<HttpClient> BidderAsync(string user, Guid tender)
    {
        var c = await App.ApiAsync(user);
        await Bidding.ObtainDocumentsAsync(c, tender);
        return c;
    }

    private void PassDeadline(DateTime deadline) => App.Clock.Set(new DateTimeOffset(deadline.AddMinutes(1), TimeSpan.Zero));

    [Fact]
    public async Task Three_bids_sealed_uploaded_and_opened_by_the_three_holders_give_the_right_prices_transcript_and_pdf()
    {
        var (id, deadline) = await ReadyTenderAsync();
        decimal[] prices = [1_234_567.89m, 1_100_000m, 999_999.50m];
        for (var i = 0; i < 3; i++)
        {
            var bidder = await BidderAsync($"bidder0{i + 1}", id);
            var r = await Bidding.UploadAsync(bidder, id, await Bidding.SealAsync(bidder, id, prices[i]));
            Assert.True(r.StatusCode == HttpStatusCode.OK, await r.Content.ReadAsStringAsync());
        }
        // Before the deadline nobody, not even the holders, can open.
        var early = await OpeningOfficer.GiveAsync(App, "supervisor", id);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, early.StatusCode);
        Assert.Contains("前不得开标", await OpeningOfficer.TitleAsync(early), StringComparison.Ordinal); // holders prefer zh-CN
        Assert.All(App.WithDb(db => db.Set<KeyHolder>().Where(h => db.Set<Trading.Domain.Bidding.KeyCeremony>().Any(c => c.Id == h.KeyCeremonyId && c.TenderId == id)).ToList()),
            h => Assert.Null(h.PartialsJson));

        PassDeadline(deadline);
        await App.RunDeadlineJobAsync();
        var frozen = App.WithDb(db => db.LogEntries.Single(e => e.TenderId == id && e.Type == "bids.frozen"));
        Assert.Contains("\"count\":3", frozen.Payload, StringComparison.Ordinal);
        Assert.All(App.WithDb(db => db.Set<Bid>().Where(b => b.TenderId == id && b.Status == BidStatus.Valid).Select(b => b.EphemeralPoint).ToList()),
            r => Assert.Contains($"\"r\":\"{Convert.ToHexStringLower(r)}\"", frozen.Payload, StringComparison.Ordinal));

        // One holder alone opens nothing.
        Assert.Equal(HttpStatusCode.OK, (await OpeningOfficer.GiveAsync(App, "supervisor", id)).StatusCode);
        var supervisorApi = await App.ApiAsync("supervisor");
        Assert.Null((await (await supervisorApi.GetAsync($"/api/tenders/{id}/opening")).Json()).GetProperty("openedAt").GetString());
        Assert.Equal(HttpStatusCode.OK, (await OpeningOfficer.GiveAsync(App, "centre", id)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await OpeningOfficer.GiveAsync(App, "owner1", id)).StatusCode);

        var record = await (await supervisorApi.GetAsync($"/api/tenders/{id}/opening")).Json();
        var rows = record.GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal(3, rows.Count);
        Assert.Equal(prices.Select(p => (long)(p * 100)).Order(), rows.Select(r => r.GetProperty("priceFen").GetInt64()).Order());
        Assert.All(rows, r => Assert.Equal("Opened", r.GetProperty("status").GetString()));

        // The transcript verifies from its own content: every proof, coefficient and combination.
        var transcript = await (await supervisorApi.GetAsync($"/api/tenders/{id}/opening/transcript")).Content.ReadAsStringAsync();
        var report = OpeningVerifier.Verify(CryptoJson.Deserialize<OpeningTranscript>(transcript));
        Assert.True(report.Valid, string.Join("; ", report.Bids.SelectMany(b => b.Problems)));
        Assert.Equal(3, report.Bids.Count);

        // A bidder of the tender sees the record (as at a live opening) and prints it.
        var bidderPage = await Browser.SignInAsync(App, "bidder02");
        var pdf = await bidderPage.GetByteArrayAsync($"/Submission/Opening/{id}?handler=Pdf");
        using var doc = PdfDocument.Open(pdf);
        var text = string.Concat(doc.GetPages().Select(p => p.Text));
        Assert.Contains("开标记录", text, StringComparison.Ordinal);
        Assert.Contains("1,234,567.89", text, StringComparison.Ordinal);
        var flat = text.Replace(" ", "", StringComparison.Ordinal);
        Assert.Contains("第1页/共", flat, StringComparison.Ordinal);
        // The price in capitals beside the figure, and rows for the host's, the supervisor's and each bidder's signature.
        Assert.Contains("人民币壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分", flat, StringComparison.Ordinal);
        Assert.Contains("开标主持人", flat, StringComparison.Ordinal);
        Assert.Contains("监督人", flat, StringComparison.Ordinal);

        // A bidder that did not bid cannot see it; the public log has the opening.
        var outsider = await App.ApiAsync("bidder05");
        Assert.Equal(HttpStatusCode.Forbidden, (await outsider.GetAsync($"/api/tenders/{id}/opening")).StatusCode);
        Assert.Single(App.WithDb(db => db.LogEntries.Where(e => e.TenderId == id && e.Type == "opening.completed").ToList()));
    }

    [Fact]
    public async Task Late_unpublished_foreign_replayed_wrong_key_and_corrupt_uploads_are_refused_and_nothing_is_kept()
    {
        var (id, deadline) = await ReadyTenderAsync();
        var bidder = await BidderAsync("bidder01", id);
        var good = await Bidding.SealAsync(bidder, id, 1_000_000m);

        // Sealed to another key: the header names a different joint key.
        using var other = System.Security.Cryptography.ECDiffieHellman.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var q = other.ExportParameters(false).Q;
        var wrongKey = await Bidding.SealAsync(bidder, id, 1_000_000m, jointKeyHex: Convert.ToHexString([0x04, .. q.X!, .. q.Y!]));
        await (await Bidding.UploadAsync(bidder, id, wrongKey)).AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.Bid.EnvelopeRefused");

        // Sealed with suite 2 (SM2/SM3/SM4-GCM) to an SM2 key at a P-256 tender: refused, naming both suites.
        var sm2Ceremony = new CeremonyParameters("sm2 ceremony", 2, 2, CryptoSuites.Sm2);
        var sm2Key = CeremonyVerifier.ComputeJointKey(sm2Ceremony, [HolderDealer.Create(sm2Ceremony, 1).Commitment, HolderDealer.Create(sm2Ceremony, 2).Commitment]);
        var sealing = await (await bidder.GetAsync($"/api/tenders/{id}/sealing")).Json();
        var sm2Context = new BidContext(sealing.GetProperty("tender").GetString()!, sealing.GetProperty("lots")[0].GetProperty("lotContext").GetString()!, sealing.GetProperty("bidder").GetString()!);
        using (var sm2Output = new MemoryStream())
        {
            var sm2Result = await Envelope.SealAsync(new MemoryStream(Bidding.BidZip(1_000_000m, 180, "张伟")), sm2Output, sm2Key, sm2Context);
            var sm2Bid = new Bidding.Sealed(sm2Output.ToArray(), CryptoJson.Serialize(ManifestSigning.Sign(sm2Result.ToManifest(), Sm2SigningKey.Create())), good.LotId);
            var refusal = await (await Bidding.UploadAsync(bidder, id, sm2Bid)).AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.Bid.EnvelopeRefused");
            Assert.Contains(CryptoSuites.Sm2, refusal, StringComparison.Ordinal);
            Assert.Contains(CryptoSuites.P256, refusal, StringComparison.Ordinal);
        }

        // Truncated: the last bytes never arrive; a corrupt envelope (one flipped header byte) is refused whole.
        var truncated = good with { Envelope = good.Envelope[..^10] };
        await (await Bidding.UploadAsync(bidder, id, truncated)).AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.Bid.EnvelopeRefused");
        var corrupt = good.Envelope.ToArray();
        corrupt[10] ^= 0xff;
        await (await Bidding.UploadAsync(bidder, id, good with { Envelope = corrupt })).AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.Bid.EnvelopeRefused");
        Assert.Empty(App.WithDb(db => db.Set<Bid>().Where(b => b.TenderId == id).ToList()));

        // The good one is accepted.
        var start = await bidder.PostAsJsonAsync($"/api/tenders/{id}/bids/uploads", new { lotId = good.LotId, length = good.Envelope.LongLength });
        var uid = (await start.Json()).GetProperty("uploadId").GetGuid();
        // A chunk at the wrong offset is refused with the server's count, so the client can resume.
        await (await bidder.PutAsync($"/api/bids/uploads/{uid}?offset=5", new ByteArrayContent(good.Envelope[5..10]))).AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.Bid.UploadOffset");
        Assert.True((await bidder.PutAsync($"/api/bids/uploads/{uid}?offset=0", new ByteArrayContent(good.Envelope))).IsSuccessStatusCode);
        var accepted = await Bidding.CompleteAsync(bidder, uid, good.SignedManifestJson);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        // A replay of the completion is idempotent: the same bid, nothing stored twice (counted at the end).
        var replay = await Bidding.CompleteAsync(bidder, uid, good.SignedManifestJson);
        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        Assert.Equal((await accepted.Json()).GetProperty("id").GetGuid(), (await replay.Json()).GetProperty("id").GetGuid());

        // Another firm can neither see nor continue this firm's upload.
        var intruder = await BidderAsync("bidder02", id);
        await (await intruder.GetAsync($"/api/bids/uploads/{uid}")).AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.Bid.UploadUnknown");
        Assert.Empty((await (await intruder.GetAsync($"/api/tenders/{id}/bids/mine")).Json()).EnumerateArray());

        // A firm that has not obtained the documents cannot bid; a suspended firm is told why.
        var noDocs = await App.ApiAsync("bidder03");
        await (await Bidding.UploadAsync(noDocs, id, await Bidding.SealAsync(noDocs, id, 1m))).AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.Bid.DocumentsNotObtained");
        var suspended = await App.ApiAsync("bidder12");
        await (await suspended.PostAsJsonAsync($"/api/tenders/{id}/bids/uploads", new { lotId = good.LotId, length = 100 })).AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.Firm.Suspended");

        // Oversized: refused before a byte is stored.
        await (await bidder.PostAsJsonAsync($"/api/tenders/{id}/bids/uploads", new { lotId = good.LotId, length = long.MaxValue })).AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.Bid.UploadTooLarge");

        // One second late: refused on the server clock, even for an upload that started in time.
        var late = await bidder.PostAsJsonAsync($"/api/tenders/{id}/bids/uploads", new { lotId = good.LotId, length = good.Envelope.LongLength });
        var lateId = (await late.Json()).GetProperty("uploadId").GetGuid();
        App.Clock.Set(new DateTimeOffset(deadline.AddSeconds(1), TimeSpan.Zero));
        await (await bidder.PutAsync($"/api/bids/uploads/{lateId}?offset=0", new ByteArrayContent(good.Envelope))).AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.Lifecycle.DeadlinePassed");
        await (await bidder.PostAsJsonAsync($"/api/tenders/{id}/bids/uploads", new { lotId = good.LotId, length = 10 })).AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.Lifecycle.DeadlinePassed");

        // Exactly one valid bid remains, intact.
        var bids = App.WithDb(db => db.Set<Bid>().Where(b => b.TenderId == id).ToList());
        var kept = Assert.Single(bids);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(good.Envelope)), kept.EnvelopeSha256);
    }

    [Fact]
    public async Task A_bid_is_hashed_as_its_chunks_arrive_a_duplicate_chunk_never_changes_what_was_counted_and_an_unhashed_upload_is_read_in_full()
    {
        var (id, _) = await ReadyTenderAsync();
        var bidder = await BidderAsync("bidder01", id);
        var digests = App.Services.GetRequiredService<Trading.Web.Features.Submission.UploadDigests>();
        string Sha(byte[] b) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(b));
        async Task<Guid> StartAsync(Bidding.Sealed bid) =>
            (await (await bidder.PostAsJsonAsync($"/api/tenders/{id}/bids/uploads", new { lotId = bid.LotId, length = bid.Envelope.LongLength })).Json()).GetProperty("uploadId").GetGuid();
        async Task PutAllAsync(Guid uid, byte[] envelope, int from = 0)
        {
            for (var offset = from; offset < envelope.Length; offset += 100)
                Assert.True((await bidder.PutAsync($"/api/bids/uploads/{uid}?offset={offset}", new ByteArrayContent(envelope, offset, Math.Min(100, envelope.Length - offset)))).IsSuccessStatusCode);
        }

        // In chunks of 100 bytes: the running hash is the envelope's, and completion takes it (then forgets it).
        var first = await Bidding.SealAsync(bidder, id, 1_000_000m);
        var uid = await StartAsync(first);
        await PutAllAsync(uid, first.Envelope);
        Assert.Equal(Sha(first.Envelope), Convert.ToHexStringLower(digests.HashOf(uid, first.Envelope.Length)!));
        var accepted = await (await Bidding.CompleteAsync(bidder, uid, first.SignedManifestJson)).Json();
        Assert.Equal(Sha(first.Envelope), accepted.GetProperty("envelopeSha256").GetString());
        Assert.Null(digests.HashOf(uid, first.Envelope.Length));

        // Two copies of the same first chunk at once, one of them altered: exactly one is counted, the file holds it, and
        // the running hash is of what the file holds.
        var second = await Bidding.SealAsync(bidder, id, 2_000_000m);
        uid = await StartAsync(second);
        var altered = second.Envelope[..100];
        altered[50] ^= 0xff;
        var racing = await Task.WhenAll(
            bidder.PutAsync($"/api/bids/uploads/{uid}?offset=0", new ByteArrayContent(second.Envelope, 0, 100)),
            bidder.PutAsync($"/api/bids/uploads/{uid}?offset=0", new ByteArrayContent(altered)));
        Assert.Single(racing, r => r.IsSuccessStatusCode);
        await racing.Single(r => !r.IsSuccessStatusCode).AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.Bid.UploadOffset");
        var path = App.WithDb(db => db.Set<BidUpload>().Single(u => u.Id == uid).TempPath);
        var onDisk = await File.ReadAllBytesAsync(path, TestContext.Current.CancellationToken);
        Assert.Equal(100, onDisk.Length);
        Assert.Equal(Sha(onDisk), Convert.ToHexStringLower(digests.HashOf(uid, 100)!));
        if (racing[1].IsSuccessStatusCode)
        {
            // The altered chunk won: the bidder resends the right bytes from the start, as a client that lost its answer does.
            uid = await StartAsync(second);
            await PutAllAsync(uid, second.Envelope);
        }
        else
        {
            await PutAllAsync(uid, second.Envelope, 100);
        }

        // An upload this node did not hash (its chunks went to another node, or the node restarted) is read in full.
        digests.Forget(uid);
        var read = await (await Bidding.CompleteAsync(bidder, uid, second.SignedManifestJson)).Json();
        Assert.Equal(Sha(second.Envelope), read.GetProperty("envelopeSha256").GetString());
        var kept = App.WithDb(db => db.Set<Bid>().Single(b => b.Id == read.GetProperty("id").GetGuid()));
        Assert.Equal(Sha(second.Envelope), kept.EnvelopeSha256);
        Assert.Null(digests.HashOf(uid, second.Envelope.Length));
    }

    [Fact]
    public async Task A_new_submission_supersedes_the_old_and_a_withdrawal_before_the_deadline_counts()
    {
        var (id, _) = await ReadyTenderAsync();
        var bidder = await BidderAsync("bidder01", id);
        var first = await (await Bidding.UploadAsync(bidder, id, await Bidding.SealAsync(bidder, id, 1m))).Json();
        var second = await (await Bidding.UploadAsync(bidder, id, await Bidding.SealAsync(bidder, id, 2m))).Json();
        var mine = (await (await bidder.GetAsync($"/api/tenders/{id}/bids/mine")).Json()).EnumerateArray().ToDictionary(b => b.GetProperty("id").GetGuid(), b => b.GetProperty("status").GetString());
        Assert.Equal("Superseded", mine[first.GetProperty("id").GetGuid()]);
        Assert.Equal("Valid", mine[second.GetProperty("id").GetGuid()]);
        Assert.Equal(HttpStatusCode.OK, (await bidder.PostAsync($"/api/bids/{second.GetProperty("id").GetGuid()}/withdraw", null)).StatusCode);
        await (await bidder.PostAsync($"/api/bids/{second.GetProperty("id").GetGuid()}/withdraw", null)).AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.Bid.AlreadyWithdrawn");
        // Another firm cannot withdraw it: for them it does not exist.
        var other = await App.ApiAsync("bidder02");
        Assert.Equal(HttpStatusCode.NotFound, (await other.PostAsync($"/api/bids/{first.GetProperty("id").GetGuid()}/withdraw", null)).StatusCode);
        // Logged sealed until the deadline: the server holds the three openings; the public log names neither tender nor bid.
        Assert.Equal(3, App.WithDb(db => db.SealedLogActs.Count(a => a.TenderId == id
            && (a.Entry!.Contains("\"type\":\"bid.submitted\"") || a.Entry!.Contains("\"type\":\"bid.withdrawn\"")))));
        Assert.Equal(0, App.WithDb(db => db.LogEntries.Count(e => e.TenderId == id && (e.Type == "bid.submitted" || e.Type == "bid.withdrawn"))));
    }

    [Fact]
    public async Task A_firm_holds_at_most_two_unfinished_uploads_per_lot_and_an_idle_one_makes_room()
    {
        var (id, _) = await ReadyTenderAsync();
        var bidder = await BidderAsync("bidder01", id);
        var lot = (await Bidding.SealAsync(bidder, id, 1m)).LotId;
        async Task<HttpResponseMessage> StartAsync() => await bidder.PostAsJsonAsync($"/api/tenders/{id}/bids/uploads", new { lotId = lot, length = 200L * 1024 * 1024 });
        var first = (await (await StartAsync()).Json()).GetProperty("uploadId").GetGuid();
        App.Clock.Set(App.Clock.GetUtcNow().AddMinutes(5));
        Assert.Equal(HttpStatusCode.Created, (await StartAsync()).StatusCode);
        // Both are recent: a third is refused, and nothing is reserved for it.
        await (await StartAsync()).AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.Bid.UploadQuota");
        Assert.Equal(2, App.WithDb(db => db.Set<BidUpload>().Count(u => u.TenderId == id && u.CompletedAt == null)));
        var firstPath = App.WithDb(db => db.Set<BidUpload>().Single(u => u.Id == first).TempPath);
        Assert.True(File.Exists(firstPath));

        // Once the first has been idle for ten minutes, a new start replaces it (row and temp file).
        App.Clock.Set(App.Clock.GetUtcNow().AddMinutes(6));
        Assert.Equal(HttpStatusCode.Created, (await StartAsync()).StatusCode);
        Assert.False(App.WithDb(db => db.Set<BidUpload>().Any(u => u.Id == first)));
        Assert.False(File.Exists(firstPath));
        Assert.Equal(2, App.WithDb(db => db.Set<BidUpload>().Count(u => u.TenderId == id && u.CompletedAt == null)));
    }

    [Fact]
    public async Task Six_completions_of_one_upload_at_once_give_one_bid_and_no_server_error_and_a_repeat_gets_the_same_receipt()
    {
        var (id, _) = await ReadyTenderAsync();
        var bidder = await BidderAsync("bidder01", id);
        var bid = await Bidding.SealAsync(bidder, id, 3_300_000m);
        var start = await bidder.PostAsJsonAsync($"/api/tenders/{id}/bids/uploads", new { lotId = bid.LotId, length = bid.Envelope.LongLength });
        var uid = (await start.Json()).GetProperty("uploadId").GetGuid();
        Assert.True((await bidder.PutAsync($"/api/bids/uploads/{uid}?offset=0", new ByteArrayContent(bid.Envelope))).IsSuccessStatusCode);

        var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Bidding.CompleteAsync(bidder, uid, bid.SignedManifestJson)));
        var texts = await Task.WhenAll(answers.Select(a => a.Content.ReadAsStringAsync()));
        Assert.All(answers.Zip(texts), a => Assert.True(a.First.StatusCode is HttpStatusCode.OK or HttpStatusCode.UnprocessableEntity, $"{a.First.StatusCode}: {a.Second}"));
        Assert.Contains(answers, a => a.StatusCode == HttpStatusCode.OK);
        Assert.All(answers.Zip(texts).Where(a => a.First.StatusCode != HttpStatusCode.OK), a => Assert.Contains("Rule.Bid.UploadCompleting", a.Second, StringComparison.Ordinal));
        var bids = App.WithDb(db => db.Set<Bid>().Where(b => b.TenderId == id).ToList());
        var stored = Assert.Single(bids);
        Assert.Equal(BidStatus.Valid, stored.Status);

        // Asked again afterwards (a lost answer): the same bid and receipt, nothing new stored or logged.
        var sealedActs = App.WithDb(db => db.SealedLogActs.Count(a => a.TenderId == id));
        var again = await Bidding.CompleteAsync(bidder, uid, bid.SignedManifestJson);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(stored.Id, (await again.Json()).GetProperty("id").GetGuid());
        Assert.Single(App.WithDb(db => db.Set<Bid>().Where(b => b.TenderId == id).ToList()));
        Assert.Equal(sealedActs, App.WithDb(db => db.SealedLogActs.Count(a => a.TenderId == id)));
        // Another manifest for the completed upload is not its completion.
        var other = await Bidding.SealAsync(bidder, id, 3_400_000m);
        await (await Bidding.CompleteAsync(bidder, uid, other.SignedManifestJson)).AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.Bid.UploadUnknown");
    }

    [Fact]
    public async Task Completions_store_their_bids_while_the_logs_lock_is_held_elsewhere_and_all_get_receipts_once_it_frees()
    {
        var (id, _) = await ReadyTenderAsync();
        var uploads = new List<(HttpClient Bidder, Guid Upload, string Manifest)>();
        for (var i = 1; i <= 6; i++)
        {
            var bidder = await BidderAsync($"bidder{i:D2}", id);
            var bid = await Bidding.SealAsync(bidder, id, 3_000_000m + i);
            var start = await bidder.PostAsJsonAsync($"/api/tenders/{id}/bids/uploads", new { lotId = bid.LotId, length = bid.Envelope.LongLength });
            var uid = (await start.Json()).GetProperty("uploadId").GetGuid();
            Assert.True((await bidder.PutAsync($"/api/bids/uploads/{uid}?offset=0", new ByteArrayContent(bid.Envelope))).IsSuccessStatusCode);
            uploads.Add((bidder, uid, bid.SignedManifestJson));
        }

        // Another node holds the log's writer lock (an act mid-commit) while six bids complete at once.
        var connection = App.WithDb(db => db.Database.GetConnectionString())!;
        await using var other = new NpgsqlConnection(connection);
        await other.OpenAsync();
        var tx = await other.BeginTransactionAsync();
        await using (var take = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({PublicLogWriter.AdvisoryLockId})", other, tx))
            await take.ExecuteNonQueryAsync();
        var completions = uploads.Select(u => Bidding.CompleteAsync(u.Bidder, u.Upload, u.Manifest)).ToList();

        // They do not wait for the lock: each commits its bid with its entry queued; only the sequencer waits in PostgreSQL.
        await using var watch = new NpgsqlConnection(connection);
        await watch.OpenAsync();
        async Task<long> WaitingForTheLock()
        {
            await using var q = new NpgsqlCommand(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND wait_event = 'advisory'", watch);
            return (long)(await q.ExecuteScalarAsync())!;
        }
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (await WaitingForTheLock() == 0 && DateTime.UtcNow < deadline) await Task.Delay(50);
        Assert.Equal(1, await WaitingForTheLock());
        // Time for the completions to reach the lock if they were going to (their checks before it take milliseconds).
        await Task.Delay(2000);
        Assert.Equal(1, await WaitingForTheLock());
        var stored = App.WithDb(db => db.Set<Bid>().Where(b => b.TenderId == id).Select(b => b.LogTicket).ToList());
        Assert.Equal(6, stored.Count);
        Assert.Equal(6, App.WithDb(db => db.PendingLogEntries.Count(p => stored.Contains(p.Ticket))));
        // The receipts need the entries' indexes, which wait for the lock.
        Assert.All(completions, c => Assert.False(c.IsCompleted));

        await tx.RollbackAsync();
        var answers = await Task.WhenAll(completions);
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        var bids = App.WithDb(db => db.Set<Bid>().Where(b => b.TenderId == id).ToList());
        Assert.Equal(6, bids.Count);
        Assert.Equal(6, bids.Select(b => b.LogIndex).Distinct().Count());
        Assert.All(bids, b => Assert.NotNull(b.ReceiptJson));
        // Each bid's index is its queued entry's, a sealed act whose opening the reveal will publish.
        Assert.All(bids, b => Assert.Equal(b.LogTicket, App.WithDb(db => db.LogEntries.Single(e => e.Index == b.LogIndex).Ticket)));
        Assert.All(bids, b => Assert.Contains($"\"bid\":\"{b.Id}\"", App.WithDb(db => db.SealedLogActs.Single(a => a.LogIndex == b.LogIndex).Entry)));
    }

    [Fact]
    public async Task Fewer_than_three_bids_at_the_deadline_fail_the_tender_citing_the_rule_and_nothing_opens()
    {
        var (id, deadline) = await ReadyTenderAsync();
        for (var i = 1; i <= 2; i++)
        {
            var b = await BidderAsync($"bidder0{i}", id);
            Assert.Equal(HttpStatusCode.OK, (await Bidding.UploadAsync(b, id, await Bidding.SealAsync(b, id, 10m * i))).StatusCode);
        }
        PassDeadline(deadline);
        await App.RunDeadlineJobAsync();
        var t = App.WithDb(db => db.Tenders.Single(x => x.Id == id));
        Assert.True(t.Failed);
        Assert.StartsWith("Rule.Tender.NotEnoughBids|2|3", t.FailedReason, StringComparison.Ordinal);
        var r = await OpeningOfficer.GiveAsync(App, "supervisor", id);
        Assert.Contains("本项目已流标：有效投标仅 2 个", await OpeningOfficer.TitleAsync(r), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Only_officers_of_the_three_holders_enrol_each_once_and_bidders_cannot_seal_before_the_ceremony_completes()
    {
        var deadline = App.Clock.GetUtcNow().UtcDateTime.AddDays(25);
        var id = await TestApi.PublishedTenderAsync(await App.ApiAsync("owner1"), deadline);
        // Owner 2 is not the owner of this tender; a bidder and an agent are nobody's key holder: no room, no enrolment.
        foreach (var user in new[] { "owner2", "bidder01", "agent" })
        {
            var c = await Browser.SignInAsync(App, user);
            Assert.Equal(HttpStatusCode.Forbidden, (await c.GetAsync($"/Submission/Ceremony/{id}")).StatusCode);
            var stranger = await Officers.ClientAsync(App, user);
            var r = await stranger.PostTransportKeyAsync(id, Convert.ToHexStringLower(stranger.Point), "{}");
            await r.AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.Bid.NotKeyHolder");
        }
        // A POST with the page's cookie but without its anti-forgery token is refused.
        var browser = await Browser.SignInAsync(App, "supervisor");
        var forged = await browser.PostAsync($"/api/tenders/{id}/ceremony/dealing", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));
        await forged.AssertRefused(HttpStatusCode.Forbidden, "Rule.Custody.FormTokenInvalid");
        // The demo enrolled the supervision office's officer already: a second transport key for the same person is refused.
        var again = await Officers.ClientAsync(App, "supervisor");
        await (await again.EnrolAsync(id)).AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.Custody.AlreadyOfficer");
        await Officers.CreateUserLikeAsync(App, "supervisor", "supervisor2");
        var first = await Officers.ClientAsync(App, "supervisor2");
        Assert.Equal(HttpStatusCode.Created, (await first.EnrolAsync(id)).StatusCode);
        // Bidders cannot seal before the ceremony completes.
        var bidder = await BidderAsync("bidder01", id);
        var lot = (await (await bidder.GetAsync($"/api/tenders/{id}/sealing")).Json()).GetProperty("lots")[0].GetProperty("id").GetGuid();
        await (await bidder.PostAsJsonAsync($"/api/tenders/{id}/bids/uploads", new { lotId = lot, length = 10 })).AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.Bid.CeremonyNotComplete");
        // The log holds the officer's transport key, never its passphrase.
        var added = App.WithDb(db => db.LogEntries.Single(e => e.TenderId == id && e.Type == "custody.officer.enrolled"));
        Assert.Contains(Convert.ToHexStringLower(first.Point), added.Payload, StringComparison.Ordinal);
        Assert.DoesNotContain(first.Passphrase, added.Payload, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tender_not_yet_published_takes_no_bids_and_does_not_exist_for_bidders()
    {
        var owner = await App.ApiAsync("owner1");
        var created = await owner.PostAsJsonAsync("/api/tenders", TestApi.TenderBody(App.Clock.GetUtcNow().UtcDateTime.AddDays(25)));
        var id = (await created.Json()).GetProperty("id").GetGuid();
        var bidder = await App.ApiAsync("bidder01");
        Assert.Equal(HttpStatusCode.NotFound, (await bidder.GetAsync($"/api/tenders/{id}/sealing")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await bidder.PostAsJsonAsync($"/api/tenders/{id}/bids/uploads", new { lotId = Guid.NewGuid(), length = 10 })).StatusCode);
        Assert.Empty(App.WithDb(db => db.Set<BidUpload>().Where(u => u.TenderId == id).ToList()));
    }

    [Fact]
    public async Task Two_holders_giving_the_last_shares_at_the_same_moment_open_the_bids_once()
    {
        var (id, deadline) = await ReadyTenderAsync();
        for (var i = 1; i <= 3; i++)
        {
            var b = await BidderAsync($"bidder0{i}", id);
            Assert.Equal(HttpStatusCode.OK, (await Bidding.UploadAsync(b, id, await Bidding.SealAsync(b, id, 100m * i))).StatusCode);
        }
        PassDeadline(deadline);
        await App.RunDeadlineJobAsync();
        Assert.Equal(HttpStatusCode.OK, (await OpeningOfficer.GiveAsync(App, "supervisor", id)).StatusCode);

        // Both officers make their partials first, then post at the same moment.
        var made = await Task.WhenAll(OpeningOfficer.MakeAsync(App, "centre", id), OpeningOfficer.MakeAsync(App, "owner1", id));
        var race = await Task.WhenAll(made.Select(m => OpeningOfficer.PostAsync(m.Client, id, CryptoJson.Serialize(m.Partials))));
        // Either both get through one after the other, or the loser is told someone else acted a moment ago and tries again.
        foreach (var (r, user) in race.Zip(Bidding.Holders[1..]))
        {
            if (r.StatusCode != HttpStatusCode.OK)
                Assert.Equal(HttpStatusCode.OK, (await OpeningOfficer.GiveAsync(App, user, id)).StatusCode);
        }
        Assert.Single(App.WithDb(db => db.LogEntries.Where(e => e.TenderId == id && e.Type == "opening.completed").ToList()));
        Assert.Equal(3, App.WithDb(db => db.Set<Bid>().Count(b => b.TenderId == id && b.OpeningStatus == BidOpeningStatus.Opened)));
        // Once opened, nobody can give shares again.
        var again = await OpeningOfficer.GiveAsync(App, "supervisor", id);
        Assert.NotEqual(HttpStatusCode.OK, again.StatusCode);
    }
}

public class SubmissionTwoFactorTests(PostgresServer pg) : WebTest(pg)
{
    [Fact]
    public async Task A_key_holder_signed_in_without_two_factor_is_refused_by_rule()
    {
        var id = await TestApi.PublishedTenderAsync(await App.ApiAsync("owner1"), App.Clock.GetUtcNow().UtcDateTime.AddDays(25));
        var officer = await Officers.ClientAsync(App, "supervisor");
        var r = await officer.PostTransportKeyAsync(id, Convert.ToHexStringLower(officer.Point), "{}");
        await r.AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.Bid.TwoFactorRequired");
        // The room tells the officer why, in its language.
        var page = await (await Browser.SignInAsync(App, "supervisor")).GetStringAsync($"/Submission/Ceremony/{id}");
        Assert.Contains("双因素认证", page, StringComparison.Ordinal); // the officer prefers zh-CN
        Assert.Empty(App.WithDb(db => db.LogEntries.Where(e => e.TenderId == id && e.Type.StartsWith("custody.")).ToList()));
    }
}
