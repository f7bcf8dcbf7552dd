namespace Trading.Crypto.Tests;

/// <summary>
/// Trading.Crypto.Bench at a tiny size: the code paths it measures, with their results checked (never their time),
/// so the benchmark keeps building and measuring the right thing between recorded runs.
/// </summary>
public sealed class BenchSmokeTests
{
    [Fact]
    public async Task Crypto_bench_smoke_run_checks_its_results() => await Trading.Crypto.Bench.Smoke.RunAsync();
}
