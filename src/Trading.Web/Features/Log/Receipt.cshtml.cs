using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Trading.PublicLog;
using Trading.Data;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Log;

/// <summary>A bid receipt, printable and downloadable as the exact JSON that <c>trading verify-receipt</c> checks.</summary>
public sealed class LogReceiptModel(ReceiptIssuer issuer, TradingDbContext db, CentreKeys keys) : TradingPageModel
{
    public long Index { get; private set; }
    public BidReceipt Receipt { get; private set; } = null!;
    public Checkpoint Checkpoint { get; private set; } = null!;
    public string? TenderCode { get; private set; }
    public string? TenderTitle { get; private set; }
    public string RootFingerprint { get; private set; } = "";
    public DateTimeOffset? StampTime { get; private set; }

    public Task<IActionResult> OnGetAsync(long index, CancellationToken ct) => RunAsync(async () =>
    {
        Index = index;
        var json = await issuer.GetAsync(index, RequireActor(), ct);
        Receipt = BidReceipt.Parse(json);
        Checkpoint = Checkpoint.ParseNoteText(SignedNote.Split(Receipt.Checkpoint).Text);
        if (Guid.TryParse(Receipt.Tender, out var tid))
        {
            var t = await db.Tenders.AsNoTracking().Where(x => x.Id == tid).Select(x => new { x.Code, x.Title }).FirstOrDefaultAsync(ct);
            (TenderCode, TenderTitle) = (t?.Code, t?.Title);
        }
        RootFingerprint = keys.Pki.Root.GetCertHashString(HashAlgorithmName.SHA256);
        // The page shows what the receipt says; the proof of it is the offline check, which also runs here for the reader's comfort.
        StampTime = BidReceiptVerifier.Verify(json, keys.Pki.Root).TimeStamp.Time;
        return Page();
    });

    public Task<IActionResult> OnGetDownloadAsync(long index, CancellationToken ct) => RunAsync(async () =>
    {
        var json = await issuer.GetAsync(index, RequireActor(), ct);
        return File(Encoding.UTF8.GetBytes(json), "application/json", $"receipt-{index}.json");
    });
}
