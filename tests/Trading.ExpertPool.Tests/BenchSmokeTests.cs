namespace Trading.ExpertPool.Tests;

/// <summary>
/// Trading.ExpertPool.Bench at a pool of 2,000 instead of 100,000: the screen, the whole draw and both verifications
/// it times, results checked (never time), so the benchmark keeps building and measuring the right thing.
/// </summary>
public sealed class BenchSmokeTests
{
    [Fact]
    public void ExpertPool_bench_smoke_run_draws_a_full_verifiable_committee()
    {
        var (screening, drawn) = Trading.ExpertPool.Bench.Smoke.Run(2_000);

        Assert.NotEmpty(screening.Excluded); // the pool plants suspensions, conflicts and the like
        Assert.Equal(DrawPhase.Drawn, drawn.Phase);
        // The bench's request: civil works 4, outside-city structures 2, economics 2, each filled from its own eligible.
        Assert.Equal([("1-civil", 4), ("2-structures-outside", 2), ("3-econ", 2)], drawn.Strata.Select(s => (s.Stratum, s.Selected.Count)));
        var eligible = drawn.Eligible.ToDictionary(e => e.Pseudonym, e => e.Strata);
        Assert.All(drawn.Strata, s => Assert.All(s.Selected, p => Assert.Contains(s.Stratum, eligible[p])));
        Assert.Equal(8, drawn.Strata.SelectMany(s => s.Selected).Distinct().Count());
    }
}
