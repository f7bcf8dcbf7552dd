namespace Trading.Web.Tests.Infrastructure;

/// <summary>A clock the tests move by hand, to pass deadlines without waiting. Everything else about time stays real.</summary>
public sealed class TestClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;
    public override DateTimeOffset GetUtcNow() => _now;
    public void Advance(TimeSpan by) => _now += by;
    public void Set(DateTimeOffset to) => _now = to;
}
