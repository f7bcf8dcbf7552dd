using Trading.Domain;

namespace Trading.Web.Infrastructure;

/// <summary>
/// A small JSON request or upload read whole, refused by the caller's rules when it is over the limit or not UTF-8,
/// so every relay and upload of that kind says its own reason in its own words.
/// </summary>
public static class SmallBody
{
    public static async Task<string> ReadTextAsync(Stream body, int limit, RuleViolation tooLarge, RuleViolation malformed, CancellationToken ct)
    {
        using var ms = new MemoryStream();
        var buffer = new byte[16 * 1024];
        int n;
        while ((n = await body.ReadAsync(buffer, ct)) > 0)
        {
            // Stops reading at the limit: an oversized body is never held in memory whole.
            if (ms.Length + n > limit) throw new RuleViolationException(tooLarge);
            ms.Write(buffer, 0, n);
        }
        try
        {
            return new System.Text.UTF8Encoding(false, true).GetString(ms.GetBuffer(), 0, (int)ms.Length);
        }
        catch (System.Text.DecoderFallbackException)
        {
            throw new RuleViolationException(malformed);
        }
    }
}
