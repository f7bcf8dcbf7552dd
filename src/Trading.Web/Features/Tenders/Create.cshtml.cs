using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.EntityFrameworkCore;
using Trading.Data;
using Trading.Domain;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Tenders;

public sealed class CreateTenderModel(TenderService tenders, TradingDbContext db, CentreTime time) : TradingPageModel
{
    public sealed class LotRow
    {
        public string? Name { get; set; }
        public decimal? Price { get; set; }
        public decimal? Bond { get; set; }
    }

    public sealed class TenderForm
    {
        public Guid? OwnerId { get; set; }
        public string Title { get; set; } = "";
        public string? Description { get; set; }
        public ProcurementCategory Category { get; set; } = ProcurementCategory.ConstructionWorks;
        public EvaluationMethod Method { get; set; } = EvaluationMethod.ComprehensiveScoring;
        public string Qualifications { get; set; } = "";
        public DateTime Deadline { get; set; }
        public DateTime Opening { get; set; }
        public string Place { get; set; } = "";
        public List<LotRow> Lots { get; set; } = [];
        public SchemeForm Scheme { get; set; } = SchemeForm.Standard();
    }

    [BindProperty] public TenderForm Form { get; set; } = new();
    public List<SelectListItem> OwnerChoices { get; private set; } = [];
    public TenderRules Rules => tenders.Rules;

    public async Task OnGetAsync()
    {
        var deadline = time.ToLocal(time.UtcNow).Date.AddDays(Rules.MinDaysDocumentsToDeadline + 2).AddHours(9).AddMinutes(30);
        Form.Deadline = Form.Opening = deadline;
        await FillAsync();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var result = await RunAsync(async () =>
        {
            var lots = Form.Lots.Where(l => !string.IsNullOrWhiteSpace(l.Name) || l.Price is not null)
                .Select(l => new LotInput(l.Name ?? "", l.Price ?? 0, l.Bond ?? 0)).ToList();
            var input = new TenderInput(Form.Title, Form.Description, Form.Category, Form.Method, Form.Qualifications,
                time.ToUtc(Form.Deadline), time.ToUtc(Form.Opening), Form.Place, lots, Form.OwnerId, Form.Scheme.ToScheme(Form.Method));
            var t = await tenders.CreateAsync(RequireActor(), input, ct);
            Flash("Tender.Registered", t.Code);
            return RedirectToPage("/Tenders/Details", new { id = t.Id });
        });
        await FillAsync();
        return result;
    }

    private async Task FillAsync()
    {
        while (Form.Lots.Count < 3) Form.Lots.Add(new LotRow());
        Form.Scheme.Pad();
        if (CurrentActor?.IsIn(Roles.Agent) == true)
            OwnerChoices = await db.Organisations.Where(o => o.Kind == OrganisationKind.OwnerUnit).OrderBy(o => o.Name)
                .Select(o => new SelectListItem(o.Name, o.Id.ToString())).ToListAsync();
    }
}
