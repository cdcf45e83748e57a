using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using ImageTagger.Catalog.Crawling;
using Microsoft.Extensions.Options;

namespace ImageTagger.Processing.Crawling;

/// <summary>A fetch that did not give a usable response; the reason is recorded on the page or image.</summary>
public sealed class CrawlFetchException(string reason, bool skipped = false) : Exception(reason)
{
    /// <summary>Refused by policy (host, robots, address) rather than failed.</summary>
    public bool Skipped { get; } = skipped;
}

/// <summary>The connection was refused because the host resolved to an address the crawl may not reach.</summary>
public sealed class CrawlAddressRefusedException(string host) : Exception($"address of {host} is private or reserved (set Crawl:AllowPrivateAddresses to allow)");

/// <summary>
/// HTTP for the crawler: one pooled client whose connections are made by us, so the address policy is applied
/// to the IP actually connected to (after DNS, at connect time: no DNS-rebinding way around it); redirects are
/// followed by hand so every hop passes the crawl's checks; each fetch has a deadline covering the body too.
/// </summary>
public sealed class CrawlFetcher : IDisposable
{
    private readonly IOptionsMonitor<CrawlOptions> _options;
    private readonly HttpClient _client;

    public CrawlFetcher(IOptionsMonitor<CrawlOptions> options)
    {
        _options = options;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            UseProxy = false, // a proxy would connect on our behalf, out of reach of the address check
            AutomaticDecompression = DecompressionMethods.All,
            ConnectTimeout = options.CurrentValue.ConnectTimeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            MaxResponseHeadersLength = 64,
            ConnectCallback = ConnectAsync,
        };
        _client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>
    /// GETs <paramref name="url"/>, following up to <see cref="CrawlOptions.MaxRedirects"/> redirects; <paramref name="checkHop"/>
    /// sees every URL before it is requested and may refuse it (returns the reason).
    /// </summary>
    public async Task<CrawlResponse> GetAsync(Uri url, string accept, Func<Uri, CancellationToken, Task<string?>> checkHop, CancellationToken cancellationToken)
    {
        var options = _options.CurrentValue;
        var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.RequestTimeout);
        var visited = new HashSet<string>(StringComparer.Ordinal);
        var current = url;
        try
        {
            for (var hop = 0; ; hop++)
            {
                if (!visited.Add(CrawlUrl.Key(current)))
                {
                    throw new CrawlFetchException($"redirect loop at {current}");
                }

                if (await checkHop(current, deadline.Token) is { } refused)
                {
                    throw new CrawlFetchException(hop == 0 ? refused : $"redirect refused: {refused}", skipped: true);
                }

                using var request = new HttpRequestMessage(HttpMethod.Get, current);
                request.Headers.UserAgent.ParseAdd(options.UserAgent);
                request.Headers.Accept.ParseAdd(accept);
                var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
                var status = (int)response.StatusCode;
                if (status is >= 300 and < 400 && status != 304 && response.Headers.Location is { } location)
                {
                    response.Dispose();
                    if (hop >= options.MaxRedirects)
                    {
                        throw new CrawlFetchException($"too many redirects (more than {options.MaxRedirects})");
                    }

                    if (!CrawlUrl.TryResolve(current, location.OriginalString, out var next))
                    {
                        throw new CrawlFetchException($"redirect to an unsupported URL: {location.OriginalString}");
                    }

                    current = next;
                    continue;
                }

                return new CrawlResponse(current, response, deadline);
            }
        }
        catch (Exception ex)
        {
            deadline.Dispose();
            throw Translate(ex, options, cancellationToken);
        }
    }

    /// <summary>Turns transport failures into a recorded reason; the caller's own cancellation stays a cancellation.</summary>
    internal static Exception Translate(Exception ex, CrawlOptions options, CancellationToken cancellationToken)
    {
        if (ex is CrawlFetchException || (ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            return ex;
        }

        for (var inner = ex; inner is not null; inner = inner.InnerException)
        {
            if (inner is CrawlAddressRefusedException refused)
            {
                return new CrawlFetchException(refused.Message, skipped: true);
            }
        }

        return ex switch
        {
            OperationCanceledException or TimeoutException => new CrawlFetchException($"timed out after {options.RequestTimeout.TotalSeconds:0.#} s"),
            HttpRequestException or IOException => new CrawlFetchException($"request failed: {ex.Message}"),
            _ => ex,
        };
    }

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        var policy = CrawlAddressPolicy.From(_options.CurrentValue);
        var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(host, cancellationToken);
        var allowed = addresses.Where(policy.IsAllowed).ToArray();
        if (allowed.Length == 0)
        {
            throw new CrawlAddressRefusedException(host);
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public void Dispose() => _client.Dispose();
}

/// <summary>A response whose body is still to be read, within the fetch's deadline.</summary>
public sealed class CrawlResponse(Uri finalUrl, HttpResponseMessage response, CancellationTokenSource deadline) : IDisposable
{
    public Uri FinalUrl { get; } = finalUrl;

    public int StatusCode => (int)response.StatusCode;

    public bool IsSuccess => response.IsSuccessStatusCode;

    public string? MediaType => response.Content.Headers.ContentType?.MediaType?.ToLowerInvariant();

    public string? Charset => response.Content.Headers.ContentType?.CharSet;

    public long? ContentLength => response.Content.Headers.ContentLength;

    public HttpResponseHeaders Headers => response.Headers;

    /// <summary>Cancelled at the fetch's deadline (or with the caller's token).</summary>
    public CancellationToken Token => deadline.Token;

    public Task<Stream> OpenAsync() => response.Content.ReadAsStreamAsync(deadline.Token);

    /// <summary>Reads at most <paramref name="maxBytes"/>; says whether there was more.</summary>
    public async Task<(byte[] Bytes, bool Truncated)> ReadAsync(long maxBytes)
    {
        await using var stream = await OpenAsync();
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        while (true)
        {
            var read = await stream.ReadAsync(chunk, deadline.Token);
            if (read == 0)
            {
                return (buffer.ToArray(), false);
            }

            var room = maxBytes - buffer.Length;
            if (read > room)
            {
                buffer.Write(chunk, 0, (int)room);
                return (buffer.ToArray(), true);
            }

            buffer.Write(chunk, 0, read);
        }
    }

    public void Dispose()
    {
        response.Dispose();
        deadline.Dispose();
    }
}
