using Trading.ExpertPool;

namespace Trading.ExpertPool.Tests;

/// <summary>Builds pools and requests made at test time; every expert is eligible unless a test plants something.</summary>
internal static class Fixtures
{
    public static readonly DateOnly Day = new(2026, 12, 15);
    public static readonly DateTimeOffset T0 = new(2026, 12, 1, 9, 0, 0, TimeSpan.FromHours(8));
    public static readonly byte[] Key = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();

    public static readonly string[] TechSpecialties = ["construction/civil-works", "construction/structures", "construction/roads", "water/hydraulic"];
    public static readonly string[] EconSpecialties = ["economics/cost", "economics/bidding"];

    public static Expert Clean(string id, string specialty, string region = "zj/hz/xihu") => new()
    {
        Id = id,
        Name = "Expert " + id,
        ProtectedIdNumber = "enc:" + id,
        BirthDate = new DateOnly(1970, 3, 1),
        EmployerId = "firm-neutral-" + id,
        Specialties = [Specialty.Parse(specialty)],
        Title = ExpertTitle.Senior,
        PracticeSince = new DateOnly(2000, 1, 1),
        Region = region,
    };

    /// <summary>A pool of <paramref name="count"/> clean experts spread over the tech and econ specialties and two cities.</summary>
    public static List<Expert> Pool(int count, int seed = 7)
    {
        var rng = new Random(seed);
        var all = TechSpecialties.Concat(EconSpecialties).ToArray();
        var list = new List<Expert>(count);
        for (var i = 0; i < count; i++)
        {
            var region = rng.Next(3) == 0 ? "zj/nb/haishu" : "zj/hz/xihu";
            list.Add(Clean($"E{i:D6}", all[rng.Next(all.Length)], region));
        }
        return list;
    }

    public static DrawRequest Request(string drawId = "D-1", int tech = 4, int econ = 2, int ownerSeats = 1, string? beaconRound = null) => new()
    {
        DrawId = drawId,
        TenderId = "T-2026-001",
        LotId = "L1",
        OwnerId = "owner-city-works",
        BidderIds = ["bidder-a", "bidder-b", "bidder-c"],
        EvaluationDate = Day,
        EvaluationPlace = "room-3",
        CommitteeSize = tech + econ + ownerSeats,
        OwnerRepresentativeSeats = ownerSeats,
        Strata =
        [
            new StratumQuota("1-tech", StratumKind.Technical, ["construction/*"], tech),
            new StratumQuota("2-econ", StratumKind.Economic, ["economics/*"], econ),
        ],
        BeaconRound = beaconRound,
    };

    public static byte[] Value(byte fill) => Enumerable.Repeat(fill, 32).ToArray();

    /// <summary>Runs the whole ceremony with all three offices revealing, returning the drawn record and the preparation.</summary>
    public static (DrawRecord Record, DrawPreparation Prep) Drawn(DrawRequest request, IEnumerable<Expert> pool, byte salt = 0)
    {
        var prep = ExpertDraw.Prepare(request, pool, Key, T0);
        var r = prep.Record;
        byte b = 1;
        foreach (var office in DrawAlgorithm.Offices)
        {
            r = DrawProcess.Commit(r, office, DrawAlgorithm.Commitment(r.DrawId, office, Value((byte)(b++ + salt))), T0.AddMinutes(1)).Record;
        }
        b = 1;
        foreach (var office in DrawAlgorithm.Offices)
        {
            r = DrawProcess.Reveal(r, office, Value((byte)(b++ + salt)), T0.AddMinutes(2)).Record;
        }
        r = DrawProcess.Draw(r, T0.AddMinutes(3)).Record;
        return (r, prep);
    }
}
