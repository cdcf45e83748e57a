namespace ImageTagger.Web.Tests;

/// <summary>Waits for a condition the browser or the server reaches on its own schedule (a generous deadline, not a timing claim).</summary>
public static class Poll
{
    public static async Task<T> UntilAsync<T>(Func<Task<T>> read, Func<T, bool> done, string what, int timeoutMs = 20_000)
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        while (true)
        {
            var value = await read();
            if (done(value))
            {
                return value;
            }

            Assert.True(DateTime.UtcNow < deadline, $"{what}: still {value} after {timeoutMs} ms");
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }
}
