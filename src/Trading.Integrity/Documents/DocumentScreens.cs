using System.Collections.Frozen;
using System.Buffers;
using System.Globalization;
using Trading.Integrity.Model;

namespace Trading.Integrity.Documents;

/// <summary>L4a (abnormally consistent documents) and L5 (mixed documents).</summary>
internal static class DocumentScreens
{
    private const int MinHashSize = 64;
    private const int Bands = 16;
    private const int Rows = MinHashSize / Bands;

    /// <summary>Author names that office software fills in by default; equal values say nothing.</summary>
    private static readonly FrozenSet<string> GenericNames = new[]
    {
        "administrator", "admin", "user", "owner", "microsoft office user", "微软用户", "微软中国", "unknown",
        "pc", "lenovo", "dell", "hp", "thinkpad", "china", "中国", "walkinnet", "deepin", "ylmf", "sky123.org", "雨林木风",
    }.ToFrozenSet(StringComparer.Ordinal);

    private sealed class PreparedBid
    {
        public required OpenedBid Bid { get; init; }
        public required List<AttachmentContent> Contents { get; init; }
        public required List<TokenizedDocument> Docs { get; init; }
        public HashSet<ulong> Shingles { get; } = [];
        public Dictionary<ulong, (int Doc, int Pos)>? FirstPosition { get; set; }
    }

    internal static string NormalizeMeta(string value) => value.Trim().ToLowerInvariant();

    public static void Run(OpenedLot lot, DocumentBaseline? baseline, ScreenOptions options,
        List<Finding> findings, List<ScreenOutcome> outcomes, List<InputNote> notes)
    {
        var k = baseline?.ShingleSize ?? options.ShingleSize;
        var templateHashes = new HashSet<string>(StringComparer.Ordinal);
        var templateShingles = new HashSet<ulong>();
        foreach (var template in lot.TenderTemplates)
        {
            var content = AttachmentReader.Read(template);
            templateHashes.Add(content.Sha256);
            foreach (var h in Shingles.Tokenize(content, k).ShingleAt)
            {
                templateShingles.Add(h);
            }
        }

        var prepared = new List<PreparedBid>(lot.Bids.Count);
        foreach (var bid in lot.Bids)
        {
            var p = new PreparedBid { Bid = bid, Contents = [], Docs = [] };
            foreach (var attachment in bid.Attachments)
            {
                var sha = AttachmentReader.Sha256(attachment);
                var content = templateHashes.Contains(sha) ? AttachmentReader.HashOnly(attachment, sha) : AttachmentReader.Read(attachment);
                p.Contents.Add(content);
                if (content.Note is not null)
                {
                    notes.Add(new InputNote(bid.BidId, attachment.FileName, content.Note));
                }
                if (content.Pages.Count > 0 && !templateHashes.Contains(content.Sha256))
                {
                    var doc = Shingles.Tokenize(content, k);
                    p.Docs.Add(doc);
                    foreach (var h in doc.ShingleAt)
                    {
                        if (!templateShingles.Contains(h))
                        {
                            p.Shingles.Add(h);
                        }
                    }
                }
            }
            prepared.Add(p);
        }

        var withFiles = prepared.Count(p => p.Contents.Count > 0);
        var withText = prepared.Count(p => p.Docs.Count > 0);
        if (withFiles < 2)
        {
            outcomes.Add(new ScreenOutcome("L4a", ScreenStatus.NotEnoughData, LocalizedText.Of("nodata.attachments")));
        }
        else
        {
            outcomes.Add(new ScreenOutcome("L4a", ScreenStatus.Ran));
            IdenticalAttachments(lot, prepared, templateHashes, options, findings);
            if (withText >= 2)
            {
                RarePassages(lot, prepared, baseline, options, findings);
                NearDuplicates(lot, prepared, options, findings);
            }
            EqualMetadata(lot, prepared, baseline, options, findings);
        }

        if (withText < 1 || lot.Firms.Count < 2)
        {
            outcomes.Add(new ScreenOutcome("L5", ScreenStatus.NotEnoughData,
                withText < 1 ? LocalizedText.Of("nodata.attachments") : LocalizedText.Of("nodata.registry")));
        }
        else
        {
            outcomes.Add(new ScreenOutcome("L5", ScreenStatus.Ran));
            MixedDocuments(lot, prepared, findings);
        }
    }

    private static void IdenticalAttachments(OpenedLot lot, List<PreparedBid> bids, HashSet<string> templateHashes,
        ScreenOptions options, List<Finding> findings)
    {
        var lotFirms = bids.Select(b => b.Bid.FirmId).Distinct(StringComparer.Ordinal).Count();
        var byHash = new Dictionary<string, List<(PreparedBid Bid, AttachmentContent Content)>>(StringComparer.Ordinal);
        foreach (var b in bids)
        {
            foreach (var c in b.Contents)
            {
                // Tiny files (an empty form, a one-line note) are equal by accident too often to mean anything.
                if (c.Length < 64 || templateHashes.Contains(c.Sha256))
                {
                    continue;
                }
                if (!byHash.TryGetValue(c.Sha256, out var list))
                {
                    byHash[c.Sha256] = list = [];
                }
                list.Add((b, c));
            }
        }
        foreach (var (hash, list) in byHash)
        {
            var firms = list.Select(x => x.Bid.Bid.FirmId).Distinct(StringComparer.Ordinal).ToList();
            if (firms.Count < 2)
            {
                continue;
            }
            var templateLike = firms.Count >= 3 && firms.Count >= options.TemplateLikeShare * lotFirms;
            var evidence = list.Select(x => new Evidence("sha256", x.Bid.Bid.FirmId, x.Bid.Bid.BidId, hash, x.Content.FileName));
            findings.Add(Finding.Make("L4a", "sha256", templateLike ? Grade.Lead : Grade.Conclusive, lot.LotId, firms, evidence,
                templateLike
                    ? LocalizedText.Of("l4a.hash.lead", Finding.JoinFirms(firms), hash[..16], firms.Count)
                    : LocalizedText.Of("l4a.hash.conclusive", Finding.JoinFirms(firms), hash[..16]),
                firms.Count));
        }
    }

    private static void RarePassages(OpenedLot lot, List<PreparedBid> bids, DocumentBaseline? baseline, ScreenOptions options,
        List<Finding> findings)
    {
        var lotFirms = bids.Select(b => b.Bid.FirmId).Distinct(StringComparer.Ordinal).Count();
        // A passage shared by many bidders of the lot is market language, not a copy.
        var maxInLot = Math.Max(2, lotFirms / 3);
        var index = new Dictionary<ulong, List<int>>();
        for (var i = 0; i < bids.Count; i++)
        {
            foreach (var h in bids[i].Shingles)
            {
                if (!index.TryGetValue(h, out var list))
                {
                    index[h] = list = new List<int>(2);
                }
                list.Add(i);
            }
        }
        var pairShared = new Dictionary<(int, int), HashSet<ulong>>();
        foreach (var (h, list) in index)
        {
            if (list.Count < 2 || list.Count > maxInLot)
            {
                continue;
            }
            if (baseline is not null && baseline.FirmsUsing(h) > options.RareInHistoryMaxFirms)
            {
                continue;
            }
            for (var a = 0; a < list.Count; a++)
            {
                for (var b = a + 1; b < list.Count; b++)
                {
                    var key = (list[a], list[b]);
                    if (!pairShared.TryGetValue(key, out var set))
                    {
                        pairShared[key] = set = [];
                    }
                    set.Add(h);
                }
            }
        }
        var k = bids.SelectMany(b => b.Docs).Select(d => d.Tokens.Length - d.ShingleAt.Length + 1).FirstOrDefault(1);
        foreach (var ((ia, ib), shared) in pairShared)
        {
            var a = bids[ia];
            var b = bids[ib];
            if (a.Bid.FirmId == b.Bid.FirmId || shared.Count + k - 1 < options.MinSharedRareWords)
            {
                continue;
            }
            b.FirstPosition ??= FirstPositions(b);
            var passages = new List<(int DocA, int PosA, int DocB, int PosB, int Words)>();
            for (var d = 0; d < a.Docs.Count; d++)
            {
                var doc = a.Docs[d];
                var s = 0;
                while (s < doc.ShingleAt.Length)
                {
                    if (!shared.Contains(doc.ShingleAt[s]) || !b.FirstPosition.TryGetValue(doc.ShingleAt[s], out var at))
                    {
                        s++;
                        continue;
                    }
                    // Exact confirmation: compare the words themselves, not their hashes.
                    var other = b.Docs[at.Doc];
                    var n = 0;
                    while (s + n < doc.Tokens.Length && at.Pos + n < other.Tokens.Length &&
                           string.Equals(doc.TokenText(s + n), other.TokenText(at.Pos + n), StringComparison.OrdinalIgnoreCase))
                    {
                        n++;
                    }
                    if (n >= k)
                    {
                        passages.Add((d, s, at.Doc, at.Pos, n));
                        s += n - k + 1;
                    }
                    else
                    {
                        s++;
                    }
                }
            }
            var words = passages.Sum(p => p.Words);
            if (words < options.MinSharedRareWords)
            {
                continue;
            }
            var evidence = new List<Evidence>();
            foreach (var p in passages.OrderByDescending(p => p.Words).Take(5))
            {
                var da = a.Docs[p.DocA];
                var db = b.Docs[p.DocB];
                evidence.Add(new Evidence("passage", a.Bid.FirmId, a.Bid.BidId, da.Snippet(p.PosA, p.Words), da.Content.FileName,
                    da.Content.Pages[da.Tokens[p.PosA].PageIndex].Page));
                evidence.Add(new Evidence("passage", b.Bid.FirmId, b.Bid.BidId, db.Snippet(p.PosB, p.Words), db.Content.FileName,
                    db.Content.Pages[db.Tokens[p.PosB].PageIndex].Page));
            }
            findings.Add(Finding.Make("L4a", "passages", Grade.Lead, lot.LotId, [a.Bid.FirmId, b.Bid.FirmId], evidence,
                LocalizedText.Of("l4a.passages", Finding.JoinFirms([a.Bid.FirmId, b.Bid.FirmId]), passages.Count, words), words));
        }
    }

    private static Dictionary<ulong, (int, int)> FirstPositions(PreparedBid bid)
    {
        var map = new Dictionary<ulong, (int, int)>();
        for (var d = 0; d < bid.Docs.Count; d++)
        {
            var s = bid.Docs[d].ShingleAt;
            for (var i = 0; i < s.Length; i++)
            {
                map.TryAdd(s[i], (d, i));
            }
        }
        return map;
    }

    private static void NearDuplicates(OpenedLot lot, List<PreparedBid> bids, ScreenOptions options, List<Finding> findings)
    {
        var buckets = new Dictionary<(int Band, ulong Hash), List<int>>();
        for (var i = 0; i < bids.Count; i++)
        {
            if (bids[i].Shingles.Count < 20)
            {
                continue;
            }
            var sig = Shingles.MinHash(bids[i].Shingles, MinHashSize);
            for (var band = 0; band < Bands; band++)
            {
                var h = 17UL;
                for (var r = 0; r < Rows; r++)
                {
                    h = Shingles.Mix(h ^ sig[band * Rows + r]);
                }
                if (!buckets.TryGetValue((band, h), out var list))
                {
                    buckets[(band, h)] = list = [];
                }
                list.Add(i);
            }
        }
        var candidates = new HashSet<(int, int)>();
        foreach (var list in buckets.Values)
        {
            for (var a = 0; a < list.Count; a++)
            {
                for (var b = a + 1; b < list.Count; b++)
                {
                    candidates.Add((list[a], list[b]));
                }
            }
        }
        foreach (var (ia, ib) in candidates)
        {
            var a = bids[ia];
            var b = bids[ib];
            if (a.Bid.FirmId == b.Bid.FirmId)
            {
                continue;
            }
            // MinHash only proposes; the exact Jaccard decides.
            var small = a.Shingles.Count <= b.Shingles.Count ? a.Shingles : b.Shingles;
            var large = ReferenceEquals(small, a.Shingles) ? b.Shingles : a.Shingles;
            var inter = small.Count(large.Contains);
            var jaccard = (double)inter / (a.Shingles.Count + b.Shingles.Count - inter);
            if (jaccard < options.NearDuplicateJaccard)
            {
                continue;
            }
            var value = jaccard.ToString("0.00", CultureInfo.InvariantCulture);
            findings.Add(Finding.Make("L4a", "minhash", Grade.Lead, lot.LotId, [a.Bid.FirmId, b.Bid.FirmId],
                [new Evidence("jaccard", a.Bid.FirmId, a.Bid.BidId, value), new Evidence("jaccard", b.Bid.FirmId, b.Bid.BidId, value)],
                LocalizedText.Of("l4a.minhash", Finding.JoinFirms([a.Bid.FirmId, b.Bid.FirmId]), value), jaccard));
        }
    }

    private static void EqualMetadata(OpenedLot lot, List<PreparedBid> bids, DocumentBaseline? baseline, ScreenOptions options,
        List<Finding> findings)
    {
        // The PDF /Creator and /Producer name the application (Word, WPS), shared by half the market, so only
        // the personal fields are compared: PDF /Author, DOCX dc:creator (author) and cp:lastModifiedBy.
        var groups = new Dictionary<(string Field, string Value), List<(PreparedBid Bid, AttachmentContent Content, string Raw)>>();
        foreach (var b in bids)
        {
            foreach (var c in b.Contents)
            {
                foreach (var (field, raw) in c.Metadata)
                {
                    if (field is not ("author" or "lastmodifiedby"))
                    {
                        continue;
                    }
                    var value = NormalizeMeta(raw);
                    if (value.Length < 2 || GenericNames.Contains(value))
                    {
                        continue;
                    }
                    if (!groups.TryGetValue((field, value), out var list))
                    {
                        groups[(field, value)] = list = [];
                    }
                    list.Add((b, c, raw));
                }
            }
        }
        foreach (var ((field, value), list) in groups)
        {
            var firms = list.Select(x => x.Bid.Bid.FirmId).Distinct(StringComparer.Ordinal).ToList();
            if (firms.Count < 2 || firms.Count >= options.GenericMetadataMinFirms)
            {
                continue;
            }
            if (baseline is not null && baseline.FirmsUsingMetadata(field, value) >= options.GenericMetadataMinFirms)
            {
                continue;
            }
            findings.Add(Finding.Make("L4a", field, Grade.Lead, lot.LotId, firms,
                list.Select(x => new Evidence(field, x.Bid.Bid.FirmId, x.Bid.Bid.BidId, x.Raw, x.Content.FileName)),
                LocalizedText.Of("l4a.author", Finding.JoinFirms(firms), "@m." + field, list[0].Raw), firms.Count));
        }
    }

    private static void MixedDocuments(OpenedLot lot, List<PreparedBid> bids, List<Finding> findings)
    {
        var needles = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var f in lot.Firms)
        {
            // Very short names and codes match inside ordinary words; they are not evidence.
            if (f.Name.Length >= 4)
            {
                needles.TryAdd(f.Name, f.FirmId);
            }
            if (f.CreditCode is { Length: >= 10 })
            {
                needles.TryAdd(f.CreditCode, f.FirmId);
            }
        }
        if (needles.Count == 0)
        {
            return;
        }
        var names = lot.Firms.ToDictionary(f => f.FirmId, f => f.Name, StringComparer.Ordinal);
        var search = SearchValues.Create(needles.Keys.ToArray(), StringComparison.Ordinal);
        var byFirst = needles.Keys.GroupBy(n => n[0]).ToDictionary(g => g.Key, g => g.OrderByDescending(n => n.Length).ToArray());
        var hits = new Dictionary<(string A, string B), List<Evidence>>();
        foreach (var b in bids)
        {
            var own = b.Bid.FirmId;
            var ownName = names.GetValueOrDefault(own) ?? "";
            foreach (var doc in b.Docs)
            {
                foreach (var page in doc.Content.Pages)
                {
                    var text = page.Text.AsSpan();
                    var offset = 0;
                    while (offset < text.Length)
                    {
                        var i = text[offset..].IndexOfAny(search);
                        if (i < 0)
                        {
                            break;
                        }
                        var at = offset + i;
                        var match = "";
                        foreach (var n in byFirst[text[at]])
                        {
                            if (text[at..].StartsWith(n, StringComparison.Ordinal))
                            {
                                match = n;
                                break;
                            }
                        }
                        var other = needles[match];
                        if (other != own && !ownName.Contains(match, StringComparison.Ordinal))
                        {
                            if (!hits.TryGetValue((own, other), out var ev))
                            {
                                hits[(own, other)] = ev = [];
                            }
                            if (ev.Count < 5)
                            {
                                var from = Math.Max(0, at - 30);
                                var to = Math.Min(text.Length, at + match.Length + 30);
                                ev.Add(new Evidence("names-other-bidder", own, b.Bid.BidId, text[from..to].ToString().ReplaceLineEndings(" "),
                                    doc.Content.FileName, page.Page));
                            }
                        }
                        offset = at + match.Length;
                    }
                }
            }
        }
        foreach (var ((a, other), ev) in hits)
        {
            findings.Add(Finding.Make("L5", "names-other-bidder", Grade.Conclusive, lot.LotId, [a, other], ev,
                LocalizedText.Of("l5", Finding.JoinFirms([a, other]), names.GetValueOrDefault(a, a), names.GetValueOrDefault(other, other)),
                ev.Count));
        }
    }
}
