using Trading.Integrity.Model;

namespace Trading.Integrity.Documents;

/// <summary>
/// How many distinct firms used each text shingle and each document-property value in past bids,
/// so that a passage or an author name common in the market is not taken as evidence.
/// Counts saturate at a small cap because the screens only ask "at most 2?" and "3 or more?".
/// </summary>
public sealed class DocumentBaseline
{
    private const int Cap = 4;
    private readonly Dictionary<ulong, FirmSet> shingles = [];
    private readonly Dictionary<string, FirmSet> metadata = new(StringComparer.Ordinal);

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
            AddBid(bid.FirmId, bid.Attachments);
        }
    }

    /// <summary>Adds one past bid's attachments (unreadable ones are ignored).</summary>
    public void AddBid(string firmId, IEnumerable<BidAttachment> attachments)
    {
        ArgumentNullException.ThrowIfNull(attachments);
        var firm = StringComparer.Ordinal.GetHashCode(firmId);
        foreach (var attachment in attachments)
        {
            var content = AttachmentReader.Read(attachment);
            foreach (var (field, value) in content.Metadata)
            {
                var key = field + "\u0001" + DocumentScreens.NormalizeMeta(value);
                metadata[key] = metadata.GetValueOrDefault(key).With(firm);
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

    internal int FirmsUsing(ulong shingle) => shingles.GetValueOrDefault(shingle).Count;

    internal int FirmsUsingMetadata(string field, string normalizedValue) =>
        metadata.GetValueOrDefault(field + "\u0001" + normalizedValue).Count;

    /// <summary>Up to <see cref="Cap"/> distinct firm hashes.</summary>
    private readonly record struct FirmSet(int A, int B, int C, int Count)
    {
        public FirmSet With(int firm)
        {
            if (Count >= Cap || (Count > 0 && A == firm) || (Count > 1 && B == firm) || (Count > 2 && C == firm))
            {
                return this;
            }
            return Count switch
            {
                0 => this with { A = firm, Count = 1 },
                1 => this with { B = firm, Count = 2 },
                2 => this with { C = firm, Count = 3 },
                _ => this with { Count = Cap },
            };
        }
    }
}
