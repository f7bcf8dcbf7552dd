using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Trading.PublicLog;

/// <summary>
/// What an evaluation committee member signs with their own key (the member signature of the evaluation report): the
/// report content's SHA-256, the session, the seat's pseudonym and the member's dissent text (null when they agree).
/// Its bytes are the canonical JSON of those fields with <c>kind</c> and <c>v</c> (<see cref="CanonicalJson"/>), so the
/// browser (JSON.stringify with the keys in this order) and C# write the same bytes.
/// </summary>
public sealed record MemberStatement(string Content, Guid Session, string Seat, string? Dissent)
{
    public const string Kind = "evaluation.report.member-signature";

    /// <summary>The most a statement may weigh: the dissent text is at most 2000 characters.</summary>
    public const int MaxBytes = 16 * 1024;

    public byte[] ToBytes() => CanonicalJson.Serialize(new JsonObject
    {
        ["content"] = Content, ["dissent"] = Dissent, ["kind"] = Kind, ["seat"] = Seat, ["session"] = Session.ToString("D"), ["v"] = 1,
    });

    /// <summary>The statement in <paramref name="bytes"/>, or null unless they are exactly a statement's canonical bytes.</summary>
    public static MemberStatement? Parse(byte[]? bytes)
    {
        if (bytes is not { Length: > 0 and <= MaxBytes }) return null;
        try
        {
            using var doc = JsonDocument.Parse(bytes);
            var r = doc.RootElement;
            if (r.ValueKind != JsonValueKind.Object || r.EnumerateObject().Count() != 6) return null;
            if (!r.TryGetProperty("kind", out var kind) || kind.ValueKind != JsonValueKind.String || kind.GetString() != Kind) return null;
            if (!r.TryGetProperty("v", out var v) || v.ValueKind != JsonValueKind.Number || v.GetRawText() != "1") return null;
            if (!r.TryGetProperty("content", out var content) || content.ValueKind != JsonValueKind.String) return null;
            if (!r.TryGetProperty("seat", out var seat) || seat.ValueKind != JsonValueKind.String) return null;
            if (!r.TryGetProperty("session", out var session) || session.ValueKind != JsonValueKind.String || !Guid.TryParseExact(session.GetString(), "D", out var id)) return null;
            if (!r.TryGetProperty("dissent", out var dissent) || dissent.ValueKind is not (JsonValueKind.String or JsonValueKind.Null)) return null;
            var statement = new MemberStatement(content.GetString()!, id, seat.GetString()!, dissent.ValueKind == JsonValueKind.Null ? null : dissent.GetString());
            // One statement, one byte form: anything else (spacing, escapes, key order) is not what the rule writes.
            return statement.ToBytes().AsSpan().SequenceEqual(bytes) ? statement : null;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or PublicLogException)
        {
            return null;
        }
    }
}

/// <summary>One seat's member signature as the report PDF attaches it (<see cref="MemberSignatures.Attachment"/>).</summary>
public sealed record MemberSignatureRecord(int Seat, string Pseudonym, byte[] Statement, byte[] Signature, byte[] Certificate, long LogIndex);

/// <summary>
/// The rule for committee members' signatures of the evaluation report, one place for the server that accepts them and
/// for <c>trading verify-pdf</c> that checks them in the PDF: the member certificate's subject (seat pseudonym and
/// session, never a name), the signature algorithm (ECDSA P-256 with SHA-256, r || s, or SM2 with SM3 and the default
/// user id, r || s), and the attachments' names and format.
/// </summary>
public static class MemberSignatures
{
    /// <summary>The report content's JSON, whose SHA-256 every statement names.</summary>
    public const string ContentAttachment = "report-content.json";

    /// <summary>The members' statements, signatures and certificates.</summary>
    public const string Attachment = "member-signatures.json";

    /// <summary>How long a member certificate is valid: it certifies one signature, made at once.</summary>
    public static readonly TimeSpan Validity = TimeSpan.FromMinutes(10);

    /// <summary>The certificate's organizationalUnitName: the session (55 characters, within RFC 5280's 64).</summary>
    public static string SessionUnit(Guid session) => $"evaluation session {session:D}";

    /// <summary>The certificate's commonName: the seat's pseudonym itself (64 hex characters, RFC 5280's limit), never a name.</summary>
    public static string SeatName(string seat) => seat;

    /// <summary>The certificate's title (2.5.4.12): what the holder is.</summary>
    public const string Title = "evaluation committee member";

    /// <summary>Whether <paramref name="signature"/> (r || s) is the key's over <paramref name="statement"/>; false for anything malformed.</summary>
    public static bool Verify(byte[] subjectPublicKeyInfo, byte[] statement, byte[] signature) =>
        Trading.Crypto.Sm2Signatures.IsSm2Key(subjectPublicKeyInfo)
            ? Trading.Crypto.Sm2Signatures.Verify(subjectPublicKeyInfo, statement, signature)
            : Trading.Crypto.P256Signatures.Verify(subjectPublicKeyInfo, statement, signature);

    /// <summary>The certificate's key (SPKI DER) and subject (OU, CN); null when it is no certificate.</summary>
    public static (byte[] Key, string? Unit, string? Name, DateTimeOffset NotBefore)? Read(byte[] certificate)
    {
        try
        {
            var c = new Org.BouncyCastle.X509.X509CertificateParser().ReadCertificate(certificate);
            if (c is null) return null;
            string? First(Org.BouncyCastle.Asn1.DerObjectIdentifier oid) => c.SubjectDN.GetValueList(oid).FirstOrDefault();
            return (c.CertificateStructure.SubjectPublicKeyInfo.GetEncoded(), First(Org.BouncyCastle.Asn1.X509.X509Name.OU), First(Org.BouncyCastle.Asn1.X509.X509Name.CN),
                new DateTimeOffset(DateTime.SpecifyKind(c.NotBefore.ToUniversalTime(), DateTimeKind.Utc)));
        }
        catch (Exception e) when (e is ArgumentException or IOException or InvalidCastException or Org.BouncyCastle.Security.Certificates.CertificateException
                                      or Org.BouncyCastle.Asn1.Asn1Exception or FormatException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>The attachment's bytes for the members' records, in seat order.</summary>
    public static byte[] Write(string contentSha256, IEnumerable<MemberSignatureRecord> members) => CanonicalJson.Serialize(new JsonObject
    {
        ["content"] = contentSha256,
        ["members"] = new JsonArray(members.OrderBy(m => m.Seat).Select(m => (JsonNode)new JsonObject
        {
            ["certificate"] = Convert.ToBase64String(m.Certificate), ["logIndex"] = m.LogIndex, ["pseudonym"] = m.Pseudonym, ["seat"] = m.Seat,
            ["signature"] = Convert.ToBase64String(m.Signature), ["statement"] = Convert.ToBase64String(m.Statement),
        }).ToArray()),
        ["v"] = 1,
    });

    /// <summary>
    /// Checks the members' signatures a report PDF attaches against its attached content: every seat of the content has
    /// one record; each statement is canonical and names the content's SHA-256, its seat's pseudonym and the session its
    /// certificate names; each signature verifies with its certificate's key; each certificate is the seat's and chains
    /// to one of <paramref name="cas"/> (DER, P-256 or SM2) at its own start (it certified one signing, then). Returns the
    /// valid seats and the failures, each a <see cref="LogMessages"/> code with its seat; an attachment missing or
    /// unreadable is a failure of seat 0.
    /// </summary>
    public static (IReadOnlyList<(int Seat, string Pseudonym)> Valid, IReadOnlyList<(int Seat, string Code)> Failures) Check(byte[]? content, byte[]? members, IReadOnlyList<byte[]> cas)
    {
        var valid = new List<(int, string)>();
        var failures = new List<(int, string)>();
        if (content is null) return (valid, [(0, "member.no-content")]);
        if (members is null) return (valid, [(0, "member.no-signatures")]);
        var hash = Convert.ToHexStringLower(SHA256.HashData(content));
        List<(int Number, string Pseudonym)> seats;
        List<MemberSignatureRecord> records;
        try
        {
            using var c = JsonDocument.Parse(content);
            seats = c.RootElement.GetProperty("seats").EnumerateArray().Select(s => (s.GetProperty("number").GetInt32(), s.GetProperty("pseudonym").GetString()!)).ToList();
            using var m = JsonDocument.Parse(members);
            records = m.RootElement.GetProperty("members").EnumerateArray().Select(x => new MemberSignatureRecord(x.GetProperty("seat").GetInt32(), x.GetProperty("pseudonym").GetString()!,
                Convert.FromBase64String(x.GetProperty("statement").GetString()!), Convert.FromBase64String(x.GetProperty("signature").GetString()!),
                Convert.FromBase64String(x.GetProperty("certificate").GetString()!), x.GetProperty("logIndex").GetInt64())).ToList();
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException or FormatException)
        {
            return (valid, [(0, "member.malformed")]);
        }
        foreach (var (seat, pseudonym) in seats)
        {
            var r = records.FirstOrDefault(x => x.Seat == seat);
            var code = r is null ? "member.missing" : CheckOne(r, pseudonym, hash, cas);
            if (code is null) valid.Add((seat, pseudonym));
            else failures.Add((seat, code));
        }
        failures.AddRange(records.Where(r => seats.All(s => s.Number != r.Seat)).Select(r => (r.Seat, "member.unknown-seat")));
        return (valid, failures);
    }

    private static string? CheckOne(MemberSignatureRecord r, string pseudonym, string contentSha256, IReadOnlyList<byte[]> cas)
    {
        if (MemberStatement.Parse(r.Statement) is not { } statement) return "member.statement-malformed";
        if (Read(r.Certificate) is not { } cert) return "member.certificate-malformed";
        if (!Verify(cert.Key, r.Statement, r.Signature)) return "member.signature-invalid";
        if (statement.Content != contentSha256) return "member.content-mismatch";
        if (statement.Seat != pseudonym || r.Pseudonym != pseudonym) return "member.seat-mismatch";
        if (cert.Name != SeatName(pseudonym) || cert.Unit != SessionUnit(statement.Session)) return "member.certificate-subject";
        // The certificate certified one signing at its start; the chain is checked then, as a time-stamped signature would be.
        if (!FirmCertificateAuthority.ChainsToAny(r.Certificate, cas, cert.NotBefore.AddMinutes(1))) return "member.untrusted";
        return null;
    }

    /// <summary>The public key (SPKI DER) of a P-256 certificate request (.NET) or an SM2 one (BouncyCastle); null when neither verifies.</summary>
    public static byte[]? RequestKey(string? pem) =>
        string.IsNullOrEmpty(pem) ? null : Sm2CertificateAuthority.ReadRequest(pem) ?? FirmCertificateAuthority.ReadRequest(pem)?.ExportSubjectPublicKeyInfo();
}
