using System.Runtime.CompilerServices;

namespace Trading.Crypto.Curves;

/// <summary>A field element of a 256-bit prime field in Montgomery form, four 64-bit limbs, least significant first.</summary>
internal struct Fe
{
    public ulong L0, L1, L2, L3;

    public Fe(ulong l0, ulong l1, ulong l2, ulong l3)
    {
        L0 = l0;
        L1 = l1;
        L2 = l2;
        L3 = l3;
    }

    /// <summary>All ones when the element is zero, else zero; no branch on the value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly ulong ZeroMask()
    {
        var any = L0 | L1 | L2 | L3;
        // (any | -any) has its top bit set exactly when any != 0.
        return ((any | (0 - any)) >> 63) - 1;
    }

    /// <summary>a where mask is all ones, b where it is zero.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Fe Select(ulong mask, in Fe a, in Fe b) => new(
        (a.L0 & mask) | (b.L0 & ~mask), (a.L1 & mask) | (b.L1 & ~mask),
        (a.L2 & mask) | (b.L2 & ~mask), (a.L3 & mask) | (b.L3 & ~mask));
}

/// <summary>
/// Arithmetic modulo a 256-bit prime p in Montgomery form (R = 2^256), written for this library's two curves (P-256 and
/// SM2). Every operation runs the same instructions whatever the values: carries and borrows are comparisons turned into
/// 0 or 1 (never a branch), and the final corrections select with masks, because these routines multiply
/// holders' secret shares and proof nonces, and a branch or a table index that depends on them leaks them through timing.
/// Only the exponent of <see cref="Invert"/> (p - 2, public) decides which steps run.
/// </summary>
internal sealed class MontgomeryField
{
    private readonly ulong _p0, _p1, _p2, _p3;
    private readonly Fe _r2; // R^2 mod p, to enter Montgomery form
    private readonly ulong[] _exponentPMinus2;

    public MontgomeryField(System.Numerics.BigInteger p)
    {
        // Both curves' primes end in 64 one bits (p = -1 mod 2^64), which makes each reduction round's multiplier
        // the low word itself and saves a multiplication per round; Mul relies on it.
        if (p.Sign <= 0 || p.GetBitLength() != 256 || (p & ulong.MaxValue) != ulong.MaxValue)
        {
            throw new ArgumentException("a 256-bit prime equal to -1 modulo 2^64 is expected", nameof(p));
        }

        var limbs = ToLimbs(p);
        (_p0, _p1, _p2, _p3) = (limbs[0], limbs[1], limbs[2], limbs[3]);
        var r2 = ToLimbs(System.Numerics.BigInteger.ModPow(2, 512, p));
        _r2 = new Fe(r2[0], r2[1], r2[2], r2[3]);
        One = ToMontgomery(new Fe(1, 0, 0, 0));
        _exponentPMinus2 = ToLimbs(p - 2);
        Modulus = p;
    }

    public System.Numerics.BigInteger Modulus { get; }

    /// <summary>1 in Montgomery form.</summary>
    public Fe One { get; }

    internal static ulong[] ToLimbs(System.Numerics.BigInteger v)
    {
        var bytes = v.ToByteArray(isUnsigned: true, isBigEndian: false);
        var padded = new byte[32];
        bytes.AsSpan(0, Math.Min(32, bytes.Length)).CopyTo(padded);
        return
        [
            BitConverter.ToUInt64(padded, 0), BitConverter.ToUInt64(padded, 8),
            BitConverter.ToUInt64(padded, 16), BitConverter.ToUInt64(padded, 24),
        ];
    }

    /// <summary>Reads 32 big-endian bytes (already known to be below p) into Montgomery form.</summary>
    public Fe FromBytes(ReadOnlySpan<byte> bigEndian32)
    {
        var raw = new Fe(
            System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(bigEndian32[24..]),
            System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(bigEndian32[16..]),
            System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(bigEndian32[8..]),
            System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(bigEndian32));
        return ToMontgomery(raw);
    }

    /// <summary>Writes the element, out of Montgomery form, as 32 big-endian bytes.</summary>
    public void ToBytes(in Fe a, Span<byte> bigEndian32)
    {
        Mul(a, new Fe(1, 0, 0, 0), out var raw);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(bigEndian32, raw.L3);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(bigEndian32[8..], raw.L2);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(bigEndian32[16..], raw.L1);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(bigEndian32[24..], raw.L0);
    }

    public Fe ToMontgomery(in Fe raw)
    {
        Mul(raw, _r2, out var r);
        return r;
    }

    // Carries and borrows come from unsigned comparisons turned into 0 or 1 (Bit): the JIT lowers a comparison whose
    // result is used as a value to cmp + setb, not to a branch (checked in the disassembly with DOTNET_JitDisasm), so
    // the instruction stream does not depend on the values. Writing the carry as bit operations instead
    // ((a & b) | ((a | b) & ~s)) >> 63 is equally constant-time but made a multiplication about twice as slow.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Bit(bool b) => Unsafe.BitCast<bool, byte>(b);

    /// <summary>hi:lo = a*b + c + d, which cannot overflow 128 bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Mac(ulong a, ulong b, ulong c, ulong d, out ulong lo)
    {
        ulong hi, l;
        if (System.Runtime.Intrinsics.X86.Bmi2.X64.IsSupported)
        {
            // High word from mulx, low word from an ordinary multiply: Math.BigMul's out parameter would send the low
            // word through the stack on every call (seen in the JIT's disassembly), a third of the multiplication's time.
            hi = System.Runtime.Intrinsics.X86.Bmi2.X64.MultiplyNoFlags(a, b);
            l = a * b;
        }
        else
        {
            hi = Math.BigMul(a, b, out l);
        }

        l += c;
        hi += Bit(l < c);
        l += d;
        hi += Bit(l < d);
        lo = l;
        return hi;
    }

    /// <summary>sum = a + b + carryIn (0 or 1); returns the carry out.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong AddCarry(ulong a, ulong b, ulong carryIn, out ulong sum)
    {
        var s = a + b;
        var c = Bit(s < a);
        sum = s + carryIn;
        return c | Bit(sum < s);
    }

    /// <summary>diff = a - b - borrowIn (0 or 1); returns the borrow out.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong SubBorrow(ulong a, ulong b, ulong borrowIn, out ulong diff)
    {
        var d = a - b;
        var bw = Bit(a < b);
        diff = d - borrowIn;
        return bw | Bit(d < borrowIn);
    }

    /// <summary>r = a*b/R mod p (CIOS Montgomery multiplication, written out round by round so every word stays in a register).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Mul(in Fe a, in Fe b, out Fe r)
    {
        ulong p0 = _p0, p1 = _p1, p2 = _p2, p3 = _p3;
        ulong bb0 = b.L0, bb1 = b.L1, bb2 = b.L2, bb3 = b.L3;
        ulong t0 = 0, t1 = 0, t2 = 0, t3 = 0, t4 = 0, t5, c, m;
        // Round 0: t = (t + a*b0 + m*p) / 2^64, m chosen so the division is exact.
        c = Mac(a.L0, bb0, t0, 0, out t0);
        c = Mac(a.L1, bb0, t1, c, out t1);
        c = Mac(a.L2, bb0, t2, c, out t2);
        c = Mac(a.L3, bb0, t3, c, out t3);
        t5 = AddCarry(t4, c, 0, out t4);
        m = t0; // -p^-1 = 1 mod 2^64, and t0 + m*p0 = m*2^64: the carry is m itself
        c = m;
        c = Mac(m, p1, t1, c, out t0);
        c = Mac(m, p2, t2, c, out t1);
        c = Mac(m, p3, t3, c, out t2);
        t4 = t5 + AddCarry(t4, c, 0, out t3);

        // Round 1: t = (t + a*b1 + m*p) / 2^64, m chosen so the division is exact.
        c = Mac(a.L0, bb1, t0, 0, out t0);
        c = Mac(a.L1, bb1, t1, c, out t1);
        c = Mac(a.L2, bb1, t2, c, out t2);
        c = Mac(a.L3, bb1, t3, c, out t3);
        t5 = AddCarry(t4, c, 0, out t4);
        m = t0; // -p^-1 = 1 mod 2^64, and t0 + m*p0 = m*2^64: the carry is m itself
        c = m;
        c = Mac(m, p1, t1, c, out t0);
        c = Mac(m, p2, t2, c, out t1);
        c = Mac(m, p3, t3, c, out t2);
        t4 = t5 + AddCarry(t4, c, 0, out t3);

        // Round 2: t = (t + a*b2 + m*p) / 2^64, m chosen so the division is exact.
        c = Mac(a.L0, bb2, t0, 0, out t0);
        c = Mac(a.L1, bb2, t1, c, out t1);
        c = Mac(a.L2, bb2, t2, c, out t2);
        c = Mac(a.L3, bb2, t3, c, out t3);
        t5 = AddCarry(t4, c, 0, out t4);
        m = t0; // -p^-1 = 1 mod 2^64, and t0 + m*p0 = m*2^64: the carry is m itself
        c = m;
        c = Mac(m, p1, t1, c, out t0);
        c = Mac(m, p2, t2, c, out t1);
        c = Mac(m, p3, t3, c, out t2);
        t4 = t5 + AddCarry(t4, c, 0, out t3);

        // Round 3: t = (t + a*b3 + m*p) / 2^64, m chosen so the division is exact.
        c = Mac(a.L0, bb3, t0, 0, out t0);
        c = Mac(a.L1, bb3, t1, c, out t1);
        c = Mac(a.L2, bb3, t2, c, out t2);
        c = Mac(a.L3, bb3, t3, c, out t3);
        t5 = AddCarry(t4, c, 0, out t4);
        m = t0; // -p^-1 = 1 mod 2^64, and t0 + m*p0 = m*2^64: the carry is m itself
        c = m;
        c = Mac(m, p1, t1, c, out t0);
        c = Mac(m, p2, t2, c, out t1);
        c = Mac(m, p3, t3, c, out t2);
        t4 = t5 + AddCarry(t4, c, 0, out t3);

        // t < 2p: subtract p once, keep the difference unless that borrowed past the fifth limb.
        var b0 = SubBorrow(t0, p0, 0, out var u0);
        b0 = SubBorrow(t1, p1, b0, out var u1);
        b0 = SubBorrow(t2, p2, b0, out var u2);
        b0 = SubBorrow(t3, p3, b0, out var u3);
        var keep = 0 - (b0 & ~t4 & 1); // all ones: t was already below p
        r = new Fe((t0 & keep) | (u0 & ~keep), (t1 & keep) | (u1 & ~keep), (t2 & keep) | (u2 & ~keep), (t3 & keep) | (u3 & ~keep));
    }

    public Fe Mul(in Fe a, in Fe b)
    {
        Mul(a, b, out var r);
        return r;
    }

    public Fe Square(in Fe a)
    {
        Mul(a, a, out var r);
        return r;
    }

    public Fe Add(in Fe a, in Fe b)
    {
        var c = AddCarry(a.L0, b.L0, 0, out var s0);
        c = AddCarry(a.L1, b.L1, c, out var s1);
        c = AddCarry(a.L2, b.L2, c, out var s2);
        c = AddCarry(a.L3, b.L3, c, out var s3);
        var bw = SubBorrow(s0, _p0, 0, out var u0);
        bw = SubBorrow(s1, _p1, bw, out var u1);
        bw = SubBorrow(s2, _p2, bw, out var u2);
        bw = SubBorrow(s3, _p3, bw, out var u3);
        var keep = 0 - (bw & ~c & 1); // the sum was already below p
        return new Fe((s0 & keep) | (u0 & ~keep), (s1 & keep) | (u1 & ~keep), (s2 & keep) | (u2 & ~keep), (s3 & keep) | (u3 & ~keep));
    }

    public Fe Sub(in Fe a, in Fe b)
    {
        var bw = SubBorrow(a.L0, b.L0, 0, out var d0);
        bw = SubBorrow(a.L1, b.L1, bw, out var d1);
        bw = SubBorrow(a.L2, b.L2, bw, out var d2);
        bw = SubBorrow(a.L3, b.L3, bw, out var d3);
        var mask = 0 - bw; // add p back when a < b
        var c = AddCarry(d0, _p0 & mask, 0, out d0);
        c = AddCarry(d1, _p1 & mask, c, out d1);
        c = AddCarry(d2, _p2 & mask, c, out d2);
        AddCarry(d3, _p3 & mask, c, out d3);
        return new Fe(d0, d1, d2, d3);
    }

    public Fe Negate(in Fe a) => Sub(default, a);

    /// <summary>a^(p-2) = a^-1 (zero stays zero); the exponent is public, so its bits may steer the steps.</summary>
    public Fe Invert(in Fe a)
    {
        // Fixed 4-bit windows: 256 squarings and 64 multiplications.
        Span<Fe> table = stackalloc Fe[16];
        table[0] = One;
        for (var i = 1; i < 16; i++)
        {
            table[i] = Mul(table[i - 1], a);
        }

        var r = One;
        for (var limb = 3; limb >= 0; limb--)
        {
            for (var shift = 60; shift >= 0; shift -= 4)
            {
                r = Square(r);
                r = Square(r);
                r = Square(r);
                r = Square(r);
                r = Mul(r, table[(int)((_exponentPMinus2[limb] >> shift) & 0xF)]);
            }
        }

        return r;
    }

    public bool Equal(in Fe a, in Fe b) => ((a.L0 ^ b.L0) | (a.L1 ^ b.L1) | (a.L2 ^ b.L2) | (a.L3 ^ b.L3)) == 0;
}
