using System.Buffers.Binary;
using System.Security.Cryptography;
using Trading.ExpertPool;

namespace Trading.ExpertPool.Tests;

public class UniformityTests(ITestOutputHelper output)
{
    private const int Draws = 100_000;
    private const int N = 20;
    private const int K = 5;

    private static byte[] SeedOf(int i)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(b, i);
        return SHA256.HashData(b);
    }

    [Fact]
    public void The_chi_square_tail_matches_known_values()
    {
        // Closed form for 2 degrees of freedom: exp(-x/2).
        foreach (var x in new[] { 0.5, 2.0, 7.3, 30.0 })
        {
            Assert.Equal(Math.Exp(-x / 2), ChiSquare.UpperTail(x, 2), 12);
        }
        // 1 degree of freedom: the tail is erfc(sqrt(x/2)); 3.841459 is the 5% point, 6.634897 the 1% point.
        Assert.Equal(0.05, ChiSquare.UpperTail(3.841459, 1), 6);
        Assert.Equal(0.01, ChiSquare.UpperTail(6.634897, 1), 6);
        // 19 degrees of freedom: 30.14353 is the 5% point, 36.19087 the 1% point (standard tables).
        Assert.Equal(0.05, ChiSquare.UpperTail(30.14353, 19), 5);
        Assert.Equal(0.01, ChiSquare.UpperTail(36.19087, 19), 5);
        Assert.Equal(Math.Log(24), ChiSquare.LogGamma(5), 12);
    }

    [Fact]
    public void Selection_and_first_place_are_uniform_over_100000_seeded_draws()
    {
        var selected = new long[N];
        var first = new long[N];
        var last = new long[N];
        for (var i = 0; i < Draws; i++)
        {
            var perm = DrawOrdering.Permutation(SeedOf(i), "1-tech", N);
            for (var j = 0; j < K; j++)
            {
                selected[perm[j]]++;
            }
            first[perm[0]]++;
            last[perm[N - 1]]++;
        }
        var pSelected = SelectionPValue(selected);
        var pFirst = MultinomialPValue(first);
        var pLast = MultinomialPValue(last);
        output.WriteLine($"selection frequency: p = {pSelected:F4}; first place: p = {pFirst:F4}; last reserve place: p = {pLast:F4} ({Draws} draws, {N} experts, {K} seats)");
        // With fixed seeds the p-values are fixed numbers; 0.001 is the bound a sound shuffle fails 1 time in 1000.
        Assert.True(pSelected > 0.001, $"selection p = {pSelected}");
        Assert.True(pFirst > 0.001, $"first-place p = {pFirst}");
        Assert.True(pLast > 0.001, $"last-place p = {pLast}");
    }

    [Fact]
    public void The_test_has_the_power_to_see_modulo_bias()
    {
        // The same stream reduced modulo without rejection from single bytes (256 mod 20 = 16 cells get 13/256, 4 get 12/256):
        // the same number of draws must flag it.
        var first = new long[N];
        for (var i = 0; i < Draws; i++)
        {
            using var s = new DrawOrdering.Stream(SeedOf(i), "1-tech");
            first[(int)((s.NextWord() & 0xFF) % N)]++;
        }
        var p = MultinomialPValue(first);
        output.WriteLine($"biased first place: p = {p:E2}");
        Assert.True(p < 1e-6, $"p = {p}");
    }

    [Fact]
    public void Permutations_are_permutations_and_depend_on_seed_and_stratum()
    {
        var a = DrawOrdering.Permutation(SeedOf(1), "a", 1000);
        Assert.Equal(Enumerable.Range(0, 1000), a.Order());
        Assert.Equal(a, DrawOrdering.Permutation(SeedOf(1), "a", 1000));
        Assert.NotEqual(a, DrawOrdering.Permutation(SeedOf(1), "b", 1000));
        Assert.NotEqual(a, DrawOrdering.Permutation(SeedOf(2), "a", 1000));
        Assert.Empty(DrawOrdering.Permutation(SeedOf(1), "a", 0));
        Assert.Equal([0], DrawOrdering.Permutation(SeedOf(1), "a", 1));
    }

    /// <summary>Pearson's statistic for cells that are one multinomial draw each: df = cells - 1.</summary>
    private static double MultinomialPValue(long[] counts)
    {
        double total = counts.Sum();
        var expected = total / counts.Length;
        var x = counts.Sum(c => (c - expected) * (c - expected) / expected);
        return ChiSquare.UpperTail(x, counts.Length - 1);
    }

    /// <summary>
    /// Selection counts are K-without-replacement per draw, not multinomial: cell covariance is
    /// D p(1-p) n/(n-1) (I - J/n), so the Pearson sum is scaled by (n-1)/(n(1-p)) to be
    /// chi-square with n-1 degrees of freedom (plain Pearson would be too lenient by 1/(1-p)).
    /// </summary>
    private static double SelectionPValue(long[] counts)
    {
        var n = counts.Length;
        var p = (double)K / n;
        var expected = (double)Draws * p;
        var pearson = counts.Sum(c => (c - expected) * (c - expected) / expected);
        var x = pearson * (n - 1) / (n * (1 - p));
        return ChiSquare.UpperTail(x, n - 1);
    }
}
