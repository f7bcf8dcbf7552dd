using System.CommandLine;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Trading.PublicLog;
using Trading.Reports;

namespace Trading.Cli.PublicLog;

/// <summary>
/// <c>trading verify-pdf</c>: checks a record the centre issued (opening record, draw record, evaluation report, award
/// notice) offline: its PDF signature covers the whole file, verifies, is by a certificate that chains to the CA
/// certificate given, and (with <c>--tsa-root</c>, once per root: the centre's root-ca.crt, an external TSA's root) its
/// signature time-stamp is over that signature by a TSA under one of those roots; it names the TSA and the root. An
/// evaluation report's members' signatures are checked too (<see cref="MemberSignatures.Check"/>): each seat's statement
/// against its signature and certificate, the statement's content hash against the attached content, the certificate's
/// chain to <c>--root</c> (or a <c>--member-ca</c>); each failure is named with its seat.
/// Exit codes: 0 valid, 1 not valid (the reason is printed), 2 unusable input.
/// </summary>
public static class VerifyPdfCommand
{
    public static Command Build()
    {
        var file = new Argument<FileInfo>("pdf") { Description = "The PDF downloaded from the site" };
        var rootOption = new Option<FileInfo>("--root") { Description = "The centre's CA certificate for firm certificates and the seal (PEM, /pki/centre-ca.crt)", Required = true };
        var tsaRootOption = new Option<FileInfo[]>("--tsa-root") { Description = "The root certificate of a time-stamping authority (the centre's root-ca.crt, or an external TSA's root; repeat for both), to check the time-stamp too" };
        var memberCaOption = new Option<FileInfo[]>("--member-ca")
        {
            Description = "Further CA certificates committee members' certificates may chain to (PEM: /pki/centre-ca-sm2.crt at an SM2 deployment); repeatable. --root is always one",
        };
        var lang = PublicLogCommands.LanguageOption();
        var cmd = new Command("verify-pdf", "Check the centre's signature on a PDF record offline");
        cmd.Arguments.Add(file);
        cmd.Options.Add(rootOption);
        cmd.Options.Add(tsaRootOption);
        cmd.Options.Add(memberCaOption);
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
                // An evaluation report also carries each committee member's own signature (attached, under the seal just checked).
                var content = PdfSignatures.Attachment(pdf, MemberSignatures.ContentAttachment);
                var members = PdfSignatures.Attachment(pdf, MemberSignatures.Attachment);
                if (content is null && members is null) return 0;
                static byte[] Der(FileInfo f)
                {
                    var pem = File.ReadAllText(f.FullName);
                    return Convert.FromBase64String(pem[PemEncoding.Find(pem).Base64Data]);
                }
                IReadOnlyList<byte[]> cas = [root.RawData, .. (parse.GetValue(memberCaOption) ?? []).Select(Der)];
                var (valid, failures) = MemberSignatures.Check(content, members, cas);
                var language = parse.GetValue(lang)!;
                foreach (var (seat, pseudonym) in valid)
                    output.WriteLine(zh ? $"  第 {seat} 席（{pseudonym[..Math.Min(16, pseudonym.Length)]}）评委签名有效" : $"  seat {seat} ({pseudonym[..Math.Min(16, pseudonym.Length)]}): member signature is valid");
                if (failures.Count == 0) return 0;
                output.WriteLine(zh ? "评委签名验证失败" : "Member signatures FAILED");
                foreach (var (seat, code) in failures)
                {
                    var why = LogMessages.Format(code, new Dictionary<string, object?>(), language);
                    output.WriteLine(seat == 0 ? "  " + why : zh ? $"  第 {seat} 席：{why}" : $"  seat {seat}: {why}");
                }
                return 1;
            });
        });
        return cmd;
    }
}
