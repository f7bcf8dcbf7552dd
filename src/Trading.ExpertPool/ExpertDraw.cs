using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Trading.ExpertPool;

/// <summary>Something the application should append to its log: which draw, the phase after the step, what happened, when.</summary>
public sealed record DrawEvent(string DrawId, DrawPhase Phase, Reason Reason, DateTimeOffset At);

/// <summary>The first step's result: the record to persist and publish, the full screening (confidential), and the pseudonym map.</summary>
/// <param name="Record">The draw record in phase <see cref="DrawPhase.Committing"/>.</param>
/// <param name="Eligibility">Who is eligible and every exclusion with its reasons; for staff and auditors, not the public.</param>
/// <param name="ExpertIdByPseudonym">Opens this draw's pseudonyms; confidential until the award is decided.</param>
/// <param name="Event">The log entry for the committed list.</param>
public sealed record DrawPreparation(DrawRecord Record, EligibilityResult Eligibility, IReadOnlyDictionary<string, string> ExpertIdByPseudonym, DrawEvent Event);

/// <summary>Starts a draw: validates the request, screens the pool, checks that the request can be met, and commits the list.</summary>
public static class ExpertDraw
{
    /// <summary>Checks the committee and request rules; throws <see cref="DrawRequestInvalidException"/> naming the rule.</summary>
    public static void Validate(DrawRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        static void Fail(string code, params (string, object?)[] args) => throw new DrawRequestInvalidException(Reason.Of(code, args));
        foreach (var (name, value) in new[] { ("drawId", request.DrawId), ("tenderId", request.TenderId), ("lotId", request.LotId), ("ownerId", request.OwnerId), ("evaluationPlace", request.EvaluationPlace) })
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                Fail(ReasonCodes.RequestMissingField, ("field", name));
            }
        }
        if (request.BidderIds is null || request.Strata is null || request.DeclineReasons is null || request.Rules is null)
        {
            Fail(ReasonCodes.RequestMissingField, ("field", request.BidderIds is null ? "bidderIds" : request.Strata is null ? "strata" : request.Rules is null ? "rules" : "declineReasons"));
        }
        var rules = request.Rules!;
        foreach (var (name, value, min) in new[] { ("minYearsOfExperience", rules.MinYearsOfExperience, 0), ("retirementAge", rules.RetirementAge, 1), ("formerEmployerWindowYears", rules.FormerEmployerWindowYears, 0), ("ownerCooldownDays", rules.OwnerCooldownDays, 0), ("minCommitteeSize", rules.MinCommitteeSize, 5) })
        {
            if (value < min)
            {
                Fail(ReasonCodes.RulesInvalid, ("rule", name), ("value", value));
            }
        }
        var size = request.CommitteeSize;
        if (size < rules.MinCommitteeSize)
        {
            Fail(ReasonCodes.CommitteeTooSmall, ("size", size), ("min", rules.MinCommitteeSize));
        }
        if (size % 2 == 0)
        {
            Fail(ReasonCodes.CommitteeEven, ("size", size));
        }
        if (request.OwnerRepresentativeSeats < 0)
        {
            Fail(ReasonCodes.RulesInvalid, ("rule", "ownerRepresentativeSeats"), ("value", request.OwnerRepresentativeSeats));
        }
        if (request.Strata!.Count == 0)
        {
            Fail(ReasonCodes.RequestMissingField, ("field", "strata"));
        }
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var s in request.Strata)
        {
            if (s is null || string.IsNullOrEmpty(s.Id) || !s.Id.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_' or '.'))
            {
                Fail(ReasonCodes.StratumInvalid, ("stratum", s?.Id), ("problem", "id must be [a-z0-9._-]+"));
            }
            if (!ids.Add(s!.Id))
            {
                Fail(ReasonCodes.StratumDuplicate, ("stratum", s.Id));
            }
            if (s.Count < 1)
            {
                Fail(ReasonCodes.StratumInvalid, ("stratum", s.Id), ("problem", $"count {s.Count} < 1"));
            }
            if (s.Specialties is null || s.Specialties.Count == 0 || s.Specialties.Any(p => !Specialty.IsValidPattern(p)))
            {
                Fail(ReasonCodes.StratumInvalid, ("stratum", s.Id), ("problem", "specialties must be 'category/field' or 'category/*'"));
            }
            if (s.Region is not null && (s.Region.Regions is null || s.Region.Regions.Count == 0 || s.Region.Regions.Any(string.IsNullOrWhiteSpace)))
            {
                Fail(ReasonCodes.StratumInvalid, ("stratum", s.Id), ("problem", "a region rule needs at least one region"));
            }
        }
        var drawn = request.Strata.Sum(s => s.Count);
        if (drawn + request.OwnerRepresentativeSeats != size)
        {
            Fail(ReasonCodes.SeatsMismatch, ("drawn", drawn), ("owner", request.OwnerRepresentativeSeats), ("size", size));
        }
        // Every drawn stratum is technical or economic; owner representatives fill the rest.
        if (3 * drawn < 2 * size)
        {
            Fail(ReasonCodes.ExpertShareTooLow, ("experts", drawn), ("size", size));
        }
        if (request.DeclineReasons!.Count == 0 || request.DeclineReasons.Any(string.IsNullOrWhiteSpace) || request.DeclineReasons.Distinct(StringComparer.Ordinal).Count() != request.DeclineReasons.Count)
        {
            Fail(ReasonCodes.DeclineReasonsInvalid, ("problem", "need at least one, non-empty and distinct"));
        }
        if (request.BeaconRound is not null && string.IsNullOrWhiteSpace(request.BeaconRound))
        {
            Fail(ReasonCodes.RequestMissingField, ("field", "beaconRound"));
        }
    }

    /// <summary>
    /// Refuses a second draw for a lot while an earlier one stands: only a draw voided by a
    /// supervisor with a reason lets a new one start.
    /// </summary>
    public static void EnsureNoStandingDraw(string tenderId, string lotId, IEnumerable<DrawRecord> existingDraws)
    {
        ArgumentNullException.ThrowIfNull(existingDraws);
        foreach (var d in existingDraws)
        {
            if (d.Request.TenderId == tenderId && d.Request.LotId == lotId && d.Phase != DrawPhase.Voided)
            {
                throw new DrawStepRefusedException(Reason.Of(ReasonCodes.SecondDraw, ("tender", tenderId), ("lot", lotId), ("existing", d.DrawId)));
            }
        }
    }

    /// <summary>
    /// Checks that every stratum can be filled whatever the seed: a stratum needs its seats even
    /// if earlier strata take as many of its experts as they possibly can. Throws
    /// <see cref="DrawInfeasibleException"/> with the numbers for every stratum short.
    /// </summary>
    public static void EnsureFeasible(IReadOnlyList<StratumQuota> strata, IReadOnlyList<EligibleEntry> entries)
    {
        var shortfalls = Feasibility(strata, entries);
        if (shortfalls.Count > 0)
        {
            throw new DrawInfeasibleException(shortfalls);
        }
    }

    internal static List<StratumShortfall> Feasibility(IReadOnlyList<StratumQuota> strata, IReadOnlyList<EligibleEntry> entries)
    {
        var ordered = strata.OrderBy(s => s.Id, StringComparer.Ordinal).ToArray();
        var position = new StratumIndex(ordered.Select(s => s.Id));
        var eligible = new int[ordered.Length];
        var shared = new int[ordered.Length];
        foreach (var e in entries)
        {
            var first = int.MaxValue;
            var es = e.Strata;
            for (var k = 0; k < es.Count; k++)
            {
                var p = position.IndexOf(es[k]);
                if (p >= 0)
                {
                    first = Math.Min(first, p);
                }
            }
            for (var k = 0; k < es.Count; k++)
            {
                var p = position.IndexOf(es[k]);
                if (p >= 0)
                {
                    eligible[p]++;
                    if (p > first)
                    {
                        shared[p]++;
                    }
                }
            }
        }
        var shortfalls = new List<StratumShortfall>();
        var earlierSeats = 0;
        for (var i = 0; i < ordered.Length; i++)
        {
            var worstTaken = Math.Min(shared[i], earlierSeats);
            if (eligible[i] - worstTaken < ordered[i].Count)
            {
                shortfalls.Add(new StratumShortfall(ordered[i].Id, ordered[i].Count, eligible[i], worstTaken));
            }
            earlierSeats += ordered[i].Count;
        }
        return shortfalls;
    }

    /// <summary>
    /// Step 1: validate, screen, pseudonymize, order canonically, check feasibility and commit
    /// the list. The returned record is in phase <see cref="DrawPhase.Committing"/>.
    /// </summary>
    /// <param name="request">The draw request.</param>
    /// <param name="pool">The whole expert pool.</param>
    /// <param name="pseudonymKey">The deployment's pseudonym key (at least 32 bytes; auditors hold it).</param>
    /// <param name="at">Server time of the step.</param>
    public static DrawPreparation Prepare(DrawRequest request, IEnumerable<Expert> pool, byte[] pseudonymKey, DateTimeOffset at)
    {
        DrawAlgorithm.CheckKey(pseudonymKey);
        var screening = Eligibility.Screen(request, pool);
        var shortByCount = screening.Counts.Where(c => c.Eligible < c.Needed).ToList();
        if (shortByCount.Count > 0)
        {
            throw new DrawInfeasibleException(shortByCount.Select(c => new StratumShortfall(c.Stratum, c.Needed, c.Eligible, 0)).ToList());
        }

        var (entries, map) = Pseudonymize(request.DrawId, screening.Eligible, pseudonymKey);
        EnsureFeasible(request.Strata, entries);

        var pub = new PublicRequest
        {
            DrawId = request.DrawId,
            TenderId = request.TenderId,
            LotId = request.LotId,
            OwnerId = request.OwnerId,
            BiddersDigest = DrawAlgorithm.BiddersDigest(pseudonymKey, request.DrawId, request.BidderIds),
            EvaluationDate = request.EvaluationDate,
            EvaluationPlace = request.EvaluationPlace,
            CommitteeSize = request.CommitteeSize,
            OwnerRepresentativeSeats = request.OwnerRepresentativeSeats,
            Rules = request.Rules,
            Strata = request.Strata.OrderBy(s => s.Id, StringComparer.Ordinal).ToArray(),
            DeclineReasons = request.DeclineReasons.ToArray(),
            BeaconRound = request.BeaconRound,
        };
        var record = new DrawRecord
        {
            DrawId = request.DrawId,
            Phase = DrawPhase.Committing,
            Request = pub,
            RequestHash = Convert.ToHexStringLower(DrawAlgorithm.RequestHash(pub)),
            Eligible = entries,
            ListHash = Convert.ToHexStringLower(DrawAlgorithm.ListHash(request.DrawId, entries)),
            ListCommittedAt = at,
        };
        var ev = new DrawEvent(record.DrawId, record.Phase,
            Reason.Of(ReasonCodes.EventListCommitted, ("count", entries.Length), ("listHash", record.ListHash), ("requestHash", record.RequestHash)), at);
        return new DrawPreparation(record, screening, map, ev);
    }

    /// <summary>
    /// Gives each eligible expert the draw's pseudonym and puts the list in canonical order
    /// (ascending pseudonym bytes). Same bytes as <see cref="DrawAlgorithm.Pseudonym"/>, with the
    /// constant prefix encoded once and one HMAC reused; the sort is on the first 8 bytes as an
    /// unsigned number, with ties (practically never) settled on all 32.
    /// </summary>
    internal static (EligibleEntry[] Entries, Dictionary<string, string> Map) Pseudonymize(string drawId, IReadOnlyList<EligibleExpert> eligible, byte[] pseudonymKey)
    {
        var n = eligible.Count;
        // Scratch only, and large: rented, so a draw does not make the collector run over the pool for them.
        var macs = System.Buffers.ArrayPool<byte>.Shared.Rent(n * 32);
        var keys = System.Buffers.ArrayPool<ulong>.Shared.Rent(n);
        var order = System.Buffers.ArrayPool<int>.Shared.Rent(n);
        for (var i = 0; i < n; i++)
        {
            var id = eligible[i].ExpertId;
            if (System.Text.Encoding.UTF8.GetMaxByteCount(id.Length) > 256)
            {
                throw new ArgumentException($"Expert id '{id[..32]}...' is too long.", nameof(eligible));
            }
        }
        var prefix = Encode(DrawAlgorithm.PseudonymDomain).Concat(Encode(drawId)).ToArray();
        // Each HMAC is a native call with a fixed cost of about a microsecond, which no buffering
        // removes; for a large list they are spread over the cores in fixed slices (each writes only
        // its own MACs, so the result does not depend on scheduling).
        var slices = n >= ParallelPseudonymsFrom ? Math.Min(Environment.ProcessorCount, n / (ParallelPseudonymsFrom / 2)) : 1;
        if (slices > 1)
        {
            Parallel.For(0, slices, s => MacSlice(eligible, pseudonymKey, prefix, macs, (int)((long)n * s / slices), (int)((long)n * (s + 1) / slices)));
        }
        else
        {
            MacSlice(eligible, pseudonymKey, prefix, macs, 0, n);
        }
        SortByMac(macs, keys, order, n);
        var entries = new EligibleEntry[n];
        var map = new Dictionary<string, string>(n, StringComparer.Ordinal);
        for (var i = 0; i < n; i++)
        {
            var ex = eligible[order[i]];
            var p = Convert.ToHexStringLower(macs.AsSpan(order[i] * 32, 32));
            entries[i] = new EligibleEntry(p, ex.Strata);
            // Throws on a repeated pseudonym, which only a repeated expert id can cause.
            map.Add(p, ex.ExpertId);
        }
        System.Buffers.ArrayPool<byte>.Shared.Return(macs);
        System.Buffers.ArrayPool<ulong>.Shared.Return(keys);
        System.Buffers.ArrayPool<int>.Shared.Return(order);
        return (entries, map);
    }

    /// <summary>Lists at least this long have their pseudonyms computed on several cores.</summary>
    internal const int ParallelPseudonymsFrom = 8192;

    private static void MacSlice(IReadOnlyList<EligibleExpert> eligible, byte[] pseudonymKey, byte[] prefix, byte[] macs, int from, int to)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, pseudonymKey);
        var message = new byte[prefix.Length + 4 + 256];
        prefix.CopyTo(message, 0);
        for (var i = from; i < to; i++)
        {
            var id = eligible[i].ExpertId;
            var len = System.Text.Encoding.UTF8.GetBytes(id, message.AsSpan(prefix.Length + 4));
            BinaryPrimitives.WriteUInt32BigEndian(message.AsSpan(prefix.Length), (uint)len);
            hmac.AppendData(message, 0, prefix.Length + 4 + len);
            hmac.GetHashAndReset(macs.AsSpan(i * 32, 32));
        }
    }

    /// <summary>
    /// Puts <c>order[0..n)</c> in ascending order of the 32-byte MACs <c>macs[32 i ..]</c> compared as
    /// big-endian numbers: a sort of 64-bit keys (their first 8 bytes), then runs of equal keys
    /// settled on all 32 bytes. <paramref name="keys"/> is scratch of at least n.
    /// </summary>
    internal static void SortByMac(byte[] macs, ulong[] keys, int[] order, int n)
    {
        for (var i = 0; i < n; i++)
        {
            keys[i] = BinaryPrimitives.ReadUInt64BigEndian(macs.AsSpan(i * 32, 8));
            order[i] = i;
        }
        Array.Sort(keys, order, 0, n);
        for (var i = 1; i < n; i++)
        {
            if (keys[i] != keys[i - 1])
            {
                continue;
            }
            var end = i + 1;
            while (end < n && keys[end] == keys[i - 1])
            {
                end++;
            }
            order.AsSpan(i - 1, end - i + 1).Sort((a, b) => macs.AsSpan(a * 32, 32).SequenceCompareTo(macs.AsSpan(b * 32, 32)));
            i = end - 1;
        }
    }

    private static byte[] Encode(string s)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(s);
        var result = new byte[4 + bytes.Length];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(result, (uint)bytes.Length);
        bytes.CopyTo(result, 4);
        return result;
    }

    /// <summary>A fresh 32-byte random value for an office that lets the platform generate it.</summary>
    public static byte[] NewOfficeValue() => RandomNumberGenerator.GetBytes(32);
}
