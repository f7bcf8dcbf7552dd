using Trading.Web.Demo;
using Trading.Web.Tests.Infrastructure;

namespace Trading.Web.Tests;

/// <summary>The clock the demo's history is played on: back once, then only forward, never past the present.</summary>
public class HistoryClockTests
{
    [Fact]
    public void It_goes_back_once_then_only_forward_and_stops_at_the_present()
    {
        var present = new TestClock(TradingFactory.Start);
        var clock = new HistoryClock(present);
        var p = TradingFactory.Start.UtcDateTime;
        Assert.Equal(p, clock.GetUtcNow().UtcDateTime);
        Assert.False(clock.InHistory);

        clock.Rewind(p.AddDays(-10));
        Assert.True(clock.InHistory);
        Assert.Equal(p.AddDays(-10), clock.GetUtcNow().UtcDateTime);
        Assert.Throws<InvalidOperationException>(() => clock.Rewind(p.AddDays(-20)));

        clock.MoveTo(p.AddDays(-5));
        Assert.Equal(p.AddDays(-5), clock.GetUtcNow().UtcDateTime);
        // The real clock runs on during an act; a second act planned for the same moment happens a moment later.
        present.Advance(TimeSpan.FromSeconds(1));
        clock.MoveTo(p.AddDays(-5));
        Assert.Equal(p.AddDays(-5).AddSeconds(1), clock.GetUtcNow().UtcDateTime);
        Assert.Throws<ArgumentOutOfRangeException>(() => clock.MoveTo(p.AddDays(-6)));

        clock.MoveTo(p.AddDays(3));
        Assert.Equal(present.GetUtcNow(), clock.GetUtcNow());
        clock.ToPresent();
        Assert.False(clock.InHistory);
        present.Advance(TimeSpan.FromHours(2));
        Assert.Equal(present.GetUtcNow(), clock.GetUtcNow());
    }
}
