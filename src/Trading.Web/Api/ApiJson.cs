using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Trading.Web.Api;

/// <summary>
/// How API bodies are read. System.Text.Json fills a constructor parameter the body left out with null or default,
/// so a partial body reached the services as a null list and ended in a 500. Here every constructor parameter of our
/// own request types that is neither nullable nor has a default is required, and an explicit null for a non-nullable
/// one is refused: both become 400 "Rule.BadRequest" through <see cref="ApiErrors"/>.
/// </summary>
public static class ApiJson
{
    public static void Configure(JsonSerializerOptions o)
    {
        o.RespectNullableAnnotations = true;
        o.TypeInfoResolver = (o.TypeInfoResolver ?? new DefaultJsonTypeInfoResolver()).WithAddedModifier(RequireNonOptionalParameters);
    }

    private static void RequireNonOptionalParameters(JsonTypeInfo info)
    {
        // Only this project's request records; framework and library types keep their own contracts.
        if (info.Kind != JsonTypeInfoKind.Object || info.Type.Namespace?.StartsWith("Trading.", StringComparison.Ordinal) != true) return;
        foreach (var p in info.Properties)
        {
            if (p.AssociatedParameter is { HasDefaultValue: false, IsNullable: false })
                p.IsRequired = true;
        }
    }
}
