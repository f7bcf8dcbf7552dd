using Trading.PublicLog.Bench;

namespace Trading.PublicLog.Tests;

/// <summary>
/// Trading.PublicLog.Bench and bench/cli-verify-log.sh at a tiny size: the code paths they measure, results checked
/// (never time), so the benchmarks keep building and measuring the right thing between recorded runs.
/// </summary>
public sealed class BenchSmokeTests
{
    private const int Entries = 2_000;

    [Fact]
    public void PublicLog_bench_smoke_run_verifies_and_gives_the_reference_root()
    {
        var result = Smoke.Run(Entries);

        Assert.Equal(Entries, result.Entries.Count);
        Assert.Equal(MerkleReference.Mth(result.Entries, 0, Entries), result.Root);
    }

    /// <summary>
    /// What bench/cli-verify-log.sh times: the built `trading verify-log` process over the files `--cli-files` writes
    /// (here 2,000 entries instead of 1,000,000), with the script's arguments; and the same files with one entry
    /// changed must fail, so a verify-log that passes anything would not pass here.
    /// </summary>
    [Fact]
    public async Task Cli_verify_log_bench_files_verify_and_a_changed_entry_does_not()
    {
        var dir = Directory.CreateTempSubdirectory("trading-bench-smoke-");
        try
        {
            CliFiles.Write(dir.FullName, Entries);
            var (code, output) = await VerifyLogAsync(dir.FullName);
            Assert.True(code == 0, output);
            Assert.Contains($"entries {Entries}, checkpoints 10, verified size {Entries}", output, StringComparison.Ordinal);

            var path = Path.Combine(dir.FullName, "entries.jsonl");
            var lines = await File.ReadAllLinesAsync(path, TestContext.Current.CancellationToken);
            lines[1234] = lines[1234].Replace("T-2026-00024", "T-2026-00025", StringComparison.Ordinal);
            await File.WriteAllLinesAsync(path, lines, TestContext.Current.CancellationToken);
            (code, output) = await VerifyLogAsync(dir.FullName);
            Assert.True(code == 1, output);
            Assert.Contains("first bad index: 1234", output, StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static Task<(int ExitCode, string Output)> VerifyLogAsync(string dir) =>
        CliProcess.RunAsync("verify-log", Path.Combine(dir, "entries.jsonl"), "--checkpoints", Path.Combine(dir, "checkpoints.json"),
            "--log-cert", Path.Combine(dir, "log-signing.crt"), "--issuing", Path.Combine(dir, "issuing-ca.crt"), "--root", Path.Combine(dir, "root-ca.crt"), "--lang", "en");
}
