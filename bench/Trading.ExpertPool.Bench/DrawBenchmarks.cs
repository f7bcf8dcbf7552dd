using System.Text;
using BenchmarkDotNet.Attributes;
using Trading.ExpertPool;

namespace Trading.ExpertPool.Bench;

/// <summary>
/// A pool of 100,000 experts over 4 categories and 16 fields, with suspensions, retirements,
/// low titles, unavailable days and conflicts sprinkled in; a 9-seat request (civil works 4,
/// outside-city structures 2, economics 2, 1 owner seat).
/// </summary>
[ShortRunJob]
[MemoryDiagnoser]
public class DrawBenchmarks
{
    private static readonly DateOnly Day = new(2026, 12, 15);
    private static readonly DateTimeOffset At = new(2026, 12, 1, 9, 0, 0, TimeSpan.FromHours(8));
    private static readonly byte[] Key = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();

    private List<Expert> _pool = [];
    private DrawRequest _request = null!;
    private DrawRecord _drawn = null!;
    private byte[] _json = [];

    [Params(100_000)]
    public int PoolSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(2026);
        string[] categories = ["construction", "water", "transport", "economics"];
        string[] fields = ["a", "b", "c", "d"];
        string[] regions = ["zj/hz/xihu", "zj/hz/binjiang", "zj/nb/haishu", "zj/wz/lucheng", "js/nj/gulou"];
        var bidders = Enumerable.Range(0, 12).Select(i => $"bidder-{i}").ToArray();
        _pool = new List<Expert>(PoolSize);
        for (var i = 0; i < PoolSize; i++)
        {
            var specialties = Enumerable.Range(0, 1 + rng.Next(2)).Select(_ => new Specialty(categories[rng.Next(4)], fields[rng.Next(4)])).Distinct().ToArray();
            var e = new Expert
            {
                Id = $"E{i:D7}",
                Name = $"Expert {i}",
                ProtectedIdNumber = $"enc:{i}",
                BirthDate = new DateOnly(1955 + rng.Next(40), 1 + rng.Next(12), 1 + rng.Next(28)),
                EmployerId = rng.Next(200) == 0 ? bidders[rng.Next(bidders.Length)] : $"firm-{rng.Next(5000)}",
                EmploymentHistory = [new Employment($"firm-{rng.Next(5000)}", new DateOnly(1995, 1, 1), new DateOnly(2010 + rng.Next(16), 6, 1))],
                Specialties = specialties,
                Title = (ExpertTitle)(2 + rng.Next(3)),
                PracticeSince = new DateOnly(1985 + rng.Next(35), 1, 1),
                Region = regions[rng.Next(regions.Length)],
                Status = rng.Next(50) == 0 ? ExpertStatus.Suspended : ExpertStatus.Active,
                Relationships = rng.Next(100) == 0 ? [new DeclaredRelationship(bidders[rng.Next(bidders.Length)], RelationshipKind.Relative)] : [],
                RegistryLinks = rng.Next(100) == 0 ? [new RegistryLink($"firm-{rng.Next(5000)}", RegistryLinkKind.Shareholder)] : [],
                Unavailable = rng.Next(20) == 0 ? [new DayRange(Day.AddDays(-rng.Next(5)), Day.AddDays(rng.Next(5)))] : [],
                LastDrawnForOwner = rng.Next(50) == 0 ? new Dictionary<string, DateOnly> { ["owner-1"] = Day.AddDays(-rng.Next(60)) } : new Dictionary<string, DateOnly>(),
            };
            _pool.Add(e);
        }
        _request = new DrawRequest
        {
            DrawId = "D-bench",
            TenderId = "T-1",
            LotId = "L-1",
            OwnerId = "owner-1",
            BidderIds = bidders,
            EvaluationDate = Day,
            EvaluationPlace = "room-1",
            CommitteeSize = 9,
            OwnerRepresentativeSeats = 1,
            Strata =
            [
                new StratumQuota("1-civil", StratumKind.Technical, ["construction/a", "construction/b"], 4),
                new StratumQuota("2-structures-outside", StratumKind.Technical, ["construction/c", "water/*"], 2, new RegionRule(RegionRuleMode.Outside, ["zj/hz"])),
                new StratumQuota("3-econ", StratumKind.Economic, ["economics/*"], 2),
            ],
        };
        _drawn = PrepareAndDraw();
        _json = Encoding.UTF8.GetBytes(DrawRecordJson.Serialize(_drawn));
        var report = DrawVerifier.Verify(_drawn);
        if (!report.Ok)
        {
            throw new InvalidOperationException("The benchmark record does not verify: " + report.FirstFailure);
        }
        Console.WriteLine($"// eligible {_drawn.Eligible.Count} of {PoolSize}; per stratum {string.Join(", ", _drawn.Strata.Select(s => $"{s.Stratum}={s.Order.Count}"))}; record JSON {_json.Length / 1024} KiB");
        // Fingerprints of the full outcome, so a faster implementation can show it gives the same results
        // (second round, 2026-11-22: screening 8a684d59..., record 38355666...).
        Console.WriteLine($"// fingerprints: screening {ScreeningFingerprint(Screen())}, record {Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(_json))}");
    }

    /// <summary>SHA-256 over every eligible expert with its strata and every exclusion with all its reasons and arguments, in pool order.</summary>
    public static string ScreeningFingerprint(EligibilityResult s)
    {
        var sb = new StringBuilder();
        foreach (var e in s.Eligible)
        {
            sb.Append(e.ExpertId).Append(':').AppendJoin(',', e.Strata).Append('\n');
        }
        foreach (var x in s.Excluded)
        {
            sb.Append(x.ExpertId).Append('!');
            foreach (var r in x.Reasons)
            {
                sb.Append(r.Code).Append('(');
                foreach (var kv in r.Args)
                {
                    sb.Append(kv.Key).Append('=').Append(kv.Value).Append(';');
                }
                sb.Append(')');
            }
            sb.Append('\n');
        }
        foreach (var c in s.Counts)
        {
            sb.Append(c).Append('\n');
        }
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString())));
    }

    [Benchmark(Description = "screen only")]
    public EligibilityResult Screen() => Eligibility.Screen(_request, _pool);

    [Benchmark(Description = "filter + draw (prepare, 3 commit/reveal, draw)")]
    public DrawRecord PrepareAndDraw()
    {
        var r = ExpertDraw.Prepare(_request, _pool, Key, At).Record;
        byte b = 1;
        foreach (var office in DrawAlgorithm.Offices)
        {
            r = DrawProcess.Commit(r, office, DrawAlgorithm.Commitment(r.DrawId, office, Enumerable.Repeat(b++, 32).ToArray()), At).Record;
        }
        b = 1;
        foreach (var office in DrawAlgorithm.Offices)
        {
            r = DrawProcess.Reveal(r, office, Enumerable.Repeat(b++, 32).ToArray(), At).Record;
        }
        return DrawProcess.Draw(r, At).Record;
    }

    private DrawRecord _revealed = null!;
    private EligibilityResult _screened = null!;

    /// <summary>Only the pseudonyms and canonical order of the eligible experts (part of <see cref="PrepareAndDraw"/>).</summary>
    public object Pseudonyms() => ExpertDraw.Pseudonymize(_request.DrawId, (_screened ??= Screen()).Eligible, Key);

    /// <summary>Only the last step: seed, permutations and selection from a record with all reveals in.</summary>
    public DrawRecord DrawOnly()
    {
        if (_revealed is null)
        {
            var r = ExpertDraw.Prepare(_request, _pool, Key, At).Record;
            byte b = 1;
            foreach (var office in DrawAlgorithm.Offices)
            {
                r = DrawProcess.Commit(r, office, DrawAlgorithm.Commitment(r.DrawId, office, Enumerable.Repeat(b++, 32).ToArray()), At).Record;
            }
            b = 1;
            foreach (var office in DrawAlgorithm.Offices)
            {
                r = DrawProcess.Reveal(r, office, Enumerable.Repeat(b++, 32).ToArray(), At).Record;
            }
            _revealed = r;
        }
        return DrawProcess.Draw(_revealed, At).Record;
    }

    [Benchmark(Description = "verify (record object)")]
    public bool Verify() => DrawVerifier.Verify(_drawn).Ok;

    [Benchmark(Description = "verify (from JSON bytes)")]
    public bool VerifyJson()
    {
        using var s = new MemoryStream(_json);
        return DrawVerifier.Verify(s).Ok;
    }
}
