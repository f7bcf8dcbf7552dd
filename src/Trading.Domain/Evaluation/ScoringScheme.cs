using System.Text.Json;
using System.Text.Json.Serialization;

namespace Trading.Domain.Evaluation;

/// <summary>The groups a scoring item belongs to (评分因素分类).</summary>
public enum ScoringGroup
{
    /// <summary>技术部分</summary>
    Technical = 1,
    /// <summary>商务部分</summary>
    Commercial = 2,
    /// <summary>价格部分: one item, computed by the named formula, never typed by an expert.</summary>
    Price = 3,
}

/// <summary>The price formulas a tender may name. New formulas need a case here and in <see cref="PriceScoring"/>.</summary>
public enum PriceFormula
{
    /// <summary>P_max × lowest valid price / price (低价优先法).</summary>
    LowestPriceRatio = 1,
    /// <summary>Benchmark = mean of valid prices × K; deduct E points per 1% above it and E' per 1% below it (基准价偏差扣分法).</summary>
    BenchmarkDeduction = 2,
}

/// <summary>Preliminary-review kinds (初步评审): formal, qualification and responsiveness.</summary>
public enum ReviewKind
{
    /// <summary>形式评审</summary>
    Formal = 1,
    /// <summary>资格评审</summary>
    Qualification = 2,
    /// <summary>响应性评审</summary>
    Responsiveness = 3,
}

/// <summary>How a tie in the ranking is broken; named in the documents.</summary>
public enum TieRule
{
    /// <summary>Lower bid price first (the default).</summary>
    LowerPriceFirst = 1,
    /// <summary>Higher technical score first, then lower price.</summary>
    HigherTechnicalFirst = 2,
}

/// <summary>One scoring item (评分因素) of 综合评估法, scored by each expert between 0 and its maximum.</summary>
public sealed record ScoringItem
{
    /// <summary>Short stable id within the scheme ([a-z0-9-]), used in score sheets and their hash.</summary>
    public string Code { get; init; } = "";
    public string Name { get; init; } = "";
    public ScoringGroup Group { get; init; }
    public decimal MaxPoints { get; init; }
}

/// <summary>A quantified adjustment of 经评审的最低投标价法 (e.g. a deviation priced into the evaluated price), bounded in fen either way.</summary>
public sealed record PriceAdjustment
{
    public string Code { get; init; } = "";
    public string Name { get; init; } = "";
    /// <summary>The largest amount, in fen, the committee may add to (or take off) a bid's price for this item.</summary>
    public long MaxFen { get; init; }
}

/// <summary>One preliminary-review item: pass or fail per bid, with a reason when it fails.</summary>
public sealed record ReviewItem
{
    public string Code { get; init; } = "";
    public string Name { get; init; } = "";
    public ReviewKind Kind { get; init; }
}

/// <summary>
/// The tender's evaluation method and scoring table, fixed in the documents at registration and shown to
/// bidders with the notice. All amounts of discretion (thresholds, formula constants) are here, so the
/// committee can only apply them.
/// </summary>
public sealed record ScoringScheme
{
    public EvaluationMethod Method { get; init; } = EvaluationMethod.ComprehensiveScoring;
    /// <summary>Comprehensive scoring: the items, including exactly one price item.</summary>
    public List<ScoringItem> Items { get; init; } = [];
    public PriceFormula Formula { get; init; } = PriceFormula.LowestPriceRatio;
    /// <summary>Benchmark deduction: K, the share of the mean valid price that is the benchmark (e.g. 0.95).</summary>
    public decimal BenchmarkFactor { get; init; } = 1m;
    /// <summary>Benchmark deduction: points off per 1% above the benchmark.</summary>
    public decimal DeductionAbovePerPercent { get; init; } = 1m;
    /// <summary>Benchmark deduction: points off per 1% below the benchmark.</summary>
    public decimal DeductionBelowPerPercent { get; init; } = 0.5m;
    /// <summary>Lowest evaluated price: the quantified adjustments.</summary>
    public List<PriceAdjustment> Adjustments { get; init; } = [];
    public List<ReviewItem> ReviewItems { get; init; } = [];
    /// <summary>A price more than this share below the mean of valid prices is abnormally low (clarification required).</summary>
    public decimal AbnormallyLowShare { get; init; } = 0.15m;
    /// <summary>畸高畸低: a score further than this share of the item's maximum from the committee mean needs a written reason.</summary>
    public decimal DeviationShare { get; init; } = 0.20m;
    /// <summary>Drop each bid's highest and lowest member total when the committee has 7 or more.</summary>
    public bool DropExtremesFromSeven { get; init; }
    public TieRule TieRule { get; init; } = TieRule.LowerPriceFirst;
    /// <summary>How many candidates (中标候选人) the report names, 1 to 3.</summary>
    public int Candidates { get; init; } = 3;

    /// <summary>The points every comprehensive scheme adds up to.</summary>
    public const decimal TotalPoints = 100m;

    public ScoringItem? PriceItem => Items.FirstOrDefault(i => i.Group == ScoringGroup.Price);
    /// <summary>The items each expert scores by hand (everything but the computed price item).</summary>
    public IEnumerable<ScoringItem> ExpertItems => Items.Where(i => i.Group != ScoringGroup.Price);

    private static readonly JsonSerializerOptions Json = new()
    {
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Reads a stored scheme; null for an empty column (tenders registered before schemes existed).</summary>
    public static ScoringScheme? FromJson(string? json) =>
        string.IsNullOrWhiteSpace(json) ? null : JsonSerializer.Deserialize<ScoringScheme>(json, Json);

    /// <summary>The name this scheme gives a scoring item, adjustment or review item, or null for a code it does not have.</summary>
    public string? NameOf(string code) =>
        Items.FirstOrDefault(i => i.Code == code)?.Name ?? Adjustments.FirstOrDefault(a => a.Code == code)?.Name ?? ReviewItems.FirstOrDefault(r => r.Code == code)?.Name;

    /// <summary>
    /// The name the starting tables give an item, adjustment or review item (both languages in one, as the owner starts
    /// from it), or null for a code they do not have. A page shows such an untouched name in its reader's language.
    /// </summary>
    public static string? TemplateName(string code)
    {
        foreach (var m in new[] { EvaluationMethod.ComprehensiveScoring, EvaluationMethod.LowestEvaluatedPrice })
        {
            var t = Template(m);
            var name = t.Items.FirstOrDefault(i => i.Code == code)?.Name ?? t.Adjustments.FirstOrDefault(a => a.Code == code)?.Name
                ?? t.ReviewItems.FirstOrDefault(r => r.Code == code)?.Name;
            if (name is not null) return name;
        }
        return null;
    }

    /// <summary>A starting table for the create page: the owner edits points rather than typing a scheme from nothing.</summary>
    public static ScoringScheme Template(EvaluationMethod method) => method == EvaluationMethod.ComprehensiveScoring
        ? new ScoringScheme
        {
            Method = method,
            Items =
            [
                new() { Code = "tech-plan", Name = "施工组织设计 Construction plan", Group = ScoringGroup.Technical, MaxPoints = 30 },
                new() { Code = "tech-quality", Name = "质量与安全保证措施 Quality and safety", Group = ScoringGroup.Technical, MaxPoints = 15 },
                new() { Code = "com-record", Name = "类似项目业绩 Similar projects", Group = ScoringGroup.Commercial, MaxPoints = 10 },
                new() { Code = "com-staff", Name = "项目管理机构 Project team", Group = ScoringGroup.Commercial, MaxPoints = 5 },
                new() { Code = "price", Name = "投标报价 Bid price", Group = ScoringGroup.Price, MaxPoints = 40 },
            ],
            ReviewItems = DefaultReviewItems(),
        }
        : new ScoringScheme
        {
            Method = method,
            Adjustments =
            [
                new() { Code = "adj-duration", Name = "工期偏差 Duration deviation", MaxFen = 5_000_000 },
                new() { Code = "adj-payment", Name = "付款条件偏差 Payment terms deviation", MaxFen = 2_000_000 },
            ],
            ReviewItems = DefaultReviewItems(),
        };

    private static List<ReviewItem> DefaultReviewItems() =>
    [
        new() { Code = "formal-signed", Name = "投标函签字盖章 Bid letter signed and sealed", Kind = ReviewKind.Formal },
        new() { Code = "qual-licence", Name = "资质与营业执照 Licence and qualification", Kind = ReviewKind.Qualification },
        new() { Code = "resp-price", Name = "报价不超过最高投标限价 Price within the ceiling", Kind = ReviewKind.Responsiveness },
        new() { Code = "resp-duration", Name = "工期与质量响应 Duration and quality respond", Kind = ReviewKind.Responsiveness },
    ];
}
