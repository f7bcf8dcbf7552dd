using System.Text;
using System.Text.Json;
using Trading.ExpertPool;

namespace Trading.ExpertPool.Tests;

/// <summary>
/// The shortcuts taken for speed (shared reasons and lists, the specialty index, the 64-bit key
/// sort, pseudonyms on several cores, the hand-written JSON converter) give exactly what the plain
/// definitions give.
/// </summary>
public class FastPathTests
{
    [Fact]
    public void The_key_sort_settles_equal_leading_bytes_on_all_32()
    {
        var rng = new Random(11);
        const int n = 200;
        var macs = new byte[n * 32];
        rng.NextBytes(macs);
        // Groups of MACs that share their first 8 bytes (and some the first 31), in shuffled positions.
        for (var i = 0; i < n; i += 5)
        {
            for (var j = i + 1; j < Math.Min(n, i + 4); j++)
            {
                macs.AsSpan(i * 32, j % 2 == 0 ? 31 : 8).CopyTo(macs.AsSpan(j * 32));
            }
        }
        var keys = new ulong[n];
        var order = new int[n];
        ExpertDraw.SortByMac(macs, keys, order, n);

        var expected = Enumerable.Range(0, n).Order(Comparer<int>.Create((a, b) => macs.AsSpan(a * 32, 32).SequenceCompareTo(macs.AsSpan(b * 32, 32)))).ToArray();
        Assert.Equal(expected, order);
    }

    [Fact]
    public void Pseudonyms_made_on_several_cores_equal_the_definition_in_canonical_order()
    {
        var n = ExpertDraw.ParallelPseudonymsFrom * 2 + 17;
        var eligible = Enumerable.Range(0, n).Select(i => new EligibleExpert($"SF-{i:D6}-专家", ["1-tech"])).ToList();
        var (entries, map) = ExpertDraw.Pseudonymize("D-fast", eligible, Fixtures.Key);

        var expected = eligible.Select(e => DrawAlgorithm.Pseudonym(Fixtures.Key, "D-fast", e.ExpertId)).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(expected, entries.Select(e => e.Pseudonym));
        Assert.All(entries, e => Assert.Equal(e.Pseudonym, DrawAlgorithm.Pseudonym(Fixtures.Key, "D-fast", map[e.Pseudonym])));
    }

    [Fact]
    public void A_repeated_expert_id_is_refused_by_screening()
    {
        var pool = Fixtures.Pool(50);
        pool.Add(pool[10] with { Name = "someone else" });
        Assert.Throws<ArgumentException>(() => Eligibility.Screen(Fixtures.Request(), pool));
        // The reused duplicate set is left clean: the same thread screens a good pool afterwards.
        var again = Eligibility.Screen(Fixtures.Request(), Fixtures.Pool(50));
        Assert.Equal(50, again.Eligible.Count + again.Excluded.Count);
    }

    [Fact]
    public void Shared_reasons_keep_each_experts_own_arguments()
    {
        var day = Fixtures.Day;
        var pool = new List<Expert>
        {
            Fixtures.Clean("U1", "construction/roads") with { Unavailable = [new DayRange(day, day)] },
            Fixtures.Clean("U2", "construction/roads") with { Unavailable = [new DayRange(day.AddDays(-3), day.AddDays(2))] },
            Fixtures.Clean("U3", "construction/roads") with { Unavailable = [new DayRange(day, day)] },
            Fixtures.Clean("F1", "construction/roads") with { EmploymentHistory = [new Employment("bidder-a", new DateOnly(2010, 1, 1), day.AddYears(-1))] },
            Fixtures.Clean("F2", "construction/roads") with { EmploymentHistory = [new Employment("bidder-a", new DateOnly(2010, 1, 1), day.AddYears(-2))] },
            Fixtures.Clean("F3", "construction/roads") with { EmploymentHistory = [new Employment("owner-city-works", new DateOnly(2010, 1, 1), day.AddYears(-1))] },
            Fixtures.Clean("R1", "construction/roads") with { Relationships = [new DeclaredRelationship("bidder-b", RelationshipKind.Relative)] },
            Fixtures.Clean("R2", "construction/roads") with { Relationships = [new DeclaredRelationship("bidder-b", RelationshipKind.Consultant)] },
            Fixtures.Clean("L1", "construction/roads") with { RegistryLinks = [new RegistryLink("bidder-c", RegistryLinkKind.Officer)] },
            Fixtures.Clean("L2", "construction/roads") with { RegistryLinks = [new RegistryLink("owner-city-works", RegistryLinkKind.Officer)] },
            Fixtures.Clean("C1", "construction/roads") with { EmployerId = "bidder-a" },
            Fixtures.Clean("C2", "construction/roads") with { EmployerId = "owner-city-works" },
            Fixtures.Clean("O1", "construction/roads") with { LastDrawnForOwner = new Dictionary<string, DateOnly> { ["owner-city-works"] = day.AddDays(-1) } },
            Fixtures.Clean("O2", "construction/roads") with { LastDrawnForOwner = new Dictionary<string, DateOnly> { ["owner-city-works"] = day.AddDays(-20) } },
            Fixtures.Clean("A1", "construction/roads") with { BirthDate = day.AddYears(-71) },
            Fixtures.Clean("A2", "construction/roads") with { BirthDate = day.AddYears(-75) },
            Fixtures.Clean("Y1", "construction/roads") with { PracticeSince = day.AddYears(-3) },
            Fixtures.Clean("Y2", "construction/roads") with { PracticeSince = day.AddYears(-5) },
            Fixtures.Clean("T1", "construction/roads") with { Title = ExpertTitle.Junior },
            Fixtures.Clean("T2", "construction/roads") with { Title = ExpertTitle.Intermediate, Status = ExpertStatus.Suspended },
            Fixtures.Clean("T3", "construction/roads") with { Title = ExpertTitle.Intermediate },
        };
        var screening = Eligibility.Screen(Fixtures.Request(), pool);
        string Args(string id) => string.Join(";", screening.Excluded.Single(x => x.ExpertId == id).Reasons
            .Select(r => r.Code + "(" + string.Join(",", r.Args.Select(a => a.Key + "=" + a.Value)) + ")"));

        Assert.Equal(ReasonCodes.Unavailable + "(from=2026-12-15,to=2026-12-15)", Args("U1"));
        Assert.Contains("from=2026-12-12,to=2026-12-17", Args("U2"), StringComparison.Ordinal);
        Assert.Equal(Args("U1"), Args("U3"));
        Assert.Contains("until=2025-12-15", Args("F1"), StringComparison.Ordinal);
        Assert.Contains("until=2024-12-15", Args("F2"), StringComparison.Ordinal);
        Assert.Contains("party=owner-city-works,role=owner", Args("F3"), StringComparison.Ordinal);
        Assert.Contains("kind=relative", Args("R1"), StringComparison.Ordinal);
        Assert.Contains("kind=consultant", Args("R2"), StringComparison.Ordinal);
        Assert.Contains("party=bidder-c,role=bidder", Args("L1"), StringComparison.Ordinal);
        Assert.Contains("party=owner-city-works,role=owner", Args("L2"), StringComparison.Ordinal);
        Assert.Contains("party=bidder-a,role=bidder", Args("C1"), StringComparison.Ordinal);
        Assert.Contains("role=owner", Args("C2"), StringComparison.Ordinal);
        Assert.Contains("lastDrawn=2026-12-14", Args("O1"), StringComparison.Ordinal);
        Assert.Contains("lastDrawn=2026-11-25", Args("O2"), StringComparison.Ordinal);
        Assert.Contains("age=71", Args("A1"), StringComparison.Ordinal);
        Assert.Contains("age=75", Args("A2"), StringComparison.Ordinal);
        Assert.Contains("years=3", Args("Y1"), StringComparison.Ordinal);
        Assert.Contains("years=5", Args("Y2"), StringComparison.Ordinal);
        Assert.Contains("title=junior", Args("T1"), StringComparison.Ordinal);
        Assert.Equal([ReasonCodes.StatusSuspended, ReasonCodes.TitleTooLow], screening.Excluded.Single(x => x.ExpertId == "T2").Reasons.Select(r => r.Code));
        Assert.Equal([ReasonCodes.TitleTooLow], screening.Excluded.Single(x => x.ExpertId == "T3").Reasons.Select(r => r.Code));
        Assert.Contains("title=intermediate", Args("T3"), StringComparison.Ordinal);
    }

    [Fact]
    public void Screening_with_more_than_64_strata_names_each_experts_strata()
    {
        // 65 one-seat strata, each its own field; an expert with two of those fields qualifies for both.
        var strata = Enumerable.Range(0, 65).Select(i => new StratumQuota($"s{i:D2}", StratumKind.Technical, [$"construction/f{i:D2}"], 1)).ToArray();
        var request = Fixtures.Request() with { Strata = strata, CommitteeSize = 65, OwnerRepresentativeSeats = 0 };
        var pool = Enumerable.Range(0, 65).Select(i => Fixtures.Clean($"X{i:D2}", $"construction/f{i:D2}") with
        {
            Specialties = [Specialty.Parse($"construction/f{i:D2}"), Specialty.Parse($"construction/f{(i + 64) % 65:D2}")],
        }).ToList();
        var screening = Eligibility.Screen(request, pool);
        Assert.Equal(65, screening.Eligible.Count);
        foreach (var e in screening.Eligible)
        {
            var i = int.Parse(e.ExpertId[1..], System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(new[] { $"s{i:D2}", $"s{(i + 64) % 65:D2}" }.Order(StringComparer.Ordinal), e.Strata);
        }
        Assert.All(screening.Counts, c => Assert.Equal(2, c.Eligible));
    }

    [Fact]
    public void Whole_category_and_field_patterns_combine_per_stratum()
    {
        var request = Fixtures.Request() with
        {
            Strata =
            [
                new StratumQuota("1-tech", StratumKind.Technical, ["construction/roads", "water/*"], 4),
                new StratumQuota("2-econ", StratumKind.Economic, ["economics/cost", "construction/roads"], 2),
            ],
        };
        var pool = new List<Expert>
        {
            Fixtures.Clean("roads", "construction/roads"),
            Fixtures.Clean("bridges", "construction/bridges"),
            Fixtures.Clean("water", "water/supply"),
            Fixtures.Clean("cost", "economics/cost"),
            Fixtures.Clean("bidding", "economics/bidding"),
        };
        var screening = Eligibility.Screen(request, pool);
        Assert.Equal(["1-tech", "2-econ"], screening.Eligible.Single(e => e.ExpertId == "roads").Strata);
        Assert.Equal(["1-tech"], screening.Eligible.Single(e => e.ExpertId == "water").Strata);
        Assert.Equal(["2-econ"], screening.Eligible.Single(e => e.ExpertId == "cost").Strata);
        Assert.Equal([ReasonCodes.SpecialtyNotRequested], screening.Excluded.Single(x => x.ExpertId == "bridges").Reasons.Select(r => r.Code));
        Assert.Equal([ReasonCodes.SpecialtyNotRequested], screening.Excluded.Single(x => x.ExpertId == "bidding").Reasons.Select(r => r.Code));
    }

    [Fact]
    public void Eligible_entries_read_back_exactly_whatever_their_strata_lists()
    {
        // Lists that start like earlier ones and then differ, are shorter or longer, empty, escaped.
        string[][] lists = [["a", "b"], ["a"], ["a", "c"], ["a", "b"], [], ["a", "b", "c"], ["b"], ["a\"q", "é"], ["a"], ["a", "b", "c", "d"]];
        var entries = lists.Select((l, i) => new EligibleEntry(i.ToString("x64", System.Globalization.CultureInfo.InvariantCulture), l)).ToArray();
        var options = DrawRecordJson.Options;
        var json = JsonSerializer.Serialize(entries, options);
        var back = JsonSerializer.Deserialize<EligibleEntry[]>(json, options)!;
        Assert.Equal(lists.Length, back.Length);
        for (var i = 0; i < lists.Length; i++)
        {
            Assert.Equal(entries[i].Pseudonym, back[i].Pseudonym);
            Assert.Equal(lists[i], back[i].Strata);
        }
        Assert.Same(back[0].Strata, back[3].Strata);
        Assert.Equal(json, JsonSerializer.Serialize(back, options));
        // The same text as the general serializer writes for the record type.
        var general = new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };
        Assert.Equal(JsonSerializer.Serialize(entries, general), json);
    }

    [Theory]
    [InlineData("""{"pseudonym":"ab"}""")]
    [InlineData("""{"strata":["a"]}""")]
    [InlineData("""{"pseudonym":"ab","strata":["a"],"extra":1}""")]
    [InlineData("""{"pseudonym":"ab","strata":[1]}""")]
    [InlineData("""{"pseudonym":"ab","strata":[null]}""")]
    [InlineData("""{"pseudonym":null,"strata":["a"]}""")]
    [InlineData("""{"pseudonym":"ab","strata":"a"}""")]
    [InlineData("""["ab",["a"]]""")]
    [InlineData("""{"Pseudonym":"ab","strata":["a"]}""")]
    public void Malformed_eligible_entries_are_refused(string entry)
    {
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<EligibleEntry[]>("[" + entry + "]", DrawRecordJson.Options));
    }

    [Fact]
    public void A_large_record_round_trips_and_verifies_from_its_bytes()
    {
        var pool = Fixtures.Pool(20_000, seed: 3);
        var (record, _) = Fixtures.Drawn(Fixtures.Request("D-big", tech: 6, econ: 2, ownerSeats: 1), pool);
        var json = DrawRecordJson.Serialize(record);
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(json));
        var report = DrawVerifier.Verify(stream);
        Assert.True(report.Ok, report.FirstFailure?.Problem?.ToString());
        Assert.Equal(json, DrawRecordJson.Serialize(DrawRecordJson.Deserialize(json)));
    }
}
