using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Trading.PublicLog;

namespace Trading.Cli.PublicLog;

/// <summary>
/// <c>trading cosign</c>: the supervision office's witness, off the server. The office keeps its witness key and
/// its own copy of the last checkpoint it cosigned; the server supplies only the new checkpoint and a consistency
/// proof, neither of which is trusted: the log's signature is checked against the centre's certificate chain, the
/// last cosigned note against the office's own key, and the proof against both roots. Only then is a cosignature
/// line added, and the cosigned note written to a file the witness page (/Log/Witness) accepts as an upload.
/// Exit codes: 0 cosigned, 1 refused (not consistent, older, bad signature), 2 unusable input.
/// </summary>
internal static class CosignCommand
{
    /// <summary>Largest input file read (a note is a few hundred bytes; a proof at most 63 hashes).</summary>
    private const int MaxInput = 64 * 1024;

    public static Command Build()
    {
        var checkpoint = new Argument<FileInfo>("checkpoint")
        {
            Description = "The stored checkpoint to cosign: its signed note as text, or JSON with a \"note\" field "
                + "(an element of /api/log/checkpoints/stored, or that array, whose first element is the newest)",
        };
        var last = new Option<FileInfo?>("--last") { Description = "The cosigned note this office wrote last time (the output of the previous cosign)" };
        var first = new Option<bool>("--first") { Description = "Nothing was cosigned before: cosign without a consistency check (only ever once)" };
        var proof = new Option<FileInfo?>("--proof") { Description = "Consistency proof JSON from /api/log/proof/consistency?from=<last size>&to=<size>" };
        var server = new Option<string?>("--server") { Description = "Fetch the consistency proof from this site's public endpoint instead of --proof" };
        var key = new Option<FileInfo>("--witness-key") { Description = "The office's witness private key (PEM)", Required = true };
        var witnessName = new Option<string>("--witness-name") { Description = "Witness key name", DefaultValueFactory = _ => "supervision/witness" };
        var logCert = new Option<FileInfo>("--log-cert") { Description = "Log signing certificate (PEM; may be followed by the issuing CA)", DefaultValueFactory = _ => new FileInfo(Path.Combine("certs", "dev", CentrePki.Files.LogCertificate)) };
        var rootOption = new Option<FileInfo>("--root") { Description = "The centre's root CA certificate (PEM)", DefaultValueFactory = _ => new FileInfo(Path.Combine("certs", "dev", CentrePki.Files.RootCertificate)) };
        var issuing = new Option<FileInfo?>("--issuing") { Description = "Issuing CA certificate (PEM), if not in --log-cert" };
        var origin = new Option<string?>("--origin") { Description = "Expected log origin (default: the one in --last, else the checkpoint's)" };
        var output = new Option<FileInfo?>("--out") { Description = "Where to write the cosigned note (default: cosigned-<size>.txt)" };
        var lang = PublicLogCommands.LanguageOption();
        var cmd = new Command("cosign", "Cosign a checkpoint as the supervision office's witness, off the server, after checking it extends the last one cosigned");
        cmd.Arguments.Add(checkpoint);
        foreach (var o in new Option[] { last, first, proof, server, key, witnessName, logCert, rootOption, issuing, origin, output, lang })
        {
            cmd.Options.Add(o);
        }
        cmd.SetAction(async (parse, ct) =>
        {
            var language = parse.GetValue(lang)!;
            try
            {
                return await RunAsync(parse, ct);
            }
            catch (HttpRequestException e)
            {
                Console.Error.WriteLine(e.Message);
                return 2;
            }
            catch (ArgumentException e)
            {
                // A key file that is not PEM, or not an EC key.
                Console.Error.WriteLine(e.Message);
                return 2;
            }
            catch (JsonException e)
            {
                Console.Error.WriteLine((PublicLogCommands.Zh(language) ? "JSON 无效：" : "invalid JSON: ") + e.Message);
                return 2;
            }
        });
        return cmd;

        async Task<int> RunAsync(ParseResult parse, CancellationToken ct)
        {
            var language = parse.GetValue(lang)!;
            var lastFile = parse.GetValue(last);
            var isFirst = parse.GetValue(first);
            if (lastFile is null == !isFirst)
            {
                Console.Error.WriteLine(PublicLogCommands.Zh(language)
                    ? "请给出 --last（上次联署的检查点），仅在从未联署过时使用 --first"
                    : "give --last (the note cosigned last time), or --first only if nothing was ever cosigned");
                return 2;
            }
            var proofFile = parse.GetValue(proof);
            Uri? serverUri = null;
            if (parse.GetValue(server) is { } serverText)
            {
                if (!Uri.TryCreate(serverText, UriKind.Absolute, out serverUri) || serverUri.Scheme is not ("https" or "http"))
                {
                    Console.Error.WriteLine($"--server must be an http(s) address, not '{Truncate(serverText, 100)}'");
                    return 2;
                }
                // A site under a path ("https://host/trading") keeps it when the endpoint is resolved against it.
                if (!serverUri.AbsolutePath.EndsWith('/'))
                {
                    serverUri = new Uri(serverUri.GetLeftPart(UriPartial.Path) + "/");
                }
            }
            if (proofFile is not null && serverUri is not null)
            {
                Console.Error.WriteLine("give --proof or --server, not both");
                return 2;
            }

            // Everything that can be checked offline is checked before the network is touched.
            string note = "", lastNote = "";
            Checkpoint cp = null!, previous = null!;
            NoteSigner witness = null!;
            var code = PublicLogCommands.Run(language, () =>
            {
                var certs = PublicLogCommands.LoadPemCertificates(parse.GetValue(logCert)!.FullName);
                if (parse.GetValue(issuing) is { } issuingFile)
                {
                    certs.AddRange(PublicLogCommands.LoadPemCertificates(issuingFile.FullName));
                }
                using var root = X509Certificate2.CreateFromPem(File.ReadAllText(parse.GetValue(rootOption)!.FullName));
                var ecdsa = ECDsa.Create();
                ecdsa.ImportFromPem(ReadLimited(parse.GetValue(key)!));
                witness = new NoteSigner(parse.GetValue(witnessName)!, ecdsa);

                note = ReadNote(ReadLimited(parse.GetValue(checkpoint)!));
                var unverified = Checkpoint.ParseNoteText(SignedNote.Split(note).Text);
                if (lastFile is not null)
                {
                    lastNote = ReadNote(ReadLimited(lastFile));
                    // The last cosigned note must carry this office's own cosignature: the state is the office's, not the server's word.
                    SignedNote.VerifyCosignature(lastNote, witness.Verifier);
                }
                var logOrigin = parse.GetValue(origin)
                    ?? (lastFile is null ? unverified.Origin : Checkpoint.ParseNoteText(SignedNote.Split(lastNote).Text).Origin);
                CentreTrust.RequireChain(certs[0], root, certs.Skip(1), unverified.Time);
                var logKey = NoteVerifier.FromCertificate(logOrigin, certs[0]);
                cp = SignedNote.OpenCheckpoint(note, logKey, logOrigin);
                if (lastFile is not null)
                {
                    previous = SignedNote.OpenCheckpoint(lastNote, logKey, logOrigin);
                    if (cp.Size < previous.Size)
                    {
                        throw new LogVerificationException("witness.older", Args(("lastSize", previous.Size), ("size", cp.Size)));
                    }
                }
                return 0;
            });
            if (code != 0)
            {
                return code;
            }

            IReadOnlyList<byte[]> hashes = [];
            if (lastFile is not null && previous.Size > 0 && previous.Size < cp.Size)
            {
                string proofJson;
                if (serverUri is not null)
                {
                    using var http = new HttpClient { BaseAddress = serverUri, Timeout = TimeSpan.FromSeconds(30) };
                    var path = string.Create(CultureInfo.InvariantCulture, $"api/log/proof/consistency?from={previous.Size}&to={cp.Size}");
                    using var response = await http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead, ct);
                    if (!response.IsSuccessStatusCode)
                    {
                        Console.Error.WriteLine($"{(int)response.StatusCode} from {new Uri(serverUri, path)}: {Truncate(await response.Content.ReadAsStringAsync(ct))}");
                        return 2;
                    }
                    proofJson = Truncate(await response.Content.ReadAsStringAsync(ct), MaxInput + 1);
                    if (proofJson.Length > MaxInput)
                    {
                        Console.Error.WriteLine("the proof response is too large");
                        return 2;
                    }
                }
                else if (proofFile is not null)
                {
                    proofJson = ReadLimited(proofFile);
                }
                else
                {
                    Console.Error.WriteLine(PublicLogCommands.Zh(language)
                        ? "需要一致性证明：请给出 --proof 文件或 --server 地址"
                        : "a consistency proof is needed: give --proof <file> or --server <url>");
                    return 2;
                }
                code = PublicLogCommands.Run(language, () =>
                {
                    hashes = ParseProof(proofJson, previous.Size, cp.Size);
                    return 0;
                });
                if (code != 0)
                {
                    return code;
                }
            }

            string cosigned = "";
            code = PublicLogCommands.Run(language, () =>
            {
                var state = lastFile is null ? null : new WitnessState(previous.Size, previous.Root);
                // Witness.Cosign checks the log's signature again and the proof against both roots; it cosigns nothing on failure.
                var logKey = NoteVerifier.FromCertificate(cp.Origin, PublicLogCommands.LoadPemCertificates(parse.GetValue(logCert)!.FullName)[0]);
                (cosigned, _) = new Witness(witness, logKey, cp.Origin).Cosign(note, hashes, state, DateTimeOffset.UtcNow);
                return 0;
            });
            if (code != 0)
            {
                return code;
            }
            var outFile = parse.GetValue(output)?.FullName ?? Path.GetFullPath(string.Create(CultureInfo.InvariantCulture, $"cosigned-{cp.Size}.txt"));
            await File.WriteAllTextAsync(outFile, cosigned, new UTF8Encoding(false), ct);
            var zh = PublicLogCommands.Zh(language);
            Console.WriteLine(zh ? "已联署" : "Cosigned");
            Console.WriteLine($"  {cp.Origin} size {cp.Size} root {Convert.ToHexStringLower(cp.Root)}");
            Console.WriteLine(lastFile is null
                ? (zh ? "  首次联署（无一致性检查）" : "  first cosignature (no consistency check)")
                : (zh ? $"  与上次联署的大小 {previous.Size} 一致" : $"  consistent with the last cosigned size {previous.Size}"));
            Console.WriteLine((zh ? "  已写入 " : "  written to ") + outFile);
            Console.WriteLine(zh ? "  请在见证页面（/Log/Witness）上传此文件，并保留它作为下次的 --last"
                : "  upload it on the witness page (/Log/Witness) and keep it as the next --last");
            return 0;
        }
    }

    /// <summary>A signed note from a text file, or the "note" of a JSON object, or of the first element of a JSON array.</summary>
    internal static string ReadNote(string content)
    {
        var trimmed = content.TrimStart('\uFEFF', ' ', '\t', '\r', '\n');
        if (trimmed.StartsWith('{') || trimmed.StartsWith('['))
        {
            using var doc = JsonDocument.Parse(trimmed, new JsonDocumentOptions { MaxDepth = 8 });
            var element = doc.RootElement;
            if (element.ValueKind == JsonValueKind.Array)
            {
                element = element.GetArrayLength() > 0 ? element[0] : throw Malformed("the JSON array is empty");
            }
            if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty("note", out var n) || n.ValueKind != JsonValueKind.String)
            {
                throw Malformed("the JSON has no \"note\" string");
            }
            content = n.GetString()!;
        }
        // Notes are LF only; a file that went through a Windows editor is brought back.
        content = content.Replace("\r\n", "\n", StringComparison.Ordinal);
        return content.EndsWith('\n') ? content : content + "\n";
    }

    /// <summary>The proof JSON of /api/log/proof/consistency, for exactly the two sizes asked: nothing more, nothing less.</summary>
    internal static IReadOnlyList<byte[]> ParseProof(string json, long from, long to)
    {
        using var doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 4 });
        var r = doc.RootElement;
        if (r.ValueKind != JsonValueKind.Object)
        {
            throw Malformed("the proof is not a JSON object");
        }
        long Size(string name) => r.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var x) ? x : throw Malformed($"the proof has no integer \"{name}\"");
        if (Size("from") != from || Size("to") != to)
        {
            throw Malformed(string.Create(CultureInfo.InvariantCulture, $"the proof is for sizes {Size("from")} to {Size("to")}, not {from} to {to}"));
        }
        if (!r.TryGetProperty("hashes", out var h) || h.ValueKind != JsonValueKind.Array || h.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String))
        {
            throw Malformed("the proof has no \"hashes\" array of strings");
        }
        if (r.EnumerateObject().Any(p => p.Name is not ("from" or "to" or "hashes")))
        {
            throw Malformed("the proof has unexpected fields");
        }
        return MerkleProof.FromBase64(h.EnumerateArray().Select(e => e.GetString()!));
    }

    private static string ReadLimited(FileInfo file)
    {
        if (file.Length > MaxInput)
        {
            throw new LogFormatException("checkpoint.malformed", Args(("reason", $"{file.Name} is larger than {MaxInput} bytes")));
        }
        return File.ReadAllText(file.FullName);
    }

    private static string Truncate(string s, int max = 300) => s.Length <= max ? s : s[..max];

    private static LogFormatException Malformed(string reason) => new("checkpoint.malformed", Args(("reason", reason)));

    private static Dictionary<string, object?> Args(params (string Key, object? Value)[] pairs) => pairs.ToDictionary(p => p.Key, p => p.Value);
}
