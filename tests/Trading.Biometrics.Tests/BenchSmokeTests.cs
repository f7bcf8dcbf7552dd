namespace Trading.Biometrics.Tests;

/// <summary>
/// Trading.Biometrics.Bench once through: the warm 720p check-in BenchmarkDotNet times (accepted against its own
/// enrolment, refused against another face) and the `stages` loop, results checked and never time.
/// </summary>
public sealed class BenchSmokeTests
{
    [Fact]
    public void Biometrics_bench_smoke_run_accepts_its_frame_and_refuses_a_stranger() => Trading.Biometrics.Bench.Smoke.Run();
}
