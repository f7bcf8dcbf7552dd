namespace Trading.PublicLog.Bench;

/// <summary>
/// The benchmarks' code paths on a log of a few thousand entries, results checked and never time: the test suite
/// runs this (Trading.PublicLog.Tests, BenchSmokeTests) so the benchmarks keep building and measuring the right thing.
/// </summary>
public static class Smoke
{
    /// <summary>The entries of the built log and the root the benchmarked code gave, for the caller to check against a reference tree.</summary>
    public sealed record Result(IReadOnlyList<byte[]> Entries, byte[] Root);

    /// <summary>Throws if a proof or a verification fails; <paramref name="entries"/> must be a multiple of 10 (a checkpoint every tenth).</summary>
    public static Result Run(int entries)
    {
        // ProofGeneration: the proofs it times verify against the root it times.
        var proofs = new ProofGeneration { Entries = entries };
        proofs.Setup();
        var root = proofs.Root_1M();
        var inclusion = proofs.InclusionProof_1M();
        MerkleProof.VerifyInclusion(proofs.Index, entries, proofs.Store.GetNode(new NodeAddress(0, proofs.Index)), inclusion, root);
        proofs.VerifyInclusion_1M();
        var log = new MerkleLog(proofs.Store);
        var older = log.GetRootAsync(proofs.ConsistencyFrom).GetAwaiter().GetResult();
        MerkleProof.VerifyConsistency(proofs.ConsistencyFrom, entries, older, root, proofs.ConsistencyProof_600k_to_1M());

        // Append: gapless indexes from 0.
        var append = new Append { Count = entries };
        append.Setup();
        if (append.Append_100k() != entries - 1)
        {
            throw new InvalidOperationException("appends were not numbered 0..n-1");
        }

        // FullVerification: every case verifies the whole log (each throws otherwise), and the profile steps run.
        var full = new FullVerification { Entries = entries };
        full.Setup();
        try
        {
            foreach (var run in new Func<bool>[] { full.Hashes_only_1M, full.With_entry_format_1M, full.From_json_lines_1M, full.From_json_lines_with_entry_format_1M, full.Verify_json_lines_parallel_1M, full.Sha256_of_the_download })
            {
                if (!run())
                {
                    throw new InvalidOperationException("a verification case returned false");
                }
            }
            foreach (var (_, step) in full.Steps())
            {
                step();
            }
        }
        finally
        {
            full.Cleanup();
        }

        var stored = proofs.Store.GetEntriesAsync(0, entries).AsTask().GetAwaiter().GetResult();
        return new Result(stored, root);
    }
}
