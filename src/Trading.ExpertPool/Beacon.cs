namespace Trading.ExpertPool;

/// <summary>A public randomness beacon's output for a named round (hex value) and where it came from.</summary>
public sealed record BeaconValue(string Round, string Value, string Source);

/// <summary>
/// Where beacon values come from. The platform may run with no internet, so an implementation
/// that fetches (e.g. drand over HTTP) lives in the application; this library ships only the
/// manual-entry fallback.
/// </summary>
public interface IBeaconSource
{
    /// <summary>Short name recorded with the value (e.g. "manual", "drand").</summary>
    string Name { get; }

    /// <summary>Returns the value of <paramref name="round"/>, or throws if it is not yet published.</summary>
    ValueTask<BeaconValue> GetAsync(string round, CancellationToken cancellationToken = default);
}

/// <summary>A beacon value typed in by staff from a published source (read aloud or shown on screen).</summary>
public sealed class ManualBeaconSource(string enteredRound, string valueHex, string enteredBy) : IBeaconSource
{
    /// <inheritdoc />
    public string Name => "manual";

    /// <inheritdoc />
    public ValueTask<BeaconValue> GetAsync(string round, CancellationToken cancellationToken = default)
    {
        if (round != enteredRound)
        {
            throw new DrawStepRefusedException(Reason.Of(ReasonCodes.BeaconRoundMismatch, ("given", enteredRound), ("expected", round)));
        }
        return ValueTask.FromResult(new BeaconValue(round, valueHex.Trim().ToLowerInvariant(), $"manual:{enteredBy}"));
    }
}
