using Trading.Web.Tests.Infrastructure;

namespace Trading.Web.Tests.Certificates;

/// <summary>
/// The external-TSA test classes run beside each other, each with its own <see cref="ThrowawayTsa"/>: the second must
/// take the next port, not fail on the first one's (a listener whose start failed cannot be reused).
/// </summary>
public class ThrowawayTsaTests
{
    [Fact]
    public void Two_throwaway_TSAs_at_once_listen_on_different_ports()
    {
        using var first = new ThrowawayTsa();
        using var second = new ThrowawayTsa();
        Assert.NotEqual(first.Url, second.Url);
    }
}
