using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Options;
using Trading.Biometrics;

namespace Trading.Web.Features.CheckIn;

/// <summary>A movement drawn for one kiosk attempt, bound to the room and the signed-in kiosk operator.</summary>
public sealed record KioskChallenge(Guid Id, LivenessChallenge Challenge, string Room, Guid OperatorUserId, long IssuedTimestamp);

/// <summary>
/// Challenges drawn and not yet answered. Single-use and short-lived, so they live in memory: a restart only makes the
/// person at the kiosk start again (one process serves the kiosks). Ages are measured on the monotonic stopwatch, not
/// the platform clock, because they are about the seconds of filming, not about the calendar.
/// </summary>
public sealed class KioskChallenges(IOptions<BiometricsOptions> options)
{
    private readonly ConcurrentDictionary<Guid, KioskChallenge> _open = new();

    public KioskChallenge Draw(string room, Guid operatorUserId)
    {
        foreach (var old in _open.Values.Where(Expired).ToList()) _open.TryRemove(old.Id, out _);
        var allowed = options.Value.Challenges.Distinct().ToList();
        if (allowed.Count == 0) allowed = [.. Enum.GetValues<LivenessChallenge>()];
        var pick = allowed[System.Security.Cryptography.RandomNumberGenerator.GetInt32(allowed.Count)];
        var c = new KioskChallenge(Guid.NewGuid(), pick, room, operatorUserId, Stopwatch.GetTimestamp());
        _open[c.Id] = c;
        return c;
    }

    /// <summary>Takes the challenge out (it cannot be answered twice); null if unknown, expired, answered too soon or not this kiosk's.</summary>
    public KioskChallenge? Take(Guid id, string room, Guid operatorUserId)
    {
        if (!_open.TryRemove(id, out var c)) return null;
        if (c.Room != room || c.OperatorUserId != operatorUserId || Expired(c)) return null;
        return Stopwatch.GetElapsedTime(c.IssuedTimestamp).TotalSeconds < options.Value.MinAnswerSeconds ? null : c;
    }

    private bool Expired(KioskChallenge c) => Stopwatch.GetElapsedTime(c.IssuedTimestamp).TotalSeconds > options.Value.ChallengeSeconds;
}
