namespace Trading.ExpertPool;

/// <summary>Base of every refusal this library raises: a localizable <see cref="Reason"/> with an English message.</summary>
public class ExpertDrawException : Exception
{
    /// <summary>Creates the exception from a reason.</summary>
    public ExpertDrawException(Reason reason) : base(DrawMessages.Format(reason, "en")) => Reason = reason;

    /// <summary>The code and arguments, for zh-CN/en rendering.</summary>
    public Reason Reason { get; }

    /// <summary>Shortcut for <c>Reason.Code</c>.</summary>
    public string Code => Reason.Code;
}

/// <summary>The draw request breaks a committee or request rule.</summary>
public sealed class DrawRequestInvalidException(Reason reason) : ExpertDrawException(reason);

/// <summary>A stratum that cannot be filled: seats needed and experts eligible.</summary>
/// <param name="Stratum">Stratum id.</param>
/// <param name="Needed">Seats to fill.</param>
/// <param name="Eligible">Experts eligible in the stratum.</param>
/// <param name="SharedWithEarlier">Of those, how many earlier strata could take first (at most their seats).</param>
public sealed record StratumShortfall(string Stratum, int Needed, int Eligible, int SharedWithEarlier);

/// <summary>The request cannot be met with the eligible experts; carries the numbers per stratum.</summary>
public sealed class DrawInfeasibleException(IReadOnlyList<StratumShortfall> shortfalls)
    : ExpertDrawException(Reason.Of(ReasonCodes.Infeasible, ("detail", string.Join("; ", shortfalls.Select(s =>
        $"{s.Stratum} needs {s.Needed}, {s.Eligible} eligible" + (s.SharedWithEarlier > 0 ? $" of which {s.SharedWithEarlier} may go to earlier strata" : ""))))))
{
    /// <summary>Every stratum that falls short.</summary>
    public IReadOnlyList<StratumShortfall> Shortfalls { get; } = shortfalls;
}

/// <summary>A step of the draw was refused (wrong phase, mismatching reveal, undeclared decline reason, second draw...).</summary>
public sealed class DrawStepRefusedException(Reason reason) : ExpertDrawException(reason);

/// <summary>An expert's own profile edit touched a field only staff may change.</summary>
public sealed class ProfileEditRefusedException(Reason reason) : ExpertDrawException(reason);
