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
    private static readonly IReadOnlyList<Reason> OnlyNoSpecialty = Array.AsReadOnly([NoSpecialty]);

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
        // The owner role wins if a party is somehow both.
        parties[request.OwnerId] = "owner";
        var formerCutoff = day.AddYears(-rules.FormerEmployerWindowYears);

        var matchers = strata.Select(s => new SpecialtyMatcher(s.Specialties)).ToArray();
        var eligible = new List<EligibleExpert>();
        var excluded = new List<ExpertExclusion>();
        var counts = new int[strata.Length];
        var matched = new List<string>(strata.Length);
        var regionFailed = new List<string>(strata.Length);
        var matchedIndex = new List<int>(strata.Length);
        var seen = new HashSet<string>(pool.TryGetNonEnumeratedCount(out var poolCount) ? poolCount : 0, StringComparer.Ordinal);
        var ageReasons = new Dictionary<int, Reason>();
        var titleReasons = new Dictionary<int, Reason>();
        var yearsReasons = new Dictionary<int, Reason>();
        List<Reason>? reasons = null;
        void Add(Reason r) => (reasons ??= []).Add(r);
        foreach (var e in pool)
        {
            if (!seen.Add(e.Id))
            {
                throw new ArgumentException($"Expert id '{e.Id}' appears twice in the pool.", nameof(pool));
            }
            reasons = null;

            if (e.Status == ExpertStatus.Suspended)
            {
                Add(Suspended);
            }
            if (e.Status == ExpertStatus.Retired)
            {
                Add(Retired);
            }
            // These reasons depend on one small number each, so equal ones are shared (reasons are immutable).
            var age = Expert.WholeYears(e.BirthDate, day);
            if (age >= rules.RetirementAge)
            {
                Add(Cached(ageReasons, age, a => Reason.Of(ReasonCodes.RetirementAge, ("age", a), ("retirementAge", rules.RetirementAge))));
            }
            if (e.Title < rules.MinTitle)
            {
                Add(Cached(titleReasons, (int)e.Title, t => Reason.Of(ReasonCodes.TitleTooLow, ("title", DrawAlgorithm.EnumName((ExpertTitle)t)), ("minTitle", DrawAlgorithm.EnumName(rules.MinTitle)))));
            }
            var years = Expert.WholeYears(e.PracticeSince, day);
            if (years < rules.MinYearsOfExperience)
            {
                Add(Cached(yearsReasons, years, y => Reason.Of(ReasonCodes.ExperienceTooShort, ("years", y), ("minYears", rules.MinYearsOfExperience))));
            }
            var unavailable = e.Unavailable;
            for (var k = 0; k < unavailable.Count; k++)
            {
                var u = unavailable[k];
                if (u.Contains(day))
                {
                    Add(Reason.Of(ReasonCodes.Unavailable, ("from", u.From), ("to", u.To)));
                }
            }
            if (e.EmployerId is not null && parties.TryGetValue(e.EmployerId, out var role))
            {
                Add(Reason.Of(ReasonCodes.CurrentEmployer, ("party", e.EmployerId), ("role", role)));
            }
            var history = e.EmploymentHistory;
            for (var k = 0; k < history.Count; k++)
            {
                var job = history[k];
                if (!parties.TryGetValue(job.EmployerId, out role))
                {
                    continue;
                }
                if (job.To is null)
                {
                    // An open-ended history entry is current employment even if EmployerId was not updated.
                    if (job.EmployerId != e.EmployerId)
                    {
                        Add(Reason.Of(ReasonCodes.CurrentEmployer, ("party", job.EmployerId), ("role", role)));
                    }
                }
                else if (job.To.Value >= formerCutoff)
                {
                    Add(Reason.Of(ReasonCodes.FormerEmployer, ("party", job.EmployerId), ("role", role), ("until", job.To.Value), ("windowYears", rules.FormerEmployerWindowYears)));
                }
            }
            var relationships = e.Relationships;
            for (var k = 0; k < relationships.Count; k++)
            {
                var rel = relationships[k];
                if (parties.TryGetValue(rel.PartyId, out role))
                {
                    Add(Reason.Of(ReasonCodes.DeclaredRelationship, ("party", rel.PartyId), ("role", role), ("kind", DrawAlgorithm.EnumName(rel.Kind))));
                }
            }
            var links = e.RegistryLinks;
            for (var k = 0; k < links.Count; k++)
            {
                var link = links[k];
                if (parties.TryGetValue(link.PartyId, out role))
                {
                    Add(Reason.Of(ReasonCodes.RegistryLink, ("party", link.PartyId), ("role", role), ("kind", DrawAlgorithm.EnumName(link.Kind))));
                }
            }
            if (e.LastDrawnForOwner.TryGetValue(request.OwnerId, out var last) && Math.Abs(day.DayNumber - last.DayNumber) < rules.OwnerCooldownDays)
            {
                Add(Reason.Of(ReasonCodes.OwnerTooRecent, ("owner", request.OwnerId), ("lastDrawn", last), ("cooldownDays", rules.OwnerCooldownDays)));
            }

            matched.Clear();
            matchedIndex.Clear();
            regionFailed.Clear();
            for (var i = 0; i < strata.Length; i++)
            {
                var s = strata[i];
                if (!matchers[i].Qualifies(e.Specialties))
                {
                    continue;
                }
                if (s.Region is not null && !s.Region.Allows(e.Region))
                {
                    regionFailed.Add(s.Id);
                }
                else
                {
                    matched.Add(s.Id);
                    matchedIndex.Add(i);
                }
            }
            if (matched.Count == 0)
            {
                if (regionFailed.Count > 0)
                {
                    Add(Reason.Of(ReasonCodes.RegionRuleNotMet, ("strata", string.Join(",", regionFailed)), ("region", e.Region)));
                }
                else if (reasons is null)
                {
                    // Most of a large pool is simply outside the requested specialties; one shared list keeps that cheap.
                    excluded.Add(new ExpertExclusion(e.Id, OnlyNoSpecialty));
                    continue;
                }
                else
                {
                    Add(NoSpecialty);
                }
            }

            if (reasons is null)
            {
                eligible.Add(new EligibleExpert(e.Id, matched.ToArray()));
                foreach (var i in matchedIndex)
                {
                    counts[i]++;
                }
            }
            else
            {
                excluded.Add(new ExpertExclusion(e.Id, reasons));
            }
        }
        var countList = strata.Select((s, i) => new StratumCount(s.Id, s.Count, counts[i])).ToArray();
        return new EligibilityResult(eligible, excluded, countList);
    }

    private static Reason Cached(Dictionary<int, Reason> cache, int key, Func<int, Reason> make)
    {
        if (!cache.TryGetValue(key, out var r))
        {
            r = make(key);
            cache.Add(key, r);
        }
        return r;
    }

    /// <summary>A stratum's specialty patterns as lookup sets, so screening a large pool stays linear and cheap.</summary>
    private sealed class SpecialtyMatcher
    {
        private readonly HashSet<string> _wholeCategories = new(StringComparer.Ordinal);
        private readonly HashSet<(string, string)> _fields = [];

        public SpecialtyMatcher(IReadOnlyList<string> patterns)
        {
            foreach (var p in patterns)
            {
                var slash = p.IndexOf('/', StringComparison.Ordinal);
                var field = p[(slash + 1)..];
                if (field == "*")
                {
                    _wholeCategories.Add(p[..slash]);
                }
                else
                {
                    _fields.Add((p[..slash], field));
                }
            }
        }

        public bool Qualifies(IReadOnlyList<Specialty> specialties)
        {
            for (var k = 0; k < specialties.Count; k++)
            {
                var sp = specialties[k];
                if (_wholeCategories.Contains(sp.Category) || _fields.Contains((sp.Category, sp.Field)))
                {
                    return true;
                }
            }
            return false;
        }
    }
}
