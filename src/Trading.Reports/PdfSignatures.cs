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
        var text = System.Text.Encoding.Latin1.GetString(pdf);
        var matches = ByteRange().Matches(text);
        if (matches.Count == 0) return null;
        var m = matches[^1];
        long N(int g) => long.Parse(m.Groups[g].Value, System.Globalization.CultureInfo.InvariantCulture);
        long a = N(1), b = N(2), c = N(3), d = N(4);
        // The hole must be exactly the hex string <…> and the second part must end the file: nothing unsigned after it.
        if (a != 0 || b < 1 || c <= b + 1 || c + d != pdf.LongLength || pdf[b] != (byte)'<' || pdf[c - 1] != (byte)'>') return null;
        var signed = new byte[b + d];
        pdf.AsSpan(0, (int)b).CopyTo(signed);
        pdf.AsSpan((int)c, (int)d).CopyTo(signed.AsSpan((int)b));
        byte[] contents;
        try
        {
            // The reserved space is padded with zeros after the DER: read the first value only.
            var der = Convert.FromHexString(text.AsSpan((int)b + 1, (int)(c - b - 2)));
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

    [GeneratedRegex(@"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]")]
    private static partial Regex ByteRange();
}
