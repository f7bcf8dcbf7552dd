using System.Net;
using System.Threading.RateLimiting;

namespace Trading.Web.Features.Account;

/// <summary>
/// Slows password and code guessing without a lock that anyone can trigger. Identity's lockout locked an account after
/// five wrong passwords from anywhere, so anyone who knew a key-holder officer's user name could keep the officer out on
/// the morning of an opening, and its distinct message told a prober which names exist. Failures are counted instead
/// per (account, address) and per address, for typed names whether or not they exist, and a throttled attempt gets one
/// message for all. The owner of an account signing in from their own address keeps their own allowance. Counts live
/// in this process (the framework's partitioned sliding-window limiters); a farm of servers behind one proxy should
/// pin sign-in to one instance or move the counts to a shared store.
/// </summary>
public sealed class SignInThrottle : IDisposable
{
    private readonly PartitionedRateLimiter<string> _pair;
    private readonly PartitionedRateLimiter<string> _address;

    public SignInThrottle(IConfiguration config)
    {
        var window = TimeSpan.FromMinutes(config.GetValue("RateLimits:SignInFailureWindowMinutes", 15));
        _pair = Create(config.GetValue("RateLimits:SignInFailuresPerAccountAndAddress", 5), window);
        _address = Create(config.GetValue("RateLimits:SignInFailuresPerAddress", 30), window);
    }

    private static PartitionedRateLimiter<string> Create(int limit, TimeSpan window) =>
        PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetSlidingWindowLimiter(key, _ => new SlidingWindowRateLimiterOptions
        {
            PermitLimit = limit, Window = window, SegmentsPerWindow = 15, QueueLimit = 0, AutoReplenishment = true,
        }));

    private static string Address(IPAddress? ip) => ip?.ToString() ?? "unknown";

    private static string Pair(string account, IPAddress? ip) => account.Trim().ToUpperInvariant() + "\n" + Address(ip);

    /// <summary>Whether another attempt for this typed account name from this address may be checked at all.</summary>
    public bool Allows(string account, IPAddress? ip) =>
        (_pair.GetStatistics(Pair(account, ip))?.CurrentAvailablePermits ?? 1) > 0
        && (_address.GetStatistics(Address(ip))?.CurrentAvailablePermits ?? 1) > 0;

    /// <summary>Counts a wrong password or code.</summary>
    public void Failed(string account, IPAddress? ip)
    {
        using var a = _pair.AttemptAcquire(Pair(account, ip));
        using var b = _address.AttemptAcquire(Address(ip));
    }

    public void Dispose()
    {
        _pair.Dispose();
        _address.Dispose();
    }
}
