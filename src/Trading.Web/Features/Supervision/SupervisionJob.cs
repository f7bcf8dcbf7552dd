using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Trading.Data;
using Trading.Domain;
using Trading.Domain.Supervision;
using Trading.Web.Features.Notifications;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Supervision;

/// <summary>
/// Evaluates every time limit on the server clock. Each change to yellow or red is stored in the history,
/// appended to the public log and sent to the people responsible and to the supervision office, all in one
/// transaction. A limit that jumps from green to red between two runs records both crossings, each at the
/// moment it happened, so the yearly counts do not depend on how often the job runs.
/// It also keeps the firms' suspension fields in step with the bad-behaviour records as time passes.
/// </summary>
public sealed class SupervisionJob(IServiceScopeFactory scopes, TimeProvider clock, IConfiguration config, IOptions<SupervisionOptions> options, ILogger<SupervisionJob> logger)
    : ScheduledJob(config, logger)
{
    protected override TimeSpan Period => TimeSpan.FromSeconds(Math.Max(10, options.Value.JobPeriodSeconds));

    public override async Task<int> RunOnceAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var sp = scope.ServiceProvider;
        var db = sp.GetRequiredService<TradingDbContext>();
        var log = sp.GetRequiredService<PublicLogWriter>();
        var notifier = sp.GetRequiredService<Notifier>();
        var time = sp.GetRequiredService<CentreTime>();
        var now = clock.GetUtcNow().UtcDateTime;

        var rows = await sp.GetRequiredService<LimitMonitor>().EvaluateAsync(now, ct);
        var changes = await log.ActAsync(async () =>
        {
            await log.LockAsync(ct);
            var states = (await db.Set<LimitState>().ToListAsync(ct)).ToDictionary(s => (s.LimitCode, s.SubjectKind, s.SubjectId));
            var changed = 0;
            foreach (var r in rows)
            {
                var key = (r.Limit.Code, r.SubjectKind, r.SubjectId);
                var colour = r.Status.Colour;
                if (!states.TryGetValue(key, out var state))
                {
                    state = new LimitState { LimitCode = r.Limit.Code, SubjectKind = r.SubjectKind, SubjectId = r.SubjectId, Colour = LimitColour.Green, ChangedAt = now };
                    db.Set<LimitState>().Add(state);
                    states[key] = state;
                }
                // A new start (a re-run step) begins a new count from green.
                if (state.StartAt != r.Status.Schedule.StartUtc && state.StartAt != default)
                    state.Colour = LimitColour.Green;
                state.TenderId = r.TenderId;
                state.StartAt = r.Status.Schedule.StartUtc;
                state.DueAt = r.Status.Schedule.DueUtc;
                state.EndAt = r.Status.EndUtc;
                if (colour <= state.Colour) continue;

                // Record each crossing the job has not yet seen: green→yellow and yellow→red, or straight to red for minimum durations.
                var from = state.Colour;
                var steps = new List<(LimitColour To, DateTime At)>();
                if (from < LimitColour.Yellow && colour >= LimitColour.Yellow && r.Status.Schedule.YellowAtUtc is { } y)
                    steps.Add((LimitColour.Yellow, y));
                if (colour == LimitColour.Red)
                    steps.Add((LimitColour.Red, r.Status.ColourSinceUtc ?? now));
                foreach (var (to, at) in steps)
                {
                    db.Set<LimitColourChange>().Add(new LimitColourChange
                    {
                        LimitCode = r.Limit.Code, SubjectKind = r.SubjectKind, SubjectId = r.SubjectId, TenderId = r.TenderId,
                        ResponsibleOrganisationId = r.ResponsibleId, AgentOrganisationId = r.Limit.Responsible == ResponsibleParty.Owner ? r.AgentId : null,
                        From = from, To = to, CrossedAt = at, RecordedAt = now, DueAt = r.Status.Schedule.DueUtc, Completed = r.Status.Completed,
                    });
                    await log.AppendAsync($"supervision.limit.{to.ToString().ToLowerInvariant()}", r.TenderId, new
                    {
                        limit = r.Limit.Code, subject = r.SubjectKind, id = r.SubjectId, from = from.ToString(), to = to.ToString(),
                        start = r.Status.Schedule.StartUtc, due = r.Status.Schedule.DueUtc, crossed = at, completed = r.Status.Completed,
                    }, ct);
                    from = to;
                    changed++;
                }
                await NotifyAsync(db, notifier, r, colour, time.Format(r.Status.Schedule.DueUtc), ct);
                state.Colour = colour;
                state.ChangedAt = now;
            }
            return changed;
        }, ct);

        await sp.GetRequiredService<Sanctions>().RefreshAllAsync(now, ct);
        return changes;
    }

    /// <summary>The people responsible get a link to their tender; the supervision office to its dashboard.</summary>
    private static async Task NotifyAsync(TradingDbContext db, Notifier notifier, LimitRow r, LimitColour colour, string due, CancellationToken ct)
    {
        var kind = colour == LimitColour.Red ? "limit.red" : "limit.yellow";
        var limitName = LimitNames.Key(r.Limit);
        string[] args = [limitName, r.Label, "Supervision.Colour." + colour, due];
        var tenderLink = r.TenderId is { } t ? $"/Tenders/Details/{t}" : null;
        var supervisors = await UsersInRoleAsync(db, Roles.Supervisor, ct);
        var told = new HashSet<Guid>();
        foreach (var u in supervisors)
            if (told.Add(u)) notifier.Raise(new Notice(u, kind, "Supervision.Notice.Subject", "Supervision.Notice.Body", args, "/Supervision", r.TenderId));

        IEnumerable<Guid> responsible = r.Limit.Responsible switch
        {
            ResponsibleParty.Centre => await UsersInRoleAsync(db, Roles.CentreStaff, ct),
            ResponsibleParty.Supervision => [],
            _ => await db.Users.Where(u => u.OrganisationId == r.OwnerId || (r.AgentId != null && u.OrganisationId == r.AgentId))
                .Select(u => u.Id).ToListAsync(ct),
        };
        foreach (var u in responsible)
            if (told.Add(u)) notifier.Raise(new Notice(u, kind, "Supervision.Notice.Subject", "Supervision.Notice.Body", args, tenderLink ?? "/Firms", r.TenderId));
    }

    private static async Task<List<Guid>> UsersInRoleAsync(TradingDbContext db, string role, CancellationToken ct) =>
        await (from ur in db.UserRoles join ro in db.Roles on ur.RoleId equals ro.Id where ro.Name == role select ur.UserId).ToListAsync(ct);
}

/// <summary>Names of limits: the translation when the shipped resources have one, else the configured name, else the code.</summary>
public static class LimitNames
{
    public static string Key(TimeLimitDefinition l) => "Supervision.Limit." + l.Code;

    public static string Display(Texts t, TimeLimitDefinition l)
    {
        var s = t[Key(l)];
        return s != Key(l) ? s : l.Name ?? l.Code;
    }

    /// <summary>A limit's start or end event in words: "tender.step.13" reads as the step's name, others by their own key.</summary>
    public static string Event(Texts t, string code)
    {
        if (code.StartsWith(TenderStepEvents.Prefix, StringComparison.Ordinal)
            && int.TryParse(code.AsSpan(TenderStepEvents.Prefix.Length), out var n) && n is >= 1 and <= 18)
            return t["Supervision.Event.Step", n, t.Step((Trading.Domain.LifecycleStep)n)];
        var key = "Supervision.Event." + code;
        var s = t[key];
        return s != key ? s : code;
    }
}
