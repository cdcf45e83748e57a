using ImageTagger.Web.Api;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ImageTagger.Web.Components.Pages.Search;

public static class SearchEndpoints
{
    public static IEndpointRouteBuilder MapSearchEndpoints(this IEndpointRouteBuilder app)
    {
        // htmx type-ahead: tags matching what was typed into the tag filter.
        app.MapGet("/search/tag-suggestions", async Task<IResult> (HttpContext http, ImageTaggerApiClient api, CancellationToken ct) =>
        {
            var typed = http.Request.Query["addTag"].ToString().Trim();
            var query = http.Request.Query.Where(p => p.Key != "addTag").ToDictionary(p => p.Key, p => p.Value);
            var state = SearchState.Parse(new QueryCollection(query));
            if (typed.Length == 0)
            {
                return Results.Content("", "text/html");
            }

            try
            {
                var tags = await api.GetTagsAsync(typed, 8, null, ct);
                var suggestions = tags.Nodes.Where(t => !state.Tags.Contains(t.Name, StringComparer.OrdinalIgnoreCase)).ToList();
                return new RazorComponentResult<TagSuggestions>(new { Tags = suggestions, State = state });
            }
            catch (Exception ex) when (ex is ApiUnavailableException or ApiRequestException)
            {
                return new RazorComponentResult<Shared.ErrorBanner>(new { Problem = ex.Message });
            }
        });
        return app;
    }
}
