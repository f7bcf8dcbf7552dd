using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using PdfSharp.Pdf.Signatures;

namespace Trading.Reports;

/// <summary>
/// A PDF signature for a report: a detached CMS (CAdES) signature by <see cref="Certificate"/> over the PDF's byte
/// range, placed in the signature dictionary (SubFilter /ETSI.CAdES.detached), with the ESS signing-certificate-v2 attribute (PAdES baseline B) and,
/// when <see cref="TimeStamp"/> is given, an RFC 3161 signature time-stamp (B-T). Checked by any PDF reader, e.g. pdfsig.
/// </summary>
public sealed class ReportSeal
{
    /// <summary>The signing certificate, with its private key (ECDSA or RSA).</summary>
    public required X509Certificate2 Certificate { get; init; }

    /// <summary>Issuer certificates up to (and including) the root, carried in the signature so readers can build the chain.</summary>
    public IReadOnlyList<X509Certificate2> Chain { get; init; } = [];

    /// <summary>Why the document is signed, e.g. "Opening record".</summary>
    public string? Reason { get; init; }

    /// <summary>Where, e.g. the centre's name.</summary>
    public string? Location { get; init; }

    /// <summary>
    /// Returns an RFC 3161 time-stamp token (DER) over the given SHA-256 imprint, or null when none could be had (the
    /// document is then sealed without one and may be stamped later with <see cref="AddTimeStamp"/>).
    /// </summary>
    public Func<byte[], byte[]?>? TimeStamp { get; init; }

    /// <summary>Signature space reserved in the PDF (bytes of CMS): the chain and a time-stamp token fit with room to spare.</summary>
    public int ReservedBytes { get; init; } = 24 * 1024;

    /// <summary>
    /// What PDFsharp is given to sign with: it lays out the signature dictionary and reserves the /Contents hole, and is
    /// handed no signature (the hole stays zeros). <see cref="Apply"/> then names the PAdES SubFilter and fills the hole.
    /// </summary>
    internal IDigitalSigner Signer() => new PlaceholderSigner(this);

    private const string SigningCertificateV2Oid = "1.2.840.113549.1.9.16.2.47";
    private const string SignatureTimeStampOid = "1.2.840.113549.1.9.16.2.14";

    /// <summary>What PDFsharp 6.2.4 writes as the SubFilter, with no option to change it, and what PAdES names (ETSI EN 319 142-1, 5.1).</summary>
    private static readonly byte[] PdfSharpSubFilter = "/SubFilter/adbe.pkcs7.detached"u8.ToArray();
    private static readonly byte[] PadesSubFilter = "/SubFilter/ETSI.CAdES.detached"u8.ToArray();

    private sealed class PlaceholderSigner(ReportSeal seal) : IDigitalSigner
    {
        public string CertificateName => seal.Certificate.GetNameInfo(X509NameType.SimpleName, false);

        public Task<int> GetSignatureSizeAsync() => Task.FromResult(seal.ReservedBytes);

        public Task<byte[]> GetSignatureAsync(Stream stream) => Task.FromResult(Array.Empty<byte>());
    }

    /// <summary>
    /// Signs the PDF PDFsharp saved, in place: its SubFilter becomes /ETSI.CAdES.detached (PAdES baseline; the CMS is
    /// CAdES already), then the CMS is computed over the /ByteRange and written into the reserved hole. Both names have
    /// 30 bytes, so no offset moves, and the SubFilter is changed before the bytes are signed.
    /// </summary>
    internal void Apply(byte[] pdf, DateTimeOffset signedAt)
    {
        var (start, end) = PdfSignatures.Hole(pdf) ?? throw new InvalidOperationException("The saved PDF has no signature hole to fill.");
        var at = pdf.AsSpan(0, start).IndexOf(PdfSharpSubFilter);
        if (at < 0 || pdf.AsSpan(at + 1, start - at - 1).IndexOf(PdfSharpSubFilter) >= 0)
            throw new InvalidOperationException("The saved PDF does not name the SubFilter once as PDFsharp 6.2.4 writes it.");
        PadesSubFilter.CopyTo(pdf.AsSpan(at));
        SetSigningTime(pdf, at, signedAt);
        var hex = System.Text.Encoding.ASCII.GetBytes(Convert.ToHexString(Cms(PdfSignatures.Signed(pdf, start, end))));
        // The hole is '<', the reserved hex digits (zeros) and '>': the CMS goes first, the zeros after it stay as padding.
        if (hex.Length > end - start - 2) throw new InvalidOperationException($"The signature ({hex.Length / 2} bytes) does not fit the {ReservedBytes} bytes reserved.");
        hex.CopyTo(pdf.AsSpan(start + 1));
    }

    /// <summary>
    /// PDFsharp 6.2.4 writes the signature dictionary's /M from the machine's clock (DateTimeOffset.Now) while saving, with
    /// no option to give it: it is rewritten here, before signing, to the report's time. The signing time readers show is
    /// this /M (the CMS has no signing-time attribute), so it must be the platform's. Both are "D:" dates of the same
    /// length (an offset is always "+hh'mm'"), so no offset in the file moves.
    /// </summary>
    private static void SetSigningTime(byte[] pdf, int subFilterAt, DateTimeOffset signedAt)
    {
        // The dictionary PDFsharp writes holds /M right after /SubFilter; look no further than the next dictionary's end.
        var from = pdf.AsSpan(subFilterAt).IndexOf("/M(D:"u8);
        var close = from < 0 ? -1 : pdf.AsSpan(subFilterAt + from).IndexOf((byte)')');
        var next = pdf.AsSpan(subFilterAt).IndexOf(">>"u8);
        if (from < 0 || close < 0 || from > next)
            throw new InvalidOperationException("The saved PDF's signature dictionary has no /M date where PDFsharp 6.2.4 writes it.");
        var value = System.Text.Encoding.ASCII.GetBytes("/M(" + PdfDate(signedAt) + ")");
        if (value.Length != close + 1)
            throw new InvalidOperationException("The saved PDF's /M date is not of the length PDFsharp 6.2.4 writes.");
        value.CopyTo(pdf.AsSpan(subFilterAt + from));
    }

    /// <summary>A PDF date string (PDF 32000 7.9.4) in UTC to the second: <c>D:YYYYMMDDHHmmSS+00'00'</c>.</summary>
    internal static string PdfDate(DateTimeOffset t) =>
        "D:" + t.UtcDateTime.ToString("yyyyMMddHHmmss", System.Globalization.CultureInfo.InvariantCulture) + "+00'00'";

    private byte[] Cms(byte[] signed)
    {
        var cms = new SignedCms(new ContentInfo(signed), detached: true);
        var signer = new CmsSigner(SubjectIdentifierType.IssuerAndSerialNumber, Certificate)
        {
            DigestAlgorithm = new Oid("2.16.840.1.101.3.4.2.1"),
            IncludeOption = X509IncludeOption.EndCertOnly,
        };
        signer.Certificates.AddRange(Chain.ToArray());
        signer.SignedAttributes.Add(new AsnEncodedData(SigningCertificateV2Oid, SigningCertificateV2(Certificate)));
        cms.ComputeSignature(signer, silent: true);
        if (TimeStamp is { } stamp && stamp(SHA256.HashData(cms.SignerInfos[0].GetSignature())) is { } token)
            cms.SignerInfos[0].AddUnsignedAttribute(new AsnEncodedData(SignatureTimeStampOid, token));
        return cms.Encode();
    }

    /// <summary>Whether the PDF's (last) signature carries a signature time-stamp.</summary>
    public static bool HasTimeStamp(byte[] pdf) =>
        PdfSignatures.Read(pdf) is { } cms && cms.SignerInfos.Count > 0 &&
        cms.SignerInfos[0].UnsignedAttributes.Cast<CryptographicAttributeObject>().Any(a => a.Oid.Value == SignatureTimeStampOid);

    /// <summary>
    /// A sealed PDF that was issued without a time-stamp, given one afterwards: the token (from <paramref name="stamp"/>,
    /// over the SHA-256 of the signature value, as at sealing) is added to the signature's unsigned attributes and the CMS
    /// is written back into the reserved /Contents hole. Null when the PDF has a time-stamp already or
    /// <paramref name="stamp"/> gives none.
    /// </summary>
    /// <remarks>
    /// Why this and not a PAdES document time-stamp (a second signature, /Type/DocTimeStamp, appended as an incremental
    /// update): the signed bytes, the /ByteRange and the signature value do not change, and the file keeps its length, so
    /// the result is exactly the form a seal stamped at once has (one signature, B-T with its signature time-stamp, what
    /// pdfsig, trading verify-pdf and verify-archive already check, by one rule for both). A document time-stamp would
    /// add a second revision and a second signature form every verifier must learn, for no more evidence: both time-stamp
    /// the seal. The file's bytes outside the signature are the issued record's; its SHA-256 changes (the hole's content
    /// is part of the file), so the platform keeps the issued file and its logged hash as they were and logs the stamped
    /// file's hash beside the issued one (seal.time-stamped), rather than presenting the stamped file under the old hash.
    /// </remarks>
    public static byte[]? AddTimeStamp(byte[] pdf, Func<byte[], byte[]?> stamp)
    {
        ArgumentNullException.ThrowIfNull(stamp);
        var (start, end) = PdfSignatures.Hole(pdf) ?? throw new InvalidOperationException("The PDF has no signature hole.");
        var cms = PdfSignatures.Read(pdf) ?? throw new InvalidOperationException("The PDF has no signature this reader understands.");
        var si = cms.SignerInfos[0];
        if (si.UnsignedAttributes.Cast<CryptographicAttributeObject>().Any(a => a.Oid.Value == SignatureTimeStampOid)) return null;
        if (stamp(SHA256.HashData(si.GetSignature())) is not { } token) return null;
        si.AddUnsignedAttribute(new AsnEncodedData(SignatureTimeStampOid, token));
        return WithContents(pdf, start, end, cms.Encode());
    }

    /// <summary>A copy of the PDF whose /Contents hole holds <paramref name="der"/> in hex, padded with zeros as at sealing.</summary>
    private static byte[] WithContents(byte[] pdf, int start, int end, byte[] der)
    {
        var hex = System.Text.Encoding.ASCII.GetBytes(Convert.ToHexString(der));
        if (hex.Length > end - start - 2) throw new InvalidOperationException($"The signature ({der.Length} bytes) does not fit the space reserved.");
        var copy = (byte[])pdf.Clone();
        copy.AsSpan(start + 1, end - start - 2).Fill((byte)'0');
        hex.CopyTo(copy.AsSpan(start + 1));
        return copy;
    }

    /// <summary>SigningCertificateV2 ::= SEQUENCE { certs SEQUENCE OF ESSCertIDv2 }, with SHA-256 (the default algorithm, so omitted).</summary>
    private static byte[] SigningCertificateV2(X509Certificate2 certificate)
    {
        var w = new AsnWriter(AsnEncodingRules.DER);
        using (w.PushSequence())
        using (w.PushSequence())
        using (w.PushSequence())
            w.WriteOctetString(SHA256.HashData(certificate.RawData));
        return w.Encode();
    }
}
