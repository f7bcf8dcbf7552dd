using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Trading.Crypto;

namespace Trading.PublicLog.Tests;

/// <summary>
/// The evaluation report's member signatures (MemberSignatures): the statement's one byte form, a one-signing
/// certificate for a P-256 and an SM2 key, and the check verify-pdf runs, which names each seat's failure.
/// </summary>
public class MemberSignaturesTests
{
    private static readonly Guid Session = Guid.Parse("0b7f3c1e-2d4a-4e5f-9a8b-1c2d3e4f5a6b");
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_statement_has_one_byte_form_and_anything_else_is_not_a_statement()
    {
        var s = new MemberStatement(new string('a', 64), Session, "seat-x", "不同意见\n第二行");
        var bytes = s.ToBytes();
        Assert.Equal("{\"content\":\"" + new string('a', 64) + "\",\"dissent\":\"不同意见\\n第二行\",\"kind\":\"evaluation.report.member-signature\",\"seat\":\"seat-x\",\"session\":\""
            + Session.ToString("D") + "\",\"v\":1}", Encoding.UTF8.GetString(bytes));
        Assert.Equal(s, MemberStatement.Parse(bytes));
        Assert.Null(MemberStatement.Parse(Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(bytes).Replace(",", ", ", StringComparison.Ordinal))));
        Assert.Null(MemberStatement.Parse(Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(bytes).Replace("\"v\":1", "\"v\":2", StringComparison.Ordinal))));
        Assert.Null(MemberStatement.Parse([]));
        Assert.Null(MemberStatement.Parse("not json"u8.ToArray()));
        Assert.Equal("{\"content\":\"c\",\"dissent\":null,\"kind\":\"evaluation.report.member-signature\",\"seat\":\"s\",\"session\":\"" + Session.ToString("D") + "\",\"v\":1}",
            Encoding.UTF8.GetString(new MemberStatement("c", Session, "s", null).ToBytes()));
    }

    [Fact]
    public void Member_certificates_for_p256_and_sm2_keys_verify_and_each_seats_failure_is_named()
    {
        using var p256Ca = FirmCertificateAuthority.Create("Test Centre", Now.AddDays(-1));
        var sm2Ca = Sm2CertificateAuthority.Create("Test Centre", Now.AddDays(-1));
        // Pseudonyms as the platform makes them: 64 hex characters, RFC 5280's most for a common name.
        var seats = new[] { new string('a', 64), new string('b', 64), new string('c', 64) };
        var content = Encoding.UTF8.GetBytes(new JsonObject
        {
            ["seats"] = new JsonArray(seats.Select((p, i) => (JsonNode)new JsonObject { ["number"] = i + 1, ["pseudonym"] = p, ["chair"] = i == 0 }).ToArray()),
        }.ToJsonString());
        var hash = Convert.ToHexStringLower(SHA256.HashData(content));
        MemberSignatureRecord P256(int seat)
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var statement = new MemberStatement(hash, Session, seats[seat - 1], null).ToBytes();
            using var cert = p256Ca.IssueMember(PublicKey.CreateFromSubjectPublicKeyInfo(key.ExportSubjectPublicKeyInfo(), out _), seats[seat - 1], Session,
                FirmCertificateAuthority.NewSerial(), Now, Now.AddMinutes(10));
            Assert.Contains("CN=" + seats[seat - 1], cert.Subject, StringComparison.Ordinal);
            Assert.Contains("OU=evaluation session " + Session.ToString("D"), cert.Subject, StringComparison.Ordinal);
            return new MemberSignatureRecord(seat, seats[seat - 1], statement,
                key.SignData(statement, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation), cert.RawData, seat);
        }
        MemberSignatureRecord Sm2(int seat)
        {
            var key = Sm2SigningKey.Create();
            var spki = Sm2CertificateAuthority.ReadRequest(new string(PemEncoding.Write("CERTIFICATE REQUEST", key.CreateCertificationRequest("member"))))!;
            var statement = new MemberStatement(hash, Session, seats[seat - 1], "保留意见。").ToBytes();
            var pem = key.ExportPkcs8Pem();
            var priv = Org.BouncyCastle.Security.PrivateKeyFactory.CreateKey(Convert.FromBase64String(pem[PemEncoding.Find(pem).Base64Data]));
            var signer = new Org.BouncyCastle.Crypto.Signers.SM2Signer(Org.BouncyCastle.Crypto.Signers.PlainDsaEncoding.Instance);
            signer.Init(true, new Org.BouncyCastle.Crypto.Parameters.ParametersWithRandom(priv, new Org.BouncyCastle.Security.SecureRandom()));
            signer.BlockUpdate(statement, 0, statement.Length);
            var signature = signer.GenerateSignature();
            Assert.True(Sm2Signatures.Verify(spki, statement, signature));
            return new MemberSignatureRecord(seat, seats[seat - 1], statement, signature,
                sm2Ca.IssueMember(spki, seats[seat - 1], Session, FirmCertificateAuthority.NewSerial(), Now, Now.AddMinutes(10)), seat);
        }
        var records = new[] { P256(1), Sm2(2), P256(3) };
        byte[][] cas = [p256Ca.Ca.RawData, sm2Ca.Ca.GetEncoded()];
        var (valid, failures) = MemberSignatures.Check(content, MemberSignatures.Write(hash, records), cas);
        Assert.Empty(failures);
        Assert.Equal([1, 2, 3], valid.Select(v => v.Seat).ToArray());

        // Without the SM2 CA seat 2 chains to nothing; one changed byte of seat 1's signature and of seat 3's statement.
        Assert.Equal([(2, "member.untrusted")], MemberSignatures.Check(content, MemberSignatures.Write(hash, records), [p256Ca.Ca.RawData]).Failures);
        var signature = records[0].Signature.ToArray();
        signature[5] ^= 1;
        var statement = records[2].Statement.ToArray();
        statement[12] = (byte)(statement[12] == (byte)'a' ? 'b' : 'a');
        var changed = MemberSignatures.Check(content, MemberSignatures.Write(hash, [records[0] with { Signature = signature }, records[1], records[2] with { Statement = statement }]), cas);
        Assert.Equal([(1, "member.signature-invalid"), (3, "member.signature-invalid")], changed.Failures);
        // Another content than the one signed; a seat without a record; no attachments at all.
        var other = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(content).Replace(new string('c', 64), new string('d', 64), StringComparison.Ordinal));
        Assert.Contains((1, "member.content-mismatch"), MemberSignatures.Check(other, MemberSignatures.Write(hash, records), cas).Failures);
        Assert.Equal([(3, "member.missing")], MemberSignatures.Check(content, MemberSignatures.Write(hash, records.Take(2)), cas).Failures);
        Assert.Equal([(0, "member.no-signatures")], MemberSignatures.Check(content, null, cas).Failures);
        // Another CA's certificate for the same seat is not trusted.
        using var foreign = FirmCertificateAuthority.Create("Elsewhere", Now.AddDays(-1));
        Assert.Equal([(1, "member.untrusted"), (3, "member.untrusted")], MemberSignatures.Check(content, MemberSignatures.Write(hash, records), [foreign.Ca.RawData, sm2Ca.Ca.GetEncoded()]).Failures);
    }
}
