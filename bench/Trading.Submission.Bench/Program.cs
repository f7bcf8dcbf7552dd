// Load test of bid submission and opening, on the real app (Kestrel, PostgreSQL, files), driven like the web tests.
//   dotnet run -c Release --project bench/Trading.Submission.Bench -- [bids] [sizeMiB] [results.md]
// Defaults: 200 bids of 20 MiB. It reports accepted, lost, receipt latency p50/p99, peak memory, then opens the bids
// with the three holders and compares with raw AES-GCM over the same bytes (LoadTest.cs).
using System.Globalization;

namespace Trading.Submission.Bench;

internal static class Program
{
    public static async Task Main(string[] args)
    {
        var bids = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 200;
        var sizeMiB = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 20;
        var resultsPath = args.Length > 2 ? args[2] : "bench/results/submission.md";

        // Outside a test project WebApplicationFactory cannot guess the app's content root; point it at the project.
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Trading.sln"))) root = root.Parent;
        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_TRADING_WEB", Path.Combine(root!.FullName, "src", "Trading.Web"));
        await LoadTest.RunAsync(bids, sizeMiB, resultsPath);
    }
}
