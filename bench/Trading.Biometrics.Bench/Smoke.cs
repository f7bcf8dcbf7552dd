namespace Trading.Biometrics.Bench;

/// <summary>
/// The check-in benchmarks' code paths once each, results checked and never time: the test suite runs this
/// (Trading.Biometrics.Tests, BenchSmokeTests) so the benchmarks keep building and measuring the right thing
/// between recorded runs. The calibration modes (calibrate, active-liveness, attack-kinds, enrolment-quality)
/// read the whole calibration set, which the tests' own calibration tests already exercise.
/// </summary>
public static class Smoke
{
    /// <summary>Throws if the benchmark frame is refused by its own enrolment or a stranger's template is accepted.</summary>
    public static void Run()
    {
        var bench = new CheckInBenchmarks();
        bench.Setup();
        try
        {
            if (!bench.CheckIn720p())
            {
                throw new InvalidOperationException("the benchmark frame was refused against its own enrolment");
            }

            if (bench.CheckInAgainstStranger())
            {
                throw new InvalidOperationException("the benchmark frame was accepted against another face's template");
            }
        }
        finally
        {
            bench.Cleanup();
        }

        // `stages`: one setting, one warm-up, one timed check-in (it throws if the frame is refused).
        StageTiming.Run(iterations: 1, settings: 1, warmUps: 1);
    }
}
