using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using Trading.PublicLog;

namespace Trading.PublicLog.Bench;

/// <summary>Shared million-entry log, built once per benchmark process (smaller for the test suite's smoke run).</summary>
internal static class MillionLog
{
    public const int Size = 1_000_000;
    public const string Origin = "bench.local/log";

    public static (InMemoryLogStore Store, MerkleLog Log) Build(int size = Size)
    {
        var store = new InMemoryLogStore();
        var log = new MerkleLog(store);
        var time = new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);
        var pseudonyms = new Pseudonymizer(new byte[32]);
        for (int i = 0; i < size; i++)
        {
            // A realistic bid.submitted entry (~230 bytes of canonical JSON).
            var entry = LogEntry.BidSubmitted($"T-2026-{i / 50:D5}", "L-1", pseudonyms.Pseudonym("firm", i.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                SHA256.HashData(BitConverter.GetBytes(i)), 1_000_000 + i, time.AddMilliseconds(i));
            log.AppendAsync(entry.ToCanonicalBytes()).GetAwaiter().GetResult();
        }
        return (store, log);
    }
}

/// <summary>Proof generation from stored nodes at 1,000,000 entries.</summary>
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 5)]
[MemoryDiagnoser]
public class ProofGeneration
{
    private MerkleLog _log = null!;
    private long _index;
    private byte[] _leaf = null!;
    private byte[] _root = null!;
    private IReadOnlyList<byte[]> _proof = null!;

    /// <summary>1,000,000 in the benchmark; the smoke run (<see cref="Smoke"/>) uses a few thousand.</summary>
    public int Entries { get; set; } = MillionLog.Size;

    internal InMemoryLogStore Store { get; private set; } = null!;

    internal long Index => _index;

    internal long ConsistencyFrom => Entries / 10 * 6 + 1;

    [GlobalSetup]
    public void Setup()
    {
        (Store, _log) = MillionLog.Build(Entries);
        _index = Entries / 9 * 7; // 777,777 of 1,000,000
        _leaf = Store.GetNode(new NodeAddress(0, _index));
        _root = _log.GetRootAsync(Entries).GetAwaiter().GetResult();
        _proof = _log.GetInclusionProofAsync(_index, Entries).GetAwaiter().GetResult();
    }

    [Benchmark]
    public IReadOnlyList<byte[]> InclusionProof_1M() => _log.GetInclusionProofAsync(_index, Entries).GetAwaiter().GetResult();

    [Benchmark]
    public IReadOnlyList<byte[]> ConsistencyProof_600k_to_1M() => _log.GetConsistencyProofAsync(ConsistencyFrom, Entries).GetAwaiter().GetResult();

    [Benchmark]
    public byte[] Root_1M() => _log.GetRootAsync(Entries).GetAwaiter().GetResult();

    [Benchmark]
    public void VerifyInclusion_1M() => MerkleProof.VerifyInclusion(_index, Entries, _leaf, _proof, _root);
}

/// <summary>Appends into an in-memory store (the web app's PostgreSQL numbers are measured there).</summary>
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 5)]
public class Append
{
    private byte[][] _entries = null!;

    /// <summary>100,000 in the benchmark (its OperationsPerInvoke); the smoke run uses fewer.</summary>
    public int Count { get; set; } = 100_000;

    [GlobalSetup]
    public void Setup()
    {
        var time = new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);
        _entries = [.. Enumerable.Range(0, Count).Select(i => new LogEntry(LogEntryTypes.TenderDocumentObtained, 1, time, "T-1", new JsonObject { ["bidder"] = $"firm:{i:x32}" }).ToCanonicalBytes())];
    }

    [Benchmark(OperationsPerInvoke = 100_000)]
    public long Append_100k()
    {
        var log = new MerkleLog(new InMemoryLogStore());
        long last = 0;
        foreach (var e in _entries)
        {
            last = log.AppendAsync(e).GetAwaiter().GetResult();
        }
        return last;
    }
}

/// <summary>Full verification of a downloaded 1,000,000-entry log with 10 signed checkpoints.</summary>
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 3)]
[MemoryDiagnoser]
public class FullVerification
{
    private List<LogExportRecord> _records = null!;
    private byte[] _jsonLines = null!;
    private List<string> _notes = null!;
    private NoteVerifier _verifier = null!;
    private ECDsa _key = null!;

    /// <summary>1,000,000 in the benchmark (a multiple of 10: a checkpoint every tenth); the smoke run uses a few thousand.</summary>
    public int Entries { get; set; } = MillionLog.Size;

    [GlobalSetup]
    public void Setup()
    {
        var (store, log) = MillionLog.Build(Entries);
        var entries = store.GetEntriesAsync(0, Entries).AsTask().GetAwaiter().GetResult();
        _records = [.. entries.Select((e, i) => new LogExportRecord(i, e, store.GetNode(new NodeAddress(0, i))))];
        var sw = new StringWriter();
        LogVerifier.WriteJsonLines(_records, sw);
        _jsonLines = Encoding.UTF8.GetBytes(sw.ToString());
        _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var signer = new NoteSigner(MillionLog.Origin, _key);
        _verifier = signer.Verifier;
        var t = new DateTimeOffset(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);
        _notes = [.. Enumerable.Range(1, 10).Select(k => SignedNote.SignCheckpoint(
            new Checkpoint(MillionLog.Origin, k * (Entries / 10L), log.GetRootAsync(k * (Entries / 10L)).GetAwaiter().GetResult(), t.AddHours(k)), signer))];
    }

    [GlobalCleanup]
    public void Cleanup() => _key.Dispose();

    [Benchmark]
    public bool Hashes_only_1M() => Check(LogVerifier.Verify(_records, _notes, _verifier, new LogVerifier.Options(CheckEntryFormat: false)));

    [Benchmark]
    public bool With_entry_format_1M() => Check(LogVerifier.Verify(_records, _notes, _verifier, new LogVerifier.Options(CheckEntryFormat: true)));

    [Benchmark]
    public bool From_json_lines_1M()
    {
        using var stream = new MemoryStream(_jsonLines);
        return Check(LogVerifier.Verify(LogVerifier.ReadJsonLines(stream), _notes, _verifier, new LogVerifier.Options(CheckEntryFormat: false)));
    }

    /// <summary>What <c>trading verify-log</c> does by default: parse the download and check every entry's format too.</summary>
    [Benchmark]
    public bool From_json_lines_with_entry_format_1M()
    {
        using var stream = new MemoryStream(_jsonLines);
        return Check(LogVerifier.Verify(LogVerifier.ReadJsonLines(stream), _notes, _verifier, new LogVerifier.Options(CheckEntryFormat: true)));
    }

    /// <summary>What <c>trading verify-log</c> runs now: the same checks, per-row work in parallel blocks.</summary>
    [Benchmark]
    public bool Verify_json_lines_parallel_1M()
    {
        using var stream = new MemoryStream(_jsonLines);
        return Check(LogVerifier.VerifyJsonLines(stream, _notes, _verifier, new LogVerifier.Options(CheckEntryFormat: true)));
    }

    /// <summary>The baseline of the same run: one SHA-256 over the whole download (what <c>sha256sum</c> does).</summary>
    public bool Sha256_of_the_download() => System.Security.Cryptography.SHA256.HashData(_jsonLines).Length == 32;

    /// <summary>The row-by-row path cut into cumulative steps, for <c>--profile</c>.</summary>
    public IEnumerable<(string Name, Action Run)> Steps()
    {
        yield return ("SHA-256 of the download (baseline)", () => Sha256_of_the_download());
        yield return ("split lines only", () =>
        {
            var n = 0;
            var span = _jsonLines.AsSpan();
            int i;
            while ((i = span.IndexOf((byte)'\n')) >= 0)
            {
                n++;
                span = span[(i + 1)..];
            }
        });
        yield return ("parse rows (ReadJsonLines)", () =>
        {
            using var stream = new MemoryStream(_jsonLines);
            foreach (var r in LogVerifier.ReadJsonLines(stream))
            {
                _ = r;
            }
        });
        yield return ("parse + leaf hash", () =>
        {
            using var stream = new MemoryStream(_jsonLines);
            Span<byte> leaf = stackalloc byte[32];
            foreach (var r in LogVerifier.ReadJsonLines(stream))
            {
                MerkleHash.Leaf(r.Entry, leaf);
            }
        });
        yield return ("parse + leaf hash + entry format", () =>
        {
            using var stream = new MemoryStream(_jsonLines);
            Span<byte> leaf = stackalloc byte[32];
            foreach (var r in LogVerifier.ReadJsonLines(stream))
            {
                MerkleHash.Leaf(r.Entry, leaf);
                LogEntry.Validate(r.Entry);
            }
        });
        yield return ("leaf hash only, one-shot (records in memory)", () =>
        {
            Span<byte> leaf = stackalloc byte[32];
            foreach (var r in _records)
            {
                MerkleHash.Leaf(r.Entry, leaf);
            }
        });
        yield return ("leaf hash only, reused context (records in memory)", () =>
        {
            using var h = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            Span<byte> leaf = stackalloc byte[32];
            ReadOnlySpan<byte> zero = [0];
            foreach (var r in _records)
            {
                h.AppendData(zero);
                h.AppendData(r.Entry);
                h.GetHashAndReset(leaf);
            }
        });
        yield return ("entry format only (records in memory)", () =>
        {
            foreach (var r in _records)
            {
                LogEntry.Validate(r.Entry);
            }
        });
        yield return ("leaf hashes + tree only (records in memory)", () =>
        {
            var range = new CompactRange();
            Span<byte> leaf = stackalloc byte[32];
            foreach (var r in _records)
            {
                MerkleHash.Leaf(r.Entry, leaf);
                range.Append(leaf);
            }
        });
        yield return ("whole row-by-row verification", () => From_json_lines_with_entry_format_1M());
        yield return ("whole parallel verification", () => Verify_json_lines_parallel_1M());
    }

    private bool Check(LogVerificationReport r) => r.Ok && r.VerifiedSize == Entries ? true : throw new InvalidOperationException(r.Problem?.Message ?? $"verified {r.VerifiedSize} of {Entries}");
}
