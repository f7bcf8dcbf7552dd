using System.Security.Cryptography;

namespace Trading.Crypto;

/// <summary>
/// One bid's opening as auditors see it: which bid (by envelope hash and R), every partial received, the Lagrange
/// coefficients used and the combined point. Partials decrypt the bid, so transcripts are for auditors, not the public.
/// </summary>
public sealed record BidOpening(string Tender, string Lot, string Bidder, byte[] EnvelopeSha256, byte[] R, IReadOnlyList<PartialDecryption> Partials, IReadOnlyList<LagrangeTerm> Terms, byte[] CombinedPoint);

/// <summary>An opening transcript: the joint key and every bid's opening. <c>trading verify-opening</c> checks it.</summary>
public sealed record OpeningTranscript(int Version, JointKey Key, IReadOnlyList<BidOpening> Bids)
{
    /// <summary>Records one bid's combination together with every partial that was offered.</summary>
    public static BidOpening Record(EnvelopeHeader header, byte[] envelopeSha256, IReadOnlyList<PartialDecryption> partials, Combination combination) =>
        new(header.Tender, header.Lot, header.Bidder, envelopeSha256, combination.R, partials, combination.Terms, combination.D);
}

/// <summary>A problem found in one bid's opening: the rule (code), its arguments and the holder at fault if any.</summary>
public sealed record OpeningProblem(CryptoErrorCode Code, IReadOnlyList<string> Arguments, int? HolderIndex)
{
    /// <summary>The English text.</summary>
    public override string ToString() => CryptoMessages.Format(Code, Arguments, "en");
}

/// <summary>The verdict on one bid's opening.</summary>
public sealed record BidOpeningVerdict(int Position, string Bidder, bool CombinationValid, IReadOnlyList<OpeningProblem> Problems);

/// <summary>The verdict on a whole transcript.</summary>
public sealed record OpeningReport(bool Valid, IReadOnlyList<OpeningProblem> KeyProblems, IReadOnlyList<BidOpeningVerdict> Bids);

/// <summary>Checks a transcript with no trust in whoever wrote it.</summary>
public static class OpeningVerifier
{
    /// <summary>
    /// Checks the joint key, every partial's proof (a failing partial is a problem naming its holder, but the bid is
    /// still valid if t good ones were used), the holder set, each Lagrange coefficient and the combined point.
    /// </summary>
    public static OpeningReport Verify(OpeningTranscript transcript)
    {
        var keyProblems = new List<OpeningProblem>();
        if (transcript.Version != 1)
        {
            keyProblems.Add(new(CryptoErrorCode.UnsupportedVersion, [transcript.Version.ToString()], null));
        }

        try
        {
            transcript.Key.Validate();
        }
        catch (CryptoException e)
        {
            keyProblems.Add(Problem(e));
            return new OpeningReport(false, keyProblems, []);
        }

        var points = ThresholdOpening.KeyPoints.For(transcript.Key);
        var verdicts = transcript.Bids.Select((b, i) => VerifyBid(transcript.Key, points, b, i)).ToList();
        return new OpeningReport(keyProblems.Count == 0 && verdicts.All(v => v.CombinationValid), keyProblems, verdicts);
    }

    private static OpeningProblem Problem(CryptoException e) => new(e.Code, e.Arguments, e.HolderIndex);

    private static BidOpeningVerdict VerifyBid(JointKey key, ThresholdOpening.KeyPoints points, BidOpening bid, int position)
    {
        var problems = new List<OpeningProblem>();
        var valid = new Dictionary<int, PartialDecryption>();
        var seen = new HashSet<int>();
        foreach (var p in bid.Partials)
        {
            if (!seen.Add(p.HolderIndex))
            {
                problems.Add(new(CryptoErrorCode.DuplicateHolderIndex, [p.HolderIndex.ToString()], p.HolderIndex));
                return new BidOpeningVerdict(position, bid.Bidder, false, problems);
            }

            try
            {
                ThresholdOpening.VerifyPartial(key, points, bid.R, null, p);
                valid[p.HolderIndex] = p;
            }
            catch (CryptoException e)
            {
                problems.Add(Problem(e));
            }
        }

        try
        {
            var indices = bid.Terms.Select(t => t.HolderIndex).ToArray();
            if (indices.Length != key.Threshold || indices.Distinct().Count() != indices.Length)
            {
                throw new CryptoException(CryptoErrorCode.CombinationMismatch, $"{indices.Length} distinct holders used, exactly t = {key.Threshold} required");
            }

            var g = key.Group;
            var sum = g.Curve.Infinity;
            foreach (var term in bid.Terms)
            {
                if (!valid.TryGetValue(term.HolderIndex, out var partial))
                {
                    throw new CryptoException(CryptoErrorCode.CombinationMismatch, $"holder {term.HolderIndex} was used without a verified partial");
                }

                var lambda = Lagrange.AtZero(term.HolderIndex, indices, g.N);
                if (!CryptographicOperations.FixedTimeEquals(g.EncodeScalar(lambda), term.Coefficient))
                {
                    throw new CryptoException(CryptoErrorCode.CombinationMismatch, $"Lagrange coefficient of holder {term.HolderIndex}");
                }

                sum = sum.Add(g.Decode(partial.D, "D").Multiply(lambda));
            }

            if (sum.IsInfinity || !g.Encode(sum).AsSpan().SequenceEqual(bid.CombinedPoint))
            {
                throw new CryptoException(CryptoErrorCode.CombinationMismatch, "combined point D");
            }

            return new BidOpeningVerdict(position, bid.Bidder, true, problems);
        }
        catch (CryptoException e)
        {
            problems.Add(Problem(e));
            return new BidOpeningVerdict(position, bid.Bidder, false, problems);
        }
    }
}
