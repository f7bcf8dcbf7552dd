using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Trading.Data;
using Trading.Domain;
using Trading.PublicLog;
using Trading.Web.Tests.Infrastructure;

namespace Trading.Web.Tests.Log;

using Trading.Web.Features.Log;
using Trading.Web.Infrastructure;
using Trading.Data.Log;

/// <summary>
/// Bid receipts as the submission code will issue them: in the submission's transaction, right after the
/// bid.submitted entry is appended. Each receipt is then checked the way a bidder would, by the real `trading`
/// tool in its own process with nothing but the receipt file and the centre's root certificate.
/// </summary>
public class ReceiptTests(PostgresServer pg) : WebTest(pg)
{
    private Guid Org(string user) => App.WithDb(db => db.Users.Single(u => u.UserName == user).OrganisationId);
    private Guid AnyTender() => App.WithDb(db => db.Tenders.OrderBy(t => t.Code).First().Id);

    /// <summary>What the submission code does: append the bid.submitted entry and issue the receipt in one transaction.</summary>
    private async Task<(long Index, string Json)> SubmitAsync(Guid org, Guid tender, bool commit = true, int ciphertextLength = 123_456)
    {
        await using var scope = App.Services.CreateAsyncScope();
        var sp = scope.ServiceProvider;
        var db = sp.GetRequiredService<TradingDbContext>();
        var log = sp.GetRequiredService<PublicLogWriter>();
        await using var tx = await db.Database.BeginTransactionAsync();
        await log.LockAsync();
        var entry = await log.AppendAsync(LogEntryTypes.BidSubmitted, tender, new
        {
            lot = "L-1", bidder = log.Pseudonym("firm", org.ToString()),
            ciphertextSha256 = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)), ciphertextLength = (long)ciphertextLength,
        });
        var json = await sp.GetRequiredService<ReceiptIssuer>().IssueAsync(new ReceiptRequest(entry.Index, org), default);
        await db.SaveChangesAsync();
        if (commit) await tx.CommitAsync();
        return (entry.Index, json);
    }

    private async Task<string> RootFileAsync(string dir)
    {
        var pem = await App.Anonymous().GetStringAsync("/api/log/certificates/root-ca.crt");
        var path = Path.Combine(dir, "root-ca.crt");
        await File.WriteAllTextAsync(path, pem);
        return path;
    }

    private static string TempDir()
    {
        var d = Path.Combine(Path.GetTempPath(), "trading-receipt-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(d);
        return d;
    }

    [Fact]
    public async Task A_receipt_issued_in_the_submission_transaction_verifies_offline_with_the_cli_and_tampering_fails()
    {
        var (index, json) = await SubmitAsync(Org("bidder01"), AnyTender());
        var dir = TempDir();
        try
        {
            var root = await RootFileAsync(dir);
            var file = Path.Combine(dir, "receipt.json");
            await File.WriteAllTextAsync(file, json);

            var (code, output) = await CliRunner.RunAsync("verify-receipt", file, "--root", root, "--lang", "en");
            Assert.True(code == 0, output);
            Assert.Contains("Receipt is valid", output, StringComparison.Ordinal);
            Assert.Contains($"log entry {index} included in checkpoint", output, StringComparison.Ordinal);

            // The receipt is canonical JSON with the fields docs/design/CRYPTO.md lists; its checkpoint is the tree as of the bid.
            var r = BidReceipt.Parse(json);
            Assert.Equal(json, r.ToJson());
            Assert.Equal(index, r.LogIndex);
            Assert.Equal(123_456, r.CiphertextLength);
            Assert.Equal(index + 1, Checkpoint.ParseNoteText(SignedNote.Split(r.Checkpoint).Text).Size);
            Assert.NotEmpty(r.TimeStampToken);

            // One changed field, a changed token byte, a foreign root: each is refused by the same tool.
            var o = JsonNode.Parse(json)!.AsObject();
            o["ciphertextLength"] = 123_457;
            await File.WriteAllTextAsync(file, o.ToJsonString());
            (code, output) = await CliRunner.RunAsync("verify-receipt", file, "--root", root, "--lang", "en");
            Assert.True(code == 1, output);

            var token = Convert.FromBase64String(r.TimeStampToken);
            token[^10] ^= 1;
            await File.WriteAllTextAsync(file, (r with { TimeStampToken = Convert.ToBase64String(token) }).ToJson());
            (code, output) = await CliRunner.RunAsync("verify-receipt", file, "--root", root, "--lang", "en");
            Assert.NotEqual(0, code);

            using var other = CentrePki.CreateDevelopment("Another Centre", DateTimeOffset.UtcNow.AddDays(-400));
            var otherRoot = Path.Combine(dir, "other-root.crt");
            await File.WriteAllTextAsync(otherRoot, other.Root.ExportCertificatePem());
            await File.WriteAllTextAsync(file, json);
            (code, output) = await CliRunner.RunAsync("verify-receipt", file, "--root", otherRoot, "--lang", "en");
            Assert.True(code == 1, output);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task A_receipt_stays_valid_as_the_log_grows_and_its_checkpoint_is_consistent_with_later_ones()
    {
        var (index, json) = await SubmitAsync(Org("bidder02"), AnyTender());
        // Later activity by others, and a receipt issued after the commit rather than inside it.
        var later = await SubmitAsync(Org("bidder03"), AnyTender());
        Assert.Equal(index + 1, later.Index);

        var c = App.Anonymous();
        var cp = (await (await c.GetAsync("/api/log/checkpoint")).Json());
        var size = cp.GetProperty("size").GetInt64();
        var receiptCp = Checkpoint.ParseNoteText(SignedNote.Split(BidReceipt.Parse(json).Checkpoint).Text);
        var proof = await (await c.GetAsync($"/api/log/proof/consistency?from={receiptCp.Size}&to={size}")).Json();
        MerkleProof.VerifyConsistency(receiptCp.Size, size, receiptCp.Root, Convert.FromHexString(cp.GetProperty("root").GetString()!),
            MerkleProof.FromBase64(proof.GetProperty("hashes").EnumerateArray().Select(h => h.GetString()!)));

        using var root = X509Certificate2.CreateFromPem(await c.GetStringAsync("/api/log/certificates/root-ca.crt"));
        Assert.Equal(index, BidReceiptVerifier.Verify(json, root).Receipt.LogIndex);
    }

    [Fact]
    public async Task Only_the_owning_firm_and_supervisors_can_fetch_a_receipt()
    {
        var (index, json) = await SubmitAsync(Org("bidder04"), AnyTender());

        var own = await App.ApiAsync("bidder04");
        var r = await own.GetAsync($"/api/log/receipts/{index}");
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Equal(json, await r.Content.ReadAsStringAsync());
        Assert.Equal(json, await (await App.ApiAsync("supervisor")).GetStringAsync($"/api/log/receipts/{index}"));

        foreach (var user in new[] { "bidder05", "owner1", "centre", "admin", "expert01" })
            Assert.Equal(HttpStatusCode.NotFound, (await (await App.ApiAsync(user)).GetAsync($"/api/log/receipts/{index}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await App.Anonymous().GetAsync($"/api/log/receipts/{index}")).StatusCode);

        // Malformed and out-of-range indexes: the route refuses non-numbers, the service knows no such receipt.
        Assert.Equal(HttpStatusCode.NotFound, (await own.GetAsync("/api/log/receipts/abc")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await own.GetAsync("/api/log/receipts/-1")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await own.GetAsync("/api/log/receipts/99999999999999999999")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await own.GetAsync($"/api/log/receipts/{long.MaxValue}")).StatusCode);

        // The printable page and its download, same rules.
        var page = await Browser.SignInAsync(App, "bidder04");
        var html = await page.GetStringAsync($"/Log/Receipt/{index}");
        Assert.Contains($"data-log-index=\"{index}\"", html, StringComparison.Ordinal);
        Assert.Contains("verify-receipt", html, StringComparison.Ordinal);
        var download = await page.GetAsync($"/Log/Receipt/{index}?handler=Download");
        Assert.Equal("application/json", download.Content.Headers.ContentType?.MediaType);
        Assert.Equal(json, await download.Content.ReadAsStringAsync());

        var stranger = await Browser.SignInAsync(App, "bidder05");
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/Log/Receipt/{index}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/Log/Receipt/{index}?handler=Download")).StatusCode);
        var anon = App.Anonymous();
        var redirect = await anon.GetAsync($"/Log/Receipt/{index}");
        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        Assert.Contains("/Account/Login", redirect.Headers.Location!.ToString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await (await Browser.SignInAsync(App, "supervisor")).GetAsync($"/Log/Receipt/{index}")).StatusCode);
    }

    [Fact]
    public async Task Issuing_again_returns_the_same_receipt_and_wrong_entries_are_refused()
    {
        var org = Org("bidder06");
        var (index, json) = await SubmitAsync(org, AnyTender());
        await using var scope = App.Services.CreateAsyncScope();
        var issuer = scope.ServiceProvider.GetRequiredService<ReceiptIssuer>();

        Assert.Equal(json, await issuer.IssueAsync(new ReceiptRequest(index, org), default));
        var e = await Assert.ThrowsAsync<RuleViolationException>(() => issuer.IssueAsync(new ReceiptRequest(index, Org("bidder07")), default));
        Assert.Equal(LogRules.ReceiptOwned, e.Violation.Code);

        var notABid = App.WithDb(db => db.LogEntries.Where(x => x.Type != LogEntryTypes.BidSubmitted).Select(x => x.Index).First());
        e = await Assert.ThrowsAsync<RuleViolationException>(() => issuer.IssueAsync(new ReceiptRequest(notABid, org), default));
        Assert.Equal(LogRules.NotABid, e.Violation.Code);
        foreach (var missing in new[] { -1L, 1_000_000L, long.MaxValue })
        {
            e = await Assert.ThrowsAsync<RuleViolationException>(() => issuer.IssueAsync(new ReceiptRequest(missing, org), default));
            Assert.Equal(LogRules.EntryMissing, e.Violation.Code);
        }
        Assert.Equal(1, App.WithDb(db => db.Set<LogReceipt>().Count(x => x.LogIndex == index)));
    }

    [Theory]
    [InlineData("{\"lot\":1,\"bidder\":\"b\",\"ciphertextSha256\":\"%H\",\"ciphertextLength\":5}", "lot")]
    [InlineData("{\"lot\":\"1\",\"firm\":\"b\",\"envelopeSha256\":\"%H\",\"length\":5}", "bidder")]
    [InlineData("{\"lot\":\"1\",\"bidder\":\"b\",\"ciphertextSha256\":\"%H\"}", "ciphertextLength")]
    [InlineData("{\"lot\":\"1\",\"bidder\":\"b\",\"ciphertextSha256\":\"ABCD\",\"ciphertextLength\":5}", "ciphertextSha256")]
    public async Task A_bid_entry_without_the_fields_a_receipt_repeats_is_refused_before_anything_is_signed(string data, string field)
    {
        await using var scope = App.Services.CreateAsyncScope();
        var sp = scope.ServiceProvider;
        var db = sp.GetRequiredService<TradingDbContext>();
        var log = sp.GetRequiredService<PublicLogWriter>();
        await using var tx = await db.Database.BeginTransactionAsync();
        await log.LockAsync();
        var entry = await log.AppendAsync(LogEntryTypes.BidSubmitted, AnyTender(),
            JsonNode.Parse(data.Replace("%H", new string('a', 64), StringComparison.Ordinal))!);
        var e = await Assert.ThrowsAsync<RuleViolationException>(() => sp.GetRequiredService<ReceiptIssuer>().IssueAsync(new ReceiptRequest(entry.Index, Org("bidder09")), default));
        Assert.Equal(LogRules.EntryNotReceiptable, e.Violation.Code);
        Assert.Contains(field, (string)e.Violation.Args[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_rolled_back_submission_leaves_neither_entry_nor_receipt_and_receipts_cannot_be_altered()
    {
        var before = App.WithDb(db => db.LogEntries.LongCount());
        var (index, _) = await SubmitAsync(Org("bidder08"), AnyTender(), commit: false);
        Assert.Equal(before, index);
        Assert.Equal(before, App.WithDb(db => db.LogEntries.LongCount()));
        Assert.False(App.WithDb(db => db.Set<LogReceipt>().Any(x => x.LogIndex == index)));

        var (kept, _) = await SubmitAsync(Org("bidder08"), AnyTender());
        Assert.Equal(index, kept); // no gap left by the rolled-back one
        var ex = Assert.Throws<Npgsql.PostgresException>(() => App.WithDb(db => db.Database.ExecuteSqlRaw(
            "UPDATE \"LogReceipts\" SET \"Json\" = 'forged' WHERE \"LogIndex\" = {0}", kept)));
        Assert.Contains("append-only", ex.MessageText, StringComparison.Ordinal);
        ex = Assert.Throws<Npgsql.PostgresException>(() => App.WithDb(db => db.Database.ExecuteSqlRaw("DELETE FROM \"LogReceipts\"")));
        Assert.Contains("append-only", ex.MessageText, StringComparison.Ordinal);
    }
}
