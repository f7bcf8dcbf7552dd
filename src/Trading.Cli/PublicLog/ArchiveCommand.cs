using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using Trading.PublicLog;
using Trading.PublicLog.Archive;

namespace Trading.Cli.PublicLog;

/// <summary>
/// <c>trading verify-archive package.tar --root root-ca.crt --seal-ca centre-ca.crt</c>: checks a tender's archive
/// package offline (docs/archive-format.md), its signed index with the seal's CA, and names the file that fails. Exit codes: 0 valid, 1 verification failed, 2 unusable input.
/// </summary>
public static class ArchiveCommand
{
    public static Command Build()
    {
        var file = new Argument<FileInfo>("archive") { Description = "The tender's archive package (.tar) downloaded from the site" };
        var rootOption = new Option<FileInfo>("--root") { Description = "The centre's root CA certificate (PEM)", DefaultValueFactory = _ => new FileInfo(Path.Combine("certs", "dev", CentrePki.Files.RootCertificate)) };
        var sealCaOption = new Option<FileInfo?>("--seal-ca") { Description = "The centre's CA certificate that issued the document seal (PEM, /pki/centre-ca.crt), to check the package's signed index" };
        var tsaRootOption = new Option<FileInfo[]>("--tsa-root") { Description = "The root certificate of an external time-stamping authority the centre uses (PEM; repeatable), for the manifest's and the index's time-stamps" };
        var lang = PublicLogCommands.LanguageOption();
        var cmd = new Command("verify-archive", "Check a tender's archive package offline against the centre's root certificate and name the file that fails");
        cmd.Arguments.Add(file);
        cmd.Options.Add(rootOption);
        cmd.Options.Add(sealCaOption);
        cmd.Options.Add(tsaRootOption);
        cmd.Options.Add(lang);
        cmd.SetAction(async (parse, ct) =>
        {
            var language = parse.GetValue(lang)!;
            var zh = PublicLogCommands.Zh(language);
            X509Certificate2 root;
            X509Certificate2? sealCa;
            List<X509Certificate2> tsaRoots;
            Stream input;
            try
            {
                root = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(parse.GetValue(rootOption)!.FullName, ct));
                sealCa = parse.GetValue(sealCaOption) is { } sealCaFile ? X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(sealCaFile.FullName, ct)) : null;
                tsaRoots = [];
                foreach (var f in parse.GetValue(tsaRootOption) ?? [])
                    tsaRoots.Add(X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(f.FullName, ct)));
                input = File.OpenRead(parse.GetValue(file)!.FullName);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
            {
                Console.Error.WriteLine(e.Message);
                return 2;
            }
            using (root)
            using (sealCa)
            await using (input)
            {
                // The index's seal is stamped by the centre's TSA (under --root) or by the external one (under a --tsa-root).
                X509Certificate2? indexTsaRoot = null;
                TimeStampInfo? indexStamp = null;
                ArchiveIndexReader? readIndex = sealCa is null ? null : pdf =>
                {
                    (_, indexStamp, indexTsaRoot) = SealedPdf.Verify(pdf, sealCa, [root, .. tsaRoots], DateTimeOffset.UtcNow);
                    return SealedPdf.IndexList(pdf);
                };
                var r = await TenderArchiveVerifier.VerifyAsync(input, root, readIndex, tsaRoots, ct);
                if (!r.Ok)
                {
                    Console.WriteLine(zh ? "档案验证失败" : "Archive verification FAILED");
                    Console.WriteLine((zh ? "  出错文件：" : "  file: ") + r.File);
                    Console.WriteLine("  " + r.Problem!.Localized(language));
                    return 1;
                }
                var m = r.Manifest!;
                string Day(DateTimeOffset t) => t.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
                Console.WriteLine(zh ? "档案有效" : "Archive is valid");
                Console.WriteLine($"  {(zh ? "项目" : "tender")} {m.Tender.Code} {m.Tender.Title} ({m.Tender.Owner}; {m.Tender.State}; {m.Tender.Id})");
                Console.WriteLine(zh
                    ? $"  文件 {m.Files.Count} 个，均与清单一致；清单由 {r.Stamp!.TsaSubject} 于 {Day(r.Stamp.Time)} 加盖时间戳"
                    : $"  {m.Files.Count} files match the manifest; the manifest was time-stamped {Day(r.Stamp!.Time)} by {r.Stamp.TsaSubject}");
                Console.WriteLine(zh
                    ? $"  日志条目 {r.EntriesChecked} 条均包含于检查点 {r.Checkpoint!.Origin} 大小 {r.Checkpoint.Size}（监察室于 {Day(r.CosignedAt!.Value)} 联署）；开启的密封条目 {r.SealedOpened} 条"
                    : $"  {r.EntriesChecked} log entries included in checkpoint {r.Checkpoint!.Origin} size {r.Checkpoint.Size} (cosigned by the supervision office {Day(r.CosignedAt!.Value)}); {r.SealedOpened} sealed entries opened");
                Console.WriteLine(zh
                    ? $"  归档于 {Day(m.ArchivedAt)}，保存 {m.RetentionYears} 年，至 {m.RetainUntil:yyyy-MM-dd}"
                    : $"  archived {Day(m.ArchivedAt)}, kept {m.RetentionYears} years, until {m.RetainUntil:yyyy-MM-dd}");
                if (r.Index is { } index)
                {
                    Console.WriteLine(zh
                        ? $"  签章档案目录 {TenderArchive.IndexPath} 有效，所列 {index.Files.Count} 个文件的大小和 SHA-256 均与档案包一致"
                        : $"  the sealed index {TenderArchive.IndexPath} holds and the size and SHA-256 of each of the {index.Files.Count} files it lists match the package");
                    if (indexStamp is not null)
                        Console.WriteLine(zh
                            ? $"  档案目录签章的时间戳由 {indexStamp.TsaSubject} 于 {Day(indexStamp.Time)} 加盖（根证书 {indexTsaRoot!.Subject}）"
                            : $"  the index's seal was time-stamped {Day(indexStamp.Time)} by {indexStamp.TsaSubject} (root {indexTsaRoot!.Subject})");
                }
                foreach (var f in m.Files)
                {
                    Console.WriteLine($"    {f.Path}  {f.Length}  {f.Sha256[..16]}…  {f.Title}");
                }
                return 0;
            }
        });
        return cmd;
    }
}
