using System.Diagnostics;

namespace Trading.PublicLog.Tests;

/// <summary>
/// Runs the built `trading` command-line tool as its own process, as an outsider runs it: no database, no web app, only
/// files. Shared with the web tests (their Log/CliRunner), which compile this file too.
/// </summary>
public static class CliProcess
{
    /// <summary>The tool built beside the calling test project: tests/&lt;project&gt;/bin/&lt;Configuration&gt;/&lt;tfm&gt;/ → src/Trading.Cli/bin/&lt;Configuration&gt;/&lt;tfm&gt;/trading.dll.</summary>
    public static string ToolPath
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            var repo = dir.Parent!.Parent!.Parent!.Parent!.Parent!.FullName;
            var path = Path.Combine(repo, "src", "Trading.Cli", "bin", dir.Parent.Name, dir.Name, "trading.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException("The trading CLI is not built (the test project builds it).", path);
        }
    }

    /// <summary>The tool's exit code and its standard output followed by its standard error; given up after two minutes.</summary>
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
