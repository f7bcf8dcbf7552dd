using System.CommandLine;
using System.Globalization;
using Trading.ExpertPool;

namespace Trading.Cli.ExpertPool;

/// <summary>
/// <c>trading verify-draw record.json</c>: recomputes an expert draw from its exported record alone
/// (request hash, list hash, commitments, seed, ordering, selection, replacements) and names the first
/// step that differs. Exit codes: 0 verified, 1 a step failed, 2 the file cannot be read.
/// </summary>
public static class DrawCommands
{
    /// <summary>The commands to add to the root command.</summary>
    public static IEnumerable<Command> Build() => [BuildVerifyDraw()];

    private static Command BuildVerifyDraw()
    {
        var file = new Argument<FileInfo>("record") { Description = "Draw record JSON exported from the site (trading/expert-draw-record/v1)" };
        var lang = new Option<string>("--lang")
        {
            Description = "Language of messages: en or zh-CN (default: from the system culture)",
            DefaultValueFactory = _ => CultureInfo.CurrentUICulture.Name.StartsWith("zh", StringComparison.OrdinalIgnoreCase) ? "zh-CN" : "en",
        };
        var cmd = new Command("verify-draw", "Recompute an expert draw from its record and report the first step that differs");
        cmd.Arguments.Add(file);
        cmd.Options.Add(lang);
        cmd.SetAction(parse => VerifyFile(parse.GetValue(file)!.FullName, parse.GetValue(lang)!, Console.Out));
        return cmd;
    }

    /// <summary>Verifies the record in <paramref name="path"/>, writing one line per step; returns the exit code.</summary>
    public static int VerifyFile(string path, string language, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var zh = language.StartsWith("zh", StringComparison.OrdinalIgnoreCase);
        var culture = zh ? "zh-CN" : "en";
        VerificationReport report;
        try
        {
            using var stream = File.OpenRead(path);
            report = DrawVerifier.Verify(stream);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            output.WriteLine((zh ? "无法读取文件：" : "cannot read the record: ") + e.Message);
            return 2;
        }
        foreach (var line in DrawVerifier.Describe(report, culture))
        {
            output.WriteLine("  " + line);
        }
        if (report.Ok)
        {
            output.WriteLine(zh ? "抽取记录验证通过" : "Draw record verified");
            return 0;
        }
        var first = report.FirstFailure!;
        output.WriteLine((zh ? "验证失败，第一个不符的步骤：" : "Verification FAILED at step: ") + first.Step);
        return 1;
    }
}
