using System.Net;
using System.Text.Json;

namespace ImageTagger.GraphQL.AspNetCore;

/// <summary>
/// The GraphiQL page. GraphiQL 5 is ESM-only, so the page uses an import map; by default every module is loaded from
/// <c>{assetBase}/{file}</c> (files the host serves, no CDN), and any entry can be overridden.
/// </summary>
internal static class GraphiQLPage
{
    /// <summary>Module specifier → file name under the asset base URL.</summary>
    public static IReadOnlyDictionary<string, string> DefaultModules { get; } = new Dictionary<string, string>
    {
        ["react"] = "react.js",
        ["react/jsx-runtime"] = "react-jsx-runtime.js",
        ["react-dom"] = "react-dom.js",
        ["react-dom/client"] = "react-dom-client.js",
        ["graphql"] = "graphql.js",
        ["graphiql"] = "graphiql.js",
        ["@graphiql/toolkit"] = "graphiql-toolkit.js",
    };

    public static string Render(string endpoint, string assetBaseUrl, IReadOnlyDictionary<string, string>? importMapOverrides = null)
    {
        var baseUrl = assetBaseUrl.TrimEnd('/');
        var imports = DefaultModules.ToDictionary(kv => kv.Key, kv => $"{baseUrl}/{kv.Value}");
        if (importMapOverrides is not null)
        {
            foreach (var (k, v) in importMapOverrides) imports[k] = v;
        }
        // JSON inside <script>: escape "<" so a URL can never close the script element.
        var importMap = JsonSerializer.Serialize(new { imports }).Replace("<", "\\u003c", StringComparison.Ordinal);
        var url = JsonSerializer.Serialize(endpoint).Replace("<", "\\u003c", StringComparison.Ordinal);
        var css = WebUtility.HtmlEncode(baseUrl + "/graphiql.css");
        return $$"""
            <!doctype html>
            <html lang="en">
            <head>
              <meta charset="utf-8">
              <meta name="viewport" content="width=device-width, initial-scale=1">
              <title>GraphiQL</title>
              <style>body { margin: 0; height: 100vh; } #graphiql { height: 100vh; }</style>
              <link rel="stylesheet" href="{{css}}">
              <script type="importmap">{{importMap}}</script>
            </head>
            <body>
              <div id="graphiql">Loading GraphiQL…</div>
              <script type="module">
                import React from 'react';
                import ReactDOM from 'react-dom/client';
                import { GraphiQL } from 'graphiql';
                import { createGraphiQLFetcher } from '@graphiql/toolkit';
                const fetcher = createGraphiQLFetcher({ url: new URL({{url}}, location.href).href });
                ReactDOM.createRoot(document.getElementById('graphiql')).render(React.createElement(GraphiQL, { fetcher }));
              </script>
            </body>
            </html>
            """;
    }
}
