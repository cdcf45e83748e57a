namespace ImageTagger.Processing.Crawling;

/// <summary>
/// Politeness per host: at most N requests in flight, and request starts spaced by the delay (the larger of
/// the crawl's delay and the host's robots.txt Crawl-delay).
/// </summary>
public sealed class HostThrottle(int maxConcurrency, TimeSpan delay, TimeProvider timeProvider)
{
    private readonly Dictionary<string, Gate> _gates = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lock _lock = new();

    public async Task<IDisposable> AcquireAsync(Uri url, TimeSpan? hostDelay, CancellationToken cancellationToken)
    {
        Gate gate;
        lock (_lock)
        {
            if (!_gates.TryGetValue(url.Authority, out gate!))
            {
                gate = new Gate(new SemaphoreSlim(maxConcurrency, maxConcurrency));
                _gates[url.Authority] = gate;
            }
        }

        await gate.Slots.WaitAsync(cancellationToken);
        try
        {
            TimeSpan wait;
            var spacing = hostDelay is { } d && d > delay ? d : delay;
            lock (_lock)
            {
                var now = timeProvider.GetUtcNow();
                var start = gate.NextStart > now ? gate.NextStart : now;
                gate.NextStart = start + spacing;
                wait = start - now;
            }

            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, timeProvider, cancellationToken);
            }
        }
        catch
        {
            gate.Slots.Release();
            throw;
        }

        return new Lease(gate.Slots);
    }

    private sealed class Gate(SemaphoreSlim slots)
    {
        public SemaphoreSlim Slots { get; } = slots;

        public DateTimeOffset NextStart { get; set; }
    }

    private sealed class Lease(SemaphoreSlim slots) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                slots.Release();
            }
        }
    }
}
