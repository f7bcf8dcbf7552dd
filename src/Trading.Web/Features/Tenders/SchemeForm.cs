using System.Globalization;
using Trading.Domain;
using Trading.Domain.Evaluation;

namespace Trading.Web.Features.Tenders;

/// <summary>
/// The scoring table as the create page posts it: rows with pickers for group, kind, formula and tie rule, and
/// numbers typed in points, percent and yuan. Item codes are made from the row order, never typed; blank rows
/// are ignored. Both methods' tables are posted, and the one of the chosen method is kept.
/// </summary>
public sealed class SchemeForm
{
    public sealed class ItemRow
    {
        public string? Name { get; set; }
        public ScoringGroup Group { get; set; } = ScoringGroup.Technical;
        public decimal? MaxPoints { get; set; }
    }

    public sealed class AdjustmentRow
    {
        public string? Name { get; set; }
        public decimal? MaxYuan { get; set; }
    }

    public sealed class ReviewRow
    {
        public string? Name { get; set; }
        public ReviewKind Kind { get; set; } = ReviewKind.Responsiveness;
    }

    public List<ItemRow> Items { get; set; } = [];
    public PriceFormula Formula { get; set; } = PriceFormula.LowestPriceRatio;
    public decimal BenchmarkFactor { get; set; } = 1m;
    public decimal DeductionAbove { get; set; } = 1m;
    public decimal DeductionBelow { get; set; } = 0.5m;
    public List<AdjustmentRow> Adjustments { get; set; } = [];
    public List<ReviewRow> Reviews { get; set; } = [];
    public decimal AbnormallyLowPercent { get; set; } = 15;
    public decimal DeviationPercent { get; set; } = 20;
    public bool DropExtremes { get; set; }
    public TieRule TieRule { get; set; } = TieRule.LowerPriceFirst;
    public int Candidates { get; set; } = 3;

    /// <summary>
    /// The form filled from the standard tables of both methods, with spare blank rows. <paramref name="name"/> gives each
    /// row's name from its code and the table's two-language name: the page passes the reader's language, so the owner
    /// starts from names in one language and what they save is what they read.
    /// </summary>
    public static SchemeForm Standard(Func<string, string, string>? name = null)
    {
        name ??= (_, n) => n;
        var c = ScoringScheme.Template(EvaluationMethod.ComprehensiveScoring);
        var l = ScoringScheme.Template(EvaluationMethod.LowestEvaluatedPrice);
        var f = new SchemeForm
        {
            Items = [.. c.Items.Select(i => new ItemRow { Name = name(i.Code, i.Name), Group = i.Group, MaxPoints = i.MaxPoints })],
            Adjustments = [.. l.Adjustments.Select(a => new AdjustmentRow { Name = name(a.Code, a.Name), MaxYuan = Money.Yuan(a.MaxFen) })],
            Reviews = [.. c.ReviewItems.Select(r => new ReviewRow { Name = name(r.Code, r.Name), Kind = r.Kind })],
        };
        f.Pad();
        return f;
    }

    /// <summary>Blank rows so the owner can add items without script.</summary>
    public void Pad()
    {
        while (Items.Count < 8) Items.Add(new ItemRow());
        while (Adjustments.Count < 4) Adjustments.Add(new AdjustmentRow());
        while (Reviews.Count < 6) Reviews.Add(new ReviewRow());
    }

    public ScoringScheme ToScheme(EvaluationMethod method)
    {
        var comprehensive = method == EvaluationMethod.ComprehensiveScoring;
        return new ScoringScheme
        {
            Method = method,
            Items = comprehensive
                ? [.. Items.Where(r => !string.IsNullOrWhiteSpace(r.Name) || r.MaxPoints is not null)
                    .Select((r, i) => new ScoringItem { Code = Code(r.Group == ScoringGroup.Price ? "price" : "item", i), Name = (r.Name ?? "").Trim(), Group = r.Group, MaxPoints = r.MaxPoints ?? 0 })]
                : [],
            Formula = Formula,
            BenchmarkFactor = BenchmarkFactor,
            DeductionAbovePerPercent = DeductionAbove,
            DeductionBelowPerPercent = DeductionBelow,
            Adjustments = comprehensive ? [] :
                [.. Adjustments.Where(r => !string.IsNullOrWhiteSpace(r.Name) || r.MaxYuan is not null)
                    .Select((r, i) => new PriceAdjustment { Code = Code("adj", i), Name = (r.Name ?? "").Trim(), MaxFen = Money.Fen(r.MaxYuan ?? 0) ?? 0 })],
            ReviewItems = [.. Reviews.Where(r => !string.IsNullOrWhiteSpace(r.Name))
                .Select((r, i) => new ReviewItem { Code = Code("review", i), Name = r.Name!.Trim(), Kind = r.Kind })],
            AbnormallyLowShare = AbnormallyLowPercent / 100m,
            DeviationShare = DeviationPercent / 100m,
            DropExtremesFromSeven = DropExtremes,
            TieRule = TieRule,
            Candidates = Candidates,
        };
    }

    private static string Code(string prefix, int index) => prefix + "-" + (index + 1).ToString(CultureInfo.InvariantCulture);
}
