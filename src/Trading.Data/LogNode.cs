namespace Trading.Data;

/// <summary>
/// A stored perfect-subtree hash of the public log's Merkle tree: the subtree of 2^Level leaves
/// starting at leaf Index * 2^Level (Level 0 repeats the entry's leaf hash). Written in the same
/// transaction as the entry that completes it, so any committed size has every node its roots and
/// proofs need, and proofs are read in O(log n) rows instead of recomputed from entries.
/// </summary>
public class LogNode
{
    public int Level { get; set; }
    public long Index { get; set; }
    public byte[] Hash { get; set; } = [];
}
