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
            IdenticalAttachments(lot, prepared, templateHashes, baseline, options, findings);
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

    /// <summary>
    /// Identical files. Conclusive only for a bid-specific document: its text names this lot, it is not among the tender's
    /// templates, no earlier lot ever carried it, and not so many bidders share it that it looks like an undeclared form.
    /// A file other firms submitted before (a template vendor's file, a maker's brochure) is common property: not evidence.
    /// </summary>
    private static void IdenticalAttachments(OpenedLot lot, List<PreparedBid> bids, HashSet<string> templateHashes, DocumentBaseline? baseline,
        ScreenOptions options, List<Finding> findings)
    {
        var lotFirms = bids.Select(b => b.Bid.FirmId).Distinct(StringComparer.Ordinal).Count();
        var references = lot.ProjectReferences.Append(lot.LotId).Append(lot.TenderId ?? "")
            .Select(r => r.Trim()).Where(r => r.Length >= 4).Distinct(StringComparer.Ordinal).ToList();
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
            var (seenLots, otherFirms) = baseline?.FileSeen(hash, firms) ?? (0, 0);
            if (otherFirms >= options.CommonFileMinOtherFirms)
            {
                continue;
            }
            var templateLike = firms.Count >= 3 && firms.Count >= options.TemplateLikeShare * lotFirms;
            var content = list[0].Content;
            var namesLot = references.Any(r => content.Pages.Any(p => p.Text.Contains(r, StringComparison.OrdinalIgnoreCase)));
            var evidence = list.Select(x => new Evidence("sha256", x.Bid.Bid.FirmId, x.Bid.Bid.BidId, hash, x.Content.FileName)).ToList();
            evidence.Add(new Evidence("seen-before", Value: $"{seenLots} lots, {otherFirms} other firms"));
            var (grade, text) = (templateLike, namesLot, seenLots) switch
            {
                (true, _, _) => (Grade.Lead, LocalizedText.Of("l4a.hash.lead", Finding.JoinFirms(firms), hash[..16], firms.Count)),
                (_, false, _) => (Grade.Lead, LocalizedText.Of("l4a.hash.notspecific", Finding.JoinFirms(firms), hash[..16], content.FileName)),
                (_, _, > 0) => (Grade.Lead, LocalizedText.Of("l4a.hash.seen", Finding.JoinFirms(firms), hash[..16], seenLots)),
                _ => (Grade.Conclusive, LocalizedText.Of("l4a.hash.conclusive", Finding.JoinFirms(firms), hash[..16])),
            };
            findings.Add(Finding.Make("L4a", "sha256", grade, lot.LotId, firms, evidence, text, firms.Count));
        }
    }

    private static void RarePassages(OpenedLot lot, List<PreparedBid> bids, DocumentBaseline? baseline, ScreenOptions options,
        List<Finding> findings)
    {
        var lotFirms = bids.Select(b => b.Bid.FirmId).Distinct(StringComparer.Ordinal).Count();
        // A passage shared by many bidders of the lot is market language, not a copy.
        var maxInLot = Math.Max(2, lotFirms / 3);
        var firmHash = bids.Select(b => DocumentBaseline.FirmHash(b.Bid.FirmId)).ToArray();
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
            for (var a = 0; a < list.Count; a++)
            {
                for (var b = a + 1; b < list.Count; b++)
                {
                    // Common when firms other than these two used it before; the pair's own earlier bids do not count.
                    if (baseline is not null && baseline.OtherFirmsUsing(h, firmHash[list[a]], firmHash[list[b]]) > options.RareInHistoryMaxFirms)
                    {
                        continue;
                    }
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
            // Software defaults are common among unrelated firms; a cartel's own earlier files never make its author "common".
            if (baseline is not null && baseline.OtherFirmsUsingMetadata(field, value, firms) >= options.GenericMetadataMinOtherFirms)
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
        var hits = new Dictionary<(string A, string B), (List<Evidence> Evidence, bool AsBidder, bool AsPastParty)>();
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
                            var role = RoleOf(text, at, match.Length);
                            var hit = hits.GetValueOrDefault((own, other), ([], false, false));
                            if (hit.Evidence.Count < 5 || (role == NamedRole.Bidder && !hit.AsBidder))
                            {
                                var from = Math.Max(0, at - 30);
                                var to = Math.Min(text.Length, at + match.Length + 30);
                                hit.Evidence.Add(new Evidence(role switch
                                    {
                                        NamedRole.Bidder => "names-other-bidder.as-bidder",
                                        NamedRole.PastParty => "names-other-bidder.as-past-party",
                                        _ => "names-other-bidder",
                                    }, own, b.Bid.BidId, text[from..to].ToString().ReplaceLineEndings(" "),
                                    doc.Content.FileName, page.Page));
                            }
                            hits[(own, other)] = (hit.Evidence, hit.AsBidder || role == NamedRole.Bidder, hit.AsPastParty || role == NamedRole.PastParty);
                        }
                        offset = at + match.Length;
                    }
                }
            }
        }
        foreach (var ((a, other), (ev, asBidder, asPast)) in hits)
        {
            // Conclusive only when the other bidder stands as the bidder, signer or seal of this bid; a past employer,
            // client or partner named in a reference line is what honest bids do, so that is a lead to read in context.
            var (basis, grade, key) = asBidder ? ("as-bidder", Grade.Conclusive, "l5")
                : asPast ? ("as-past-party", Grade.Lead, "l5.past") : ("named", Grade.Lead, "l5.named");
            findings.Add(Finding.Make("L5", basis, grade, lot.LotId, [a, other], asBidder ? ev.Where(e => e.Kind.EndsWith("as-bidder", StringComparison.Ordinal)) : ev,
                LocalizedText.Of(key, Finding.JoinFirms([a, other]), names.GetValueOrDefault(a, a), names.GetValueOrDefault(other, other)),
                asBidder ? ev.Count : 0.5));
        }
    }

    private enum NamedRole { Unclear, Bidder, PastParty }

    /// <summary>Words that make a name the bidder, signer or seal of the document (before the name, or a seal mark right after it).</summary>
    private static readonly string[] BidderCues =
    [
        "投标人", "投标单位", "投标人名称", "供应商名称", "投标方", "法定代表人", "授权委托人", "委托人", "盖章", "签章", "签字",
        "bidder", "tenderer", "on behalf of", "signed by", "seal of", "company seal",
    ];

    private static readonly string[] SealCuesAfter = ["（盖章）", "(盖章)", "（公章）", "(公章)", "盖章", "(seal)", " seal"];

    /// <summary>Words that make a name a past party: the employer, client or partner of a reference project.</summary>
    private static readonly string[] PastPartyCues =
    [
        "发包人", "发包单位", "建设单位", "业主", "招标人", "采购人", "委托方", "甲方", "客户", "合作单位", "合作伙伴", "分包", "总包", "业绩",
        "employer", "client", "partner", "subcontract", "main contractor", "past project", "reference project", "references",
    ];

    /// <summary>The role of a name from the nearest cue on its line: the last cue before it wins, a seal mark right after it makes it the bidder.</summary>
    private static NamedRole RoleOf(ReadOnlySpan<char> text, int at, int length)
    {
        var lineStart = at;
        while (lineStart > 0 && at - lineStart < 40 && text[lineStart - 1] is not ('\n' or '\r' or '。' or ';' or '；'))
        {
            lineStart--;
        }
        var before = text[lineStart..at].ToString();
        var after = text[(at + length)..Math.Min(text.Length, at + length + 8)].ToString();
        if (SealCuesAfter.Any(c => after.StartsWith(c, StringComparison.OrdinalIgnoreCase)))
        {
            return NamedRole.Bidder;
        }
        var bidder = BidderCues.Max(c => before.LastIndexOf(c, StringComparison.OrdinalIgnoreCase));
        var past = PastPartyCues.Max(c => before.LastIndexOf(c, StringComparison.OrdinalIgnoreCase));
        if (bidder < 0 && past < 0)
        {
            return NamedRole.Unclear;
        }
        return bidder > past ? NamedRole.Bidder : NamedRole.PastParty;
    }
}
