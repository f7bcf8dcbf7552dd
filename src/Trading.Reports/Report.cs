namespace Trading.Reports;

/// <summary>
/// A printable report: fill it with headings, paragraphs, key–value lists and tables, then
/// <see cref="Render"/> it to PDF bytes. Not thread-safe; build one per request.
/// </summary>
public sealed class Report
{
    /// <summary>
    /// Longest accepted string. A report cell holds a name, an amount or a hash; a larger payload is almost
    /// certainly a mistake and would run to hundreds of pages, so it is refused instead of rendered.
    /// </summary>
    public const int MaxTextLength = 200_000;

    private const int MaxColumns = 50;

    private readonly List<Block> blocks = [];

    /// <summary>Starts an empty report.</summary>
    /// <exception cref="ArgumentException">Unknown culture, or an over-long title, subtitle or footer.</exception>
    public Report(ReportOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var culture = options.Culture ?? "";
        if (culture.StartsWith("zh", StringComparison.OrdinalIgnoreCase))
            Chinese = true;
        else if (!culture.StartsWith("en", StringComparison.OrdinalIgnoreCase))
            throw new ArgumentException($"Culture '{culture}' is not supported; use \"zh-CN\" or \"en\".", nameof(options));
        Check(options.Title, nameof(options));
        Check(options.Subtitle, nameof(options));
        Check(options.Footer, nameof(options));
        Check(options.Author, nameof(options));
        Options = options;
    }

    /// <summary>The options the report was created with.</summary>
    public ReportOptions Options { get; }

    internal bool Chinese { get; }

    internal IReadOnlyList<Block> Blocks => blocks;

    internal IReadOnlyList<(string Name, byte[] Content)> Attachments => attachments;

    private readonly List<(string Name, byte[] Content)> attachments = [];

    /// <summary>
    /// Embeds a file in the PDF (an attachment readers list; <see cref="PdfSignatures.Attachment"/> reads it back), inside
    /// what the seal signs: the machine-readable form of what the pages print.
    /// </summary>
    public Report Attach(string name, byte[] content)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(content);
        attachments.Add((name, content.ToArray()));
        return this;
    }

    /// <summary>Adds a section heading; it is kept on the same page as the start of what follows.</summary>
    public Report Heading(string? text)
    {
        blocks.Add(new HeadingBlock(Check(text, nameof(text))));
        return this;
    }

    /// <summary>Starts a new page, unless the current one is still empty.</summary>
    public Report PageBreak()
    {
        blocks.Add(new PageBreakBlock());
        return this;
    }

    /// <summary>Adds a paragraph; line feeds start new lines.</summary>
    public Report Paragraph(string? text)
    {
        blocks.Add(new ParagraphBlock(Check(text, nameof(text))));
        return this;
    }

    /// <summary>Adds key–value lines (metadata such as tender number, opening time, document hash).</summary>
    public Report KeyValues(IEnumerable<KeyValuePair<string, string?>> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        blocks.Add(new KeyValuesBlock(pairs.Select(p => (Check(p.Key, nameof(pairs)), Check(p.Value, nameof(pairs)))).ToList()));
        return this;
    }

    /// <summary>Adds key–value lines.</summary>
    public Report KeyValues(params (string Key, string? Value)[] pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        return KeyValues(pairs.Select(p => new KeyValuePair<string, string?>(p.Key, p.Value)));
    }

    /// <summary>
    /// Adds a table. Rows shorter than the column list are padded with empty cells; null cells print empty.
    /// The header row repeats on every page the table continues on.
    /// </summary>
    /// <exception cref="ArgumentException">No columns, a non-positive width, or a row with more cells than columns.</exception>
    public Report Table(IReadOnlyList<ReportColumn> columns, IEnumerable<IReadOnlyList<string?>> rows)
    {
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(rows);
        if (columns.Count == 0 || columns.Count > MaxColumns)
            throw new ArgumentException($"A table needs 1 to {MaxColumns} columns.", nameof(columns));
        foreach (var c in columns)
        {
            ArgumentNullException.ThrowIfNull(c, nameof(columns));
            if (!(c.Width > 0) || double.IsInfinity(c.Width))
                throw new ArgumentException($"Column '{c.Header}' has width {c.Width}; widths are positive relative numbers.", nameof(columns));
            Check(c.Header, nameof(columns));
        }
        var copied = new List<string[]>();
        var index = 0;
        foreach (var row in rows)
        {
            var cells = new string[columns.Count];
            if (row is not null)
            {
                if (row.Count > columns.Count)
                    throw new ArgumentException($"Row {index} has {row.Count} cells but the table has {columns.Count} columns.", nameof(rows));
                for (var i = 0; i < columns.Count; i++)
                    cells[i] = i < row.Count ? Check(row[i], nameof(rows)) : "";
            }
            else
            {
                Array.Fill(cells, "");
            }
            copied.Add(cells);
            index++;
        }
        blocks.Add(new TableBlock(columns.ToList(), copied));
        return this;
    }

    /// <summary>Lays the report out and returns the PDF.</summary>
    /// <exception cref="InvalidOperationException">No usable font (the message names the fix).</exception>
    public byte[] Render() => ReportRenderer.Render(this);

    private static string Check(string? text, string parameter)
    {
        if (text is null)
            return "";
        if (text.Length > MaxTextLength)
            throw new ArgumentException($"A text of {text.Length} characters exceeds the report limit of {MaxTextLength}; attach it as a file instead.", parameter);
        return text;
    }
}
