using System.Security.Cryptography;

namespace Trading.Web.Features.Submission;

/// <summary>
/// Each unfinished upload's SHA-256 as its chunks arrive, so completing a bid takes the hash instead of reading the
/// envelope again: at the deadline every completion used to read its whole envelope in the same few seconds (issue 19,
/// receipts). Memory only, on this node: an upload whose chunks went to another node, or that outlived a restart, or
/// whose hash was given up (a failed chunk), is read once at completion as before.
/// </summary>
public sealed class UploadDigests
{
    /// <summary>Beyond this many unfinished uploads at once, new ones are simply read at completion.</summary>
    public const int MaxTracked = 20_000;

    private readonly Dictionary<Guid, (long Offset, IncrementalHash Hash)> running = [];
    private readonly Lock gate = new();

    /// <summary>
    /// The upload's running hash, taken out while a chunk at <paramref name="offset"/> is written (so no other request
    /// can use it meanwhile); a fresh one for the first chunk; null when the bytes before the offset were not hashed here, or
    /// when more than the offset was hashed already (a duplicate chunk, left the hash untouched).
    /// </summary>
    public IncrementalHash? Take(Guid upload, long offset)
    {
        lock (gate)
        {
            if (running.TryGetValue(upload, out var e))
            {
                // A stale duplicate (its offset behind what was hashed and counted) will be refused when it holds the file:
                // it must not take or spoil the hash the next real chunk needs.
                if (e.Offset > offset) return null;
                running.Remove(upload);
                if (e.Offset == offset) return e.Hash;
                e.Hash.Dispose();
            }
            return offset == 0 ? IncrementalHash.CreateHash(HashAlgorithmName.SHA256) : null;
        }
    }

    /// <summary>Gives the hash back once the chunk's bytes are on disk and counted as received.</summary>
    public void Put(Guid upload, long offset, IncrementalHash hash)
    {
        lock (gate)
        {
            if (running.Count < MaxTracked && running.TryAdd(upload, (offset, hash))) return;
        }
        hash.Dispose();
    }

    /// <summary>The SHA-256 of the upload's first <paramref name="length"/> bytes, if they were all hashed here.</summary>
    public byte[]? HashOf(Guid upload, long length)
    {
        lock (gate)
        {
            return running.TryGetValue(upload, out var e) && e.Offset == length ? e.Hash.GetCurrentHash() : null;
        }
    }

    public void Forget(Guid upload)
    {
        lock (gate)
        {
            if (running.Remove(upload, out var e)) e.Hash.Dispose();
        }
    }

    /// <summary>How many uploads are hashed here now (for the tests and the node's health).</summary>
    public int Count
    {
        get { lock (gate) return running.Count; }
    }
}
