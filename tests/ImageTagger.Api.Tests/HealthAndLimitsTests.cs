using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using ImageTagger.Api.Security;

namespace ImageTagger.Api.Tests;

public sealed class HealthAndLimitsTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task Health_and_alive_answer()
    {
        var ct = TestContext.Current.CancellationToken;
        Assert.Equal(HttpStatusCode.OK, (await api.Client.GetAsync("/health", ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.Client.GetAsync("/alive", ct)).StatusCode);
    }

    [Fact]
    public async Task Introspection_works_for_tools_like_GraphiQL()
    {
        var data = await api.DataAsync("{ __schema { queryType { name } mutationType { name } subscriptionType { name } } __type(name: \"Image\") { fields { name } } }", ct: TestContext.Current.CancellationToken);
        Assert.Equal("Mutation", data.GetProperty("__schema").GetProperty("mutationType").GetProperty("name").GetString());
        var fields = data.GetProperty("__type").GetProperty("fields").EnumerateArray().Select(f => f.GetProperty("name").GetString()).ToList();
        Assert.Contains("thumbnailUrl", fields);
        Assert.Contains("similar", fields);
    }

    [Fact]
    public async Task Too_deep_queries_are_rejected_with_a_spec_shaped_error()
    {
        var deep = "{ images { edges { node { folder { progress { running { image { folder { progress { running { image { duplicateOf { fileName } } } } } } } } } } } } }";
        var result = await api.GraphQLAsync(deep, ct: TestContext.Current.CancellationToken);
        var error = result.GetProperty("errors")[0];
        Assert.Contains("depth", error.GetProperty("message").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.False(result.TryGetProperty("data", out var data) && data.ValueKind != System.Text.Json.JsonValueKind.Null);
    }

    [Fact]
    public async Task Alias_floods_and_huge_documents_are_refused_and_the_server_stays_up()
    {
        var ct = TestContext.Current.CancellationToken;
        var aliases = "{ " + string.Join(" ", Enumerable.Range(0, 200).Select(i => $"a{i}: stats {{ images }}")) + " }";
        var flood = await api.GraphQLAsync(aliases, ct: ct);
        Assert.True(flood.TryGetProperty("errors", out _));

        var huge = "{ stats { images } }" + new string(' ', 200_000) + "#";
        using var response = await api.Client.PostAsJsonAsync("/graphql", new { query = huge }, ct);
        Assert.False(response.IsSuccessStatusCode && !(await response.Content.ReadAsStringAsync(ct)).Contains("errors", StringComparison.Ordinal));

        var syntax = await api.GraphQLAsync("{ stats { images ", ct: ct);
        Assert.Contains("Syntax Error", syntax.GetProperty("errors")[0].GetProperty("message").GetString());
        var wrongType = await api.GraphQLAsync("query($n: Int!) { tagCloud(limit: $n) { name } }", new { n = "many" }, ct);
        Assert.True(wrongType.TryGetProperty("errors", out _));

        await api.DataAsync("{ stats { images } }", ct: ct);
    }

    [Fact]
    public void Remote_callers_need_the_api_key_for_changes_and_loopback_callers_do_not()
    {
        var withKey = new SecurityOptions { ApiKey = "s3cret" };
        var loopback = new DefaultHttpContext();
        loopback.Connection.RemoteIpAddress = IPAddress.Loopback;
        Assert.True(WriteAccess.IsAllowed(loopback, withKey));

        var remote = new DefaultHttpContext();
        remote.Connection.RemoteIpAddress = IPAddress.Parse("192.0.2.10");
        Assert.False(WriteAccess.IsAllowed(remote, withKey));
        remote.Request.Headers[WriteAccess.HeaderName] = "wrong";
        Assert.False(WriteAccess.IsAllowed(remote, withKey));
        remote.Request.Headers[WriteAccess.HeaderName] = "s3cret";
        Assert.True(WriteAccess.IsAllowed(remote, withKey));

        var noKey = new SecurityOptions();
        var anonymous = new DefaultHttpContext();
        anonymous.Connection.RemoteIpAddress = IPAddress.Parse("192.0.2.10");
        Assert.False(WriteAccess.IsAllowed(anonymous, noKey));
        Assert.True(WriteAccess.IsAllowed(anonymous, new SecurityOptions { AllowAnonymousRemote = true }));
    }
}
