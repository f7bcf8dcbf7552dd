using System.CommandLine;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Trading.PublicLog;
using Trading.Reports;

namespace Trading.Cli.PublicLog;

/// <summary>
/// <c>trading verify-pdf</c>: checks a record the centre issued (opening record, draw record, evaluation report, award
/// notice) offline: its PDF signature covers the whole file, verifies, is by a certificate that chains to the CA
/// certificate given, and (with <c>--tsa-root</c>) its signature time-stamp is the centre TSA's over that signature.
/// Exit codes: 0 valid, 1 not valid (the reason is printed), 2 unusable input.
/// </summary>
public static class VerifyPdfCommand
{
    private const string SignatureTimeStampOid = "1.2.840.113549.1.9.16.2.14";

    public static Command Build()
    {
        var file = new Argument<FileInfo>("pdf") { Description = "The PDF downloaded from the site" };
        var rootOption = new Option<FileInfo>("--root") { Description = "The centre's CA certificate for firm certificates and the seal (PEM, /pki/centre-ca.crt)", Required = true };
        var tsaRootOption = new Option<FileInfo?>("--tsa-root") { Description = "The root certificate of the time-stamping authority (the centre's root-ca.crt), to check the time-stamp too" };
        var lang = PublicLogCommands.LanguageOption();
        var cmd = new Command("verify-pdf", "Check the centre's signature on a PDF record offline");
        cmd.Arguments.Add(file);
        cmd.Options.Add(rootOption);
        cmd.Options.Add(tsaRootOption);
        cmd.Options.Add(lang);
        cmd.SetAction(parse =>
        {
            var zh = PublicLogCommands.Zh(parse.GetValue(lang)!);
            var output = parse.InvocationConfiguration.Output;
            return PublicLogCommands.Run(parse.GetValue(lang)!, () =>
            {
                int Fail(string en, string cn)
                {
                    output.WriteLine(zh ? "验证失败" : "Verification FAILED");
                    output.WriteLine("  " + (zh ? cn : en));
                    return 1;
                }

                var pdf = File.ReadAllBytes(parse.GetValue(file)!.FullName);
                using var root = X509Certificate2.CreateFromPem(File.ReadAllText(parse.GetValue(rootOption)!.FullName));
                var cms = PdfSignatures.Read(pdf);
                if (cms is null) return Fail("the file has no signature covering the whole document", "文件没有覆盖整个文档的签名");
                try
                {
                    cms.CheckSignature(verifySignatureOnly: true);
                }
                catch (CryptographicException)
                {
                    return Fail("the signature does not match the document: it was changed after signing", "签名与文档不符：文档在签名后被改动");
                }
                var signer = cms.SignerInfos[0];
                var cert = signer.Certificate!;
                var at = DateTimeOffset.UtcNow;
                var stamp = signer.UnsignedAttributes.Cast<CryptographicAttributeObject>().FirstOrDefault(a => a.Oid.Value == SignatureTimeStampOid);
                var tsaRootFile = parse.GetValue(tsaRootOption);
                if (stamp is not null && tsaRootFile is not null)
                {
                    using var tsaRoot = X509Certificate2.CreateFromPem(File.ReadAllText(tsaRootFile.FullName));
                    var info = TimeStampVerifier.Verify(stamp.Values[0].RawData, SHA256.HashData(signer.GetSignature()), tsaRoot);
                    at = info.Time;
                    output.WriteLine((zh ? "时间戳：" : "time-stamp: ") + info.Time.ToString("u", System.Globalization.CultureInfo.InvariantCulture));
                }
                else if (tsaRootFile is not null)
                {
                    return Fail("the signature has no time-stamp", "签名没有时间戳");
                }
                // Only the CA certificate given is trusted: certificates carried in the PDF never vouch for themselves.
                if (!FirmCertificateAuthority.Chains(cert, [root], at))
                    return Fail("the signing certificate does not chain to the CA certificate given", "签名证书不能链接到所给的 CA 证书");
                output.WriteLine(zh ? "签名有效" : "Signature is valid");
                output.WriteLine("  " + cert.Subject);
                output.WriteLine("  SHA-256 " + cert.GetCertHashString(HashAlgorithmName.SHA256));
                return 0;
            });
        });
        return cmd;
    }
}
