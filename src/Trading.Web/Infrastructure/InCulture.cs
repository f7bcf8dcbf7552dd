using System.Globalization;

namespace Trading.Web.Infrastructure;

/// <summary>
/// Runs a synchronous render in a given culture and restores the caller's: documents the centre signs are printed in
/// Chinese whoever asks for them, and an e-mail goes out in its reader's language, not the job thread's.
/// </summary>
public static class InCulture
{
    public static readonly CultureInfo Chinese = CultureInfo.GetCultureInfo("zh-CN");

    /// <summary>The current UI culture as the report library and the log's messages name their two languages.</summary>
    public static string Tag => CultureInfo.CurrentUICulture.Name.StartsWith("zh", StringComparison.Ordinal) ? "zh-CN" : "en";

    public static T Run<T>(CultureInfo culture, Func<T> render)
    {
        var (ui, current) = (CultureInfo.CurrentUICulture, CultureInfo.CurrentCulture);
        CultureInfo.CurrentUICulture = culture;
        CultureInfo.CurrentCulture = culture;
        try
        {
            return render();
        }
        finally
        {
            CultureInfo.CurrentUICulture = ui;
            CultureInfo.CurrentCulture = current;
        }
    }
}
