namespace Trading.Crypto.Bench;

/// <summary>
/// The benchmarks' code paths at a tiny size, with their results checked and never their time: the test suite runs
/// this (Trading.Crypto.Tests, BenchSmokeTests) so a benchmark that no longer builds or computes the wrong thing
/// fails CI instead of rotting until the next measurement.
/// </summary>
public static class Smoke
{
    /// <summary>Throws unless every measured operation gives the right result.</summary>
    public static async Task RunAsync()
    {
        // DLEQ: the same proofs as the BouncyCastle baseline, all verifying (the `dleq` mode).
        Dleq.Smoke(4);

        // The same proof pair BenchmarkDotNet times (ProofBenchmarks).
        var proofs = new ProofBenchmarks();
        proofs.Setup();
        proofs.DleqProve();
        proofs.DleqVerify();

        // Envelope and raw AES-GCM rows (EnvelopeBenchmarks, `quick`) at 4 one-MiB chunks: every decryption gives the plaintext back.
        var env = new EnvelopeBenchmarks { Size = 4 << 20 };
        env.Setup();
        await env.EnvelopeSeal();
        await env.EnvelopeSealOneThread();
        await env.EnvelopeSealWithSha256();
        await env.EnvelopeSealToMemory();
        env.RawAesGcmEncryptChunked();
        env.RawAesGcmDecryptChunked();
        Check(env.DecryptedMatches(), "raw chunked AES-GCM did not give the plaintext back");
        await env.EnvelopeDecrypt();
        await env.EnvelopeDecryptOneThread();
        await env.EnvelopeDecryptToMemory();
        Check(env.SinkMatches(), "the envelope did not decrypt to the plaintext");

        // The opening rows (OpeningBenchmarks) with 5 bids: every bid's three proofs check and combine.
        var opening = new OpeningBenchmarks { Bids = 5 };
        opening.Setup();
        Check(opening.PartialsFor500BidsBy3Holders() == 5, "partials for 5 bids");
        Check(opening.VerifyAndCombine500Bids() == 5, "not every bid combined");
    }

    /// <summary>
    /// The `cli-vs-age` mode at 4 MiB and one round, on the given trading.dll: the envelope's hash is its manifest's and
    /// the opened bid is the sealed one (age's rows too when age is installed; skipped otherwise). Throws otherwise.
    /// </summary>
    public static void CliVsAge(string tradingDll) => Bench.CliVsAge.Smoke(tradingDll);

    private static void Check(bool ok, string what)
    {
        if (!ok)
        {
            throw new InvalidOperationException("benchmark smoke run: " + what);
        }
    }
}
