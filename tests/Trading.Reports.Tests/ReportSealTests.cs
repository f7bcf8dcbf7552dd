using System.Diagnostics;
using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using Trading.Reports;

namespace Trading.Reports.Tests;

/// <summary>Signed reports: the PDF carries a detached CMS signature over its byte range that poppler's pdfsig validates.</summary>
public class ReportSealTests
{
    [Fact]
    public void A_sealed_report_validates_with_pdfsig_and_a_changed_byte_breaks_it()
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caReq = new CertificateRequest("CN=Test Centre CA, O=Test Centre", caKey, HashAlgorithmName.SHA256);
        caReq.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        caReq.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using var ca = caReq.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        using var sealKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var sealReq = new CertificateRequest("CN=Test Centre Document Seal, O=Test Centre", sealKey, HashAlgorithmName.SHA256);
        sealReq.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.NonRepudiation, true));
        using var issued = sealReq.Create(ca, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1), [1, 2, 3, 4]);
        using var seal = issued.CopyWithPrivateKey(sealKey);

        var report = new Report(new ReportOptions
        {
            Culture = "zh-CN", Title = "开标记录", Seal = new ReportSeal { Certificate = seal, Chain = [ca], Reason = "开标记录", Location = "Test Centre" },
        });
        report.Paragraph("投标人 甲公司 报价 ¥3,210,000.00");
        var pdf = report.Render();

        // The CMS in /Contents verifies over the byte range and names the seal's certificate.
        var cms = SignatureOf(pdf);
        cms.CheckSignature(verifySignatureOnly: true);
        Assert.Equal(seal.Thumbprint, cms.SignerInfos[0].Certificate!.Thumbprint);
        // PAdES baseline: the dictionary names the CAdES SubFilter (PDFsharp's own /adbe.pkcs7.detached is replaced before
        // signing), and the CMS carries no signing-time attribute (the claimed time is the dictionary's /M).
        var text = System.Text.Encoding.Latin1.GetString(pdf);
        Assert.Contains("/SubFilter/ETSI.CAdES.detached", text, StringComparison.Ordinal);
        Assert.DoesNotContain("adbe.pkcs7", text, StringComparison.Ordinal);
        Assert.DoesNotContain(cms.SignerInfos[0].SignedAttributes.Cast<CryptographicAttributeObject>(), a => a.Oid.Value == "1.2.840.113549.1.9.5");

        var dir = Directory.CreateTempSubdirectory("report-seal-");
        try
        {
            var path = Path.Combine(dir.FullName, "sealed.pdf");
            File.WriteAllBytes(path, pdf);
            var ok = PdfSig(path);
            Assert.Contains("Signature Validation: Signature is Valid.", ok, StringComparison.Ordinal);
            Assert.Contains("Signature Type: ETSI.CAdES.detached", ok, StringComparison.Ordinal);
            Assert.Contains("Test Centre Document Seal", ok, StringComparison.Ordinal);

            // One byte of the page content changed: the signature no longer holds.
            var tampered = (byte[])pdf.Clone();
            var at = IndexOf(tampered, "/Creator"u8.ToArray());
            tampered[at + 1] ^= 0x01;
            File.WriteAllBytes(path, tampered);
            Assert.DoesNotContain("Signature is Valid.", PdfSig(path), StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(true);
        }
    }

    /// <summary>The platform's clock, stopped at one instant, as the web tests' clock is.</summary>
    private sealed class StoppedClock(DateTimeOffset at) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => at;
    }

    [Fact]
    public void The_PDF_dates_and_the_seals_signing_time_are_the_given_clocks_in_UTC_not_the_machines()
    {
        // 16:00:00.7 in Beijing is 08:00:00 UTC: the dates are the clock's, to the second, whatever the offset it reads in.
        var clock = new StoppedClock(new DateTimeOffset(2026, 6, 1, 16, 0, 0, 700, TimeSpan.FromHours(8)));
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caReq = new CertificateRequest("CN=Test Centre CA, O=Test Centre", caKey, HashAlgorithmName.SHA256);
        caReq.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        using var ca = caReq.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        using var sealKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var issued = new CertificateRequest("CN=Test Centre Document Seal, O=Test Centre", sealKey, HashAlgorithmName.SHA256)
            .Create(ca, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1), [5, 6, 7, 8]);
        using var seal = issued.CopyWithPrivateKey(sealKey);

        byte[] Render(bool sealed_)
        {
            var r = new Report(new ReportOptions
            {
                Culture = "zh-CN", Title = "开标记录", Clock = clock,
                Seal = sealed_ ? new ReportSeal { Certificate = seal, Chain = [ca], Reason = "开标记录", Location = "Test Centre" } : null,
            });
            r.Paragraph("投标人 甲公司 报价 ¥3,210,000.00");
            return r.Render();
        }

        static string[] Dates(byte[] pdf) => [.. System.Text.RegularExpressions.Regex.Matches(System.Text.Encoding.Latin1.GetString(pdf), @"/(CreationDate|ModDate|M)\((D:[^)]*)\)")
            .Select(m => m.Groups[1].Value + " " + m.Groups[2].Value)];

        var plain = Render(false);
        Assert.Equal(["CreationDate D:20260601080000+00'00'", "ModDate D:20260601080000+00'00'"], Dates(plain).Order());
        var xmp = System.Text.Encoding.Latin1.GetString(plain);
        Assert.Contains("<xmp:CreateDate>2026-06-01T08:00:00Z</xmp:CreateDate>", xmp, StringComparison.Ordinal);
        Assert.Contains("<xmp:ModifyDate>2026-06-01T08:00:00Z</xmp:ModifyDate>", xmp, StringComparison.Ordinal);
        // The same report at the same instant: the same dates again.
        Assert.Equal(Dates(plain), Dates(Render(false)));

        // Sealed: the signature dictionary's /M, which readers show as the signing time, is the clock's too, and the
        // signature made after it was written still holds.
        var pdf = Render(true);
        Assert.Equal(["CreationDate D:20260601080000+00'00'", "M D:20260601080000+00'00'", "ModDate D:20260601080000+00'00'"], Dates(pdf).Order());
        SignatureOf(pdf).CheckSignature(verifySignatureOnly: true);
        var dir = Directory.CreateTempSubdirectory("report-dates-");
        try
        {
            var path = Path.Combine(dir.FullName, "sealed.pdf");
            File.WriteAllBytes(path, pdf);
            var report = PdfSig(path);
            Assert.Contains("Signature Validation: Signature is Valid.", report, StringComparison.Ordinal);
            Assert.Contains("Signing Time: Jun 01 2026", report, StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(true);
        }
    }

    /// <summary>pdfsig's report (poppler-utils; .ci/run installs it).</summary>
    public static string PdfSig(string path)
    {
        using var p = Process.Start(new ProcessStartInfo("pdfsig", ["-nocert", path]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
        p.WaitForExit();
        return output;
    }

    /// <summary>The PDF's CMS signature, decoded over its /ByteRange (check it with CheckSignature).</summary>
    public static SignedCms SignatureOf(byte[] pdf) => PdfSignatures.Read(pdf) ?? throw new InvalidOperationException("no signature");

    private static int IndexOf(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle);
}
