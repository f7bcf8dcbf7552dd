using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Trading.PublicLog;

namespace Trading.Cli.PublicLog;

/// <summary>
/// <c>trading pki init</c>, <c>trading verify-receipt</c>, <c>trading verify-log</c> and <c>trading cosign</c>. Exit codes:
/// 0 verified or created, 1 verification failed (the reason is printed), 2 unusable input.
/// </summary>
public static class PublicLogCommands
{
    /// <summary>The commands to add to the root command.</summary>
    public static IEnumerable<Command> Build() => [BuildPki(), BuildVerifyReceipt(), BuildVerifyLog(), CosignCommand.Build(), ArchiveCommand.Build(), VerifyPdfCommand.Build()];

    internal static Option<string> LanguageOption() => new("--lang")
    {
        Description = "Language of messages: en or zh-CN (default: from the system culture)",
        DefaultValueFactory = _ => CultureInfo.CurrentUICulture.Name.StartsWith("zh", StringComparison.OrdinalIgnoreCase) ? LogMessages.Chinese : LogMessages.English,
    };

    internal static bool Zh(string lang) => lang.StartsWith("zh", StringComparison.OrdinalIgnoreCase);

    private static Command BuildPki()
    {
        var outOption = new Option<DirectoryInfo>("--out") { Description = "Folder for the generated files (git-ignored default)", DefaultValueFactory = _ => new DirectoryInfo(Path.Combine("certs", "dev")) };
        var nameOption = new Option<string>("--centre") { Description = "Centre name used in certificate subjects", DefaultValueFactory = _ => "Development Trading Centre" };
        var forceOption = new Option<bool>("--force") { Description = "Overwrite existing files" };
        var init = new Command("init", "Create a development PKI: root CA, issuing CA, TSA, log-signing, witness and localhost TLS certificates, and a pseudonym key");
        init.Options.Add(outOption);
        init.Options.Add(nameOption);
        init.Options.Add(forceOption);
        init.SetAction(parse =>
        {
            var dir = parse.GetValue(outOption)!;
            var force = parse.GetValue(forceOption);
            using var pki = CentrePki.CreateDevelopment(parse.GetValue(nameOption)!, DateTimeOffset.UtcNow);
            var files = pki.ToPemFiles().ToDictionary();
            files["pseudonym.key"] = Convert.ToBase64String(Pseudonymizer.GenerateKey()) + "\n";
            Directory.CreateDirectory(dir.FullName);
            var existing = files.Keys.Where(f => File.Exists(Path.Combine(dir.FullName, f))).ToList();
            if (existing.Count > 0 && !force)
            {
                Console.Error.WriteLine($"refusing to overwrite {string.Join(", ", existing)} in {dir.FullName} (use --force)");
                return 2;
            }
            foreach (var (name, content) in files)
            {
                var path = Path.Combine(dir.FullName, name);
                if (name.EndsWith(".key", StringComparison.Ordinal))
                {
                    Trading.Crypto.SecretFile.WriteAllText(path, content);
                }
                else
                {
                    File.WriteAllText(path, content);
                }
            }
            Console.WriteLine($"wrote {files.Count} files to {dir.FullName}");
            Console.WriteLine($"root CA SHA-256 fingerprint: {pki.Root.GetCertHashString(HashAlgorithmName.SHA256)}");
            return 0;
        });
        var pkiCommand = new Command("pki", "The centre's certificates");
        pkiCommand.Subcommands.Add(init);
        return pkiCommand;
    }

    private static Command BuildVerifyReceipt()
    {
        var file = new Argument<FileInfo>("receipt") { Description = "Receipt JSON file downloaded from the site" };
        var rootOption = new Option<FileInfo>("--root") { Description = "The centre's root CA certificate (PEM)", DefaultValueFactory = _ => new FileInfo(Path.Combine("certs", "dev", CentrePki.Files.RootCertificate)) };
        var tsaRootOption = new Option<FileInfo?>("--tsa-root") { Description = "Root certificate of an external TSA, when the centre uses one (PEM)" };
        var firmCaOption = new Option<FileInfo[]>("--firm-ca")
        {
            Description = "The centre's firm certificate CA (PEM: /pki/centre-ca.crt, or /pki/centre-ca-sm2.crt for SM2); repeatable. "
                + "The certificate the receipt names must chain to one at the receipt's time",
        };
        var lang = LanguageOption();
        var cmd = new Command("verify-receipt", "Check a bid receipt offline against the centre's root certificate");
        cmd.Arguments.Add(file);
        cmd.Options.Add(rootOption);
        cmd.Options.Add(tsaRootOption);
        cmd.Options.Add(firmCaOption);
        cmd.Options.Add(lang);
        cmd.SetAction(parse =>
        {
            var language = parse.GetValue(lang)!;
            return Run(language, () =>
            {
                using var root = X509Certificate2.CreateFromPem(File.ReadAllText(parse.GetValue(rootOption)!.FullName));
                var tsaRootFile = parse.GetValue(tsaRootOption);
                using var tsaRoot = tsaRootFile is null ? null : X509Certificate2.CreateFromPem(File.ReadAllText(tsaRootFile.FullName));
                static byte[] Der(FileInfo f)
                {
                    var pem = File.ReadAllText(f.FullName);
                    return Convert.FromBase64String(pem[PemEncoding.Find(pem).Base64Data]);
                }
                var firmCas = parse.GetValue(firmCaOption) is { Length: > 0 } cas ? cas.Select(Der).ToList() : null;
                var result = BidReceiptVerifier.Verify(File.ReadAllText(parse.GetValue(file)!.FullName), root, tsaRoot, firmCas);
                var r = result.Receipt;
                Console.WriteLine(Zh(language) ? "回执有效" : "Receipt is valid");
                Console.WriteLine($"  tender {r.Tender}  lot {r.Lot}  bidder {r.Bidder}");
                Console.WriteLine($"  ciphertext sha256 {r.CiphertextSha256}  length {r.CiphertextLength}");
                Console.WriteLine($"  server time {r.ServerTime:O}  time-stamp {result.TimeStamp.Time:O} ({result.TimeStamp.TsaSubject})");
                Console.WriteLine($"  log entry {r.LogIndex} included in checkpoint {result.Checkpoint.Origin} size {result.Checkpoint.Size} signed by {result.LogSigner}");
                if (r.Signer is { } signer)
                {
                    Console.WriteLine(Zh(language)
                        ? $"  投标文件以投标单位证书 {signer.Serial}（签发者 {signer.Issuer}）签名" + (firmCas is null ? "" : "，该证书链接到所给的 CA 证书")
                        : $"  signed under firm certificate {signer.Serial} issued by {signer.Issuer}" + (firmCas is null ? "" : ", which chains to the CA certificate given"));
                }
                if (r.Version == BidReceipt.SealedVersion)
                {
                    Console.WriteLine(Zh(language)
                        ? "  该日志条目为密封条目：回执中的开启值与其承诺值相符（投标截止前公众看不到投标人和项目）"
                        : "  the log entry is sealed: the receipt's opening matches its commitment (before the deadline the public sees neither bidder nor tender)");
                }
                return 0;
            });
        });
        return cmd;
    }

    private static Command BuildVerifyLog()
    {
        var entries = new Argument<FileInfo>("entries") { Description = "Downloaded log entries (JSON Lines)" };
        var checkpoints = new Option<FileInfo>("--checkpoints") { Description = "Downloaded signed checkpoints (JSON array of notes)", Required = true };
        var logCert = new Option<FileInfo>("--log-cert") { Description = "Log signing certificate (PEM; may be followed by the issuing CA)", DefaultValueFactory = _ => new FileInfo(Path.Combine("certs", "dev", CentrePki.Files.LogCertificate)) };
        var rootOption = new Option<FileInfo>("--root") { Description = "The centre's root CA certificate (PEM)", DefaultValueFactory = _ => new FileInfo(Path.Combine("certs", "dev", CentrePki.Files.RootCertificate)) };
        var issuing = new Option<FileInfo?>("--issuing") { Description = "Issuing CA certificate (PEM), if not in --log-cert" };
        var witnessCert = new Option<FileInfo?>("--witness-cert") { Description = "Supervision office witness certificate (PEM), to check cosignatures" };
        var witnessName = new Option<string>("--witness-name") { Description = "Witness key name", DefaultValueFactory = _ => "supervision/witness" };
        var origin = new Option<string?>("--origin") { Description = "Expected log origin (default: taken from the first checkpoint)" };
        var lang = LanguageOption();
        var cmd = new Command("verify-log", "Re-verify a downloaded public log from scratch and name the first bad entry");
        cmd.Arguments.Add(entries);
        foreach (var o in new Option[] { checkpoints, logCert, rootOption, issuing, witnessCert, witnessName, origin, lang })
        {
            cmd.Options.Add(o);
        }
        cmd.SetAction(parse =>
        {
            var language = parse.GetValue(lang)!;
            return Run(language, () =>
            {
                var notes = LogVerifier.ParseCheckpoints(File.ReadAllText(parse.GetValue(checkpoints)!.FullName));
                if (notes.Count == 0)
                {
                    throw new LogVerificationException("verify.no-checkpoint");
                }
                var certs = LoadPemCertificates(parse.GetValue(logCert)!.FullName);
                var issuingFile = parse.GetValue(issuing);
                if (issuingFile is not null)
                {
                    certs.AddRange(LoadPemCertificates(issuingFile.FullName));
                }
                using var root = X509Certificate2.CreateFromPem(File.ReadAllText(parse.GetValue(rootOption)!.FullName));
                var first = Checkpoint.ParseNoteText(SignedNote.Split(notes[0]).Text);
                // The signatures were made when the checkpoints were; checking the chain then keeps old logs verifiable after expiry.
                CentreTrust.RequireChain(certs[0], root, certs.Skip(1), first.Time);
                var logOrigin = parse.GetValue(origin) ?? first.Origin;
                NoteVerifier? witness = null;
                var witnessFile = parse.GetValue(witnessCert);
                if (witnessFile is not null)
                {
                    var w = LoadPemCertificates(witnessFile.FullName);
                    CentreTrust.RequireChain(w[0], root, certs.Skip(1).Concat(w.Skip(1)), first.Time);
                    witness = NoteVerifier.FromCertificate(parse.GetValue(witnessName)!, w[0]);
                }
                // No stream buffer: the verifier reads in blocks of megabytes, which a 4 KiB buffer would only copy.
                using var stream = new FileStream(parse.GetValue(entries)!.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.SequentialScan);
                var report = LogVerifier.VerifyJsonLines(stream, notes, NoteVerifier.FromCertificate(logOrigin, certs[0]),
                    new LogVerifier.Options(CheckEntryFormat: true, Witness: witness, Origin: logOrigin));
                if (!report.Ok)
                {
                    Console.WriteLine(Zh(language) ? "日志验证失败" : "Log verification FAILED");
                    Console.WriteLine("  " + report.Problem!.Localized(language));
                    if (report.FirstBadIndex is long bad)
                    {
                        Console.WriteLine((Zh(language) ? "  第一个错误条目：" : "  first bad index: ") + bad.ToString(CultureInfo.InvariantCulture));
                    }
                    if (report.BadCheckpoint is int c)
                    {
                        Console.WriteLine((Zh(language) ? "  错误检查点：" : "  bad checkpoint: ") + c.ToString(CultureInfo.InvariantCulture));
                    }
                    return 1;
                }
                Console.WriteLine(Zh(language) ? "日志有效" : "Log is valid");
                Console.WriteLine($"  entries {report.Entries}, checkpoints {report.Checkpoints}, verified size {report.VerifiedSize}, witness cosignatures {report.Cosigned}");
                // Sealed entries (docs/public-log.md "What the log reveals, and when"): each one a reveal opened matched its commitment.
                Console.WriteLine(Zh(language)
                    ? $"  密封条目 {report.Sealed}，已由 {report.Reveals} 个揭示条目开启并核验 {report.Opened}，未开启 {report.Sealed - report.Opened}（掩护条目、未到截止时间的项目或不公开的记录）"
                    : $"  sealed entries {report.Sealed}: {report.Opened} opened by {report.Reveals} reveals and checked, {report.Sealed - report.Opened} unopened (cover, tenders before their deadline, records not published)");
                if (report.Entries > report.VerifiedSize)
                {
                    Console.WriteLine(Zh(language)
                        ? $"  注意：最后 {report.Entries - report.VerifiedSize} 条尚无检查点覆盖"
                        : $"  note: the last {report.Entries - report.VerifiedSize} entries are not yet covered by a checkpoint");
                }
                return 0;
            });
        });
        return cmd;
    }

    internal static List<X509Certificate2> LoadPemCertificates(string path)
    {
        var collection = new X509Certificate2Collection();
        collection.ImportFromPemFile(path);
        if (collection.Count == 0)
        {
            throw new LogFormatException("key.invalid", Args(("kind", "certificate"), ("reason", $"no certificate in {path}")));
        }
        return [.. collection];
    }

    private static Dictionary<string, object?> Args(params (string Key, object? Value)[] pairs) => pairs.ToDictionary(p => p.Key, p => p.Value);

    internal static int Run(string language, Func<int> body)
    {
        try
        {
            return body();
        }
        catch (LogVerificationException e)
        {
            Console.WriteLine(Zh(language) ? "验证失败" : "Verification FAILED");
            Console.WriteLine("  " + e.Localized(language));
            return 1;
        }
        catch (PublicLogException e)
        {
            Console.Error.WriteLine(e.Localized(language));
            return 2;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
        {
            Console.Error.WriteLine(e.Message);
            return 2;
        }
    }
}
