using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace ImageTagger.Api.Tests.Crawl;

public sealed class CrawlSubscriptionTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task Subscribers_see_the_crawl_now_and_again_when_it_changes_until_it_finishes()
    {
        var ct = TestContext.Current.CancellationToken;
        var created = await api.DataAsync(
            "mutation { createCrawlJob(input: { startUrl: \"https://example.com/\" }) { crawlJob { id } errors { code } } }", ct: ct);
        var id = created.GetProperty("createCrawlJob").GetProperty("crawlJob").GetProperty("id").GetString();

        using var request = new HttpRequestMessage(HttpMethod.Post, "/graphql")
        {
            Content = JsonContent.Create(new { query = "subscription($id: ID!) { crawlJobUpdated(id: $id) { state progress { pagesPending } } }", variables = new { id } }),
        };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        using var response = await api.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(ct));

        async Task<string?> NextEventAsync()
        {
            string? data = null;
            while (await reader.ReadLineAsync(ct) is { } line)
            {
                if (line.StartsWith("data:", StringComparison.Ordinal))
                {
                    data = line[5..].Trim();
                }
                else if (line.Length == 0)
                {
                    return data;
                }
            }

            return null;
        }

        using var first = JsonDocument.Parse((await NextEventAsync().WaitAsync(TimeSpan.FromSeconds(10), ct))!);
        Assert.Equal("QUEUED", first.RootElement.GetProperty("data").GetProperty("crawlJobUpdated").GetProperty("state").GetString());
        Assert.Equal(1, first.RootElement.GetProperty("data").GetProperty("crawlJobUpdated").GetProperty("progress").GetProperty("pagesPending").GetInt32());

        await api.DataAsync("mutation($id: ID!) { cancelCrawlJob(id: $id) { errors { code } } }", new { id }, ct);
        using var second = JsonDocument.Parse((await NextEventAsync().WaitAsync(TimeSpan.FromSeconds(10), ct))!);
        Assert.Equal("CANCELLED", second.RootElement.GetProperty("data").GetProperty("crawlJobUpdated").GetProperty("state").GetString());
        Assert.Equal("", await NextEventAsync().WaitAsync(TimeSpan.FromSeconds(10), ct)); // "event: complete" with empty data: the stream ends
    }
}
