using Microsoft.AspNetCore.Mvc;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Archive;

/// <summary>A tender's archive: whether and when it was archived, how long it is kept, the act and the package download.</summary>
public sealed class ArchiveIndexModel(ArchiveService archive) : TradingPageModel
{
    [BindProperty(SupportsGet = true)] public Guid Id { get; set; }
    public ArchiveStatus? Status { get; private set; }

    public Task<IActionResult> OnGetAsync(CancellationToken ct) => RunAsync(async () => { await LoadAsync(); return Page(); });

    public Task<IActionResult> OnPostArchiveAsync(CancellationToken ct) =>
        PostAsync(() => archive.ArchiveAsync(RequireActor(), Id, ct), "Archive.Done", new { Id }, LoadAsync);

    /// <summary>The package, streamed as it is built; a refusal shows the page with the reason.</summary>
    public Task<IActionResult> OnGetPackageAsync(CancellationToken ct) => RunOrReloadAsync(async () =>
    {
        var (name, write) = await archive.PackageAsync(RequireActor(), Id, ct);
        Response.ContentType = ArchiveModule.TarType;
        Response.Headers.ContentDisposition = new System.Net.Mime.ContentDisposition { FileName = name }.ToString();
        await write(Response.Body, ct);
        return new EmptyResult();
    }, LoadAsync);

    private async Task LoadAsync() => Status = await archive.StatusAsync(RequireActor(), Id, HttpContext.RequestAborted);
}
