using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Trading.PublicLog;

/// <summary>
/// The receipt a bidder gets for a sealed bid (docs/design/CRYPTO.md "Receiving a bid"): what was received, where
/// it sits in the public log, a signed checkpoint that includes it, the inclusion proof, the log
/// certificate chain, and an RFC 3161 token over everything else. Its JSON form is canonical JSON;
/// the token's imprint is SHA-256("trading/receipt/v1\n" || canonical JSON of all fields but
/// <c>timeStampToken</c>).
/// </summary>
public sealed record BidReceipt
{
    /// <summary>Receipt format version of a receipt for a bid logged in the clear (bid.submitted).</summary>
    public const int CurrentVersion = 1;
    /// <summary>Receipt format version for a sealed bid: <see cref="Entry"/> is the sealed.act entry, and
    /// <see cref="SealedEntry"/> with <see cref="Nonce"/> open it (<see cref="SealedActs"/>).</summary>
    public const int SealedVersion = 2;

    /// <summary>Format version.</summary>
    public int Version { get; init; } = CurrentVersion;
    /// <summary>Tender identifier.</summary>
    public required string Tender { get; init; }
    /// <summary>Lot identifier.</summary>
    public required string Lot { get; init; }
    /// <summary>Bidder pseudonym (as logged).</summary>
    public required string Bidder { get; init; }
    /// <summary>SHA-256 of the ciphertext, lower-case hex.</summary>
    public required string CiphertextSha256 { get; init; }
    /// <summary>Ciphertext length in bytes.</summary>
    public required long CiphertextLength { get; init; }
    /// <summary>Server time of receipt (UTC, milliseconds).</summary>
    public required DateTimeOffset ServerTime { get; init; }
    /// <summary>Index of the bid.submitted entry in the log.</summary>
    public required long LogIndex { get; init; }
    /// <summary>The logged entry's canonical JSON text.</summary>
    public required string Entry { get; init; }
    /// <summary>Signed checkpoint note covering the entry.</summary>
    public required string Checkpoint { get; init; }
    /// <summary>Inclusion proof of the entry in the checkpoint's tree (base64 hashes).</summary>
    public required IReadOnlyList<string> InclusionProof { get; init; }
    /// <summary>PEM certificates: the log signing certificate first, then intermediates.</summary>
    public required IReadOnlyList<string> Certificates { get; init; }
    /// <summary>Version 2: the bid.submitted entry the sealed entry commits to (canonical JSON text).</summary>
    public string? SealedEntry { get; init; }
    /// <summary>Version 2: the sealed entry's nonce, 64 lower-case hex digits.</summary>
    public string? Nonce { get; init; }
    /// <summary>
    /// The firm certificate the bid's manifest signature was verified against at submission, or null (a firm without
    /// certificates signs with a per-bid key). Covered by the time-stamp like every other field. Only the firm and
    /// supervisors read a receipt, so naming the certificate here does not tie the tender pseudonym of the public
    /// entry to the firm (the entry itself does not name it).
    /// </summary>
    public ReceiptSigner? Signer { get; init; }
    /// <summary>RFC 3161 token (base64 DER) over <see cref="Imprint"/>; empty until stamped.</summary>
    public string TimeStampToken { get; init; } = "";

    /// <summary>The bytes the time-stamp covers (SHA-256 of the domain prefix and the canonical body).</summary>
    public byte[] Imprint()
    {
        var body = ToJsonObject(includeToken: false);
        return SHA256.HashData([.. "trading/receipt/v1\n"u8, .. CanonicalJson.Serialize(body)]);
    }

    /// <summary>Canonical JSON text of the whole receipt (the downloadable file).</summary>
    public string ToJson() => Encoding.UTF8.GetString(CanonicalJson.Serialize(ToJsonObject(includeToken: true)));

    private JsonObject ToJsonObject(bool includeToken)
    {
        var o = new JsonObject
        {
            ["version"] = Version,
            ["tender"] = Tender,
            ["lot"] = Lot,
            ["bidder"] = Bidder,
            ["ciphertextSha256"] = CiphertextSha256,
            ["ciphertextLength"] = CiphertextLength,
            ["serverTime"] = ServerTime.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture),
            ["logIndex"] = LogIndex,
            ["entry"] = Entry,
            ["checkpoint"] = Checkpoint,
            ["inclusionProof"] = new JsonArray([.. InclusionProof.Select(p => (JsonNode)p)]),
            ["certificates"] = new JsonArray([.. Certificates.Select(p => (JsonNode)p)]),
        };
        if (SealedEntry is not null)
        {
            o["sealedEntry"] = SealedEntry;
            o["nonce"] = Nonce;
        }
        if (Signer is { } signer)
        {
            o["signer"] = new JsonObject
            {
                ["serial"] = signer.Serial,
                ["issuer"] = signer.Issuer,
                ["certificateSha256"] = signer.CertificateSha256,
                ["certificate"] = signer.Certificate,
            };
            // Only for a certificate registered through intermediate CAs: the links to the root, so the chain is built offline.
            if (signer.Intermediates is { Count: > 0 } intermediates)
                o["signer"]!["intermediates"] = new JsonArray([.. intermediates.Select(p => (JsonNode)p)]);
        }
        if (includeToken)
        {
            o["timeStampToken"] = TimeStampToken;
        }
        return o;
    }

    /// <summary>
    /// Builds an unstamped receipt for entry <paramref name="logIndex"/> (which must be a bid.submitted
    /// entry) from the log, a signed checkpoint note, and the log's certificate chain. Stamp it with
    /// <c>receipt with { TimeStampToken = Convert.ToBase64String(tsa.Stamp(receipt.Imprint(), now)) }</c>.
    /// </summary>
    public static async Task<BidReceipt> CreateAsync(MerkleLog log, ILogStore store, long logIndex, string signedCheckpoint, NoteVerifier logKey,
        IReadOnlyList<X509Certificate2> certificates, CancellationToken cancellationToken = default) =>
        await CreateAsync(log, store, logIndex, signedCheckpoint, logKey, certificates, null, cancellationToken);

    /// <summary>
    /// As above; when the entry at <paramref name="logIndex"/> is a sealed.act, <paramref name="opening"/> (the
    /// bid.submitted entry it commits to and its nonce) makes a version 2 receipt the bidder checks without the tender's
    /// reveal.
    /// </summary>
    public static async Task<BidReceipt> CreateAsync(MerkleLog log, ILogStore store, long logIndex, string signedCheckpoint, NoteVerifier logKey,
        IReadOnlyList<X509Certificate2> certificates, SealedActs.Opening? opening, CancellationToken cancellationToken = default)
    {
        var checkpoint = SignedNote.OpenCheckpoint(signedCheckpoint, logKey);
        // What the log holds (the receipt carries it) and, for a sealed bid, the bid.submitted entry it opens to.
        var logged = (await store.GetEntriesAsync(logIndex, 1, cancellationToken))[0];
        var entryBytes = logged;
        var entry = LogEntry.Parse(entryBytes);
        var sealedBid = entry.Type == LogEntryTypes.SealedAct;
        if (sealedBid)
        {
            if (opening is null || opening.Index != logIndex
                || SealedActs.CommitmentOf(entry) is not { } commitment || !SealedActs.Opens(commitment, opening.Nonce, opening.Entry))
            {
                throw new LogFormatException("receipt.malformed", Args.Of(("reason", $"entry {logIndex} is sealed and the opening given does not match it")));
            }
            entryBytes = opening.Entry;
            entry = LogEntry.Parse(entryBytes);
        }
        else
        {
            opening = null;
        }
        if (entry.Type != LogEntryTypes.BidSubmitted)
        {
            throw new LogFormatException("receipt.malformed", Args.Of(("reason", $"entry {logIndex} is {entry.Type}, not {LogEntryTypes.BidSubmitted}")));
        }
        var proof = await log.GetInclusionProofAsync(logIndex, checkpoint.Size, cancellationToken);
        return new BidReceipt
        {
            Tender = entry.Tender ?? "",
            Lot = entry.Data["lot"]!.GetValue<string>(),
            Bidder = entry.Data["bidder"]!.GetValue<string>(),
            CiphertextSha256 = entry.Data["ciphertextSha256"]!.GetValue<string>(),
            CiphertextLength = entry.Data["ciphertextLength"]!.GetValue<long>(),
            ServerTime = entry.Time,
            LogIndex = logIndex,
            Entry = Encoding.UTF8.GetString(logged),
            Version = opening is null ? CurrentVersion : SealedVersion,
            SealedEntry = opening is null ? null : Encoding.UTF8.GetString(opening.Entry),
            Nonce = opening is null ? null : Convert.ToHexStringLower(opening.Nonce),
            Checkpoint = signedCheckpoint,
            InclusionProof = MerkleProof.ToBase64(proof),
            Certificates = [.. certificates.Select(c => c.ExportCertificatePem())],
        };
    }

    /// <summary>Parses a receipt file strictly: every field present with the right type, nothing unknown.</summary>
    public static BidReceipt Parse(string json)
    {
        static LogFormatException Bad(string reason, Exception? inner = null) => new("receipt.malformed", Args.Of(("reason", reason)), inner);
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw Bad(e.Message, e);
        }
        using (doc)
        {
            var r = doc.RootElement;
            if (r.ValueKind != JsonValueKind.Object)
            {
                throw Bad("not a JSON object");
            }
            string[] known = ["version", "tender", "lot", "bidder", "ciphertextSha256", "ciphertextLength", "serverTime", "logIndex", "entry", "checkpoint", "inclusionProof", "certificates", "timeStampToken", "sealedEntry", "nonce", "signer"];
            foreach (var p in r.EnumerateObject())
            {
                if (!known.Contains(p.Name))
                {
                    throw Bad($"unknown field '{p.Name}'");
                }
            }
            JsonElement Get(string name, JsonValueKind kind) =>
                r.TryGetProperty(name, out var v) && v.ValueKind == kind ? v : throw Bad($"field '{name}' missing or not a {kind.ToString().ToLowerInvariant()}");
            long Long(string name) => Get(name, JsonValueKind.Number).TryGetInt64(out long v) ? v : throw Bad($"field '{name}' is not an integer");
            string Str(string name) => Get(name, JsonValueKind.String).GetString()!;
            string[] StrArray(string name) => [.. Get(name, JsonValueKind.Array).EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString()! : throw Bad($"'{name}' must hold strings"))];

            long version = Long("version");
            if (version != CurrentVersion && version != SealedVersion)
            {
                throw new LogFormatException("receipt.version", Args.Of(("version", version)));
            }
            bool hasSealed = r.TryGetProperty("sealedEntry", out _) || r.TryGetProperty("nonce", out _);
            if (hasSealed != (version == SealedVersion))
            {
                throw Bad("sealedEntry and nonce belong to version 2 receipts, and only to them");
            }
            if (!DateTimeOffset.TryParseExact(Str("serverTime"), "yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.AssumeUniversal | System.Globalization.DateTimeStyles.AdjustToUniversal, out var serverTime))
            {
                throw Bad("serverTime must be yyyy-MM-ddTHH:mm:ss.fffZ");
            }
            ReceiptSigner? signer = null;
            if (r.TryGetProperty("signer", out var sg))
            {
                if (sg.ValueKind != JsonValueKind.Object) throw Bad("signer must be an object");
                string[] signerFields = ["serial", "issuer", "certificateSha256", "certificate", "intermediates"];
                foreach (var p in sg.EnumerateObject())
                {
                    if (!signerFields.Contains(p.Name)) throw Bad($"unknown field 'signer.{p.Name}'");
                }
                string S(string name) => sg.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : throw Bad($"field 'signer.{name}' missing or not a string");
                List<string>? intermediates = null;
                if (sg.TryGetProperty("intermediates", out var im))
                {
                    if (im.ValueKind != JsonValueKind.Array || im.GetArrayLength() == 0 || im.EnumerateArray().Any(x => x.ValueKind != JsonValueKind.String))
                        throw Bad("signer.intermediates must be a non-empty array of PEM strings");
                    intermediates = [.. im.EnumerateArray().Select(x => x.GetString()!)];
                }
                signer = new ReceiptSigner(S("serial"), S("issuer"), S("certificateSha256"), S("certificate")) { Intermediates = intermediates };
            }
            return new BidReceipt
            {
                Signer = signer,
                Version = (int)version,
                Tender = Str("tender"),
                Lot = Str("lot"),
                Bidder = Str("bidder"),
                CiphertextSha256 = Str("ciphertextSha256"),
                CiphertextLength = Long("ciphertextLength"),
                ServerTime = serverTime,
                LogIndex = Long("logIndex"),
                Entry = Str("entry"),
                Checkpoint = Str("checkpoint"),
                InclusionProof = StrArray("inclusionProof"),
                Certificates = StrArray("certificates"),
                TimeStampToken = Str("timeStampToken"),
                SealedEntry = hasSealed ? Str("sealedEntry") : null,
                Nonce = hasSealed ? Str("nonce") : null,
            };
        }
    }
}

/// <summary>
/// The firm certificate a bid was signed under, as its receipt names it: serial (lower-case hex), issuer (X.500 name as
/// BouncyCastle writes it), SHA-256 of the DER, and the certificate itself (PEM), so the receipt alone lets anyone the
/// firm shows it to check the chain (<c>trading verify-receipt --firm-ca</c>).
/// </summary>
public sealed record ReceiptSigner(string Serial, string Issuer, string CertificateSha256, string Certificate)
{
    /// <summary>
    /// A certificate registered from a CA the centre trusts through intermediate CAs: those certificates (PEM), the firm's
    /// order; null (and absent from the JSON) for every other certificate. Never trusted on their own: only links.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Intermediates { get; init; }

    /// <summary>The signer entry for a certificate (DER) with the intermediate CA certificates (DER) it was registered with.</summary>
    public static ReceiptSigner Of(byte[] certificate, IReadOnlyList<byte[]> intermediates) =>
        Of(certificate) with { Intermediates = intermediates.Count == 0 ? null : [.. intermediates.Select(i => new string(PemEncoding.Write("CERTIFICATE", i)))] };

    /// <summary>The signer entry for a certificate (DER, P-256 or SM2).</summary>
    public static ReceiptSigner Of(byte[] certificate)
    {
        var c = new Org.BouncyCastle.X509.X509CertificateParser().ReadCertificate(certificate);
        return new(Convert.ToHexStringLower(c.SerialNumber.ToByteArrayUnsigned()), c.IssuerDN.ToString(), Convert.ToHexStringLower(SHA256.HashData(certificate)),
            new string(PemEncoding.Write("CERTIFICATE", certificate)));
    }
}

/// <summary>What a verified receipt proves.</summary>
/// <param name="Receipt">The receipt.</param>
/// <param name="Checkpoint">The signed checkpoint that includes the bid.</param>
/// <param name="TimeStamp">The RFC 3161 time-stamp over the receipt.</param>
/// <param name="LogSigner">Subject of the log signing certificate.</param>
public sealed record ReceiptVerification(BidReceipt Receipt, Checkpoint Checkpoint, TimeStampInfo TimeStamp, string LogSigner);

/// <summary>Offline receipt verification against the centre's root certificate only.</summary>
public static class BidReceiptVerifier
{
    /// <summary>How far before the receipt's server time a time-stamp may be (clock skew between servers).</summary>
    public static readonly TimeSpan AllowedSkew = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Verifies every claim in the receipt: the entry matches the receipt's fields, the log certificate
    /// chains to <paramref name="root"/>, the checkpoint is signed by it, the entry is in the checkpoint's
    /// tree, and the time-stamp covers the receipt. Throws a <see cref="PublicLogException"/> naming the first failure.
    /// <paramref name="tsaRoot"/> is the external TSA's root when the centre uses one (default: <paramref name="root"/>).
    /// </summary>
    /// <remarks>
    /// A receipt that names its signer certificate is checked for that certificate's consistency (its SHA-256, serial and
    /// issuer); with <paramref name="firmCas"/> (the centre's firm CA certificates, P-256 and SM2, DER) the certificate
    /// must also chain to one of them at the receipt's server time, and a receipt without a signer is refused.
    /// </remarks>
    public static ReceiptVerification Verify(string receiptJson, X509Certificate2 root, X509Certificate2? tsaRoot = null, IReadOnlyList<byte[]>? firmCas = null)
    {
        var receipt = BidReceipt.Parse(receiptJson);
        CheckSigner(receipt, firmCas);

        var entryBytes = Encoding.UTF8.GetBytes(receipt.Entry);
        var entry = LogEntry.Parse(entryBytes);
        void Same(string field, bool equal)
        {
            if (!equal)
            {
                throw new LogVerificationException("receipt.field-mismatch", Args.Of(("field", field)));
            }
        }
        if (receipt.Version == BidReceipt.SealedVersion)
        {
            // The logged entry is the sealed commitment; the receipt's own opening must give it, and the fields below
            // are then compared with the bid.submitted entry it opens.
            Same("type", entry.Type == LogEntryTypes.SealedAct && entry.Tender is null);
            var nonce = receipt.Nonce is { Length: 2 * SealedActs.NonceLength } n && n.All(char.IsAsciiHexDigitLower) ? Convert.FromHexString(n) : null;
            Same("nonce", nonce is not null);
            var inner = Encoding.UTF8.GetBytes(receipt.SealedEntry!);
            Same("sealedEntry", SealedActs.CommitmentOf(entry) is { } c && SealedActs.Opens(c, nonce!, inner));
            entry = LogEntry.Parse(inner);
        }
        string? DataString(string key) => entry.Data[key] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
        Same("type", entry.Type == LogEntryTypes.BidSubmitted && entry.SchemaVersion == 1);
        Same("tender", entry.Tender == receipt.Tender);
        Same("lot", DataString("lot") == receipt.Lot);
        Same("bidder", DataString("bidder") == receipt.Bidder);
        Same("ciphertextSha256", DataString("ciphertextSha256") == receipt.CiphertextSha256);
        Same("ciphertextLength", entry.Data["ciphertextLength"] is JsonValue len && len.TryGetValue<long>(out long l) && l == receipt.CiphertextLength);
        Same("serverTime", entry.Time == receipt.ServerTime);

        if (receipt.Certificates.Count == 0)
        {
            throw new LogFormatException("receipt.malformed", Args.Of(("reason", "no log certificate")));
        }
        var certs = new List<X509Certificate2>();
        try
        {
            foreach (var pem in receipt.Certificates)
            {
                try
                {
                    certs.Add(X509Certificate2.CreateFromPem(pem));
                }
                catch (CryptographicException e)
                {
                    throw new LogFormatException("receipt.malformed", Args.Of(("reason", "bad certificate: " + e.Message)), e);
                }
            }
            var (text, _) = SignedNote.Split(receipt.Checkpoint);
            var claimed = global::Trading.PublicLog.Checkpoint.ParseNoteText(text);
            CentreTrust.RequireChain(certs[0], root, certs.Skip(1), claimed.Time);
            var checkpoint = SignedNote.OpenCheckpoint(receipt.Checkpoint, NoteVerifier.FromCertificate(claimed.Origin, certs[0]));

            if (receipt.LogIndex < 0 || receipt.LogIndex >= checkpoint.Size)
            {
                throw new LogRangeException("proof.index-beyond-tree", Args.Of(("index", receipt.LogIndex), ("size", checkpoint.Size)));
            }
            MerkleProof.VerifyInclusion(receipt.LogIndex, checkpoint.Size, MerkleHash.Leaf(entryBytes), MerkleProof.FromBase64(receipt.InclusionProof), checkpoint.Root);

            var token = StrictBase64.Decode(receipt.TimeStampToken, "timeStampToken");
            var stamp = TimeStampVerifier.Verify(token, receipt.Imprint(), tsaRoot ?? root);
            Same("serverTime", stamp.Time >= receipt.ServerTime - AllowedSkew);
            return new ReceiptVerification(receipt, checkpoint, stamp, certs[0].Subject);
        }
        finally
        {
            certs.ForEach(c => c.Dispose());
        }
    }

    private static void CheckSigner(BidReceipt receipt, IReadOnlyList<byte[]>? firmCas)
    {
        if (receipt.Signer is not { } signer)
        {
            if (firmCas is not null) throw new LogVerificationException("receipt.signer-missing", Args.Of());
            return;
        }
        byte[] der;
        ReceiptSigner named;
        try
        {
            var fields = PemEncoding.Find(signer.Certificate);
            der = Convert.FromBase64String(signer.Certificate[fields.Base64Data]);
            named = ReceiptSigner.Of(der);
        }
        catch (Exception e) when (e is ArgumentException or IOException or Org.BouncyCastle.Security.GeneralSecurityException or InvalidCastException)
        {
            throw new LogFormatException("receipt.malformed", Args.Of(("reason", "signer.certificate is not a PEM certificate")), e);
        }
        if (named.CertificateSha256 != signer.CertificateSha256 || named.Serial != signer.Serial || named.Issuer != signer.Issuer)
            throw new LogVerificationException("receipt.field-mismatch", Args.Of(("field", "signer")));
        if (firmCas is null) return;
        List<byte[]> links = [];
        try
        {
            foreach (var pem in signer.Intermediates ?? [])
                links.Add(Convert.FromBase64String(pem[PemEncoding.Find(pem).Base64Data]));
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            throw new LogFormatException("receipt.malformed", Args.Of(("reason", "signer.intermediates holds something other than PEM certificates")), e);
        }
        var chains = FirmCertificateAuthority.ChainsToAny(der, firmCas, receipt.ServerTime, links);
        if (!chains) throw new LogVerificationException("receipt.signer-untrusted", Args.Of(("serial", signer.Serial)));
    }
}
