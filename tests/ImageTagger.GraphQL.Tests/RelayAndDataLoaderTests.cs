using System.Text.Json;
using ImageTagger.GraphQL.DataLoader;
using ImageTagger.GraphQL.Execution;
using ImageTagger.GraphQL.Relay;
using ImageTagger.GraphQL.Types;

namespace ImageTagger.GraphQL.Tests;

public class RelayAndDataLoaderTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public sealed record Photo(int Id, string Title);

    private static readonly Photo[] _photos = Enumerable.Range(1, 10).Select(i => new Photo(i, "p" + i)).ToArray();

    private static Schema RelaySchema() => new SchemaBuilder()
        .NodeInterface((ctx, type, id) => Task.FromResult<object?>(type == "Photo" ? _photos.FirstOrDefault(p => p.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) == id) : null))
        .Object<Photo>("Photo", o => o.NodeId<Photo>(p => p.Id).Field("title", "String!"))
        .ConnectionType("Photo")
        .Query(q => q.Field("photos", "PhotoConnection!", f => f.ConnectionArguments().Resolve(ctx => Connection.FromList(_photos, ctx))))
        .Build();

    [Fact]
    public async Task ConnectionsPageForwardAndBackward()
    {
        var executor = new GraphQLExecutor(RelaySchema());
        var first = (await executor.ExecuteAsync("{ photos(first: 3) { totalCount edges { cursor node { title } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }", cancellationToken: Ct)).ToJsonElement();
        var conn = first.GetProperty("data").GetProperty("photos");
        Assert.Equal(10, conn.GetProperty("totalCount").GetInt32());
        Assert.Equal(["p1", "p2", "p3"], conn.GetProperty("edges").EnumerateArray().Select(e => e.GetProperty("node").GetProperty("title").GetString()));
        Assert.True(conn.GetProperty("pageInfo").GetProperty("hasNextPage").GetBoolean());
        Assert.False(conn.GetProperty("pageInfo").GetProperty("hasPreviousPage").GetBoolean());
        var end = conn.GetProperty("pageInfo").GetProperty("endCursor").GetString();

        var next = (await executor.ExecuteAsync("query ($after: String) { photos(first: 10, after: $after) { edges { node { title } } pageInfo { hasNextPage } } }",
            new Dictionary<string, object?> { ["after"] = end }, Ct)).ToJsonElement().GetProperty("data").GetProperty("photos");
        Assert.Equal(7, next.GetProperty("edges").GetArrayLength());
        Assert.Equal("p4", next.GetProperty("edges")[0].GetProperty("node").GetProperty("title").GetString());
        Assert.False(next.GetProperty("pageInfo").GetProperty("hasNextPage").GetBoolean());

        var last = (await executor.ExecuteAsync("{ photos(last: 2) { edges { node { title } } pageInfo { hasPreviousPage } } }", cancellationToken: Ct))
            .ToJsonElement().GetProperty("data").GetProperty("photos");
        Assert.Equal(["p9", "p10"], last.GetProperty("edges").EnumerateArray().Select(e => e.GetProperty("node").GetProperty("title").GetString()));
        Assert.True(last.GetProperty("pageInfo").GetProperty("hasPreviousPage").GetBoolean());

        var negative = await executor.ExecuteAsync("{ photos(first: -1) { totalCount } }", cancellationToken: Ct);
        Assert.Equal("Argument \"first\" must be a non-negative integer.", Assert.Single(negative.Errors).Message);
    }

    [Fact]
    public async Task GlobalIdsAreOpaqueAndResolvableThroughNode()
    {
        var executor = new GraphQLExecutor(RelaySchema());
        var id = GlobalId.Encode("Photo", 7);
        Assert.Equal(("Photo", "7"), GlobalId.Decode(id));
        Assert.False(GlobalId.TryDecode("not base64!", out _, out _));
        var result = await executor.ExecuteAsync("query ($id: ID!) { node(id: $id) { id ... on Photo { title } } nodes(ids: [$id, \"bogus\"]) { id } }",
            new Dictionary<string, object?> { ["id"] = id }, Ct);
        Assert.Equal("{\"data\":{\"node\":{\"id\":\"" + id + "\",\"title\":\"p7\"},\"nodes\":[{\"id\":\"" + id + "\"},null]}}", result.ToJson());
    }

    [Fact]
    public async Task DataLoaderBatchesAndCachesPerScope()
    {
        var scope = new DataLoaderScope();
        var calls = new List<IReadOnlyList<int>>();
        var loader = scope.GetOrCreate<int, string>("squares", (keys, _) =>
        {
            calls.Add(keys);
            return Task.FromResult<IReadOnlyDictionary<int, string>>(keys.ToDictionary(k => k, k => (k * k).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        });
        var a = loader.LoadAsync(2);
        var b = loader.LoadAsync(3);
        var again = loader.LoadAsync(2);
        Assert.Same(a, again);
        Assert.True(scope.HasPending);
        await scope.DispatchAsync();
        Assert.Equal("4", await a);
        Assert.Equal("9", await b);
        Assert.Equal([2, 3], Assert.Single(calls));
        Assert.Equal("4", await loader.LoadAsync(2)); // cached, no new batch
        Assert.Single(calls);
        Assert.Same(loader, scope.GetOrCreate<int, string>("squares", (_, _) => throw new InvalidOperationException()));
    }

    [Fact]
    public async Task DataLoaderFailuresFailEveryKeyOfTheBatch()
    {
        var scope = new DataLoaderScope();
        var loader = scope.GetOrCreate<int, string>("x", (_, _) => throw new InvalidOperationException("db down"));
        var a = loader.LoadAsync(1);
        var b = loader.LoadAsync(2);
        await scope.DispatchAsync();
        await Assert.ThrowsAsync<InvalidOperationException>(() => a);
        await Assert.ThrowsAsync<InvalidOperationException>(() => b);
    }

    [Fact]
    public async Task GroupLoaderAvoidsNPlusOneInsideExecution()
    {
        var batches = 0;
        var schema = new SchemaBuilder()
            .Object<Photo>("Photo", o => o.Field("id", "Int!").Field("tags", "[String!]!", ctx => ctx.DataLoaders
                .GetOrCreateGroup<int, string>("tagsByPhoto", (ids, _) =>
                {
                    Interlocked.Increment(ref batches);
                    return Task.FromResult(ids.SelectMany(id => new[] { (id, "t" + id), (id, "all") }).ToLookup(x => x.id, x => x.Item2));
                })
                .LoadAsync(ctx.Parent<Photo>().Id)))
            .Query(q => q.Field("photos", "[Photo!]!", _ => _photos))
            .Build();
        var result = await new GraphQLExecutor(schema).ExecuteAsync("{ photos { id tags } }", cancellationToken: Ct);
        Assert.Empty(result.Errors);
        Assert.Equal(1, batches);
        var first = result.ToJsonElement().GetProperty("data").GetProperty("photos")[0];
        Assert.Equal(["t1", "all"], first.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(JsonValueKind.Array, first.GetProperty("tags").ValueKind);
    }
}
