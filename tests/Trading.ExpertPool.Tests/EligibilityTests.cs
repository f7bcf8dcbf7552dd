using Trading.ExpertPool;

namespace Trading.ExpertPool.Tests;

public class EligibilityTests
{
    private const string Owner = "owner-city-works";
    private const string Bidder = "bidder-b";
    private const string Agent = "agency-zhongxin";

    /// <summary>One planted expert per kind of exclusion, each otherwise eligible in the tech stratum.</summary>
    private static readonly string[] PlantKinds = Plants().Select(row => row.Data.Item1).ToArray();

    public static TheoryData<string, string> Plants() => new()
    {
        { "employer-owner", ReasonCodes.CurrentEmployer },
        { "employer-bidder", ReasonCodes.CurrentEmployer },
        { "history-open-ended", ReasonCodes.CurrentEmployer },
        { "former-employer-bidder", ReasonCodes.FormerEmployer },
        { "former-employer-owner", ReasonCodes.FormerEmployer },
        { "declared-financial", ReasonCodes.DeclaredRelationship },
        { "declared-relative", ReasonCodes.DeclaredRelationship },
        { "declared-consultant", ReasonCodes.DeclaredRelationship },
        { "declared-other-owner", ReasonCodes.DeclaredRelationship },
        { "registry-shareholder", ReasonCodes.RegistryLink },
        { "registry-legal-rep", ReasonCodes.RegistryLink },
        { "registry-officer", ReasonCodes.RegistryLink },
        { "registry-shared-contact", ReasonCodes.RegistryLink },
        { "employer-agent", ReasonCodes.CurrentEmployer },
        { "history-open-ended-agent", ReasonCodes.CurrentEmployer },
        { "former-employer-agent", ReasonCodes.FormerEmployer },
        { "declared-agent", ReasonCodes.DeclaredRelationship },
        { "registry-agent", ReasonCodes.RegistryLink },
        { "owner-recent", ReasonCodes.OwnerTooRecent },
        { "suspended", ReasonCodes.StatusSuspended },
        { "retired", ReasonCodes.StatusRetired },
        { "retirement-age", ReasonCodes.RetirementAge },
        { "title-low", ReasonCodes.TitleTooLow },
        { "experience-short", ReasonCodes.ExperienceTooShort },
        { "unavailable", ReasonCodes.Unavailable },
        { "wrong-specialty", ReasonCodes.SpecialtyNotRequested },
        { "region", ReasonCodes.RegionRuleNotMet },
    };

    private static Expert Plant(string kind)
    {
        var e = Fixtures.Clean("P-" + kind, "construction/civil-works");
        var day = Fixtures.Day;
        return kind switch
        {
            "employer-owner" => e with { EmployerId = Owner },
            "employer-bidder" => e with { EmployerId = Bidder },
            "history-open-ended" => e with { EmploymentHistory = [new Employment(Bidder, new DateOnly(2020, 1, 1), null)] },
            "former-employer-bidder" => e with { EmploymentHistory = [new Employment(Bidder, new DateOnly(2015, 1, 1), day.AddYears(-2))] },
            "former-employer-owner" => e with { EmploymentHistory = [new Employment(Owner, new DateOnly(2015, 1, 1), day.AddDays(-10))] },
            "declared-financial" => e with { Relationships = [new DeclaredRelationship(Bidder, RelationshipKind.FinancialInterest)] },
            "declared-relative" => e with { Relationships = [new DeclaredRelationship("bidder-a", RelationshipKind.Relative, "brother-in-law")] },
            "declared-consultant" => e with { Relationships = [new DeclaredRelationship("bidder-c", RelationshipKind.Consultant)] },
            "declared-other-owner" => e with { Relationships = [new DeclaredRelationship(Owner, RelationshipKind.Other)] },
            "registry-shareholder" => e with { RegistryLinks = [new RegistryLink(Bidder, RegistryLinkKind.Shareholder)] },
            "registry-legal-rep" => e with { RegistryLinks = [new RegistryLink(Owner, RegistryLinkKind.LegalRepresentative)] },
            "registry-officer" => e with { RegistryLinks = [new RegistryLink("bidder-a", RegistryLinkKind.Officer)] },
            "registry-shared-contact" => e with { RegistryLinks = [new RegistryLink("bidder-c", RegistryLinkKind.SharedContact)] },
            "employer-agent" => e with { EmployerId = Agent },
            "history-open-ended-agent" => e with { EmploymentHistory = [new Employment(Agent, new DateOnly(2021, 1, 1), null)] },
            "former-employer-agent" => e with { EmploymentHistory = [new Employment(Agent, new DateOnly(2015, 1, 1), day.AddYears(-3))] },
            "declared-agent" => e with { Relationships = [new DeclaredRelationship(Agent, RelationshipKind.Relative)] },
            "registry-agent" => e with { RegistryLinks = [new RegistryLink(Agent, RegistryLinkKind.LegalRepresentative)] },
            "owner-recent" => e with { LastDrawnForOwner = new Dictionary<string, DateOnly> { [Owner] = day.AddDays(-29) } },
            "suspended" => e with { Status = ExpertStatus.Suspended },
            "retired" => e with { Status = ExpertStatus.Retired },
            "retirement-age" => e with { BirthDate = day.AddYears(-70) },
            "title-low" => e with { Title = ExpertTitle.Intermediate },
            "experience-short" => e with { PracticeSince = day.AddYears(-8).AddDays(1) },
            "unavailable" => e with { Unavailable = [new DayRange(day.AddDays(-1), day)] },
            "wrong-specialty" => e with { Specialties = [Specialty.Parse("water/hydraulic")] },
            "region" => e with { Region = "zj/hz/xihu" },
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
    }

    private static DrawRequest RequestWithRegionRule() => Fixtures.Request() with
    {
        AgentId = Agent,
        // The tech stratum takes only experts from outside Hangzhou, so the "region" plant fails it.
        Strata =
        [
            new StratumQuota("1-tech", StratumKind.Technical, ["construction/*"], 4, new RegionRule(RegionRuleMode.Outside, ["zj/hz"])),
            new StratumQuota("2-econ", StratumKind.Economic, ["economics/*"], 2),
        ],
    };

    private static List<Expert> PoolWithPlants()
    {
        var pool = Fixtures.Pool(400);
        // Clean tech experts from outside Hangzhou so the region-ruled stratum can be filled.
        pool.AddRange(Enumerable.Range(0, 30).Select(i => Fixtures.Clean($"NB{i}", "construction/roads", "zj/nb/haishu")));
        pool.AddRange(PlantKinds.Select(Plant));
        return pool;
    }

    [Theory]
    [MemberData(nameof(Plants))]
    public void A_planted_exclusion_keeps_its_reason_and_never_appears(string kind, string code)
    {
        var pool = PoolWithPlants();
        var request = RequestWithRegionRule();
        var screening = Eligibility.Screen(request, pool);
        var id = "P-" + kind;
        var exclusion = Assert.Single(screening.Excluded, x => x.ExpertId == id);
        Assert.Contains(exclusion.Reasons, r => r.Code == code);
        Assert.DoesNotContain(screening.Eligible, x => x.ExpertId == id);

        // Across many draws, including every replacement down the reserve, the planted expert never shows up.
        for (var d = 0; d < 5; d++)
        {
            var (record, prep) = Fixtures.Drawn(request with { DrawId = $"D-{kind}-{d}" }, pool, (byte)d);
            var pseudonym = DrawAlgorithm.Pseudonym(Fixtures.Key, record.DrawId, id);
            Assert.DoesNotContain(record.Eligible, e => e.Pseudonym == pseudonym);
            Assert.DoesNotContain(id, prep.ExpertIdByPseudonym.Values);
        }
    }

    [Fact]
    public void Planted_experts_never_reach_the_committee_even_when_the_reserve_runs_dry()
    {
        // A tiny pool: 5 clean tech experts, 3 clean econ experts and every plant. Decline until the reserves are empty.
        var pool = Enumerable.Range(0, 5).Select(i => Fixtures.Clean($"T{i}", "construction/roads", "zj/nb/x")).ToList();
        pool.AddRange(Enumerable.Range(0, 3).Select(i => Fixtures.Clean($"C{i}", "economics/cost")));
        pool.AddRange(PlantKinds.Select(Plant));
        var (r, prep) = Fixtures.Drawn(RequestWithRegionRule(), pool);
        var seen = new HashSet<string>();
        for (var guard = 0; guard < 50; guard++)
        {
            var seat = DrawProcess.Committee(r).FirstOrDefault(s => !seen.Contains(s.Pseudonym));
            if (seat is null)
            {
                break;
            }
            seen.Add(seat.Pseudonym);
            r = DrawProcess.Replace(r, seat.Pseudonym, ReplacementReason.NoAnswer, null, Fixtures.T0.AddHours(1)).Record;
        }
        var everyone = r.Strata.SelectMany(s => s.Selected).Concat(r.Replacements.Where(x => x.In is not null).Select(x => x.In!));
        var ids = everyone.Select(p => prep.ExpertIdByPseudonym[p]).ToList();
        Assert.Equal(8, ids.Distinct().Count());
        Assert.All(ids, id => Assert.False(id.StartsWith("P-", StringComparison.Ordinal), id));
        Assert.Contains(r.Replacements, x => x.In is null);
    }

    [Fact]
    public void Every_reason_is_kept_not_just_the_first()
    {
        var e = Fixtures.Clean("X", "construction/roads") with { Status = ExpertStatus.Suspended, EmployerId = Bidder, Title = ExpertTitle.Junior };
        var screening = Eligibility.Screen(Fixtures.Request(), [e]);
        var codes = Assert.Single(screening.Excluded).Reasons.Select(r => r.Code).ToList();
        Assert.Equal([ReasonCodes.StatusSuspended, ReasonCodes.TitleTooLow, ReasonCodes.CurrentEmployer], codes);
        var employer = screening.Excluded[0].Reasons[2];
        Assert.Equal("bidder", employer.Args["role"]);
        Assert.Contains(Bidder, DrawMessages.Format(employer, "zh-CN"), StringComparison.Ordinal);
    }

    [Fact]
    public void The_tendering_agent_is_avoided_like_the_owner_and_named_in_both_languages()
    {
        var e = Fixtures.Clean("A", "construction/roads") with { EmployerId = Agent };
        Assert.Single(Eligibility.Screen(Fixtures.Request(), [e]).Eligible); // no agent engaged: the firm is nobody's

        var screening = Eligibility.Screen(Fixtures.Request() with { AgentId = Agent }, [e]);
        var reason = Assert.Single(Assert.Single(screening.Excluded).Reasons);
        Assert.Equal((ReasonCodes.CurrentEmployer, "agent", Agent), (reason.Code, reason.Args["role"], reason.Args["party"]));
        Assert.Equal($"受雇于本标段的招标代理机构{Agent}。", DrawMessages.Format(reason, "zh-CN"));
        Assert.Equal($"Employed by {Agent}, the tendering agent of this lot.", DrawMessages.Format(reason, "en"));

        // A party named both owner and agent is the owner.
        var both = Eligibility.Screen(Fixtures.Request() with { AgentId = Owner }, [e with { EmployerId = Owner }]);
        Assert.Equal("owner", Assert.Single(Assert.Single(both.Excluded).Reasons).Args["role"]);

        // The agent is not part of the v1 request hash, so the record format is unchanged.
        var plain = ExpertDraw.Prepare(Fixtures.Request(), Fixtures.Pool(200), Fixtures.Key, Fixtures.T0).Record;
        var withAgent = ExpertDraw.Prepare(Fixtures.Request() with { AgentId = Agent }, Fixtures.Pool(200), Fixtures.Key, Fixtures.T0).Record;
        Assert.Equal(plain.RequestHash, withAgent.RequestHash);
        Assert.Equal(DrawRecordJson.Serialize(plain), DrawRecordJson.Serialize(withAgent));
    }

    [Fact]
    public void Relationship_kinds_and_titles_read_as_words()
    {
        var e = Fixtures.Clean("K", "construction/roads") with
        {
            Title = ExpertTitle.Intermediate,
            Relationships = [new DeclaredRelationship(Bidder, RelationshipKind.FinancialInterest)],
            RegistryLinks = [new RegistryLink(Owner, RegistryLinkKind.SharedContact)],
        };
        var reasons = Assert.Single(Eligibility.Screen(Fixtures.Request(), [e]).Excluded).Reasons;
        var zh = string.Join(" ", reasons.Select(r => DrawMessages.Format(r, "zh-CN")));
        var en = string.Join(" ", reasons.Select(r => DrawMessages.Format(r, "en")));
        Assert.Contains("职称中级低于要求的副高级", zh, StringComparison.Ordinal);
        Assert.Contains("申报了与本标段投标人bidder-b的经济利益关系", zh, StringComparison.Ordinal);
        Assert.Contains("招标人owner-city-works存在共用联系方式关联", zh, StringComparison.Ordinal);
        Assert.Contains("Declared a financial interest relationship with bidder-b, the bidder of this lot.", en, StringComparison.Ordinal);
        Assert.Contains("Registry shows a shared contact details link with owner-city-works, the owner of this lot.", en, StringComparison.Ordinal);
    }

    [Fact]
    public void Boundaries_of_the_windows_are_respected()
    {
        var day = Fixtures.Day;
        var ok = new[]
        {
            Fixtures.Clean("former-long-ago", "construction/roads") with { EmploymentHistory = [new Employment(Bidder, new DateOnly(2000, 1, 1), day.AddYears(-3).AddDays(-1))] },
            Fixtures.Clean("owner-long-ago", "construction/roads") with { LastDrawnForOwner = new Dictionary<string, DateOnly> { [Owner] = day.AddDays(-30) } },
            Fixtures.Clean("other-owner", "construction/roads") with { LastDrawnForOwner = new Dictionary<string, DateOnly> { ["someone-else"] = day } },
            Fixtures.Clean("age-69", "construction/roads") with { BirthDate = day.AddYears(-70).AddDays(1) },
            Fixtures.Clean("exactly-8-years", "construction/roads") with { PracticeSince = day.AddYears(-8) },
            Fixtures.Clean("unavailable-other-day", "construction/roads") with { Unavailable = [new DayRange(day.AddDays(1), day.AddDays(3))] },
            Fixtures.Clean("unrelated-link", "construction/roads") with { RegistryLinks = [new RegistryLink("not-a-bidder", RegistryLinkKind.Shareholder)] },
        };
        var screening = Eligibility.Screen(Fixtures.Request(), ok);
        Assert.Empty(screening.Excluded);
        Assert.Equal(ok.Length, screening.Eligible.Count);
    }

    [Fact]
    public void Too_few_eligible_is_refused_with_the_numbers()
    {
        var pool = Enumerable.Range(0, 3).Select(i => Fixtures.Clean($"T{i}", "construction/roads")).ToList();
        pool.AddRange(Enumerable.Range(0, 5).Select(i => Fixtures.Clean($"C{i}", "economics/cost")));
        var ex = Assert.Throws<DrawInfeasibleException>(() => ExpertDraw.Prepare(Fixtures.Request(), pool, Fixtures.Key, Fixtures.T0));
        var s = Assert.Single(ex.Shortfalls);
        Assert.Equal(("1-tech", 4, 3), (s.Stratum, s.Needed, s.Eligible));
        Assert.Contains("1-tech needs 4, 3 eligible", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Overlapping_strata_that_could_starve_a_later_stratum_are_refused_before_the_seed()
    {
        // Stratum "a" (2 seats) and "b" (3 seats) share experts: b has 4 eligible, but a may take 2 of them.
        var request = Fixtures.Request() with
        {
            CommitteeSize = 5,
            OwnerRepresentativeSeats = 0,
            Strata =
            [
                new StratumQuota("a", StratumKind.Technical, ["construction/*"], 2),
                new StratumQuota("b", StratumKind.Economic, ["construction/roads"], 3),
            ],
        };
        var pool = Enumerable.Range(0, 4).Select(i => Fixtures.Clean($"R{i}", "construction/roads")).ToList();
        pool.Add(Fixtures.Clean("S0", "construction/structures"));
        var ex = Assert.Throws<DrawInfeasibleException>(() => ExpertDraw.Prepare(request, pool, Fixtures.Key, Fixtures.T0));
        var s = Assert.Single(ex.Shortfalls);
        Assert.Equal(("b", 3, 4, 2), (s.Stratum, s.Needed, s.Eligible, s.SharedWithEarlier));

        // Two more road experts make it safe whatever the seed.
        pool.Add(Fixtures.Clean("R8", "construction/roads"));
        pool.Add(Fixtures.Clean("R9", "construction/roads"));
        var (record, _) = Fixtures.Drawn(request, pool);
        Assert.Equal(5, DrawProcess.Committee(record).Select(c => c.Pseudonym).Distinct().Count());
    }
}
