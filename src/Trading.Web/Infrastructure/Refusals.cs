using Microsoft.AspNetCore.Identity;
using Trading.Domain;

namespace Trading.Web.Infrastructure;

// The refusals every feature throws and the web layer turns into a message or problem JSON (RuleErrorFilter,
// TradingPageModel). They live here, below the features, so the infrastructure that translates them needs no feature.

/// <summary>The actor may not do this; the rule code says why (RuleCodes.SupervisorOnly, NotOwner, …).</summary>
public sealed class ForbiddenException(string ruleCode) : Exception(ruleCode)
{
    public string RuleCode { get; } = ruleCode;
}

public sealed class NotFoundException() : Exception("Not found");

/// <summary>Several rules refused at once (a form with more than one problem shows them all).</summary>
public sealed class RuleViolationsException(IReadOnlyList<RuleViolation> violations) : Exception(string.Join("; ", violations))
{
    public IReadOnlyList<RuleViolation> Violations { get; } = violations;
}

/// <summary>Identity refused a user name or password; the errors are already localized by Identity's describer.</summary>
public sealed class IdentityRefusedException(IEnumerable<IdentityError> errors) : Exception(string.Join(" ", errors.Select(e => e.Description)))
{
    public IReadOnlyList<IdentityError> Errors { get; } = errors.ToList();
}
