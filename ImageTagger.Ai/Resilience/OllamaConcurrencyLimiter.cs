namespace ImageTagger.Ai.Resilience;

/// <summary>
/// Caps requests in flight to one Ollama endpoint. Shared by chat and embeddings because Ollama
/// queues everything behind the same runner: more parallel requests only add latency and memory.
/// </summary>
public sealed class OllamaConcurrencyLimiter : IDisposable
{
    private readonly SemaphoreSlim _slots;
    private int _inFlight;

    public OllamaConcurrencyLimiter(int maxConcurrency)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrency, 1);
        MaxConcurrency = maxConcurrency;
        _slots = new SemaphoreSlim(maxConcurrency, maxConcurrency);
    }

    public int MaxConcurrency { get; }

    /// <summary>Requests currently holding a slot.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Waits for a slot; dispose the lease to give it back.</summary>
    public async ValueTask<Lease> AcquireAsync(CancellationToken cancellationToken)
    {
        await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        Interlocked.Increment(ref _inFlight);
        return new Lease(this);
    }

    public void Dispose() => _slots.Dispose();

    private void Release()
    {
        Interlocked.Decrement(ref _inFlight);
        _slots.Release();
    }

    /// <summary>One held slot; releasing twice is harmless.</summary>
    public sealed class Lease : IDisposable
    {
        private OllamaConcurrencyLimiter? _owner;

        internal Lease(OllamaConcurrencyLimiter owner) => _owner = owner;

        public void Dispose() => Interlocked.Exchange(ref _owner, null)?.Release();
    }
}
