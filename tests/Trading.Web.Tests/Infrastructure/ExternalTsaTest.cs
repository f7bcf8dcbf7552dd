namespace Trading.Web.Tests.Infrastructure;

/// <summary>
/// A web test of a deployment whose time-stamps come from an external TSA (<c>PublicLog:TsaUrl</c>): a real RFC 3161
/// endpoint in the test process (<see cref="ThrowawayTsa"/>), whose behaviour a test switches, with the given timeout
/// setting at 2 s so a TSA that is down or slow costs seconds.
/// </summary>
public abstract class ExternalTsaTest(PostgresServer pg, string timeoutSetting) : WebTest(pg), IAsyncDisposable
{
    protected ThrowawayTsa Tsa { get; } = new();

    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>(Bidding.FastSettings)
    {
        ["PublicLog:TsaUrl"] = Tsa.Url,
        [timeoutSetting] = "2",
    };

    public new async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Tsa.Dispose();
        GC.SuppressFinalize(this);
    }
}
