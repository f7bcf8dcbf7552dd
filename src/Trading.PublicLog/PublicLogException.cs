namespace Trading.PublicLog;

/// <summary>
/// Every refusal in this library carries a stable <see cref="Code"/> and its arguments so the
/// web app and CLI can show it in zh-CN or en (see <see cref="LogMessages"/>); the exception
/// message itself is the English text.
/// </summary>
public class PublicLogException : Exception
{
    /// <summary>Creates a refusal with a message code and its named arguments.</summary>
    public PublicLogException(string code, IReadOnlyDictionary<string, object?>? arguments = null, Exception? inner = null)
        : base(LogMessages.Format(code, arguments ?? Empty, LogMessages.English), inner)
    {
        Code = code;
        Arguments = arguments ?? Empty;
    }

    private static readonly IReadOnlyDictionary<string, object?> Empty = new Dictionary<string, object?>();

    /// <summary>Stable message key, e.g. <c>proof.wrong-length</c>.</summary>
    public string Code { get; }

    /// <summary>Named values that fill the message template.</summary>
    public IReadOnlyDictionary<string, object?> Arguments { get; }

    /// <summary>The message in the given language ("en" or "zh-CN").</summary>
    public string Localized(string language) => LogMessages.Format(Code, Arguments, language);
}

/// <summary>A proof, checkpoint, signature, receipt or log failed verification.</summary>
public sealed class LogVerificationException(string code, IReadOnlyDictionary<string, object?>? arguments = null, Exception? inner = null)
    : PublicLogException(code, arguments, inner);

/// <summary>Input is malformed (bad encoding, garbage, non-canonical JSON, wrong sizes).</summary>
public sealed class LogFormatException(string code, IReadOnlyDictionary<string, object?>? arguments = null, Exception? inner = null)
    : PublicLogException(code, arguments, inner);

/// <summary>A request the log cannot answer (index or size beyond the tree, gap in numbering).</summary>
public sealed class LogRangeException(string code, IReadOnlyDictionary<string, object?>? arguments = null, Exception? inner = null)
    : PublicLogException(code, arguments, inner);

internal static class Args
{
    public static Dictionary<string, object?> Of(params (string Key, object? Value)[] pairs)
    {
        var d = new Dictionary<string, object?>(pairs.Length);
        foreach (var (k, v) in pairs)
        {
            d[k] = v;
        }
        return d;
    }
}
