using Trading.Web.Tests.Infrastructure;

namespace Trading.Web.Tests;

/// <summary><c>trading import-history</c> on real files: a history is read, reported and copied; a non-history is refused by rule.</summary>
public class ImportHistoryCliTests
{
    [Fact]
    public void A_past_results_file_is_read_reported_and_copied_into_the_history_folder_and_a_non_history_is_refused()
    {
        var dir = Directory.CreateTempSubdirectory("import-history-");
        try
        {
            var csv = Path.Combine(dir.FullName, "past.csv");
            File.WriteAllText(csv, "标段编号,开标时间,类别,地区,招标控制价,估算价,投标人,投标报价,是否中标\n" +
                "L1,2024-03-05 09:30,works/roads,R01,1080000,1000000,F01,965000,是\n" +
                "L1,2024-03-05 09:30,works/roads,R01,1080000,1000000,F02,-3,\n" +
                "L1,2024-03-05 09:30,works/roads,R01,1080000,1000000,F03,1012000,\n");
            var folder = Path.Combine(dir.FullName, "history");
            var (code, output, error) = TradingCli.Run("import-history", csv, "--into", folder, "--lang", "en");
            Assert.True(code == 0, error);
            Assert.Contains("Read 1 lots and 2 bids; 1 lots carry an estimate or control price, 1 a winner; 1 rows skipped.", output, StringComparison.Ordinal);
            Assert.Contains("is not a positive amount", output, StringComparison.Ordinal);
            Assert.Equal(File.ReadAllText(csv), File.ReadAllText(Path.Combine(folder, "past.csv")));
            // Copying again needs --force; a file that is no history is refused with its rule and nothing is copied.
            Assert.Equal(2, TradingCli.Run("import-history", csv, "--into", folder).Code);
            var notes = Path.Combine(dir.FullName, "notes.csv");
            File.WriteAllText(notes, "name,phone\nA,1\n");
            var refused = TradingCli.Run("import-history", notes, "--into", folder, "--lang", "zh-CN");
            Assert.Equal(2, refused.Code);
            Assert.Contains("不是可导入的历史成交记录", refused.Err, StringComparison.Ordinal);
            Assert.False(File.Exists(Path.Combine(folder, "notes.csv")));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
