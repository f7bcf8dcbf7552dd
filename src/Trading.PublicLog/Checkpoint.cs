using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Trading.PublicLog;

/// <summary>
/// A log state: origin (the log's name), size, RFC 9162 root and the time the centre signed it.
/// Text form follows C2SP tlog-checkpoint: <c>origin\nsize\nbase64(root)\ntime RFC3339\n</c>, the
/// time being an extension line.
/// </summary>
public sealed record Checkpoint(string Origin, long Size, byte[] Root, DateTimeOffset Time)
{
    private const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss'Z'";

    /// <summary>The note text that is signed.</summary>
    public string ToNoteText()
    {
        if (string.IsNullOrWhiteSpace(Origin) || Origin.Any(c => char.IsControl(c)) || Origin.Contains(' ', StringComparison.Ordinal))
        {
            throw new LogFormatException("checkpoint.malformed", Args.Of(("reason", "origin must be a non-empty name without spaces")));
        }
        if (Size < 0 || Root.Length != MerkleHash.Size)
        {
            throw new LogFormatException("checkpoint.malformed", Args.Of(("reason", "negative size or root not 32 bytes")));
        }
        return $"{Origin}\n{Size.ToString(CultureInfo.InvariantCulture)}\n{Convert.ToBase64String(Root)}\ntime {Time.ToUniversalTime().ToString(TimeFormat, CultureInfo.InvariantCulture)}\n";
    }

    /// <summary>Parses note text exactly as <see cref="ToNoteText"/> writes it; anything else is refused.</summary>
    public static Checkpoint ParseNoteText(string text)
    {
        static LogFormatException Bad(string reason) => new("checkpoint.malformed", Args.Of(("reason", reason)));
        if (!text.EndsWith('\n'))
        {
            throw Bad("text must end in a newline");
        }
        var lines = text[..^1].Split('\n');
        if (lines.Length != 4)
        {
            throw Bad($"expected 4 lines (origin, size, root, time), found {lines.Length}");
        }
        if (lines[0].Length == 0 || lines[0].Contains(' ', StringComparison.Ordinal))
        {
            throw Bad("origin must be a non-empty name without spaces");
        }
        if (lines[1].Length == 0 || lines[1].Length > 19 || !lines[1].All(char.IsAsciiDigit) || (lines[1].Length > 1 && lines[1][0] == '0')
            || !long.TryParse(lines[1], NumberStyles.None, CultureInfo.InvariantCulture, out long size))
        {
            throw Bad("size must be a decimal number without leading zeros");
        }
        var root = StrictBase64.DecodeHash(lines[2], "root");
        if (!lines[3].StartsWith("time ", StringComparison.Ordinal)
            || !DateTimeOffset.TryParseExact(lines[3][5..], TimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time))
        {
            throw Bad("fourth line must be 'time yyyy-MM-ddTHH:mm:ssZ'");
        }
        return new Checkpoint(lines[0], size, root, time);
    }

    /// <inheritdoc />
    public bool Equals(Checkpoint? other) =>
        other is not null && Origin == other.Origin && Size == other.Size && Root.AsSpan().SequenceEqual(other.Root) && Time == other.Time;

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Origin, Size, Time);
}

/// <summary>A named ECDSA P-256 key that signs notes (the centre's log key, or a witness's key).</summary>
public sealed class NoteSigner
{
    private readonly ECDsa _key;

    /// <summary>Wraps a P-256 private key under a key name such as <c>trading.example/log</c>.</summary>
    public NoteSigner(string name, ECDsa key)
    {
        NoteKey.CheckName(name);
        NoteKey.CheckCurve(key);
        Name = name;
        _key = key;
        Verifier = new NoteVerifier(name, key.ExportSubjectPublicKeyInfo());
    }

    /// <summary>Key name as it appears in signature lines.</summary>
    public string Name { get; }

    /// <summary>The matching public verifier.</summary>
    public NoteVerifier Verifier { get; }

    /// <summary>Signs the note text: returns the text with a blank line and this key's signature line.</summary>
    public string Sign(string text) => text + "\n" + SignatureLine(text);

    internal string SignatureLine(string text)
    {
        var sig = _key.SignData(Encoding.UTF8.GetBytes(text), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        var payload = new byte[4 + sig.Length];
        BinaryPrimitives.WriteUInt32BigEndian(payload, Verifier.KeyId);
        sig.CopyTo(payload, 4);
        return $"— {Name} {Convert.ToBase64String(payload)}\n";
    }

    internal string CosignatureLine(string text, DateTimeOffset time)
    {
        ulong t = (ulong)time.ToUnixTimeSeconds();
        var sig = _key.SignData(NoteKey.CosignedMessage(text, t), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        var payload = new byte[12 + sig.Length];
        BinaryPrimitives.WriteUInt32BigEndian(payload, Verifier.CosignatureKeyId);
        BinaryPrimitives.WriteUInt64BigEndian(payload.AsSpan(4), t);
        sig.CopyTo(payload, 12);
        return $"— {Name} {Convert.ToBase64String(payload)}\n";
    }
}

/// <summary>
/// A named ECDSA P-256 public key that verifies notes. Key IDs follow C2SP signed-note: for plain
/// signatures (type 0x02) the first 4 bytes of SHA-256 of the DER SubjectPublicKeyInfo; for witness
/// cosignatures SHA-256(name || 0x0A || 0xFF || "trading/ecdsa-cosignature/v1" || SPKI)[:4], an
/// unregistered type (0xFF) because C2SP only defines Ed25519 cosignatures.
/// </summary>
public sealed class NoteVerifier
{
    private readonly byte[] _spki;

    /// <summary>Creates a verifier from a key name and DER SubjectPublicKeyInfo.</summary>
    public NoteVerifier(string name, ReadOnlySpan<byte> subjectPublicKeyInfo)
    {
        NoteKey.CheckName(name);
        Name = name;
        _spki = subjectPublicKeyInfo.ToArray();
        try
        {
            using var key = ECDsa.Create();
            key.ImportSubjectPublicKeyInfo(_spki, out _);
            NoteKey.CheckCurve(key);
        }
        catch (CryptographicException e)
        {
            throw new LogFormatException("key.invalid", Args.Of(("kind", "ECDSA P-256 public key"), ("reason", e.Message)), e);
        }
        KeyId = BinaryPrimitives.ReadUInt32BigEndian(SHA256.HashData(_spki));
        var cosignInput = new List<byte>();
        cosignInput.AddRange(Encoding.UTF8.GetBytes(name));
        cosignInput.Add(0x0A);
        cosignInput.Add(0xFF);
        cosignInput.AddRange("trading/ecdsa-cosignature/v1"u8.ToArray());
        cosignInput.AddRange(_spki);
        CosignatureKeyId = BinaryPrimitives.ReadUInt32BigEndian(SHA256.HashData([.. cosignInput]));
    }

    /// <summary>Creates a verifier from a certificate's public key.</summary>
    public static NoteVerifier FromCertificate(string name, X509Certificate2 certificate)
    {
        using var key = certificate.GetECDsaPublicKey()
            ?? throw new LogFormatException("key.invalid", Args.Of(("kind", "ECDSA P-256 public key"), ("reason", "certificate has no ECDSA key")));
        return new NoteVerifier(name, key.ExportSubjectPublicKeyInfo());
    }

    /// <summary>Key name.</summary>
    public string Name { get; }

    /// <summary>Key ID for plain note signatures.</summary>
    public uint KeyId { get; }

    /// <summary>Key ID for witness cosignatures.</summary>
    public uint CosignatureKeyId { get; }

    /// <summary>DER SubjectPublicKeyInfo.</summary>
    public ReadOnlySpan<byte> SubjectPublicKeyInfo => _spki;

    internal bool Verify(byte[] message, ReadOnlySpan<byte> signature)
    {
        using var key = ECDsa.Create();
        key.ImportSubjectPublicKeyInfo(_spki, out _);
        try
        {
            return key.VerifyData(message, signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }
}

/// <summary>Parsing and checking of signed notes (C2SP signed-note) carrying checkpoints.</summary>
public static class SignedNote
{
    /// <summary>Signs a checkpoint with the log key: the whole signed note text.</summary>
    public static string SignCheckpoint(Checkpoint checkpoint, NoteSigner logKey) => logKey.Sign(checkpoint.ToNoteText());

    /// <summary>
    /// Verifies the log key's signature on a signed checkpoint note and returns the checkpoint.
    /// Signatures from other keys are ignored (as C2SP requires); an <paramref name="expectedOrigin"/>
    /// other than the note's is refused.
    /// </summary>
    public static Checkpoint OpenCheckpoint(string note, NoteVerifier logKey, string? expectedOrigin = null)
    {
        var (text, signatures) = Split(note);
        var checkpoint = Checkpoint.ParseNoteText(text);
        if (expectedOrigin is not null && checkpoint.Origin != expectedOrigin)
        {
            throw new LogVerificationException("checkpoint.origin-mismatch", Args.Of(("expected", expectedOrigin), ("actual", checkpoint.Origin)));
        }
        var message = Encoding.UTF8.GetBytes(text);
        bool found = false;
        foreach (var (name, payload) in signatures)
        {
            if (name != logKey.Name || payload.Length < 4 || BinaryPrimitives.ReadUInt32BigEndian(payload) != logKey.KeyId)
            {
                continue;
            }
            found = true;
            if (!logKey.Verify(message, payload.AsSpan(4)))
            {
                throw new LogVerificationException("checkpoint.bad-signature", Args.Of(("key", logKey.Name)));
            }
        }
        if (!found)
        {
            throw new LogVerificationException("checkpoint.no-trusted-signature", Args.Of(("key", logKey.Name)));
        }
        return checkpoint;
    }

    /// <summary>Adds a witness cosignature line to a signed note.</summary>
    public static string AddCosignature(string note, NoteSigner witness, DateTimeOffset time)
    {
        var (text, _) = Split(note);
        return note + witness.CosignatureLine(text, time);
    }

    /// <summary>Verifies the witness's cosignature on a note and returns the time the witness cosigned.</summary>
    public static DateTimeOffset VerifyCosignature(string note, NoteVerifier witness)
    {
        var (text, signatures) = Split(note);
        foreach (var (name, payload) in signatures)
        {
            if (name != witness.Name || payload.Length < 12 || BinaryPrimitives.ReadUInt32BigEndian(payload) != witness.CosignatureKeyId)
            {
                continue;
            }
            ulong t = BinaryPrimitives.ReadUInt64BigEndian(payload.AsSpan(4));
            if (t > long.MaxValue / 2 || !witness.Verify(NoteKey.CosignedMessage(text, t), payload.AsSpan(12)))
            {
                throw new LogVerificationException("checkpoint.bad-signature", Args.Of(("key", witness.Name)));
            }
            return DateTimeOffset.FromUnixTimeSeconds((long)t);
        }
        throw new LogVerificationException("checkpoint.no-trusted-signature", Args.Of(("key", witness.Name)));
    }

    /// <summary>Splits a signed note into its text and its (key name, decoded signature) lines.</summary>
    public static (string Text, IReadOnlyList<(string Name, byte[] Payload)> Signatures) Split(string note)
    {
        static LogFormatException Bad(string reason) => new("checkpoint.malformed", Args.Of(("reason", reason)));
        if (note.Any(c => c < 0x20 && c != '\n'))
        {
            throw Bad("control characters other than newline");
        }
        int split = note.LastIndexOf("\n\n", StringComparison.Ordinal);
        if (split < 0 || !note.EndsWith('\n'))
        {
            throw Bad("no blank line before the signatures, or missing final newline");
        }
        string text = note[..(split + 1)];
        var lines = note[(split + 2)..^1].Split('\n');
        var signatures = new List<(string, byte[])>();
        foreach (var line in lines)
        {
            if (!line.StartsWith("— ", StringComparison.Ordinal))
            {
                throw Bad("signature line does not start with an em dash and a space");
            }
            var parts = line[2..].Split(' ');
            if (parts.Length != 2 || parts[0].Length == 0)
            {
                throw Bad("signature line must be '— name base64'");
            }
            signatures.Add((parts[0], StrictBase64.Decode(parts[1], "signature")));
        }
        if (signatures.Count == 0 || signatures.Count > 16)
        {
            throw Bad("a note carries 1 to 16 signatures");
        }
        return (text, signatures);
    }
}

internal static class NoteKey
{
    public static void CheckName(string name)
    {
        if (string.IsNullOrEmpty(name) || name.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c == '+'))
        {
            throw new LogFormatException("key.invalid", Args.Of(("kind", "key name"), ("reason", "empty, or contains spaces or '+'")));
        }
    }

    public static void CheckCurve(ECDsa key)
    {
        if (key.KeySize != 256)
        {
            throw new LogFormatException("key.invalid", Args.Of(("kind", "ECDSA P-256 key"), ("reason", $"key size {key.KeySize}")));
        }
    }

    public static byte[] CosignedMessage(string text, ulong time) =>
        Encoding.UTF8.GetBytes($"cosignature/v1\ntime {time.ToString(CultureInfo.InvariantCulture)}\n{text}");
}
