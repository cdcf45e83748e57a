using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace ImageTagger.AppHost.Startup;

/// <summary>
/// Registers --folder through the api: one POST of a GraphQL document (GraphQL-over-HTTP). Tolerant by design:
/// the api is young, so errors are printed, never fatal.
/// </summary>
internal sealed class GraphQLFolderClient(HttpClient http, ILogger logger)
{
    public async Task<bool> AddFolderAsync(Uri endpoint, string path, CancellationToken cancellationToken)
    {
        // __typename is valid on any object result, so the document does not depend on the payload's fields; the path
        // travels as a variable, so no string escaping is ours to get right.
        const string document = "mutation AddFolder($path: String!) { addFolder(input: {path: $path, recursive: true}) { __typename } }";
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = JsonContent.Create(new { query = document, variables = new { path } }) };
            request.Headers.Accept.ParseAdd("application/graphql-response+json");
            request.Headers.Accept.ParseAdd("application/json;q=0.9");
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(30));
            using var response = await http.SendAsync(request, timeout.Token);
            var body = await response.Content.ReadAsStringAsync(timeout.Token);
            var errors = ReadErrors(body);
            if (errors.Count > 0)
            {
                foreach (var error in errors)
                {
                    Log.FolderError(logger, path, error);
                }

                return false;
            }

            if (!response.IsSuccessStatusCode)
            {
                Log.FolderHttpError(logger, path, (int)response.StatusCode, Truncate(body));
                return false;
            }

            Log.FolderAdded(logger, path, endpoint);
            return true;
        }
        catch (Exception ex) when (ex is HttpRequestException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            Log.FolderHttpError(logger, path, 0, ex.Message);
            return false;
        }
    }

    internal static IReadOnlyList<string> ReadErrors(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.ValueKind != JsonValueKind.Object ||
                !json.RootElement.TryGetProperty("errors", out var errors) || errors.ValueKind != JsonValueKind.Array)
            {
                return [];
            }

            return [.. errors.EnumerateArray().Select(e =>
                e.ValueKind == JsonValueKind.Object && e.TryGetProperty("message", out var m) ? m.GetString() ?? e.ToString() : e.ToString())];
        }
        catch (JsonException)
        {
            return [];
        }
    }

    private static string Truncate(string text) => text.Length <= 500 ? text : text[..500] + "…";
}
