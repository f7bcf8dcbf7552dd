using Microsoft.AspNetCore.Mvc;
using Trading.Domain.Award;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Award;

/// <summary>
/// One tender's steps 13-18 for the people who act on them: the owner side publishes, answers, awards, uploads the
/// contract and records refunds; a bidder objects, complains and reads its notices; the supervision office suspends,
/// resumes and decides complaints. Each form posts to the service, which checks the role, the ownership and the rule.
/// </summary>
public sealed class AwardTenderModel(AwardService award) : TradingPageModel
{
    public AwardView View { get; private set; } = null!;

    [BindProperty(SupportsGet = true)] public Guid Id { get; set; }
    [BindProperty] public int Days { get; set; } = 3;
    [BindProperty] public string? Text { get; set; }
    [BindProperty] public Guid TargetId { get; set; }
    [BindProperty] public DateOnly KnewOn { get; set; }
    [BindProperty] public ComplaintOutcome? Outcome { get; set; }
    [BindProperty] public Guid LotId { get; set; }
    [BindProperty] public Guid BidId { get; set; }
    [BindProperty] public decimal PriceYuan { get; set; }
    [BindProperty] public int DurationDays { get; set; }
    [BindProperty] public DateOnly SignedOn { get; set; }
    [BindProperty] public IFormFile? ContractFile { get; set; }
    [BindProperty] public decimal AmountYuan { get; set; }
    [BindProperty] public decimal InterestYuan { get; set; }
    [BindProperty] public DateOnly RefundedOn { get; set; }

    public Task<IActionResult> OnGetAsync() => RunAsync(async () => { await LoadAsync(); return Page(); });

    private CancellationToken Ct => HttpContext.RequestAborted;
    private object Route => new { id = Id };

    public Task<IActionResult> OnPostPublishAsync() => PostAsync(() => award.PublishAsync(RequireActor(), Id, Days, Ct), "Award.Done.Published", Route, LoadAsync);
    public Task<IActionResult> OnPostObjectAsync() => PostAsync(() => award.ObjectAsync(RequireActor(), Id, Text, Ct), "Award.Done.Objected", Route, LoadAsync);
    public Task<IActionResult> OnPostAnswerAsync() => PostAsync(() => award.AnswerAsync(RequireActor(), TargetId, Text, Ct), "Award.Done.Answered", Route, LoadAsync);
    public Task<IActionResult> OnPostComplainAsync() => PostAsync(() => award.ComplainAsync(RequireActor(), Id, KnewOn, Text, Ct), "Award.Done.Complained", Route, LoadAsync);
    public Task<IActionResult> OnPostSuspendAsync() => PostAsync(() => award.SuspendAsync(RequireActor(), TargetId, true, Ct), "Award.Done.Suspended", Route, LoadAsync);
    public Task<IActionResult> OnPostResumeAsync() => PostAsync(() => award.SuspendAsync(RequireActor(), TargetId, false, Ct), "Award.Done.Resumed", Route, LoadAsync);
    public Task<IActionResult> OnPostDecideAsync() => PostAsync(() => award.DecideAsync(RequireActor(), TargetId, Outcome, Text, Ct), "Award.Done.Decided", Route, LoadAsync);
    public Task<IActionResult> OnPostAwardAsync() => PostAsync(() => award.AwardAsync(RequireActor(), Id, LotId, BidId, Text, Ct), "Award.Done.Awarded", Route, LoadAsync);
    public Task<IActionResult> OnPostContractAsync() =>
        PostAsync(() => award.ContractAsync(RequireActor(), Id, LotId, PriceYuan, DurationDays, SignedOn, ContractFile, Ct), "Award.Done.Contracted", Route, LoadAsync);
    public Task<IActionResult> OnPostRefundAsync() =>
        PostAsync(() => award.RefundAsync(RequireActor(), Id, BidId, AmountYuan, InterestYuan, RefundedOn, Ct), "Award.Done.Refunded", Route, LoadAsync);

    private async Task LoadAsync() => View = await award.ViewAsync(RequireActor(), Id, Ct);
}
