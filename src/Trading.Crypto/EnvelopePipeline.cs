using System.Buffers;
using System.Runtime.ExceptionServices;
using System.Security.Cryptography;

namespace Trading.Crypto;

/// <summary>
/// The payload pass of sealing and opening (docs/envelope-format.md 3.4 and 3.5), shared by both directions. The
/// stream is cut into batches of whole chunks (a few MiB, so every read, write and hand-off between threads moves
/// several chunks at once), and each batch goes through three steps that overlap with other batches' steps:
/// <list type="number">
/// <item>read: the calling flow reads batch b+1 in one call (on a file that call runs on another thread);</item>
/// <item>crypt: batch b's chunks are encrypted or decrypted on the thread pool, out of place, in chunk order within the batch;
/// batches run in parallel with each other, each slot with its own AEAD instance;</item>
/// <item>hash and write, in batch order: while batch b-2's output is written, the calling flow adds it (sealing) or its
/// ciphertext (opening) to the envelope's SHA-256, so neither the hash nor a second read of the file is on the critical path.</item>
/// </list>
/// A chunk's final flag needs to know whether the stream ends after it, so a full batch is dispatched only once the read
/// of the next one has returned (as the chunk-by-chunk code did one chunk ahead). The output is the same bytes as the
/// chunk-by-chunk STREAM construction for every length, chunk size and batch size; a refusal is reported for the first
/// failing chunk in order, with every chunk before it written and nothing after it.
/// </summary>
internal sealed class EnvelopePipeline
{
    /// <summary>Default bytes of input per batch: three 1 MiB chunks, so each slot's two buffers fit the pool's 4 MiB bucket.</summary>
    internal const int DefaultBatchBytes = 4 << 20;

    // Slots: one being read, one waiting for the read after it (its final flag), and two being encrypted or written.
    private const int Slots = 4;

    // A batch with less than this takes less time to process than to hand to another thread: it runs inline.
    private const int ParallelMinBytes = 64 << 10;

    private sealed class Slot
    {
        public byte[] In = [];
        public byte[] Out = [];
        public IChunkAead? Aead;
        public int InLength;
        public Task<int>? Work;
        public Exception? Refusal;
    }

    private readonly bool _decrypt;
    private readonly int _chunkSize;
    private readonly int _inBlock;
    private readonly int _outBlock;
    private readonly int _chunksPerBatch;
    private readonly byte[] _prefix;
    private readonly byte[] _aad;
    private readonly bool _parallel;

    private EnvelopePipeline(bool decrypt, int chunkSize, int batchBytes, byte[] prefix, byte[] aad, bool parallel)
    {
        _decrypt = decrypt;
        _chunkSize = chunkSize;
        var block = chunkSize + EnvelopeHeader.TagLength;
        (_inBlock, _outBlock) = decrypt ? (block, chunkSize) : (chunkSize, block);

        // Whole chunks with the larger (tagged) block inside the batch size, at least one.
        _chunksPerBatch = Math.Max(1, batchBytes / block);
        _prefix = prefix;
        _aad = aad;
        _parallel = parallel;
    }

    /// <summary>Encrypts <paramref name="input"/> chunk by chunk to <paramref name="output"/>, hashing the output; returns the bytes written.</summary>
    internal static Task<long> SealAsync(Stream input, Stream output, CryptoSuite suite, byte[] payloadKey, byte[] prefix, byte[] headerHash, int chunkSize,
        IncrementalHash? hashOutput, bool parallel, int batchBytes, CancellationToken ct) =>
        new EnvelopePipeline(false, chunkSize, batchBytes, prefix, headerHash, parallel).RunAsync(input, output, suite, payloadKey, hashOutput, ct);

    /// <summary>Decrypts the blocks of <paramref name="input"/> to <paramref name="output"/>, hashing the input; returns the bytes written.</summary>
    internal static Task<long> OpenAsync(Stream input, Stream output, CryptoSuite suite, byte[] payloadKey, byte[] prefix, byte[] headerHash, int chunkSize,
        IncrementalHash? hashInput, bool parallel, int batchBytes, CancellationToken ct) =>
        new EnvelopePipeline(true, chunkSize, batchBytes, prefix, headerHash, parallel).RunAsync(input, output, suite, payloadKey, hashInput, ct);

    private async Task<long> RunAsync(Stream input, Stream output, CryptoSuite suite, byte[] payloadKey, IncrementalHash? hash, CancellationToken ct)
    {
        var slots = new Slot[Slots];
        Task<int>? reading = null;
        long written = 0;
        long flushed = 0; // the next batch to hash and write
        try
        {
            for (var i = 0; i < Slots; i++)
            {
                slots[i] = new Slot
                {
                    In = ArrayPool<byte>.Shared.Rent(_chunksPerBatch * _inBlock),
                    Out = ArrayPool<byte>.Shared.Rent(_chunksPerBatch * _outBlock),
                    Aead = suite.Aead(payloadKey),
                };
            }

            var batchIn = _chunksPerBatch * _inBlock;
            async Task FlushAsync(long batch)
            {
                var s = slots[batch % Slots];
                var produced = await s.Work!;
                s.Work = null;
                var write = output.WriteAsync(s.Out.AsMemory(0, produced), ct);
                // The hash runs here while the write runs (on a file, on another thread): both only read the buffers.
                hash?.AppendData(_decrypt ? s.In.AsSpan(0, s.InLength) : s.Out.AsSpan(0, produced));
                await write;
                written += produced;
                if (s.Refusal is { } refusal)
                {
                    s.Refusal = null;
                    ExceptionDispatchInfo.Throw(refusal);
                }
            }

            long current = 0;
            long counter = 0; // the first chunk of the current batch
            slots[0].InLength = await input.ReadAtLeastAsync(slots[0].In.AsMemory(0, batchIn), batchIn, false, ct);
            if (_decrypt && slots[0].InLength == 0)
            {
                throw new CryptoException(CryptoErrorCode.PayloadTruncated, "-1");
            }

            while (true)
            {
                var slot = slots[current % Slots];
                var last = true;
                if (slot.InLength == batchIn)
                {
                    // Full: whether its last chunk is final is known once the next batch is read.
                    var next = current + 1;
                    while (flushed <= next - Slots)
                    {
                        await FlushAsync(flushed++);
                    }

                    var into = slots[next % Slots];
                    reading = input.ReadAtLeastAsync(into.In.AsMemory(0, batchIn), batchIn, false, ct).AsTask();

                    // While that read runs, hash and write the oldest batch, keeping one batch behind in flight.
                    while (flushed + 2 <= current)
                    {
                        await FlushAsync(flushed++);
                    }

                    into.InLength = await reading;
                    reading = null;
                    last = into.InLength == 0;
                }

                var chunks = ChunkCount(slot.InLength);
                if (counter + chunks - 1 > uint.MaxValue)
                {
                    throw new OverflowException("more than 2^32 chunks");
                }

                var (s, first, n, isLast) = (slot, (uint)counter, chunks, last);
                Func<int> work = _decrypt ? () => DecryptBatch(s, first, n, isLast) : () => EncryptBatch(s, first, n, isLast);
                slot.Work = _parallel && slot.InLength >= ParallelMinBytes ? Task.Run(work, CancellationToken.None) : RunInline(work);
                if (last)
                {
                    break;
                }

                counter += chunks;
                current++;
            }

            while (flushed <= current)
            {
                await FlushAsync(flushed++);
            }

            return written;
        }
        finally
        {
            // Everything still in flight (after a refusal or cancellation) ends before its buffers are wiped and pooled.
            if (reading is not null)
            {
                await ((Task)reading).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }

            foreach (var s in slots)
            {
                if (s is null)
                {
                    continue;
                }

                if (s.Work is not null)
                {
                    await ((Task)s.Work).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                }

                s.Aead?.Dispose();
                // Only the plaintext side is wiped, and only as far as a batch reaches: the pool rounds a 3 MiB batch up
                // to 4 MiB, and wiping both sides whole cleared 32 MiB for every envelope, more than a 20 MiB bid's own
                // size (3 % of an opening's CPU samples, issue 19). Ciphertext is public.
                Release(s.In, _decrypt ? 0 : _chunksPerBatch * _inBlock);
                Release(s.Out, _decrypt ? _chunksPerBatch * _outBlock : 0);
            }
        }
    }

    private static void Release(byte[] buffer, int wipe)
    {
        if (buffer.Length > 0)
        {
            CryptographicOperations.ZeroMemory(buffer.AsSpan(0, Math.Min(wipe, buffer.Length)));
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static Task<int> RunInline(Func<int> work)
    {
        try
        {
            return Task.FromResult(work());
        }
        catch (Exception e)
        {
            return Task.FromException<int>(e);
        }
    }

    /// <summary>Chunks in a batch of <paramref name="length"/> input bytes; an empty plaintext is one empty final chunk.</summary>
    private int ChunkCount(int length) => length == 0 ? 1 : (length + _inBlock - 1) / _inBlock;

    private int EncryptBatch(Slot s, uint first, int chunks, bool lastBatch)
    {
        Span<byte> nonce = stackalloc byte[12];
        var produced = 0;
        for (var j = 0; j < chunks; j++)
        {
            var offset = j * _chunkSize;
            var length = Math.Min(_chunkSize, s.InLength - offset);
            EnvelopeKdf.Nonce(_prefix, first + (uint)j, lastBatch && j == chunks - 1, nonce);
            var outAt = j * _outBlock;
            s.Aead!.Encrypt(nonce, s.In.AsSpan(offset, length), s.Out.AsSpan(outAt, length), s.Out.AsSpan(outAt + length, EnvelopeHeader.TagLength), _aad);
            produced = outAt + length + EnvelopeHeader.TagLength;
        }

        return produced;
    }

    /// <summary>Decrypts in chunk order; a refusal stops the batch and is kept for the flush, after the chunks before it are written.</summary>
    private int DecryptBatch(Slot s, uint first, int chunks, bool lastBatch)
    {
        var produced = 0;
        for (var j = 0; j < chunks; j++)
        {
            var counter = first + (uint)j;
            var offset = j * _inBlock;
            var textLength = Math.Min(_inBlock, s.InLength - offset) - EnvelopeHeader.TagLength;
            var last = lastBatch && j == chunks - 1;
            try
            {
                if (textLength < 0)
                {
                    // Only a final block can be short: fewer than 16 bytes cannot even hold its tag.
                    throw new CryptoException(CryptoErrorCode.PayloadTruncated, ((long)counter - 1).ToString());
                }

                DecryptChunk(s.Aead!, counter, last, s.In.AsSpan(offset, textLength), s.In.AsSpan(offset + textLength, EnvelopeHeader.TagLength),
                    s.Out.AsSpan(j * _outBlock, textLength));
            }
            catch (CryptoException e)
            {
                s.Refusal = e;
                return produced;
            }

            produced = j * _outBlock + textLength;
        }

        return produced;
    }

    private void DecryptChunk(IChunkAead gcm, uint counter, bool last, ReadOnlySpan<byte> text, ReadOnlySpan<byte> tag, Span<byte> plain)
    {
        if (TryDecrypt(gcm, counter, last, text, tag, plain))
        {
            return;
        }

        // Tell truncation and extension apart from tampering: the chunk is intact but its flag says otherwise.
        if (last && TryDecrypt(gcm, counter, false, text, tag, plain))
        {
            throw new CryptoException(CryptoErrorCode.PayloadTruncated, counter.ToString());
        }

        if (!last && TryDecrypt(gcm, counter, true, text, tag, plain))
        {
            throw new CryptoException(CryptoErrorCode.PayloadExtended, counter.ToString());
        }

        throw new CryptoException(CryptoErrorCode.ChunkAuthenticationFailed, counter.ToString());
    }

    private bool TryDecrypt(IChunkAead gcm, uint counter, bool last, ReadOnlySpan<byte> text, ReadOnlySpan<byte> tag, Span<byte> plain)
    {
        Span<byte> nonce = stackalloc byte[12];
        EnvelopeKdf.Nonce(_prefix, counter, last, nonce);
        return gcm.TryDecrypt(nonce, text, tag, plain, _aad);
    }
}
