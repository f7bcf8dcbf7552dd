namespace Trading.Web.Features.Experts;

/// <summary>What the shared profile form partial needs: the values, whether staff fields are editable, the masked ID number.</summary>
public sealed record ProfileFormModel(ExpertProfileInput Input, bool Staff, string IdNumberHint);
