using System.Net;
using Microsoft.EntityFrameworkCore;
using Trading.Data.Notifications;
using Trading.Domain;
using Trading.Domain.Experts;
using Trading.ExpertPool;

namespace Trading.Web.Tests.Infrastructure;

/// <summary>What the draw tests share: a known expert pool, the owner's tender, and the draw page's forms.</summary>
public static class DrawPages
{
    public const string TechSpecialty = "construction/civil-works";
    public const string EconSpecialty = "economics/cost";

    /// <summary>
    /// A known pool instead of the random demo one: experts 1-20 technical, 21-30 economic, all active,
    /// senior, experienced, available and free of conflicts, unless a test plants something.
    /// </summary>
    public static void NormalisePool(TradingFactory app) => app.WithDb(db =>
    {
        // The demo's draws (tomorrow's, and the history's with their check-ins and evaluations) would block a new one and
        // put their experts in the owners' cool-down: gone, with everything that refers to them.
        db.Database.ExecuteSqlRaw("TRUNCATE \"EvaluationSession\" CASCADE");
        db.Set<Notification>().RemoveRange(db.Set<Notification>().Where(n => n.Kind.StartsWith("draw.")).ToList());
        db.SaveChanges();
        var experts = db.Set<PoolExpert>().Include(e => e.Employments).Include(e => e.Relationships).Include(e => e.RegistryLinks).Include(e => e.Unavailable)
            .OrderBy(e => e.RegistrationNumber).ToList();
        for (var i = 0; i < experts.Count; i++)
        {
            var e = experts[i];
            e.Specialties = [i < 20 ? TechSpecialty : EconSpecialty];
            e.Status = ExpertStatus.Active; e.SuspendedUntil = null; e.StatusReason = null;
            e.Title = ExpertTitle.Senior; e.PracticeSince = new DateOnly(2000, 7, 1); e.BirthDate = new DateOnly(1975, 3, 1);
            e.EmployerOrganisationId = null; e.EmployerName = "示范大学";
            e.Employments.Clear(); e.Relationships.Clear(); e.RegistryLinks.Clear(); e.Unavailable.Clear();
            e.Region = "sf/gulou";
        }
        db.SaveChanges();
        return 0;
    });

    public static Tender TenderByOwner(TradingFactory app, string ownerUser) => app.WithDb(db =>
    {
        var org = db.Users.Single(u => u.UserName == ownerUser).OrganisationId;
        // One a committee can still be drawn for (the demo's history has evaluated ones, with lower codes: registered weeks before).
        return db.Tenders.Include(t => t.Lots).AsNoTracking().OrderBy(t => t.Code)
            .First(t => t.OwnerOrganisationId == org && t.Step >= LifecycleStep.NoticePublished && t.Step < LifecycleStep.Evaluation);
    });

    /// <summary>The validation summary's messages, for assertion failures that say why a form was refused.</summary>
    public static string Errors(string html)
    {
        // The summary's items (the menu's items are list items too), or every alert if the page has no summary.
        var summary = System.Text.RegularExpressions.Regex.Match(html, "<div class=\"alert alert-danger validation-summary-errors\"[^>]*>(.*?)</div>", System.Text.RegularExpressions.RegexOptions.Singleline);
        var scope = summary.Success ? summary.Groups[1].Value : string.Join(" ", System.Text.RegularExpressions.Regex.Matches(html, "role=\"alert\"[^>]*>(.*?)</div>", System.Text.RegularExpressions.RegexOptions.Singleline).Select(m => m.Groups[1].Value));
        var items = System.Text.RegularExpressions.Regex.Matches(scope, "<li>(.*?)</li>").Select(m => WebUtility.HtmlDecode(m.Groups[1].Value)).ToList();
        return items.Count > 0 ? string.Join(" | ", items) : WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Replace(scope, "<[^>]+>", " ")).Trim();
    }

    public static Task<HttpResponseMessage> ActAsync(HttpClient c, Guid id, string handler, Dictionary<string, string>? fields = null) =>
        Browser.PostFormAsync(c, $"/Draw/Details/{id}", $"/Draw/Details/{id}?handler={handler}", fields ?? []);

    public static EvaluationSession Session(TradingFactory app, Guid id) =>
        app.WithDb(db => db.Set<EvaluationSession>().Include(s => s.Members).AsNoTracking().First(s => s.Id == id));
}
