using Microsoft.AspNetCore.Mvc;
using Trading.Data;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Certificates;

/// <summary>
/// Firm certificates in one page: a bidder makes a signing key in this browser (kept non-extractable in its storage)
/// and asks for a certificate with a two-factor code, renews or revokes it; centre staff approve, refuse and revoke.
/// </summary>
public sealed class CertificatesIndexModel(CertificateService certificates, CertificateAuthority authority, SealStamps stamps,
    Microsoft.Extensions.Options.IOptions<Submission.SubmissionOptions> submission) : TradingPageModel
{
    /// <summary>The deployment's envelope suite: the key this page makes is SM2 for suite 2 (when the centre has an SM2 CA), else P-256.</summary>
    public string KeySuite => authority.KeySuite(submission.Value.Suite);
    public bool HasSm2Ca => authority.Sm2 is not null;

    /// <summary>False where the deployment trusts no other CA: the page then says so instead of offering a form every submission of which is refused.</summary>
    public bool AcceptsRegistrations => authority.AcceptsRegistrations;

    public List<CertificateView> Certificates { get; private set; } = [];
    /// <summary>For the centre and the supervision office: stored records whose seal waited (or waits) for the external TSA's time-stamp.</summary>
    public List<SealStampView> SealStamps { get; private set; } = [];
    public bool IsFirm => CurrentActor?.IsIn(Roles.Bidder) == true;
    public bool IsCentre => CurrentActor?.IsIn(Roles.CentreStaff) == true;

    [BindProperty] public Guid CertificateId { get; set; }
    [BindProperty] public string? Reason { get; set; }
    [BindProperty] public string? CertificatePem { get; set; }
    [BindProperty] public IFormFile? CertificateFile { get; set; }
    [BindProperty] public string? Code { get; set; }

    public Task<IActionResult> OnGetAsync() => RunAsync(async () => { await LoadAsync(); return Page(); });

    /// <summary>The browser's request (JSON, with the anti-forgery header): the PKCS#10 it built and the two-factor code.</summary>
    public Task<IActionResult> OnPostRequestAsync([FromBody] CertificateRequestInput r) =>
        JsonAsync(async () =>
        {
            var c = await certificates.RequestAsync(RequireActor(), r.RequestPem, r.Code, r.Renews, HttpContext.RequestAborted);
            return new { id = c.Id, keySha256 = c.KeySha256 };
        });

    /// <summary>A certificate from a CA the centre trusts, uploaded as a file (PEM or DER) or pasted as PEM.</summary>
    public Task<IActionResult> OnPostRegisterAsync() =>
        PostAsync(async () =>
        {
            byte[]? bytes = null;
            if (CertificateFile is { Length: > 0 and <= 64 * 1024 } file)
            {
                using var ms = new MemoryStream();
                await file.CopyToAsync(ms, HttpContext.RequestAborted);
                bytes = ms.ToArray();
            }
            bytes ??= new CertificateRegistrationInput(CertificatePem, Code).Bytes();
            await certificates.RegisterAsync(RequireActor(), bytes, Code, HttpContext.RequestAborted);
        }, "Certificate.Registered", null, LoadAsync);

    public Task<IActionResult> OnPostApproveAsync() =>
        PostAsync(() => certificates.ApproveAsync(RequireActor(), CertificateId, HttpContext.RequestAborted), "Certificate.Approved", null, LoadAsync);

    public Task<IActionResult> OnPostRejectAsync() =>
        PostAsync(() => certificates.RejectAsync(RequireActor(), CertificateId, Reason, HttpContext.RequestAborted), "Certificate.Rejected", null, LoadAsync);

    public Task<IActionResult> OnPostRevokeAsync() =>
        PostAsync(() => certificates.RevokeAsync(RequireActor(), CertificateId, Reason, HttpContext.RequestAborted), "Certificate.RevokedDone", null, LoadAsync);

    public Task<IActionResult> OnGetDownloadAsync(Guid id) => RunAsync(async () =>
    {
        var c = await certificates.GetIssuedAsync(RequireActor(), id, HttpContext.RequestAborted);
        return File(System.Text.Encoding.ASCII.GetBytes(CertificatesModule.PemOf(c)), "application/x-pem-file", $"firm-certificate-{c.SerialNumber![..12]}.crt");
    });

    private async Task LoadAsync()
    {
        var actor = RequireActor();
        Certificates = await certificates.ListAsync(actor, HttpContext.RequestAborted);
        if (actor.IsOversight) SealStamps = await stamps.ListAsync(actor, HttpContext.RequestAborted);
    }
}
