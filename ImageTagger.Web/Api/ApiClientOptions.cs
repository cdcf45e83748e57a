using Microsoft.Extensions.Options;

namespace ImageTagger.Web.Api;

/// <summary>
/// Where the Api is. The address follows Aspire's service discovery contract (<c>services__api__http__0</c>,
/// i.e. configuration key <c>services:api:http:0</c>, or <c>https</c>), falling back to <c>Api:Url</c>.
/// </summary>
public sealed class ApiClientOptions
{
    public const string SectionName = "Api";

    public Uri? BaseAddress { get; set; }

    /// <summary>Sent as <c>X-Api-Key</c> when the Api asks for one (Api beyond loopback).</summary>
    public string? ApiKey { get; set; }

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    public static void Bind(ApiClientOptions options, IConfiguration configuration)
    {
        var section = configuration.GetSection(SectionName);
        var url = configuration["services:api:http:0"] ?? configuration["services:api:https:0"] ?? section["Url"];
        if (Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            options.BaseAddress = uri;
        }

        options.ApiKey = section["ApiKey"] ?? options.ApiKey;
        if (TimeSpan.TryParse(section["Timeout"], System.Globalization.CultureInfo.InvariantCulture, out var timeout))
        {
            options.Timeout = timeout;
        }
    }
}

internal sealed class ApiClientOptionsValidator : IValidateOptions<ApiClientOptions>
{
    public ValidateOptionsResult Validate(string? name, ApiClientOptions options)
    {
        if (options.BaseAddress is not { IsAbsoluteUri: true } uri || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            return ValidateOptionsResult.Fail("The Api's address is missing: set services__api__http__0 (or Api__Url) to an absolute http(s) URL.");
        }

        return options.Timeout <= TimeSpan.Zero
            ? ValidateOptionsResult.Fail("Api:Timeout must be positive.")
            : ValidateOptionsResult.Success;
    }
}
