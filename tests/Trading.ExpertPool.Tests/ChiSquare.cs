namespace Trading.ExpertPool.Tests;

/// <summary>
/// Chi-square upper tail via the regularized incomplete gamma function. Written here because no
/// package in Directory.Packages.props provides it (MathNet.Numerics is not listed), and adding a
/// shared dependency for one test function is not worth it: series for x &lt; a + 1, Lentz's
/// continued fraction otherwise, Lanczos log-gamma (the textbook method, accurate to ~1e-10 here).
/// </summary>
internal static class ChiSquare
{
    /// <summary>P(X &gt;= x) for X chi-square with <paramref name="df"/> degrees of freedom.</summary>
    public static double UpperTail(double x, int df) => x <= 0 ? 1.0 : UpperRegularizedGamma(df / 2.0, x / 2.0);

    public static double UpperRegularizedGamma(double a, double x)
    {
        if (x < a + 1)
        {
            return 1.0 - LowerSeries(a, x);
        }
        return UpperContinuedFraction(a, x);
    }

    private static double LowerSeries(double a, double x)
    {
        var sum = 1.0 / a;
        var term = sum;
        for (var n = 1; n < 1000; n++)
        {
            term *= x / (a + n);
            sum += term;
            if (Math.Abs(term) < Math.Abs(sum) * 1e-15)
            {
                break;
            }
        }
        return sum * Math.Exp(-x + a * Math.Log(x) - LogGamma(a));
    }

    private static double UpperContinuedFraction(double a, double x)
    {
        const double tiny = 1e-300;
        var b = x + 1 - a;
        var c = 1 / tiny;
        var d = 1 / b;
        var h = d;
        for (var i = 1; i < 1000; i++)
        {
            var an = -i * (i - a);
            b += 2;
            d = an * d + b;
            if (Math.Abs(d) < tiny)
            {
                d = tiny;
            }
            c = b + an / c;
            if (Math.Abs(c) < tiny)
            {
                c = tiny;
            }
            d = 1 / d;
            var delta = d * c;
            h *= delta;
            if (Math.Abs(delta - 1) < 1e-15)
            {
                break;
            }
        }
        return Math.Exp(-x + a * Math.Log(x) - LogGamma(a)) * h;
    }

    private static readonly double[] Lanczos =
    [
        0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
        -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
    ];

    public static double LogGamma(double x)
    {
        if (x < 0.5)
        {
            return Math.Log(Math.PI / Math.Sin(Math.PI * x)) - LogGamma(1 - x);
        }
        x -= 1;
        var sum = Lanczos[0];
        for (var i = 1; i < Lanczos.Length; i++)
        {
            sum += Lanczos[i] / (x + i);
        }
        var t = x + 7.5;
        return 0.5 * Math.Log(2 * Math.PI) + (x + 0.5) * Math.Log(t) - t + Math.Log(sum);
    }
}
