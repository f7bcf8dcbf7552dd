using System.CommandLine;
using System.IO.Compression;
using System.Security.Cryptography;
using Trading.Crypto;

namespace Trading.Cli.Crypto;

/// <summary><c>trading seal</c> (a folder or ZIP to a signed envelope) and <c>trading bidder-key</c> (a signing key).</summary>
public static class SealCommands
{
    /// <summary>The commands to add to the root command.</summary>
    public static IEnumerable<Command> Build() => [BuildSeal(), BuildBidderKey()];

    private static Command BuildSeal()
    {
        var lang = CliSupport.Lang();
        var input = new Option<FileSystemInfo>("--input") { Description = "The bid: a folder (zipped here) or a ZIP, containing bid-form.json", Required = true };
        var tender = new Option<string>("--tender") { Required = true, Description = "Tender id" };
        var lot = new Option<string>("--lot") { DefaultValueFactory = _ => "", Description = "Lot id (empty for a tender without lots)" };
        var bidder = new Option<string>("--bidder") { Required = true, Description = "Bidder id (unified social credit code)" };
        var key = CliSupport.JointKey();
        var signingKey = new Option<FileInfo>("--signing-key") { Required = true, Description = "The bidder's private key (PKCS#8 PEM, from trading bidder-key): ECDSA P-256 for a suite 1 joint key, SM2 for a suite 2 joint key" };
        var output = new Option<FileInfo>("--out") { Required = true, Description = "Envelope file to write" };
        var manifest = new Option<FileInfo?>("--manifest") { Description = "Signed manifest to write (default: <out>.manifest.json)" };
        var chunk = new Option<int>("--chunk-size") { DefaultValueFactory = _ => EnvelopeHeader.DefaultChunkSize, Description = "Payload chunk size in bytes" };
        var command = new Command("seal", "Seal a bid (folder or ZIP) to the tender's joint key and sign its manifest")
        {
            input, tender, lot, bidder, key, signingKey, output, manifest, chunk, lang,
        };
        command.SetAction((parse, ct) => CliSupport.RunAsync(parse, lang, async stdout =>
        {
            var jointKey = CliSupport.ReadJointKey(parse.GetValue(key)!);
            // The joint key's suite decides the signature: the envelope and its manifest are always of one suite.
            var signer = await ManifestSigner.ReadAsync(parse.GetValue(signingKey)!.FullName, jointKey.Suite, ct);
            var source = parse.GetValue(input)!;
            string? tempZip = null;
            try
            {
                string zipPath;
                if (source is DirectoryInfo dir)
                {
                    tempZip = Path.Combine(Path.GetTempPath(), $"trading-bid-{Guid.NewGuid():N}.zip");
                    ZipFile.CreateFromDirectory(dir.FullName, tempZip, CompressionLevel.Optimal, includeBaseDirectory: false);
                    zipPath = tempZip;
                }
                else
                {
                    zipPath = source.FullName;
                }

                using (var zip = ZipFile.OpenRead(zipPath))
                {
                    if (zip.GetEntry("bid-form.json") is null)
                    {
                        await parse.InvocationConfiguration.Error.WriteLineAsync("the bid has no bid-form.json at its root");
                        return CliSupport.BadInput;
                    }
                }

                var bid = new BidContext(parse.GetValue(tender)!, parse.GetValue(lot)!, parse.GetValue(bidder)!);
                EnvelopeSealResult? result = null;
                var outFile = parse.GetValue(output)!.FullName;
                await CliSupport.WriteAtomicallyAsync(outFile, async stream =>
                {
                    // One sequential pass: the envelope reads batches of whole chunks (MiBs) itself, so the input keeps
                    // no buffer of its own; it hashes what it writes as it goes, and the output goes to the kernel in
                    // pieces with write-behind (PageCache.WriteBehindStream).
                    await using var plaintext = new FileStream(zipPath, FileMode.Open, FileAccess.Read, FileShare.Read, 0, FileOptions.SequentialScan);
                    result = await Envelope.SealAsync(plaintext, stream, jointKey, bid, new EnvelopeSealOptions { ChunkSize = parse.GetValue(chunk) }, ct);
                }, large: true);
                var signed = signer(result!.ToManifest());
                var manifestPath = parse.GetValue(manifest)?.FullName ?? outFile + ".manifest.json";
                await File.WriteAllTextAsync(manifestPath, CryptoJson.Serialize(signed), ct);
                await stdout.WriteLineAsync($"sealed {result.EnvelopeLength} bytes to {outFile} (suite {jointKey.Suite})");
                await stdout.WriteLineAsync($"envelope SHA-256: {Convert.ToHexStringLower(result.EnvelopeSha256!)}");
                await stdout.WriteLineAsync($"signed manifest: {manifestPath}");
                return CliSupport.Ok;
            }
            finally
            {
                if (tempZip is not null)
                {
                    File.Delete(tempZip);
                }
            }
        }));
        return command;
    }

    private static Command BuildBidderKey()
    {
        var lang = CliSupport.Lang();
        var output = new Option<FileInfo>("--out") { Required = true, Description = "Private key file to write (PKCS#8 PEM); the public key goes to <out>.pub.pem" };
        var suite = new Option<string>("--suite")
        {
            DefaultValueFactory = _ => CryptoSuites.P256,
            Description = $"The envelope suite the key signs for: {CryptoSuites.P256} (ECDSA P-256) or {CryptoSuites.Sm2} (SM2); 'sm2' and 'p256' are accepted",
        };
        var csr = new Option<FileInfo?>("--csr") { Description = "Also write a PKCS#10 certificate request for the key (PEM), to send to the centre for the firm's certificate: ECDSA with SHA-256, or SM3withSM2 for an SM2 key" };
        var command = new Command("bidder-key", "Create a bidder's manifest-signing key (ECDSA P-256, or SM2 for suite 2)") { output, suite, csr, lang };
        command.SetAction((parse, ct) => CliSupport.RunAsync(parse, lang, async stdout =>
        {
            var path = parse.GetValue(output)!.FullName;
            if (File.Exists(path))
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync($"refusing to overwrite {path}");
                return CliSupport.BadInput;
            }

            var csrPath = parse.GetValue(csr)?.FullName;
            if (csrPath is not null && File.Exists(csrPath))
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync($"refusing to overwrite {csrPath}");
                return CliSupport.BadInput;
            }

            // The request's subject is a placeholder: the centre writes the firm's name and credit code into the certificate.
            const string subject = "firm signing key";
            string privatePem, publicPem, requestPem;
            if (CliSupport.Suite(parse.GetValue(suite)!) == CryptoSuites.Sm2)
            {
                var sm2 = Sm2SigningKey.Create();
                (privatePem, publicPem) = (sm2.ExportPkcs8Pem(), sm2.ExportSubjectPublicKeyInfoPem());
                requestPem = new string(PemEncoding.Write("CERTIFICATE REQUEST", sm2.CreateCertificationRequest(subject)));
            }
            else
            {
                using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
                (privatePem, publicPem) = (ecdsa.ExportPkcs8PrivateKeyPem(), ecdsa.ExportSubjectPublicKeyInfoPem());
                requestPem = new System.Security.Cryptography.X509Certificates.CertificateRequest($"CN={subject}", ecdsa, HashAlgorithmName.SHA256).CreateSigningRequestPem();
            }

            SecretFile.WriteAllText(path, privatePem);

            await File.WriteAllTextAsync(path + ".pub.pem", publicPem, ct);
            if (csrPath is not null)
            {
                await File.WriteAllTextAsync(csrPath, requestPem + "\n", ct);
                await stdout.WriteLineAsync($"wrote {path}, {path}.pub.pem and {csrPath}");
            }
            else
            {
                await stdout.WriteLineAsync($"wrote {path} and {path}.pub.pem");
            }
            return CliSupport.Ok;
        }));
        return command;
    }
}

/// <summary>Reads a bidder's key file as the signer for one suite's manifests, refusing a key of the other suite by name.</summary>
internal static class ManifestSigner
{
    public static async Task<Func<BidManifest, SignedManifest>> ReadAsync(string path, string suite, CancellationToken ct)
    {
        var pem = await File.ReadAllTextAsync(path, ct);
        if (suite == CryptoSuites.Sm2)
        {
            var sm2 = Sm2SigningKey.FromPkcs8Pem(pem);
            return m => ManifestSigning.Sign(m, sm2);
        }

        // A file that is no key at all stays unusable input (the ArgumentException or CryptographicException it throws).
        var ecdsa = ECDsa.Create();
        ecdsa.ImportFromPem(pem);

        // OpenSSL reads SM2 keys too: name the mismatch rather than let a wrong-curve key reach the signer.
        var curve = ecdsa.ExportParameters(false).Curve;
        if (!curve.IsNamed || curve.Oid.Value != "1.2.840.10045.3.1.7")
        {
            ecdsa.Dispose();
            throw new CryptoException(CryptoErrorCode.SuiteMismatch, "signing key", curve.Oid.FriendlyName ?? curve.Oid.Value ?? "another curve", suite);
        }

        return m => ManifestSigning.Sign(m, ecdsa);
    }
}
