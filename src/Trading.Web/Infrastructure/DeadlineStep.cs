namespace Trading.Web.Infrastructure;

// The hook lives below the features: Tenders runs the steps at the deadline, Submission (and others) add them.
/// <summary>Work a feature does when a tender's bidding period closes (freeze the bid list, checkpoint the log).</summary>
public interface IDeadlineStep
{
    Task OnDeadlineAsync(Guid tenderId, CancellationToken ct);
}
