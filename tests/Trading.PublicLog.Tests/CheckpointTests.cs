using System.Security.Cryptography;
using System.Text;

namespace Trading.PublicLog.Tests;

public sealed class CheckpointTests
{
    internal const string Origin = "trading.test/log";
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

    internal static async Task<MerkleLog> LogOfAsync(int n, int from = 0)
    {
        var log = new MerkleLog(new InMemoryLogStore());
        for (int i = from; i < from + n; i++)
        {
            await log.AppendAsync(Encoding.UTF8.GetBytes($"e{i}"), TestContext.Current.CancellationToken);
        }
        return log;
    }

    [Fact]
    public async Task A_signed_checkpoint_opens_with_the_log_key_and_round_trips()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var signer = new NoteSigner(Origin, key);
        var log = await LogOfAsync(10);
        var cp = new Checkpoint(Origin, 10, await log.GetRootAsync(10, TestContext.Current.CancellationToken), T0);
        var note = SignedNote.SignCheckpoint(cp, signer);
        Assert.StartsWith($"{Origin}\n10\n", note, StringComparison.Ordinal);
        Assert.Contains("\ntime 2026-03-01T00:00:00Z\n\n— trading.test/log ", note, StringComparison.Ordinal);
        Assert.Equal(cp, SignedNote.OpenCheckpoint(note, signer.Verifier, Origin));
    }

    [Fact]
    public async Task Forged_altered_or_foreign_checkpoints_are_refused()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var signer = new NoteSigner(Origin, key);
        var forger = new NoteSigner(Origin, other);
        var log = await LogOfAsync(4);
        var cp = new Checkpoint(Origin, 4, await log.GetRootAsync(4, TestContext.Current.CancellationToken), T0);
        var note = SignedNote.SignCheckpoint(cp, signer);

        // Another key under the same name: its key ID differs, so it is not the log's signature at all.
        Assert.Equal("checkpoint.no-trusted-signature", Assert.Throws<LogVerificationException>(() => SignedNote.OpenCheckpoint(SignedNote.SignCheckpoint(cp, forger), signer.Verifier)).Code);
        // The right key ID with a changed size: the signature no longer verifies.
        var altered = note.Replace($"{Origin}\n4\n", $"{Origin}\n5\n", StringComparison.Ordinal);
        Assert.Equal("checkpoint.bad-signature", Assert.Throws<LogVerificationException>(() => SignedNote.OpenCheckpoint(altered, signer.Verifier)).Code);
        Assert.Equal("checkpoint.origin-mismatch", Assert.Throws<LogVerificationException>(() => SignedNote.OpenCheckpoint(note, signer.Verifier, "other.test/log")).Code);
        Assert.Equal("checkpoint.malformed", Assert.Throws<LogFormatException>(() => SignedNote.OpenCheckpoint(note.Replace("\n\n", "\n", StringComparison.Ordinal), signer.Verifier)).Code);
        Assert.Equal("checkpoint.malformed", Assert.Throws<LogFormatException>(() => SignedNote.OpenCheckpoint(note.Replace("\n4\n", "\n04\n", StringComparison.Ordinal), signer.Verifier)).Code);
        Assert.Equal("checkpoint.malformed", Assert.Throws<LogFormatException>(() => Checkpoint.ParseNoteText($"{Origin}\n4\n{Convert.ToBase64String(cp.Root)}\n")).Code);
    }

    [Fact]
    public async Task Witness_cosigns_only_checkpoints_consistent_with_its_last()
    {
        var ct = TestContext.Current.CancellationToken;
        using var logKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var witnessKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var signer = new NoteSigner(Origin, logKey);
        var witnessSigner = new NoteSigner("supervision.test/witness", witnessKey);
        var witness = new Witness(witnessSigner, signer.Verifier, Origin);
        var log = await LogOfAsync(20);

        var note5 = SignedNote.SignCheckpoint(new Checkpoint(Origin, 5, await log.GetRootAsync(5, ct), T0), signer);
        var (cosigned5, state5) = witness.Cosign(note5, [], null, T0);
        Assert.Equal(T0, SignedNote.VerifyCosignature(cosigned5, witnessSigner.Verifier));
        Assert.Equal(5, SignedNote.OpenCheckpoint(cosigned5, signer.Verifier).Size);

        var note20 = SignedNote.SignCheckpoint(new Checkpoint(Origin, 20, await log.GetRootAsync(20, ct), T0.AddHours(1)), signer);
        var (cosigned20, state20) = witness.Cosign(note20, await log.GetConsistencyProofAsync(5, 20, ct), state5, T0.AddHours(1));
        Assert.Equal(20, state20.Size);
        SignedNote.VerifyCosignature(cosigned20, witnessSigner.Verifier);

        // A forked log: same first 4 entries, then different ones. The centre signs it; the witness refuses.
        var fork = new MerkleLog(new InMemoryLogStore());
        for (int i = 0; i < 24; i++)
        {
            await fork.AppendAsync(Encoding.UTF8.GetBytes(i < 4 ? $"e{i}" : $"forged{i}"), ct);
        }
        var forkNote = SignedNote.SignCheckpoint(new Checkpoint(Origin, 24, await fork.GetRootAsync(24, ct), T0.AddHours(2)), signer);
        var forkProof = await fork.GetConsistencyProofAsync(20, 24, ct);
        var e = Assert.Throws<LogVerificationException>(() => witness.Cosign(forkNote, forkProof, state20, T0.AddHours(2)));
        Assert.Equal("witness.inconsistent", e.Code);
        Assert.Equal("witness.older", Assert.Throws<LogVerificationException>(() => witness.Cosign(note5, [], state20, T0)).Code);
        Assert.Equal("witness.inconsistent", Assert.Throws<LogVerificationException>(() => witness.Cosign(note20, [], state5, T0)).Code);

        // A cosignature copied onto another checkpoint does not verify.
        var cosigLine = cosigned5[(cosigned5.LastIndexOf("— supervision", StringComparison.Ordinal))..];
        Assert.Equal("checkpoint.bad-signature", Assert.Throws<LogVerificationException>(() => SignedNote.VerifyCosignature(note20 + cosigLine, witnessSigner.Verifier)).Code);
        Assert.Equal("checkpoint.no-trusted-signature", Assert.Throws<LogVerificationException>(() => SignedNote.VerifyCosignature(note20, witnessSigner.Verifier)).Code);
    }
}
