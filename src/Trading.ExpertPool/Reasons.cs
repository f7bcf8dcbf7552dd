using System.Globalization;

namespace Trading.ExpertPool;

/// <summary>
/// A localizable reason: a stable code plus named arguments. The application renders it in
/// zh-CN or en with <see cref="DrawMessages.Format(Reason, string)"/> or its own catalogue.
/// </summary>
public sealed record Reason(string Code, IReadOnlyDictionary<string, string> Args)
{
    /// <summary>Creates a reason from code and (name, value) pairs.</summary>
    public static Reason Of(string code, params (string Name, object? Value)[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var pairs = new KeyValuePair<string, string>[args.Length];
        for (var i = 0; i < args.Length; i++)
        {
            var (name, value) = args[i];
            pairs[i] = new(name, value switch
            {
                null => "",
                DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                _ => value.ToString() ?? "",
            });
        }
        return new Reason(code, new ReasonArgs(pairs));
    }

    /// <inheritdoc />
    public override string ToString() => DrawMessages.Format(this, "en");
}

/// <summary>
/// A reason's few arguments in one array: screening a large pool creates tens of thousands of
/// reasons, and a hash table each would cost more than the screening itself. Immutable.
/// </summary>
internal sealed class ReasonArgs(KeyValuePair<string, string>[] pairs) : IReadOnlyDictionary<string, string>
{
    public string this[string key] => TryGetValue(key, out var v) ? v : throw new KeyNotFoundException($"Reason has no argument '{key}'.");

    public IEnumerable<string> Keys => pairs.Select(p => p.Key);

    public IEnumerable<string> Values => pairs.Select(p => p.Value);

    public int Count => pairs.Length;

    public bool ContainsKey(string key) => TryGetValue(key, out _);

    public bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out string value)
    {
        foreach (var p in pairs)
        {
            if (p.Key == key)
            {
                value = p.Value;
                return true;
            }
        }
        value = null;
        return false;
    }

    public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, string>>)pairs).GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>Stable reason codes. The application may key its own translations on them.</summary>
public static class ReasonCodes
{
#pragma warning disable CS1591 // each code is documented by its message template in DrawMessages
    public const string StatusSuspended = "expert.status.suspended";
    public const string StatusRetired = "expert.status.retired";
    public const string RetirementAge = "expert.retirement-age";
    public const string TitleTooLow = "expert.title.too-low";
    public const string ExperienceTooShort = "expert.experience.too-short";
    public const string Unavailable = "expert.unavailable";
    public const string SpecialtyNotRequested = "expert.specialty.not-requested";
    public const string RegionRuleNotMet = "expert.region.rule-not-met";
    public const string CurrentEmployer = "conflict.employer.current";
    public const string FormerEmployer = "conflict.employer.former";
    public const string DeclaredRelationship = "conflict.relationship.declared";
    public const string RegistryLink = "conflict.registry.link";
    public const string OwnerTooRecent = "conflict.owner.drawn-recently";

    public const string RequestMissingField = "request.field.missing";
    public const string CommitteeTooSmall = "committee.size.too-small";
    public const string CommitteeEven = "committee.size.even";
    public const string SeatsMismatch = "committee.seats.mismatch";
    public const string ExpertShareTooLow = "committee.expert-share.too-low";
    public const string StratumInvalid = "request.stratum.invalid";
    public const string StratumDuplicate = "request.stratum.duplicate";
    public const string RulesInvalid = "request.rules.invalid";
    public const string DeclineReasonsInvalid = "request.decline-reasons.invalid";
    public const string Infeasible = "draw.infeasible";
    public const string SecondDraw = "draw.second-draw";
    public const string WrongPhase = "draw.phase.wrong";
    public const string UnknownOffice = "draw.office.unknown";
    public const string DuplicateCommitment = "draw.commitment.duplicate";
    public const string CommitmentMalformed = "draw.commitment.malformed";
    public const string NoCommitments = "draw.commitment.none";
    public const string NotCommitted = "draw.reveal.not-committed";
    public const string DuplicateReveal = "draw.reveal.duplicate";
    public const string RevealTooShort = "draw.reveal.too-short";
    public const string RevealMismatch = "draw.reveal.mismatch";
    public const string NoEntropy = "draw.seed.no-entropy";
    public const string BeaconRequired = "draw.beacon.required";
    public const string BeaconRoundMismatch = "draw.beacon.round-mismatch";
    public const string BeaconMalformed = "draw.beacon.malformed";
    public const string NotServing = "draw.replace.not-serving";
    public const string DeclineReasonUndeclared = "draw.replace.decline-reason-undeclared";
    public const string VoidReasonMissing = "draw.void.reason-missing";
    public const string PseudonymKeyTooShort = "draw.key.too-short";
    public const string StaffOnlyField = "expert.edit.staff-only";

    public const string EventListCommitted = "draw.event.list-committed";
    public const string EventCommitment = "draw.event.commitment";
    public const string EventCommitmentsClosed = "draw.event.commitments-closed";
    public const string EventReveal = "draw.event.reveal";
    public const string EventBeacon = "draw.event.beacon";
    public const string EventRevealMissing = "draw.event.reveal-missing";
    public const string EventDrawn = "draw.event.drawn";
    public const string EventReplaced = "draw.event.replaced";
    public const string EventReserveExhausted = "draw.event.reserve-exhausted";
    public const string EventVoided = "draw.event.voided";
#pragma warning restore CS1591
}
