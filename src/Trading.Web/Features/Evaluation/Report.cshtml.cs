using Microsoft.AspNetCore.Mvc;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Evaluation;

/// <summary>The issued evaluation report's PDF (the link in the owner's notice); the service decides who may read it.</summary>
public sealed class EvaluationReportModel(EvaluationService evaluation) : TradingPageModel
{
    [FromRoute] public Guid Id { get; set; }

    public Task<IActionResult> OnGetAsync(CancellationToken ct) => RunAsync(async () =>
    {
        var (report, tender, pdf) = await evaluation.ReportAsync(RequireActor(), Id, ct);
        return File(pdf, "application/pdf", $"evaluation-report-{tender.Code}.pdf");
    });
}
