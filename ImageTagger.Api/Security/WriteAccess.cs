using System.Net;
using System.Security.Cryptography;
using System.Text;
using ImageTagger.GraphQL;
using ImageTagger.GraphQL.Execution;
using Microsoft.Extensions.Options;

namespace ImageTagger.Api.Security;

/// <summary>
/// Decides per request whether it may change things: loopback callers always may; remote callers need the
/// API key when one is configured. Mutations call <see cref="Demand"/> first.
/// </summary>
public static class WriteAccess
{
    public const string ContextKey = "imagetagger.writeAccess";
    public const string HeaderName = "X-Api-Key";

    public static bool IsAllowed(HttpContext context, SecurityOptions options)
    {
        var remote = context.Connection.RemoteIpAddress;
        if (remote is null || IPAddress.IsLoopback(remote))
        {
            return true;
        }

        if (string.IsNullOrEmpty(options.ApiKey))
        {
            return options.AllowAnonymousRemote;
        }

        var given = context.Request.Headers[HeaderName].ToString();
        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(options.ApiKey));
    }

    public static IDictionary<string, object?> CreateContext(HttpContext context) => new Dictionary<string, object?>
    {
        [ContextKey] = IsAllowed(context, context.RequestServices.GetRequiredService<IOptions<SecurityOptions>>().Value),
    };

    public static void Demand(IResolverContext context)
    {
        if (context.ContextData.TryGetValue(ContextKey, out var allowed) && allowed is true)
        {
            return;
        }

        throw new GraphQLException($"Changes need an API key: send it in the {HeaderName} header.");
    }
}
