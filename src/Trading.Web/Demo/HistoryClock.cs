namespace Trading.Web.Demo;

/// <summary>
/// The clock of a demo deployment, around its real (or demo) clock. While the demo is seeded it can run in the past:
/// the seeding sets it weeks back, then moves it forward act by act, so the demo's finished tenders are made by the
/// real moves at times the law allows (a 20-day bidding period, a 3-day publicity), with their log entries in time
/// order; it ends on the present, before anyone can sign in. Afterwards it adds nothing to the clock it wraps.
/// Demo deployments only (registered with the demo data); a production centre's clock is never wrapped.
/// </summary>
public sealed class HistoryClock(TimeProvider present) : TimeProvider
{
    private readonly Lock _gate = new();
    private TimeSpan _behind;
    private DateTime _target = DateTime.MinValue;

    public DateTime PresentUtc => present.GetUtcNow().UtcDateTime;
    public bool InHistory { get { lock (_gate) return _behind > TimeSpan.Zero; } }

    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate) return present.GetUtcNow() - _behind;
    }

    public override TimeZoneInfo LocalTimeZone => present.LocalTimeZone;
    public override long GetTimestamp() => present.GetTimestamp();
    public override long TimestampFrequency => present.TimestampFrequency;

    /// <summary>Goes back to <paramref name="utc"/> to start the history; only from the present (once per seeding).</summary>
    public void Rewind(DateTime utc)
    {
        lock (_gate)
        {
            if (_behind > TimeSpan.Zero) throw new InvalidOperationException("The demo's history is already being played.");
            var back = PresentUtc - utc;
            if (back <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(utc), "The history starts before the present.");
            _behind = back;
            _target = utc;
        }
    }

    /// <summary>
    /// Moves forward to <paramref name="utc"/>, never back and never past the present (the log's times stay in order).
    /// Asked for an instant the running clock has already passed (two acts planned for one moment, while the real clock
    /// ran on during the first), it stays where it is.
    /// </summary>
    public void MoveTo(DateTime utc)
    {
        lock (_gate)
        {
            if (utc < _target) throw new ArgumentOutOfRangeException(nameof(utc), $"The demo's history runs forward: {utc:u} is before {_target:u}.");
            _target = utc;
            var now = present.GetUtcNow().UtcDateTime - _behind;
            if (utc <= now) return;
            var behind = PresentUtc - utc;
            _behind = behind > TimeSpan.Zero ? behind : TimeSpan.Zero;
        }
    }

    /// <summary>Back to the present: the end of the history.</summary>
    public void ToPresent()
    {
        lock (_gate) _behind = TimeSpan.Zero;
    }
}
