using Microsoft.ML.OnnxRuntime;

namespace ImageTagger.Ai.Offline;

/// <summary>
/// One model's sessions: loaded on first use, unloaded once no run has used them for the idle time
/// (<see cref="OfflineAiOptions.IdleUnloadAfter"/>) so an idle service gives their memory back, and loaded again on
/// the next use. Never unloaded while a run uses them: the idle clock starts when the last run ends.
/// </summary>
public sealed class ModelSlot<T> : IDisposable
    where T : class, IDisposable
{
    private readonly Func<T> _load;
    private readonly TimeSpan _idleUnloadAfter;
    private readonly ITimer? _timer;
    private readonly Lock _lock = new();
    private T? _model;
    private int _users;
    private int _loads;
    private bool _disposed;

    /// <param name="load">Opens the sessions; called under the slot's lock, so concurrent first uses load once.</param>
    /// <param name="idleUnloadAfter">Zero (or less) keeps the model loaded for the life of the slot.</param>
    public ModelSlot(Func<T> load, TimeSpan idleUnloadAfter, TimeProvider time)
    {
        _load = load;
        _idleUnloadAfter = idleUnloadAfter;
        if (idleUnloadAfter > TimeSpan.Zero)
        {
            _timer = time.CreateTimer(_ => UnloadIfIdle(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
    }

    public bool IsLoaded
    {
        get
        {
            lock (_lock)
            {
                return _model is not null;
            }
        }
    }

    /// <summary>How many times the model was loaded (once, plus once after each idle unload that was followed by a use).</summary>
    public int Loads => Volatile.Read(ref _loads);

    /// <summary>Runs <paramref name="work"/> with the loaded model; the model stays loaded at least until it returns.</summary>
    public TResult Use<TResult>(Func<T, TResult> work)
    {
        T model;
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_model is null)
            {
                _model = _load();
                _loads++;
            }

            model = _model;
            _users++;
        }

        try
        {
            return work(model);
        }
        finally
        {
            lock (_lock)
            {
                // The idle clock restarts when the last run ends; a timer that fires during a run finds a user and leaves it.
                if (--_users == 0 && !_disposed)
                {
                    _timer?.Change(_idleUnloadAfter, Timeout.InfiniteTimeSpan);
                }
            }
        }
    }

    private void UnloadIfIdle()
    {
        lock (_lock)
        {
            if (_users > 0 || _model is null || _disposed)
            {
                return;
            }

            // Under the lock: a use that comes now waits and loads afresh rather than racing the unload for memory,
            // and IsLoaded turns false only once the memory is back.
            _model.Dispose();
            _model = null;

            // The sessions' weights went back to malloc, which keeps freed pages: hand them to the system (tens of ms, once).
            NativeHeap.Trim();
        }
    }

    /// <summary>Unloads for good. The caller makes sure no run is in flight (<see cref="OfflineModels.WaitForRuns"/>).</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _timer?.Dispose();
            _model?.Dispose();
            _model = null;
        }
    }
}

/// <summary>Two ONNX sessions used as one model (a preprocessing or detection graph, then the network).</summary>
public sealed class SessionPair(InferenceSession first, InferenceSession second) : IDisposable
{
    public InferenceSession First { get; } = first;

    public InferenceSession Second { get; } = second;

    public void Dispose()
    {
        First.Dispose();
        Second.Dispose();
    }
}
