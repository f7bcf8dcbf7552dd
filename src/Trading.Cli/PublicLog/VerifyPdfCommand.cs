using System.CommandLine;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Trading.PublicLog;

namespace Trading.Cli.PublicLog;

/// <summary>
/// <c>trading verify-pdf</c>: checks a record the centre issued (opening record, draw record, evaluation report, award
/// notice) offline: its PDF signature covers the whole file, verifies, is by a certificate that chains to the CA
/// certificate given, and (with <c>--tsa-root</c>, once per root: the centre's root-ca.crt, an external TSA's root) its
/// signature time-stamp is over that signature by a TSA under one of those roots; it names the TSA and the root.
/// Exit codes: 0 valid, 1 not valid (the reason is printed), 2 unusable input.
/// </summary>
public static class VerifyPdfCommand
{
    public static Command Build()
    {
        var file = new Argument<FileInfo>("pdf") { Description = "The PDF downloaded from the site" };
        var rootOption = new Option<FileInfo>("--root") { Description = "The centre's CA certificate for firm certificates and the seal (PEM, /pki/centre-ca.crt)", Required = true };
        var tsaRootOption = new Option<FileInfo[]>("--tsa-root") { Description = "The root certificate of a time-stamping authority (the centre's root-ca.crt, or an external TSA's root; repeat for both), to check the time-stamp too" };
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
                var pdf = File.ReadAllBytes(parse.GetValue(file)!.FullName);
                using var root = X509Certificate2.CreateFromPem(File.ReadAllText(parse.GetValue(rootOption)!.FullName));
                var tsaRoots = (parse.GetValue(tsaRootOption) ?? []).Select(f => X509Certificate2.CreateFromPem(File.ReadAllText(f.FullName))).ToList();
                X509Certificate2 cert;
                TimeStampInfo? stamp;
                X509Certificate2? vouched;
                try
                {
                    (cert, stamp, vouched) = SealedPdf.Verify(pdf, root, tsaRoots, DateTimeOffset.UtcNow);
                }
                catch (LogVerificationException e)
                {
                    // Told on the command's own output (PublicLogCommands.Run writes to the console), as in-process callers read it.
                    output.WriteLine(zh ? "验证失败" : "Verification FAILED");
                    output.WriteLine("  " + e.Localized(parse.GetValue(lang)!));
                    return 1;
                }
                if (stamp is not null)
                {
                    var when = stamp.Time.ToString("u", System.Globalization.CultureInfo.InvariantCulture);
                    // Which time evidence was used: the authority that stamped the seal and the root given that vouched for it.
                    output.WriteLine(zh
                        ? $"时间戳：{when}，由 {stamp.TsaSubject} 加盖（根证书 {vouched!.Subject}）"
                        : $"time-stamp: {when} by {stamp.TsaSubject} (root {vouched!.Subject})");
                }
                output.WriteLine(zh ? "签名有效" : "Signature is valid");
                output.WriteLine("  " + cert.Subject);
                output.WriteLine("  SHA-256 " + cert.GetCertHashString(HashAlgorithmName.SHA256));
                return 0;
            });
        });
        return cmd;
    }
}
