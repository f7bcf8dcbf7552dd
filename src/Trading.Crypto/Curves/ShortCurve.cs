using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Trading.Crypto.Curves;

/// <summary>A point in projective coordinates (X : Y : Z), affine (X/Z, Y/Z); the identity is (0 : 1 : 0).</summary>
internal struct ProjectivePoint
{
    public Fe X, Y, Z;

    public ProjectivePoint(in Fe x, in Fe y, in Fe z)
    {
        X = x;
        Y = y;
        Z = z;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ProjectivePoint Select(ulong mask, in ProjectivePoint a, in ProjectivePoint b) =>
        new(Fe.Select(mask, a.X, b.X), Fe.Select(mask, a.Y, b.Y), Fe.Select(mask, a.Z, b.Z));
}

/// <summary>
/// The fixed-base table of one point P for comb multiplication: entry [j][m] is m * 2^(5j) * P for m = 1..16 and
/// j = 0..51, in affine form (Z = 1). k*P is then 52 additions of table entries, with no doubling at all.
/// </summary>
internal sealed class CombTable(ProjectivePoint[] entries)
{
    internal const int Windows = 52;
    internal const int PerWindow = 16;

    // Windows * PerWindow points, window-major: entry (j, m) is at j * 16 + (m - 1).
    internal ProjectivePoint[] Entries { get; } = entries;
}

/// <summary>
/// A short Weierstrass curve y^2 = x^3 - 3x + b over a 256-bit prime field with prime order n (P-256 and the SM2
/// curve are both of this shape). Points use the complete projective formulas of Renes, Costello and Batina
/// (eprint 2015/1060, algorithms 4 and 6): the same formula adds any two points, equal, opposite or the identity
/// included, so a multiplication has no special case that would need a branch.
/// <para>
/// Why this exists next to BouncyCastle: BouncyCastle's ECPoint allocates objects for every addition and its
/// variable-base multiplication (wNAF) is not constant-time. The holder's proof multiplies R by its secret share
/// and by a secret nonce; here those multiplications (<see cref="MultiplySecret"/>, <see cref="MultiplyComb"/> with
/// secret: true) use signed fixed windows (every window adds, none is skipped) and read the precomputed table by
/// scanning all of its entries with masks, so neither the time nor the memory addresses touched depend on the
/// scalar. The public-data paths (MultiplyPublic, verification) index the tables directly.
/// </para>
/// </summary>
internal sealed class ShortCurve
{
    private readonly Fe _b;
    private readonly ulong[] _pLimbs;
    private CombTable? _generatorComb;

    public ShortCurve(System.Numerics.BigInteger p, System.Numerics.BigInteger a, System.Numerics.BigInteger b,
        System.Numerics.BigInteger gx, System.Numerics.BigInteger gy)
    {
        if (a != p - 3)
        {
            throw new ArgumentException("the formulas used here need a = -3", nameof(a));
        }

        Field = new MontgomeryField(p);
        _pLimbs = MontgomeryField.ToLimbs(p);
        _b = Field.ToMontgomery(FromLimbs(MontgomeryField.ToLimbs(b)));
        var x = Field.ToMontgomery(FromLimbs(MontgomeryField.ToLimbs(gx)));
        var y = Field.ToMontgomery(FromLimbs(MontgomeryField.ToLimbs(gy)));
        Generator = new ProjectivePoint(x, y, Field.One);
    }

    public MontgomeryField Field { get; }

    public ProjectivePoint Generator { get; }

    public ProjectivePoint Identity => new(default, Field.One, default);

    /// <summary>The generator's comb table, built on first use and then shared.</summary>
    public CombTable GeneratorComb => _generatorComb ??= Comb(Generator);

    private static Fe FromLimbs(ulong[] l) => new(l[0], l[1], l[2], l[3]);

    /// <summary>
    /// Reads an uncompressed point (0x04 || x || y) that must be on the curve; null names what is wrong
    /// (<paramref name="problem"/>), so the caller can refuse in its own words.
    /// </summary>
    public bool TryDecode(ReadOnlySpan<byte> encoded, out ProjectivePoint point, out DecodeProblem problem)
    {
        point = default;
        if (encoded.Length == 1 && encoded[0] == 0)
        {
            problem = DecodeProblem.Infinity;
            return false;
        }

        if (encoded.Length != 65)
        {
            problem = DecodeProblem.Length;
            return false;
        }

        if (encoded[0] != 0x04)
        {
            problem = DecodeProblem.Prefix;
            return false;
        }

        if (!BelowP(encoded.Slice(1, 32)) || !BelowP(encoded.Slice(33, 32)))
        {
            problem = DecodeProblem.NotCanonical;
            return false;
        }

        var x = Field.FromBytes(encoded.Slice(1, 32));
        var y = Field.FromBytes(encoded.Slice(33, 32));
        // y^2 = x^3 - 3x + b
        var rhs = Field.Add(Field.Mul(Field.Sub(Field.Square(x), Three()), x), _b);
        if (!Field.Equal(Field.Square(y), rhs))
        {
            problem = DecodeProblem.NotOnCurve;
            return false;
        }

        point = new ProjectivePoint(x, y, Field.One);
        problem = DecodeProblem.None;
        return true;
    }

    private Fe Three() => Field.Add(Field.Add(Field.One, Field.One), Field.One);

    private bool BelowP(ReadOnlySpan<byte> bigEndian32)
    {
        // Public data (a received point): a plain comparison from the top limb down.
        for (var i = 0; i < 4; i++)
        {
            var v = BinaryPrimitives.ReadUInt64BigEndian(bigEndian32[(8 * i)..]);
            var p = _pLimbs[3 - i];
            if (v != p)
            {
                return v < p;
            }
        }

        return false;
    }

    /// <summary>Uncompressed encoding, 65 bytes; the identity encodes as one zero byte (as BouncyCastle does).</summary>
    public byte[] Encode(in ProjectivePoint p) => EncodeMany([p])[0];

    /// <summary>Encodes several points with one field inversion (Montgomery's trick) instead of one each.</summary>
    public byte[][] EncodeMany(ReadOnlySpan<ProjectivePoint> points)
    {
        var affine = new (Fe X, Fe Y)[points.Length];
        var isIdentity = new bool[points.Length];
        for (var i = 0; i < points.Length; i++)
        {
            isIdentity[i] = points[i].Z.ZeroMask() != 0;
        }

        Normalize(points, affine);
        var result = new byte[points.Length][];
        for (var i = 0; i < points.Length; i++)
        {
            if (isIdentity[i])
            {
                result[i] = [0];
                continue;
            }

            var bytes = new byte[65];
            bytes[0] = 0x04;
            Field.ToBytes(affine[i].X, bytes.AsSpan(1, 32));
            Field.ToBytes(affine[i].Y, bytes.AsSpan(33, 32));
            result[i] = bytes;
        }

        return result;
    }

    /// <summary>Affine coordinates of every point with one inversion; an identity's Z counts as 1 (and gives (0, 1)).</summary>
    private void Normalize(ReadOnlySpan<ProjectivePoint> points, Span<(Fe X, Fe Y)> affine)
    {
        var n = points.Length;
        var prefix = new Fe[n];
        var acc = Field.One;
        for (var i = 0; i < n; i++)
        {
            var z = Fe.Select(points[i].Z.ZeroMask(), Field.One, points[i].Z);
            prefix[i] = acc;
            acc = Field.Mul(acc, z);
        }

        var inv = Field.Invert(acc);
        for (var i = n - 1; i >= 0; i--)
        {
            var z = Fe.Select(points[i].Z.ZeroMask(), Field.One, points[i].Z);
            var zInv = Field.Mul(inv, prefix[i]);
            inv = Field.Mul(inv, z);
            affine[i] = (Field.Mul(points[i].X, zInv), Field.Mul(points[i].Y, zInv));
        }
    }

    /// <summary>Complete addition, a = -3 (Renes-Costello-Batina algorithm 4): any two points, no exception.</summary>
    public void Add(in ProjectivePoint p, in ProjectivePoint q, out ProjectivePoint r)
    {
        var f = Field;
        var t0 = f.Mul(p.X, q.X);
        var t1 = f.Mul(p.Y, q.Y);
        var t2 = f.Mul(p.Z, q.Z);
        var t3 = f.Mul(f.Add(p.X, p.Y), f.Add(q.X, q.Y));
        var t4 = f.Add(t0, t1);
        t3 = f.Sub(t3, t4);
        t4 = f.Mul(f.Add(p.Y, p.Z), f.Add(q.Y, q.Z));
        var x3 = f.Add(t1, t2);
        t4 = f.Sub(t4, x3);
        x3 = f.Mul(f.Add(p.X, p.Z), f.Add(q.X, q.Z));
        var y3 = f.Add(t0, t2);
        y3 = f.Sub(x3, y3);
        var z3 = f.Mul(_b, t2);
        x3 = f.Sub(y3, z3);
        z3 = f.Add(x3, x3);
        x3 = f.Add(x3, z3);
        z3 = f.Sub(t1, x3);
        x3 = f.Add(t1, x3);
        y3 = f.Mul(_b, y3);
        t1 = f.Add(t2, t2);
        t2 = f.Add(t1, t2);
        y3 = f.Sub(y3, t2);
        y3 = f.Sub(y3, t0);
        t1 = f.Add(y3, y3);
        y3 = f.Add(t1, y3);
        t1 = f.Add(t0, t0);
        t0 = f.Add(t1, t0);
        t0 = f.Sub(t0, t2);
        t1 = f.Mul(t4, y3);
        t2 = f.Mul(t0, y3);
        y3 = f.Mul(x3, z3);
        y3 = f.Add(y3, t2);
        x3 = f.Mul(x3, t3);
        x3 = f.Sub(x3, t1);
        z3 = f.Mul(z3, t4);
        t1 = f.Mul(t3, t0);
        z3 = f.Add(z3, t1);
        r = new ProjectivePoint(x3, y3, z3);
    }

    /// <summary>Exception-free doubling, a = -3 (Renes-Costello-Batina algorithm 6).</summary>
    public void Double(in ProjectivePoint p, out ProjectivePoint r)
    {
        var f = Field;
        var t0 = f.Square(p.X);
        var t1 = f.Square(p.Y);
        var t2 = f.Square(p.Z);
        var t3 = f.Mul(p.X, p.Y);
        t3 = f.Add(t3, t3);
        var z3 = f.Mul(p.X, p.Z);
        z3 = f.Add(z3, z3);
        var y3 = f.Mul(_b, t2);
        y3 = f.Sub(y3, z3);
        var x3 = f.Add(y3, y3);
        y3 = f.Add(x3, y3);
        x3 = f.Sub(t1, y3);
        y3 = f.Add(t1, y3);
        y3 = f.Mul(x3, y3);
        x3 = f.Mul(x3, t3);
        t3 = f.Add(t2, t2);
        t2 = f.Add(t2, t3);
        z3 = f.Mul(_b, z3);
        z3 = f.Sub(z3, t2);
        z3 = f.Sub(z3, t0);
        t3 = f.Add(z3, z3);
        z3 = f.Add(z3, t3);
        t3 = f.Add(t0, t0);
        t0 = f.Add(t3, t0);
        t0 = f.Sub(t0, t2);
        t0 = f.Mul(t0, z3);
        y3 = f.Add(y3, t0);
        t0 = f.Mul(p.Y, p.Z);
        t0 = f.Add(t0, t0);
        z3 = f.Mul(t0, z3);
        x3 = f.Sub(x3, z3);
        z3 = f.Mul(t0, t1);
        z3 = f.Add(z3, z3);
        z3 = f.Add(z3, z3);
        r = new ProjectivePoint(x3, y3, z3);
    }

    /// <summary>
    /// 2^5 * P: the five doublings between two windows, done in Jacobian coordinates (3M + 5S each with a = -3, against
    /// 13 multiplications for the complete projective doubling), with a conversion at each end (3 multiplications
    /// each). Jacobian doubling has no exception on a prime-order curve (no point has y = 0); the identity comes
    /// back as (0 : 0 : 0) and is mapped to (0 : 1 : 0) by a masked select.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Double5(in ProjectivePoint p, out ProjectivePoint r)
    {
        var f = Field;
        // (X : Y : Z) projective = (XZ : YZ^2 : Z) Jacobian.
        var zz = f.Square(p.Z);
        var x = f.Mul(p.X, p.Z);
        var y = f.Mul(p.Y, zz);
        var z = p.Z;
        for (var i = 0; i < 5; i++)
        {
            // dbl-2001-b: delta = Z^2, gamma = Y^2, beta = X gamma, alpha = 3 (X - delta)(X + delta).
            var delta = f.Square(z);
            var gamma = f.Square(y);
            var beta = f.Mul(x, gamma);
            var alpha = f.Mul(f.Sub(x, delta), f.Add(x, delta));
            alpha = f.Add(f.Add(alpha, alpha), alpha);
            var beta4 = f.Add(beta, beta);
            beta4 = f.Add(beta4, beta4);
            var x3 = f.Sub(f.Square(alpha), f.Add(beta4, beta4));
            var yz = f.Add(y, z);
            z = f.Sub(f.Sub(f.Square(yz), gamma), delta);
            var gamma2 = f.Square(gamma);
            var gamma8 = f.Add(gamma2, gamma2);
            gamma8 = f.Add(gamma8, gamma8);
            gamma8 = f.Add(gamma8, gamma8);
            y = f.Sub(f.Mul(alpha, f.Sub(beta4, x3)), gamma8);
            x = x3;
        }

        // Back: (X : Y : Z) Jacobian = (XZ : Y : Z^3) projective.
        var zz2 = f.Square(z);
        var identity = z.ZeroMask();
        r = new ProjectivePoint(f.Mul(x, z), Fe.Select(identity, f.One, y), f.Mul(zz2, z));
    }

    public ProjectivePoint Negate(in ProjectivePoint p) => new(p.X, Field.Negate(p.Y), p.Z);

    /// <summary>The table [0..16] of m * P (entry 0 the identity), for the window multiplications.</summary>
    public ProjectivePoint[] Multiples(in ProjectivePoint p)
    {
        var t = new ProjectivePoint[17];
        t[0] = Identity;
        t[1] = p;
        Double(p, out t[2]);
        for (var m = 3; m <= 16; m++)
        {
            Add(t[m - 1], p, out t[m]);
        }

        return t;
    }

    /// <summary>
    /// The 6-bit window of a scalar (four limbs, least significant first) ending at bit 5i+4 and starting at bit 5i-1
    /// (bit -1 is zero). The positions are public; only the value depends on the scalar.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Window(ReadOnlySpan<ulong> k, int i)
    {
        var start = (5 * i) - 1;
        if (start < 0)
        {
            return (uint)(k[0] << 1) & 0x3F;
        }

        var limb = start >> 6;
        var off = start & 63;
        var v = k[limb] >> off;
        if (off > 58 && limb < 3)
        {
            v |= k[limb + 1] << (64 - off);
        }

        return (uint)v & 0x3F;
    }

    /// <summary>
    /// Booth recoding of a 6-bit window into a signed digit in [-16, 16]: the scalar is the sum of digit_i * 32^i over
    /// 52 windows, with no branch on the bits (as OpenSSL's ecp_nistz256 recodes).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Booth(uint w, out ulong negativeMask)
    {
        var s = ~((w >> 5) - 1); // all ones when the window's top bit is set: the digit is negative
        var d = 63u - w;
        d = (d & s) | (w & ~s);
        d = (d >> 1) + (d & 1);
        negativeMask = 0 - (ulong)(s & 1);
        return d;
    }

    /// <summary>Reads a 32-byte big-endian scalar into four limbs, least significant first.</summary>
    private static void Limbs(ReadOnlySpan<byte> scalar32, Span<ulong> k)
    {
        if (scalar32.Length != 32)
        {
            throw new ArgumentException("a 32-byte scalar is expected", nameof(scalar32));
        }

        k[0] = BinaryPrimitives.ReadUInt64BigEndian(scalar32[24..]);
        k[1] = BinaryPrimitives.ReadUInt64BigEndian(scalar32[16..]);
        k[2] = BinaryPrimitives.ReadUInt64BigEndian(scalar32[8..]);
        k[3] = BinaryPrimitives.ReadUInt64BigEndian(scalar32);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong EqualMask(uint a, uint b)
    {
        var x = a ^ b;
        return (ulong)((x | (0u - x)) >> 31) - 1;
    }

    /// <summary>
    /// Entry |digit| of a 16-entry run (entries[offset + m - 1] = m * base), negated for a negative digit, the
    /// identity for zero: every entry is read and masked in, so the address pattern is the same for every digit.
    /// </summary>
    private ProjectivePoint LookupSecret(ProjectivePoint[] entries, int offset, uint digit, ulong negativeMask)
    {
        var r = Identity;
        for (var m = 1u; m <= 16; m++)
        {
            r = ProjectivePoint.Select(EqualMask(m, digit), entries[offset + (int)m - 1], r);
        }

        r.Y = Fe.Select(negativeMask, Field.Negate(r.Y), r.Y);
        return r;
    }

    /// <summary>k * P for a secret k (32 bytes big-endian), constant-time; <paramref name="multiples"/> from <see cref="Multiples"/>.</summary>
    public ProjectivePoint MultiplySecret(ProjectivePoint[] multiples, ReadOnlySpan<byte> scalar32)
    {
        Span<ulong> k = stackalloc ulong[4];
        Limbs(scalar32, k);
        var acc = Identity;
        for (var i = CombTable.Windows - 1; i >= 0; i--)
        {
            Double5(acc, out acc);
            var digit = Booth(Window(k, i), out var neg);
            var t = LookupSecret(multiples, 1, digit, neg);
            Add(acc, t, out acc);
        }

        k.Clear();
        return acc;
    }

    /// <summary>The comb table of P (see <see cref="CombTable"/>), normalised to Z = 1 with one inversion.</summary>
    public CombTable Comb(in ProjectivePoint p)
    {
        var raw = new ProjectivePoint[CombTable.Windows * CombTable.PerWindow];
        var b = p;
        for (var j = 0; j < CombTable.Windows; j++)
        {
            var o = j * CombTable.PerWindow;
            raw[o] = b;
            Double(b, out raw[o + 1]);
            for (var m = 3; m <= 16; m++)
            {
                Add(raw[o + m - 2], b, out raw[o + m - 1]);
            }

            Double(raw[o + 15], out b); // 32 * base: the next window's base
        }

        var affine = new (Fe X, Fe Y)[raw.Length];
        Normalize(raw, affine);
        for (var i = 0; i < raw.Length; i++)
        {
            raw[i] = new ProjectivePoint(affine[i].X, affine[i].Y, Field.One);
        }

        return new CombTable(raw);
    }

    /// <summary>
    /// k * P from P's comb table: 52 additions. With <paramref name="secret"/> the table is read by masked scans
    /// (constant-time, for nonces and shares); without, entries are indexed directly and zero digits skipped.
    /// </summary>
    public ProjectivePoint MultiplyComb(CombTable table, ReadOnlySpan<byte> scalar32, bool secret)
    {
        Span<ulong> k = stackalloc ulong[4];
        Limbs(scalar32, k);
        var acc = Identity;
        for (var j = 0; j < CombTable.Windows; j++)
        {
            var digit = Booth(Window(k, j), out var neg);
            if (secret)
            {
                var t = LookupSecret(table.Entries, j * CombTable.PerWindow, digit, neg);
                Add(acc, t, out acc);
            }
            else if (digit != 0)
            {
                var t = table.Entries[(j * CombTable.PerWindow) + (int)digit - 1];
                if (neg != 0)
                {
                    t = Negate(t);
                }

                Add(acc, t, out acc);
            }
        }

        k.Clear();
        return acc;
    }

    /// <summary>a * P for a public scalar and point, variable-time.</summary>
    public ProjectivePoint MultiplyPublic(ProjectivePoint[] multiplesP, ReadOnlySpan<byte> a32) =>
        MultiplyPublic(multiplesP, a32, multiplesP, new byte[32]);

    /// <summary>
    /// a * P + b * Q for public scalars and points (Straus: one chain of doublings shared by both), variable-time.
    /// </summary>
    public ProjectivePoint MultiplyPublic(ProjectivePoint[] multiplesP, ReadOnlySpan<byte> a32, ProjectivePoint[] multiplesQ, ReadOnlySpan<byte> b32)
    {
        Span<ulong> a = stackalloc ulong[4];
        Span<ulong> b = stackalloc ulong[4];
        Limbs(a32, a);
        Limbs(b32, b);
        var acc = Identity;
        var started = false;
        for (var i = CombTable.Windows - 1; i >= 0; i--)
        {
            if (started)
            {
                Double5(acc, out acc);
            }

            var da = Booth(Window(a, i), out var na);
            if (da != 0)
            {
                var t = multiplesP[da];
                Add(acc, na != 0 ? Negate(t) : t, out acc);
                started = true;
            }

            var db = Booth(Window(b, i), out var nb);
            if (db != 0)
            {
                var t = multiplesQ[db];
                Add(acc, nb != 0 ? Negate(t) : t, out acc);
                started = true;
            }
        }

        return acc;
    }
}

/// <summary>Why <see cref="ShortCurve.TryDecode"/> refused an encoding.</summary>
internal enum DecodeProblem
{
    None,
    Infinity,
    Length,
    Prefix,
    NotCanonical,
    NotOnCurve,
}
