using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Mvc.ModelBinding.Metadata;
using Microsoft.Extensions.Localization;

namespace Trading.Web.Infrastructure;

/// <summary>
/// Gives the framework's validation messages a resource key and every bound property a localised name, so a
/// refused form says "请填写“联系人”。" instead of "The ContactName field is required." (the implicit [Required] of a
/// non-nullable string carries no message of its own, and its default names the C# property).
/// Field names are "Field.{Property}" in the resx files; a property without one is not named in the message.
/// </summary>
public sealed class ValidationTexts(IStringLocalizer localizer) : IValidationMetadataProvider, IDisplayMetadataProvider
{
    public void CreateValidationMetadata(ValidationMetadataProviderContext context)
    {
        foreach (var a in context.ValidationMetadata.ValidatorMetadata.OfType<ValidationAttribute>())
        {
            if (a.ErrorMessage is not null || a.ErrorMessageResourceName is not null) continue;
            var kind = a.GetType().Name.Replace("Attribute", "", StringComparison.Ordinal);
            var named = context.Key.Name is { } n && !localizer["Field." + n].ResourceNotFound;
            a.ErrorMessage = "Validation." + kind + (named ? "" : ".Unnamed");
        }
    }

    public void CreateDisplayMetadata(DisplayMetadataProviderContext context)
    {
        if (context.Key.MetadataKind != ModelMetadataKind.Property || context.Key.Name is not { } name || context.DisplayMetadata.DisplayName is not null) return;
        context.DisplayMetadata.DisplayName = () => localizer["Field." + name] is { ResourceNotFound: false } s ? s.Value : name;
    }
}
