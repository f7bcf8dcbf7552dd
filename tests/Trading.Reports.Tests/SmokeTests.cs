namespace Trading.Reports.Tests;

public class SmokeTests
{
    [Fact]
    public void Chinese_report_text_comes_back()
    {
        var r = new Report(new ReportOptions { Culture = "zh-CN", Title = "开标记录表", Subtitle = "招标编号 ZB-2026-001", Footer = "生成时间 2026-11-22 由 系统 生成" });
        r.Heading("一、基本信息").Paragraph("本项目采用电子招标方式，开标时间为二〇二六年十一月二十二日。");
        r.KeyValues(("项目名称", "市政道路改造工程"), ("预算金额", "1,234,567.00 元"));
        r.Table([new ReportColumn("投标人", 3), new ReportColumn("报价（元）", 1.5, ColumnAlign.Right)], [["某某建设有限公司", "1,000,000.00"], ["另一家公司", "999.00"]]);
        var pdf = r.Render();
        File.WriteAllBytes("/tmp/reports-smoke.pdf", pdf);
        var pages = Pdf.Pages(pdf);
        Assert.Single(pages);
        Assert.Contains("开标记录表", pages[0]);
        Assert.Contains("第 1 页 / 共 1 页", pages[0]);
    }
}
