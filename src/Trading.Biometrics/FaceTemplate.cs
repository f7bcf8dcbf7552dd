using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Trading.Biometrics;

/// <summary>
/// An enrolled expert's face template: the normalised mean of 1-3 photo embeddings.
/// Byte format (little-endian, 2062 bytes): "FTPL", version 1, photo count, 8-byte embedding-model id
/// (first bytes of the model's SHA-256), then 512 float32.
/// </summary>
public sealed class FaceTemplate
{
    private const int HeaderSize = 4 + 1 + 1 + 8;
    private static ReadOnlySpan<byte> Magic => "FTPL"u8;

    /// <summary>Size of <see cref="ToBytes"/> output.</summary>
    public const int ByteLength = HeaderSize + (FacePipeline.EmbeddingSize * 4);

    private readonly float[] _embedding;

    /// <summary>Creates a template from a 512-float embedding (normalised here).</summary>
    public FaceTemplate(ReadOnlySpan<float> embedding, int photoCount)
    {
        if (embedding.Length != FacePipeline.EmbeddingSize)
        {
            throw new BiometricException(BiometricReason.TemplateInvalid, $"{embedding.Length} values instead of {FacePipeline.EmbeddingSize}");
        }

        if (photoCount is < 1 or > 3)
        {
            throw new BiometricException(BiometricReason.EnrolmentPhotoCount, photoCount);
        }

        _embedding = embedding.ToArray();
        FaceMath.Normalize(_embedding);
        PhotoCount = photoCount;
    }

    /// <summary>How many photos were averaged.</summary>
    public int PhotoCount { get; }

    /// <summary>The unit-length embedding.</summary>
    public ReadOnlySpan<float> Embedding => _embedding;

    /// <summary>Cosine similarity of this template and a probe embedding.</summary>
    public float Similarity(ReadOnlySpan<float> probe) => FaceMath.Cosine(_embedding, probe);

    /// <summary>Serialises the template (not encrypted: seal it with <see cref="TemplateSealer"/> before storing).</summary>
    public byte[] ToBytes()
    {
        var bytes = new byte[ByteLength];
        Magic.CopyTo(bytes);
        bytes[4] = 1;
        bytes[5] = (byte)PhotoCount;
        FaceModels.FeatureModelId.CopyTo(bytes.AsSpan(6));
        for (var i = 0; i < _embedding.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(HeaderSize + (i * 4)), _embedding[i]);
        }

        return bytes;
    }

    /// <summary>Parses bytes from <see cref="ToBytes"/>.</summary>
    /// <exception cref="BiometricException">TemplateInvalid or TemplateModelMismatch.</exception>
    public static FaceTemplate FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != ByteLength)
        {
            throw new BiometricException(BiometricReason.TemplateInvalid, $"{bytes.Length} bytes instead of {ByteLength}");
        }

        if (!bytes[..4].SequenceEqual(Magic) || bytes[4] != 1)
        {
            throw new BiometricException(BiometricReason.TemplateInvalid, "unknown header or version");
        }

        if (!bytes.Slice(6, 8).SequenceEqual(FaceModels.FeatureModelId))
        {
            throw new BiometricException(BiometricReason.TemplateModelMismatch);
        }

        var embedding = new float[FacePipeline.EmbeddingSize];
        for (var i = 0; i < embedding.Length; i++)
        {
            embedding[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(HeaderSize + (i * 4))..]);
            if (!float.IsFinite(embedding[i]))
            {
                throw new BiometricException(BiometricReason.TemplateInvalid, "non-finite value");
            }
        }

        return new FaceTemplate(embedding, bytes[5]);
    }
}

/// <summary>
/// Seals templates at rest with AES-256-GCM under a key the application supplies (e.g. from its key store).
/// The expert's id is authenticated as associated data, so a sealed template copied onto another expert's
/// record does not open. Format: version byte 1, 12-byte nonce, 16-byte tag, ciphertext.
/// </summary>
public static class TemplateSealer
{
    private const int NonceSize = 12;
    private const int TagSize = 16;

    /// <summary>Encrypts template bytes for <paramref name="expertId"/> under a 32-byte key.</summary>
    public static byte[] Seal(ReadOnlySpan<byte> key, string expertId, ReadOnlySpan<byte> templateBytes)
    {
        CheckKey(key);
        ArgumentException.ThrowIfNullOrEmpty(expertId);
        var sealedBytes = new byte[1 + NonceSize + TagSize + templateBytes.Length];
        sealedBytes[0] = 1;
        var nonce = sealedBytes.AsSpan(1, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key, TagSize);
        aes.Encrypt(nonce, templateBytes, sealedBytes.AsSpan(1 + NonceSize + TagSize), sealedBytes.AsSpan(1 + NonceSize, TagSize), Encoding.UTF8.GetBytes(expertId));
        return sealedBytes;
    }

    /// <summary>Decrypts and authenticates; throws <see cref="BiometricException"/> (TemplateSealBroken) on any mismatch.</summary>
    public static byte[] Open(ReadOnlySpan<byte> key, string expertId, ReadOnlySpan<byte> sealedBytes)
    {
        CheckKey(key);
        ArgumentException.ThrowIfNullOrEmpty(expertId);
        if (sealedBytes.Length < 1 + NonceSize + TagSize || sealedBytes[0] != 1)
        {
            throw new BiometricException(BiometricReason.TemplateSealBroken);
        }

        var plain = new byte[sealedBytes.Length - 1 - NonceSize - TagSize];
        try
        {
            using var aes = new AesGcm(key, TagSize);
            aes.Decrypt(sealedBytes.Slice(1, NonceSize), sealedBytes[(1 + NonceSize + TagSize)..], sealedBytes.Slice(1 + NonceSize, TagSize), plain, Encoding.UTF8.GetBytes(expertId));
        }
        catch (AuthenticationTagMismatchException)
        {
            throw new BiometricException(BiometricReason.TemplateSealBroken);
        }

        return plain;
    }

    private static void CheckKey(ReadOnlySpan<byte> key)
    {
        if (key.Length != 32)
        {
            throw new ArgumentException($"The template key must be 32 bytes (AES-256), got {key.Length}.", nameof(key));
        }
    }
}
