using Microsoft.AspNetCore.WebUtilities;

namespace ImageTagger.Web.Components;

/// <summary>Post/redirect/get for plain forms: back to a page of ours, with the outcome in the query string.</summary>
public static class FormResults
{
    public static IResult Redirect(string path, string? message = null, string? error = null, IDictionary<string, string?>? extra = null)
    {
        var query = new Dictionary<string, string?>(extra ?? new Dictionary<string, string?>());
        if (!string.IsNullOrEmpty(message))
        {
            query["message"] = message;
        }

        if (!string.IsNullOrEmpty(error))
        {
            query["error"] = error;
        }

        return Results.LocalRedirect(QueryHelpers.AddQueryString(Local(path), query.Where(p => p.Value is not null)));
    }

    /// <summary>Where the form came from, if it was one of our pages (so filters and paging survive a post), minus old outcomes.</summary>
    public static string ReturnPath(HttpContext http, IFormCollection form, string fallback)
    {
        var candidate = form["returnUrl"].ToString();
        if (string.IsNullOrEmpty(candidate) || !IsLocal(candidate))
        {
            return fallback;
        }

        var uri = new Uri(new Uri("http://local"), candidate);
        var query = QueryHelpers.ParseQuery(uri.Query).Where(p => p.Key is not "message" and not "error")
            .ToDictionary(p => p.Key, p => (string?)p.Value.ToString());
        return QueryHelpers.AddQueryString(uri.AbsolutePath, query);
    }

    /// <summary>Runs an Api call for a form post; an unreachable Api or a refused request comes back as the page's error message.</summary>
    public static async Task<IResult> TryAsync(string page, Func<Task<IResult>> call)
    {
        try
        {
            return await call();
        }
        catch (Api.ApiUnavailableException ex)
        {
            return Redirect(page, error: ex.Message);
        }
        catch (Api.ApiRequestException ex)
        {
            return Redirect(page, error: ex.Message);
        }
    }

    public static bool IsHtmx(HttpContext http) => http.Request.Headers.ContainsKey("HX-Request") && !http.Request.Headers.ContainsKey("HX-Boosted");

    private static string Local(string path) => IsLocal(path) ? path : "/";

    private static bool IsLocal(string path) =>
        path.StartsWith('/') && !path.StartsWith("//", StringComparison.Ordinal) && !path.StartsWith("/\\", StringComparison.Ordinal);

    public static List<string> SplitTags(string? value) =>
        (value ?? "").Split([',', ';', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(t => t.Length is > 0 and <= 100).Distinct(StringComparer.OrdinalIgnoreCase).ToList();

    public static List<int> Ids(IFormCollection form, string name = "ids") =>
        form[name].Select(v => int.TryParse(v, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id) ? id : 0)
            .Where(id => id > 0).Distinct().ToList();
}
