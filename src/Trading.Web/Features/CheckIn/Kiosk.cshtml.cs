using Microsoft.AspNetCore.Mvc;
using Trading.Domain;
using Trading.Domain.CheckIn;
using Trading.Domain.Experts;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.CheckIn;

/// <summary>
/// The kiosk in one evaluation room: the expert picks their name (or types their number) and faces the camera; the
/// page posts the frame (or an uploaded photo) and shows the decision. Script-driven posts get JSON; without script
/// the same form posts the photo file and the page shows the result.
/// </summary>
[RequestSizeLimit(20 * 1024 * 1024)]
[RequestFormLimits(MultipartBodyLengthLimit = 20 * 1024 * 1024)]
public sealed class CheckInKioskModel(CheckInService checkIn, KioskDeviceService devices) : TradingPageModel
{
    [BindProperty(SupportsGet = true)] public string? Room { get; set; }
    /// <summary>Full-screen kiosk mode: no staff menu, no list of who is expected, nothing about any other expert.</summary>
    [BindProperty(SupportsGet = true)] public bool Kiosk { get; set; }
    public IReadOnlyList<string> Rooms { get; private set; } = [];
    public IReadOnlyList<KioskExpert> Expected { get; private set; } = [];
    public IReadOnlyList<(CheckInAttempt Attempt, PoolExpert Expert, string? OtherName)> Attempts { get; private set; } = [];
    public CheckInAttemptDto? Result { get; private set; }
    public CheckInService Service => checkIn;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        return Page();
    }

    /// <summary>Draws the movement for the next attempt at this kiosk (JSON: id, challenge, the instruction in the user's language).</summary>
    public Task<IActionResult> OnPostChallengeAsync() => JsonAsync(() =>
    {
        var c = checkIn.DrawChallenge(RequireActor(), Room);
        return Task.FromResult<object>(new { id = c.Id, challenge = c.Challenge.ToString(), text = T["CheckIn.Challenge." + c.Challenge] });
    }, StatusCodes.Status200OK);

    /// <summary>The kiosk's browser asks to be registered with its public key (JSON: fingerprint, whether approved).</summary>
    public Task<IActionResult> OnPostDeviceAsync(string? publicKey, CancellationToken ct) => JsonAsync(async () =>
    {
        var d = await devices.RequestAsync(RequireActor(), publicKey, ct);
        return (object)new { fingerprint = d.Fingerprint, approved = d.Active };
    });

    public async Task<IActionResult> OnPostAttemptAsync(string? expert, string? expertNumber, IFormFile? photo, Guid? challengeId, string? device, string? signature, CancellationToken ct)
    {
        var claimed = string.IsNullOrWhiteSpace(expertNumber) ? expert : expertNumber;
        // Kiosk mode answers a movement challenge with camera frames; the photo file path exists only on the staff page.
        var answer = Kiosk ? new KioskAnswer(challengeId, Request.Form.Files.GetFiles("frames").Select(CheckInModule.ToUpload).ToList(), device, signature) : null;
        var wantsJson = Request.Headers.Accept.Any(a => a?.Contains("application/json", StringComparison.OrdinalIgnoreCase) == true);
        if (wantsJson)
        {
            return await JsonAsync(async () =>
                ForReader(CheckInAttemptDto.From(await checkIn.CheckInAsync(RequireActor(), Room, claimed, photo is null ? null : CheckInModule.ToUpload(photo), ct, answer))),
                StatusCodes.Status201Created);
        }

        var result = await RunAsync(async () =>
        {
            var o = await checkIn.CheckInAsync(RequireActor(), Room, claimed, photo is null ? null : CheckInModule.ToUpload(photo), ct, answer);
            Result = ForReader(CheckInAttemptDto.From(o));
            return Page();
        });
        await LoadAsync(ct);
        return result;
    }

    // The person at a kiosk sees their own result only; a possible substitute is named to staff, not to them.
    private CheckInAttemptDto ForReader(CheckInAttemptDto d) => Kiosk ? d with { PossibleSubstitute = null } : d;

    private async Task LoadAsync(CancellationToken ct)
    {
        Rooms = (await checkIn.SessionsTodayAsync(ct)).Select(s => s.EvaluationRoom).Distinct(StringComparer.Ordinal).ToList();
        if (string.IsNullOrWhiteSpace(Room)) return;
        if (Kiosk) return;
        Expected = await checkIn.ExpectedAsync(Room, ct);
        Attempts = await checkIn.AttemptsTodayAsync(Room, ct);
    }
}
