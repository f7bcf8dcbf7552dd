using System.Text;

namespace Trading.PublicLog.Tests;

public sealed class MerkleTests
{
    // The certificate-transparency reference leaves (RFC 6962 test data), reused by RFC 9162 implementations.
    private static readonly byte[][] CtLeaves =
    [
        [], [0x00], [0x10], [0x20, 0x21], [0x30, 0x31], [0x40, 0x41, 0x42, 0x43],
        [0x50, 0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57],
        [0x60, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x6b, 0x6c, 0x6d, 0x6e, 0x6f],
    ];

    private static readonly string[] CtRoots =
    [
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ];

    private static async Task<(MerkleLog Log, List<byte[]> Entries)> BuildAsync(int n)
    {
        var log = new MerkleLog(new InMemoryLogStore());
        var entries = new List<byte[]>();
        for (int i = 0; i < n; i++)
        {
            var e = Encoding.UTF8.GetBytes($"entry {i}");
            entries.Add(e);
            Assert.Equal(i, await log.AppendAsync(e, TestContext.Current.CancellationToken));
        }
        return (log, entries);
    }

    [Fact]
    public async Task Roots_match_the_certificate_transparency_test_vectors()
    {
        var log = new MerkleLog(new InMemoryLogStore());
        Assert.Equal("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", Convert.ToHexStringLower(await log.GetRootAsync(0, TestContext.Current.CancellationToken)));
        for (int i = 0; i < CtLeaves.Length; i++)
        {
            await log.AppendAsync(CtLeaves[i], TestContext.Current.CancellationToken);
        }
        for (int size = 1; size <= CtLeaves.Length; size++)
        {
            Assert.Equal(CtRoots[size - 1], Convert.ToHexStringLower(await log.GetRootAsync(size, TestContext.Current.CancellationToken)));
        }
    }

    [Fact]
    public async Task Roots_and_proofs_from_stored_nodes_equal_the_rfc_definitions_for_every_small_tree()
    {
        const int n = 37;
        var (log, entries) = await BuildAsync(n);
        var ct = TestContext.Current.CancellationToken;
        for (int size = 1; size <= n; size++)
        {
            var root = await log.GetRootAsync(size, ct);
            Assert.Equal(MerkleReference.Mth(entries, 0, size), root);
            Assert.Equal(root, MerkleHash.RootOfLeafHashes([.. entries.Take(size).Select(e => MerkleHash.Leaf(e))]));
            for (int index = 0; index < size; index++)
            {
                var proof = await log.GetInclusionProofAsync(index, size, ct);
                Assert.Equal(MerkleReference.Path(index, entries, 0, size), proof);
                Assert.Equal(MerkleProof.InclusionLength(index, size), proof.Count);
                MerkleProof.VerifyInclusion(index, size, MerkleHash.Leaf(entries[index]), proof, root);
            }
            for (int size1 = 1; size1 <= size; size1++)
            {
                var proof = await log.GetConsistencyProofAsync(size1, size, ct);
                Assert.Equal(MerkleReference.Proof(size1, entries, size), proof);
                Assert.Equal(MerkleProof.ConsistencyLength(size1, size), proof.Count);
                MerkleProof.VerifyConsistency(size1, size, await log.GetRootAsync(size1, ct), root, proof);
            }
        }
    }

    [Fact]
    public async Task Any_flipped_bit_in_an_inclusion_proof_leaf_or_root_is_refused()
    {
        var (log, entries) = await BuildAsync(13);
        var ct = TestContext.Current.CancellationToken;
        var root = await log.GetRootAsync(13, ct);
        var proof = await log.GetInclusionProofAsync(6, 13, ct);
        var leaf = MerkleHash.Leaf(entries[6]);
        for (int p = 0; p < proof.Count; p++)
        {
            var bad = proof.Select(h => (byte[])h.Clone()).ToList();
            bad[p][p % 32] ^= 0x01;
            Assert.Throws<LogVerificationException>(() => MerkleProof.VerifyInclusion(6, 13, leaf, bad, root));
        }
        Assert.Throws<LogVerificationException>(() => MerkleProof.VerifyInclusion(6, 13, MerkleHash.Leaf(entries[7]), proof, root));
        Assert.Throws<LogVerificationException>(() => MerkleProof.VerifyInclusion(7, 13, leaf, proof, root));
        var badRoot = (byte[])root.Clone();
        badRoot[0] ^= 0x80;
        Assert.Throws<LogVerificationException>(() => MerkleProof.VerifyInclusion(6, 13, leaf, proof, badRoot));
    }

    [Fact]
    public async Task Consistency_proof_with_a_changed_hash_or_wrong_old_root_is_refused()
    {
        var (log, _) = await BuildAsync(21);
        var ct = TestContext.Current.CancellationToken;
        var root1 = await log.GetRootAsync(7, ct);
        var root2 = await log.GetRootAsync(21, ct);
        var proof = await log.GetConsistencyProofAsync(7, 21, ct);
        for (int p = 0; p < proof.Count; p++)
        {
            var bad = proof.Select(h => (byte[])h.Clone()).ToList();
            bad[p][31] ^= 0x01;
            Assert.Throws<LogVerificationException>(() => MerkleProof.VerifyConsistency(7, 21, root1, root2, bad));
        }
        var other = await log.GetRootAsync(8, ct);
        var e = Assert.Throws<LogVerificationException>(() => MerkleProof.VerifyConsistency(7, 21, other, root2, proof));
        Assert.Equal("proof.consistency-root-mismatch", e.Code);
    }

    [Fact]
    public async Task Consistency_from_size_zero_is_refused_both_when_generating_and_verifying()
    {
        var (log, _) = await BuildAsync(5);
        var ct = TestContext.Current.CancellationToken;
        var e1 = await Assert.ThrowsAsync<LogRangeException>(() => log.GetConsistencyProofAsync(0, 5, ct));
        Assert.Equal("proof.consistency-from-zero", e1.Code);
        var root5 = await log.GetRootAsync(5, ct);
        var e2 = Assert.Throws<LogRangeException>(() => MerkleProof.VerifyConsistency(0, 5, MerkleHash.EmptyRoot(), root5, []));
        Assert.Equal("proof.consistency-from-zero", e2.Code);
    }

    [Fact]
    public async Task Empty_paths_where_one_is_needed_are_refused()
    {
        var (log, entries) = await BuildAsync(5);
        var ct = TestContext.Current.CancellationToken;
        var root = await log.GetRootAsync(5, ct);
        var e1 = Assert.Throws<LogFormatException>(() => MerkleProof.VerifyInclusion(2, 5, MerkleHash.Leaf(entries[2]), [], root));
        Assert.Equal("proof.empty", e1.Code);
        // Size 4 is a power of two: its root is the first step, yet a proof to 5 still needs the new leaf.
        var root4 = await log.GetRootAsync(4, ct);
        var e2 = Assert.Throws<LogFormatException>(() => MerkleProof.VerifyConsistency(4, 5, root4, root, []));
        Assert.Equal("proof.empty", e2.Code);
        Assert.Equal(1, MerkleProof.ConsistencyLength(4, 5));
    }

    [Fact]
    public async Task Sizes_and_indexes_beyond_the_tree_are_refused()
    {
        var (log, entries) = await BuildAsync(6);
        var ct = TestContext.Current.CancellationToken;
        Assert.Equal("proof.size-beyond-tree", (await Assert.ThrowsAsync<LogRangeException>(() => log.GetInclusionProofAsync(1, 7, ct))).Code);
        Assert.Equal("proof.index-beyond-tree", (await Assert.ThrowsAsync<LogRangeException>(() => log.GetInclusionProofAsync(6, 6, ct))).Code);
        Assert.Equal("proof.size-beyond-tree", (await Assert.ThrowsAsync<LogRangeException>(() => log.GetConsistencyProofAsync(3, 9, ct))).Code);
        Assert.Equal("proof.size-beyond-tree", (await Assert.ThrowsAsync<LogRangeException>(() => log.GetRootAsync(7, ct))).Code);
        Assert.Equal("proof.consistency-shrinks", (await Assert.ThrowsAsync<LogRangeException>(() => log.GetConsistencyProofAsync(5, 4, ct))).Code);
        var root = await log.GetRootAsync(6, ct);
        var proof = await log.GetInclusionProofAsync(5, 6, ct);
        Assert.Equal("proof.index-beyond-tree", Assert.Throws<LogRangeException>(() => MerkleProof.VerifyInclusion(6, 6, MerkleHash.Leaf(entries[5]), proof, root)).Code);
        Assert.Equal("proof.index-beyond-tree", Assert.Throws<LogRangeException>(() => MerkleProof.VerifyInclusion(-1, 6, MerkleHash.Leaf(entries[5]), proof, root)).Code);
    }

    [Fact]
    public async Task Leading_or_trailing_garbage_in_a_proof_is_refused()
    {
        var (log, entries) = await BuildAsync(11);
        var ct = TestContext.Current.CancellationToken;
        var root = await log.GetRootAsync(11, ct);
        var proof = await log.GetInclusionProofAsync(3, 11, ct);
        var leaf = MerkleHash.Leaf(entries[3]);
        var bytes = MerkleProof.ToBytes(proof);
        MerkleProof.VerifyInclusion(3, 11, leaf, MerkleProof.FromBytes(bytes), root);

        Assert.Equal("proof.partial-hash", Assert.Throws<LogFormatException>(() => MerkleProof.FromBytes([.. bytes, 0x00])).Code);
        Assert.Equal("proof.partial-hash", Assert.Throws<LogFormatException>(() => MerkleProof.FromBytes([0xff, .. bytes])).Code);
        var extraHash = new byte[32];
        var trailing = MerkleProof.FromBytes([.. bytes, .. extraHash]);
        Assert.Equal("proof.wrong-length", Assert.Throws<LogFormatException>(() => MerkleProof.VerifyInclusion(3, 11, leaf, trailing, root)).Code);
        var leading = MerkleProof.FromBytes([.. extraHash, .. bytes]);
        Assert.Equal("proof.wrong-length", Assert.Throws<LogFormatException>(() => MerkleProof.VerifyInclusion(3, 11, leaf, leading, root)).Code);

        var cproof = await log.GetConsistencyProofAsync(3, 11, ct);
        var root3 = await log.GetRootAsync(3, ct);
        Assert.Equal("proof.wrong-length", Assert.Throws<LogFormatException>(() => MerkleProof.VerifyConsistency(3, 11, root3, root, [.. cproof, extraHash])).Code);
        Assert.Equal("proof.wrong-length", Assert.Throws<LogFormatException>(() => MerkleProof.VerifyConsistency(3, 11, root3, root, [extraHash, .. cproof])).Code);

        var b64 = MerkleProof.ToBase64(proof);
        MerkleProof.VerifyInclusion(3, 11, leaf, MerkleProof.FromBase64(b64), root);
        Assert.Equal("base64.invalid", Assert.Throws<LogFormatException>(() => MerkleProof.FromBase64([" " + b64[0], .. b64[1..]])).Code);
        Assert.Equal("base64.invalid", Assert.Throws<LogFormatException>(() => MerkleProof.FromBase64([b64[0] + "AA==", .. b64[1..]])).Code);
        Assert.Equal("hash.wrong-length", Assert.Throws<LogFormatException>(() => MerkleProof.FromBase64([Convert.ToBase64String(new byte[33])])).Code);
    }

    [Fact]
    public async Task Equal_sizes_need_an_empty_proof_and_equal_roots()
    {
        var (log, _) = await BuildAsync(4);
        var ct = TestContext.Current.CancellationToken;
        var r4 = await log.GetRootAsync(4, ct);
        MerkleProof.VerifyConsistency(4, 4, r4, r4, []);
        var r3 = await log.GetRootAsync(3, ct);
        Assert.Equal("proof.same-size-different-root", Assert.Throws<LogVerificationException>(() => MerkleProof.VerifyConsistency(4, 4, r4, r3, [])).Code);
        Assert.Equal("proof.wrong-length", Assert.Throws<LogFormatException>(() => MerkleProof.VerifyConsistency(4, 4, r4, r4, [r4])).Code);
    }

    [Fact]
    public void Messages_exist_in_both_languages_for_every_code()
    {
        foreach (var code in LogMessages.Codes)
        {
            var en = LogMessages.Format(code, new Dictionary<string, object?>(), LogMessages.English);
            var zh = LogMessages.Format(code, new Dictionary<string, object?>(), LogMessages.Chinese);
            Assert.NotEqual(en, zh);
            Assert.Contains(zh, c => c >= 0x4e00 && c <= 0x9fff);
        }
        var e = new LogRangeException("log.gap", new Dictionary<string, object?> { ["index"] = 5L, ["size"] = 3L });
        Assert.Contains("5", e.Message);
        Assert.Contains("编号", e.Localized("zh-CN"));
    }

    [Fact]
    public async Task The_store_refuses_gaps_and_the_log_refuses_malformed_hashes()
    {
        var store = new InMemoryLogStore();
        var ct = TestContext.Current.CancellationToken;
        var e = await Assert.ThrowsAsync<LogRangeException>(async () => await store.AppendAsync(1, new byte[] { 1 }, [], ct));
        Assert.Equal("log.gap", e.Code);
        Assert.Equal(0, store.Size);
        Assert.Equal("store.node-missing", Assert.Throws<LogRangeException>(() => store.GetNode(new NodeAddress(0, 0))).Code);
        Assert.Equal("hash.wrong-length", Assert.Throws<LogFormatException>(() => new CompactRange().Append(new byte[31])).Code);
        Assert.Equal("hash.wrong-length", Assert.Throws<LogFormatException>(() => MerkleProof.VerifyInclusion(0, 1, new byte[32], [], new byte[33])).Code);
    }

    [Fact]
    public async Task Large_entries_hash_the_same_through_the_pooled_path()
    {
        var big = new byte[5000];
        new Random(7).NextBytes(big);
        Assert.Equal(MerkleReference.Mth([big], 0, 1), MerkleHash.Leaf(big));
        var log = new MerkleLog(new InMemoryLogStore());
        await log.AppendAsync(big, TestContext.Current.CancellationToken);
        Assert.Equal(MerkleReference.Mth([big], 0, 1), await log.GetRootAsync(1, TestContext.Current.CancellationToken));
    }

    /// <summary>
    /// The reused hasher (OpenSSL called directly on Linux, IncrementalHash elsewhere) gives the one-shot hashes for leaves
    /// of every length around the one-shot path's 1,024-byte switch and for nodes written over one of their inputs.
    /// </summary>
    [Fact]
    public void The_reused_hasher_agrees_with_the_one_shot_hashes()
    {
        // CI runs Debian with libcrypto 3: there the direct path is what is being tested.
        using (var direct = OpenSslSha256.Create())
        {
            Assert.Equal(OperatingSystem.IsLinux(), direct is not null);
        }

        var rng = new Random(9162);
        using var hasher = new MerkleHasher();
        Span<byte> leaf = stackalloc byte[MerkleHash.Size];
        foreach (var length in new[] { 0, 1, 54, 55, 56, 63, 64, 65, 119, 120, 230, 1023, 1024, 1025, 5000 })
        {
            var entry = new byte[length];
            rng.NextBytes(entry);
            hasher.Leaf(entry, leaf);
            Assert.Equal(MerkleHash.Leaf(entry), leaf.ToArray());
        }

        var left = new byte[MerkleHash.Size];
        var right = new byte[MerkleHash.Size];
        for (var i = 0; i < 50; i++)
        {
            rng.NextBytes(left);
            rng.NextBytes(right);
            var expected = MerkleHash.Node(left, right);
            hasher.Node(left, right, right);
            Assert.Equal(expected, right);
        }
    }
}
