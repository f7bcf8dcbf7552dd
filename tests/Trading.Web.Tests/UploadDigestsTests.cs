using System.Security.Cryptography;
using Trading.Web.Features.Submission;

namespace Trading.Web.Tests;

/// <summary>The running hashes of uploads, in the order two racing copies of one chunk can reach them.</summary>
public sealed class UploadDigestsTests
{
    [Fact]
    public void A_duplicate_chunk_that_arrives_after_its_twin_was_counted_leaves_the_running_hash_alone()
    {
        var digests = new UploadDigests();
        var upload = Guid.NewGuid();
        var chunk = RandomNumberGenerator.GetBytes(100);

        var first = digests.Take(upload, 0)!;
        first.AppendData(chunk);
        digests.Put(upload, 100, first);

        // The twin read the count (0) before the first was counted; it is refused later, and takes nothing now.
        Assert.Null(digests.Take(upload, 0));
        Assert.Equal(SHA256.HashData(chunk), digests.HashOf(upload, 100));

        // The next real chunk still gets the hash of everything before it.
        var next = digests.Take(upload, 100);
        Assert.NotNull(next);
        Assert.Null(digests.HashOf(upload, 100));
        next.Dispose();
    }

    [Fact]
    public void A_chunk_beyond_what_was_hashed_here_gets_no_hash_and_the_stale_one_is_dropped()
    {
        var digests = new UploadDigests();
        var upload = Guid.NewGuid();
        var first = digests.Take(upload, 0)!;
        first.AppendData(new byte[100]);
        digests.Put(upload, 100, first);

        // Bytes 100-199 were written through another node: this node cannot hash the upload any more.
        Assert.Null(digests.Take(upload, 200));
        Assert.Null(digests.HashOf(upload, 100));
        Assert.Equal(0, digests.Count);
    }
}
