namespace Trading.Crypto;

/// <summary>
/// A batch of bids for a key holder to partially decrypt, as the server exports it after the deadline: each bid's
/// ephemeral point R from the frozen, checkpointed log, and (from the server) the joint key, the tender and the
/// ceremony, so the command-line tool needs nothing else. Older batches carry only the bids.
/// </summary>
public sealed record PartialDecryptionBatch(IReadOnlyList<BatchItem> Bids, JointKey? Key = null, string? Tender = null, string? CeremonyId = null, long? FrozenLogIndex = null);

/// <summary>One bid in a batch: its envelope hash (for the record), its R, and where the server has them its id and log index.</summary>
public sealed record BatchItem(byte[] EnvelopeSha256, byte[] R, Guid? BidId = null, long? LogIndex = null);

/// <summary>
/// What an off-server key holder downloads once the ceremony is complete: the public ceremony records and the
/// shares dealt to it, each encrypted to the transport key that only the holder has. With its transport key the
/// holder rebuilds and checks its secret offline (<c>trading keyholder receive</c>); the server cannot.
/// </summary>
public sealed record HolderSharePackage(int Version, string CeremonyId, int HolderIndex, int Holders, int Threshold, JointKey Key,
    IReadOnlyList<DealerCommitment> Commitments, IReadOnlyList<EncryptedShare> Shares, byte[] TransportPoint)
{
    /// <summary>Decrypts the shares dealt to this holder, checks each against its dealer's commitments and combines them.</summary>
    public HolderSecret Open(System.Security.Cryptography.ECDiffieHellman transportKey)
    {
        if (Version != 1)
        {
            throw new CryptoException(CryptoErrorCode.RecordInvalid, nameof(HolderSharePackage), $"version {Version}");
        }

        Key.Validate();
        var p = new CeremonyParameters(CeremonyId, Holders, Threshold);
        if (Key.CeremonyId != CeremonyId || !ShareTransport.PublicPoint(transportKey).AsSpan().SequenceEqual(TransportPoint))
        {
            throw new CryptoException(CryptoErrorCode.CeremonyInvalid, "the package is for another ceremony or another transport key");
        }

        var mine = Shares.Where(s => s.RecipientIndex == HolderIndex).Select(s => ShareTransport.Decrypt(p, s, transportKey)).ToList();
        return CeremonyVerifier.CombineShares(p, Key, Commitments, HolderIndex, mine);
    }
}
