using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using Trading.Domain.Bidding;
using Trading.PublicLog;
using Trading.Web.Tests.Infrastructure;

namespace Trading.Web.Tests.Log;

/// <summary>
/// A bid's receipt is issued after the bid and its entry commit, outside the log's writer lock. At a deployment whose
/// time-stamps come from an external TSA (<see cref="ThrowawayTsa"/>, a real RFC 3161 endpoint), a TSA that is down at
/// the deadline no longer costs the bidder the bid: the bid stands, and completing the upload again issues the receipt.
/// </summary>
public class ReceiptAfterCommitTests(PostgresServer pg) : ExternalTsaTest(pg, "PublicLog:TsaTimeoutSeconds")
{
    [Fact]
    public async Task A_bid_completed_while_the_TSA_is_down_stands_and_completing_it_again_issues_a_receipt_under_the_TSA()
    {
        var deadline = App.Clock.GetUtcNow().UtcDateTime.AddDays(25);
        var id = await TestApi.PublishedTenderAsync(await App.ApiAsync("owner1"), deadline);
        await Bidding.JoinAllAsync(App, id);
        var bidder = await App.ApiAsync("bidder01");
        await Bidding.ObtainDocumentsAsync(bidder, id);
        var bid = await Bidding.SealAsync(bidder, id, 3_300_000m);
        var start = await bidder.PostAsJsonAsync($"/api/tenders/{id}/bids/uploads", new { lotId = bid.LotId, length = bid.Envelope.LongLength });
        var uid = (await start.Json()).GetProperty("uploadId").GetGuid();
        Assert.True((await bidder.PutAsync($"/api/bids/uploads/{uid}?offset=0", new ByteArrayContent(bid.Envelope))).IsSuccessStatusCode);

        Tsa.Mode = ThrowawayTsa.Behaviour.Unavailable;
        var first = await Bidding.CompleteAsync(bidder, uid, bid.SignedManifestJson);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var answer = await first.Json();
        var index = answer.GetProperty("logIndex").GetInt64();
        var stored = Assert.Single(App.WithDb(db => db.Set<Bid>().Where(b => b.TenderId == id).ToList()));
        Assert.Equal(BidStatus.Valid, stored.Status);
        Assert.Equal(index, stored.LogIndex);
        Assert.Null(stored.ReceiptJson);
        Assert.Equal(0, App.WithDb(db => db.Set<Trading.Data.Log.LogReceipt>().Count(r => r.LogIndex == index)));
        Assert.Equal(HttpStatusCode.NotFound, (await bidder.GetAsync($"/api/log/receipts/{index}")).StatusCode);

        Tsa.Mode = ThrowawayTsa.Behaviour.Answer;
        var again = await Bidding.CompleteAsync(bidder, uid, bid.SignedManifestJson);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(stored.Id, (await again.Json()).GetProperty("id").GetGuid());
        var json = await bidder.GetStringAsync($"/api/log/receipts/{index}");
        Assert.Equal(json, App.WithDb(db => db.Set<Bid>().Single(b => b.Id == stored.Id).ReceiptJson));
        // The whole receipt checks offline: the tree as of the bid, the centre's signatures, and the external TSA's stamp.
        using var root = X509Certificate2.CreateFromPem(await App.Anonymous().GetStringAsync("/api/log/certificates/root-ca.crt"));
        var verified = BidReceiptVerifier.Verify(json, root, Tsa.Pki.Root).Receipt;
        Assert.Equal(index, verified.LogIndex);
        Assert.Equal(index + 1, Checkpoint.ParseNoteText(SignedNote.Split(verified.Checkpoint).Text).Size);
        // Still one bid and one receipt: the repeat issued what was missing and nothing else.
        Assert.Single(App.WithDb(db => db.Set<Bid>().Where(b => b.TenderId == id).ToList()));
        Assert.Equal(1, App.WithDb(db => db.Set<Trading.Data.Log.LogReceipt>().Count(r => r.LogIndex == index)));
    }
}
