using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Trading.PublicLog;
using Trading.Reports;

namespace Trading.Reports.Tests;

/// <summary>
/// A seal issued while the time-stamping authority could not answer, stamped afterwards (ReportSeal.AddTimeStamp): the
/// signature and the signed bytes stay as issued, the time-stamp verifies over the signature, pdfsig still validates it,
/// and a second stamp is not added.
/// </summary>
public class ReportSealStampLaterTests
{
    [Fact]
    public void A_seal_without_a_stamp_gets_one_later_and_stays_valid()
    {
        var now = DateTimeOffset.UtcNow;
        using var tsaPki = CentrePki.CreateDevelopment("Throwaway External TSA", now.AddDays(-1));
        var tsa = tsaPki.TimeStampAuthority();
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caReq = new CertificateRequest("CN=Test Centre CA, O=Test Centre", caKey, HashAlgorithmName.SHA256);
        caReq.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        using var ca = caReq.CreateSelfSigned(now.AddDays(-1), now.AddYears(1));
        using var sealKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var issued = new CertificateRequest("CN=Test Centre Document Seal, O=Test Centre", sealKey, HashAlgorithmName.SHA256)
            .Create(ca, now.AddDays(-1), now.AddYears(1), [9, 8, 7, 6]);
        using var seal = issued.CopyWithPrivateKey(sealKey);

        // The authority is down: the record is sealed all the same, with no time-stamp.
        var report = new Report(new ReportOptions
        {
            Culture = "zh-CN", Title = "评标报告",
            Seal = new ReportSeal { Certificate = seal, Chain = [ca], Reason = "评标报告", TimeStamp = _ => null },
        });
        report.Paragraph("推荐中标候选人 甲公司");
        var pdf = report.Render();
        Assert.False(ReportSeal.HasTimeStamp(pdf));
        var signature = ReportSealTests.SignatureOf(pdf).SignerInfos[0].GetSignature();

        // Later: stamped in place, the same length, the same signature value; the token is over that signature.
        var stamped = ReportSeal.AddTimeStamp(pdf, imprint => tsa.Stamp(imprint, now));
        Assert.NotNull(stamped);
        Assert.Equal(pdf.Length, stamped.Length);
        Assert.True(ReportSeal.HasTimeStamp(stamped));
        var cms = ReportSealTests.SignatureOf(stamped);
        cms.CheckSignature(verifySignatureOnly: true);
        Assert.Equal(signature, cms.SignerInfos[0].GetSignature());
        var token = cms.SignerInfos[0].UnsignedAttributes.Cast<CryptographicAttributeObject>().Single(a => a.Oid.Value == "1.2.840.113549.1.9.16.2.14").Values[0].RawData;
        var info = TimeStampVerifier.Verify(token, SHA256.HashData(signature), tsaPki.Root);
        Assert.Contains("Throwaway External TSA", info.TsaSubject, StringComparison.Ordinal);
        // A token over anything else is not this signature's.
        Assert.ThrowsAny<PublicLogException>(() => TimeStampVerifier.Verify(token, SHA256.HashData(pdf), tsaPki.Root));

        // Stamped once: a second stamp is not added; outside the signature's hole the bytes are the issued ones.
        Assert.Null(ReportSeal.AddTimeStamp(stamped, imprint => tsa.Stamp(imprint, now)));
        var hole = System.Text.Encoding.Latin1.GetString(pdf).LastIndexOf("/Contents<", StringComparison.Ordinal);
        Assert.True(hole > 0);
        Assert.Equal(pdf.AsSpan(0, hole).ToArray(), stamped.AsSpan(0, hole).ToArray());

        var dir = Directory.CreateTempSubdirectory("report-stamp-later-");
        try
        {
            var path = Path.Combine(dir.FullName, "stamped.pdf");
            File.WriteAllBytes(path, stamped);
            var ok = ReportSealTests.PdfSig(path);
            Assert.Contains("Signature Validation: Signature is Valid.", ok, StringComparison.Ordinal);
            Assert.Contains("Signature Type: ETSI.CAdES.detached", ok, StringComparison.Ordinal);
            // A changed byte of the page content still breaks it.
            var tampered = (byte[])stamped.Clone();
            tampered[stamped.AsSpan().IndexOf("/Creator"u8) + 1] ^= 0x01;
            File.WriteAllBytes(path, tampered);
            Assert.DoesNotContain("Signature is Valid.", ReportSealTests.PdfSig(path), StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(true);
        }
    }
}
