namespace Trading.PublicLog;

/// <summary>What a witness remembers: the last checkpoint it cosigned. The caller persists it.</summary>
public sealed record WitnessState(long Size, byte[] Root);

/// <summary>
/// The supervision office as a witness: it cosigns a checkpoint only after checking the log's
/// signature and that the new tree extends the last one it cosigned, so the centre cannot show
/// different histories to different people without a witness noticing.
/// </summary>
public sealed class Witness(NoteSigner witnessKey, NoteVerifier logKey, string origin)
{
    /// <summary>
    /// Cosigns <paramref name="note"/> given a consistency proof from <paramref name="last"/> (null for the
    /// first checkpoint ever). Returns the cosigned note and the state to persist; throws
    /// <see cref="LogVerificationException"/> (<c>witness.older</c>, <c>witness.inconsistent</c>, or a
    /// checkpoint code) and cosigns nothing on any failure.
    /// </summary>
    public (string CosignedNote, WitnessState State) Cosign(string note, IReadOnlyList<byte[]> consistencyProof, WitnessState? last, DateTimeOffset now)
    {
        var checkpoint = SignedNote.OpenCheckpoint(note, logKey, origin);
        if (last is not null && last.Size > 0)
        {
            if (checkpoint.Size < last.Size)
            {
                throw new LogVerificationException("witness.older", Args.Of(("lastSize", last.Size), ("size", checkpoint.Size)));
            }
            try
            {
                MerkleProof.VerifyConsistency(last.Size, checkpoint.Size, last.Root, checkpoint.Root, consistencyProof);
            }
            catch (PublicLogException e)
            {
                throw new LogVerificationException("witness.inconsistent",
                    Args.Of(("size", checkpoint.Size), ("lastSize", last.Size), ("reason", e.Message)), e);
            }
        }
        return (SignedNote.AddCosignature(note, witnessKey, now), new WitnessState(checkpoint.Size, checkpoint.Root));
    }
}
