using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace ImageTagger.Web.Tests;

/// <summary>Records the names of the GraphQL operations the Web sends to the Api (to prove a page asks once per visit).</summary>
public sealed partial class ApiCallLog
{
    private readonly ConcurrentQueue<string> _operations = new();

    public int Count(string operation) => _operations.Count(o => o == operation);

    public sealed class Handler(ApiCallLog log) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Content is not null && request.RequestUri?.AbsolutePath.EndsWith("/graphql", StringComparison.Ordinal) == true)
            {
                await request.Content.LoadIntoBufferAsync(cancellationToken);
                using var json = JsonDocument.Parse(await request.Content.ReadAsStringAsync(cancellationToken));
                var query = json.RootElement.TryGetProperty("query", out var q) ? q.GetString() ?? "" : "";
                log._operations.Enqueue(OperationName().Match(query) is { Success: true } m ? m.Groups[1].Value : "(anonymous)");
            }

            return await base.SendAsync(request, cancellationToken);
        }
    }

    [GeneratedRegex(@"^\s*(?:query|mutation|subscription)\s+(\w+)")]
    private static partial Regex OperationName();
}
