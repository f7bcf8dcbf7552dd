using System.CommandLine;
using Trading.Crypto;

namespace Trading.Cli.Crypto;

/// <summary>
/// An off-server holder's ceremony transport key, sealed under the officer's passphrase, with its public point (what
/// the holder gives the ceremony page). The shares dealt to the holder are encrypted to this key.
/// </summary>
public sealed record TransportKeyFile(byte[] TransportPoint, SealedShare Sealed);

/// <summary>
/// <c>trading keyholder ...</c>: for a holder that keeps its sealed share in a file and never gives it to the server.
/// </summary>
public static class KeyHolderCommands
{
    /// <summary>The commands to add to the root command.</summary>
    public static IEnumerable<Command> Build()
    {
        var group = new Command("keyholder", "Act as a key holder whose sealed share is kept in a file");
        group.Subcommands.Add(BuildTransportKey());
        group.Subcommands.Add(BuildReceive());
        group.Subcommands.Add(BuildPartialDecrypt());
        group.Subcommands.Add(BuildCheck());
        return [group];
    }

    private static Option<FileInfo> Share() => new("--share") { Required = true, Description = "The holder's sealed share (JSON)" };

    private static Option<string> PassphraseEnv() => new("--passphrase-env")
    {
        DefaultValueFactory = _ => "TRADING_PASSPHRASE",
        Description = "Environment variable holding the officer's passphrase (else it is read from standard input)",
    };

    private static Command BuildPartialDecrypt()
    {
        var lang = CliSupport.Lang();
        var share = Share();
        var passEnv = PassphraseEnv();
        var key = new Option<FileInfo?>("--joint-key") { Description = "The tender's joint key (JSON); optional when the batch is the server's export, which carries it (then both must agree)" };
        var batch = new Option<FileInfo>("--batch") { Required = true, Description = "The bids to decrypt: the server's batch export after the deadline, or JSON {\"bids\":[{\"envelopeSha256\":hex,\"r\":hex}]}, from the frozen, checkpointed log only" };
        var output = new Option<FileInfo>("--out") { Required = true, Description = "Partial decryptions with proofs (JSON array)" };
        var command = new Command("partial-decrypt", "Compute D_i = x_i R with a Chaum-Pedersen proof for every bid in a batch") { share, passEnv, key, batch, output, lang };
        command.SetAction((parse, ct) => CliSupport.RunAsync(parse, lang, async stdout =>
        {
            var sealedShare = CryptoJson.Deserialize<SealedShare>(await File.ReadAllTextAsync(parse.GetValue(share)!.FullName, ct));
            var items = CryptoJson.Deserialize<PartialDecryptionBatch>(await File.ReadAllTextAsync(parse.GetValue(batch)!.FullName, ct));
            var jointKey = BatchKey(parse.GetValue(key), items);
            using var secret = ShareSealing.Unseal(sealedShare, CliSupport.ReadPassphrase(parse.GetValue(passEnv)!));
            var partials = ThresholdOpening.PartialDecryptBatch(secret, jointKey, items.Bids.Select(b => b.R));
            await CliSupport.WriteAtomicallyAsync(parse.GetValue(output)!.FullName, s => s.WriteAsync(System.Text.Encoding.UTF8.GetBytes(CryptoJson.Serialize(partials)), ct).AsTask());
            await stdout.WriteLineAsync($"holder {secret.HolderIndex}: {partials.Count} partial decryptions written");
            return CliSupport.Ok;
        }));
        return command;
    }

    // The sealed share's key id is checked against the key when partially decrypting, so a server export naming
    // another key is refused there; a key given on the command line must also equal the export's.
    private static JointKey BatchKey(FileInfo? keyFile, PartialDecryptionBatch batch)
    {
        var given = keyFile is null ? null : CliSupport.ReadJointKey(keyFile);
        if (batch.Key is { } exported)
        {
            exported.Validate();
            if (given is not null && CryptoJson.Serialize(given) != CryptoJson.Serialize(exported))
            {
                throw new CryptoException(CryptoErrorCode.WrongJointKey, exported.KeyIdHex, given.KeyIdHex);
            }

            return exported;
        }

        return given ?? throw new ArgumentException("--joint-key is required for a batch that does not carry the key");
    }

    private static Command BuildTransportKey()
    {
        var lang = CliSupport.Lang();
        var passEnv = PassphraseEnv();
        var holder = new Option<int>("--holder") { Required = true, Description = "The holder's index in the ceremony (1 supervision office, 2 centre, 3 owner)" };
        var officer = new Option<string>("--officer") { DefaultValueFactory = _ => "offline", Description = "A label for the officer whose passphrase seals the key" };
        var output = new Option<FileInfo>("--out") { Required = true, Description = "The sealed transport key (JSON); keep it, it is what opens the shares dealt to you" };
        var command = new Command("transport-key", "Make the ceremony transport key of a holder that keeps its share off the server; give the printed public key to the ceremony page")
        {
            holder, officer, passEnv, output, lang,
        };
        command.SetAction((parse, ct) => CliSupport.RunAsync(parse, lang, async stdout =>
        {
            using var transport = ShareTransport.CreateTransportKey();
            var point = ShareTransport.PublicPoint(transport);
            var sealedKey = ShareSealing.SealTransportKey(transport, parse.GetValue(holder), parse.GetValue(officer)!, CliSupport.ReadPassphrase(parse.GetValue(passEnv)!));
            await CliSupport.WriteAtomicallyAsync(parse.GetValue(output)!.FullName,
                s => s.WriteAsync(System.Text.Encoding.UTF8.GetBytes(CryptoJson.Serialize(new TransportKeyFile(point, sealedKey))), ct).AsTask());
            await stdout.WriteLineAsync($"transport key: {Convert.ToHexStringLower(point)}");
            return CliSupport.Ok;
        }));
        return command;
    }

    private static Command BuildReceive()
    {
        var lang = CliSupport.Lang();
        var passEnv = PassphraseEnv();
        var package = new Option<FileInfo>("--package") { Required = true, Description = "The share package downloaded from the ceremony page once the ceremony is complete" };
        var transportFile = new Option<FileInfo>("--transport") { Required = true, Description = "The sealed transport key made with 'keyholder transport-key'" };
        var output = new Option<FileInfo>("--out") { Required = true, Description = "The holder's sealed share (JSON), sealed under the same passphrase" };
        var command = new Command("receive", "Decrypt the shares dealt to this holder, check them against the dealers' commitments and seal the combined share")
        {
            package, transportFile, passEnv, output, lang,
        };
        command.SetAction((parse, ct) => CliSupport.RunAsync(parse, lang, async stdout =>
        {
            var pkg = CryptoJson.Deserialize<HolderSharePackage>(await File.ReadAllTextAsync(parse.GetValue(package)!.FullName, ct));
            var tk = CryptoJson.Deserialize<TransportKeyFile>(await File.ReadAllTextAsync(parse.GetValue(transportFile)!.FullName, ct));
            var passphrase = CliSupport.ReadPassphrase(parse.GetValue(passEnv)!);
            using var transport = ShareSealing.UnsealTransportKey(tk.Sealed, tk.TransportPoint, passphrase);
            using var secret = pkg.Open(transport);
            var sealedShare = ShareSealing.Seal(secret, tk.Sealed.OfficerId, passphrase, tk.Sealed.Argon2);
            await CliSupport.WriteAtomicallyAsync(parse.GetValue(output)!.FullName, s => s.WriteAsync(System.Text.Encoding.UTF8.GetBytes(CryptoJson.Serialize(sealedShare)), ct).AsTask());
            await stdout.WriteLineAsync($"holder {secret.HolderIndex} of key {pkg.Key.KeyIdHex}: shares verified against the commitments, sealed share written");
            return CliSupport.Ok;
        }));
        return command;
    }

    private static Command BuildCheck()
    {
        var lang = CliSupport.Lang();
        var share = Share();
        var passEnv = PassphraseEnv();
        var key = CliSupport.JointKey();
        var canary = new Option<string?>("--canary") { Description = "The ceremony page's health-check challenge (hex point); with --out, writes the proof to upload there" };
        var output = new Option<FileInfo?>("--out") { Description = "Where to write the partial over the challenge (JSON), for the ceremony page" };
        var command = new Command("check", "Health check: unseal the share, check it belongs to the joint key and prove it works on a canary") { share, passEnv, key, canary, output, lang };
        command.SetAction((parse, ct) => CliSupport.RunAsync(parse, lang, async stdout =>
        {
            var jointKey = CliSupport.ReadJointKey(parse.GetValue(key)!);
            var sealedShare = CryptoJson.Deserialize<SealedShare>(await File.ReadAllTextAsync(parse.GetValue(share)!.FullName, ct));
            using var secret = ShareSealing.Unseal(sealedShare, CliSupport.ReadPassphrase(parse.GetValue(passEnv)!));
            // Without a challenge the joint key itself serves as the canary: a proof over it shows the share is usable without decrypting any bid.
            var point = parse.GetValue(canary) is { } hex ? Convert.FromHexString(hex.Trim()) : jointKey.PublicKey;
            var proof = ThresholdOpening.PartialDecryptBatch(secret, jointKey, [point])[0];
            ThresholdOpening.VerifyPartial(jointKey, point, proof);
            if (parse.GetValue(output) is { } file)
            {
                await CliSupport.WriteAtomicallyAsync(file.FullName, s => s.WriteAsync(System.Text.Encoding.UTF8.GetBytes(CryptoJson.Serialize(proof)), ct).AsTask());
            }

            await stdout.WriteLineAsync($"holder {secret.HolderIndex} of key {jointKey.KeyIdHex}: share unseals and produces valid proofs");
            return CliSupport.Ok;
        }));
        return command;
    }
}
