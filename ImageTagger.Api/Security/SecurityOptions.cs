namespace ImageTagger.Api.Security;

public sealed class SecurityOptions
{
    public const string SectionName = "Security";

    /// <summary>When set, mutations from anywhere but loopback need the header <c>X-Api-Key</c> with this value.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Origins allowed to call the API from a browser (CORS). Empty: same-origin only.</summary>
    public List<string> AllowedOrigins { get; set; } = [];

    /// <summary>Serving beyond loopback without an API key must be asked for explicitly.</summary>
    public bool AllowAnonymousRemote { get; set; }
}
