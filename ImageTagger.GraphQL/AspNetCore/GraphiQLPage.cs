using System.Net;

namespace ImageTagger.GraphQL.AspNetCore;

/// <summary>The GraphiQL HTML page; assets are loaded from a base URL the host serves (no CDN needed).</summary>
public static class GraphiQLPage
{
    public static string Render(string endpoint, string assetBaseUrl)
    {
        var assets = WebUtility.HtmlEncode(assetBaseUrl.TrimEnd('/'));
        var url = System.Text.Json.JsonSerializer.Serialize(endpoint);
        return $$"""
            <!doctype html>
            <html lang="en">
            <head>
              <meta charset="utf-8">
              <meta name="viewport" content="width=device-width, initial-scale=1">
              <title>GraphiQL</title>
              <style>body { margin: 0; height: 100vh; } #graphiql { height: 100vh; }</style>
              <link rel="stylesheet" href="{{assets}}/graphiql.min.css">
            </head>
            <body>
              <div id="graphiql">Loading GraphiQL…</div>
              <script src="{{assets}}/react.production.min.js"></script>
              <script src="{{assets}}/react-dom.production.min.js"></script>
              <script src="{{assets}}/graphiql.min.js"></script>
              <script>
                const fetcher = GraphiQL.createFetcher({ url: {{url}} });
                ReactDOM.createRoot(document.getElementById('graphiql'))
                  .render(React.createElement(GraphiQL, { fetcher, defaultEditorToolsVisibility: true }));
              </script>
            </body>
            </html>
            """;
    }
}
