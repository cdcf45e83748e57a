using Microsoft.Extensions.Options;

namespace ImageTagger.Ai;

/// <summary>Checks what data annotations cannot express: the URL shape.</summary>
internal sealed class OllamaOptionsValidator : IValidateOptions<OllamaOptions>
{
    public ValidateOptionsResult Validate(string? name, OllamaOptions options)
    {
        var failures = new List<string>();
        if (!Uri.TryCreate(options.Url, UriKind.Absolute, out var uri) ||
            (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            failures.Add($"Ollama:Url must be an absolute http(s) URL, got '{options.Url}'.");
        }
        else if (!string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment))
        {
            failures.Add($"Ollama:Url must not contain a query or fragment, got '{options.Url}'.");
        }

        if (string.IsNullOrWhiteSpace(options.VisionModel))
        {
            failures.Add("Ollama:VisionModel is required.");
        }

        if (string.IsNullOrWhiteSpace(options.EmbeddingModel))
        {
            failures.Add("Ollama:EmbeddingModel is required.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

internal static class OllamaUris
{
    /// <summary>Gives the base a trailing slash so relative "api/..." paths keep any path prefix (reverse proxies).</summary>
    public static Uri Normalize(string url)
    {
        var uri = new Uri(url, UriKind.Absolute);
        return uri.AbsolutePath.EndsWith('/') ? uri : new Uri(uri.GetLeftPart(UriPartial.Path) + "/");
    }
}
