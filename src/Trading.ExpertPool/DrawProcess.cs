namespace Trading.ExpertPool;

/// <summary>The result of a step: the next record to persist and the events to log.</summary>
public sealed record DrawTransition(DrawRecord Record, IReadOnlyList<DrawEvent> Events);

/// <summary>
/// The draw as a state machine over <see cref="DrawRecord"/>: commitments, reveals, beacon,
/// seed and ordering, replacements, voiding. Every step is a pure function of the record and
/// its arguments (the caller supplies the server time), so the application can persist the
/// record between steps and log the events in the same transaction.
/// </summary>
public static class DrawProcess
{
    /// <summary>Records an office's commitment (hex SHA-256, see <see cref="DrawAlgorithm.Commitment"/>). When all three offices have committed, commitments close by themselves.</summary>
    public static DrawTransition Commit(DrawRecord record, string office, string commitment, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(record);
        RequirePhase(record, DrawPhase.Committing, "commit");
        RequireOffice(office);
        if (record.Commitments.Any(c => c.Office == office))
        {
            throw Refuse(ReasonCodes.DuplicateCommitment, ("office", office));
        }
        if (commitment is null || commitment.Length != 64 || !commitment.All(IsLowerHex))
        {
            throw Refuse(ReasonCodes.CommitmentMalformed, ("office", office));
        }
        var next = record with { Commitments = [.. record.Commitments, new OfficeCommitment(office, commitment, at)] };
        var events = new List<DrawEvent> { new(record.DrawId, next.Phase, Reason.Of(ReasonCodes.EventCommitment, ("office", office), ("commitment", commitment)), at) };
        if (next.Commitments.Count == DrawAlgorithm.Offices.Count)
        {
            var closed = CloseCommitments(next, at);
            next = closed.Record;
            events.AddRange(closed.Events);
        }
        return new DrawTransition(next, events);
    }

    /// <summary>Closes commitments (the commitment window ended); offices that did not commit take no part. Needs at least one commitment.</summary>
    public static DrawTransition CloseCommitments(DrawRecord record, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(record);
        RequirePhase(record, DrawPhase.Committing, "close-commitments");
        if (record.Commitments.Count == 0)
        {
            throw Refuse(ReasonCodes.NoCommitments);
        }
        var next = record with { Phase = DrawPhase.Revealing };
        var offices = string.Join(",", DrawAlgorithm.Offices.Where(o => record.Commitments.Any(c => c.Office == o)));
        return new DrawTransition(next, [new(record.DrawId, next.Phase, Reason.Of(ReasonCodes.EventCommitmentsClosed, ("offices", offices)), at)]);
    }

    /// <summary>Accepts an office's revealed value if it matches the office's commitment; otherwise refuses with <see cref="ReasonCodes.RevealMismatch"/>.</summary>
    public static DrawTransition Reveal(DrawRecord record, string office, byte[] value, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(value);
        RequirePhase(record, DrawPhase.Revealing, "reveal");
        RequireOffice(office);
        var c = record.Commitments.FirstOrDefault(c => c.Office == office) ?? throw Refuse(ReasonCodes.NotCommitted, ("office", office));
        if (record.Reveals.Any(r => r.Office == office))
        {
            throw Refuse(ReasonCodes.DuplicateReveal, ("office", office));
        }
        if (value.Length < DrawAlgorithm.MinRevealBytes)
        {
            throw Refuse(ReasonCodes.RevealTooShort, ("office", office), ("bytes", value.Length), ("min", DrawAlgorithm.MinRevealBytes));
        }
        if (DrawAlgorithm.Commitment(record.DrawId, office, value) != c.Commitment)
        {
            throw Refuse(ReasonCodes.RevealMismatch, ("office", office));
        }
        var next = record with { Reveals = [.. record.Reveals, new OfficeReveal(office, Convert.ToHexStringLower(value), at)] };
        return new DrawTransition(next, [new(record.DrawId, next.Phase, Reason.Of(ReasonCodes.EventReveal, ("office", office)), at)]);
    }

    /// <summary>
    /// Turns a value an office typed in (hex, spaces and dashes allowed) into bytes for
    /// <see cref="Commit"/>/<see cref="Reveal"/>; refuses non-hex or values under
    /// <see cref="DrawAlgorithm.MinRevealBytes"/> bytes, which could be guessed from the commitment.
    /// </summary>
    public static byte[] ParseOfficeValue(string office, string typed)
    {
        RequireOffice(office);
        var hex = new string((typed ?? "").Where(c => !char.IsWhiteSpace(c) && c != '-').ToArray());
        if (!TryHex(hex, out var bytes) || bytes.Length < DrawAlgorithm.MinRevealBytes)
        {
            throw Refuse(ReasonCodes.RevealTooShort, ("office", office), ("bytes", TryHex(hex, out var b) ? b.Length : 0), ("min", DrawAlgorithm.MinRevealBytes));
        }
        return bytes;
    }

    /// <summary>Enters the beacon value for the round named in the request (fetched by an <see cref="IBeaconSource"/> or typed in).</summary>
    public static DrawTransition SetBeacon(DrawRecord record, BeaconValue beacon, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(beacon);
        RequirePhase(record, DrawPhase.Revealing, "beacon");
        if (record.Request.BeaconRound is null || beacon.Round != record.Request.BeaconRound)
        {
            throw Refuse(ReasonCodes.BeaconRoundMismatch, ("given", beacon.Round), ("expected", record.Request.BeaconRound ?? "(none)"));
        }
        if (TryHex(beacon.Value, out var bytes) is false || bytes.Length < DrawAlgorithm.MinBeaconBytes)
        {
            throw Refuse(ReasonCodes.BeaconMalformed, ("min", DrawAlgorithm.MinBeaconBytes));
        }
        var next = record with { Beacon = new BeaconEntry(beacon.Round, Convert.ToHexStringLower(bytes), beacon.Source, at) };
        return new DrawTransition(next, [new(record.DrawId, next.Phase, Reason.Of(ReasonCodes.EventBeacon, ("round", beacon.Round), ("value", next.Beacon.Value), ("source", beacon.Source)), at)]);
    }

    /// <summary>
    /// Nothing but the centre's draw is awaited: commitments are closed, every office that committed has revealed, and the
    /// beacon value is in when the request names a round. (<see cref="Draw"/> also accepts a draw with reveals missing, which
    /// then drop out of the seed; this is the moment the draw can be made with every committed value in it.)
    /// </summary>
    public static bool AwaitsOnlyTheDraw(DrawRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return record.Phase == DrawPhase.Revealing
            && record.Commitments.All(c => record.Reveals.Any(r => r.Office == c.Office))
            && (record.Request.BeaconRound is null || record.Beacon is not null);
    }

    /// <summary>
    /// Ends the reveal window and draws: offices that committed but did not reveal are logged and
    /// dropped; the seed is computed; each stratum is ordered and the committee selected.
    /// </summary>
    public static DrawTransition Draw(DrawRecord record, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(record);
        RequirePhase(record, DrawPhase.Revealing, "draw");
        if (record.Request.BeaconRound is not null && record.Beacon is null)
        {
            throw Refuse(ReasonCodes.BeaconRequired, ("round", record.Request.BeaconRound));
        }
        if (record.Reveals.Count == 0 && record.Beacon is null)
        {
            throw Refuse(ReasonCodes.NoEntropy);
        }
        var missing = DrawAlgorithm.Offices.Where(o => record.Commitments.Any(c => c.Office == o) && record.Reveals.All(r => r.Office != o)).ToArray();
        var seed = ComputeSeed(record);
        var outcomes = DrawOrdering.Draw(seed, record.Request.Strata, record.Eligible);
        var strata = outcomes.Select(o => new StratumResult(o.Stratum, o.Order, o.Selected.Select(i => record.Eligible[i].Pseudonym).ToArray())).ToArray();
        var next = record with
        {
            Phase = DrawPhase.Drawn,
            MissingReveals = missing,
            Seed = Convert.ToHexStringLower(seed),
            DrawnAt = at,
            Strata = strata,
        };
        var events = missing.Select(o => new DrawEvent(record.DrawId, DrawPhase.Revealing, Reason.Of(ReasonCodes.EventRevealMissing, ("office", o)), at)).ToList();
        events.Add(new DrawEvent(record.DrawId, next.Phase, Reason.Of(ReasonCodes.EventDrawn, ("seed", next.Seed), ("selected", strata.Sum(s => s.Selected.Count))), at));
        return new DrawTransition(next, events);
    }

    /// <summary>
    /// Replaces a serving expert who declined (with a declared reason), did not answer, or was found
    /// conflicted, by the next expert on the stratum's reserve list. Never a re-draw. When the
    /// reserve is exhausted the seat stays empty and the event says so.
    /// </summary>
    public static DrawTransition Replace(DrawRecord record, string pseudonym, ReplacementReason reason, string? declineReason, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(record);
        RequirePhase(record, DrawPhase.Drawn, "replace");
        if (reason == ReplacementReason.Declined)
        {
            if (declineReason is null || !record.Request.DeclineReasons.Contains(declineReason, StringComparer.Ordinal))
            {
                throw Refuse(ReasonCodes.DeclineReasonUndeclared, ("reason", declineReason ?? "(none)"));
            }
        }
        else if (declineReason is not null)
        {
            throw Refuse(ReasonCodes.DeclineReasonUndeclared, ("reason", declineReason));
        }
        var state = CommitteeState.FromRecord(record);
        var stratum = state.StratumOf(pseudonym) ?? throw Refuse(ReasonCodes.NotServing, ("pseudonym", pseudonym));
        var incoming = state.NextReserve(stratum);
        var rep = new Replacement(record.Replacements.Count + 1, stratum, pseudonym, reason, declineReason, incoming, at);
        var next = record with { Replacements = [.. record.Replacements, rep] };
        var reasonText = DrawAlgorithm.EnumName(reason);
        var ev = incoming is null
            ? Reason.Of(ReasonCodes.EventReserveExhausted, ("out", pseudonym), ("stratum", stratum), ("reason", reasonText))
            : Reason.Of(ReasonCodes.EventReplaced, ("out", pseudonym), ("stratum", stratum), ("in", incoming), ("reason", reasonText), ("declineReason", declineReason is null ? "" : ": " + declineReason));
        return new DrawTransition(next, [new(record.DrawId, next.Phase, ev, at)]);
    }

    /// <summary>Voids the draw; needs the supervisor's id and a reason. A voided lot may then have a new draw.</summary>
    public static DrawTransition Void(DrawRecord record, string supervisor, string reason, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (record.Phase == DrawPhase.Voided)
        {
            throw Refuse(ReasonCodes.WrongPhase, ("step", "void"), ("phase", DrawAlgorithm.EnumName(record.Phase)));
        }
        if (string.IsNullOrWhiteSpace(supervisor) || string.IsNullOrWhiteSpace(reason))
        {
            throw Refuse(ReasonCodes.VoidReasonMissing);
        }
        var next = record with { Phase = DrawPhase.Voided, Void = new VoidEntry(supervisor, reason, at) };
        return new DrawTransition(next, [new(record.DrawId, next.Phase, Reason.Of(ReasonCodes.EventVoided, ("supervisor", supervisor), ("reason", reason)), at)]);
    }

    /// <summary>The committee as it stands after all replacements (pseudonyms; open them with the preparation's map).</summary>
    public static IReadOnlyList<CommitteeSeat> Committee(DrawRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return CommitteeState.FromRecord(record).Seats();
    }

    /// <summary>The seed formula applied to the record's request hash, list hash, reveals and beacon.</summary>
    internal static byte[] ComputeSeed(DrawRecord record)
    {
        var reveals = record.Reveals.ToDictionary(r => r.Office, r => Convert.FromHexString(r.Value), StringComparer.Ordinal);
        return DrawAlgorithm.Seed(record.DrawId, Convert.FromHexString(record.ListHash), Convert.FromHexString(record.RequestHash),
            reveals, record.Beacon?.Round, record.Beacon is null ? null : Convert.FromHexString(record.Beacon.Value));
    }

    internal static bool TryHex(string? hex, out byte[] bytes)
    {
        bytes = [];
        if (hex is null || hex.Length % 2 != 0 || !hex.All(Uri.IsHexDigit))
        {
            return false;
        }
        bytes = Convert.FromHexString(hex);
        return true;
    }

    private static bool IsLowerHex(char c) => c is (>= '0' and <= '9') or (>= 'a' and <= 'f');

    private static void RequirePhase(DrawRecord record, DrawPhase phase, string step)
    {
        if (record.Phase != phase)
        {
            throw Refuse(ReasonCodes.WrongPhase, ("step", step), ("phase", DrawAlgorithm.EnumName(record.Phase)));
        }
    }

    private static void RequireOffice(string office)
    {
        if (office is null || !DrawAlgorithm.Offices.Contains(office))
        {
            throw Refuse(ReasonCodes.UnknownOffice, ("office", office));
        }
    }

    private static DrawStepRefusedException Refuse(string code, params (string, object?)[] args) => new(Reason.Of(code, args));
}

/// <summary>Who serves and who is used up, replayed from selections and replacements; shared by the process and the verifier.</summary>
internal sealed class CommitteeState
{
    private readonly IReadOnlyList<EligibleEntry> _entries;
    private readonly Dictionary<string, IReadOnlyList<int>> _orders = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _cursor = new(StringComparer.Ordinal);
    private readonly List<CommitteeSeat> _seats = [];
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);

    public CommitteeState(IReadOnlyList<EligibleEntry> entries, IEnumerable<(string Stratum, IReadOnlyList<int> Order, IEnumerable<string> Selected)> strata)
    {
        _entries = entries;
        foreach (var (stratum, order, selected) in strata)
        {
            _orders[stratum] = order;
            _cursor[stratum] = 0;
            foreach (var p in selected)
            {
                _seats.Add(new CommitteeSeat(stratum, p));
                _used.Add(p);
            }
        }
    }

    public static CommitteeState FromRecord(DrawRecord record)
    {
        var state = new CommitteeState(record.Eligible, record.Strata.Select(s => (s.Stratum, s.Order, (IEnumerable<string>)s.Selected)));
        foreach (var r in record.Replacements)
        {
            state.Apply(r.Out, r.In);
        }
        return state;
    }

    public string? StratumOf(string pseudonym) => _seats.FirstOrDefault(s => s.Pseudonym == pseudonym)?.Stratum;

    /// <summary>Next on the stratum's reserve: the first in its order not yet selected, brought in or out. Used only grows, so a cursor suffices.</summary>
    public string? NextReserve(string stratum)
    {
        var order = _orders[stratum];
        var i = _cursor[stratum];
        while (i < order.Count && _used.Contains(_entries[order[i]].Pseudonym))
        {
            i++;
        }
        _cursor[stratum] = i;
        return i < order.Count ? _entries[order[i]].Pseudonym : null;
    }

    public void Apply(string outgoing, string? incoming)
    {
        var idx = _seats.FindIndex(s => s.Pseudonym == outgoing);
        var stratum = _seats[idx].Stratum;
        _used.Add(outgoing);
        if (incoming is null)
        {
            _seats.RemoveAt(idx);
        }
        else
        {
            _seats[idx] = new CommitteeSeat(stratum, incoming);
            _used.Add(incoming);
        }
    }

    public IReadOnlyList<CommitteeSeat> Seats() => _seats.ToArray();
}
