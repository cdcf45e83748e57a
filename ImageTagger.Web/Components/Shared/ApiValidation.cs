using ImageTagger.Web.Api;
using Microsoft.AspNetCore.Components.Forms;

namespace ImageTagger.Web.Components.Shared;

/// <summary>
/// Puts the Api's user errors on an <see cref="EditContext"/>'s fields (their <c>field</c> names the input), so a refused
/// form shows each message at its field like local validation. A field's message goes when it is edited or the form is
/// validated again.
/// </summary>
public sealed class ApiValidation
{
    private readonly EditContext _context;
    private readonly ValidationMessageStore _store;

    public ApiValidation(EditContext context)
    {
        _context = context;
        _store = new ValidationMessageStore(context);
        context.OnFieldChanged += (_, e) => _store.Clear(e.FieldIdentifier);
        context.OnValidationRequested += (_, _) => _store.Clear();
    }

    /// <summary>
    /// Shows <paramref name="errors"/>: those whose field <paramref name="fieldOf"/> maps go to that field; the rest come
    /// back joined, for a message beside the form. Null when every error found its field (or there were none).
    /// </summary>
    public string? Show(IReadOnlyList<UserError> errors, Func<string?, FieldIdentifier?> fieldOf)
    {
        _store.Clear();
        var unplaced = new List<string>();
        foreach (var error in errors)
        {
            if (fieldOf(error.Field) is { } field)
            {
                _store.Add(field, error.Message);
            }
            else
            {
                unplaced.Add(error.Message);
            }
        }

        _context.NotifyValidationStateChanged();
        return unplaced.Count == 0 ? null : string.Join(" ", unplaced);
    }

    /// <summary>Maps an Api field name onto the model property of the same name (ignoring case), if there is one.</summary>
    public static Func<string?, FieldIdentifier?> ByPropertyName(object model) => name =>
        name is not null && model.GetType().GetProperties().FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)) is { } property
            ? new FieldIdentifier(model, property.Name)
            : null;
}
