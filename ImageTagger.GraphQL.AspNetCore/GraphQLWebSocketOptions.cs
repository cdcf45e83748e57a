using Microsoft.AspNetCore.Http;

namespace ImageTagger.GraphQL.AspNetCore;

/// <summary>Limits and hooks of the graphql-transport-ws transport (WebSocket upgrades on the GraphQL endpoint).</summary>
public sealed class GraphQLWebSocketOptions
{
    /// <summary>Open sockets at most; one more is accepted and closed at once with 1013 (try again later).</summary>
    public int MaxConnections { get; set; } = 1_000;
    /// <summary>Operations running at once on one socket; one more gets an <c>error</c> message for its id.</summary>
    public int MaxOperationsPerConnection { get; set; } = 100;
    /// <summary>Largest accepted message in bytes; a larger one closes the socket with 1009 (message too big).</summary>
    public int MaxMessageBytes { get; set; } = 1_000_000;
    /// <summary>Time a client has to send <c>connection_init</c> before the socket is closed with 4408.</summary>
    public TimeSpan ConnectionInitTimeout { get; set; } = TimeSpan.FromSeconds(3);
    /// <summary>
    /// Browser origins allowed to open a socket besides the server's own host (browsers do not apply CORS to
    /// WebSockets, so a foreign page could otherwise talk to a loopback server with the user's rights).
    /// Requests without an Origin header (non-browser clients) are always allowed.
    /// </summary>
    public IList<string> AllowedOrigins { get; } = new List<string>();
    /// <summary>
    /// Checks <c>connection_init</c>: gets the upgrade request and the message's payload (null when absent) and returns
    /// the context data for the socket's operations, or null to refuse the connection (close 4403). When unset, the
    /// context comes from <see cref="GraphQLServerOptions.ContextFactory"/> as over HTTP.
    /// </summary>
    public Func<HttpContext, IReadOnlyDictionary<string, object?>?, CancellationToken, ValueTask<IDictionary<string, object?>?>>? OnConnectionInit { get; set; }

    /// <summary>Throws when a limit is out of range; called when the server options are built, i.e. at start.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxConnections, 1, nameof(MaxConnections));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxOperationsPerConnection, 1, nameof(MaxOperationsPerConnection));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxMessageBytes, 128, nameof(MaxMessageBytes));
        if (ConnectionInitTimeout <= TimeSpan.Zero || ConnectionInitTimeout > TimeSpan.FromMinutes(10))
            throw new ArgumentOutOfRangeException(nameof(ConnectionInitTimeout), ConnectionInitTimeout, "must be between 0 and 10 minutes");
    }
}
