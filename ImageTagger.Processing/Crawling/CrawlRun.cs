using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using ImageTagger.Catalog.Crawling;
using ImageTagger.Imaging;

namespace ImageTagger.Processing.Crawling;

/// <summary>
/// One bounded batch of a crawl: fetches pending images (within the image limit) and visits pending pages
/// (breadth first, within the page limit) until the batch's size or time budget is spent or nothing is left.
/// Every outcome is written as it happens; the caller decides what comes next.
/// </summary>
internal sealed partial class CrawlRun
{
    private const string PageAccept = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1";
    private const string ImageAccept = "image/webp,image/png,image/jpeg,image/*;q=0.8,*/*;q=0.1";

    private readonly CrawlJob _crawl;
    private readonly long _folderId;
    private readonly string _folderPath;
    private readonly CrawlFrontier _frontier;
    private readonly CrawlFetcher _fetcher;
    private readonly IImageProcessor _processor;
    private readonly CrawlOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CrawlScope _scope;
    private readonly HostThrottle _throttle;
    private readonly ConcurrentDictionary<string, Lazy<Task<RobotsRules>>> _robots = new(StringComparer.OrdinalIgnoreCase);

    public CrawlRun(CrawlJob crawl, long folderId, string folderPath, CrawlFrontier frontier, CrawlFetcher fetcher, IImageProcessor processor, CrawlOptions options, TimeProvider time, ILogger logger)
    {
        _crawl = crawl;
        _folderId = folderId;
        _folderPath = folderPath;
        _frontier = frontier;
        _fetcher = fetcher;
        _processor = processor;
        _options = options;
        _time = time;
        _logger = logger;
        _scope = CrawlScope.For(crawl);
        _throttle = new HostThrottle(crawl.MaxConcurrencyPerHost, crawl.PolitenessDelay, time);
    }

    /// <summary>Runs the batch; returns the number of fetches made.</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var deadline = _time.GetUtcNow() + _options.BatchDuration;
        var fetches = 0;
        while (fetches < _options.BatchSize && _time.GetUtcNow() < deadline)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var counts = await _frontier.CountsAsync(_crawl.Id, cancellationToken);
            var room = Math.Min(_options.BatchSize - fetches, _options.MaxConcurrency * 2);
            var images = await _frontier.PendingImagesAsync(_crawl.Id, Math.Min(room, _crawl.MaxImages - counts.ImagesDownloaded), cancellationToken);
            IReadOnlyList<PendingPage> pages = [];
            if (images.Count == 0)
            {
                pages = await _frontier.PendingPagesAsync(_crawl.Id, Math.Min(room, _crawl.MaxPages - counts.PagesFetched), cancellationToken);
            }

            if (images.Count == 0 && pages.Count == 0)
            {
                break;
            }

            var parallel = new ParallelOptions { MaxDegreeOfParallelism = _options.MaxConcurrency, CancellationToken = cancellationToken };
            if (images.Count > 0)
            {
                await Parallel.ForEachAsync(images, parallel, async (image, ct) => await DownloadImageAsync(image, ct));
            }
            else
            {
                await Parallel.ForEachAsync(pages, parallel, async (page, ct) => await VisitPageAsync(page, counts, ct));
            }

            fetches += images.Count + pages.Count;
        }

        return fetches;
    }

    private async Task VisitPageAsync(PendingPage page, FrontierCounts counts, CancellationToken cancellationToken)
    {
        var url = new Uri(page.Url);
        try
        {
            if (!(await RobotsAsync(url, cancellationToken)).IsAllowed(url))
            {
                await _frontier.RecordPageAsync(_crawl.Id, page.Id, CrawlPageState.Skipped, null, null, "disallowed by robots.txt", null, [], [], cancellationToken);
                return;
            }

            using var slot = await _throttle.AcquireAsync(url, (await RobotsAsync(url, cancellationToken)).CrawlDelay, cancellationToken);
            using var response = await _fetcher.GetAsync(url, PageAccept, CheckHopAsync, cancellationToken);
            var final = CrawlUrl.Key(response.FinalUrl) == page.Url ? null : CrawlUrl.Key(response.FinalUrl);
            if (!response.IsSuccess)
            {
                await _frontier.RecordPageAsync(_crawl.Id, page.Id, CrawlPageState.Failed, response.StatusCode, null, $"HTTP {response.StatusCode}", null, [], [], cancellationToken);
                return;
            }

            var (bytes, _) = await ReadAsync(response, _options.MaxPageBytes, cancellationToken);
            var kind = Classify(response.MediaType, bytes);
            if (kind == ContentKind.Image)
            {
                // A link without an image extension led to an image: fetch it as one.
                await _frontier.AddImagesAsync(_crawl.Id, [new NewImage(CrawlUrl.Key(response.FinalUrl), page.Url, null, null, null, _scope.RejectImage(response.FinalUrl))], cancellationToken);
                await _frontier.RecordPageAsync(_crawl.Id, page.Id, CrawlPageState.Skipped, response.StatusCode, null, "not a page: an image", null, [], [], cancellationToken);
                return;
            }

            if (kind != ContentKind.Html)
            {
                await _frontier.RecordPageAsync(_crawl.Id, page.Id, CrawlPageState.Skipped, response.StatusCode, null, $"not HTML ({response.MediaType ?? "unknown type"})", null, [], [], cancellationToken);
                return;
            }

            var parsed = await ParseAsync(Decode(bytes, response.Charset), response.FinalUrl, cancellationToken);
            var noFollow = parsed.NoFollow || response.Headers.TryGetValues("X-Robots-Tag", out var tags) && tags.Any(t => t.Contains("nofollow", StringComparison.OrdinalIgnoreCase) || t.Contains("none", StringComparison.OrdinalIgnoreCase));
            var newPages = new List<NewPage>();
            if (!noFollow && page.Depth < _crawl.MaxDepth)
            {
                var room = (_crawl.MaxPages * _options.FrontierFactor) - counts.PagesTotal;
                foreach (var link in parsed.Links)
                {
                    if (newPages.Count >= room)
                    {
                        break;
                    }

                    if (!link.NoFollow && _scope.RejectPage(link.Url) is null)
                    {
                        newPages.Add(new NewPage(CrawlUrl.Key(link.Url), page.Depth + 1, page.Url));
                    }
                }
            }

            var imageRoom = (_crawl.MaxImages * _options.FrontierFactor) - counts.ImagesTotal;
            var newImages = parsed.Images.Take(Math.Max(0, imageRoom))
                .Select(i => new NewImage(CrawlUrl.Key(i.Url), CrawlUrl.Key(response.FinalUrl), parsed.Title, i.AltText, i.Title, _scope.RejectImage(i.Url)))
                .ToList();
            await _frontier.RecordPageAsync(_crawl.Id, page.Id, CrawlPageState.Visited, response.StatusCode, parsed.Title, null, final, newPages, newImages, cancellationToken);
            LogPageVisited(_logger, _crawl.Id, page.Url, newPages.Count, newImages.Count);
        }
        catch (CrawlFetchException ex)
        {
            await _frontier.RecordPageAsync(_crawl.Id, page.Id, ex.Skipped ? CrawlPageState.Skipped : CrawlPageState.Failed, null, null, ex.Message, null, [], [], cancellationToken);
        }
    }

    private async Task DownloadImageAsync(PendingImage image, CancellationToken cancellationToken)
    {
        var url = new Uri(image.Url);
        var tempDirectory = Path.Combine(_folderPath, ".partial");
        Directory.CreateDirectory(tempDirectory);
        var temp = Path.Combine(tempDirectory, $"{image.Id}.part");
        try
        {
            var robots = await RobotsAsync(url, cancellationToken);
            if (!robots.IsAllowed(url))
            {
                await _frontier.RecordImageAsync(image.Id, CrawlImageState.Skipped, "disallowed by robots.txt", null, cancellationToken);
                return;
            }

            using var slot = await _throttle.AcquireAsync(url, robots.CrawlDelay, cancellationToken);
            using var response = await _fetcher.GetAsync(url, ImageAccept, CheckHopAsync, cancellationToken);
            if (!response.IsSuccess)
            {
                await _frontier.RecordImageAsync(image.Id, CrawlImageState.Failed, $"HTTP {response.StatusCode}", null, cancellationToken);
                return;
            }

            // A declared length decides before any byte is read.
            if (response.ContentLength is { } declared && declared > _options.MaxImageBytes)
            {
                await _frontier.RecordImageAsync(image.Id, CrawlImageState.Skipped, $"too large: {declared} bytes (limit {_options.MaxImageBytes})", declared, cancellationToken);
                return;
            }

            if (response.ContentLength is { } small && small < _crawl.MinImageBytes)
            {
                await _frontier.RecordImageAsync(image.Id, CrawlImageState.Skipped, $"too small: {small} bytes", small, cancellationToken);
                return;
            }

            var (format, size, checksum, failure) = await SaveAsync(response, temp, cancellationToken);
            if (failure is not null)
            {
                await _frontier.RecordImageAsync(image.Id, failure.Value.State, failure.Value.Reason, size, cancellationToken);
                return;
            }

            if (size < _crawl.MinImageBytes)
            {
                await _frontier.RecordImageAsync(image.Id, CrawlImageState.Skipped, $"too small: {size} bytes", size, cancellationToken);
                return;
            }

            ImageInfo info;
            try
            {
                info = await Task.Run(() => _processor.Probe(temp, cancellationToken), cancellationToken);
            }
            catch (ImageDecodeException ex)
            {
                await _frontier.RecordImageAsync(image.Id, CrawlImageState.Failed, $"not a decodable image: {ex.Message}", size, cancellationToken);
                return;
            }

            if (info.DisplayWidth < _crawl.MinImageWidth || info.DisplayHeight < _crawl.MinImageHeight)
            {
                await _frontier.RecordImageAsync(image.Id, CrawlImageState.Skipped, $"too small: {info.DisplayWidth}×{info.DisplayHeight} pixels", size, cancellationToken);
                return;
            }

            var stem = CrawlFrontier.SafeName(Path.GetFileNameWithoutExtension(Uri.UnescapeDataString(url.AbsolutePath)), 60);
            var finalPath = Path.Combine(_folderPath, $"{image.Id:D6}-{stem}{Extension(format)}");
            var duplicateOf = await _frontier.AcceptDownloadAsync(_crawl.Id, _folderId, new DownloadedImage(
                image.Id, temp, finalPath, checksum, size, info.DisplayWidth, info.DisplayHeight, image.Url, image.PageUrl, image.AltText ?? image.Title), cancellationToken);
            if (duplicateOf is null)
            {
                LogImageDownloaded(_logger, _crawl.Id, image.Url, size);
            }
        }
        catch (CrawlFetchException ex)
        {
            await _frontier.RecordImageAsync(image.Id, ex.Skipped ? CrawlImageState.Skipped : CrawlImageState.Failed, ex.Message, null, cancellationToken);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }

    /// <summary>Streams the body to <paramref name="temp"/>: sniffs the first bytes, hashes on the way, and stops at the byte cap.</summary>
    private async Task<(ImageFormat Format, long Size, string Checksum, (CrawlImageState State, string Reason)? Failure)> SaveAsync(CrawlResponse response, string temp, CancellationToken cancellationToken)
    {
        try
        {
            await using var body = await response.OpenAsync();
            var header = new byte[ImageFormatSniffer.HeaderLength];
            var headerLength = await body.ReadAtLeastAsync(header, header.Length, throwOnEndOfStream: false, response.Token);
            var format = ImageFormatSniffer.Detect(header.AsSpan(0, headerLength));
            if (format == ImageFormat.Unknown)
            {
                return (format, headerLength, "", (CrawlImageState.Failed, $"not an image (content is not JPEG, PNG, GIF, BMP, WebP, TIFF or HEIF; Content-Type {response.MediaType ?? "none"})"));
            }

            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            await using var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 81920, useAsync: true);
            hash.AppendData(header, 0, headerLength);
            await file.WriteAsync(header.AsMemory(0, headerLength), response.Token);
            long size = headerLength;
            var buffer = new byte[81920];
            while (true)
            {
                var read = await body.ReadAsync(buffer, response.Token);
                if (read == 0)
                {
                    break;
                }

                size += read;
                if (size > _options.MaxImageBytes)
                {
                    // Abort the transfer: disposing the response closes the connection mid-body.
                    return (format, size, "", (CrawlImageState.Skipped, $"too large: more than {_options.MaxImageBytes} bytes"));
                }

                hash.AppendData(buffer, 0, read);
                await file.WriteAsync(buffer.AsMemory(0, read), response.Token);
            }

            return (format, size, Convert.ToHexStringLower(hash.GetHashAndReset()), null);
        }
        catch (Exception ex) when (ex is not CrawlFetchException)
        {
            throw CrawlFetcher.Translate(ex, _options, cancellationToken);
        }
    }

    /// <summary>Parses a page within <see cref="CrawlOptions.ParseTimeout"/>; a page that takes longer is recorded as failed.</summary>
    private async Task<ParsedPage> ParseAsync(string html, Uri url, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_options.ParseTimeout);
        try
        {
            return await HtmlPageParser.ParseAsync(html, url, _options.RobotsAgent, deadline.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new CrawlFetchException($"the page took longer than {_options.ParseTimeout.TotalSeconds:0.#} s to parse (markup nested too deep?)");
        }
    }

    private async Task<(byte[] Bytes, bool Truncated)> ReadAsync(CrawlResponse response, long max, CancellationToken cancellationToken)
    {
        try
        {
            return await response.ReadAsync(max);
        }
        catch (Exception ex) when (ex is not CrawlFetchException)
        {
            throw CrawlFetcher.Translate(ex, _options, cancellationToken);
        }
    }

    /// <summary>Every hop of a fetch (the first one and each redirect) must pass the host rule and robots.txt.</summary>
    private async Task<string?> CheckHopAsync(Uri url, CancellationToken cancellationToken)
    {
        if (_scope.HostReason(url) is { } reason)
        {
            return reason;
        }

        return (await RobotsAsync(url, cancellationToken)).IsAllowed(url) ? null : $"disallowed by robots.txt ({url})";
    }

    /// <summary>The robots.txt rules of a URL's origin, fetched once per run and origin.</summary>
    private Task<RobotsRules> RobotsAsync(Uri url, CancellationToken cancellationToken)
    {
        var origin = url.GetLeftPart(UriPartial.Authority);
        return _robots.GetOrAdd(origin, o => new Lazy<Task<RobotsRules>>(() => FetchRobotsAsync(new Uri(o + "/robots.txt"), cancellationToken))).Value;
    }

    private async Task<RobotsRules> FetchRobotsAsync(Uri robotsUrl, CancellationToken cancellationToken)
    {
        RobotsTxt robots;
        try
        {
            using var slot = await _throttle.AcquireAsync(robotsUrl, null, cancellationToken);
            using var response = await _fetcher.GetAsync(robotsUrl, "text/plain,*/*;q=0.1", (_, _) => Task.FromResult<string?>(null), cancellationToken);
            if (response.IsSuccess)
            {
                var (bytes, _) = await ReadAsync(response, _options.MaxRobotsBytes, cancellationToken);
                robots = RobotsTxt.Parse(Encoding.UTF8.GetString(bytes));
            }
            else
            {
                // 4xx: no rules. 5xx: the site is in trouble; RFC 9309 says assume everything is disallowed.
                robots = response.StatusCode >= 500 ? RobotsTxt.DisallowAll : RobotsTxt.AllowAll;
            }
        }
        catch (CrawlFetchException ex) when (ex.Skipped)
        {
            // Refused by our own policy (e.g. a private address): the pages will be refused with that reason, not robots'.
            robots = RobotsTxt.AllowAll;
        }
        catch (CrawlFetchException ex)
        {
            LogRobotsUnreachable(_logger, robotsUrl.ToString(), ex.Message);
            robots = RobotsTxt.DisallowAll;
        }

        var rules = robots.For(_options.RobotsAgent);
        return rules.CrawlDelay is { } delay && delay > _options.MaxCrawlDelay ? robots.For(_options.RobotsAgent).WithCrawlDelay(_options.MaxCrawlDelay) : rules;
    }

    private enum ContentKind
    {
        Html,
        Image,
        Other,
    }

    private static ContentKind Classify(string? mediaType, byte[] bytes)
    {
        if (ImageFormatSniffer.Detect(bytes.AsSpan(0, Math.Min(bytes.Length, ImageFormatSniffer.HeaderLength))) != ImageFormat.Unknown)
        {
            return ContentKind.Image;
        }

        if (mediaType is "text/html" or "application/xhtml+xml")
        {
            return ContentKind.Html;
        }

        if (mediaType is null or "" or "text/plain" or "application/octet-stream")
        {
            // Unlabelled: HTML if it starts like markup.
            var start = Encoding.UTF8.GetString(bytes, 0, Math.Min(bytes.Length, 512)).TrimStart('\uFEFF', ' ', '\t', '\r', '\n');
            return start.StartsWith('<') ? ContentKind.Html : ContentKind.Other;
        }

        return ContentKind.Other;
    }

    /// <summary>The header's charset, else a <c>&lt;meta charset&gt;</c> in the first KiB, else a BOM, else UTF-8.</summary>
    private static string Decode(byte[] bytes, string? charset)
    {
        charset ??= SniffMetaCharset(bytes);
        Encoding encoding = Encoding.UTF8;
        if (!string.IsNullOrWhiteSpace(charset))
        {
            try
            {
                encoding = Encoding.GetEncoding(charset.Trim('"', '\'', ' '));
            }
            catch (ArgumentException)
            {
                encoding = Encoding.UTF8;
            }
        }

        using var reader = new StreamReader(new MemoryStream(bytes), encoding, detectEncodingFromByteOrderMarks: true);
        return reader.ReadToEnd();
    }

    private static string? SniffMetaCharset(byte[] bytes)
    {
        var head = Encoding.ASCII.GetString(bytes, 0, Math.Min(bytes.Length, 1024));
        var at = head.IndexOf("charset=", StringComparison.OrdinalIgnoreCase);
        if (at < 0)
        {
            return null;
        }

        var start = at + "charset=".Length;
        while (start < head.Length && head[start] is '"' or '\'' or ' ')
        {
            start++;
        }

        var end = start;
        while (end < head.Length && (char.IsAsciiLetterOrDigit(head[end]) || head[end] is '-' or '_' or ':'))
        {
            end++;
        }

        return end > start ? head[start..end] : null;
    }

    private static string Extension(ImageFormat format) => format switch
    {
        ImageFormat.Jpeg => ".jpg",
        ImageFormat.Png => ".png",
        ImageFormat.Gif => ".gif",
        ImageFormat.Bmp => ".bmp",
        ImageFormat.WebP => ".webp",
        ImageFormat.Tiff => ".tif",
        ImageFormat.Heif => ".heic",
        _ => ".img",
    };

    [LoggerMessage(Level = LogLevel.Debug, Message = "Crawl {CrawlId} visited {Url}: {Links} link(s), {Images} image(s)")]
    private static partial void LogPageVisited(ILogger logger, long crawlId, string url, int links, int images);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Crawl {CrawlId} downloaded {Url} ({Bytes} bytes)")]
    private static partial void LogImageDownloaded(ILogger logger, long crawlId, string url, long bytes);

    [LoggerMessage(Level = LogLevel.Information, Message = "robots.txt at {Url} is unreachable ({Reason}); the host is treated as disallowed")]
    private static partial void LogRobotsUnreachable(ILogger logger, string url, string reason);
}
