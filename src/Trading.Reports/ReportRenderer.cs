using PdfSharp;
using PdfSharp.Drawing;
using PdfSharp.Pdf;

namespace Trading.Reports;

/// <summary>
/// Two passes: layout places everything into per-page lists of drawing operations, which tells the page
/// count; drawing then runs those operations and adds the "page i of N" footer.
/// </summary>
internal sealed class ReportRenderer
{
    private const double Margin = 50;
    private const double TopMargin = 48;
    private const double BottomMargin = 36;
    private const double LineFactor = 1.4;
    private const double BodySize = 10;
    private const double TableSize = 9;
    private const double HeadingSize = 13;
    private const double TitleSize = 18;
    private const double SubtitleSize = 10.5;
    private const double FooterSize = 8;
    private const double CellPadX = 4;
    private const double CellPadY = 3;
    private const double Epsilon = 1e-6;

    private static readonly XColor Ink = XColor.FromArgb(0x1F, 0x23, 0x28);
    private static readonly XColor Muted = XColor.FromArgb(0x5F, 0x67, 0x70);
    private static readonly XColor HeaderFill = XColor.FromArgb(0xE3, 0xE8, 0xEF);
    private static readonly XColor ZebraFill = XColor.FromArgb(0xF5, 0xF7, 0xFA);
    private static readonly XColor Rule = XColor.FromArgb(0xD0, 0xD5, 0xDD);
    private static readonly XColor StrongRule = XColor.FromArgb(0x8A, 0x94, 0xA0);

    private readonly Report report;
    private readonly XGraphics measure;
    private readonly Dictionary<(bool Bold, string Cluster), double> widths = [];
    private readonly Dictionary<(double Size, bool Bold), XFont> fonts = [];
    private readonly List<List<Action<XGraphics>>> pages = [];
    private readonly double pageWidth, pageHeight, left, width, top, bottom;
    private readonly IReadOnlyList<string> footerLines;
    private List<Action<XGraphics>> page = [];
    private double y;

    private ReportRenderer(Report report, XGraphics measure)
    {
        this.report = report;
        this.measure = measure;
        var a4 = PageSizeConverter.ToSize(PageSize.A4);
        (pageWidth, pageHeight) = report.Options.Landscape ? (a4.Height, a4.Width) : (a4.Width, a4.Height);
        left = Margin;
        width = pageWidth - 2 * Margin;
        top = TopMargin;
        var labelWidth = TextWidth(PageLabel(99999, 99999), FooterSize, false);
        footerLines = string.IsNullOrEmpty(report.Options.Footer)
            ? []
            : Wrap(report.Options.Footer, width - labelWidth - 12, FooterSize, false);
        var footerHeight = Math.Max(1, footerLines.Count) * FooterSize * LineFactor + 8;
        bottom = pageHeight - BottomMargin - footerHeight;
    }

    public static byte[] Render(Report report)
    {
        ReportFonts.EnsureInstalled();
        using var measure = XGraphics.CreateMeasureContext(new XSize(2000, 2000), XGraphicsUnit.Point, XPageDirection.Downwards);
        var renderer = new ReportRenderer(report, measure);
        renderer.Layout();
        return renderer.Draw();
    }

    private string PageLabel(int i, int n) => report.Chinese ? $"第 {i} 页 / 共 {n} 页" : $"Page {i} of {n}";

    private string EmptyTableText => report.Chinese ? "（无记录）" : "(no rows)";

    private void Layout()
    {
        NewPage();
        var o = report.Options;
        if (!string.IsNullOrEmpty(o.Title))
        {
            Lines(Wrap(o.Title, width, TitleSize, true), TitleSize, true, Ink, ColumnAlign.Center);
            y += 4;
        }
        if (!string.IsNullOrEmpty(o.Subtitle))
            Lines(Wrap(o.Subtitle, width, SubtitleSize, false), SubtitleSize, false, Muted, ColumnAlign.Center);
        if (!string.IsNullOrEmpty(o.Title) || !string.IsNullOrEmpty(o.Subtitle))
            y += 12;

        foreach (var block in report.Blocks)
        {
            switch (block)
            {
                case PageBreakBlock:
                    if (y > top + Epsilon)
                        NewPage();
                    break;
                case HeadingBlock h:
                    LayoutHeading(h);
                    break;
                case ParagraphBlock p:
                    Lines(Wrap(p.Text, width, BodySize, false), BodySize, false, Ink, ColumnAlign.Left);
                    y += 6;
                    break;
                case KeyValuesBlock kv:
                    LayoutKeyValues(kv);
                    break;
                case TableBlock t:
                    LayoutTable(t);
                    break;
            }
        }
    }

    private void LayoutHeading(HeadingBlock h)
    {
        var lines = Wrap(h.Text, width, HeadingSize, true);
        var lh = HeadingSize * LineFactor;
        if (y > top + Epsilon)
            y += 8;
        // Keep the heading with the first lines of what follows rather than alone at the foot of a page.
        if (y + lines.Count * lh + 3 * BodySize * LineFactor > bottom + Epsilon && y > top + Epsilon)
            NewPage();
        Lines(lines, HeadingSize, true, Ink, ColumnAlign.Left);
        var ruleY = y + 1;
        page.Add(g => g.DrawLine(new XPen(StrongRule, 0.6), left, ruleY, left + width, ruleY));
        y += 6;
    }

    private void LayoutKeyValues(KeyValuesBlock kv)
    {
        if (kv.Pairs.Count == 0)
            return;
        var lh = BodySize * LineFactor;
        var keyWidth = Math.Min(kv.Pairs.Max(p => TextWidth(p.Key, BodySize, true)) + 12, width * 0.35);
        foreach (var (key, value) in kv.Pairs)
        {
            var keyLines = Wrap(key, keyWidth - 12, BodySize, true);
            var valueLines = Wrap(value, width - keyWidth, BodySize, false);
            var count = Math.Max(keyLines.Count, valueLines.Count);
            if (y + count * lh > bottom + Epsilon && count * lh <= bottom - top)
                NewPage();
            for (var i = 0; i < count; i++)
            {
                if (y + lh > bottom + Epsilon)
                    NewPage();
                if (i < keyLines.Count)
                    Text(keyLines[i], left, y, keyWidth - 12, lh, BodySize, true, Muted, ColumnAlign.Left);
                if (i < valueLines.Count)
                    Text(valueLines[i], left + keyWidth, y, width - keyWidth, lh, BodySize, false, Ink, ColumnAlign.Left);
                y += lh;
            }
        }
        y += 6;
    }

    private void LayoutTable(TableBlock t)
    {
        var lh = TableSize * LineFactor;
        var total = t.Columns.Sum(c => c.Width);
        var colWidths = t.Columns.Select(c => c.Width / total * width).ToArray();
        var colX = new double[colWidths.Length];
        for (var i = 1; i < colX.Length; i++)
            colX[i] = colX[i - 1] + colWidths[i - 1];
        IReadOnlyList<string>[] WrapRow(IReadOnlyList<string> cells, bool bold) =>
            cells.Select((c, i) => Wrap(c, Math.Max(colWidths[i] - 2 * CellPadX, 1), TableSize, bold)).ToArray();

        var header = WrapRow(t.Columns.Select(c => c.Header).ToArray(), true);
        var headerHeight = header.Max(l => l.Count) * lh + 2 * CellPadY;

        void DrawHeader()
        {
            var rowTop = y;
            page.Add(g => g.DrawRectangle(new XSolidBrush(HeaderFill), left, rowTop, width, headerHeight));
            for (var c = 0; c < header.Length; c++)
                for (var i = 0; i < header[c].Count; i++)
                    Text(header[c][i], left + colX[c] + CellPadX, rowTop + CellPadY + i * lh, colWidths[c] - 2 * CellPadX, lh, TableSize, true, Ink, t.Columns[c].Align);
            var ruleY = rowTop + headerHeight;
            page.Add(g => g.DrawLine(new XPen(StrongRule, 0.8), left, ruleY, left + width, ruleY));
            y += headerHeight;
        }

        var rows = t.Rows.Select(r => WrapRow(r, false)).ToList();
        var firstRowHeight = rows.Count > 0 ? rows[0].Max(l => l.Count) * lh + 2 * CellPadY : lh + 2 * CellPadY;
        if (y + headerHeight + Math.Min(firstRowHeight, bottom - top - headerHeight) > bottom + Epsilon && y > top + Epsilon)
            NewPage();
        DrawHeader();

        if (rows.Count == 0)
        {
            var rowTop = y;
            Text(EmptyTableText, left, rowTop + CellPadY, width, lh, TableSize, false, Muted, ColumnAlign.Center);
            y += lh + 2 * CellPadY;
            RuleBelow();
        }

        for (var r = 0; r < rows.Count; r++)
        {
            var cells = rows[r];
            var lineCount = cells.Max(l => l.Count);
            var height = lineCount * lh + 2 * CellPadY;
            var zebra = r % 2 == 1;
            if (y + height > bottom + Epsilon && y > top + headerHeight + Epsilon)
            {
                NewPage();
                DrawHeader();
            }
            // A row taller than a whole page cannot be kept together: it is the one case that splits, continuing
            // below the repeated header on the next page with the remaining lines of every cell.
            var from = 0;
            while (from < lineCount)
            {
                var fit = (int)Math.Floor((bottom - y - 2 * CellPadY + Epsilon) / lh);
                if (fit < 1)
                {
                    NewPage();
                    DrawHeader();
                    continue;
                }
                var take = Math.Min(fit, lineCount - from);
                var rowTop = y;
                var partHeight = take * lh + 2 * CellPadY;
                if (zebra)
                    page.Add(g => g.DrawRectangle(new XSolidBrush(ZebraFill), left, rowTop, width, partHeight));
                for (var c = 0; c < cells.Length; c++)
                    for (var i = from; i < Math.Min(from + take, cells[c].Count); i++)
                        Text(cells[c][i], left + colX[c] + CellPadX, rowTop + CellPadY + (i - from) * lh, colWidths[c] - 2 * CellPadX, lh, TableSize, false, Ink, t.Columns[c].Align);
                y += partHeight;
                RuleBelow();
                from += take;
            }
        }
        y += 8;

        void RuleBelow()
        {
            var ruleY = y;
            page.Add(g => g.DrawLine(new XPen(Rule, 0.5), left, ruleY, left + width, ruleY));
        }
    }

    private void Lines(IReadOnlyList<string> lines, double size, bool bold, XColor color, ColumnAlign align)
    {
        var lh = size * LineFactor;
        foreach (var line in lines)
        {
            if (y + lh > bottom + Epsilon)
                NewPage();
            Text(line, left, y, width, lh, size, bold, color, align);
            y += lh;
        }
    }

    private void Text(string text, double x, double lineTop, double boxWidth, double lineHeight, double size, bool bold, XColor color, ColumnAlign align)
    {
        if (text.Length == 0)
            return;
        var w = TextWidth(text, size, bold);
        var drawX = align switch
        {
            ColumnAlign.Right => x + boxWidth - w,
            ColumnAlign.Center => x + (boxWidth - w) / 2,
            _ => x,
        };
        // Baseline placed so the glyphs' ink sits in the middle of the line box.
        var baseline = lineTop + lineHeight / 2 + size * 0.36;
        var font = Font(size, bold);
        page.Add(g => g.DrawString(text, font, new XSolidBrush(color), drawX, baseline, XStringFormats.BaseLineLeft));
    }

    private void NewPage()
    {
        page = [];
        pages.Add(page);
        y = top;
    }

    private byte[] Draw()
    {
        using var document = new PdfDocument();
        document.Info.Title = report.Options.Title ?? "";
        document.Info.Author = report.Options.Author ?? "";
        document.Info.Creator = "Trading.Reports";
        // PDFsharp dates a document by the machine's clock (DateTime.Now); a record is dated by the platform's, in UTC so
        // the bytes do not depend on the server's time zone either.
        // PdfDate formats with the machine's offset, so the date goes in as the PDF date string it is (PDF 32000 7.9.4).
        var made = DateTimeOffset.FromUnixTimeSeconds(report.Options.Clock.GetUtcNow().ToUnixTimeSeconds());
        document.Info.Elements.SetValue("/CreationDate", new PdfSharp.Pdf.PdfString(ReportSeal.PdfDate(made)));
        document.Info.Elements.SetValue("/ModDate", new PdfSharp.Pdf.PdfString(ReportSeal.PdfDate(made)));
        var footerFont = Font(FooterSize, false);
        var flh = FooterSize * LineFactor;
        for (var i = 0; i < pages.Count; i++)
        {
            var pdfPage = document.AddPage();
            pdfPage.Width = XUnit.FromPoint(pageWidth);
            pdfPage.Height = XUnit.FromPoint(pageHeight);
            using var g = XGraphics.FromPdfPage(pdfPage);
            foreach (var op in pages[i])
                op(g);

            var footerTop = pageHeight - BottomMargin - Math.Max(1, footerLines.Count) * flh;
            g.DrawLine(new XPen(Rule, 0.5), left, footerTop - 4, left + width, footerTop - 4);
            var brush = new XSolidBrush(Muted);
            for (var l = 0; l < footerLines.Count; l++)
                g.DrawString(footerLines[l], footerFont, brush, left, footerTop + l * flh + flh / 2 + FooterSize * 0.36, XStringFormats.BaseLineLeft);
            var label = PageLabel(i + 1, pages.Count);
            var labelX = left + width - TextWidth(label, FooterSize, false);
            g.DrawString(label, footerFont, brush, labelX, footerTop + flh / 2 + FooterSize * 0.36, XStringFormats.BaseLineLeft);
        }
        foreach (var (name, content) in report.Attachments)
            document.AddEmbeddedFile(name, new MemoryStream(content, writable: false));
        if (report.Options.Seal is { } seal)
        {
            // An invisible signature (no widget drawn): the record's look stays the same, its reader shows the signature panel.
            PdfSharp.Pdf.Signatures.DigitalSignatureHandler.ForDocument(document, seal.Signer(), new PdfSharp.Pdf.Signatures.DigitalSignatureOptions
            {
                Reason = seal.Reason ?? "", Location = seal.Location ?? "", AppName = "Trading.Reports", PageIndex = 0,
                Rectangle = new XRect(0, 0, 0, 0),
            });
        }
        using var stream = new MemoryStream();
        document.Save(stream, false);
        var pdf = stream.ToArray();
        report.Options.Seal?.Apply(pdf, made);
        return pdf;
    }

    private IReadOnlyList<string> Wrap(string text, double maxWidth, double size, bool bold) =>
        LineBreaker.Wrap(text, maxWidth, cluster => ClusterWidth(cluster, bold) * size);

    private double TextWidth(string text, double size, bool bold)
    {
        double w = 0;
        foreach (var r in text.EnumerateRunes())
            w += ClusterWidth(r.ToString(), bold);
        return w * size;
    }

    // Advance widths per unit font size, measured once per cluster: summing them is what the breaker needs,
    // and it keeps a 100,000-character cell from costing 100,000 PDFsharp measurements.
    private double ClusterWidth(string cluster, bool bold)
    {
        if (!widths.TryGetValue((bold, cluster), out var w))
        {
            w = measure.MeasureString(cluster, Font(100, bold)).Width / 100;
            widths[(bold, cluster)] = w;
        }
        return w;
    }

    private XFont Font(double size, bool bold)
    {
        if (!fonts.TryGetValue((size, bold), out var font))
        {
            font = new XFont(ReportFonts.FamilyName, size, bold ? XFontStyleEx.Bold : XFontStyleEx.Regular, XPdfFontOptions.UnicodeDefault);
            fonts[(size, bold)] = font;
        }
        return font;
    }
}
