namespace Trading.Reports;

/// <summary>Page and language settings for a <see cref="Report"/>.</summary>
public sealed class ReportOptions
{
    /// <summary>"zh-CN" (or any "zh…") for Chinese labels, "en" (or any "en…") for English.</summary>
    public string Culture { get; init; } = "zh-CN";

    /// <summary>Document title, printed at the top of the first page and stored in the PDF's information.</summary>
    public string? Title { get; init; }

    /// <summary>A line under the title, e.g. the tender number.</summary>
    public string? Subtitle { get; init; }

    /// <summary>Text printed on every page beside the page number, e.g. "generated at … by …, document hash …".</summary>
    public string? Footer { get; init; }

    /// <summary>Author stored in the PDF's information.</summary>
    public string? Author { get; init; }

    /// <summary>Landscape A4, for wide tables.</summary>
    public bool Landscape { get; init; }

    /// <summary>When set, the PDF is signed (a PDF signature readers verify) with this seal.</summary>
    public ReportSeal? Seal { get; init; }

    /// <summary>
    /// The clock the PDF's own dates are read from, once per <see cref="Report.Render"/>: the information dictionary's
    /// /CreationDate and /ModDate and the seal's /M, in UTC to the second. Give the platform's clock, so a record states the
    /// time its log entry does (also under a moved demo or test clock) and the same report renders to the same dates.
    /// </summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;
}

/// <summary>Horizontal alignment of a table column.</summary>
public enum ColumnAlign
{
    /// <summary>Text.</summary>
    Left,
    /// <summary>Short codes and marks.</summary>
    Center,
    /// <summary>Numbers and amounts, so the digits line up.</summary>
    Right,
}

/// <summary>A table column: header text, width relative to the other columns, alignment.</summary>
public sealed record ReportColumn(string Header, double Width = 1, ColumnAlign Align = ColumnAlign.Left);

internal abstract record Block;
internal sealed record PageBreakBlock : Block;
internal sealed record HeadingBlock(string Text) : Block;
internal sealed record ParagraphBlock(string Text) : Block;
internal sealed record KeyValuesBlock(IReadOnlyList<(string Key, string Value)> Pairs) : Block;
internal sealed record TableBlock(IReadOnlyList<ReportColumn> Columns, IReadOnlyList<string[]> Rows) : Block;
