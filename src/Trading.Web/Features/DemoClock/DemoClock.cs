using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Trading.Data;
using Trading.Domain;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.DemoClock;

/// <summary>
/// The demo's clock: real time plus an offset that centre staff move forward from a page, so a newcomer can pass a
/// 20-day bidding period in one sitting. Registered only for demo data outside Production (see
/// <see cref="DemoClockModule"/>); the offset is kept in the data folder so a restart does not send time backwards,
/// and it only ever grows, so the public log's times stay in order.
/// </summary>
public sealed class DemoClock : TimeProvider
{
    private readonly TimeProvider _real;
    private readonly string _file;
    private readonly Lock _gate = new();
    private TimeSpan _offset;

    public DemoClock(TimeProvider real, string dataDirectory)
    {
        _real = real;
        _file = Path.Combine(dataDirectory, "demo-clock.txt");
        if (File.Exists(_file) && long.TryParse(File.ReadAllText(_file).Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var ticks) && ticks > 0)
            _offset = TimeSpan.FromTicks(ticks);
    }

    public TimeSpan Offset { get { lock (_gate) return _offset; } }

    public override DateTimeOffset GetUtcNow() => _real.GetUtcNow() + Offset;
    public override TimeZoneInfo LocalTimeZone => _real.LocalTimeZone;
    public override long GetTimestamp() => _real.GetTimestamp();
    public override long TimestampFrequency => _real.TimestampFrequency;

    /// <summary>Moves the clock forward by <paramref name="by"/> (positive, at most a year at a time); returns the old and new times.</summary>
    public (DateTime From, DateTime To) Advance(TimeSpan by)
    {
        if (by <= TimeSpan.Zero || by > TimeSpan.FromDays(366)) throw new RuleViolationException(new RuleViolation(DemoClockRules.StepInvalid));
        lock (_gate)
        {
            var from = (_real.GetUtcNow() + _offset).UtcDateTime;
            _offset += by;
            var tmp = _file + ".tmp";
            File.WriteAllText(tmp, _offset.Ticks.ToString(CultureInfo.InvariantCulture));
            File.Move(tmp, _file, overwrite: true);
            return (from, from + by);
        }
    }
}

public static class DemoClockRules
{
    public const string StepInvalid = "Rule.DemoClock.StepInvalid";
    public const string NothingAhead = "Rule.DemoClock.NothingAhead";
}

/// <summary>Moving the demo clock: logged, then every scheduled job runs once at the new time (deadlines, limits, draws).</summary>
public sealed class DemoClockService(DemoClock clock, TradingDbContext db, PublicLogWriter log, IEnumerable<IHostedService> hosted, ILogger<DemoClockService> logger)
{
    /// <summary>The next bid deadline after now, if any (the step a newcomer most often wants to skip to).</summary>
    public async Task<DateTime?> NextDeadlineAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return await db.Tenders.Where(t => t.Step == LifecycleStep.NoticePublished && t.BidDeadline > now)
            .OrderBy(t => t.BidDeadline).Select(t => (DateTime?)t.BidDeadline).FirstOrDefaultAsync(ct);
    }

    public async Task<(DateTime From, DateTime To)> AdvanceAsync(Actor actor, TimeSpan? by, bool toNextDeadline, CancellationToken ct)
    {
        if (!actor.IsIn(Roles.CentreStaff, Roles.Admin)) throw new ForbiddenException(RuleCodes.CentreOrAdminOnly);
        if (toNextDeadline)
        {
            var next = await NextDeadlineAsync(ct) ?? throw new RuleViolationException(new RuleViolation(DemoClockRules.NothingAhead));
            by = next - clock.GetUtcNow().UtcDateTime + TimeSpan.FromMinutes(1);
        }
        var moved = clock.Advance(by ?? TimeSpan.Zero);
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            await log.AppendAsync("demo.clock.advanced", null, new { from = moved.From, to = moved.To, by = log.Pseudonym("user", actor.UserId.ToString()) }, ct);
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        logger.LogWarning("Demo clock moved forward from {From:u} to {To:u} by user {User}", moved.From, moved.To, actor.UserId);
        // What would have happened in the skipped time happens now, in the order the jobs were registered.
        foreach (var job in hosted.OfType<ScheduledJob>())
        {
            try { await job.RunOnceAsync(ct); }
            catch (Exception e) when (e is not OperationCanceledException) { logger.LogError(e, "{Job} failed after the demo clock moved", job.GetType().Name); }
        }
        return moved;
    }
}
