namespace Trading.Crypto.Tests;

/// <summary>
/// Trading.Crypto.Bench at a tiny size: the code paths it measures, with their results checked (never their time),
/// so the benchmark keeps building and measuring the right thing between recorded runs.
/// </summary>
public sealed class BenchSmokeTests
{
    [Fact]
    public async Task Crypto_bench_smoke_run_checks_its_results() => await Trading.Crypto.Bench.Smoke.RunAsync();

    /// <summary>
    /// The `cli-vs-age` mode (trading seal and open as processes, beside age) at 4 MiB: the built tool, copied beside the
    /// tests by the project reference, seals an envelope whose hash its manifest names and opens it to the same bytes.
    /// </summary>
    [Fact]
    public void Cli_seal_and_open_bench_smoke_run_checks_its_results() =>
        Trading.Crypto.Bench.Smoke.CliVsAge(Path.Combine(AppContext.BaseDirectory, "trading.dll"));
}
