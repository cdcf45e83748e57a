using Microsoft.FluentUI.AspNetCore.Components;

namespace ImageTagger.Web.Components.Shared;

/// <summary>The outcome of an action as a dismissable toast (pages use these instead of the old ?message= redirects).</summary>
public static class Toasts
{
    public static Task ShowOutcomeAsync(this INotificationService notifications, ToastIntent intent, string title, string? message = null) =>
        notifications.ShowToastAsync(o =>
        {
            o.Intent = intent;
            o.Title = title;
            o.Message = message;
            o.AllowDismiss = true;
        });

    /// <summary>Success with <paramref name="success"/>, or the Api's user errors.</summary>
    public static Task ShowOutcomeAsync(this INotificationService notifications, IReadOnlyList<Api.UserError> errors, string success, string? message = null) =>
        errors.Count > 0
            ? notifications.ShowOutcomeAsync(ToastIntent.Error, "Not changed", string.Join(" ", errors.Select(e => e.Message)))
            : notifications.ShowOutcomeAsync(ToastIntent.Success, success, message);
}
