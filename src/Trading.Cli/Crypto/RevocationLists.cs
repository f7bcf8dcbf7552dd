using System.Security.Cryptography;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;
using Trading.Crypto;

namespace Trading.Cli.Crypto;

/// <summary>A revocation list given that no CA given signed: believing it would let anyone revoke, or clear, a firm's certificate.</summary>
public sealed class RevocationListUntrustedException(string file) : Exception($"revocation list {file} is not signed by any CA certificate given (--ca)")
{
    /// <summary>The file as the user named it.</summary>
    public string File { get; } = file;
}

/// <summary>
/// The revocation lists (RFC 5280 CRLs, the platform's <c>/pki/firms.crl</c> and <c>/pki/firms-sm2.crl</c>) given to
/// <c>trading verify-opening --crl</c>, each kept only once the CA certificate that signed it is found among the roots given:
/// ECDSA P-256 lists through BouncyCastle like the SM3withSM2 ones (default user id), so one check serves both suites.
/// </summary>
public sealed class RevocationLists
{
    private readonly List<(X509Crl List, X509Certificate Ca)> _lists;

    private RevocationLists(List<(X509Crl, X509Certificate)> lists) => _lists = lists;

    /// <summary>
    /// Reads each list (DER, or PEM <c>X509 CRL</c>) and finds the CA among <paramref name="cas"/> (DER) with its issuer name
    /// whose key verifies its signature. Unreadable input is an <see cref="InvalidDataException"/>; a list no CA given signed,
    /// a <see cref="RevocationListUntrustedException"/>.
    /// </summary>
    public static RevocationLists Read(IEnumerable<(string Name, byte[] Content)> files, IReadOnlyList<byte[]> cas)
    {
        var parser = new X509CertificateParser();
        var roots = cas.Select(c => parser.ReadCertificate(c)).ToList();
        var lists = new List<(X509Crl, X509Certificate)>();
        foreach (var (name, content) in files)
        {
            X509Crl list;
            try
            {
                list = new X509CrlParser().ReadCrl(Der(content)) ?? throw new InvalidDataException($"{name}: no revocation list");
            }
            catch (Exception e) when (e is IOException or ArgumentException or FormatException or InvalidCastException or GeneralSecurityException or Org.BouncyCastle.Asn1.Asn1Exception)
            {
                throw new InvalidDataException($"{name}: not a revocation list (CRL, DER or PEM): {e.Message}", e);
            }

            var signer = roots.FirstOrDefault(ca => ca.SubjectDN.Equivalent(list.IssuerDN) && Verifies(list, ca))
                ?? throw new RevocationListUntrustedException(name);
            lists.Add((list, signer));
        }

        return new RevocationLists(lists);
    }

    /// <summary>
    /// What the lists of <paramref name="certificate"/>'s own issuer say of it: a list counts only when its CA's key also
    /// signed the certificate (two CAs may share a name). Any list naming it gives its revocation time; otherwise the newest
    /// list's issue time says how far "not revoked" reaches. Null when no list of its issuer was given.
    /// </summary>
    public SignerRevocation? Check(byte[] certificate)
    {
        var leaf = new X509CertificateParser().ReadCertificate(certificate);
        var mine = _lists.Where(l => l.List.IssuerDN.Equivalent(leaf.IssuerDN) && Signed(leaf, l.Ca)).Select(l => l.List).ToList();
        if (mine.Count == 0) return null;
        var named = mine.Select(l => (List: l, Entry: l.GetRevokedCertificate(leaf.SerialNumber))).Where(x => x.Entry is not null)
            .OrderBy(x => x.Entry!.RevocationDate).FirstOrDefault();
        if (named.Entry is { } entry) return new SignerRevocation(Utc(entry.RevocationDate), Utc(named.List.ThisUpdate));
        return new SignerRevocation(null, Utc(mine.Max(l => l.ThisUpdate)));
    }

    private static bool Verifies(X509Crl list, X509Certificate ca)
    {
        try
        {
            list.Verify(ca.GetPublicKey());
            return true;
        }
        catch (Exception e) when (e is GeneralSecurityException or InvalidKeyException or ArgumentException or CryptographicException)
        {
            return false;
        }
    }

    private static bool Signed(X509Certificate leaf, X509Certificate ca)
    {
        try
        {
            leaf.Verify(ca.GetPublicKey());
            return true;
        }
        catch (Exception e) when (e is GeneralSecurityException or InvalidKeyException or ArgumentException or CryptographicException)
        {
            return false;
        }
    }

    private static byte[] Der(byte[] content)
    {
        var text = System.Text.Encoding.ASCII.GetString(content);
        return PemEncoding.TryFind(text, out var fields) && text.AsSpan()[fields.Label].SequenceEqual("X509 CRL")
            ? Convert.FromBase64String(text[fields.Base64Data])
            : content;
    }

    // BouncyCastle gives UTC instants; one marked otherwise is not shifted by the machine's time zone.
    private static DateTimeOffset Utc(DateTime t) => new(t.Kind == DateTimeKind.Local ? t.ToUniversalTime() : DateTime.SpecifyKind(t, DateTimeKind.Utc));
}
