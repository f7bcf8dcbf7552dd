using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Mvc;
using Trading.PublicLog;
using Trading.Data.Log;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Log;

/// <summary>
/// The supervision office's witness desk: the latest stored checkpoint, the last one the office cosigned, the
/// server's consistency check between them, and either a cosign button (witness key on this server) or an
/// upload of a cosignature made off the server.
/// </summary>
public sealed class LogWitnessModel(Checkpoints checkpoints, CentreKeys keys, EfLogStore store) : TradingPageModel
{
    public LogCheckpoint? Latest { get; private set; }
    public LogCosignature? LastCosigned { get; private set; }
    /// <summary>Null when there is nothing to compare; otherwise whether the latest extends the last cosigned.</summary>
    public bool? Consistent { get; private set; }
    public string? ConsistencyProblem { get; private set; }
    public bool ServerHoldsKey => keys.WitnessSigner is not null;
    public bool HasWitnessCertificate => keys.WitnessVerifier is not null;

    [BindProperty] public Guid CheckpointId { get; set; }
    [BindProperty, StringLength(8192)] public string? CosignedNote { get; set; }
    /// <summary>The file <c>trading cosign</c> wrote, as an alternative to pasting its text.</summary>
    [BindProperty] public IFormFile? CosignedFile { get; set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        return Page();
    }

    public Task<IActionResult> OnPostCosignAsync(CancellationToken ct) => PostAsync(async () =>
    {
        var w = await checkpoints.CosignLatestAsync(RequireActor(), ct);
        Flash("Log.Witness.Cosigned", w.Size);
    }, ct);

    public Task<IActionResult> OnPostUploadAsync(CancellationToken ct) => PostAsync(async () =>
    {
        if (CosignedFile is { Length: > 0 } file)
        {
            if (!string.IsNullOrWhiteSpace(CosignedNote))
                throw LogModule.Refuse(LogRules.CosignatureInvalid, "give the note or the file, not both");
            if (file.Length > 8192) throw LogModule.Refuse(LogRules.NoteTooLarge, 8192);
            using var reader = new StreamReader(file.OpenReadStream(), new System.Text.UTF8Encoding(false, throwOnInvalidBytes: true));
            try
            {
                CosignedNote = await reader.ReadToEndAsync(ct);
            }
            catch (System.Text.DecoderFallbackException)
            {
                throw LogModule.Refuse(LogRules.CosignatureInvalid, "the file is not UTF-8 text");
            }
        }
        if (!ModelState.IsValid || string.IsNullOrWhiteSpace(CosignedNote))
            throw LogModule.Refuse(LogRules.CosignatureInvalid, "empty or too long");
        var w = await checkpoints.UploadCosignatureAsync(CheckpointId, CosignedNote, RequireActor(), ct);
        Flash("Log.Witness.Cosigned", w.Size);
    }, ct);

    public Task<IActionResult> OnPostCheckpointAsync(CancellationToken ct) => PostAsync(async () =>
    {
        var cp = await checkpoints.CheckpointNowAsync("manual", ct);
        Flash("Log.Witness.CheckpointMade", cp.Size);
    }, ct);

    private async Task<IActionResult> PostAsync(Func<Task> act, CancellationToken ct)
    {
        var result = await RunAsync(async () => { await act(); return RedirectToPage(); });
        // A refusal shows the page again, with its message and the current state.
        if (result is Microsoft.AspNetCore.Mvc.RazorPages.PageResult) await LoadAsync(ct);
        return result;
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Latest = await checkpoints.LatestAsync(ct);
        LastCosigned = await checkpoints.LatestCosignedAsync(ct);
        if (Latest is null || LastCosigned is null || LastCosigned.CheckpointId == Latest.Id) return;
        try
        {
            var proof = LastCosigned.Size == 0 ? [] : await new MerkleLog(store).GetConsistencyProofAsync(LastCosigned.Size, Latest.Size, ct);
            if (LastCosigned.Size > 0)
                MerkleProof.VerifyConsistency(LastCosigned.Size, Latest.Size, LastCosigned.Root, Latest.Root, proof);
            Consistent = true;
        }
        catch (PublicLogException e)
        {
            Consistent = false;
            ConsistencyProblem = e.Localized(System.Globalization.CultureInfo.CurrentUICulture.Name);
        }
    }
}
