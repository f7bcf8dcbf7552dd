namespace Trading.PublicLog;

/// <summary>
/// RFC 9162 inclusion and consistency proof verification (sections 2.1.3.2 and 2.1.4.2), plus strict
/// proof encodings. Verification first checks the exact path length the sizes require, so an empty
/// path where one is needed, or any leading or trailing extra hash, is refused with its own reason
/// rather than a generic root mismatch.
/// </summary>
public static class MerkleProof
{
    /// <summary>Number of hashes an inclusion proof for leaf <paramref name="index"/> in a tree of <paramref name="size"/> has.</summary>
    public static int InclusionLength(long index, long size)
    {
        if (size <= 0 || index < 0 || index >= size)
        {
            throw new LogRangeException("proof.index-beyond-tree", Args.Of(("index", index), ("size", size)));
        }
        // The path has one hash per level where the leaf's ancestor has a sibling: the levels of
        // the inner part (common bits of index and size-1) plus one per set bit above them.
        long fn = index, sn = size - 1;
        int count = 0;
        while (sn != 0)
        {
            if ((fn & 1) == 1 || fn == sn)
            {
                count++;
                if ((fn & 1) == 0)
                {
                    while ((fn & 1) == 0 && fn != 0)
                    {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            }
            else
            {
                count++;
            }
            fn >>= 1;
            sn >>= 1;
        }
        return count;
    }

    /// <summary>Number of hashes a consistency proof from <paramref name="size1"/> to <paramref name="size2"/> has.</summary>
    public static int ConsistencyLength(long size1, long size2)
    {
        CheckConsistencySizes(size1, size2);
        if (size1 == size2)
        {
            return 0;
        }
        long fn = size1 - 1, sn = size2 - 1;
        int count = IsPowerOfTwo(size1) ? 0 : 1;
        while ((fn & 1) == 1)
        {
            fn >>= 1;
            sn >>= 1;
        }
        while (sn != 0)
        {
            count++;
            if ((fn & 1) == 1 || fn == sn)
            {
                if ((fn & 1) == 0)
                {
                    while ((fn & 1) == 0 && fn != 0)
                    {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            }
            fn >>= 1;
            sn >>= 1;
        }
        return count;
    }

    /// <summary>
    /// Checks that <paramref name="leafHash"/> is leaf <paramref name="index"/> of the tree of
    /// <paramref name="size"/> whose root is <paramref name="root"/>. Throws a
    /// <see cref="PublicLogException"/> naming the failed rule.
    /// </summary>
    public static void VerifyInclusion(long index, long size, ReadOnlySpan<byte> leafHash, IReadOnlyList<byte[]> proof, ReadOnlySpan<byte> root)
    {
        CheckHash(leafHash, "leaf");
        CheckHash(root, "root");
        int expected = InclusionLength(index, size);
        CheckPath(proof, expected);

        long fn = index, sn = size - 1;
        var r = leafHash.ToArray();
        foreach (var p in proof)
        {
            if ((fn & 1) == 1 || fn == sn)
            {
                MerkleHash.Node(p, r, r);
                if ((fn & 1) == 0)
                {
                    while ((fn & 1) == 0 && fn != 0)
                    {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            }
            else
            {
                MerkleHash.Node(r, p, r);
            }
            fn >>= 1;
            sn >>= 1;
        }
        if (sn != 0 || !MerkleHash.Equal(r, root))
        {
            throw new LogVerificationException("proof.inclusion-root-mismatch", Args.Of(("index", index), ("size", size)));
        }
    }

    /// <summary>
    /// Checks that the tree of <paramref name="size2"/> with <paramref name="root2"/> extends the tree of
    /// <paramref name="size1"/> with <paramref name="root1"/>. A first size of 0 is refused: an empty
    /// tree is trivially a prefix of anything, so accepting it lets a log fork undetected.
    /// </summary>
    public static void VerifyConsistency(long size1, long size2, ReadOnlySpan<byte> root1, ReadOnlySpan<byte> root2, IReadOnlyList<byte[]> proof)
    {
        CheckHash(root1, "root1");
        CheckHash(root2, "root2");
        int expected = ConsistencyLength(size1, size2);
        if (size1 == size2)
        {
            CheckPath(proof, 0);
            if (!MerkleHash.Equal(root1, root2))
            {
                throw new LogVerificationException("proof.same-size-different-root", Args.Of(("size", size1)));
            }
            return;
        }
        CheckPath(proof, expected);

        var path = new List<byte[]>(proof.Count + 1);
        if (IsPowerOfTwo(size1))
        {
            path.Add(root1.ToArray());
        }
        path.AddRange(proof);

        long fn = size1 - 1, sn = size2 - 1;
        while ((fn & 1) == 1)
        {
            fn >>= 1;
            sn >>= 1;
        }
        var fr = (byte[])path[0].Clone();
        var sr = (byte[])path[0].Clone();
        for (int i = 1; i < path.Count; i++)
        {
            var c = path[i];
            if ((fn & 1) == 1 || fn == sn)
            {
                MerkleHash.Node(c, fr, fr);
                MerkleHash.Node(c, sr, sr);
                if ((fn & 1) == 0)
                {
                    while ((fn & 1) == 0 && fn != 0)
                    {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            }
            else
            {
                MerkleHash.Node(sr, c, sr);
            }
            fn >>= 1;
            sn >>= 1;
        }
        if (sn != 0 || !MerkleHash.Equal(fr, root1) || !MerkleHash.Equal(sr, root2))
        {
            throw new LogVerificationException("proof.consistency-root-mismatch", Args.Of(("size1", size1), ("size2", size2)));
        }
    }

    /// <summary>Concatenated 32-byte hashes, the binary proof form served by the public endpoints.</summary>
    public static byte[] ToBytes(IReadOnlyList<byte[]> proof)
    {
        var bytes = new byte[proof.Count * MerkleHash.Size];
        for (int i = 0; i < proof.Count; i++)
        {
            proof[i].CopyTo(bytes, i * MerkleHash.Size);
        }
        return bytes;
    }

    /// <summary>Parses the binary proof form; a length that is not a whole number of hashes is refused.</summary>
    public static IReadOnlyList<byte[]> FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length % MerkleHash.Size != 0)
        {
            throw new LogFormatException("proof.partial-hash", Args.Of(("length", bytes.Length)));
        }
        var result = new List<byte[]>(bytes.Length / MerkleHash.Size);
        for (int i = 0; i < bytes.Length; i += MerkleHash.Size)
        {
            result.Add(bytes.Slice(i, MerkleHash.Size).ToArray());
        }
        return result;
    }

    /// <summary>Base64 strings, one per hash: the JSON proof form.</summary>
    public static string[] ToBase64(IReadOnlyList<byte[]> proof) => [.. proof.Select(Convert.ToBase64String)];

    /// <summary>Parses the JSON proof form strictly: each element must be canonical base64 of exactly 32 bytes.</summary>
    public static IReadOnlyList<byte[]> FromBase64(IEnumerable<string> hashes)
    {
        var result = new List<byte[]>();
        int position = 0;
        foreach (var s in hashes)
        {
            result.Add(StrictBase64.DecodeHash(s, $"proof[{position}]"));
            position++;
        }
        return result;
    }

    internal static bool IsPowerOfTwo(long n) => n > 0 && (n & (n - 1)) == 0;

    private static void CheckConsistencySizes(long size1, long size2)
    {
        if (size1 <= 0)
        {
            throw new LogRangeException("proof.consistency-from-zero", Args.Of(("size2", size2)));
        }
        if (size2 < size1)
        {
            throw new LogRangeException("proof.consistency-shrinks", Args.Of(("size1", size1), ("size2", size2)));
        }
    }

    private static void CheckPath(IReadOnlyList<byte[]> proof, int expected)
    {
        if (proof.Count == 0 && expected > 0)
        {
            throw new LogFormatException("proof.empty", Args.Of(("expected", expected)));
        }
        if (proof.Count != expected)
        {
            throw new LogFormatException("proof.wrong-length", Args.Of(("expected", expected), ("actual", proof.Count)));
        }
        for (int i = 0; i < proof.Count; i++)
        {
            if (proof[i] is null || proof[i].Length != MerkleHash.Size)
            {
                throw new LogFormatException("hash.wrong-length", Args.Of(("expected", MerkleHash.Size), ("actual", proof[i]?.Length ?? 0)));
            }
        }
    }

    private static void CheckHash(ReadOnlySpan<byte> hash, string what)
    {
        if (hash.Length != MerkleHash.Size)
        {
            throw new LogFormatException("hash.wrong-length", Args.Of(("what", what), ("expected", MerkleHash.Size), ("actual", hash.Length)));
        }
    }
}

/// <summary>Base64 that refuses whitespace, missing padding and non-canonical trailing bits, so one value has one spelling.</summary>
public static class StrictBase64
{
    /// <summary>Decodes canonical base64 or throws <see cref="LogFormatException"/> naming the field.</summary>
    public static byte[] Decode(string? text, string field)
    {
        if (text is null)
        {
            throw new LogFormatException("base64.missing", Args.Of(("field", field)));
        }
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(text);
        }
        catch (FormatException e)
        {
            throw new LogFormatException("base64.invalid", Args.Of(("field", field)), e);
        }
        // Convert.FromBase64String tolerates whitespace and sloppy tail bits; re-encoding catches both.
        if (Convert.ToBase64String(bytes) != text)
        {
            throw new LogFormatException("base64.invalid", Args.Of(("field", field)));
        }
        return bytes;
    }

    /// <summary>Decodes a 32-byte hash.</summary>
    public static byte[] DecodeHash(string? text, string field)
    {
        var bytes = Decode(text, field);
        if (bytes.Length != MerkleHash.Size)
        {
            throw new LogFormatException("hash.wrong-length", Args.Of(("what", field), ("expected", MerkleHash.Size), ("actual", bytes.Length)));
        }
        return bytes;
    }
}
