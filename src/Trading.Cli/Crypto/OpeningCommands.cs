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
        var transcript = new Option<FileInfo>("--transcript") { Required = true, Description = "Opening transcript to write (JSON)" };
        var command = new Command("open", "Verify the holders' partials, combine any t of them and decrypt each envelope")
        {
            key, envelopes, partials, outDir, transcript, lang,
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
            foreach (var file in parse.GetValue(envelopes)!)
            {
                // One bid failing to open does not stop the others; the failure is reported with its rule.
                try
                {
                    // One pass over the envelope: its header is read to find this bid's partials, then the same stream
                    // goes on through decryption, hashed as it passes. Reads are the envelope's 1 MiB blocks (a
                    // small FileStream buffer would split each into many system calls).
                    await using var file1 = new FileStream(file.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
                    using var hashing = new HashingReadStream(file1);
                    var (header, headerBytes) = await EnvelopeHeader.ReadAsync(hashing, ct);
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
                        await Envelope.DecryptAfterHeaderAsync(hashing, header, headerBytes, output, jointKey, combination, null, ct);
                    });
                    await hashing.CopyToAsync(Stream.Null, ct);
                    var hash = hashing.Hash();

                    bids.Add(OpeningTranscript.Record(header, hash, mine, combination));
                    await stdout.WriteLineAsync($"{file.Name}: opened for bidder {header.Bidder} -> {target}");
                }
                catch (CryptoException e)
                {
                    failures++;
                    await parse.InvocationConfiguration.Error.WriteLineAsync($"{file.Name}: {e.Code}: {e.LocalizedMessage(lng)}");
                }
            }

            var record = new OpeningTranscript(1, jointKey, bids);
            await File.WriteAllTextAsync(parse.GetValue(transcript)!.FullName, CryptoJson.Serialize(record), ct);
            await stdout.WriteLineAsync($"transcript: {bids.Count} opened, {failures} failed");
            return failures == 0 ? CliSupport.Ok : CliSupport.Refused;
        }));
        return command;
    }

    private static string SafeName(string bidder) =>
        string.Concat(bidder.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_')).TrimStart('.');

    private static Command BuildVerify()
    {
        var lang = CliSupport.Lang();
        var transcript = new Option<FileInfo>("--transcript") { Required = true, Description = "Opening transcript (JSON)" };
        var key = new Option<FileInfo?>("--joint-key") { Description = "Optional: the joint key as published in the tender notice, which the transcript's key must equal" };
        var command = new Command("verify-opening", "Check every proof, every Lagrange coefficient and every combination in an opening transcript") { transcript, key, lang };
        command.SetAction((parse, ct) => CliSupport.RunAsync(parse, lang, async stdout =>
        {
            var t = CryptoJson.Deserialize<OpeningTranscript>(await File.ReadAllTextAsync(parse.GetValue(transcript)!.FullName, ct));
            var lng = parse.GetValue(lang)!;
            if (parse.GetValue(key) is { } keyFile)
            {
                var published = CliSupport.ReadJointKey(keyFile);
                if (CryptoJson.Serialize(published) != CryptoJson.Serialize(t.Key))
                {
                    await stdout.WriteLineAsync(CryptoMessages.Format(CryptoErrorCode.WrongJointKey, [t.Key.KeyIdHex, published.KeyIdHex], lng));
                    return CliSupport.Refused;
                }
            }

            var report = OpeningVerifier.Verify(t);
            foreach (var p in report.KeyProblems)
            {
                await stdout.WriteLineAsync($"key: {p.Code}: {CryptoMessages.Format(p.Code, p.Arguments, lng)}");
            }

            foreach (var bid in report.Bids)
            {
                await stdout.WriteLineAsync($"bid {bid.Position + 1} ({bid.Bidder}): {(bid.CombinationValid ? "VALID" : "INVALID")}");
                foreach (var p in bid.Problems)
                {
                    await stdout.WriteLineAsync($"  {p.Code}: {CryptoMessages.Format(p.Code, p.Arguments, lng)}");
                }
            }

            await stdout.WriteLineAsync(report.Valid ? "opening verified" : "opening NOT verified");
            return report.Valid ? CliSupport.Ok : CliSupport.Refused;
        }));
        return command;
    }
}
