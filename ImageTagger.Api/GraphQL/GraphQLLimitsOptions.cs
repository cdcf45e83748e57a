using System.ComponentModel.DataAnnotations;

namespace ImageTagger.Api.GraphQL;

/// <summary>Limits against abusive queries (section "GraphQL").</summary>
public sealed class GraphQLLimitsOptions
{
    public const string SectionName = "GraphQL";

    [Range(1, 50)]
    public int MaxDepth { get; set; } = 12;

    [Range(1, 10_000)]
    public int MaxAliases { get; set; } = 50;

    [Range(1, 100_000)]
    public int MaxFields { get; set; } = 1_000;

    [Range(1, 10_000_000)]
    public int MaxComplexity { get; set; } = 25_000;

    [Range(1_000, 10_000_000)]
    public int MaxDocumentBytes { get; set; } = 64 * 1024;

    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Open graphql-transport-ws sockets at most (one more is closed with 1013).</summary>
    [Range(1, 100_000)]
    public int MaxWebSocketConnections { get; set; } = 5_000;

    /// <summary>Operations running at once on one socket.</summary>
    [Range(1, 10_000)]
    public int MaxOperationsPerWebSocket { get; set; } = 100;

    /// <summary>Largest WebSocket message in bytes (a larger one closes the socket with 1009).</summary>
    [Range(1_024, 10_000_000)]
    public int MaxWebSocketMessageBytes { get; set; } = 256 * 1024;

    /// <summary>Time a socket has to send connection_init (then 4408).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan WebSocketInitTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
