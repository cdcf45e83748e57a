using Xunit;

namespace ImageTagger.TestSupport;

/// <summary>
/// Waits for a condition the system under test reaches on its own schedule. The deadline is generous and only ends a
/// hung test with a clear message: it is not a timing claim.
/// </summary>
public static class Poll
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan DefaultInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>Reads until <paramref name="done"/> holds and returns that value; fails the test (TimeoutException) with the last value (and <paramref name="diagnostics"/>) after the timeout.</summary>
    public static async Task<T> UntilAsync<T>(Func<Task<T>> read, Func<T, bool> done, string what, TimeSpan? timeout = null, Func<Task<string>>? diagnostics = null)
    {
        var limit = timeout ?? DefaultTimeout;
        var (reached, value) = await TryUntilAsync(read, done, limit);
        if (!reached)
        {
            var state = diagnostics is null ? "" : "; state: " + await diagnostics();
            throw new TimeoutException($"{what}: still {value} after {limit.TotalSeconds:0.#} s{state}");
        }

        return value;
    }

    /// <summary>Waits until <paramref name="condition"/> is true; fails the test after the timeout.</summary>
    public static Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what, Func<Task<string>>? diagnostics = null) =>
        UntilAsync(condition, done => done, what, timeout, diagnostics);

    /// <summary>Waits until an in-memory <paramref name="condition"/> is true; fails the test after the timeout.</summary>
    public static Task UntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null) =>
        UntilAsync(() => Task.FromResult(condition()), done => done, what, timeout);

    /// <summary>Reads at least once and until <paramref name="done"/> holds or the timeout passes; says which, with the last value.</summary>
    public static async Task<(bool Reached, T Last)> TryUntilAsync<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan timeout, TimeSpan? interval = null, CancellationToken cancellationToken = default)
    {
        var ct = cancellationToken.CanBeCanceled ? cancellationToken : TestContext.Current.CancellationToken;
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var value = await read();
            if (done(value))
            {
                return (true, value);
            }

            if (DateTime.UtcNow >= deadline)
            {
                return (false, value);
            }

            await Task.Delay(interval ?? DefaultInterval, ct);
        }
    }
}
