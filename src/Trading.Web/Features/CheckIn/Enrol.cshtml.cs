using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Trading.Data;
using Trading.Domain.CheckIn;
using Trading.Domain.Experts;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.CheckIn;

/// <summary>Centre staff enrol an expert's face from 1 to 3 photos (camera or files); a new enrolment replaces the old.</summary>
[RequestSizeLimit(40 * 1024 * 1024)]
[RequestFormLimits(MultipartBodyLengthLimit = 40 * 1024 * 1024)]
public sealed class CheckInEnrolModel(TradingDbContext db, CheckInService checkIn) : TradingPageModel
{
    [BindProperty(SupportsGet = true)] public string? Q { get; set; }
    [BindProperty(SupportsGet = true)] public Guid? Expert { get; set; }
    public List<(PoolExpert Expert, FaceEnrolmentRecord? Enrolment)> Experts { get; private set; } = [];
    public PoolExpert? Selected { get; private set; }
    public FaceEnrolmentRecord? SelectedEnrolment { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        return Expert is not null && Selected is null ? NotFound() : Page();
    }

    public async Task<IActionResult> OnPostAsync(List<IFormFile> photos, string? duplicateReason, CancellationToken ct)
    {
        await LoadAsync(ct);
        if (Selected is null) return NotFound();
        return await RunAsync(async () =>
        {
            var r = await checkIn.EnrolAsync(RequireActor(), Selected.Id, photos.Select(CheckInModule.ToUpload).ToList(), ct, duplicateReason);
            Flash("CheckIn.Enrol.Done", Selected.Name, r.PhotoCount);
            return RedirectToPage(new { expert = Selected.Id });
        });
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var q = db.Set<PoolExpert>().AsNoTracking();
        if (!string.IsNullOrWhiteSpace(Q))
        {
            var term = Q.Trim();
            q = q.Where(e => e.RegistrationNumber.Contains(term) || e.Name.Contains(term));
        }
        var experts = await q.OrderBy(e => e.RegistrationNumber).Take(200).ToListAsync(ct);
        var ids = experts.Select(e => e.Id).ToList();
        var enrolments = await db.Set<FaceEnrolmentRecord>().AsNoTracking().Where(f => ids.Contains(f.ExpertId)).ToDictionaryAsync(f => f.ExpertId, ct);
        Experts = experts.Select(e => (e, enrolments.GetValueOrDefault(e.Id))).ToList();
        if (Expert is { } id)
        {
            Selected = await db.Set<PoolExpert>().AsNoTracking().FirstOrDefaultAsync(e => e.Id == id, ct);
            SelectedEnrolment = Selected is null ? null : await checkIn.EnrolmentAsync(Selected.Id, ct);
        }
    }
}
