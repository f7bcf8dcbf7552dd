// A shared reason is found by its code and the few values its arguments come from.
using ReasonKey = (string Code, string? A, string? B, long C, long D);

namespace Trading.ExpertPool;

/// <summary>An expert who passed every rule, and the strata (ordinal order) the expert qualifies for.</summary>
public sealed record EligibleExpert(string ExpertId, IReadOnlyList<string> Strata);

/// <summary>An expert left out, with every reason that applies (not just the first).</summary>
public sealed record ExpertExclusion(string ExpertId, IReadOnlyList<Reason> Reasons);

/// <summary>Seats needed and experts eligible in one stratum.</summary>
public sealed record StratumCount(string Stratum, int Needed, int Eligible);

/// <summary>The result of screening the pool for one request.</summary>
public sealed record EligibilityResult(IReadOnlyList<EligibleExpert> Eligible, IReadOnlyList<ExpertExclusion> Excluded, IReadOnlyList<StratumCount> Counts);

/// <summary>Screens the pool against a request: status, title, experience, age, availability, specialty, region and every avoidance rule.</summary>
public static class Eligibility
{
    private static readonly Reason NoSpecialty = new(ReasonCodes.SpecialtyNotRequested, new Dictionary<string, string>());
    private static readonly Reason Suspended = new(ReasonCodes.StatusSuspended, new Dictionary<string, string>());
    private static readonly Reason Retired = new(ReasonCodes.StatusRetired, new Dictionary<string, string>());

    [ThreadStatic]
    private static HashSet<string>? t_seen;

    /// <summary>Whole years from <paramref name="from"/> to <paramref name="on"/>, as screening counts ages and years of practice.</summary>
    public static int WholeYears(DateOnly from, DateOnly on) => Expert.WholeYears(from, on);

    /// <summary>Screens <paramref name="pool"/>. The request is validated first.</summary>
    public static EligibilityResult Screen(DrawRequest request, IEnumerable<Expert> pool)
    {
        ArgumentNullException.ThrowIfNull(pool);
        ExpertDraw.Validate(request);
        var strata = request.Strata.OrderBy(s => s.Id, StringComparer.Ordinal).ToArray();
        var rules = request.Rules;
        var day = request.EvaluationDate;
        var parties = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var b in request.BidderIds)
        {
            parties[b] = "bidder";
        }
        // The owner side wins if a party is somehow both: the owner, then its agent.
        if (!string.IsNullOrEmpty(request.AgentId))
        {
            parties[request.AgentId] = "agent";
        }
        parties[request.OwnerId] = "owner";
        var formerCutoff = day.AddYears(-rules.FormerEmployerWindowYears);

        var specialties = new SpecialtyIndex(strata);
        var counts = new int[strata.Length];
        var regionFailed = new List<string>(strata.Length);
        var matchedIndex = new List<int>(strata.Length);
        // The duplicate check's set is as large as the pool; it is kept per thread between screenings
        // because allocating it anew (a few MB on the large-object heap) costs more than filling it,
        // and drives full collections over the whole pool.
        var seen = t_seen ?? new HashSet<string>(StringComparer.Ordinal);
        t_seen = null;
        seen.EnsureCapacity(pool.TryGetNonEnumeratedCount(out var poolCount) ? poolCount : 0);
        // Reasons are immutable, and equal ones are shared: a reason depends on a few values (a title,
        // an age, a party and role, a date range), so a large pool repeats them. Then most exclusions'
        // reason lists are equal sequences of shared reasons too, and those lists are shared in turn,
        // as are the eligible experts' strata lists: screening allocates little beyond one object per expert.
        // (No lambdas here: one capturing a loop variable would allocate a closure per expert.)
        var reasonCache = new Dictionary<ReasonKey, Reason>();
        Reason? cached;
        var sharedLists = new SharedReasonLists();
        var strataLists = new Dictionary<ulong, IReadOnlyList<string>>();
        var reasons = new List<Reason>(8);
        var poolSize = pool.TryGetNonEnumeratedCount(out var n) ? n : 0;
        var eligible = new List<EligibleExpert>(poolSize);
        var excluded = new List<ExpertExclusion>(poolSize);
        Reason Keep(ReasonKey key, Reason r)
        {
            reasonCache.Add(key, r);
            return r;
        }
        foreach (var e in pool)
        {
            if (!seen.Add(e.Id))
            {
                throw new ArgumentException($"Expert id '{e.Id}' appears twice in the pool.", nameof(pool));
            }
            reasons.Clear();

            if (e.Status == ExpertStatus.Suspended)
            {
                reasons.Add(Suspended);
            }
            if (e.Status == ExpertStatus.Retired)
            {
                reasons.Add(Retired);
            }
            var age = Expert.WholeYears(e.BirthDate, day);
            if (age >= rules.RetirementAge)
            {
                ReasonKey key = (ReasonCodes.RetirementAge, null, null, age, 0);
                reasons.Add(reasonCache.TryGetValue(key, out cached) ? cached : Keep(key, Reason.Of(ReasonCodes.RetirementAge, ("age", age), ("retirementAge", rules.RetirementAge))));
            }
            if (e.Title < rules.MinTitle)
            {
                var title = e.Title;
                ReasonKey key = (ReasonCodes.TitleTooLow, null, null, (long)title, 0);
                reasons.Add(reasonCache.TryGetValue(key, out cached) ? cached : Keep(key, Reason.Of(ReasonCodes.TitleTooLow, ("title", DrawAlgorithm.EnumName(title)), ("minTitle", DrawAlgorithm.EnumName(rules.MinTitle)))));
            }
            var years = Expert.WholeYears(e.PracticeSince, day);
            if (years < rules.MinYearsOfExperience)
            {
                ReasonKey key = (ReasonCodes.ExperienceTooShort, null, null, years, 0);
                reasons.Add(reasonCache.TryGetValue(key, out cached) ? cached : Keep(key, Reason.Of(ReasonCodes.ExperienceTooShort, ("years", years), ("minYears", rules.MinYearsOfExperience))));
            }
            var unavailable = e.Unavailable;
            for (var k = 0; k < unavailable.Count; k++)
            {
                var u = unavailable[k];
                if (u.Contains(day))
                {
                    ReasonKey key = (ReasonCodes.Unavailable, null, null, u.From.DayNumber, u.To.DayNumber);
                    reasons.Add(reasonCache.TryGetValue(key, out cached) ? cached : Keep(key, Reason.Of(ReasonCodes.Unavailable, ("from", u.From), ("to", u.To))));
                }
            }
            if (e.EmployerId is { } employer && parties.TryGetValue(employer, out var role))
            {
                var r = role;
                ReasonKey key = (ReasonCodes.CurrentEmployer, employer, r, 0, 0);
                reasons.Add(reasonCache.TryGetValue(key, out cached) ? cached : Keep(key, Reason.Of(ReasonCodes.CurrentEmployer, ("party", employer), ("role", r))));
            }
            var history = e.EmploymentHistory;
            for (var k = 0; k < history.Count; k++)
            {
                var job = history[k];
                if (!parties.TryGetValue(job.EmployerId, out var r))
                {
                    continue;
                }
                if (job.To is not { } until)
                {
                    // An open-ended history entry is current employment even if EmployerId was not updated.
                    if (job.EmployerId != e.EmployerId)
                    {
                        ReasonKey key = (ReasonCodes.CurrentEmployer, job.EmployerId, r, 0, 0);
                        reasons.Add(reasonCache.TryGetValue(key, out cached) ? cached : Keep(key, Reason.Of(ReasonCodes.CurrentEmployer, ("party", job.EmployerId), ("role", r))));
                    }
                }
                else if (until >= formerCutoff)
                {
                    ReasonKey key = (ReasonCodes.FormerEmployer, job.EmployerId, r, until.DayNumber, 0);
                    reasons.Add(reasonCache.TryGetValue(key, out cached) ? cached : Keep(key, Reason.Of(ReasonCodes.FormerEmployer, ("party", job.EmployerId), ("role", r), ("until", until), ("windowYears", rules.FormerEmployerWindowYears))));
                }
            }
            var relationships = e.Relationships;
            for (var k = 0; k < relationships.Count; k++)
            {
                var rel = relationships[k];
                if (parties.TryGetValue(rel.PartyId, out var r))
                {
                    ReasonKey key = (ReasonCodes.DeclaredRelationship, rel.PartyId, r, (long)rel.Kind, 0);
                    reasons.Add(reasonCache.TryGetValue(key, out cached) ? cached : Keep(key, Reason.Of(ReasonCodes.DeclaredRelationship, ("party", rel.PartyId), ("role", r), ("kind", DrawAlgorithm.EnumName(rel.Kind)))));
                }
            }
            var links = e.RegistryLinks;
            for (var k = 0; k < links.Count; k++)
            {
                var link = links[k];
                if (parties.TryGetValue(link.PartyId, out var r))
                {
                    ReasonKey key = (ReasonCodes.RegistryLink, link.PartyId, r, (long)link.Kind, 0);
                    reasons.Add(reasonCache.TryGetValue(key, out cached) ? cached : Keep(key, Reason.Of(ReasonCodes.RegistryLink, ("party", link.PartyId), ("role", r), ("kind", DrawAlgorithm.EnumName(link.Kind)))));
                }
            }
            if (e.LastDrawnForOwner.Count > 0 && e.LastDrawnForOwner.TryGetValue(request.OwnerId, out var last) && Math.Abs(day.DayNumber - last.DayNumber) < rules.OwnerCooldownDays)
            {
                ReasonKey key = (ReasonCodes.OwnerTooRecent, null, null, last.DayNumber, 0);
                reasons.Add(reasonCache.TryGetValue(key, out cached) ? cached : Keep(key, Reason.Of(ReasonCodes.OwnerTooRecent, ("owner", request.OwnerId), ("lastDrawn", last), ("cooldownDays", rules.OwnerCooldownDays))));
            }

            // Strata are in ordinal id order, so walking their indices upwards keeps the lists in that order.
            ulong matchedMask = 0;
            regionFailed.Clear();
            matchedIndex.Clear();
            var qualified = specialties.Qualified(e.Specialties);
            if (qualified is not null)
            {
                for (var i = 0; i < strata.Length; i++)
                {
                    if (!qualified.Get(i))
                    {
                        continue;
                    }
                    var region = strata[i].Region;
                    if (region is not null && !region.Allows(e.Region))
                    {
                        regionFailed.Add(strata[i].Id);
                    }
                    else
                    {
                        matchedIndex.Add(i);
                        if (i < 64)
                        {
                            matchedMask |= 1UL << i;
                        }
                    }
                }
            }
            if (matchedIndex.Count == 0)
            {
                if (regionFailed.Count > 0)
                {
                    var failed = string.Join(",", regionFailed);
                    ReasonKey key = (ReasonCodes.RegionRuleNotMet, failed, e.Region, 0, 0);
                    reasons.Add(reasonCache.TryGetValue(key, out cached) ? cached : Keep(key, Reason.Of(ReasonCodes.RegionRuleNotMet, ("strata", failed), ("region", e.Region))));
                }
                else
                {
                    reasons.Add(NoSpecialty);
                }
            }

            if (reasons.Count == 0)
            {
                IReadOnlyList<string> list;
                if (strata.Length <= 64)
                {
                    if (!strataLists.TryGetValue(matchedMask, out list!))
                    {
                        list = Array.AsReadOnly(StrataIds(strata, matchedIndex));
                        strataLists.Add(matchedMask, list);
                    }
                }
                else
                {
                    list = StrataIds(strata, matchedIndex);
                }
                eligible.Add(new EligibleExpert(e.Id, list));
                foreach (var i in matchedIndex)
                {
                    counts[i]++;
                }
            }
            else
            {
                excluded.Add(new ExpertExclusion(e.Id, sharedLists.For(reasons)));
            }
        }
        seen.Clear();
        t_seen = seen;
        var countList = strata.Select((s, i) => new StratumCount(s.Id, s.Count, counts[i])).ToArray();
        return new EligibilityResult(eligible, excluded, countList);
    }

    /// <summary>One list per distinct sequence of shared (immutable, reused) reasons, found by walking a small trie keyed by reference.</summary>
    private sealed class SharedReasonLists
    {
        private readonly Dictionary<Reason, SharedReasonLists> _next = new(ReferenceEqualityComparer.Instance);
        private IReadOnlyList<Reason>? _list;

        public IReadOnlyList<Reason> For(List<Reason> reasons)
        {
            var node = this;
            foreach (var r in reasons)
            {
                if (!node._next.TryGetValue(r, out var child))
                {
                    child = new SharedReasonLists();
                    node._next.Add(r, child);
                }
                node = child;
            }
            return node._list ??= Array.AsReadOnly(reasons.ToArray());
        }
    }

    private static string[] StrataIds(StratumQuota[] strata, List<int> indices)
    {
        var ids = new string[indices.Count];
        for (var k = 0; k < ids.Length; k++)
        {
            ids[k] = strata[indices[k]].Id;
        }
        return ids;
    }

    /// <summary>
    /// Which strata each specialty qualifies for, precomputed once per request: screening a large
    /// pool then costs one or two ordinal lookups per specialty of an expert, whatever the number
    /// of strata and patterns.
    /// </summary>
    private sealed class SpecialtyIndex
    {
        private readonly int _strata;
        // Category to the strata that take the whole category ("category/*"), and per field the strata that name that field.
        private readonly Dictionary<string, (System.Collections.BitArray Whole, Dictionary<string, System.Collections.BitArray> Fields)> _categories = new(StringComparer.Ordinal);
        private readonly System.Collections.BitArray _scratch;

        public SpecialtyIndex(StratumQuota[] strata)
        {
            _strata = strata.Length;
            _scratch = new System.Collections.BitArray(_strata);
            for (var i = 0; i < strata.Length; i++)
            {
                foreach (var p in strata[i].Specialties)
                {
                    var slash = p.IndexOf('/', StringComparison.Ordinal);
                    var category = Category(p[..slash]);
                    var field = p[(slash + 1)..];
                    if (field == "*")
                    {
                        category.Whole.Set(i, true);
                    }
                    else
                    {
                        if (!category.Fields.TryGetValue(field, out var bits))
                        {
                            bits = new System.Collections.BitArray(_strata);
                            category.Fields.Add(field, bits);
                        }
                        bits.Set(i, true);
                    }
                }
            }
        }

        private (System.Collections.BitArray Whole, Dictionary<string, System.Collections.BitArray> Fields) Category(string name)
        {
            if (!_categories.TryGetValue(name, out var c))
            {
                c = (new System.Collections.BitArray(_strata), new Dictionary<string, System.Collections.BitArray>(StringComparer.Ordinal));
                _categories.Add(name, c);
            }
            return c;
        }

        /// <summary>The strata any of <paramref name="specialties"/> qualifies for (a shared scratch set, valid until the next call), or null for none.</summary>
        public System.Collections.BitArray? Qualified(IReadOnlyList<Specialty> specialties)
        {
            var any = false;
            for (var k = 0; k < specialties.Count; k++)
            {
                var sp = specialties[k];
                if (sp.Category is null || !_categories.TryGetValue(sp.Category, out var c))
                {
                    continue;
                }
                if (!any)
                {
                    _scratch.SetAll(false);
                    any = true;
                }
                _scratch.Or(c.Whole);
                if (sp.Field is not null && c.Fields.TryGetValue(sp.Field, out var bits))
                {
                    _scratch.Or(bits);
                }
            }
            return any ? _scratch : null;
        }
    }
}
