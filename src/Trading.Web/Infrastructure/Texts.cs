using System.Globalization;
using Microsoft.Extensions.Localization;
using Trading.Domain;

namespace Trading.Web
{

/// <summary>Marker type for the shared resource files Resources/SharedResource.{en,zh-CN}.resx.</summary>
public sealed class SharedResource;

namespace Infrastructure
{
    /// <summary>
    /// The one way user-facing text is produced: a key looked up in the current culture's resources, and
    /// rule violations formatted with times in the centre's zone and money in yuan.
    /// </summary>
    public sealed class Texts(IStringLocalizer<SharedResource> localizer, CentreTime time)
    {
        public string this[string key] => localizer[key].Value;

        public string this[string key, params object[] args] => string.Format(CultureInfo.CurrentCulture, localizer[key].Value, args.Select(Display).ToArray());

        public string Explain(RuleViolation v) => this[v.Code, v.Args];

        public string Step(LifecycleStep s) => this[$"Step.{(int)s}"];

        public string Yuan(long fen) => "¥" + Money.Yuan(fen).ToString("N2", CultureInfo.InvariantCulture);

        public string Time(DateTime utc) => time.Format(utc);

        private object Display(object a) => a switch
        {
            DateTime d => time.Format(d),
            // A rule stored inside another (a failed tender's or a locked step's) reads as its own sentence.
            RuleViolation v => Explain(v),
            decimal m => m.ToString("N2", CultureInfo.InvariantCulture),
            string s when s.Length > 0 && localizer[s] is { ResourceNotFound: false } found => found.Value,
            _ => a,
        };
    }
}
}
