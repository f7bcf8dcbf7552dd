using System.Security.Cryptography;
using Org.BouncyCastle.Math;

namespace Trading.Crypto;

/// <summary>A dealt share encrypted to one officer of the recipient holder (one per officer, so any one can act).</summary>
public sealed record OfficerShare(byte[] OfficerPoint, EncryptedShare Share);

/// <summary>
/// What a holder's officer posts when it deals (in its browser or with the CLI): the Feldman commitments with the
/// Schnorr proof, and every share encrypted to every officer of every holder. The server stores and relays it.
/// </summary>
public sealed record HolderDealing(DealerCommitment Commitment, IReadOnlyList<OfficerShare> Shares);

/// <summary>
/// An officer of holder <see cref="RecipientIndex"/> says the share dealt by <see cref="DealerIndex"/> matches the
/// commitments whose hash it names, signed (Schnorr) with the officer's transport key: it cannot be replayed into
/// another ceremony, onto another dealing or in another officer's name.
/// </summary>
public sealed record ShareAcknowledgement(string CeremonyId, int DealerIndex, int RecipientIndex, byte[] CommitmentHash, byte[] OfficerPoint, SchnorrProof Signature);

/// <summary>
/// A complaint with evidence: the officer reveals the ECDH point K = x_officer * E of one encrypted share, with a
/// Chaum-Pedersen proof that it used its published transport key, so anyone can decrypt that one share and see
/// whether it matches the dealer's commitments. Nothing else of the officer's key is revealed.
/// </summary>
public sealed record ComplaintEvidence(string CeremonyId, int DealerIndex, int RecipientIndex, byte[] OfficerPoint, byte[] EphemeralPoint, byte[] SharedPoint, DleqProof Proof);

/// <summary>The public side of the holder-side ceremony: what the relaying server (and anyone) checks.</summary>
public static class HolderProtocol
{
    private const string CommitmentDomain = "trading/ceremony/v1/commitment";
    private const string AckDomain = "trading/ceremony/v1/ack";
    private const string ComplaintDomain = "trading/ceremony/v1/complaint";

    /// <summary>SHA-256 over the whole commitment (points and proof), bound to the ceremony: what an acknowledgement names.</summary>
    public static byte[] CommitmentHash(CeremonyParameters p, DealerCommitment c) => SHA256.HashData(Wire.Concat(
        [Wire.Label(CommitmentDomain), Wire.LengthPrefixed(p.Suite), Wire.LengthPrefixed(p.CeremonyId), Wire.U16(p.Holders), Wire.U16(p.Threshold),
         Wire.U16(c.DealerIndex), .. c.Coefficients, c.Proof.Challenge, c.Proof.Response]));

    /// <summary>
    /// The relay's check of a posted dealing: a valid commitment and proof, and exactly one encrypted share for every
    /// officer of every holder (<paramref name="officers"/>: holder index to its officers' transport points), each
    /// well formed and labelled with this ceremony, dealer and recipient. Whether a share matches the commitments only
    /// its recipient can tell: that is what acknowledgements and complaints are for.
    /// </summary>
    public static void VerifyDealing(CeremonyParameters p, HolderDealing dealing, IReadOnlyDictionary<int, IReadOnlyList<byte[]>> officers)
    {
        CeremonyVerifier.VerifyCommitment(p, dealing.Commitment);
        var dealer = dealing.Commitment.DealerIndex;
        var expected = officers.SelectMany(h => h.Value.Select(o => (Holder: h.Key, Point: Convert.ToHexStringLower(o)))).ToHashSet();
        var seen = new HashSet<(int, string)>();
        foreach (var s in dealing.Shares)
        {
            var key = (s.Share.RecipientIndex, Convert.ToHexStringLower(s.OfficerPoint));
            if (s.Share.CeremonyId != p.CeremonyId || s.Share.DealerIndex != dealer || !expected.Contains(key) || !seen.Add(key)
                || s.Share.Ciphertext.Length != 48)
            {
                throw new CryptoException(CryptoErrorCode.CeremonyInvalid, $"holder {dealer}'s dealing has a share for no listed officer, a repeated one, or one of the wrong shape");
            }

            P256.Decode(s.Share.EphemeralPoint, "share transport ephemeral point");
        }

        if (seen.Count != expected.Count)
        {
            throw new CryptoException(CryptoErrorCode.CeremonyInvalid, $"holder {dealer}'s dealing encrypts {seen.Count} shares, expected one for each of the {expected.Count} officers");
        }
    }

    /// <summary>Signs an acknowledgement with the officer's transport key (after the share was checked).</summary>
    public static ShareAcknowledgement Acknowledge(CeremonyParameters p, DealerCommitment commitment, int recipientIndex, ECDiffieHellman officerKey) =>
        Acknowledge(p, commitment, recipientIndex, officerKey, P256.RandomScalar());

    internal static ShareAcknowledgement Acknowledge(CeremonyParameters p, DealerCommitment commitment, int recipientIndex, ECDiffieHellman officerKey, BigInteger nonce)
    {
        p.CheckIndex(recipientIndex);
        var point = ShareTransport.PublicPoint(officerKey);
        var d = officerKey.ExportParameters(true).D!;
        try
        {
            var x = new BigInteger(1, d);
            var hash = CommitmentHash(p, commitment);
            var a = P256.MultiplyG(nonce);
            var c = AckChallenge(p, commitment.DealerIndex, recipientIndex, hash, point, P256.Encode(a));
            var s = nonce.Add(c.Multiply(x)).Mod(P256.N);
            return new ShareAcknowledgement(p.CeremonyId, commitment.DealerIndex, recipientIndex, hash, point, new SchnorrProof(P256.EncodeScalar(c), P256.EncodeScalar(s)));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(d);
        }
    }

    /// <summary>Refuses an acknowledgement that is not for this ceremony and this very commitment, or whose signature fails.</summary>
    public static void VerifyAcknowledgement(CeremonyParameters p, DealerCommitment commitment, ShareAcknowledgement ack)
    {
        p.CheckIndex(ack.RecipientIndex);
        var refusal = new CryptoException(CryptoErrorCode.AcknowledgementInvalid, ack.RecipientIndex, commitment.DealerIndex.ToString(), ack.RecipientIndex.ToString());
        if (ack.CeremonyId != p.CeremonyId || ack.DealerIndex != commitment.DealerIndex
            || !CryptographicOperations.FixedTimeEquals(ack.CommitmentHash, CommitmentHash(p, commitment)))
        {
            throw refusal;
        }

        try
        {
            var officer = P256.Decode(ack.OfficerPoint, "officer transport key");
            var c = P256.DecodeScalar(ack.Signature.Challenge, "ack challenge", allowZero: true);
            var s = P256.DecodeScalar(ack.Signature.Response, "ack response", allowZero: true);
            var a = P256.SumOfTwoMultiplies(P256.G, s, officer, P256.N.Subtract(c));
            if (a.IsInfinity || !AckChallenge(p, ack.DealerIndex, ack.RecipientIndex, ack.CommitmentHash, ack.OfficerPoint, P256.Encode(a)).Equals(c))
            {
                throw refusal;
            }
        }
        catch (CryptoException e) when (e.Code != CryptoErrorCode.AcknowledgementInvalid)
        {
            throw refusal;
        }
    }

    private static BigInteger AckChallenge(CeremonyParameters p, int dealer, int recipient, byte[] commitmentHash, byte[] officerPoint, byte[] a) =>
        P256.Challenge(AckDomain, Wire.LengthPrefixed(p.Suite), Wire.LengthPrefixed(p.CeremonyId), Wire.U16(p.Holders), Wire.U16(p.Threshold),
            Wire.U16(dealer), Wire.U16(recipient), commitmentHash, P256.GEncoded, officerPoint, a);

    /// <summary>Builds the evidence for a complaint about one encrypted share this officer received.</summary>
    public static ComplaintEvidence Complain(CeremonyParameters p, EncryptedShare share, ECDiffieHellman officerKey) =>
        Complain(p, share, officerKey, P256.RandomScalar());

    internal static ComplaintEvidence Complain(CeremonyParameters p, EncryptedShare share, ECDiffieHellman officerKey, BigInteger nonce)
    {
        p.CheckIndex(share.DealerIndex);
        p.CheckIndex(share.RecipientIndex);
        var point = ShareTransport.PublicPoint(officerKey);
        var d = officerKey.ExportParameters(true).D!;
        try
        {
            var x = new BigInteger(1, d);
            var e = P256.Decode(share.EphemeralPoint, "share transport ephemeral point");
            var k = P256.Multiply(e, x);
            var a = P256.MultiplyG(nonce);
            var b = P256.Multiply(e, nonce);
            var kBytes = P256.Encode(k);
            var c = ComplaintChallenge(p, share.DealerIndex, share.RecipientIndex, point, share.EphemeralPoint, kBytes, P256.Encode(a), P256.Encode(b));
            var s = nonce.Add(c.Multiply(x)).Mod(P256.N);
            return new ComplaintEvidence(p.CeremonyId, share.DealerIndex, share.RecipientIndex, point, share.EphemeralPoint, kBytes,
                new DleqProof(P256.EncodeScalar(c), P256.EncodeScalar(s)));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(d);
        }
    }

    /// <summary>
    /// Judges a complaint against the dealer's commitment and the encrypted share as relayed: true (justified) when the
    /// proven ECDH point opens a share that fails the commitments, or opens nothing. A complaint whose proof fails, that
    /// names another share, or whose share does match is false evidence and is refused.
    /// </summary>
    public static bool JudgeComplaint(CeremonyParameters p, DealerCommitment commitment, OfficerShare relayed, ComplaintEvidence evidence)
    {
        var dealer = commitment.DealerIndex;
        CryptoException False(string why) =>
            new(CryptoErrorCode.ComplaintEvidenceFalse, evidence.RecipientIndex, dealer.ToString(), evidence.RecipientIndex.ToString(), why);
        if (evidence.CeremonyId != p.CeremonyId || evidence.DealerIndex != dealer || relayed.Share.DealerIndex != dealer
            || evidence.RecipientIndex != relayed.Share.RecipientIndex
            || !evidence.OfficerPoint.AsSpan().SequenceEqual(relayed.OfficerPoint) || !evidence.EphemeralPoint.AsSpan().SequenceEqual(relayed.Share.EphemeralPoint))
        {
            throw False("it names another share than the one relayed");
        }

        try
        {
            var officer = P256.Decode(evidence.OfficerPoint, "officer transport key");
            var e = P256.Decode(evidence.EphemeralPoint, "share transport ephemeral point");
            var k = P256.Decode(evidence.SharedPoint, "shared point");
            var c = P256.DecodeScalar(evidence.Proof.Challenge, "complaint challenge", allowZero: true);
            var s = P256.DecodeScalar(evidence.Proof.Response, "complaint response", allowZero: true);
            var negC = P256.N.Subtract(c);
            var a = P256.SumOfTwoMultiplies(P256.G, s, officer, negC);
            var b = P256.SumOfTwoMultiplies(e, s, k, negC);
            if (a.IsInfinity || b.IsInfinity
                || !ComplaintChallenge(p, dealer, evidence.RecipientIndex, evidence.OfficerPoint, evidence.EphemeralPoint, evidence.SharedPoint, P256.Encode(a), P256.Encode(b)).Equals(c))
            {
                throw False("the proof that the officer's own key was used does not verify");
            }
        }
        catch (CryptoException ex) when (ex.Code != CryptoErrorCode.ComplaintEvidenceFalse)
        {
            throw False(ex.Message);
        }

        DealtShare share;
        try
        {
            share = ShareTransport.DecryptWithSecret(p, relayed.Share, evidence.SharedPoint[1..33], evidence.OfficerPoint);
        }
        catch (CryptoException)
        {
            return true; // the dealer sent something that does not even decrypt for this officer
        }

        if (CeremonyVerifier.VerifyShare(p, commitment, share).Accepted)
        {
            throw False("the share it opens matches the dealer's commitments");
        }

        return true;
    }

    private static BigInteger ComplaintChallenge(CeremonyParameters p, int dealer, int recipient, byte[] officer, byte[] e, byte[] k, byte[] a, byte[] b) =>
        P256.Challenge(ComplaintDomain, Wire.LengthPrefixed(p.Suite), Wire.LengthPrefixed(p.CeremonyId), Wire.U16(dealer), Wire.U16(recipient),
            P256.GEncoded, officer, e, k, a, b);

    /// <summary>
    /// Before any partial: every point asked for must be an R of the frozen bid list (threshold ECIES must never
    /// decrypt chosen points). Refuses naming the first point that is not.
    /// </summary>
    public static void CheckInFrozenList(IEnumerable<byte[]> frozenRs, IEnumerable<byte[]> requested)
    {
        var frozen = frozenRs.Select(Convert.ToHexStringLower).ToHashSet(StringComparer.Ordinal);
        foreach (var r in requested)
        {
            var hex = Convert.ToHexStringLower(r);
            if (!frozen.Contains(hex))
            {
                throw new CryptoException(CryptoErrorCode.NotInFrozenList, hex.Length > 20 ? hex[..20] + "…" : hex);
            }
        }
    }
}

/// <summary>One officer in a ceremony roster: the holder it acts for and its transport key's public point.</summary>
public sealed record RosterOfficer(int Holder, byte[] TransportPoint);

/// <summary>
/// The public roster a dealer needs: the ceremony's parameters and every officer's transport point (what the ceremony
/// page serves, and what <c>trading keyholder deal</c> reads).
/// </summary>
public sealed record CeremonyRoster(int Version, string CeremonyId, int Holders, int Threshold, IReadOnlyList<RosterOfficer> Officers, string Suite = CryptoSuites.P256)
{
    /// <summary>The ceremony parameters (validated).</summary>
    public CeremonyParameters Parameters()
    {
        var p = new CeremonyParameters(CeremonyId, Holders, Threshold, Suite);
        p.Validate();
        return p;
    }

    /// <summary>Officers' points by holder index; refuses a holder with none, a bad point or one point used twice.</summary>
    public IReadOnlyDictionary<int, IReadOnlyList<byte[]>> OfficersByHolder()
    {
        var p = Parameters();
        foreach (var o in Officers)
        {
            p.CheckIndex(o.Holder);
            P256.Decode(o.TransportPoint, "officer transport key");
        }

        if (Officers.Select(o => Convert.ToHexStringLower(o.TransportPoint)).Distinct().Count() != Officers.Count)
        {
            throw new CryptoException(CryptoErrorCode.CeremonyInvalid, "one transport key is listed for two officers");
        }

        var result = Enumerable.Range(1, Holders).ToDictionary(h => h, h => (IReadOnlyList<byte[]>)Officers.Where(o => o.Holder == h).Select(o => o.TransportPoint).ToList());
        if (result.FirstOrDefault(kv => kv.Value.Count == 0) is { Value: not null } empty)
        {
            throw new CryptoException(CryptoErrorCode.CeremonyInvalid, $"holder {empty.Key} has no officer yet");
        }

        return result;
    }
}

/// <summary>What an officer posts after checking the dealings: acknowledgements, and complaints with evidence.</summary>
public sealed record DealingResponses(IReadOnlyList<ShareAcknowledgement> Acknowledgements, IReadOnlyList<ComplaintEvidence> Complaints);

/// <summary>
/// The holder's own side in C# (the command-line tool): the same acts as the browser's holder module, on the officer's
/// machine. Nothing here is for the server: each method needs an officer's transport key.
/// </summary>
public static class HolderSide
{
    /// <summary>Deals this holder's part: a fresh polynomial, commitments with proof, a share encrypted to every officer.</summary>
    public static HolderDealing Deal(CeremonyRoster roster, int dealerIndex)
    {
        var p = roster.Parameters();
        var officers = roster.OfficersByHolder();
        var dealer = HolderDealer.Create(p, dealerIndex);
        var shares = officers.OrderBy(h => h.Key)
            .SelectMany(h => h.Value.Select(pt => new OfficerShare(pt, ShareTransport.Encrypt(p, dealer.ShareFor(h.Key), pt)))).ToList();
        return new HolderDealing(dealer.Commitment, shares);
    }

    /// <summary>Checks every dealing's share for this officer: an acknowledgement for each that matches, else a complaint.</summary>
    public static DealingResponses Check(CeremonyRoster roster, IReadOnlyList<HolderDealing> dealings, ECDiffieHellman officerKey, int holderIndex)
    {
        var p = roster.Parameters();
        var officers = roster.OfficersByHolder();
        var acks = new List<ShareAcknowledgement>();
        var complaints = new List<ComplaintEvidence>();
        foreach (var d in dealings)
        {
            HolderProtocol.VerifyDealing(p, d, officers);
            var mine = Mine(d, officerKey, holderIndex);
            DealtShare? share = null;
            try
            {
                share = ShareTransport.Decrypt(p, mine.Share, officerKey);
            }
            catch (CryptoException e) when (e.Code == CryptoErrorCode.ShareTransportFailed)
            {
                // Undecryptable: the dealer's fault, and the complaint's evidence shows it.
            }

            if (share is not null && CeremonyVerifier.VerifyShare(p, d.Commitment, share).Accepted)
            {
                acks.Add(HolderProtocol.Acknowledge(p, d.Commitment, holderIndex, officerKey));
            }
            else
            {
                complaints.Add(HolderProtocol.Complain(p, mine.Share, officerKey));
            }
        }

        return new DealingResponses(acks, complaints);
    }

    /// <summary>This holder's secret from the relayed dealings, checked against the joint key; dispose it after use.</summary>
    public static HolderSecret Secret(CeremonyRoster roster, JointKey key, IReadOnlyList<HolderDealing> dealings, ECDiffieHellman officerKey, int holderIndex)
    {
        var p = roster.Parameters();
        var shares = dealings.Select(d => ShareTransport.Decrypt(p, Mine(d, officerKey, holderIndex).Share, officerKey)).ToList();
        return CeremonyVerifier.CombineShares(p, key, dealings.Select(d => d.Commitment).ToList(), holderIndex, shares);
    }

    /// <summary>Partials for the requested points, refused as a whole unless every one is in the frozen bid list.</summary>
    public static IReadOnlyList<PartialDecryption> PartialDecryptFrozen(HolderSecret secret, JointKey key, IEnumerable<byte[]> frozenRs, IReadOnlyList<byte[]> requested)
    {
        HolderProtocol.CheckInFrozenList(frozenRs, requested);
        return ThresholdOpening.PartialDecryptBatch(secret, key, requested);
    }

    private static OfficerShare Mine(HolderDealing d, ECDiffieHellman officerKey, int holderIndex)
    {
        var point = ShareTransport.PublicPoint(officerKey);
        return d.Shares.FirstOrDefault(s => s.Share.RecipientIndex == holderIndex && s.OfficerPoint.AsSpan().SequenceEqual(point))
            ?? throw new CryptoException(CryptoErrorCode.CeremonyInvalid, $"holder {d.Commitment.DealerIndex}'s dealing has no share for this officer of holder {holderIndex}");
    }
}

/// <summary>An officer as the relay serves it to itself: its id, its transport point and its sealed transport key.</summary>
public sealed record OfficerMaterial(Guid Id, byte[] Point, SealedShare Sealed);

/// <summary>
/// What the relay serves a signed-in officer after the ceremony (GET /api/tenders/{id}/ceremony/holder-material,
/// docs/bidding.md): the parameters, its holder index, the joint key, its own sealed transport key and every dealing
/// with only the shares addressed to this officer. The officer's machine unseals the transport key with the
/// passphrase and rebuilds the holder's secret from this; the server has none of the secrets involved.
/// </summary>
public sealed record HolderMaterial(CeremonyParameters Params, int HolderIndex, JointKey JointKey, OfficerMaterial Officer, IReadOnlyList<HolderDealing> Dealings)
{
    /// <summary>The holder's secret, rebuilt with the officer's unsealed transport key (checked against the joint key).</summary>
    public HolderSecret Secret(ECDiffieHellman officerKey)
    {
        var p = Params;
        p.Validate();
        var shares = Dealings.OrderBy(d => d.Commitment.DealerIndex).Select(d =>
        {
            var point = ShareTransport.PublicPoint(officerKey);
            var mine = d.Shares.FirstOrDefault(s => s.Share.RecipientIndex == HolderIndex && s.OfficerPoint.AsSpan().SequenceEqual(point))
                ?? throw new CryptoException(CryptoErrorCode.CeremonyInvalid, $"holder {d.Commitment.DealerIndex}'s dealing has no share for this officer");
            return ShareTransport.Decrypt(p, mine.Share, officerKey);
        }).ToList();
        return CeremonyVerifier.CombineShares(p, JointKey, Dealings.OrderBy(d => d.Commitment.DealerIndex).Select(d => d.Commitment).ToList(), HolderIndex, shares);
    }

    /// <summary>Unseals the officer's transport key with its passphrase, then rebuilds the holder's secret.</summary>
    public HolderSecret Secret(string passphrase)
    {
        using var key = ShareSealing.UnsealTransportKey(Officer.Sealed, Officer.Point, passphrase);
        return Secret(key);
    }
}
