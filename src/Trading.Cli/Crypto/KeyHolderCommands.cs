using System.CommandLine;
using Trading.Crypto;

namespace Trading.Cli.Crypto;

/// <summary>A batch of bids to partially decrypt: each bid's ephemeral point R, taken from the frozen log.</summary>
public sealed record PartialDecryptionBatch(IReadOnlyList<BatchItem> Bids);

/// <summary>One bid in a batch: its envelope hash (for the record) and its R.</summary>
public sealed record BatchItem(byte[] EnvelopeSha256, byte[] R);

/// <summary>
/// <c>trading keyholder ...</c>: for a holder that keeps its sealed share in a file and never gives it to the server.
/// </summary>
public static class KeyHolderCommands
{
    /// <summary>The commands to add to the root command.</summary>
    public static IEnumerable<Command> Build()
    {
        var group = new Command("keyholder", "Act as a key holder whose sealed share is kept in a file");
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
        var key = CliSupport.JointKey();
        var batch = new Option<FileInfo>("--batch") { Required = true, Description = "The bids to decrypt: JSON {\"bids\":[{\"envelopeSha256\":hex,\"r\":hex}]} from the frozen, checkpointed log only" };
        var output = new Option<FileInfo>("--out") { Required = true, Description = "Partial decryptions with proofs (JSON array)" };
        var command = new Command("partial-decrypt", "Compute D_i = x_i R with a Chaum-Pedersen proof for every bid in a batch") { share, passEnv, key, batch, output, lang };
        command.SetAction((parse, ct) => CliSupport.RunAsync(parse, lang, async stdout =>
        {
            var jointKey = CliSupport.ReadJointKey(parse.GetValue(key)!);
            var sealedShare = CryptoJson.Deserialize<SealedShare>(await File.ReadAllTextAsync(parse.GetValue(share)!.FullName, ct));
            var items = CryptoJson.Deserialize<PartialDecryptionBatch>(await File.ReadAllTextAsync(parse.GetValue(batch)!.FullName, ct));
            using var secret = ShareSealing.Unseal(sealedShare, CliSupport.ReadPassphrase(parse.GetValue(passEnv)!));
            var partials = ThresholdOpening.PartialDecryptBatch(secret, jointKey, items.Bids.Select(b => b.R));
            await CliSupport.WriteAtomicallyAsync(parse.GetValue(output)!.FullName, s => s.WriteAsync(System.Text.Encoding.UTF8.GetBytes(CryptoJson.Serialize(partials)), ct).AsTask());
            await stdout.WriteLineAsync($"holder {secret.HolderIndex}: {partials.Count} partial decryptions written");
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
        var command = new Command("check", "Health check: unseal the share, check it belongs to the joint key and prove it works on a canary") { share, passEnv, key, lang };
        command.SetAction((parse, ct) => CliSupport.RunAsync(parse, lang, async stdout =>
        {
            var jointKey = CliSupport.ReadJointKey(parse.GetValue(key)!);
            var sealedShare = CryptoJson.Deserialize<SealedShare>(await File.ReadAllTextAsync(parse.GetValue(share)!.FullName, ct));
            using var secret = ShareSealing.Unseal(sealedShare, CliSupport.ReadPassphrase(parse.GetValue(passEnv)!));
            // The joint key itself serves as a canary point: a proof over it shows the share is usable without decrypting any bid.
            var canary = ThresholdOpening.PartialDecryptBatch(secret, jointKey, [jointKey.PublicKey])[0];
            ThresholdOpening.VerifyPartial(jointKey, jointKey.PublicKey, canary);
            await stdout.WriteLineAsync($"holder {secret.HolderIndex} of key {jointKey.KeyIdHex}: share unseals and produces valid proofs");
            return CliSupport.Ok;
        }));
        return command;
    }
}
