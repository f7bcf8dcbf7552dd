using System.CommandLine;
using System.Security.Cryptography;
using Trading.Crypto;

namespace Trading.Cli.Crypto;

/// <summary><c>trading open</c> (combine partials and decrypt, for auditors) and <c>trading verify-opening</c>.</summary>
public static class OpeningCommands
{
    /// <summary>The commands to add to the root command.</summary>
    public static IEnumerable<Command> Build() => [BuildOpen(), BuildVerify()];

    private static Command BuildOpen()
    {
        var lang = CliSupport.Lang();
        var key = CliSupport.JointKey();
        var envelopes = new Option<FileInfo[]>("--envelope") { Required = true, AllowMultipleArgumentsPerToken = true, Description = "Envelope file(s) to open" };
        var partials = new Option<FileInfo[]>("--partials") { Required = true, AllowMultipleArgumentsPerToken = true, Description = "Partial decryption files from the holders (JSON arrays)" };
        var outDir = new Option<DirectoryInfo>("--out-dir") { Required = true, Description = "Folder for the decrypted bids (<bidder>.zip)" };
        var transcript = new Option<FileInfo>("--transcript") { Required = true, Description = "Opening transcript to write (JSON, version 2)" };
        var manifests = new Option<FileInfo[]>("--manifest")
        {
            AllowMultipleArgumentsPerToken = true,
            Description = "A bid's signed manifest as submitted (JSON, as trading seal writes it), matched to its envelope by SHA-256; "
                + "default: <envelope>.manifest.json beside each envelope; repeatable",
        };
        var receipts = new Option<FileInfo[]>("--receipt")
        {
            AllowMultipleArgumentsPerToken = true,
            Description = "A bid's receipt (JSON) from the platform, matched to its envelope by SHA-256: its server time is the bid's "
                + "submission time and its signer the certificate the manifest was checked against; repeatable",
        };
        var receiptRoot = new Option<FileInfo?>("--receipt-root")
        {
            Description = "The log's root certificate (root-ca.crt): every receipt is verified against it, as trading verify-receipt does, before its time and certificate are used",
        };
        var command = new Command("open", "Verify the holders' partials, combine any t of them, decrypt each envelope and write a version 2 transcript")
        {
            key, envelopes, partials, outDir, transcript, manifests, receipts, receiptRoot, lang,
        };
        command.SetAction((parse, ct) => CliSupport.RunAsync(parse, lang, async stdout =>
        {
            var jointKey = CliSupport.ReadJointKey(parse.GetValue(key)!);
            var all = new List<PartialDecryption>();
            foreach (var f in parse.GetValue(partials)!)
            {
                all.AddRange(CryptoJson.Deserialize<List<PartialDecryption>>(await File.ReadAllTextAsync(f.FullName, ct)));
            }

            var bids = new List<BidOpening>();
            var failures = 0;
            var lng = parse.GetValue(lang)!;
            var zh = lng.StartsWith("zh", StringComparison.OrdinalIgnoreCase);
            var signedBy = await ReadManifestsAsync(parse.GetValue(manifests) ?? [], ct);
            var (receiptsBy, refusal) = await ReadReceiptsAsync(parse.GetValue(receipts) ?? [], parse.GetValue(receiptRoot), lng, ct);
            if (refusal is not null)
            {
                // A receipt that does not verify would put the platform's word where the log's is missing: nothing is opened.
                await parse.InvocationConfiguration.Error.WriteLineAsync(refusal);
                return CliSupport.Refused;
            }

            var incomplete = 0;
            foreach (var file in parse.GetValue(envelopes)!)
            {
                // One bid failing to open does not stop the others; the failure is reported with its rule.
                try
                {
                    // One pass over the envelope: its header is read to find this bid's partials, then the same stream
                    // goes on through decryption, which reads batches of whole blocks (MiBs) and adds them to the
                    // envelope's SHA-256 while it writes the plaintext, so the file is never read a second time. The
                    // buffer only serves the header's small reads; the large reads go straight into the batches.
                    await using var file1 = new FileStream(file.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
                    using var envelopeSha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                    var (header, headerBytes) = await EnvelopeHeader.ReadAsync(file1, ct);
                    envelopeSha.AppendData(headerBytes);
                    header.CheckSuite(jointKey.Suite);
                    var mine = all.Where(p => p.R.AsSpan().SequenceEqual(header.EphemeralPoint)).ToList();
                    var combination = ThresholdOpening.Combine(jointKey, header.EphemeralPoint, mine);
                    foreach (var rejected in combination.Rejected)
                    {
                        await parse.InvocationConfiguration.Error.WriteLineAsync($"{file.Name}: {CryptoMessages.Format(rejected.Reason, [rejected.HolderIndex.ToString()], lng)}");
                    }

                    var target = Path.Combine(parse.GetValue(outDir)!.FullName, SafeName(header.Bidder) + ".zip");
                    await CliSupport.WriteAtomicallyAsync(target, async output =>
                    {
                        await Envelope.DecryptAfterHeaderAsync(file1, header, headerBytes, output, jointKey, combination, envelopeSha, null, ct);
                    }, large: true);

                    // Decryption read to the end of the file (the final chunk is the one the file ends after).
                    var hash = envelopeSha.GetHashAndReset();

                    // Version 2 as the web app writes it: the manifest as submitted, the submission time and the certificate
                    // checked then. The platform holds them in its database; offline they come from the bidder's own files.
                    var sha = Convert.ToHexStringLower(hash);
                    var manifest = signedBy.GetValueOrDefault(sha) ?? await BesideAsync(file, hash, ct);
                    var receipt = receiptsBy.GetValueOrDefault(sha);
                    bids.Add(OpeningTranscript.Record(header, hash, mine, combination) with
                    {
                        SubmittedAt = receipt?.ServerTime,
                        Manifest = manifest,
                        SignerCertificate = receipt?.Signer is { } signer ? Convert.ToBase64String(PemDer(signer.Certificate)) : null,
                    });
                    await stdout.WriteLineAsync($"{file.Name}: opened for bidder {header.Bidder} -> {target}");
                    if (manifest is null)
                    {
                        incomplete++;
                        await parse.InvocationConfiguration.Error.WriteLineAsync($"{file.Name}: {CryptoErrorCode.SignerDataMissing}: " + (zh
                            ? "没有该加密投标文件的已签名投标清单（请用 --manifest 给出，或放在“<文件名>.manifest.json”）：开标记录不能证明投标由谁签名"
                            : "no signed manifest for this envelope (give --manifest, or put <envelope>.manifest.json beside it): the transcript cannot show who signed the bid"));
                    }

                    if (receipt is null)
                    {
                        incomplete++;
                        await parse.InvocationConfiguration.Error.WriteLineAsync($"{file.Name}: {CryptoErrorCode.SignerDataMissing}: " + (zh
                            ? "没有该加密投标文件的投标回执（请用 --receipt 给出）：不知道投标的递交时间及核验投标清单所用的证书"
                            : "no receipt for this envelope (give --receipt): the bid's submission time, and the certificate its manifest was checked against, are unknown"));
                    }
                }
                catch (CryptoException e)
                {
                    failures++;
                    await parse.InvocationConfiguration.Error.WriteLineAsync($"{file.Name}: {e.Code}: {e.LocalizedMessage(lng)}");
                }
            }

            var record = new OpeningTranscript(OpeningTranscript.Version2, jointKey, bids);
            await File.WriteAllTextAsync(parse.GetValue(transcript)!.FullName, CryptoJson.Serialize(record), ct);
            await stdout.WriteLineAsync($"transcript (version 2): {bids.Count} opened, {failures} failed");
            if (receiptsBy.Count > 0 && parse.GetValue(receiptRoot) is null)
            {
                await stdout.WriteLineAsync(zh
                    ? "注意：未核验投标回执（未给出 --receipt-root），递交时间和签名证书取自回执本身"
                    : "note: receipts not verified (no --receipt-root given): submission times and certificates are taken from them as they are");
            }

            // A transcript without a bid's signer data is written all the same (the bids did open), but verify-opening
            // will refuse it, so the opening is not reported as complete.
            return failures == 0 && incomplete == 0 ? CliSupport.Ok : CliSupport.Refused;
        }));
        return command;
    }

    /// <summary>The signed manifests given, by the SHA-256 of the envelope each describes.</summary>
    private static async Task<Dictionary<string, SignedManifest>> ReadManifestsAsync(FileInfo[] files, CancellationToken ct)
    {
        var by = new Dictionary<string, SignedManifest>(StringComparer.Ordinal);
        foreach (var f in files)
        {
            var m = CryptoJson.Deserialize<SignedManifest>(await File.ReadAllTextAsync(f.FullName, ct));
            // Two manifests for one envelope leave the opener to pick one: the input is refused instead.
            if (!by.TryAdd(Convert.ToHexStringLower(m.Manifest.EnvelopeSha256), m))
                throw new InvalidDataException($"{f.Name}: a second manifest for envelope {Convert.ToHexStringLower(m.Manifest.EnvelopeSha256)}");
        }

        return by;
    }

    /// <summary>The manifest trading seal wrote beside an envelope, when there is one and it describes that envelope.</summary>
    private static async Task<SignedManifest?> BesideAsync(FileInfo envelope, byte[] envelopeSha256, CancellationToken ct)
    {
        var path = envelope.FullName + ".manifest.json";
        if (!File.Exists(path)) return null;
        var m = CryptoJson.Deserialize<SignedManifest>(await File.ReadAllTextAsync(path, ct));
        return m.Manifest.EnvelopeSha256.AsSpan().SequenceEqual(envelopeSha256) ? m : null;
    }

    /// <summary>
    /// The receipts given, by ciphertext SHA-256; with a root, each is first verified against it. A refusal is the text to
    /// print (a receipt that does not verify), null when all is well.
    /// </summary>
    private static async Task<(Dictionary<string, Trading.PublicLog.BidReceipt> By, string? Refusal)> ReadReceiptsAsync(FileInfo[] files, FileInfo? rootFile, string lang, CancellationToken ct)
    {
        using var root = rootFile is null ? null : System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(rootFile.FullName, ct));
        var by = new Dictionary<string, Trading.PublicLog.BidReceipt>(StringComparer.Ordinal);
        foreach (var f in files)
        {
            var json = await File.ReadAllTextAsync(f.FullName, ct);
            Trading.PublicLog.BidReceipt receipt;
            try
            {
                receipt = root is null ? Trading.PublicLog.BidReceipt.Parse(json) : Trading.PublicLog.BidReceiptVerifier.Verify(json, root).Receipt;
            }
            catch (Trading.PublicLog.LogVerificationException e)
            {
                return (by, $"{f.Name}: {e.Code}: {e.Localized(lang)}");
            }
            catch (Trading.PublicLog.PublicLogException e)
            {
                throw new InvalidDataException($"{f.Name}: {e.Code}: {e.Localized(lang)}", e);
            }

            if (!by.TryAdd(receipt.CiphertextSha256, receipt)) throw new InvalidDataException($"{f.Name}: a second receipt for envelope {receipt.CiphertextSha256}");
        }

        return (by, null);
    }

    private static byte[] PemDer(string pem) => Convert.FromBase64String(pem[PemEncoding.Find(pem).Base64Data]);

    private static string SafeName(string bidder) =>
        string.Concat(bidder.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_')).TrimStart('.');

    private static Command BuildVerify()
    {
        var lang = CliSupport.Lang();
        var transcript = new Option<FileInfo>("--transcript") { Required = true, Description = "Opening transcript (JSON)" };
        var key = new Option<FileInfo?>("--joint-key") { Description = "Optional: the joint key as published in the tender notice, which the transcript's key must equal" };
        var ca = new Option<FileInfo[]>("--ca")
        {
            Description = "Root certificate (PEM or DER) a bid's signer certificate must chain to at its submission time: the centre's CA "
                + "(/pki/centre-ca.crt, /pki/centre-ca-sm2.crt) and any external CA the centre trusts; repeatable",
        };
        var crl = new Option<FileInfo[]>("--crl")
        {
            Description = "Revocation list (CRL, DER or PEM) signed by a CA given with --ca: the platform's /pki/firms.crl and /pki/firms-sm2.crl; "
                + "a bid whose signer certificate it names revoked at or before the submission time is refused; repeatable",
        };
        var command = new Command("verify-opening", "Check every proof, every Lagrange coefficient and every combination in an opening transcript, and from version 2 who signed each bid") { transcript, key, ca, crl, lang };
        command.SetAction((parse, ct) => CliSupport.RunAsync(parse, lang, async stdout =>
        {
            var t = CryptoJson.Deserialize<OpeningTranscript>(await File.ReadAllTextAsync(parse.GetValue(transcript)!.FullName, ct));
            var lng = parse.GetValue(lang)!;
            var zh = lng.StartsWith("zh", StringComparison.OrdinalIgnoreCase);
            if (parse.GetValue(key) is { } keyFile)
            {
                var published = CliSupport.ReadJointKey(keyFile);
                if (CryptoJson.Serialize(published) != CryptoJson.Serialize(t.Key))
                {
                    await stdout.WriteLineAsync(CryptoMessages.Format(CryptoErrorCode.WrongJointKey, [t.Key.KeyIdHex, published.KeyIdHex], lng));
                    return CliSupport.Refused;
                }
            }

            SignerChainCheck? chains = null;
            SignerRevocationCheck? revocations = null;
            var roots = new List<byte[]>();
            if (parse.GetValue(ca) is { Length: > 0 } caFiles)
            {
                foreach (var f in caFiles) roots.AddRange(ReadCertificates(await File.ReadAllBytesAsync(f.FullName, ct), f.Name));
                chains = (der, at, intermediates) => Trading.PublicLog.FirmCertificateAuthority.ChainsToAny(der, roots, at, intermediates);
            }

            if (parse.GetValue(crl) is { Length: > 0 } crlFiles)
            {
                // A list is believed only from the CA that signed the certificates it names, so it needs the roots to check it by.
                if (roots.Count == 0)
                {
                    await parse.InvocationConfiguration.Error.WriteLineAsync(zh
                        ? "--crl 需要同时用 --ca 给出签发该吊销列表的认证机构证书：吊销列表只有核验其签名后才可信"
                        : "--crl needs --ca with the CA certificate that signed the list: a revocation list is believed only once its signature is checked");
                    return CliSupport.BadInput;
                }

                var files = new List<(string, byte[])>();
                foreach (var f in crlFiles) files.Add((f.Name, await File.ReadAllBytesAsync(f.FullName, ct)));
                try
                {
                    revocations = RevocationLists.Read(files, roots).Check;
                }
                catch (RevocationListUntrustedException e)
                {
                    await parse.InvocationConfiguration.Error.WriteLineAsync(zh
                        ? $"CrlUntrusted：吊销列表 {e.File} 不是由所给的任何认证机构证书（--ca）签发的：只有签发证书的认证机构才能吊销其证书，其他人签发的列表不予采信"
                        : $"CrlUntrusted: revocation list {e.File} is not signed by any CA certificate given (--ca): only the CA that issued a certificate can revoke it, so a list signed by anyone else is refused");
                    return CliSupport.BadInput;
                }
            }

            var report = OpeningVerifier.Verify(t, chains, revocations);
            foreach (var p in report.KeyProblems)
            {
                await stdout.WriteLineAsync($"key: {p.Code}: {CryptoMessages.Format(p.Code, p.Arguments, lng)}");
            }

            foreach (var bid in report.Bids)
            {
                await stdout.WriteLineAsync($"bid {bid.Position + 1} ({bid.Bidder}): {(bid.Valid ? "VALID" : "INVALID")}");
                foreach (var p in bid.Problems)
                {
                    await stdout.WriteLineAsync($"  {p.Code}: {CryptoMessages.Format(p.Code, p.Arguments, lng)}");
                }

                var signer = bid.Signer switch
                {
                    SignerStatus.PerBidKey => zh
                        ? "  签名人：本次投标专用密钥（无证书）：投标清单签名有效且与加密投标文件相符，但不能证明是哪家单位签名"
                        : "  signer: a key made for this bid (no certificate): the manifest verifies and matches the envelope, but does not show which firm signed",
                    SignerStatus.ChainNotChecked => zh
                        ? $"  签名人：证书 {bid.SignerSerial}，递交时有效并签署了投标清单；证书链未核验（请用 --ca 给出根证书）"
                        : $"  signer: certificate {bid.SignerSerial}, valid at submission, signed the manifest; signer chain not checked (give --ca)",
                    SignerStatus.ChainVerified => zh
                        ? $"  签名人：证书 {bid.SignerSerial}，递交时有效、链接到所给的根证书，并签署了投标清单"
                        : $"  signer: certificate {bid.SignerSerial}, valid at submission and chaining to a root given, signed the manifest",
                    _ => null,
                };
                if (signer is not null) await stdout.WriteLineAsync(signer);
                if (bid.Valid && bid.Revocation is { } revocation)
                {
                    await stdout.WriteLineAsync(RevocationLine(bid, revocation, t.Bids[bid.Position].SubmittedAt, zh));
                }
                else if (bid.Valid && revocations is not null && bid.Signer == SignerStatus.ChainVerified && bid.Revocation is null)
                {
                    await stdout.WriteLineAsync(zh
                        ? $"  吊销：未核验（未给出证书 {bid.SignerSerial} 签发机构的吊销列表）"
                        : $"  revocation: not checked (no revocation list of certificate {bid.SignerSerial}'s issuer given)");
                }
            }

            if (t.Version == OpeningTranscript.Version1)
            {
                await stdout.WriteLineAsync(zh
                    ? "注意：第 1 版开标记录不含签名人数据，未核验各投标由谁签名"
                    : "note: a version 1 transcript carries no signer data: who signed each bid is not checked");
            }

            var notChecked = report.Bids.Count(b => b.Signer == SignerStatus.ChainNotChecked);
            if (notChecked > 0)
            {
                await stdout.WriteLineAsync(zh
                    ? $"注意：{notChecked} 份投标的签名证书链未核验（未给出 --ca）"
                    : $"note: signer chain not checked for {notChecked} bid(s) signed under a certificate (no --ca given)");
            }

            var unrevoked = revocations is null ? report.Bids.Count(b => b.Signer == SignerStatus.ChainVerified) : 0;
            if (unrevoked > 0)
            {
                await stdout.WriteLineAsync(zh
                    ? $"注意：{unrevoked} 份以证书签名的投标未核验吊销（未给出 --crl）"
                    : $"note: revocation not checked for {unrevoked} bid(s) signed under a certificate (no --crl given)");
            }

            await stdout.WriteLineAsync(report.Valid ? "opening verified" : "opening NOT verified");
            return report.Valid ? CliSupport.Ok : CliSupport.Refused;
        }));
        return command;
    }

    /// <summary>What the signer's issuer's revocation list showed, for a bid that stands.</summary>
    private static string RevocationLine(BidOpeningVerdict bid, SignerRevocation revocation, DateTimeOffset? submittedAt, bool zh)
    {
        static string Iso(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        var list = Iso(revocation.ListIssuedAt);
        if (revocation.RevokedAt is { } revoked)
        {
            return zh
                ? $"  吊销：证书 {bid.SignerSerial} 于 {Iso(revoked)} 吊销，晚于投标递交时间：吊销不追溯既往，此前以有效证书签署的投标仍然有效（{list} 的吊销列表）"
                : $"  revocation: certificate {bid.SignerSerial} was revoked at {Iso(revoked)}, after the bid was submitted: a revocation does not reach back, so a bid signed before it under a valid certificate stands (list of {list})";
        }

        // A list speaks only up to its issue time: one older than the bid cannot show a revocation between the two.
        if (submittedAt is { } at && revocation.ListIssuedAt < at)
        {
            return zh
                ? $"  吊销：证书 {bid.SignerSerial} 未列入 {list} 的吊销列表，但该列表早于投标递交时间，不能说明此后至递交时是否被吊销（请用递交之后签发的列表）"
                : $"  revocation: certificate {bid.SignerSerial} is not on the list of {list}, but that list predates the submission and cannot show a revocation between them (give a list issued after it)";
        }

        return zh
            ? $"  吊销：证书 {bid.SignerSerial} 未列入 {list} 的吊销列表，递交时未被吊销"
            : $"  revocation: certificate {bid.SignerSerial} is not on the revocation list of {list}: not revoked when the bid was submitted";
    }

    /// <summary>Every certificate in a file: PEM (one or more) or a single DER certificate.</summary>
    private static List<byte[]> ReadCertificates(byte[] content, string name)
    {
        var text = System.Text.Encoding.ASCII.GetString(content);
        var found = new List<byte[]>();
        var rest = text.AsSpan();
        while (PemEncoding.TryFind(rest, out var fields))
        {
            if (rest[fields.Label].SequenceEqual("CERTIFICATE")) found.Add(Convert.FromBase64String(rest[fields.Base64Data].ToString()));
            rest = rest[fields.Location.End..];
        }

        if (found.Count == 0 && content.Length > 0 && content[0] == 0x30) found.Add(content);
        if (found.Count == 0) throw new InvalidDataException($"{name}: no certificate (PEM or DER) found");
        // A root that does not parse is the user's input to fix, not a bid's failure to chain.
        foreach (var der in found)
        {
            try
            {
                _ = new Org.BouncyCastle.X509.X509CertificateParser().ReadCertificate(der) ?? throw new InvalidDataException($"{name}: not a certificate");
            }
            catch (Exception e) when (e is IOException or ArgumentException or InvalidCastException or Org.BouncyCastle.Security.GeneralSecurityException or Org.BouncyCastle.Asn1.Asn1Exception)
            {
                throw new InvalidDataException($"{name}: not a certificate: {e.Message}", e);
            }
        }

        return found;
    }
}
