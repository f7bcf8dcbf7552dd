using System.CommandLine;
using Trading.Crypto;

namespace Trading.Cli.Crypto;

/// <summary>
/// An off-server holder's ceremony transport key, sealed under the officer's passphrase, with its public point (what
/// the holder gives the ceremony page). The shares dealt to the holder are encrypted to this key.
/// </summary>
public sealed record TransportKeyFile(byte[] TransportPoint, SealedShare Sealed);

/// <summary>
/// <c>trading keyholder ...</c>: every act of a key holder's officer on the officer's own machine (transport key, deal,
/// acknowledge or complain, health check, partial decryption after the frozen-list check), so key material need never
/// touch a browser or the server.
/// </summary>
public static class KeyHolderCommands
{
    /// <summary>The commands to add to the root command.</summary>
    public static IEnumerable<Command> Build()
    {
        var group = new Command("keyholder", "Act as a key holder's officer on this machine: transport key, dealing, checks, partial decryptions");
        group.Subcommands.Add(BuildTransportKey());
        group.Subcommands.Add(BuildDeal());
        group.Subcommands.Add(BuildCheckDealings());
        group.Subcommands.Add(BuildReceive());
        group.Subcommands.Add(BuildPartialDecrypt());
        group.Subcommands.Add(BuildCheck());
        return [group];
    }

    private static Option<FileInfo> Share() => new("--share") { Required = true, Description = "The holder's sealed share (JSON)" };

    private static Option<FileInfo?> OptionalShare() => new("--share") { Description = "The holder's sealed share (JSON), for a share received with 'keyholder receive'; else give --transport, --roster and --dealing" };

    private static Option<FileInfo> Roster(bool required = true) => new("--roster") { Required = required, Description = "The ceremony roster (JSON): parameters and every officer's transport key, from the ceremony page" };

    private static Option<FileInfo?> Transport() => new("--transport") { Description = "This officer's sealed transport key made with 'keyholder transport-key'" };

    private static Option<FileInfo[]> Dealings() => new("--dealing") { AllowMultipleArgumentsPerToken = true, Description = "The holders' dealings (JSON), one file each, as relayed by the ceremony page" };

    /// <summary>The least passphrase length for a new transport key: shorter ones fall to guessing (issue 14).</summary>
    public const int MinPassphraseLength = 16;

    private static async Task<T> ReadAsync<T>(FileInfo file, CancellationToken ct) => CryptoJson.Deserialize<T>(await File.ReadAllTextAsync(file.FullName, ct));

    /// <summary>
    /// The holder's secret: from a sealed share, or rebuilt from the relayed dealings with the officer's transport key
    /// (checked against the joint key). The caller disposes it as soon as it is used.
    /// </summary>
    private static async Task<HolderSecret> LoadSecretAsync(FileInfo? share, FileInfo? transport, FileInfo? roster, FileInfo[]? dealings, JointKey key, string passphrase, CancellationToken ct)
    {
        if (share is not null)
        {
            return ShareSealing.Unseal(await ReadAsync<SealedShare>(share, ct), passphrase);
        }

        if (transport is null || roster is null || dealings is not { Length: > 0 })
        {
            throw new ArgumentException("give --share, or --transport with --roster and every --dealing");
        }

        var tk = await ReadAsync<TransportKeyFile>(transport, ct);
        var r = await ReadAsync<CeremonyRoster>(roster, ct);
        var ds = new List<HolderDealing>();
        foreach (var f in dealings)
        {
            ds.Add(await ReadAsync<HolderDealing>(f, ct));
        }

        using var officerKey = ShareSealing.UnsealTransportKey(tk.Sealed, tk.TransportPoint, passphrase);
        return HolderSide.Secret(r, key, ds, officerKey, tk.Sealed.HolderIndex);
    }

    /// <summary>
    /// The R of every frozen bid, from the data of the log's <c>bids.frozen</c> entry ({"bids":[{"r":hex,...}]}). The
    /// officer takes it from the public log, not from the server's batch: that is what stops the server using a holder
    /// as a decryption oracle.
    /// </summary>
    private static async Task<List<byte[]>> ReadFrozenAsync(FileInfo file, CancellationToken ct)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(await File.ReadAllTextAsync(file.FullName, ct))
            ?? throw new InvalidDataException("the frozen list is empty");
        var bids = (node["data"] ?? node)["bids"]?.AsArray() ?? throw new InvalidDataException("the frozen list has no \"bids\"");
        return bids.Select(b => Convert.FromHexString((string?)b?["r"] ?? throw new InvalidDataException("a frozen bid has no \"r\""))).ToList();
    }

    private static Command BuildDeal()
    {
        var lang = CliSupport.Lang();
        var roster = Roster();
        var holder = new Option<int>("--holder") { Required = true, Description = "The index of the holder this officer deals for" };
        var output = new Option<FileInfo>("--out") { Required = true, Description = "The dealing to give the ceremony page (JSON): commitments, proof and the encrypted shares; it holds no secret in the clear" };
        var command = new Command("deal", "Deal this holder's part of the joint key on this machine: a fresh polynomial, Feldman commitments with a Schnorr proof, every share encrypted to every officer")
        {
            roster, holder, output, lang,
        };
        command.SetAction((parse, ct) => CliSupport.RunAsync(parse, lang, async stdout =>
        {
            var r = await ReadAsync<CeremonyRoster>(parse.GetValue(roster)!, ct);
            var dealing = HolderSide.Deal(r, parse.GetValue(holder));
            await CliSupport.WriteRecordAsync(parse.GetValue(output)!.FullName, dealing, ct);
            await stdout.WriteLineAsync($"holder {dealing.Commitment.DealerIndex}: dealing written ({dealing.Shares.Count} encrypted shares)");
            return CliSupport.Ok;
        }));
        return command;
    }

    private static Command BuildCheckDealings()
    {
        var lang = CliSupport.Lang();
        var roster = Roster();
        var transport = new Option<FileInfo>("--transport") { Required = true, Description = "This officer's sealed transport key made with 'keyholder transport-key'" };
        var dealings = Dealings();
        dealings.Required = true;
        var passEnv = PassphraseEnv();
        var output = new Option<FileInfo>("--out") { Required = true, Description = "Acknowledgements and complaints to give the ceremony page (JSON)" };
        var keyOut = new Option<FileInfo?>("--joint-key-out") { Description = "When every dealing checks out: the joint key recomputed here from the commitments (JSON)" };
        var command = new Command("check-dealings", "Check the share each dealing sends this officer against its commitments: an acknowledgement for each good one, a complaint with evidence for a bad one")
        {
            roster, transport, dealings, passEnv, output, keyOut, lang,
        };
        command.SetAction((parse, ct) => CliSupport.RunAsync(parse, lang, async stdout =>
        {
            var r = await ReadAsync<CeremonyRoster>(parse.GetValue(roster)!, ct);
            var tk = await ReadAsync<TransportKeyFile>(parse.GetValue(transport)!, ct);
            var ds = new List<HolderDealing>();
            foreach (var f in parse.GetValue(dealings)!)
            {
                ds.Add(await ReadAsync<HolderDealing>(f, ct));
            }

            using var officerKey = ShareSealing.UnsealTransportKey(tk.Sealed, tk.TransportPoint, CliSupport.ReadPassphrase(parse.GetValue(passEnv)!));
            var responses = HolderSide.Check(r, ds, officerKey, tk.Sealed.HolderIndex);
            await CliSupport.WriteRecordAsync(parse.GetValue(output)!.FullName, responses, ct);
            await stdout.WriteLineAsync($"holder {tk.Sealed.HolderIndex}: {responses.Acknowledgements.Count} acknowledged, {responses.Complaints.Count} complaints");
            if (responses.Complaints.Count > 0)
            {
                return CliSupport.Refused;
            }

            if (parse.GetValue(keyOut) is { } keyFile && ds.Count == r.Holders)
            {
                var key = CeremonyVerifier.ComputeJointKey(r.Parameters(), ds.Select(d => d.Commitment).ToList());
                using (HolderSide.Secret(r, key, ds, officerKey, tk.Sealed.HolderIndex))
                {
                    // Rebuilding the share once here proves it belongs to the key before the key is published.
                }

                await CliSupport.WriteRecordAsync(keyFile.FullName, key, ct);
                await stdout.WriteLineAsync($"joint key {key.KeyIdHex}");
            }

            return CliSupport.Ok;
        }));
        return command;
    }

    private static Option<string> PassphraseEnv() => new("--passphrase-env")
    {
        DefaultValueFactory = _ => "TRADING_PASSPHRASE",
        Description = "Environment variable holding the officer's passphrase (else it is read from standard input)",
    };

    private static Command BuildPartialDecrypt()
    {
        var lang = CliSupport.Lang();
        var share = OptionalShare();
        var transport = Transport();
        var roster = Roster(required: false);
        var dealings = Dealings();
        var frozen = new Option<FileInfo?>("--frozen") { Description = "The frozen bid list from the public log (the data of its bids.frozen entry); every R to decrypt must be in it. Required with --transport" };
        var passEnv = PassphraseEnv();
        var key = new Option<FileInfo?>("--joint-key") { Description = "The tender's joint key (JSON); optional when the batch is the server's export, which carries it (then both must agree)" };
        var batch = new Option<FileInfo>("--batch") { Required = true, Description = "The bids to decrypt: the server's batch export after the deadline, or JSON {\"bids\":[{\"envelopeSha256\":hex,\"r\":hex}]}, from the frozen, checkpointed log only" };
        var output = new Option<FileInfo>("--out") { Required = true, Description = "Partial decryptions with proofs (JSON array)" };
        var command = new Command("partial-decrypt", "Compute D_i = x_i R with a Chaum-Pedersen proof for every bid in a batch, after checking each R is in the frozen list")
        {
            share, transport, roster, dealings, frozen, passEnv, key, batch, output, lang,
        };
        command.SetAction((parse, ct) => CliSupport.RunAsync(parse, lang, async stdout =>
        {
            var items = CryptoJson.Deserialize<PartialDecryptionBatch>(await File.ReadAllTextAsync(parse.GetValue(batch)!.FullName, ct));
            var jointKey = BatchKey(parse.GetValue(key), items);
            var requested = items.Bids.Select(b => b.R).ToList();
            if (parse.GetValue(frozen) is { } frozenFile)
            {
                // Checked before the passphrase is even asked for: nothing is decrypted for a point outside the list.
                HolderProtocol.CheckInFrozenList(await ReadFrozenAsync(frozenFile, ct), requested);
            }
            else if (parse.GetValue(share) is null)
            {
                throw new ArgumentException("--frozen is required: take the frozen bid list from the public log");
            }

            using var secret = await LoadSecretAsync(parse.GetValue(share), parse.GetValue(transport), parse.GetValue(roster), parse.GetValue(dealings), jointKey,
                CliSupport.ReadPassphrase(parse.GetValue(passEnv)!), ct);
            var partials = ThresholdOpening.PartialDecryptBatch(secret, jointKey, requested);
            await CliSupport.WriteRecordAsync(parse.GetValue(output)!.FullName, partials, ct);
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
            var passphrase = CliSupport.ReadPassphrase(parse.GetValue(passEnv)!);
            if (passphrase.Length < MinPassphraseLength)
            {
                throw new ArgumentException($"the passphrase must have at least {MinPassphraseLength} characters");
            }

            using var transport = ShareTransport.CreateTransportKey();
            var point = ShareTransport.PublicPoint(transport);
            var sealedKey = ShareSealing.SealTransportKey(transport, parse.GetValue(holder), parse.GetValue(officer)!, passphrase);
            await CliSupport.WriteRecordAsync(parse.GetValue(output)!.FullName, new TransportKeyFile(point, sealedKey), ct);
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
            await CliSupport.WriteRecordAsync(parse.GetValue(output)!.FullName, sealedShare, ct);
            await stdout.WriteLineAsync($"holder {secret.HolderIndex} of key {pkg.Key.KeyIdHex}: shares verified against the commitments, sealed share written");
            return CliSupport.Ok;
        }));
        return command;
    }

    private static Command BuildCheck()
    {
        var lang = CliSupport.Lang();
        var share = OptionalShare();
        var transport = Transport();
        var roster = Roster(required: false);
        var dealings = Dealings();
        var passEnv = PassphraseEnv();
        var key = CliSupport.JointKey();
        var canary = new Option<string?>("--canary") { Description = "The ceremony page's health-check challenge (hex point); with --out, writes the proof to upload there" };
        var output = new Option<FileInfo?>("--out") { Description = "Where to write the partial over the challenge (JSON), for the ceremony page" };
        var command = new Command("check", "Health check: unseal the share (or rebuild it from the dealings), check it belongs to the joint key and prove it works on a canary")
        {
            share, transport, roster, dealings, passEnv, key, canary, output, lang,
        };
        command.SetAction((parse, ct) => CliSupport.RunAsync(parse, lang, async stdout =>
        {
            var jointKey = CliSupport.ReadJointKey(parse.GetValue(key)!);
            using var secret = await LoadSecretAsync(parse.GetValue(share), parse.GetValue(transport), parse.GetValue(roster), parse.GetValue(dealings), jointKey,
                CliSupport.ReadPassphrase(parse.GetValue(passEnv)!), ct);
            // Without a challenge the joint key itself serves as the canary: a proof over it shows the share is usable without decrypting any bid.
            var point = parse.GetValue(canary) is { } hex ? Convert.FromHexString(hex.Trim()) : jointKey.PublicKey;
            var proof = ThresholdOpening.PartialDecryptBatch(secret, jointKey, [point])[0];
            ThresholdOpening.VerifyPartial(jointKey, point, proof);
            if (parse.GetValue(output) is { } file)
            {
                await CliSupport.WriteRecordAsync(file.FullName, proof, ct);
            }

            await stdout.WriteLineAsync($"holder {secret.HolderIndex} of key {jointKey.KeyIdHex}: share unseals and produces valid proofs");
            return CliSupport.Ok;
        }));
        return command;
    }
}
