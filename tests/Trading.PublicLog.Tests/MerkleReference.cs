using System.Security.Cryptography;

namespace Trading.PublicLog.Tests;

/// <summary>
/// RFC 9162 section 2.1 definitions transcribed literally (recursive MTH, PATH, PROOF/SUBPROOF),
/// independent of the production code's stored-node and iterative paths, for small trees.
/// </summary>
internal static class MerkleReference
{
    public static byte[] Mth(IReadOnlyList<byte[]> d, int a, int b)
    {
        int n = b - a;
        if (n == 0) return SHA256.HashData([]);
        if (n == 1) return SHA256.HashData([0x00, .. d[a]]);
        int k = 1;
        while (k * 2 < n) k *= 2;
        return SHA256.HashData([0x01, .. Mth(d, a, a + k), .. Mth(d, a + k, b)]);
    }

    public static List<byte[]> Path(int m, IReadOnlyList<byte[]> d, int a, int b)
    {
        int n = b - a;
        if (n == 1) return [];
        int k = 1;
        while (k * 2 < n) k *= 2;
        if (m < k) return [.. Path(m, d, a, a + k), Mth(d, a + k, b)];
        return [.. Path(m - k, d, a + k, b), Mth(d, a, a + k)];
    }

    public static List<byte[]> Proof(int m, IReadOnlyList<byte[]> d, int n) => SubProof(m, d, 0, n, true);

    private static List<byte[]> SubProof(int m, IReadOnlyList<byte[]> d, int a, int b, bool flag)
    {
        int n = b - a;
        if (m == n) return flag ? [] : [Mth(d, a, b)];
        int k = 1;
        while (k * 2 < n) k *= 2;
        if (m <= k) return [.. SubProof(m, d, a, a + k, flag), Mth(d, a + k, b)];
        return [.. SubProof(m - k, d, a + k, b, false), Mth(d, a, a + k)];
    }
}
