namespace Trading.ExpertPool.Bench;

/// <summary>
/// The draw benchmark's code paths on a pool of a couple of thousand experts, results checked and never time: the
/// test suite runs this (Trading.ExpertPool.Tests, BenchSmokeTests) so the benchmark keeps building and measuring
/// the right thing between recorded runs.
/// </summary>
public static class Smoke
{
    public sealed record Result(EligibilityResult Screening, DrawRecord Drawn);

    /// <summary>Throws if the draw does not verify or the measured steps disagree; returns the screening and the draw for the caller's checks.</summary>
    public static Result Run(int poolSize)
    {
        var bench = new DrawBenchmarks { PoolSize = poolSize };
        bench.Setup(); // refuses a record that does not verify
        var screening = bench.Screen();
        if (screening.Eligible.Count + screening.Excluded.Count != poolSize)
        {
            throw new InvalidOperationException("the screen lost experts");
        }

        var drawn = bench.PrepareAndDraw();
        if (!bench.Verify() || !bench.VerifyJson() || !DrawVerifier.Verify(drawn).Ok)
        {
            throw new InvalidOperationException("the drawn record does not verify");
        }

        // The parts timed on their own (`--profile`) compute the same draw as the whole.
        var last = bench.DrawOnly();
        if (DrawRecordJson.Serialize(last) != DrawRecordJson.Serialize(drawn))
        {
            throw new InvalidOperationException("drawing from the revealed record gave another result");
        }

        bench.Pseudonyms();
        return new Result(screening, drawn);
    }
}
