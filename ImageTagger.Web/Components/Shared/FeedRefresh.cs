using ImageTagger.Web.Api;

namespace ImageTagger.Web.Components.Shared;

/// <summary>
/// Re-queries a page's data when the global <see cref="ProgressFeed"/> changes, at most once per <c>interval</c>:
/// the feed can tick several times a second while a folder is processed, and a page only needs its numbers to move.
/// Changes during the wait are folded into one refresh; changes during a refresh schedule the next one.
/// </summary>
public sealed class FeedRefresh : IDisposable
{
    private readonly ProgressFeed _feed;
    private readonly TimeSpan _interval;
    private readonly Func<Task> _refresh;
    private readonly CancellationTokenSource _disposed = new();
    private int _scheduled;

    public FeedRefresh(ProgressFeed feed, TimeSpan interval, Func<Task> refresh)
    {
        _feed = feed;
        _interval = interval;
        _refresh = refresh;
        feed.Changed += OnChanged;
    }

    private void OnChanged(ProgressSnapshot snapshot)
    {
        if (Interlocked.Exchange(ref _scheduled, 1) == 0)
        {
            _ = RunAsync();
        }
    }

    private async Task RunAsync()
    {
        try
        {
            await Task.Delay(_interval, _disposed.Token);
            Volatile.Write(ref _scheduled, 0);
            await _refresh();
        }
        catch (OperationCanceledException)
        {
            // The page went away.
        }
        catch (ObjectDisposedException)
        {
            // The circuit went away while refreshing.
        }
    }

    public void Dispose()
    {
        _feed.Changed -= OnChanged;
        _disposed.Cancel();
        _disposed.Dispose();
    }
}
