using System.Security.Cryptography;
using System.Text.Json.Serialization;

namespace Trading.Crypto;

/// <summary>
/// One bid's opening as auditors see it: which bid (by envelope hash and R), every partial received, the Lagrange
/// coefficients used and the combined point. Partials decrypt the bid, so transcripts are for auditors, not the public.
/// Version 2 adds who signed the bid (<see cref="SubmittedAt"/>, <see cref="Manifest"/>, <see cref="SignerCertificate"/>);
/// they are left out of the JSON when absent, so a version 1 entry reads and writes exactly as before.
/// </summary>
public sealed record BidOpening(string Tender, string Lot, string Bidder, byte[] EnvelopeSha256, byte[] R, IReadOnlyList<PartialDecryption> Partials, IReadOnlyList<LagrangeTerm> Terms, byte[] CombinedPoint)
{
    /// <summary>Version 2: the instant the platform recorded the bid (its submission time), at which the certificate must have been valid.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateTimeOffset? SubmittedAt { get; init; }

    /// <summary>Version 2: the signed manifest as the bidder submitted it.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public SignedManifest? Manifest { get; init; }

    /// <summary>Version 2: the firm certificate (DER, base64) the platform checked the signature against; absent for a per-bid key.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? SignerCertificate { get; init; }

    /// <summary>
    /// Version 2, a certificate registered from a CA the centre trusts through intermediate CAs: those intermediate
    /// certificates (DER, base64), the firm's order, so the chain to a root given to the verifier is built offline. Absent
    /// when there are none.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? SignerIntermediates { get; init; }
}

/// <summary>An opening transcript: the joint key and every bid's opening. <c>trading verify-opening</c> checks it.</summary>
public sealed record OpeningTranscript(int Version, JointKey Key, IReadOnlyList<BidOpening> Bids)
{
    /// <summary>The first format: openings only, nothing about who signed each bid.</summary>
    public const int Version1 = 1;

    /// <summary>Each bid's entry also carries its submission time, signed manifest and signer certificate (docs/envelope-format.md section 7.1).</summary>
    public const int Version2 = 2;

    /// <summary>Records one bid's combination together with every partial that was offered.</summary>
    public static BidOpening Record(EnvelopeHeader header, byte[] envelopeSha256, IReadOnlyList<PartialDecryption> partials, Combination combination) =>
        new(header.Tender, header.Lot, header.Bidder, envelopeSha256, combination.R, partials, combination.Terms, combination.D);

    /// <summary>Records one bid for a version 2 transcript: the opening and who signed it.</summary>
    public static BidOpening Record(EnvelopeHeader header, byte[] envelopeSha256, IReadOnlyList<PartialDecryption> partials, Combination combination,
        DateTimeOffset submittedAt, SignedManifest manifest, byte[]? signerCertificate, IReadOnlyList<byte[]>? signerIntermediates = null) =>
        Record(header, envelopeSha256, partials, combination) with
        {
            SubmittedAt = submittedAt,
            Manifest = manifest,
            SignerCertificate = signerCertificate is null ? null : Convert.ToBase64String(signerCertificate),
            SignerIntermediates = signerCertificate is null || signerIntermediates is not { Count: > 0 } ? null : [.. signerIntermediates.Select(Convert.ToBase64String)],
        };
}

/// <summary>A problem found in one bid's opening: the rule (code), its arguments and the holder at fault if any.</summary>
public sealed record OpeningProblem(CryptoErrorCode Code, IReadOnlyList<string> Arguments, int? HolderIndex)
{
    /// <summary>The English text.</summary>
    public override string ToString() => CryptoMessages.Format(Code, Arguments, "en");
}

/// <summary>What a transcript entry shows about who signed the bid.</summary>
public enum SignerStatus
{
    /// <summary>A version 1 entry: it carries no signer data, so nothing about the signer was checked.</summary>
    NotRecorded,

    /// <summary>The manifest verifies and describes the bid, signed with a key made for that bid alone (the firm held no certificate): integrity, not identity.</summary>
    PerBidKey,

    /// <summary>The manifest verifies and describes the bid, under a certificate valid at submission that certifies the signing key; no root was given to check its chain.</summary>
    ChainNotChecked,

    /// <summary>As <see cref="ChainNotChecked"/>, and the certificate chains to one of the roots given at the submission time.</summary>
    ChainVerified,

    /// <summary>A signer rule failed; the verdict's problems name it.</summary>
    Invalid,
}

/// <summary>
/// Decides whether a firm certificate (DER) chains to a trusted root at an instant. The verifier stays free of any trust
/// store: the caller brings the roots (the CLI its <c>--ca</c> files) and the chain builder for the certificate's algorithm.
/// </summary>
/// <remarks>The intermediates are those the transcript carries for the certificate (none for most).</remarks>
public delegate bool SignerChainCheck(byte[] certificate, DateTimeOffset at, IReadOnlyList<byte[]> intermediates);

/// <summary>
/// What a revocation list signed by a certificate's own issuer says of it: when it was revoked (null: not listed) and when
/// that list was issued. The verifier stays free of CRL parsing: the caller brings the lists it has checked (the CLI its
/// <c>--crl</c> files, verified against its <c>--ca</c> roots).
/// </summary>
public sealed record SignerRevocation(DateTimeOffset? RevokedAt, DateTimeOffset ListIssuedAt);

/// <summary>The revocation status of a firm certificate (DER) by a list its issuer signed, or null when no such list was given.</summary>
public delegate SignerRevocation? SignerRevocationCheck(byte[] certificate);

/// <summary>The verdict on one bid's opening and, from version 2, on its signer.</summary>
public sealed record BidOpeningVerdict(int Position, string Bidder, bool CombinationValid, IReadOnlyList<OpeningProblem> Problems)
{
    /// <summary>What was established about the signer.</summary>
    public SignerStatus Signer { get; init; } = SignerStatus.NotRecorded;

    /// <summary>The signer certificate's serial (lowercase hex), when the entry carries a readable one.</summary>
    public string? SignerSerial { get; init; }

    /// <summary>
    /// What the revocation lists given say of the signer certificate: null when none was asked or none of its issuer was
    /// given; a list that does not name it, or (the bid still stands) names a revocation after the submission time.
    /// </summary>
    public SignerRevocation? Revocation { get; init; }

    /// <summary>The opening checks out and no signer rule failed.</summary>
    public bool Valid => CombinationValid && Signer != SignerStatus.Invalid;
}

/// <summary>The verdict on a whole transcript.</summary>
public sealed record OpeningReport(bool Valid, IReadOnlyList<OpeningProblem> KeyProblems, IReadOnlyList<BidOpeningVerdict> Bids);

/// <summary>Checks a transcript with no trust in whoever wrote it.</summary>
public static class OpeningVerifier
{
    /// <summary>
    /// Checks the joint key, every partial's proof (a failing partial is a problem naming its holder, but the bid is
    /// still valid if t good ones were used), the holder set, each Lagrange coefficient and the combined point. For a
    /// version 2 transcript also each bid's signer (<see cref="VerifySigner"/>); with <paramref name="chains"/> null a
    /// certificate's chain is left unchecked and said so (<see cref="SignerStatus.ChainNotChecked"/>), never passed.
    /// </summary>
    public static OpeningReport Verify(OpeningTranscript transcript, SignerChainCheck? chains = null, SignerRevocationCheck? revocations = null)
    {
        var keyProblems = new List<OpeningProblem>();
        if (transcript.Version is not (OpeningTranscript.Version1 or OpeningTranscript.Version2))
        {
            keyProblems.Add(new(CryptoErrorCode.TranscriptVersionUnsupported, [transcript.Version.ToString(System.Globalization.CultureInfo.InvariantCulture)], null));
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
        var verdicts = transcript.Bids.Select((b, i) => VerifySigner(transcript, b, VerifyBid(transcript.Key, points, b, i), chains, revocations)).ToList();
        return new OpeningReport(keyProblems.Count == 0 && verdicts.All(v => v.Valid), keyProblems, verdicts);
    }

    /// <summary>
    /// The signer rules of a version 2 entry, in order: the entry carries its submission time and manifest; the manifest's
    /// signature verifies under the key it names; the manifest describes this bid (suite of the joint key, tender, lot,
    /// bidder, envelope SHA-256); and with a certificate, that it is readable, certifies that key, was valid at the
    /// submission time and (given <paramref name="chains"/>) chains to a root then; last (given <paramref name="revocations"/>)
    /// that its issuer's list does not name it revoked at or before the submission time. A revocation after that instant
    /// does not reach back: the bid was signed under a valid certificate. A version 1 entry must carry none of it.
    /// </summary>
    private static BidOpeningVerdict VerifySigner(OpeningTranscript transcript, BidOpening bid, BidOpeningVerdict verdict, SignerChainCheck? chains, SignerRevocationCheck? revocations)
    {
        var problems = verdict.Problems.ToList();
        BidOpeningVerdict Fail(CryptoErrorCode code, params string[] args)
        {
            problems.Add(new(code, args, null));
            return verdict with { Problems = problems, Signer = SignerStatus.Invalid };
        }

        if (transcript.Version != OpeningTranscript.Version2)
        {
            return bid.SubmittedAt is null && bid.Manifest is null && bid.SignerCertificate is null
                ? verdict
                : Fail(CryptoErrorCode.RecordInvalid, "opening transcript", $"version {transcript.Version} entries carry no signer data");
        }

        if (bid.Manifest is not { } signed) return Fail(CryptoErrorCode.SignerDataMissing, "manifest");
        if (bid.SubmittedAt is not { } at) return Fail(CryptoErrorCode.SignerDataMissing, "submittedAt");
        try
        {
            ManifestSigning.Verify(signed);
        }
        catch (CryptoException e)
        {
            return Fail(e.Code, [.. e.Arguments]);
        }

        var m = signed.Manifest;
        var differs = m.Suite != transcript.Key.Suite ? "suite"
            : m.Tender != bid.Tender ? "tender"
            : m.Lot != bid.Lot ? "lot"
            : m.Bidder != bid.Bidder ? "bidder"
            : !m.EnvelopeSha256.AsSpan().SequenceEqual(bid.EnvelopeSha256) ? "envelope SHA-256"
            : null;
        if (differs is not null) return Fail(CryptoErrorCode.ManifestMismatch, differs);
        if (bid.SignerCertificate is null) return verdict with { Signer = SignerStatus.PerBidKey };

        byte[] der;
        Org.BouncyCastle.X509.X509Certificate certificate;
        try
        {
            der = Convert.FromBase64String(bid.SignerCertificate);
            certificate = new Org.BouncyCastle.X509.X509CertificateParser().ReadCertificate(der)
                ?? throw new FormatException("no certificate");
        }
        catch (Exception e) when (e is FormatException or ArgumentException or IOException or InvalidCastException or Org.BouncyCastle.Security.GeneralSecurityException or Org.BouncyCastle.Asn1.Asn1Exception)
        {
            return Fail(CryptoErrorCode.SignerCertificateInvalid, e.Message);
        }

        var serial = certificate.SerialNumber.ToString(16);
        verdict = verdict with { SignerSerial = serial };
        if (!certificate.CertificateStructure.SubjectPublicKeyInfo.GetEncoded().AsSpan().SequenceEqual(signed.SignerPublicKey))
        {
            return Fail(CryptoErrorCode.SignerKeyMismatch, serial);
        }

        var instant = at.UtcDateTime;
        if (instant < certificate.NotBefore.ToUniversalTime() || instant > certificate.NotAfter.ToUniversalTime())
        {
            return Fail(CryptoErrorCode.SignerNotValidAtSubmission, serial, Iso(at), Iso(certificate.NotBefore), Iso(certificate.NotAfter));
        }

        if (chains is null) return verdict with { Signer = SignerStatus.ChainNotChecked };
        IReadOnlyList<byte[]> intermediates;
        try
        {
            intermediates = [.. (bid.SignerIntermediates ?? []).Select(Convert.FromBase64String)];
        }
        catch (FormatException e)
        {
            return Fail(CryptoErrorCode.SignerCertificateInvalid, e.Message);
        }
        if (!chains(der, at, intermediates)) return Fail(CryptoErrorCode.SignerUntrusted, serial, Iso(at));
        if (revocations?.Invoke(der) is { } revocation)
        {
            verdict = verdict with { Revocation = revocation };
            if (revocation.RevokedAt is { } revoked && revoked <= at)
            {
                return Fail(CryptoErrorCode.SignerRevoked, serial, Iso(revoked), Iso(at), Iso(revocation.ListIssuedAt));
            }
        }

        return verdict with { Signer = SignerStatus.ChainVerified };
    }

    private static string Iso(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);

    private static string Iso(DateTime t) => Iso(new DateTimeOffset(t.ToUniversalTime(), TimeSpan.Zero));

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
