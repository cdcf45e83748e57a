using ImageTagger.Web.Api;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ImageTagger.Web.Components.Pages.Settings;

public static class SettingsEndpoints
{
    private const string Page = "/settings";

    public static IEndpointRouteBuilder MapSettingsEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost(Page, async (IFormCollection form, ImageTaggerApiClient api, CancellationToken ct) =>
            await FormResults.TryAsync(Page, async () =>
            {
                // Only what changed is sent; an emptied field removes the override (back to configuration).
                var current = await api.GetSettingsAsync(ct);
                var changes = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
                foreach (var setting in current)
                {
                    if (!form.TryGetValue(setting.Key, out var posted))
                    {
                        continue;
                    }

                    var value = posted.ToString().Replace("\r\n", "\n", StringComparison.Ordinal).Trim();
                    if (value.Length == 0 && setting.Overridden)
                    {
                        changes[setting.Key] = null;
                    }
                    else if (value.Length > 0 && !string.Equals(value, setting.Value?.Replace("\r\n", "\n", StringComparison.Ordinal).Trim(), StringComparison.Ordinal))
                    {
                        changes[setting.Key] = value;
                    }
                }

                if (changes.Count == 0)
                {
                    return FormResults.Redirect(Page, message: "Nothing changed.");
                }

                var result = await api.UpdateSettingsAsync(changes, ct);
                return result.Errors.Count > 0
                    ? FormResults.Redirect(Page, error: string.Join(" ", result.Errors.Select(e => e.Message)))
                    : FormResults.Redirect(Page, message: $"Saved {string.Join(", ", changes.Keys)}.");
            }));

        app.MapPost(Page + "/test-connection", async Task<IResult> (HttpContext http, IFormCollection form, ImageTaggerApiClient api, CancellationToken ct) =>
        {
            var url = form["url"].ToString().Trim();
            if (!FormResults.IsHtmx(http))
            {
                return FormResults.Redirect(Page, extra: new Dictionary<string, string?> { ["test"] = url });
            }

            try
            {
                return new RazorComponentResult<Shared.AiStatusView>(new { Status = await api.TestOllamaConnectionAsync(url, ct) });
            }
            catch (Exception ex) when (ex is ApiUnavailableException or ApiRequestException)
            {
                return new RazorComponentResult<Shared.ErrorBanner>(new { Problem = ex.Message });
            }
        });
        return app;
    }
}
