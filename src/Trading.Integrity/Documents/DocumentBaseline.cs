using Trading.Integrity.Model;

namespace Trading.Integrity.Documents;

/// <summary>
/// Evidence frequency: which firms used each text shingle, document-property value and file (by hash) in earlier bids,
/// and in how many earlier lots a file appeared. A passage, an author or a file common in the market is not evidence.
/// The screens ask how many firms <em>other than the suspects</em> used an item, so a cartel's own repeated metadata or
/// text never makes itself "common"; that is why the sets keep firm identities (up to a cap) rather than bare counts.
/// </summary>
public sealed class DocumentBaseline
{
    /// <summary>Firms remembered per metadata value or file; beyond this an item is common whoever the suspects are.</summary>
    private const int SetCap = 16;
    private readonly Dictionary<ulong, FirmSet> shingles = [];
    private readonly Dictionary<string, HashSet<string>> metadata = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (HashSet<string> Firms, HashSet<string> Lots)> files = new(StringComparer.Ordinal);

    /// <summary>Creates an empty baseline for shingles of <paramref name="shingleSize"/> words (must match the screens').</summary>
    public DocumentBaseline(int shingleSize = 8)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(shingleSize, 2);
        ShingleSize = shingleSize;
    }

    /// <summary>Words per shingle.</summary>
    public int ShingleSize { get; }

    /// <summary>Past bids (firms) added.</summary>
    public int BidsAdded { get; private set; }

    /// <summary>Adds every bid of a past lot.</summary>
    public void AddLot(OpenedLot lot)
    {
        ArgumentNullException.ThrowIfNull(lot);
        foreach (var bid in lot.Bids)
        {
            AddBid(bid.FirmId, bid.Attachments, lot.LotId);
        }
    }

    /// <summary>Adds one past bid's attachments (unreadable ones are ignored for text, their hash still counts).</summary>
    public void AddBid(string firmId, IEnumerable<BidAttachment> attachments, string? lotId = null)
    {
        ArgumentNullException.ThrowIfNull(firmId);
        ArgumentNullException.ThrowIfNull(attachments);
        var firm = FirmHash(firmId);
        foreach (var attachment in attachments)
        {
            var content = AttachmentReader.Read(attachment);
            if (!files.TryGetValue(content.Sha256, out var seen))
            {
                files[content.Sha256] = seen = (new HashSet<string>(StringComparer.Ordinal), new HashSet<string>(StringComparer.Ordinal));
            }
            if (seen.Firms.Count < SetCap) seen.Firms.Add(firmId);
            if (seen.Lots.Count < SetCap) seen.Lots.Add(lotId ?? "bid:" + BidsAdded);
            foreach (var (field, value) in content.Metadata)
            {
                var key = field + "\u0001" + DocumentScreens.NormalizeMeta(value);
                if (!metadata.TryGetValue(key, out var set))
                {
                    metadata[key] = set = new HashSet<string>(StringComparer.Ordinal);
                }
                if (set.Count < SetCap) set.Add(firmId);
            }
            var doc = Shingles.Tokenize(content, ShingleSize);
            foreach (var h in doc.ShingleAt)
            {
                ref var set = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(shingles, h, out _);
                set = set.With(firm);
            }
        }
        BidsAdded++;
    }

    internal static int FirmHash(string firmId) => StringComparer.Ordinal.GetHashCode(firmId);

    /// <summary>Firms other than <paramref name="excludedA"/> and <paramref name="excludedB"/> (firm hashes) that used a shingle.</summary>
    internal int OtherFirmsUsing(ulong shingle, int excludedA, int excludedB) =>
        shingles.GetValueOrDefault(shingle).CountExcept(excludedA, excludedB);

    /// <summary>Firms other than the suspects that used a document-property value.</summary>
    internal int OtherFirmsUsingMetadata(string field, string normalizedValue, IReadOnlyCollection<string> suspects) =>
        metadata.TryGetValue(field + "\u0001" + normalizedValue, out var set) ? Others(set, suspects) : 0;

    /// <summary>Earlier lots and firms other than the suspects in which an identical file appeared.</summary>
    internal (int Lots, int OtherFirms) FileSeen(string sha256, IReadOnlyCollection<string> suspects) =>
        files.TryGetValue(sha256, out var seen) ? (seen.Lots.Count, Others(seen.Firms, suspects)) : (0, 0);

    private static int Others(HashSet<string> set, IReadOnlyCollection<string> suspects) =>
        set.Count >= SetCap ? SetCap : set.Count(f => !suspects.Contains(f));

    /// <summary>Up to four distinct firm hashes; <c>Count</c> 5 means "more than four".</summary>
    private readonly record struct FirmSet(int A, int B, int C, int D, int Count)
    {
        public FirmSet With(int firm)
        {
            if (Count >= 5 || (Count > 0 && A == firm) || (Count > 1 && B == firm) || (Count > 2 && C == firm) || (Count > 3 && D == firm))
            {
                return this;
            }
            return Count switch
            {
                0 => this with { A = firm, Count = 1 },
                1 => this with { B = firm, Count = 2 },
                2 => this with { C = firm, Count = 3 },
                3 => this with { D = firm, Count = 4 },
                _ => this with { Count = 5 },
            };
        }

        public int CountExcept(int x, int y)
        {
            if (Count >= 5)
            {
                return 5;
            }
            var n = 0;
            if (Count > 0 && A != x && A != y) n++;
            if (Count > 1 && B != x && B != y) n++;
            if (Count > 2 && C != x && C != y) n++;
            if (Count > 3 && D != x && D != y) n++;
            return n;
        }
    }
}
