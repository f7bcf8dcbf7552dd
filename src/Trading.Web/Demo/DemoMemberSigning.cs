using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Trading.PublicLog;
using Trading.Web.Features.Evaluation;

namespace Trading.Web.Demo;

/// <summary>
/// A committee member's own signature made as the room's browser makes it (evaluation-sign.mjs): a fresh P-256 key, its
/// PKCS#10 request and the signed statement. For the demo's played history only (and tests): here the key is made in
/// the server's process and dropped at once, which a real member's key never is — in the room it is made, used and
/// kept in the member's browser alone.
/// </summary>
public static class DemoMemberSigning
{
    public static MemberSigning For(RoomView room, string? dissent) => Make(room.Content!.Sha256(), room.Session.Id, room.Pseudonym, dissent);

    public static MemberSigning Make(string contentSha256, Guid session, string seat, string? dissent)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return Make(key, contentSha256, session, seat, dissent);
    }

    /// <summary>The same with a given key (tests sign twice with one key to see the replay refused).</summary>
    public static MemberSigning Make(ECDsa key, string contentSha256, Guid session, string seat, string? dissent)
    {
        var request = new CertificateRequest("CN=evaluation committee member", key, HashAlgorithmName.SHA256).CreateSigningRequestPem();
        var statement = new MemberStatement(contentSha256, session, seat, dissent).ToBytes();
        return new MemberSigning(request, statement, key.SignData(statement, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
    }
}
