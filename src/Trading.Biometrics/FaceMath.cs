using System.Numerics.Tensors;

namespace Trading.Biometrics;

/// <summary>Vector helpers over System.Numerics.Tensors.</summary>
public static class FaceMath
{
    /// <summary>Cosine similarity of two embeddings (1 = identical direction).</summary>
    public static float Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b) => TensorPrimitives.CosineSimilarity(a, b);

    /// <summary>Scales <paramref name="v"/> to unit length in place.</summary>
    public static void Normalize(Span<float> v)
    {
        var n = TensorPrimitives.Norm(v);
        if (n > 0)
        {
            TensorPrimitives.Divide(v, n, v);
        }
    }

    internal static float[] Softmax(ReadOnlySpan<float> logits)
    {
        var result = new float[logits.Length];
        TensorPrimitives.SoftMax(logits, result);
        return result;
    }
}
