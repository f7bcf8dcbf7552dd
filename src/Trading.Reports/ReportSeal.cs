using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using PdfSharp.Pdf.Signatures;

namespace Trading.Reports;

/// <summary>
/// A PDF signature for a report: a detached CMS (CAdES) signature by <see cref="Certificate"/> over the PDF's byte
/// range, placed in the signature dictionary, with the ESS signing-certificate-v2 attribute (PAdES baseline B) and,
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

    /// <summary>Returns an RFC 3161 time-stamp token (DER) over the given SHA-256 imprint, or null for none.</summary>
    public Func<byte[], byte[]>? TimeStamp { get; init; }

    /// <summary>Signature space reserved in the PDF (bytes of CMS): the chain and a time-stamp token fit with room to spare.</summary>
    public int ReservedBytes { get; init; } = 24 * 1024;

    internal IDigitalSigner Signer() => new CmsPdfSigner(this);

    private const string SigningCertificateV2Oid = "1.2.840.113549.1.9.16.2.47";
    private const string SignatureTimeStampOid = "1.2.840.113549.1.9.16.2.14";

    private sealed class CmsPdfSigner(ReportSeal seal) : IDigitalSigner
    {
        public string CertificateName => seal.Certificate.GetNameInfo(X509NameType.SimpleName, false);

        public Task<int> GetSignatureSizeAsync() => Task.FromResult(seal.ReservedBytes);

        public async Task<byte[]> GetSignatureAsync(Stream stream)
        {
            // PDFsharp's ranged stream (the PDF without the /Contents hole) is read whole in one call: that is the call it
            // serves from the byte ranges directly (it neither seeks nor reports a usable position for block reads).
            var signed = new byte[checked((int)stream.Length)];
            var read = await stream.ReadAsync(signed.AsMemory());
            if (read != signed.Length) throw new InvalidOperationException("The PDF's signed byte range could not be read whole.");
            var cms = new SignedCms(new ContentInfo(signed), detached: true);
            var signer = new CmsSigner(SubjectIdentifierType.IssuerAndSerialNumber, seal.Certificate)
            {
                DigestAlgorithm = new Oid("2.16.840.1.101.3.4.2.1"),
                IncludeOption = X509IncludeOption.EndCertOnly,
            };
            signer.Certificates.AddRange(seal.Chain.ToArray());
            signer.SignedAttributes.Add(new AsnEncodedData(SigningCertificateV2Oid, SigningCertificateV2(seal.Certificate)));
            cms.ComputeSignature(signer, silent: true);
            if (seal.TimeStamp is { } stamp)
            {
                var si = cms.SignerInfos[0];
                var token = stamp(SHA256.HashData(si.GetSignature()));
                si.AddUnsignedAttribute(new AsnEncodedData(SignatureTimeStampOid, token));
            }
            return cms.Encode();
        }
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
