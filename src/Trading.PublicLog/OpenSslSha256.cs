using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Trading.PublicLog;

/// <summary>
/// One SHA-256 context of the platform's OpenSSL 3 (libcrypto), called directly through its EVP digest functions.
/// <para>
/// Why: a verifier hashes a million leaves and a million 65-byte nodes, and through <see cref="IncrementalHash"/> each
/// small hash cost about 2.5 times the digest itself (the runtime clears OpenSSL's error queue and guards its handle on
/// every call; bench/results/public-log.md). The digest is still OpenSSL's own (SHA-NI where the CPU has it), only
/// the calls are direct: <c>EVP_DigestInit_ex</c>, <c>_Update</c>, <c>_Final_ex</c> on a digest fetched once.
/// </para>
/// Where libcrypto 3 or one of its functions is missing, or its answer to a known input is wrong, <see cref="Create"/>
/// gives null and <see cref="MerkleHasher"/> keeps <see cref="IncrementalHash"/>; a call that fails throws.
/// </summary>
internal sealed unsafe class OpenSslSha256 : IDisposable
{
    private static readonly Api? Lib = Load();
    private nint _ctx;

    private sealed class Api
    {
        public nint Md;
        public delegate* unmanaged<nint> CtxNew;
        public delegate* unmanaged<nint, void> CtxFree;
        public delegate* unmanaged<nint, nint, nint, int> Init;
        public delegate* unmanaged<nint, byte*, nuint, int> Update;
        public delegate* unmanaged<nint, byte*, uint*, int> Final;
    }

    private OpenSslSha256(nint ctx) => _ctx = ctx;

    /// <summary>A context, or null where the platform's OpenSSL 3 cannot be used.</summary>
    public static OpenSslSha256? Create()
    {
        var api = Lib;
        if (api is null)
        {
            return null;
        }

        var ctx = api.CtxNew();
        return ctx == 0 ? null : new OpenSslSha256(ctx);
    }

    private static Api? Load()
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable("TRADING_LOG_NO_OPENSSL") == "1"
            || !NativeLibrary.TryLoad("libcrypto.so.3", out var handle))
        {
            return null;
        }

        nint Get(string symbol) => NativeLibrary.TryGetExport(handle, symbol, out var p) ? p : 0;
        var fetch = (delegate* unmanaged<nint, byte*, byte*, nint>)Get("EVP_MD_fetch");
        var api = new Api
        {
            CtxNew = (delegate* unmanaged<nint>)Get("EVP_MD_CTX_new"),
            CtxFree = (delegate* unmanaged<nint, void>)Get("EVP_MD_CTX_free"),
            Init = (delegate* unmanaged<nint, nint, nint, int>)Get("EVP_DigestInit_ex"),
            Update = (delegate* unmanaged<nint, byte*, nuint, int>)Get("EVP_DigestUpdate"),
            Final = (delegate* unmanaged<nint, byte*, uint*, int>)Get("EVP_DigestFinal_ex"),
        };
        if (fetch == null || api.CtxNew == null || api.CtxFree == null || api.Init == null || api.Update == null || api.Final == null)
        {
            return null;
        }

        // Fetched once and kept for the process: an implicit fetch per initialisation is what a static EVP_sha256() costs in OpenSSL 3.
        fixed (byte* name = "SHA256\0"u8)
        {
            api.Md = fetch(0, name, null);
        }

        if (api.Md == 0)
        {
            return null;
        }

        // A known answer before any use: a library that hashes differently is not used at all.
        var ctx = api.CtxNew();
        if (ctx == 0)
        {
            return null;
        }

        try
        {
            Span<byte> digest = stackalloc byte[32];
            var probe = "trading/log/sha256-probe"u8;
            fixed (byte* p = probe)
            fixed (byte* d = digest)
            {
                if (api.Init(ctx, api.Md, 0) != 1 || api.Update(ctx, p, (nuint)probe.Length) != 1 || api.Final(ctx, d, null) != 1)
                {
                    return null;
                }
            }

            return digest.SequenceEqual(SHA256.HashData(probe)) ? api : null;
        }
        finally
        {
            api.CtxFree(ctx);
        }
    }

    /// <summary>SHA-256 of <paramref name="a"/> followed by <paramref name="b"/> into <paramref name="destination"/> (32 bytes).</summary>
    public void Hash(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, Span<byte> destination)
    {
        var api = Lib!;
        ObjectDisposedException.ThrowIf(_ctx == 0, this);
        if (destination.Length < 32)
        {
            throw new ArgumentException("32 bytes are needed", nameof(destination));
        }

        fixed (byte* pa = a)
        fixed (byte* pb = b)
        fixed (byte* d = destination)
        {
            if (api.Init(_ctx, api.Md, 0) != 1 || api.Update(_ctx, pa, (nuint)a.Length) != 1
                || (b.Length > 0 && api.Update(_ctx, pb, (nuint)b.Length) != 1) || api.Final(_ctx, d, null) != 1)
            {
                throw new CryptographicException("OpenSSL refused a SHA-256 computation");
            }
        }
    }

    public void Dispose()
    {
        if (_ctx != 0)
        {
            Lib!.CtxFree(_ctx);
            _ctx = 0;
        }
    }
}
