using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Xml;
using Trading.Integrity.Model;
using UglyToad.PdfPig;

namespace Trading.Integrity.Documents;

/// <summary>Text of one page (or of a whole file when it has no pages).</summary>
public sealed record PageText(int? Page, string Text);

/// <summary>What could be read from an attachment.</summary>
/// <param name="FileName">The attachment's name.</param>
/// <param name="Sha256">Lower-case hex SHA-256 of the bytes.</param>
/// <param name="Length">Byte length.</param>
/// <param name="Pages">Extracted text; empty when the format is not readable.</param>
/// <param name="Metadata">Document properties: author, lastmodifiedby, creator (application).</param>
/// <param name="Note">Why the text could not be read, if it could not.</param>
public sealed record AttachmentContent(
    string FileName,
    string Sha256,
    int Length,
    IReadOnlyList<PageText> Pages,
    IReadOnlyDictionary<string, string> Metadata,
    LocalizedText? Note);

/// <summary>Reads text and document properties from plain text, PDF (PdfPig) and DOCX (ZIP + XML) attachments.</summary>
public static class AttachmentReader
{
    private static readonly UTF8Encoding StrictUtf8 = new(false, true);

    /// <summary>Lower-case hex SHA-256 of an attachment's bytes.</summary>
    public static string Sha256(BidAttachment attachment)
    {
        ArgumentNullException.ThrowIfNull(attachment);
        return Convert.ToHexStringLower(SHA256.HashData(attachment.Content.Span));
    }

    /// <summary>Hash and size only, for files whose text is not needed (copies of the tender's own templates).</summary>
    internal static AttachmentContent HashOnly(BidAttachment attachment, string sha256) =>
        new(attachment.FileName, sha256, attachment.Content.Length, [], new Dictionary<string, string>(), null);

    /// <summary>Reads an attachment; never throws for bad content, it returns a note instead.</summary>
    public static AttachmentContent Read(BidAttachment attachment) => Read(attachment, ArchiveLimits.Default);

    /// <summary>Reads an attachment, opening a DOCX only within <paramref name="limits"/>.</summary>
    public static AttachmentContent Read(BidAttachment attachment, ArchiveLimits limits)
    {
        ArgumentNullException.ThrowIfNull(attachment);
        var bytes = attachment.Content.Span;
        var sha = Sha256(attachment);
        var meta = new Dictionary<string, string>(StringComparer.Ordinal);
        var pages = new List<PageText>();
        LocalizedText? note = null;
        try
        {
            if (bytes.StartsWith("%PDF-"u8))
            {
                ReadPdf(attachment.Content.ToArray(), pages, meta);
            }
            else if (bytes.StartsWith("PK\u0003\u0004"u8))
            {
                if (!ReadDocx(attachment.Content.ToArray(), pages, meta, limits))
                {
                    // A ZIP that is not a DOCX (an archive inside the bid, perhaps nesting more) is never opened: one
                    // level of archive is all the screens read, so nesting depth cannot multiply the bounds.
                    note = LocalizedText.Of("note.attachment.archive");
                }
            }
            else if (!TryReadText(bytes, pages))
            {
                note = LocalizedText.Of("note.attachment.unknown");
            }
        }
        catch (ArchiveLimitException ex)
        {
            pages.Clear();
            meta.Clear();
            note = LocalizedText.Of("note.attachment.limit." + ex.Reason.ToString().ToLowerInvariant(), ex.Bytes.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        catch (Exception ex) when (ex is not (OutOfMemoryException or OperationCanceledException))
        {
            // PdfPig and ZipArchive throw a wide range of types on damaged or encrypted input; all of them mean
            // "skip this file with a note", never "stop screening the lot".
            pages.Clear();
            meta.Clear();
            var kind = bytes.StartsWith("%PDF-"u8) ? "PDF" : bytes.StartsWith("PK\u0003\u0004"u8) ? "DOCX/ZIP" : "text";
            note = LocalizedText.Of("note.attachment.malformed", kind, ex.GetType().Name + ": " + Truncate(ex.Message, 120));
        }
        return new AttachmentContent(attachment.FileName, sha, bytes.Length, pages, meta, note);
    }

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..max] + "…";

    private static void ReadPdf(byte[] bytes, List<PageText> pages, Dictionary<string, string> meta)
    {
        using var doc = PdfDocument.Open(bytes);
        var info = doc.Information;
        Put(meta, "author", info.Author);
        Put(meta, "creator", info.Creator);
        foreach (var page in doc.GetPages())
        {
            pages.Add(new PageText(page.Number, PageText(page)));
        }
    }

    /// <summary>
    /// Rebuilds the text of a page from its letters, breaking lines where the baseline moves and putting a space
    /// where a gap opens. PdfPig's word extractor does the same more thoroughly but is about four times slower,
    /// which matters when a lot has hundreds of bids.
    /// </summary>
    private static string PageText(UglyToad.PdfPig.Content.Page page)
    {
        var sb = new StringBuilder();
        UglyToad.PdfPig.Content.Letter? previous = null;
        foreach (var letter in page.Letters)
        {
            if (previous is not null)
            {
                var size = Math.Max(1.0, previous.PointSize);
                if (Math.Abs(letter.StartBaseLine.Y - previous.StartBaseLine.Y) > size * 0.5)
                {
                    sb.Append('\n');
                }
                else if (letter.StartBaseLine.X - previous.EndBaseLine.X > size * 0.15 && previous.Value != " " && letter.Value != " ")
                {
                    sb.Append(' ');
                }
            }
            sb.Append(letter.Value);
            previous = letter;
        }
        return sb.ToString();
    }

    private static bool ReadDocx(byte[] bytes, List<PageText> pages, Dictionary<string, string> meta, ArchiveLimits limits)
    {
        using var zip = new ZipArchive(new MemoryStream(bytes), ZipArchiveMode.Read);
        var body = zip.GetEntry("word/document.xml");
        if (body is null)
        {
            return false;
        }
        var text = new StringBuilder();
        using (var stream = BoundedArchive.OpenBounded(body, limits))
        using (var xml = XmlReader.Create(stream, new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null }))
        {
            while (xml.Read())
            {
                if (xml.NodeType == XmlNodeType.Element && xml.LocalName == "t")
                {
                    text.Append(xml.ReadElementContentAsString());
                }
                else if (xml.NodeType == XmlNodeType.EndElement && xml.LocalName == "p")
                {
                    text.Append('\n');
                }
            }
        }
        pages.Add(new PageText(null, text.ToString()));
        var core = zip.GetEntry("docProps/core.xml");
        if (core is not null)
        {
            using var stream = BoundedArchive.OpenBounded(core, limits);
            using var xml = XmlReader.Create(stream, new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
            while (xml.Read())
            {
                if (xml.NodeType != XmlNodeType.Element)
                {
                    continue;
                }
                if (xml.LocalName == "creator")
                {
                    Put(meta, "author", xml.ReadElementContentAsString());
                }
                else if (xml.LocalName == "lastModifiedBy")
                {
                    Put(meta, "lastmodifiedby", xml.ReadElementContentAsString());
                }
            }
        }
        return true;
    }

    private static bool TryReadText(ReadOnlySpan<byte> bytes, List<PageText> pages)
    {
        string text;
        try
        {
            text = StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            // Chinese plain text is often GB18030/GBK. The code-page provider is used directly, not registered,
            // so no process-wide state changes; a strict decoder refuses byte runs that are not GB18030.
            try
            {
                var gb = (Encoding)CodePagesEncodingProvider.Instance.GetEncoding(54936)!.Clone();
                gb.DecoderFallback = DecoderFallback.ExceptionFallback;
                text = gb.GetString(bytes);
            }
            catch (DecoderFallbackException)
            {
                return false;
            }
        }
        var control = 0;
        foreach (var c in text)
        {
            if (char.IsControl(c) && c is not ('\n' or '\r' or '\t' or '\f'))
            {
                control++;
            }
        }
        if (control > text.Length / 100)
        {
            return false;
        }
        // A form feed is the page break of plain text exports.
        var parts = text.Split('\f');
        for (var i = 0; i < parts.Length; i++)
        {
            pages.Add(new PageText(parts.Length > 1 ? i + 1 : null, parts[i]));
        }
        return true;
    }

    private static void Put(Dictionary<string, string> meta, string key, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            meta[key] = value.Trim();
        }
    }
}
