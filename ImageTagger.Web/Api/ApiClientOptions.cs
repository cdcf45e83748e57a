using Microsoft.Extensions.Options;

namespace ImageTagger.Web.Api;

/// <summary>
/// Where the Api is: by its service name (<c>https+http://api</c>, resolved by service discovery from
/// <c>services__api__http__0</c> / <c>https</c>, as Aspire's WithReference sets them), else <c>Api:Url</c>.
/// </summary>
public sealed class ApiClientOptions
{
    public const string SectionName = "Api";

    /// <summary>The api by name; the https endpoint when it has one, else http.</summary>
    public const string ServiceName = "https+http://api";

    public Uri? BaseAddress { get; set; }

    /// <summary>Sent as <c>X-Api-Key</c> when the Api asks for one (Api beyond loopback).</summary>
    public string? ApiKey { get; set; }

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    public static void Bind(ApiClientOptions options, IConfiguration configuration)
    {
        var section = configuration.GetSection(SectionName);
        var discovered = configuration.GetSection("services:api").Exists();
        var url = discovered ? ServiceName : section["Url"];
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
        if (options.BaseAddress is not { IsAbsoluteUri: true } uri || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != "https+http"))
        {
            return ValidateOptionsResult.Fail("The Api's address is missing: set services__api__http__0 (or Api__Url) to an absolute http(s) URL.");
        }

        return options.Timeout <= TimeSpan.Zero
            ? ValidateOptionsResult.Fail("Api:Timeout must be positive.")
            : ValidateOptionsResult.Success;
    }
}
