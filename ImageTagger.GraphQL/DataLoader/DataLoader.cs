namespace ImageTagger.GraphQL.DataLoader;

/// <summary>
/// Per-request registry of data loaders. The executor dispatches pending batches whenever all
/// in-flight resolvers are waiting, so every key requested at one "level" goes into one batch.
/// </summary>
public sealed class DataLoaderScope
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, object> _loaders = new(StringComparer.Ordinal);
    private readonly List<IDataLoader> _pending = [];
    private TaskCompletionSource? _workSignal;

    /// <summary>The request's cancellation token, passed to every batch function.</summary>
    public CancellationToken CancellationToken { get; internal set; }

    /// <summary>Gets (or creates on first use) the named loader for this request.</summary>
    public DataLoader<TKey, TValue> GetOrCreate<TKey, TValue>(string name,
        Func<IReadOnlyList<TKey>, CancellationToken, Task<IReadOnlyDictionary<TKey, TValue>>> batch) where TKey : notnull
    {
        lock (_lock)
        {
            if (_loaders.TryGetValue(name, out var existing)) return (DataLoader<TKey, TValue>)existing;
            var loader = new DataLoader<TKey, TValue>(batch, this);
            _loaders[name] = loader;
            return loader;
        }
    }

    /// <summary>A one-to-many loader: the batch returns a lookup, each key resolves to its (possibly empty) group.</summary>
    public DataLoader<TKey, TValue[]> GetOrCreateGroup<TKey, TValue>(string name,
        Func<IReadOnlyList<TKey>, CancellationToken, Task<ILookup<TKey, TValue>>> batch) where TKey : notnull =>
        GetOrCreate<TKey, TValue[]>(name, async (keys, ct) =>
        {
            var lookup = await batch(keys, ct).ConfigureAwait(false);
            return keys.Distinct().ToDictionary(k => k, k => lookup[k].ToArray());
        });

    internal void MarkPending(IDataLoader loader)
    {
        TaskCompletionSource? signal;
        lock (_lock)
        {
            if (!_pending.Contains(loader)) _pending.Add(loader);
            signal = _workSignal;
            _workSignal = null;
        }
        signal?.TrySetResult();
    }

    /// <summary>Whether any loader of this request has keys waiting for a batch.</summary>
    public bool HasPending
    {
        get
        {
            lock (_lock) return _pending.Count > 0;
        }
    }

    /// <summary>Completes when some loader has keys waiting (immediately if one already has).</summary>
    internal Task WaitForWorkAsync()
    {
        lock (_lock)
        {
            if (_pending.Count > 0) return Task.CompletedTask;
            _workSignal ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _workSignal.Task;
        }
    }

    /// <summary>Runs the batch function of every loader with queued keys.</summary>
    public async Task DispatchAsync()
    {
        IDataLoader[] loaders;
        lock (_lock)
        {
            loaders = [.. _pending];
            _pending.Clear();
        }
        if (loaders.Length == 1) await loaders[0].DispatchAsync().ConfigureAwait(false);
        else if (loaders.Length > 1) await Task.WhenAll(loaders.Select(l => l.DispatchAsync())).ConfigureAwait(false);
    }
}

internal interface IDataLoader
{
    Task DispatchAsync();
}

/// <summary>Batches and caches loads of <typeparamref name="TValue"/> by key within one request.</summary>
public sealed class DataLoader<TKey, TValue> : IDataLoader where TKey : notnull
{
    private readonly Func<IReadOnlyList<TKey>, CancellationToken, Task<IReadOnlyDictionary<TKey, TValue>>> _batch;
    private readonly DataLoaderScope _scope;
    private readonly Lock _lock = new();
    private readonly Dictionary<TKey, Task<TValue?>> _cache = [];
    private Dictionary<TKey, TaskCompletionSource<TValue?>> _queue = [];

    /// <summary>Creates a loader whose batch function receives every key requested before the next dispatch.</summary>
    public DataLoader(Func<IReadOnlyList<TKey>, CancellationToken, Task<IReadOnlyDictionary<TKey, TValue>>> batch, DataLoaderScope scope)
    {
        _batch = batch;
        _scope = scope;
    }

    /// <summary>Number of batch calls made (useful in tests and diagnostics).</summary>
    public int BatchCount { get; private set; }

    /// <summary>Loads one value; keys missing from the batch result resolve to default.</summary>
    public Task<TValue?> LoadAsync(TKey key)
    {
        bool first;
        Task<TValue?> task;
        lock (_lock)
        {
            if (_cache.TryGetValue(key, out var cached)) return cached;
            // Continuations run inline so dependent resolvers enqueue their keys before the next dispatch.
            var tcs = new TaskCompletionSource<TValue?>();
            _queue[key] = tcs;
            _cache[key] = task = tcs.Task;
            first = _queue.Count == 1;
        }
        if (first) _scope.MarkPending(this);
        return task;
    }

    /// <summary>Loads several keys (in one batch with any other pending keys); missing keys give <c>default</c>.</summary>
    public async Task<TValue?[]> LoadManyAsync(IEnumerable<TKey> keys) => await Task.WhenAll(keys.Select(LoadAsync)).ConfigureAwait(false);

    /// <summary>Puts a known value in the cache (e.g. an entity fetched by another query).</summary>
    public void Prime(TKey key, TValue value)
    {
        lock (_lock) _cache.TryAdd(key, Task.FromResult<TValue?>(value));
    }

    /// <summary>Forgets the cached value of <paramref name="key"/>, so the next load fetches it again.</summary>
    public void Clear(TKey key)
    {
        lock (_lock) _cache.Remove(key);
    }

    /// <summary>Runs the batch function for the keys collected so far and completes their loads.</summary>
    public async Task DispatchAsync()
    {
        Dictionary<TKey, TaskCompletionSource<TValue?>> batch;
        lock (_lock)
        {
            if (_queue.Count == 0) return;
            batch = _queue;
            _queue = [];
        }
        BatchCount++;
        try
        {
            var result = await _batch([.. batch.Keys], _scope.CancellationToken).ConfigureAwait(false);
            foreach (var (key, tcs) in batch)
                tcs.TrySetResult(result.TryGetValue(key, out var v) ? v : default);
        }
        catch (Exception ex)
        {
            lock (_lock)
            {
                // Failed keys are not cached so a later request can retry.
                foreach (var key in batch.Keys) _cache.Remove(key);
            }
            foreach (var tcs in batch.Values) tcs.TrySetException(ex);
        }
    }
}
