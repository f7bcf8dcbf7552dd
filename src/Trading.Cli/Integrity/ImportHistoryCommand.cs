using System.CommandLine;
using System.Globalization;
using Trading.Integrity;
using Trading.Integrity.Import;

namespace Trading.Cli.Integrity;

/// <summary>
/// <c>trading import-history FILE [--into FOLDER]</c>: reads a centre's past results (CSV one row per bid, or an OCDS
/// package as .json) with the same importer the web app uses, says what it found and which rows it skipped and why, and
/// with <c>--into</c> copies the file into the folder the app reads (<c>Integrity:HistoryImportFolder</c>), so the
/// collusion screens have their history from the first day. Exit codes: 0 read (and copied), 2 refused.
/// </summary>
public static class ImportHistoryCommand
{
    private const int Refused = 2;

    /// <summary>The commands to add to the root command.</summary>
    public static IEnumerable<Command> Build()
    {
        var file = new Argument<FileInfo>("file") { Description = "Past results: *.csv (one row per bid) or *.json (OCDS release or record package)" };
        var into = new Option<DirectoryInfo?>("--into") { Description = "Copy the file, once read, into this folder (the app's Integrity:HistoryImportFolder)" };
        var force = new Option<bool>("--force") { Description = "Replace a file of the same name in the folder" };
        var lang = new Option<string>("--lang")
        {
            Description = "Language of messages: en or zh-CN (default: from the system culture)",
            DefaultValueFactory = _ => CultureInfo.CurrentUICulture.Name.StartsWith("zh", StringComparison.OrdinalIgnoreCase) ? "zh-CN" : "en",
        };
        var cmd = new Command("import-history", "Read a centre's past results for the collusion screens and optionally add them to the app's history folder");
        cmd.Arguments.Add(file);
        cmd.Options.Add(into);
        cmd.Options.Add(force);
        cmd.Options.Add(lang);
        cmd.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            var zh = parse.GetValue(lang)!.StartsWith("zh", StringComparison.OrdinalIgnoreCase);
            var source = parse.GetValue(file)!;
            HistoryImport read;
            try
            {
                using var stream = source.OpenRead();
                read = source.Extension.Equals(".json", StringComparison.OrdinalIgnoreCase) ? HistoryImporter.ReadOcds(stream) : HistoryImporter.ReadCsv(stream);
            }
            catch (IntegrityInputException e)
            {
                error.WriteLine(zh ? $"{e.Rule}：该文件不是可导入的历史成交记录（{e.Message}）" : $"{e.Rule}: the file is not a history that can be imported ({e.Message})");
                return Refused;
            }
            catch (IOException e)
            {
                error.WriteLine(zh ? $"无法读取文件：{e.Message}" : $"The file cannot be read: {e.Message}");
                return Refused;
            }
            var lots = read.History.Lots;
            var withReference = lots.Count(l => l.Reference is not null);
            var withWinner = lots.Count(l => l.WinnerFirmId is not null);
            output.WriteLine(zh
                ? $"已读取 {lots.Count} 个标段、{read.Bids} 份投标；{withReference} 个标段有估算价或招标控制价，{withWinner} 个标段有中标人；跳过 {read.Skipped.Count} 行。"
                : $"Read {lots.Count} lots and {read.Bids} bids; {withReference} lots carry an estimate or control price, {withWinner} a winner; {read.Skipped.Count} rows skipped.");
            foreach (var reason in read.Skipped.Take(50))
            {
                output.WriteLine((zh ? "  跳过：" : "  skipped: ") + reason);
            }
            if (lots.Count == 0)
            {
                error.WriteLine(zh ? "文件中没有可用的标段，未复制。" : "No usable lot in the file; nothing copied.");
                return Refused;
            }
            if (parse.GetValue(into) is { } folder)
            {
                Directory.CreateDirectory(folder.FullName);
                var target = Path.Combine(folder.FullName, source.Name);
                if (File.Exists(target) && !parse.GetValue(force))
                {
                    error.WriteLine(zh ? $"{target} 已存在（使用 --force 替换）。" : $"{target} exists (use --force to replace it).");
                    return Refused;
                }
                File.Copy(source.FullName, target, overwrite: true);
                output.WriteLine(zh ? $"已复制到 {target}；下一次筛查起生效。" : $"Copied to {target}; the next screening run reads it.");
            }
            return 0;
        });
        return [cmd];
    }
}
