using System.Text;
using Trading.Integrity.Documents;
using Trading.Integrity.Model;
using Trading.Integrity.Simulation;

namespace Trading.Integrity.Tests;

public class DocumentScreensTests
{
    private static OpenedLot WithFiles(int n, Func<int, IReadOnlyList<BidAttachment>> files, IReadOnlyList<BidAttachment>? templates = null) =>
        TestLots.Lot(n, (i, b) => b with { Attachments = files(i) }) with { TenderTemplates = templates ?? [] };

    private static IReadOnlyList<Finding> L4a(LotScreenReport r) => r.Findings.Where(f => f.IndicatorId == "L4a").ToList();

    [Fact]
    public void Reads_docx_text_and_author()
    {
        var bytes = MarketSimulator.Docx(["第一段 hello world", "second paragraph"], "张三");
        var content = AttachmentReader.Read(new BidAttachment("a.docx", bytes));
        Assert.Null(content.Note);
        Assert.Contains("hello world", content.Pages[0].Text, StringComparison.Ordinal);
        Assert.Contains("second paragraph", content.Pages[0].Text, StringComparison.Ordinal);
        Assert.Equal("张三", content.Metadata["author"]);
    }

    [Fact]
    public void Reads_pdf_text_pages_and_author_through_pdfpig()
    {
        var paragraphs = Enumerable.Range(0, 70).Select(i => $"line{i} alpha beta gamma").ToList();
        var content = AttachmentReader.Read(new BidAttachment("a.pdf", MarketSimulator.Pdf(paragraphs, "li.si")));
        Assert.Null(content.Note);
        Assert.Equal(2, content.Pages.Count);
        Assert.Equal([1, 2], content.Pages.Select(p => p.Page!.Value));
        Assert.Contains("line0 alpha beta gamma", content.Pages[0].Text, StringComparison.Ordinal);
        Assert.Contains("line69", content.Pages[1].Text, StringComparison.Ordinal);
        Assert.Equal("li.si", content.Metadata["author"]);
    }

    [Fact]
    public void Malformed_attachments_are_skipped_with_a_note()
    {
        var lot = WithFiles(3, i => i == 1
            ? [new BidAttachment("broken.pdf", Encoding.ASCII.GetBytes("%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage")),
               new BidAttachment("broken.docx", new byte[] { 0x50, 0x4B, 0x03, 0x04, 1, 2, 3 }),
               new BidAttachment("photo.jpg", new byte[] { 0xFF, 0xD8, 0xFF, 0x00, 0x01, 0x02, 0x00, 0x00 })]
            : [TestLots.Text("t.txt", TestLots.Words(i, 100))]);
        var report = IntegrityScreens.ScreenLot(lot);
        Assert.Equal(3, report.Notes.Count(n => n.BidId == "B1"));
        Assert.Contains(report.Notes, n => n.FileName == "broken.pdf" && n.Message.Key == "note.attachment.malformed");
        Assert.Contains(report.Notes, n => n.FileName == "photo.jpg" && n.Message.Key == "note.attachment.unknown");
        Assert.Empty(L4a(report));
    }

    [Fact]
    public void Reads_gbk_text()
    {
        var gbk = System.Text.CodePagesEncodingProvider.Instance.GetEncoding(936)!;
        var content = AttachmentReader.Read(new BidAttachment("说明.txt", gbk.GetBytes("投标人：测试第3号建设工程有限公司\n第二行")));
        Assert.Null(content.Note);
        Assert.StartsWith("投标人：测试第3号", content.Pages[0].Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Truncated_or_corrupted_files_never_throw()
    {
        var pdf = MarketSimulator.Pdf([TestLots.Words(1, 200)], "a");
        var docx = MarketSimulator.Docx([TestLots.Words(2, 200)], "b");
        var rng = new Random(9);
        foreach (var whole in new[] { pdf, docx })
        {
            for (var cut = 5; cut < whole.Length; cut += Math.Max(1, whole.Length / 37))
            {
                var truncated = AttachmentReader.Read(new BidAttachment("t", whole.AsMemory(0, cut)));
                Assert.True(truncated.Note is not null || truncated.Pages.Count > 0, $"cut at {cut}");
                var flipped = (byte[])whole.Clone();
                flipped[rng.Next(8, whole.Length)] ^= 0x5A;
                var corrupted = AttachmentReader.Read(new BidAttachment("c", flipped));
                Assert.Equal(64, corrupted.Sha256.Length);
            }
        }
    }

    [Fact]
    public void Identical_bid_specific_attachment_is_conclusive_and_a_template_is_not()
    {
        var shared = TestLots.Text("plan.txt", "Construction plan for LOT-1. " + TestLots.Words(99, 200));
        var lot = WithFiles(5, i => i is 2 or 4 ? [shared] : [TestLots.Text("own.txt", TestLots.Words(i, 200))]);
        var f = Assert.Single(L4a(IntegrityScreens.ScreenLot(lot)), f => f.Basis == "sha256");
        Assert.Equal(Grade.Conclusive, f.Grade);
        Assert.Equal(["F2", "F4"], f.FirmIds);

        var asTemplate = lot with { TenderTemplates = [shared] };
        Assert.Empty(L4a(IntegrityScreens.ScreenLot(asTemplate)));
    }

    [Fact]
    public void An_identical_file_that_does_not_name_the_lot_is_only_a_lead()
    {
        // A template vendor's unedited safety rules, used by two of its clients.
        var vendor = TestLots.Text("safety-rules.txt", TestLots.Words(97, 200));
        var lot = WithFiles(5, i => i is 2 or 4 ? [vendor, TestLots.Text("own.txt", TestLots.Words(i, 200))] : [TestLots.Text("own.txt", TestLots.Words(i, 200))]);
        var f = Assert.Single(L4a(IntegrityScreens.ScreenLot(lot)), f => f.Basis == "sha256");
        Assert.Equal(Grade.Lead, f.Grade);
        Assert.Contains("未提及本项目", f.Explanation.ZhCn, StringComparison.Ordinal);
    }

    [Fact]
    public void Evidence_frequency_an_identical_file_other_firms_submitted_before_is_no_evidence_and_the_suspects_own_history_is_a_lead()
    {
        var file = TestLots.Text("plan.txt", "Construction plan for LOT-1. " + TestLots.Words(96, 200));
        var lot = WithFiles(5, i => i is 2 or 4 ? [file] : [TestLots.Text("own.txt", TestLots.Words(i, 200))]);

        var common = new DocumentBaseline();
        common.AddBid("F9", [file], "PAST-1");
        Assert.DoesNotContain(L4a(IntegrityScreens.ScreenLot(lot, new ScreeningBaseline(null, common))), f => f.Basis == "sha256");

        var own = new DocumentBaseline();
        own.AddBid("F2", [file], "PAST-1");
        own.AddBid("F4", [file], "PAST-2");
        var f = Assert.Single(L4a(IntegrityScreens.ScreenLot(lot, new ScreeningBaseline(null, own))), f => f.Basis == "sha256");
        Assert.Equal(Grade.Lead, f.Grade);
        Assert.Contains("2 earlier lot", f.Explanation.En, StringComparison.Ordinal);
    }

    [Fact]
    public void A_cartels_own_earlier_files_do_not_make_its_author_common_but_unrelated_firms_do()
    {
        BidAttachment Doc(int i, string author) => new("p.docx", MarketSimulator.Docx([TestLots.Words(i, 100)], author));
        var lot = WithFiles(4, i => [Doc(i, i is 1 or 2 ? "chen.leader" : "other" + i)]);
        var own = new DocumentBaseline();
        foreach (var k in Enumerable.Range(0, 6))
        {
            own.AddBid(k % 2 == 0 ? "F1" : "F2", [Doc(100 + k, "chen.leader")], "PAST-" + k);
        }
        own.AddBid("F7", [Doc(200, "chen.leader")], "PAST-X");
        Assert.Single(L4a(IntegrityScreens.ScreenLot(lot, new ScreeningBaseline(null, own))), f => f.Basis == "author");

        // A software default in many unrelated firms' files is not evidence.
        own.AddBid("F8", [Doc(201, "chen.leader")], "PAST-Y");
        Assert.DoesNotContain(L4a(IntegrityScreens.ScreenLot(lot, new ScreeningBaseline(null, own))), f => f.Basis == "author");
    }

    [Fact]
    public void A_file_most_bidders_share_is_only_a_lead()
    {
        var shared = TestLots.Text("form.txt", TestLots.Words(98, 200));
        var lot = WithFiles(4, i => i <= 3 ? [shared, TestLots.Text("own.txt", TestLots.Words(i, 200))] : [TestLots.Text("own.txt", TestLots.Words(i, 200))]);
        var f = Assert.Single(L4a(IntegrityScreens.ScreenLot(lot)), f => f.Basis == "sha256");
        Assert.Equal(Grade.Lead, f.Grade);
    }

    [Fact]
    public void A_copied_rare_passage_is_a_lead_with_the_passage_as_evidence()
    {
        var copied = TestLots.Words(77, 60);
        var lot = WithFiles(5, i => [TestLots.Text("p.txt", TestLots.Words(i, 300) + (i is 1 or 3 ? " " + copied + " " : " ") + TestLots.Words(i + 50, 100))]);
        var f = Assert.Single(L4a(IntegrityScreens.ScreenLot(lot)), f => f.Basis == "passages");
        Assert.Equal(Grade.Lead, f.Grade);
        Assert.Equal(["F1", "F3"], f.FirmIds);
        Assert.Contains(f.Evidence, e => e.Kind == "passage" && e.Value!.StartsWith(copied[..30], StringComparison.Ordinal));
    }

    [Fact]
    public void A_passage_from_the_tender_documents_or_common_in_history_is_not_evidence()
    {
        var template = TestLots.Words(77, 60);
        var lot = WithFiles(5, i => [TestLots.Text("p.txt", TestLots.Words(i, 300) + (i is 1 or 3 ? " " + template + " " : " ") + TestLots.Words(i + 50, 100))]);
        var withTemplate = lot with { TenderTemplates = [TestLots.Text("form.txt", template)] };
        Assert.DoesNotContain(L4a(IntegrityScreens.ScreenLot(withTemplate)), f => f.Basis == "passages");

        var history = new DocumentBaseline();
        foreach (var firm in new[] { "X1", "X2", "X3" })
        {
            history.AddBid(firm, [TestLots.Text("old.txt", template)]);
        }
        var report = IntegrityScreens.ScreenLot(lot, new ScreeningBaseline(null, history));
        Assert.DoesNotContain(L4a(report), f => f.Basis == "passages");
    }

    [Fact]
    public void Near_duplicate_documents_are_found_by_minhash_and_confirmed_exactly()
    {
        var body = TestLots.Words(55, 400);
        var lot = WithFiles(6, i => [TestLots.Text("p.txt", i is 2 or 5 ? body + " " + TestLots.Words(i, 20) : TestLots.Words(i, 400))]);
        var f = Assert.Single(L4a(IntegrityScreens.ScreenLot(lot)), f => f.Basis == "minhash");
        Assert.Equal(["F2", "F5"], f.FirmIds);
        Assert.True(f.Score >= 0.8, $"Jaccard {f.Score}");
    }

    [Fact]
    public void Same_personal_author_is_a_lead_and_default_authors_are_ignored()
    {
        BidAttachment Doc(int i, string author) => new("p.docx", MarketSimulator.Docx([TestLots.Words(i, 100)], author));
        var lot = WithFiles(4, i => [Doc(i, i is 1 or 2 ? "wang.wei" : i == 3 ? "Administrator" : "zhao.liu")]);
        var f = Assert.Single(L4a(IntegrityScreens.ScreenLot(lot)));
        Assert.Equal(("author", Grade.Lead), (f.Basis, f.Grade));
        Assert.Equal(["F1", "F2"], f.FirmIds);

        var defaults = WithFiles(4, i => [Doc(i, i <= 2 ? "Administrator" : "微软用户")]);
        Assert.Empty(L4a(IntegrityScreens.ScreenLot(defaults)));
    }

    [Fact]
    public void A_bid_naming_another_bidder_is_conclusive()
    {
        var lot = WithFiles(4, i => [new BidAttachment("p.docx", MarketSimulator.Docx(
            [TestLots.Words(i, 50), i == 2 ? "投标人：测试第3号建设工程有限公司（盖章）" : $"投标人：测试第{i}号建设工程有限公司（盖章）"], "x"))]);
        var f = Assert.Single(IntegrityScreens.ScreenLot(lot).Findings, f => f.IndicatorId == "L5");
        Assert.Equal(Grade.Conclusive, f.Grade);
        Assert.Equal(["F2", "F3"], f.FirmIds);
        Assert.Contains("测试第3号", f.Evidence[0].Value, StringComparison.Ordinal);
        Assert.Equal("B2", f.Evidence[0].BidId);
    }

    [Theory]
    [InlineData("项目业绩：2022年承接的分包工程，发包人：测试第3号建设工程有限公司，已竣工验收。", "as-past-party")]
    [InlineData("Past project: subcontract works for employer 测试第3号建设工程有限公司.", "as-past-party")]
    [InlineData("测试第3号建设工程有限公司", "named")]
    public void A_competitor_named_as_past_employer_or_without_a_role_is_only_a_lead(string line, string basis)
    {
        var lot = WithFiles(4, i => [new BidAttachment("p.docx", MarketSimulator.Docx(
            [TestLots.Words(i, 50), $"投标人：测试第{i}号建设工程有限公司（盖章）", i == 2 ? line : TestLots.Words(i + 10, 10)], "x"))]);
        var f = Assert.Single(IntegrityScreens.ScreenLot(lot).Findings, f => f.IndicatorId == "L5");
        Assert.Equal((Grade.Lead, basis), (f.Grade, f.Basis));
        Assert.Equal(["F2", "F3"], f.FirmIds);
    }

    [Fact]
    public void No_attachments_means_not_enough_data()
    {
        var report = IntegrityScreens.ScreenLot(TestLots.Lot(5));
        Assert.Equal(ScreenStatus.NotEnoughData, report.Outcomes.Single(o => o.IndicatorId == "L4a").Status);
        Assert.Equal(ScreenStatus.NotEnoughData, report.Outcomes.Single(o => o.IndicatorId == "L5").Status);
        Assert.Empty(report.Notes);
    }
}
