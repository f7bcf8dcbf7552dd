using Microsoft.AspNetCore.Mvc;
using Trading.Domain;
using Trading.Domain.Bidding;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Submission;

/// <summary>
/// The bidder's page: the browser zips the opening form and attachments, seals them to the tender's joint key,
/// signs the manifest and uploads the envelope in chunks. The handlers below only ever see ciphertext.
/// </summary>
public sealed class BidModel(BidService bids, Certificates.CertificateService certificates) : TradingPageModel
{
    [FromRoute] public Guid Id { get; set; }

    public SealingDto Sealing { get; private set; } = null!;
    public List<Bid> MyBids { get; private set; } = [];
    public string? CannotBid { get; private set; }
    /// <summary>The firm's certified keys as "keySha256:serial:kind" (kind p256 or sm2), valid ones first (empty: the firm has no certificate).</summary>
    public string CertifiedKeys { get; private set; } = "";

    public Task<IActionResult> OnGetAsync(CancellationToken ct) => RunAsync(async () => { await LoadAsync(ct); return Page(); });

    public Task<IActionResult> OnPostStartAsync([FromBody] StartUploadRequest r, CancellationToken ct) =>
        JsonAsync(async () => { var u = await bids.StartUploadAsync(RequireActor(), Id, r.LotId, r.Length, ct); return new { uploadId = u.Id, received = u.Received }; });

    public Task<IActionResult> OnGetStatusAsync(Guid upload, CancellationToken ct) =>
        JsonAsync(async () => { var u = await bids.GetUploadAsync(RequireActor(), upload, ct); return new { uploadId = u.Id, received = u.Received, expected = u.ExpectedLength }; });

    public Task<IActionResult> OnPostChunkAsync(Guid upload, long offset, CancellationToken ct) =>
        JsonAsync(async () => { var u = await bids.AppendAsync(RequireActor(), upload, offset, Request.Body, ct); return new { received = u.Received }; });

    public Task<IActionResult> OnPostCompleteAsync(Guid upload, [FromBody] CompleteUploadRequest r, CancellationToken ct) =>
        JsonAsync(async () => BidDto.From(await bids.CompleteAsync(RequireActor(), upload, r.SignedManifest.GetRawText(), Request.Headers.UserAgent.ToString(), ct)));

    public Task<IActionResult> OnPostWithdrawAsync(Guid bid, CancellationToken ct) =>
        PostAsync(() => bids.WithdrawAsync(RequireActor(), bid, ct), "Bid.Withdrawn", new { id = Id }, () => LoadAsync(ct));

    private async Task LoadAsync(CancellationToken ct)
    {
        var actor = RequireActor();
        var (t, firm, c) = await bids.PrepareAsync(actor, Id, ct);
        Sealing = SealingDto.From(t, firm, c);
        MyBids = await bids.MyBidsAsync(actor, Id, ct);
        CertifiedKeys = string.Join(' ', (await certificates.ListAsync(actor, ct))
            .Where(c => c.SerialNumber is not null && c.Status is Domain.Certificates.FirmCertificateStatus.Issued or Domain.Certificates.FirmCertificateStatus.Revoked)
            .OrderByDescending(c => c.ValidNow).ThenByDescending(c => c.NotAfter).Select(c => $"{c.KeySha256}:{c.SerialNumber}:{c.KeyKind}"));
        if (await bids.WhyCannotBidAsync(t, firm, c, ct) is { } refusal) CannotBid = T.Explain(refusal);
    }
}
