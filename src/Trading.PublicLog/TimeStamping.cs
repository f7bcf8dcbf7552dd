using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.Cms;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tsp;
using Org.BouncyCastle.Utilities.Collections;
using BcCertificate = Org.BouncyCastle.X509.X509Certificate;
using BcParser = Org.BouncyCastle.X509.X509CertificateParser;

namespace Trading.PublicLog;

/// <summary>What a verified RFC 3161 token says.</summary>
/// <param name="Time">The TSA's genTime.</param>
/// <param name="SerialNumber">Token serial number (decimal).</param>
/// <param name="Policy">TSA policy OID.</param>
/// <param name="TsaSubject">Subject of the TSA certificate that signed it.</param>
public sealed record TimeStampInfo(DateTimeOffset Time, string SerialNumber, string Policy, string TsaSubject);

/// <summary>
/// The centre's RFC 3161 time-stamping authority over BouncyCastle's TSP implementation. Pure: the
/// web app exposes <see cref="Respond"/> over HTTP (application/timestamp-query) and calls
/// <see cref="Stamp"/> directly for receipts and checkpoints.
/// </summary>
public sealed class TimeStampAuthority
{
    /// <summary>Default policy OID (a UUID-based OID under 2.25); a centre may register its own.</summary>
    public const string DefaultPolicy = "2.25.216370431285390155834935587346117950187";

    private readonly TimeStampTokenGenerator _generator;
    private readonly TimeStampResponseGenerator _responder;

    /// <summary>Creates a TSA from its certificate (with private key) and the CA certificates to embed.</summary>
    public TimeStampAuthority(X509Certificate2 tsaCertificate, IReadOnlyList<X509Certificate2> chain, string policy = DefaultPolicy)
    {
        var eku = tsaCertificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().FirstOrDefault();
        if (eku is null || !eku.Critical || eku.EnhancedKeyUsages.Count != 1 || eku.EnhancedKeyUsages[0].Value != CentrePki.TimeStampingEku)
        {
            throw new LogVerificationException("cert.wrong-usage", Args.Of(("subject", tsaCertificate.Subject), ("usage", "time-stamping (needs a critical timeStamping EKU only)")));
        }
        using var key = tsaCertificate.GetECDsaPrivateKey()
            ?? throw new LogFormatException("key.invalid", Args.Of(("kind", "TSA private key"), ("reason", "certificate has no ECDSA private key")));
        var bcKey = PrivateKeyFactory.CreateKey(key.ExportPkcs8PrivateKey());
        var bcCert = ToBouncyCastle(tsaCertificate);
        _generator = new TimeStampTokenGenerator(bcKey, bcCert, TspAlgorithms.Sha256, policy) { Resolution = Resolution.R_MILLISECONDS };
        _generator.SetCertificates(CollectionUtilities.CreateStore(new[] { bcCert }.Concat(chain.Select(ToBouncyCastle)).ToList()));
        _responder = new TimeStampResponseGenerator(_generator, TspAlgorithms.Allowed);
    }

    /// <summary>A token over a SHA-256 <paramref name="imprint"/>, at <paramref name="now"/>.</summary>
    public byte[] Stamp(ReadOnlySpan<byte> imprint, DateTimeOffset now)
    {
        var request = TimeStampRequests.Create(imprint, out _);
        var response = new TimeStampResponse(Respond(request, now));
        return response.TimeStampToken.GetEncoded();
    }

    /// <summary>Answers a DER TimeStampReq with a DER TimeStampResp (a rejection response for bad requests).</summary>
    public byte[] Respond(byte[] requestDer, DateTimeOffset now)
    {
        TimeStampRequest request;
        try
        {
            request = new TimeStampRequest(requestDer);
        }
        catch (Exception e) when (e is IOException or ArgumentException or InvalidCastException or Org.BouncyCastle.Asn1.Asn1Exception)
        {
            return _responder.GenerateFailResponse(Org.BouncyCastle.Asn1.Cmp.PkiStatus.Rejection, Org.BouncyCastle.Asn1.Cmp.PkiFailureInfo.BadDataFormat, "malformed request").GetEncoded();
        }
        var serial = new BigInteger(1, RandomNumberGenerator.GetBytes(16));
        return _responder.Generate(request, serial, now.UtcDateTime).GetEncoded();
    }

    internal static BcCertificate ToBouncyCastle(X509Certificate2 c) => new BcParser().ReadCertificate(c.RawData);
}

/// <summary>Requests to, and responses from, any RFC 3161 TSA (the centre's or an external one configured by URL).</summary>
public static class TimeStampRequests
{
    /// <summary>A DER TimeStampReq over a SHA-256 imprint with a random nonce, asking for the TSA certificate.</summary>
    public static byte[] Create(ReadOnlySpan<byte> imprint, out byte[] nonce)
    {
        if (imprint.Length != 32)
        {
            throw new LogFormatException("hash.wrong-length", Args.Of(("what", "imprint"), ("expected", 32), ("actual", imprint.Length)));
        }
        var generator = new TimeStampRequestGenerator();
        generator.SetCertReq(true);
        nonce = RandomNumberGenerator.GetBytes(16);
        return generator.Generate(TspAlgorithms.Sha256, imprint.ToArray(), new BigInteger(1, nonce)).GetEncoded();
    }

    /// <summary>
    /// Checks a DER TimeStampResp answers <paramref name="requestDer"/> (status granted, same imprint and
    /// nonce) and returns the token. Signature and chain are checked by <see cref="TimeStampVerifier"/>.
    /// </summary>
    public static byte[] ReadResponse(byte[] responseDer, byte[] requestDer)
    {
        TimeStampResponse response;
        try
        {
            response = new TimeStampResponse(responseDer);
        }
        catch (Exception e) when (e is IOException or ArgumentException or InvalidCastException or TspException or Org.BouncyCastle.Asn1.Asn1Exception)
        {
            throw new LogFormatException("tsa.malformed", Args.Of(("reason", e.Message)), e);
        }
        if (response.TimeStampToken is null)
        {
            throw new LogVerificationException("tsa.rejected", Args.Of(("reason", response.GetStatusString() ?? $"status {response.Status}")));
        }
        try
        {
            response.Validate(new TimeStampRequest(requestDer));
        }
        catch (TspValidationException e)
        {
            throw new LogVerificationException("tsa.nonce-mismatch", null, e);
        }
        catch (TspException e)
        {
            throw new LogVerificationException("tsa.rejected", Args.Of(("reason", e.Message)), e);
        }
        return response.TimeStampToken.GetEncoded();
    }
}

/// <summary>Offline verification of RFC 3161 tokens against the centre's root certificate.</summary>
public static class TimeStampVerifier
{
    /// <summary>
    /// <see cref="Verify"/> under each of <paramref name="roots"/> in turn (the centre's root, an external TSA's): the
    /// token and the first root it chains to. When it chains to none, the first root's reason is thrown (a token over
    /// something else fails the same way under every root).
    /// </summary>
    public static (TimeStampInfo Info, X509Certificate2 Root) VerifyUnderAny(byte[] token, byte[] imprint, IReadOnlyList<X509Certificate2> roots)
    {
        PublicLogException? first = null;
        foreach (var root in roots)
        {
            try
            {
                return (Verify(token, imprint, root), root);
            }
            catch (PublicLogException e)
            {
                first ??= e;
            }
        }
        if (first is null) throw new ArgumentException("No root to verify the time-stamp under.", nameof(roots));
        throw first;
    }

    /// <summary>
    /// Verifies <paramref name="token"/> is a valid RFC 3161 token over <paramref name="imprint"/> (SHA-256),
    /// signed by a certificate with the critical timeStamping EKU that chains to <paramref name="root"/>
    /// at the token's time.
    /// </summary>
    public static TimeStampInfo Verify(ReadOnlySpan<byte> token, ReadOnlySpan<byte> imprint, X509Certificate2 root)
    {
        TimeStampToken tst;
        try
        {
            tst = new TimeStampToken(new CmsSignedData(token.ToArray()));
        }
        catch (Exception e) when (e is CmsException or TspException or IOException or ArgumentException or InvalidCastException or Org.BouncyCastle.Asn1.Asn1Exception)
        {
            throw new LogFormatException("tsa.malformed", Args.Of(("reason", e.Message)), e);
        }
        var info = tst.TimeStampInfo;
        if (info.MessageImprintAlgOid != TspAlgorithms.Sha256 || !MerkleHash.Equal(info.GetMessageImprintDigest(), imprint))
        {
            throw new LogVerificationException("tsa.imprint-mismatch");
        }
        var certs = tst.GetCertificates().EnumerateMatches(null).ToList();
        var signer = tst.GetCertificates().EnumerateMatches(tst.SignerID).FirstOrDefault()
            ?? throw new LogVerificationException("tsa.bad-signature", Args.Of(("reason", "the token does not carry the TSA certificate")));
        try
        {
            // Checks the CMS signature, the ESS signing-certificate binding, the critical timeStamping
            // EKU and the certificate's validity at genTime.
            tst.Validate(signer);
        }
        catch (Exception e) when (e is TspException or TspValidationException or CmsException)
        {
            throw new LogVerificationException("tsa.bad-signature", Args.Of(("reason", e.Message)), e);
        }
        var genTime = new DateTimeOffset(DateTime.SpecifyKind(info.GenTime, DateTimeKind.Utc));
        using var signerCert = X509CertificateLoader.LoadCertificate(signer.GetEncoded());
        var intermediates = certs.Select(c => X509CertificateLoader.LoadCertificate(c.GetEncoded())).ToList();
        try
        {
            CentreTrust.RequireChain(signerCert, root, intermediates, genTime);
        }
        finally
        {
            intermediates.ForEach(c => c.Dispose());
        }
        return new TimeStampInfo(genTime, info.SerialNumber.ToString(), info.Policy, signerCert.Subject);
    }
}
