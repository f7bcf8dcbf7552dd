using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.EntityFrameworkCore;
using Trading.Data;
using Trading.Domain;
using Trading.Web.Features.Evaluation;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Tenders;

public sealed class CreateTenderModel(TenderService tenders, Engagements.EngagementService engagements, CentreTime time) : TradingPageModel
{
    public sealed class LotRow
    {
        public string? Name { get; set; }
        public decimal? Price { get; set; }
        public decimal? Bond { get; set; }
        public decimal? Control { get; set; }
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
        public string? Region { get; set; }
        public List<LotRow> Lots { get; set; } = [];
        public SchemeForm Scheme { get; set; } = SchemeForm.Standard();
    }

    [BindProperty] public TenderForm Form { get; set; } = new();
    /// <summary>The failed tender this registration re-runs (from its page's "re-tender" link), if any.</summary>
    [BindProperty(SupportsGet = true)] public Guid? Retender { get; set; }
    public Tender? RetenderOf { get; private set; }
    public List<SelectListItem> OwnerChoices { get; private set; } = [];
    public TenderRules Rules => tenders.Rules;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var deadline = time.ToLocal(time.UtcNow).Date.AddDays(Rules.MinDaysDocumentsToDeadline + 2).AddHours(9).AddMinutes(30);
        Form.Deadline = Form.Opening = deadline;
        Form.Scheme = SchemeForm.Standard(T.Item);
        var result = await RunAsync(async () =>
        {
            if (Retender is { } id)
            {
                // The failed tender's terms as a starting point; the deadline is a new one.
                var f = await tenders.GetAsync(CurrentActor, id, ct);
                if (!f.Failed || CurrentActor is not { } a || !a.IsOwnerSideOf(f)) throw new NotFoundException();
                RetenderOf = f;
                Form.Title = f.Title;
                Form.Description = f.Description;
                Form.Category = f.Category;
                Form.Method = f.EvaluationMethod;
                Form.Qualifications = f.QualificationRequirements;
                Form.Place = f.OpeningPlace;
                Form.Region = f.Region;
                Form.OwnerId = f.OwnerOrganisationId;
                Form.Lots = f.Lots.OrderBy(l => l.Number).Select(l => new LotRow { Name = l.Name, Price = Money.Yuan(l.EstimatedPriceFen), Bond = Money.Yuan(l.BidBondFen), Control = l.ControlPriceFen is { } c ? Money.Yuan(c) : null }).ToList();
            }
            return Page();
        });
        await FillAsync();
        return result;
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var result = await RunAsync(async () =>
        {
            var lots = Form.Lots.Where(l => !string.IsNullOrWhiteSpace(l.Name) || l.Price is not null)
                .Select(l => new LotInput(l.Name ?? "", l.Price ?? 0, l.Bond ?? 0, l.Control)).ToList();
            var input = new TenderInput(Form.Title, Form.Description, Form.Category, Form.Method, Form.Qualifications,
                time.ToUtc(Form.Deadline), time.ToUtc(Form.Opening), Form.Place, lots, Form.OwnerId, Form.Scheme.ToScheme(Form.Method), Form.Region);
            var t = Retender is { } failed ? await tenders.RetenderAsync(RequireActor(), failed, input, ct) : await tenders.CreateAsync(RequireActor(), input, ct);
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
            OwnerChoices = (await engagements.OwnersOfAsync(CurrentActor.OrganisationId, HttpContext.RequestAborted))
                .Select(o => new SelectListItem(o.Name, o.Id.ToString())).ToList();
    }
}
