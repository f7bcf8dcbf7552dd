using System.Formats.Asn1;
using System.Security.Cryptography.Pkcs;
using System.Text.RegularExpressions;

namespace Trading.Reports;

/// <summary>Reads the signature of a PDF signed by <see cref="ReportSeal"/>: the detached CMS in /Contents over the /ByteRange.</summary>
public static partial class PdfSignatures
{
    /// <summary>
    /// The last signature's CMS, bound to the bytes its /ByteRange covers; <c>CheckSignature</c> then verifies it. Null when
    /// the file has no signature dictionary this reader understands (one /ByteRange of two parts around a hex /Contents).
    /// </summary>
    public static SignedCms? Read(byte[] pdf)
    {
        ArgumentNullException.ThrowIfNull(pdf);
        if (Hole(pdf) is not (int b, int c)) return null;
        var signed = Signed(pdf, b, c);
        byte[] contents;
        try
        {
            // The reserved space is padded with zeros after the DER: read the first value only.
            var der = Convert.FromHexString(System.Text.Encoding.Latin1.GetString(pdf, b + 1, c - b - 2));
            contents = new AsnReader(der, AsnEncodingRules.BER).ReadEncodedValue().ToArray();
        }
        catch (Exception e) when (e is FormatException or AsnContentException)
        {
            return null;
        }
        var cms = new SignedCms(new ContentInfo(signed), detached: true);
        cms.Decode(contents);
        return cms;
    }

    /// <summary>
    /// The content of the embedded file <paramref name="name"/> (as <see cref="Report.Attach"/> writes it), or null. Read
    /// after <see cref="Read"/> has bound the signature to the whole file, so the attachment is what the seal signed.
    /// </summary>
    public static byte[]? Attachment(byte[] pdf, string name)
    {
        ArgumentNullException.ThrowIfNull(pdf);
        try
        {
            using var document = PdfSharp.Pdf.IO.PdfReader.Open(new MemoryStream(pdf, writable: false), PdfSharp.Pdf.IO.PdfDocumentOpenMode.Import);
            var names = document.Internals.Catalog.Elements.GetDictionary("/Names")?.Elements.GetDictionary("/EmbeddedFiles")?.Elements.GetArray("/Names");
            if (names is null) return null;
            // A flat name tree of (name, file specification) pairs: the form the renderer writes.
            for (var i = 0; i + 1 < names.Elements.Count; i += 2)
            {
                if (names.Elements.GetString(i) != name) continue;
                var stream = names.Elements.GetDictionary(i + 1)?.Elements.GetDictionary("/EF")?.Elements.GetDictionary("/F")?.Stream;
                return stream?.UnfilteredValue;
            }
            return null;
        }
        catch (Exception e) when (e is PdfSharp.Pdf.IO.PdfReaderException or InvalidOperationException or InvalidCastException or IOException)
        {
            return null;
        }
    }

    /// <summary>
    /// Where the last signature's /Contents hex string lies: from the '&lt;' at <c>Start</c> to just after the '&gt;' at
    /// <c>End</c>, its /ByteRange being the rest of the file. Null unless the range is one part before the hole and one
    /// after it that ends the file (nothing unsigned after it).
    /// </summary>
    internal static (int Start, int End)? Hole(byte[] pdf)
    {
        var matches = ByteRange().Matches(System.Text.Encoding.Latin1.GetString(pdf));
        if (matches.Count == 0) return null;
        var m = matches[^1];
        long N(int g) => long.TryParse(m.Groups[g].Value, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : -1;
        long a = N(1), b = N(2), c = N(3), d = N(4);
        if (a != 0 || b < 1 || c <= b + 1 || c > pdf.LongLength || c + d != pdf.LongLength || pdf[b] != (byte)'<' || pdf[c - 1] != (byte)'>') return null;
        return ((int)b, (int)c);
    }

    /// <summary>The bytes a signature with the hole [<paramref name="start"/>, <paramref name="end"/>) covers.</summary>
    internal static byte[] Signed(byte[] pdf, int start, int end)
    {
        var signed = new byte[pdf.Length - (end - start)];
        pdf.AsSpan(0, start).CopyTo(signed);
        pdf.AsSpan(end).CopyTo(signed.AsSpan(start));
        return signed;
    }

    [GeneratedRegex(@"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]")]
    private static partial Regex ByteRange();
}
