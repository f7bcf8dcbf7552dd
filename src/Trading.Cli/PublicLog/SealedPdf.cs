using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Trading.PublicLog;
using Trading.PublicLog.Archive;
using Trading.Reports;

namespace Trading.Cli.PublicLog;

/// <summary>
/// The check of a record the centre sealed, one rule for <c>trading verify-pdf</c> and the archive's signed index: the
/// signature covers the whole file and verifies, its time-stamp (when TSA roots are given) is the signature time-stamp of
/// a TSA under one of them over the signature, and the signing certificate chains to the CA certificate given at the
/// stamp's time. The time-stamp may be the centre TSA's (made at sealing) or an external TSA's (made at sealing, or
/// added later by the platform when that TSA was down: ReportSeal.AddTimeStamp); either is the time evidence, and the
/// result names the TSA and the root that vouched for it.
/// </summary>
public static class SealedPdf
{
    private const string SignatureTimeStampOid = "1.2.840.113549.1.9.16.2.14";

    /// <summary>The signer and the verified time-stamp (null without <paramref name="tsaRoot"/>); throws <see cref="LogVerificationException"/> (<c>pdf.*</c>, <c>tsa.*</c>).</summary>
    public static (X509Certificate2 Signer, TimeStampInfo? Stamp) Verify(byte[] pdf, X509Certificate2 ca, X509Certificate2? tsaRoot, DateTimeOffset at)
    {
        var (signer, stamp, _) = Verify(pdf, ca, tsaRoot is null ? [] : [tsaRoot], at);
        return (signer, stamp);
    }

    /// <summary>
    /// As above with any number of TSA roots (the centre's root-ca.crt, an external TSA's root): the time-stamp must chain
    /// to one of them, and that one is returned beside it. No roots: the time-stamp is not looked at.
    /// </summary>
    public static (X509Certificate2 Signer, TimeStampInfo? Stamp, X509Certificate2? TsaRoot) Verify(byte[] pdf, X509Certificate2 ca, IReadOnlyList<X509Certificate2> tsaRoots, DateTimeOffset at)
    {
        System.Security.Cryptography.Pkcs.SignedCms cms;
        try
        {
            // A /Contents that is no CMS is as good as no signature (and must not escape a verifier that never throws).
            cms = PdfSignatures.Read(pdf) ?? throw new LogVerificationException("pdf.unsigned");
        }
        catch (CryptographicException e)
        {
            throw new LogVerificationException("pdf.unsigned", inner: e);
        }
        try
        {
            cms.CheckSignature(verifySignatureOnly: true);
        }
        catch (CryptographicException e)
        {
            throw new LogVerificationException("pdf.altered", inner: e);
        }
        var signer = cms.SignerInfos[0];
        TimeStampInfo? info = null;
        X509Certificate2? vouched = null;
        if (tsaRoots.Count > 0)
        {
            var stamp = signer.UnsignedAttributes.Cast<CryptographicAttributeObject>().FirstOrDefault(a => a.Oid.Value == SignatureTimeStampOid)
                ?? throw new LogVerificationException("pdf.no-time-stamp");
            (info, vouched) = TimeStampVerifier.VerifyUnderAny(stamp.Values[0].RawData, SHA256.HashData(signer.GetSignature()), tsaRoots);
            at = info.Time;
        }
        // Only the CA certificate given is trusted: certificates carried in the PDF never vouch for themselves.
        return FirmCertificateAuthority.Chains(signer.Certificate!, [ca], at) ? (signer.Certificate!, info, vouched) : throw new LogVerificationException("pdf.untrusted");
    }

    /// <summary>
    /// The archive's index reader: the index is sealed like every record (seal by <paramref name="sealCa"/>, time-stamp by
    /// the centre's TSA under <paramref name="root"/>), and its list is the attachment it prints from.
    /// </summary>
    public static ArchiveIndexReader ArchiveIndex(X509Certificate2 sealCa, X509Certificate2 root) => pdf =>
    {
        Verify(pdf, sealCa, [root], DateTimeOffset.UtcNow);
        return IndexList(pdf);
    };

    /// <summary>The list an index PDF prints from (its attachment); read once its seal is verified.</summary>
    public static byte[] IndexList(byte[] pdf) =>
        PdfSignatures.Attachment(pdf, TenderArchive.IndexAttachment)
            ?? throw new LogVerificationException("pdf.no-attachment", new Dictionary<string, object?> { ["name"] = TenderArchive.IndexAttachment });
}
