namespace Trading.Web;

/// <summary>Authorization policies shared by several features (each feature adds its own in its module).</summary>
public static class Policies
{
    public const string OwnerSide = "OwnerSide";
    public const string Bidder = "Bidder";
    public const string Oversight = "Oversight";
    public const string Supervisor = "Supervisor";
    public const string Api = "Api";
}
