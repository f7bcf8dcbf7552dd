namespace Trading.Web.Tests.Log;

/// <summary>Runs the built `trading` command-line tool as its own process: no database, no web app, only files.</summary>
public static class CliRunner
{
    public static string ToolPath => Trading.PublicLog.Tests.CliProcess.ToolPath;

    /// <summary>
    /// Downloads the public log, its checkpoints and the centre's certificates as an outsider would, and runs
    /// `trading verify-log` on them; <paramref name="checkpointsOverride"/> replaces the downloaded checkpoints.
    /// </summary>
    public static async Task<(int ExitCode, string Output)> VerifyDownloadedLogAsync(HttpClient anonymous, string? checkpointsOverride = null)
    {
        var dir = Path.Combine(Path.GetTempPath(), "trading-verify-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        try
        {
            await File.WriteAllBytesAsync(Path.Combine(dir, "e.jsonl"), await anonymous.GetByteArrayAsync("/api/log/entries.jsonl"));
            await File.WriteAllTextAsync(Path.Combine(dir, "c.json"), checkpointsOverride ?? await anonymous.GetStringAsync("/api/log/checkpoints"));
            foreach (var f in new[] { "root-ca.crt", "issuing-ca.crt", "log-signing.crt" })
                await File.WriteAllTextAsync(Path.Combine(dir, f), await anonymous.GetStringAsync($"/api/log/certificates/{f}"));
            return await RunAsync("verify-log", Path.Combine(dir, "e.jsonl"), "--checkpoints", Path.Combine(dir, "c.json"),
                "--log-cert", Path.Combine(dir, "log-signing.crt"), "--issuing", Path.Combine(dir, "issuing-ca.crt"), "--root", Path.Combine(dir, "root-ca.crt"), "--lang", "en");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    public static Task<(int ExitCode, string Output)> RunAsync(params string[] args) => Trading.PublicLog.Tests.CliProcess.RunAsync(args);
}
