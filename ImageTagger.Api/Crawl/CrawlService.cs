using System.Net;
using ImageTagger.Api.GraphQL;
using ImageTagger.Catalog;
using ImageTagger.Catalog.Crawling;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ImageTagger.Api.Crawl;

/// <summary>What the user asked for; null fields take the defaults of <see cref="CrawlJob"/>.</summary>
public sealed record CreateCrawlRequest(
    string? StartUrl,
    int? MaxDepth = null,
    bool? SameHostOnly = null,
    IReadOnlyList<string>? IncludePatterns = null,
    IReadOnlyList<string>? ExcludePatterns = null,
    int? MaxPages = null,
    int? MaxImages = null,
    long? MinImageBytes = null,
    int? MinImageWidth = null,
    int? MinImageHeight = null,
    int? PolitenessDelayMs = null,
    int? MaxConcurrencyPerHost = null);

public sealed record CrawlResult(CrawlJob? Crawl, IReadOnlyList<UserError> Errors);

/// <summary>Crawl jobs for the API: input checked with typed errors, then stored and controlled through <see cref="CrawlJobStore"/>.</summary>
public sealed class CrawlService(CatalogDbContext db, CrawlJobStore store, IOptionsMonitor<CrawlOptions> options)
{
    private static readonly TimeSpan s_resolveTimeout = TimeSpan.FromSeconds(3);

    public IQueryable<CrawlJob> Query(CrawlJobState? state) =>
        db.CrawlJobs.AsNoTracking().Where(c => state == null || c.State == state).OrderByDescending(c => c.Id);

    public Task<CrawlJob?> GetAsync(long id, CancellationToken cancellationToken) =>
        db.CrawlJobs.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, cancellationToken);

    public IQueryable<CrawlImage> Images(long crawlId, CrawlImageState? state) =>
        db.CrawlImages.AsNoTracking().Where(i => i.CrawlJobId == crawlId && (state == null || i.State == state)).OrderBy(i => i.Id);

    public IQueryable<CrawlPage> Pages(long crawlId, CrawlPageState? state) =>
        db.CrawlPages.AsNoTracking().Where(p => p.CrawlJobId == crawlId && (state == null || p.State == state)).OrderBy(p => p.Depth).ThenBy(p => p.Id);

    public Task<IReadOnlyDictionary<long, CrawlProgress>> ProgressAsync(IReadOnlyList<long> ids, CancellationToken cancellationToken) =>
        store.GetProgressAsync(ids, cancellationToken);

    public async Task<CrawlResult> CreateAsync(CreateCrawlRequest request, CancellationToken cancellationToken)
    {
        var errors = new List<UserError>();
        if (!Uri.TryCreate(request.StartUrl?.Trim(), UriKind.Absolute, out var uri))
        {
            errors.Add(new UserError("INVALID_URL", $"'{request.StartUrl}' is not an absolute URL.", "startUrl"));
        }
        else if (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
        {
            errors.Add(new UserError("INVALID_URL", $"Only http and https URLs can be crawled, not {uri.Scheme}:.", "startUrl"));
        }
        else if (uri.UserInfo.Length > 0 || string.IsNullOrEmpty(uri.Host))
        {
            errors.Add(new UserError("INVALID_URL", "The URL must name a host and carry no user name or password.", "startUrl"));
        }
        else if (!await IsReachableAddressAsync(uri.Host, cancellationToken))
        {
            errors.Add(new UserError("PRIVATE_ADDRESS", $"{uri.Host} is a loopback, private or reserved address; crawling it must be allowed in settings (Crawl:AllowPrivateAddresses).", "startUrl"));
        }

        Range(errors, request.MaxDepth, 0, 50, "maxDepth");
        Range(errors, request.MaxPages, 1, 1_000_000, "maxPages");
        Range(errors, request.MaxImages, 1, 1_000_000, "maxImages");
        Range(errors, request.MinImageBytes, 0, 1L << 32, "minImageBytes");
        Range(errors, request.MinImageWidth, 0, 100_000, "minImageWidth");
        Range(errors, request.MinImageHeight, 0, 100_000, "minImageHeight");
        Range(errors, request.PolitenessDelayMs, 0, 600_000, "politenessDelayMs");
        Range(errors, request.MaxConcurrencyPerHost, 1, 32, "maxConcurrencyPerHost");
        Patterns(errors, request.IncludePatterns, "includePatterns");
        Patterns(errors, request.ExcludePatterns, "excludePatterns");
        if (errors.Count > 0)
        {
            return new CrawlResult(null, errors);
        }

        var defaults = new CrawlJob { StartUrl = "" };
        var crawl = new CrawlJob
        {
            StartUrl = new Uri(uri!.GetComponents(UriComponents.HttpRequestUrl, UriFormat.UriEscaped)).AbsoluteUri,
            MaxDepth = request.MaxDepth ?? defaults.MaxDepth,
            SameHostOnly = request.SameHostOnly ?? defaults.SameHostOnly,
            IncludePatterns = [.. request.IncludePatterns ?? []],
            ExcludePatterns = [.. request.ExcludePatterns ?? []],
            MaxPages = request.MaxPages ?? defaults.MaxPages,
            MaxImages = request.MaxImages ?? defaults.MaxImages,
            MinImageBytes = request.MinImageBytes ?? defaults.MinImageBytes,
            MinImageWidth = request.MinImageWidth ?? defaults.MinImageWidth,
            MinImageHeight = request.MinImageHeight ?? defaults.MinImageHeight,
            PolitenessDelay = request.PolitenessDelayMs is { } ms ? TimeSpan.FromMilliseconds(ms) : defaults.PolitenessDelay,
            MaxConcurrencyPerHost = request.MaxConcurrencyPerHost ?? defaults.MaxConcurrencyPerHost,
        };
        var id = await store.CreateAsync(crawl, cancellationToken);
        return new CrawlResult(await GetAsync(id, cancellationToken), []);
    }

    public Task<CrawlResult> PauseAsync(long id, CancellationToken cancellationToken) =>
        ControlAsync(id, "paused", store.PauseAsync, cancellationToken);

    public Task<CrawlResult> ResumeAsync(long id, CancellationToken cancellationToken) =>
        ControlAsync(id, "resumed", store.ResumeAsync, cancellationToken);

    public Task<CrawlResult> CancelAsync(long id, CancellationToken cancellationToken) =>
        ControlAsync(id, "cancelled", store.CancelAsync, cancellationToken);

    public async Task<UserError?> DeleteAsync(long id, bool removeImages, CancellationToken cancellationToken) =>
        await store.DeleteAsync(id, removeImages, cancellationToken) == CrawlControlResult.NotFound
            ? new UserError("NOT_FOUND", $"No crawl job with id {id}.", "id")
            : null;

    private async Task<CrawlResult> ControlAsync(long id, string verb, Func<long, CancellationToken, Task<CrawlControlResult>> change, CancellationToken cancellationToken)
    {
        var result = await change(id, cancellationToken);
        var crawl = await GetAsync(id, cancellationToken);
        return result switch
        {
            CrawlControlResult.Ok => new CrawlResult(crawl, []),
            CrawlControlResult.NotFound => new CrawlResult(null, [new UserError("NOT_FOUND", $"No crawl job with id {id}.", "id")]),
            _ => new CrawlResult(crawl, [new UserError("INVALID_STATE", $"A {crawl?.State.ToString().ToLowerInvariant()} crawl job cannot be {verb}.", "id")]),
        };
    }

    /// <summary>
    /// Refuses start URLs that name this machine or a private network, by literal or by what DNS says now.
    /// (Processing checks again at connect time: DNS may answer differently later.)
    /// </summary>
    private async Task<bool> IsReachableAddressAsync(string host, CancellationToken cancellationToken)
    {
        var policy = CrawlAddressPolicy.From(options.CurrentValue);
        if (policy.IsAllowedHostName(host) is { } known)
        {
            return known;
        }

        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(s_resolveTimeout);
            var addresses = await Dns.GetHostAddressesAsync(host, timeout.Token);
            return addresses.Length == 0 || addresses.Any(policy.IsAllowed);
        }
        catch (Exception ex) when (ex is System.Net.Sockets.SocketException or OperationCanceledException or ArgumentException)
        {
            return true; // unresolvable now: the crawl reports it when it runs
        }
    }

    private static void Range(List<UserError> errors, long? value, long min, long max, string field)
    {
        if (value is { } v && (v < min || v > max))
        {
            errors.Add(new UserError("INVALID_INPUT", $"{field} must be between {min} and {max}.", field));
        }
    }

    private static void Patterns(List<UserError> errors, IReadOnlyList<string>? patterns, string field)
    {
        if (patterns is { Count: > 100 } || (patterns ?? []).Any(p => string.IsNullOrWhiteSpace(p) || p.Length > 500))
        {
            errors.Add(new UserError("INVALID_INPUT", $"{field}: at most 100 patterns of 1 to 500 characters.", field));
        }
    }
}
