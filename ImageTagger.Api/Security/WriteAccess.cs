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

    /// <summary>The <c>connection_init</c> payload property that carries the key over a WebSocket.</summary>
    public const string InitPayloadKey = "apiKey";

    public static bool IsAllowed(HttpContext context, SecurityOptions options) =>
        IsAllowed(context, options, context.Request.Headers[HeaderName].ToString());

    private static bool IsAllowed(HttpContext context, SecurityOptions options, string givenKey)
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

        return KeyMatches(givenKey, options.ApiKey);
    }

    private static bool KeyMatches(string given, string key) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(key));

    public static IDictionary<string, object?> CreateContext(HttpContext context) => new Dictionary<string, object?>
    {
        [ContextKey] = IsAllowed(context, context.RequestServices.GetRequiredService<IOptions<SecurityOptions>>().Value),
    };

    /// <summary>
    /// graphql-transport-ws <c>connection_init</c>: the key comes in the payload (<c>{ "apiKey": "..." }</c>; browsers
    /// cannot set headers on a WebSocket) or in the upgrade request's header. A wrong key refuses the socket (4403);
    /// no key gives the same rights as an HTTP request without one (reads, and changes only from loopback).
    /// </summary>
    public static ValueTask<IDictionary<string, object?>?> CreateSocketContextAsync(HttpContext context, IReadOnlyDictionary<string, object?>? payload, CancellationToken cancellationToken)
    {
        var options = context.RequestServices.GetRequiredService<IOptions<SecurityOptions>>().Value;
        var given = payload?.GetValueOrDefault(InitPayloadKey) is string fromPayload ? fromPayload : context.Request.Headers[HeaderName].ToString();
        if (given.Length > 0 && !string.IsNullOrEmpty(options.ApiKey) && !KeyMatches(given, options.ApiKey))
        {
            return ValueTask.FromResult<IDictionary<string, object?>?>(null);
        }

        return ValueTask.FromResult<IDictionary<string, object?>?>(new Dictionary<string, object?> { [ContextKey] = IsAllowed(context, options, given) });
    }

    public static void Demand(IResolverContext context)
    {
        if (context.ContextData.TryGetValue(ContextKey, out var allowed) && allowed is true)
        {
            return;
        }

        throw new GraphQLException($"Changes need an API key: send it in the {HeaderName} header (over a WebSocket: connection_init payload {{ \"{InitPayloadKey}\": ... }}).");
    }
}
