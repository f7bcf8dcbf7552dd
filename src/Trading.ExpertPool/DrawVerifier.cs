using System.Text.Json;

namespace Trading.ExpertPool;

/// <summary>One verification step: its name, whether it passed, and if not what differs.</summary>
public sealed record VerificationStep(string Step, bool Passed, Reason? Problem);

/// <summary>The verifier's report: the steps run in order, stopping at the first that fails.</summary>
public sealed record VerificationReport(IReadOnlyList<VerificationStep> Steps)
{
    /// <summary>True when every step passed.</summary>
    public bool Ok => Steps.All(s => s.Passed);

    /// <summary>The first step that differs, or null.</summary>
    public VerificationStep? FirstFailure => Steps.FirstOrDefault(s => !s.Passed);
}

/// <summary>
/// Recomputes a draw from its record alone: request hash, list order and hash, feasibility,
/// commitments against reveals, seed, each stratum's ordering, the selection and every
/// replacement, and reports the first step that differs. Matching the record's hashes against
/// those in the public log is the caller's job.
/// </summary>
public static class DrawVerifier
{
    /// <summary>Verification step names, in the order they run.</summary>
    public static IReadOnlyList<string> StepNames { get; } =
        ["format", "request-hash", "list-order", "list-hash", "feasibility", "commitments", "beacon", "seed", "ordering", "selection", "replacements"];

    /// <summary>Renders a report as lines for a terminal: one per step, "ok" or the problem, in "en" or "zh-CN".</summary>
    public static IReadOnlyList<string> Describe(VerificationReport report, string culture)
    {
        ArgumentNullException.ThrowIfNull(report);
        return report.Steps.Select(s => s.Passed
            ? $"{s.Step}: ok"
            : $"{s.Step}: {(s.Problem is null ? "failed" : DrawMessages.Format(s.Problem, culture))}").ToArray();
    }

    /// <summary>Verifies a record read from JSON; unreadable JSON fails the "format" step instead of throwing.</summary>
    public static VerificationReport Verify(Stream json)
    {
        DrawRecord record;
        try
        {
            record = DrawRecordJson.Read(json);
        }
        catch (JsonException ex)
        {
            return new VerificationReport([Fail("format", VerifyCodes.Format, ("problem", ex.Message))]);
        }
        return Verify(record);
    }

    /// <summary>Verifies a record.</summary>
    public static VerificationReport Verify(DrawRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var steps = new List<VerificationStep>();
        bool Run(string name, Func<VerificationStep?> check)
        {
            VerificationStep? failure;
            try
            {
                failure = check();
            }
            catch (Exception ex) when (ex is FormatException or ArgumentException or KeyNotFoundException or IndexOutOfRangeException or ExpertDrawException)
            {
                failure = Fail(name, VerifyCodes.Format, ("problem", ex.Message));
            }
            steps.Add(failure ?? new VerificationStep(name, true, null));
            return failure is null;
        }

        if (!Run("format", () => CheckFormat(record))
            || !Run("request-hash", () => Compare("request-hash", VerifyCodes.RequestHash, record.RequestHash, Convert.ToHexStringLower(DrawAlgorithm.RequestHash(record.Request))))
            || !Run("list-order", () => CheckListOrder(record))
            || !Run("list-hash", () => Compare("list-hash", VerifyCodes.ListHash, record.ListHash, Convert.ToHexStringLower(DrawAlgorithm.ListHash(record.DrawId, record.Eligible))))
            || !Run("feasibility", () => CheckFeasibility(record))
            || !Run("commitments", () => CheckCommitments(record))
            || !Run("beacon", () => CheckBeacon(record)))
        {
            return new VerificationReport(steps);
        }
        if (record.Seed is null)
        {
            // Not drawn yet (or voided before the draw): everything there is has been checked.
            if (record.Phase == DrawPhase.Drawn || record.Strata.Count > 0 || record.Replacements.Count > 0)
            {
                steps.Add(Fail("seed", VerifyCodes.SeedMissing));
            }
            return new VerificationReport(steps);
        }
        byte[] seed = [];
        IReadOnlyList<StratumOutcome> outcomes = [];
        if (!Run("seed", () =>
            {
                seed = DrawProcess.ComputeSeed(record);
                return Compare("seed", VerifyCodes.Seed, record.Seed, Convert.ToHexStringLower(seed));
            })
            || !Run("ordering", () =>
            {
                outcomes = DrawOrdering.Draw(seed, record.Request.Strata, record.Eligible);
                return CheckOrdering(record, outcomes);
            })
            || !Run("selection", () => CheckSelection(record, outcomes)))
        {
            return new VerificationReport(steps);
        }
        Run("replacements", () => CheckReplacements(record, outcomes));
        return new VerificationReport(steps);
    }

    private static VerificationStep? CheckFormat(DrawRecord r)
    {
        string? problem = null;
        if (r.Format != DrawAlgorithm.RecordFormat)
        {
            problem = $"format '{r.Format}' is not '{DrawAlgorithm.RecordFormat}'";
        }
        else if (r.Algorithm != DrawAlgorithm.Name)
        {
            problem = $"algorithm '{r.Algorithm}' is not '{DrawAlgorithm.Name}'";
        }
        else if (r.Request.DrawId != r.DrawId)
        {
            problem = "request.drawId differs from drawId";
        }
        else if (!IsHash(r.RequestHash) || !IsHash(r.ListHash) || (r.Seed is not null && !IsHash(r.Seed)))
        {
            problem = "requestHash, listHash and seed must be 64 lowercase hex digits";
        }
        else if (r.Reveals.Any(v => !DrawProcess.TryHex(v.Value, out _)) || (r.Beacon is not null && !DrawProcess.TryHex(r.Beacon.Value, out _)))
        {
            problem = "reveal and beacon values must be hex";
        }
        else
        {
            try
            {
                ExpertDraw.Validate(new DrawRequest
                {
                    DrawId = r.Request.DrawId,
                    TenderId = r.Request.TenderId,
                    LotId = r.Request.LotId,
                    OwnerId = r.Request.OwnerId,
                    BidderIds = [],
                    EvaluationDate = r.Request.EvaluationDate,
                    EvaluationPlace = r.Request.EvaluationPlace,
                    CommitteeSize = r.Request.CommitteeSize,
                    OwnerRepresentativeSeats = r.Request.OwnerRepresentativeSeats,
                    Strata = r.Request.Strata,
                    DeclineReasons = r.Request.DeclineReasons,
                    BeaconRound = r.Request.BeaconRound,
                    Rules = r.Request.Rules,
                });
            }
            catch (DrawRequestInvalidException ex)
            {
                problem = "the request breaks a committee rule: " + ex.Message;
            }
            if (problem is null && !r.Request.Strata.Select(s => s.Id).SequenceEqual(r.Request.Strata.Select(s => s.Id).Order(StringComparer.Ordinal)))
            {
                problem = "request strata are not in ordinal id order";
            }
        }
        return problem is null ? null : Fail("format", VerifyCodes.Format, ("problem", problem));
    }

    private static VerificationStep? CheckListOrder(DrawRecord r)
    {
        var ids = new StratumIndex(r.Request.Strata.Select(s => s.Id));
        for (var i = 0; i < r.Eligible.Count; i++)
        {
            var e = r.Eligible[i];
            string? problem = null;
            if (!IsHash(e.Pseudonym))
            {
                problem = "pseudonym is not 64 lowercase hex digits";
            }
            else if (i > 0 && string.CompareOrdinal(r.Eligible[i - 1].Pseudonym, e.Pseudonym) >= 0)
            {
                problem = "pseudonyms are not strictly ascending";
            }
            else if (!StrataWellFormed(e.Strata, ids, out var strataProblem))
            {
                problem = strataProblem;
            }
            if (problem is not null)
            {
                return Fail("list-order", VerifyCodes.ListOrder, ("index", i), ("problem", problem));
            }
        }
        return null;
    }

    private static bool StrataWellFormed(IReadOnlyList<string> strata, StratumIndex ids, out string problem)
    {
        problem = "";
        if (strata.Count == 0)
        {
            problem = "strata must not be empty";
            return false;
        }
        for (var k = 0; k < strata.Count; k++)
        {
            if (ids.IndexOf(strata[k]) < 0)
            {
                problem = $"stratum '{strata[k]}' is not named in the request";
                return false;
            }
            if (k > 0 && string.CompareOrdinal(strata[k - 1], strata[k]) >= 0)
            {
                problem = "strata are not strictly ascending";
                return false;
            }
        }
        return true;
    }

    private static VerificationStep? CheckFeasibility(DrawRecord r)
    {
        var shortfalls = ExpertDraw.Feasibility(r.Request.Strata, r.Eligible);
        return shortfalls.Count == 0 ? null : Fail("feasibility", VerifyCodes.Feasibility,
            ("detail", string.Join("; ", shortfalls.Select(s => $"{s.Stratum} needs {s.Needed}, {s.Eligible} eligible, {s.SharedWithEarlier} shared"))));
    }

    private static VerificationStep? CheckCommitments(DrawRecord r)
    {
        var committed = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var c in r.Commitments)
        {
            if (!DrawAlgorithm.Offices.Contains(c.Office) || !committed.TryAdd(c.Office, c.Commitment) || !IsHash(c.Commitment))
            {
                return Fail("commitments", VerifyCodes.Commitments, ("office", c.Office), ("problem", "unknown office, second commitment, or not 64 lowercase hex digits"));
            }
        }
        var revealed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var v in r.Reveals)
        {
            if (!committed.TryGetValue(v.Office, out var commitment) || !revealed.Add(v.Office))
            {
                return Fail("commitments", VerifyCodes.Commitments, ("office", v.Office), ("problem", "reveal without commitment, or second reveal"));
            }
            var value = Convert.FromHexString(v.Value);
            if (value.Length < DrawAlgorithm.MinRevealBytes)
            {
                return Fail("commitments", VerifyCodes.Commitments, ("office", v.Office), ("problem", $"value shorter than {DrawAlgorithm.MinRevealBytes} bytes"));
            }
            var computed = DrawAlgorithm.Commitment(r.DrawId, v.Office, value);
            if (computed != commitment)
            {
                return Fail("commitments", VerifyCodes.RevealMismatch, ("office", v.Office), ("recorded", commitment), ("computed", computed));
            }
        }
        if (r.Seed is not null)
        {
            var missing = DrawAlgorithm.Offices.Where(o => committed.ContainsKey(o) && !revealed.Contains(o));
            if (!missing.SequenceEqual(r.MissingReveals))
            {
                return Fail("commitments", VerifyCodes.MissingReveals, ("recorded", string.Join(",", r.MissingReveals)), ("computed", string.Join(",", missing)));
            }
            if (revealed.Count == 0 && r.Beacon is null)
            {
                return Fail("commitments", VerifyCodes.Commitments, ("office", ""), ("problem", "no reveal and no beacon: the seed was predictable"));
            }
        }
        return null;
    }

    private static VerificationStep? CheckBeacon(DrawRecord r)
    {
        if (r.Beacon is not null && r.Beacon.Round != r.Request.BeaconRound)
        {
            return Fail("beacon", VerifyCodes.Beacon, ("problem", $"round '{r.Beacon.Round}' is not the round named in the request '{r.Request.BeaconRound}'"));
        }
        if (r.Seed is not null && r.Request.BeaconRound is not null && r.Beacon is null)
        {
            return Fail("beacon", VerifyCodes.Beacon, ("problem", $"the request named round '{r.Request.BeaconRound}' but the record has no beacon value"));
        }
        return null;
    }

    private static VerificationStep? CheckOrdering(DrawRecord r, IReadOnlyList<StratumOutcome> outcomes)
    {
        var recorded = string.Join(",", r.Strata.Select(s => s.Stratum));
        var computed = string.Join(",", outcomes.Select(o => o.Stratum));
        if (recorded != computed)
        {
            return Fail("ordering", VerifyCodes.StrataDiffer, ("recorded", recorded), ("computed", computed));
        }
        for (var k = 0; k < outcomes.Count; k++)
        {
            var rec = r.Strata[k].Order;
            var com = outcomes[k].Order;
            var n = Math.Max(rec.Count, com.Count);
            for (var i = 0; i < n; i++)
            {
                var a = i < rec.Count ? rec[i] : -1;
                var b = i < com.Count ? com[i] : -1;
                if (a != b)
                {
                    return Fail("ordering", VerifyCodes.Ordering, ("stratum", outcomes[k].Stratum), ("position", i), ("recorded", a), ("computed", b));
                }
            }
        }
        return null;
    }

    private static VerificationStep? CheckSelection(DrawRecord r, IReadOnlyList<StratumOutcome> outcomes)
    {
        for (var k = 0; k < outcomes.Count; k++)
        {
            var rec = string.Join(",", r.Strata[k].Selected);
            var com = string.Join(",", outcomes[k].Selected.Select(i => r.Eligible[i].Pseudonym));
            if (rec != com)
            {
                return Fail("selection", VerifyCodes.Selection, ("stratum", outcomes[k].Stratum), ("recorded", rec), ("computed", com));
            }
        }
        return null;
    }

    private static VerificationStep? CheckReplacements(DrawRecord r, IReadOnlyList<StratumOutcome> outcomes)
    {
        var state = new CommitteeState(r.Eligible, outcomes.Select(o => (o.Stratum, o.Order, o.Selected.Select(i => r.Eligible[i].Pseudonym))));
        for (var k = 0; k < r.Replacements.Count; k++)
        {
            var rep = r.Replacements[k];
            string? problem = null;
            string? expected = null;
            if (rep.Seq != k + 1)
            {
                problem = $"sequence number {rep.Seq} where {k + 1} was due";
            }
            else if (state.StratumOf(rep.Out) is not { } stratum || stratum != rep.Stratum)
            {
                problem = $"{rep.Out} was not serving in stratum {rep.Stratum}";
            }
            else if (rep.Reason == ReplacementReason.Declined ? rep.DeclineReason is null || !r.Request.DeclineReasons.Contains(rep.DeclineReason) : rep.DeclineReason is not null)
            {
                problem = $"decline reason '{rep.DeclineReason}' was not declared for reason {DrawAlgorithm.EnumName(rep.Reason)}";
            }
            else
            {
                expected = state.NextReserve(rep.Stratum);
                if (expected != rep.In)
                {
                    problem = "the replacement is not the next on the reserve list";
                }
            }
            if (problem is not null)
            {
                return Fail("replacements", VerifyCodes.Replacement, ("seq", rep.Seq), ("problem", problem), ("recorded", rep.In ?? "(none)"), ("computed", expected ?? "(none)"));
            }
            state.Apply(rep.Out, rep.In);
        }
        return null;
    }

    private static VerificationStep? Compare(string step, string code, string? recorded, string computed) =>
        recorded == computed ? null : Fail(step, code, ("recorded", recorded), ("computed", computed));

    private static readonly System.Buffers.SearchValues<char> LowerHex = System.Buffers.SearchValues.Create("0123456789abcdef");

    // Vectorized: the list check runs this for every entry.
    private static bool IsHash(string? s) => s is { Length: 64 } && !s.AsSpan().ContainsAnyExcept(LowerHex);

    private static VerificationStep Fail(string step, string code, params (string, object?)[] args) => new(step, false, Reason.Of(code, args));
}

/// <summary>Codes of verification failures.</summary>
public static class VerifyCodes
{
#pragma warning disable CS1591 // documented by their templates in DrawMessages
    public const string Format = "verify.format.invalid";
    public const string RequestHash = "verify.request-hash.differs";
    public const string ListOrder = "verify.list.order";
    public const string ListHash = "verify.list-hash.differs";
    public const string Feasibility = "verify.feasibility.fails";
    public const string Commitments = "verify.commitments.invalid";
    public const string RevealMismatch = "verify.reveal.mismatch";
    public const string MissingReveals = "verify.missing-reveals.differs";
    public const string Beacon = "verify.beacon.invalid";
    public const string SeedMissing = "verify.seed.missing";
    public const string Seed = "verify.seed.differs";
    public const string StrataDiffer = "verify.strata.differ";
    public const string Ordering = "verify.ordering.differs";
    public const string Selection = "verify.selection.differs";
    public const string Replacement = "verify.replacement.differs";
#pragma warning restore CS1591
}
