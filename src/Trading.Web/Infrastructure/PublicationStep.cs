namespace Trading.Web.Infrastructure;

/// <summary>
/// Work a feature does when a tender's notice is published (start the key ceremony). It runs inside the
/// publication's transaction with the log lock held: add entities and append log entries, do not save or commit,
/// so the notice and everything it starts are stored together or not at all.
/// </summary>
public interface IPublicationStep
{
    Task OnPublishingAsync(Domain.Tender tender, CancellationToken ct);
}
