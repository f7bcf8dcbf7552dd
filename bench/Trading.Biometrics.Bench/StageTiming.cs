namespace Trading.Biometrics.Bench;

internal static class StageTiming
{
    public static void Run(int n) => Console.WriteLine(n);
}
