namespace ImageTagger.Api.Search;

/// <summary>
/// After the embedding model failed a query, searches skip it for a little while, so a down Ollama never slows every
/// search. One per Api (a singleton), not per process: two Apis in one process (tests) do not share an outage.
/// </summary>
public sealed class QueryEmbeddingBackOff(TimeProvider timeProvider)
{
    private static readonly TimeSpan s_afterFailure = TimeSpan.FromSeconds(15);
    private long _untilTicks;

    /// <summary>Whether the model failed recently enough that searches should not ask it.</summary>
    public bool Active => timeProvider.GetUtcNow().UtcTicks < Interlocked.Read(ref _untilTicks);

    public void Failed() => Interlocked.Exchange(ref _untilTicks, (timeProvider.GetUtcNow() + s_afterFailure).UtcTicks);

    /// <summary>Try the model again right away (after "test connection").</summary>
    public void Reset() => Interlocked.Exchange(ref _untilTicks, 0);
}
