using System.Runtime.InteropServices;

namespace Trading.Crypto.Curves;

/// <summary>
/// The holders' P-256 point multiplications through the platform's OpenSSL (libcrypto 3 or 1.1), called directly.
/// <para>
/// Why: on x86-64 OpenSSL's P-256 is <c>ecp_nistz256</c>, assembly field arithmetic with constant-time windows for any
/// point and a precomputed constant-time table for G, several times faster than <see cref="ShortCurve"/> (managed
/// 4 x 64-bit limbs without an add-with-carry) and than BouncyCastle; .NET itself exposes no point arithmetic (its ECDH
/// returns only an x-coordinate). Only OpenSSL's own well-kept functions are called (<c>EC_POINT_mul</c>, <c>_add</c>,
/// <c>_oct2point</c>, <c>_point2oct</c>), never a deprecated one; the proofs' math and bytes are the same as the
/// managed path's (<c>OpenSslP256Tests</c> compares both, and BouncyCastle, on random and edge inputs).
/// </para>
/// Where libcrypto or one of these functions is missing (Windows, macOS, another build), <see cref="IsAvailable"/> is
/// false and the callers keep <see cref="ShortCurve"/>; a call OpenSSL refuses returns false, and the caller falls back
/// the same way, so a quirk of the platform's library can cost speed but never a wrong answer or a refusal.
/// </summary>
internal static unsafe class OpenSslP256
{
    private const int NidX962Prime256v1 = 415;
    private const int PointConversionUncompressed = 4;

    private static readonly Api? Lib = Load();

    /// <summary>Whether the platform's libcrypto was found with every function used here.</summary>
    public static bool IsAvailable => Lib is not null;

    private sealed class Api
    {
        public nint Group;
        public delegate* unmanaged<nint, nint> PointNew;
        public delegate* unmanaged<nint, void> PointFree;
        public delegate* unmanaged<nint, nint, byte*, nuint, nint, int> Oct2Point;
        public delegate* unmanaged<nint, nint, int, byte*, nuint, nint, nuint> Point2Oct;
        public delegate* unmanaged<nint, nint, nint, nint, nint, nint, int> Mul;
        public delegate* unmanaged<nint, nint, nint, nint, nint, int> Add;
        public delegate* unmanaged<byte*, int, nint, nint> Bin2Bn;
        public delegate* unmanaged<nint, void> BnClearFree;
        public delegate* unmanaged<void> ErrClear;
    }

    private static Api? Load()
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable("TRADING_CRYPTO_NO_OPENSSL") == "1")
        {
            return null;
        }

        foreach (var name in new[] { "libcrypto.so.3", "libcrypto.so.1.1" })
        {
            if (!NativeLibrary.TryLoad(name, out var handle))
            {
                continue;
            }

            nint Get(string symbol) => NativeLibrary.TryGetExport(handle, symbol, out var p) ? p : 0;
            var groupNew = Get("EC_GROUP_new_by_curve_name");
            var api = new Api
            {
                PointNew = (delegate* unmanaged<nint, nint>)Get("EC_POINT_new"),
                PointFree = (delegate* unmanaged<nint, void>)Get("EC_POINT_free"),
                Oct2Point = (delegate* unmanaged<nint, nint, byte*, nuint, nint, int>)Get("EC_POINT_oct2point"),
                Point2Oct = (delegate* unmanaged<nint, nint, int, byte*, nuint, nint, nuint>)Get("EC_POINT_point2oct"),
                Mul = (delegate* unmanaged<nint, nint, nint, nint, nint, nint, int>)Get("EC_POINT_mul"),
                Add = (delegate* unmanaged<nint, nint, nint, nint, nint, int>)Get("EC_POINT_add"),
                Bin2Bn = (delegate* unmanaged<byte*, int, nint, nint>)Get("BN_bin2bn"),
                BnClearFree = (delegate* unmanaged<nint, void>)Get("BN_clear_free"),
                ErrClear = (delegate* unmanaged<void>)Get("ERR_clear_error"),
            };
            if (groupNew == 0 || api.PointNew == null || api.PointFree == null || api.Oct2Point == null || api.Point2Oct == null
                || api.Mul == null || api.Add == null || api.Bin2Bn == null || api.BnClearFree == null || api.ErrClear == null)
            {
                return null;
            }

            // The group lives as long as the process: one object, only read from here on (safe across threads).
            api.Group = ((delegate* unmanaged<int, nint>)groupNew)(NidX962Prime256v1);
            return api.Group == 0 ? null : api;
        }

        return null;
    }

    /// <summary>
    /// The prover's three points: D = x R, A = k G, B = k R, each as 65 uncompressed bytes (the identity as one zero
    /// byte, as the managed path encodes it). False when OpenSSL refused anything.
    /// </summary>
    public static bool Prove(ReadOnlySpan<byte> r, ReadOnlySpan<byte> x32, ReadOnlySpan<byte> k32, out byte[] d, out byte[] a, out byte[] b)
    {
        d = a = b = [];
        var api = Lib;
        if (api is null)
        {
            return false;
        }

        nint rp = 0, dp = 0, ap = 0, bp = 0, x = 0, k = 0;
        try
        {
            x = Scalar(api, x32);
            k = Scalar(api, k32);
            rp = Decode(api, r);
            dp = api.PointNew(api.Group);
            ap = api.PointNew(api.Group);
            bp = api.PointNew(api.Group);
            if (x == 0 || k == 0 || rp == 0 || dp == 0 || ap == 0 || bp == 0
                || api.Mul(api.Group, dp, 0, rp, x, 0) != 1
                || api.Mul(api.Group, ap, k, 0, 0, 0) != 1
                || api.Mul(api.Group, bp, 0, rp, k, 0) != 1)
            {
                return false;
            }

            d = Encode(api, dp);
            a = Encode(api, ap);
            b = Encode(api, bp);
            return d.Length != 0 && a.Length != 0 && b.Length != 0;
        }
        finally
        {
            Free(api, rp, dp, ap, bp);
            // Secret scalars: BN_clear_free wipes them before freeing.
            api.BnClearFree(x);
            api.BnClearFree(k);
            api.ErrClear();
        }
    }

    /// <summary>
    /// The verifier's commitments A = s G + e Y and B = s R + e D (e = -c mod n), encoded as <see cref="Prove"/> encodes.
    /// False when OpenSSL refused anything.
    /// </summary>
    public static bool Commitments(ReadOnlySpan<byte> y, ReadOnlySpan<byte> r, ReadOnlySpan<byte> d, ReadOnlySpan<byte> s32, ReadOnlySpan<byte> e32, out byte[] a, out byte[] b)
    {
        a = b = [];
        var api = Lib;
        if (api is null)
        {
            return false;
        }

        nint yp = 0, rp = 0, dp = 0, ap = 0, sr = 0, ed = 0, bp = 0, s = 0, e = 0;
        try
        {
            s = Scalar(api, s32);
            e = Scalar(api, e32);
            yp = Decode(api, y);
            rp = Decode(api, r);
            dp = Decode(api, d);
            ap = api.PointNew(api.Group);
            sr = api.PointNew(api.Group);
            ed = api.PointNew(api.Group);
            bp = api.PointNew(api.Group);
            if (s == 0 || e == 0 || yp == 0 || rp == 0 || dp == 0 || ap == 0 || sr == 0 || ed == 0 || bp == 0
                || api.Mul(api.Group, ap, s, yp, e, 0) != 1
                || api.Mul(api.Group, sr, 0, rp, s, 0) != 1
                || api.Mul(api.Group, ed, 0, dp, e, 0) != 1
                || api.Add(api.Group, bp, sr, ed, 0) != 1)
            {
                return false;
            }

            a = Encode(api, ap);
            b = Encode(api, bp);
            return a.Length != 0 && b.Length != 0;
        }
        finally
        {
            Free(api, yp, rp, dp, ap, sr, ed, bp);
            api.BnClearFree(s);
            api.BnClearFree(e);
            api.ErrClear();
        }
    }

    private static nint Scalar(Api api, ReadOnlySpan<byte> bigEndian)
    {
        fixed (byte* p = bigEndian)
        {
            return api.Bin2Bn(p, bigEndian.Length, 0);
        }
    }

    private static nint Decode(Api api, ReadOnlySpan<byte> encoded)
    {
        var point = api.PointNew(api.Group);
        if (point == 0)
        {
            return 0;
        }

        fixed (byte* p = encoded)
        {
            if (api.Oct2Point(api.Group, point, p, (nuint)encoded.Length, 0) == 1)
            {
                return point;
            }
        }

        api.PointFree(point);
        return 0;
    }

    private static byte[] Encode(Api api, nint point)
    {
        Span<byte> buffer = stackalloc byte[65];
        nuint length;
        fixed (byte* p = buffer)
        {
            length = api.Point2Oct(api.Group, point, PointConversionUncompressed, p, 65, 0);
        }

        return length is 65 or 1 ? buffer[..(int)length].ToArray() : [];
    }

    private static void Free(Api api, params ReadOnlySpan<nint> points)
    {
        foreach (var p in points)
        {
            if (p != 0)
            {
                api.PointFree(p);
            }
        }
    }
}
