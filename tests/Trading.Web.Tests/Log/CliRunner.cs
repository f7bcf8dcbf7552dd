using System.Diagnostics;

namespace Trading.Web.Tests.Log;

/// <summary>Runs the built `trading` command-line tool as its own process: no database, no web app, only files.</summary>
public static class CliRunner
{
    public static string ToolPath
    {
        get
        {
            // tests/Trading.Web.Tests/bin/<Configuration>/<tfm>/ → src/Trading.Cli/bin/<Configuration>/<tfm>/trading.dll
            var dir = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            var tfm = dir.Name;
            var configuration = dir.Parent!.Name;
            var repo = dir.Parent.Parent!.Parent!.Parent!.Parent!.FullName;
            var path = Path.Combine(repo, "src", "Trading.Cli", "bin", configuration, tfm, "trading.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException("The trading CLI is not built (the test project builds it).", path);
        }
    }

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

    public static async Task<(int ExitCode, string Output)> RunAsync(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(ToolPath);
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await p.WaitForExitAsync(cts.Token);
        return (p.ExitCode, await stdout + await stderr);
    }
}
