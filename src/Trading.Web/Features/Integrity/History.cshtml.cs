using Microsoft.AspNetCore.Mvc;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Integrity;

/// <summary>The supervision office's page for the centre's past results: what is imported, and an upload for more.</summary>
[RequestSizeLimit(MaxBody)]
[RequestFormLimits(MultipartBodyLengthLimit = MaxBody)]
public sealed class HistoryModel(HistoryImports imports) : TradingPageModel
{
    // The framework refuses a body above this before the page runs; the service's own limit (configurable, 64 MiB by
    // default) gives the worded refusal for anything between.
    private const long MaxBody = 65L * 1024 * 1024;

    public IReadOnlyList<HistoryFile> Files { get; private set; } = [];
    /// <summary>What the last import read, shown once after the redirect.</summary>
    public HistoryFile? Imported { get; private set; }

    [BindProperty] public IFormFile? Upload { get; set; }

    public Task<IActionResult> OnGetAsync(string? imported) => RunAsync(() =>
    {
        Load();
        Imported = imported is null ? null : Files.FirstOrDefault(f => f.Sha256 == imported);
        return Task.FromResult<IActionResult>(Page());
    });

    public Task<IActionResult> OnPostImportAsync(CancellationToken ct) => RunOrReloadAsync(async () =>
    {
        var actor = RequireActor();
        HistoryFile done;
        if (Upload is null) done = await imports.ImportAsync(actor, null, Stream.Null, 0, ct);
        else
        {
            await using var s = Upload.OpenReadStream();
            done = await imports.ImportAsync(actor, Upload.FileName, s, Upload.Length, ct);
        }
        Flash("Integrity.History.Done", done.Lots, done.Bids);
        return RedirectToPage(new { imported = done.Sha256 });
    }, () => { Load(); return Task.CompletedTask; });

    public Task<IActionResult> OnPostRemoveAsync(string sha, CancellationToken ct) => RunOrReloadAsync(async () =>
    {
        await imports.RemoveAsync(RequireActor(), sha ?? "", ct);
        Flash("Integrity.History.Removed");
        return RedirectToPage();
    }, () => { Load(); return Task.CompletedTask; });

    private void Load() => Files = imports.List(RequireActor());
}
