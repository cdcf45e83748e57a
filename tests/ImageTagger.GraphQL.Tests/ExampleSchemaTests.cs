using System.Runtime.CompilerServices;
using ImageTagger.GraphQL.Execution;
using ImageTagger.GraphQL.Relay;
using ImageTagger.GraphQL.Types;

namespace ImageTagger.GraphQL.Tests;

/// <summary>The README-style example: query, mutation, input, enum, Node + connection, DataLoader and subscription together.</summary>
public class ExampleSchemaTests
{
    public enum Visibility { Public, Private }

    public sealed record Image(int Id, string Title, Visibility Visibility, int AlbumId);

    public sealed record Album(int Id, string Name);

    public sealed record AddImageInput(string Title, Visibility Visibility = Visibility.Public, int AlbumId = 1);

    public sealed class Store
    {
        public List<Image> Images { get; } = [new(1, "Cat", Visibility.Public, 1), new(2, "Dog", Visibility.Private, 1), new(3, "Sea", Visibility.Public, 2)];
        public List<Album> Albums { get; } = [new(1, "Pets"), new(2, "Holidays")];
        public int AlbumQueries { get; set; }
    }

    private static async IAsyncEnumerable<Image> Added(Store store, [EnumeratorCancellation] CancellationToken ct = default)
    {
        foreach (var image in store.Images.Take(2))
        {
            await Task.Yield();
            ct.ThrowIfCancellationRequested();
            yield return image;
        }
    }

    public static Schema Build(Store store) => new SchemaBuilder()
        .Enum<Visibility>()
        .InputObject<AddImageInput>("AddImageInput", i => i
            .Field("title", "String!")
            .Field("visibility", "Visibility", Visibility.Public)
            .Field("albumId", "Int", 1))
        .NodeInterface((ctx, type, id) => Task.FromResult<object?>(type switch
        {
            "Image" => store.Images.FirstOrDefault(i => i.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) == id),
            _ => null,
        }))
        .Object<Album>("Album", o => o.Field("name", "String!"))
        .Object<Image>("Image", o => o
            .NodeId<Image>(i => i.Id)
            .Field("title", "String!")
            .Field("visibility", "Visibility!")
            .Field("album", "Album!", f => f.Resolve(ctx => ctx.DataLoaders
                .GetOrCreate<int, Album>("albums", (ids, ct) =>
                {
                    store.AlbumQueries++;
                    return Task.FromResult<IReadOnlyDictionary<int, Album>>(store.Albums.Where(a => ids.Contains(a.Id)).ToDictionary(a => a.Id));
                })
                .LoadAsync(ctx.Parent<Image>().AlbumId))))
        .ConnectionType("Image")
        .Query(q => q
            .Field("images", "ImageConnection!", f => f
                .ConnectionArguments()
                .Argument("visibility", "Visibility")
                .Cost(2)
                .Resolve(ctx =>
                {
                    var v = ctx.Argument<Visibility?>("visibility");
                    return Connection.FromList(store.Images.Where(i => v is null || i.Visibility == v).ToList(), ctx);
                })))
        .Mutation(m => m
            .Field("addImage", "Image!", f => f.Argument("input", "AddImageInput!").Resolve(ctx =>
            {
                var input = ctx.Argument<AddImageInput>("input");
                var image = new Image(store.Images.Max(i => i.Id) + 1, input.Title, input.Visibility, input.AlbumId);
                store.Images.Add(image);
                return image;
            })))
        .Subscription(s => s
            .Field("imageAdded", "Image!", f => f.Subscribe(ctx => Added(store, ctx.CancellationToken))))
        .Build();

    [Fact]
    public async Task EverythingWorksTogether()
    {
        var store = new Store();
        var executor = new GraphQLExecutor(Build(store), new ExecutionOptions { MaxDepth = 10, MaxComplexity = 500 });
        var ct = TestContext.Current.CancellationToken;

        var page = await executor.ExecuteAsync("{ images(first: 2, visibility: PUBLIC) { totalCount edges { node { id title visibility album { name } } } pageInfo { hasNextPage } } }", cancellationToken: ct);
        Assert.Empty(page.Errors);
        var conn = page.ToJsonElement().GetProperty("data").GetProperty("images");
        Assert.Equal(2, conn.GetProperty("totalCount").GetInt32());
        Assert.Equal("Holidays", conn.GetProperty("edges")[1].GetProperty("node").GetProperty("album").GetProperty("name").GetString());
        Assert.Equal(1, store.AlbumQueries);

        var added = await executor.ExecuteAsync("mutation { addImage(input: { title: \"New\", visibility: PRIVATE }) { id title visibility } }", cancellationToken: ct);
        var id = added.ToJsonElement().GetProperty("data").GetProperty("addImage").GetProperty("id").GetString();
        Assert.Equal(("Image", "4"), GlobalId.Decode(id!));

        var node = await executor.ExecuteAsync("query ($id: ID!) { node(id: $id) { ... on Image { title visibility } } }", new Dictionary<string, object?> { ["id"] = id }, ct);
        Assert.Equal("""{"data":{"node":{"title":"New","visibility":"PRIVATE"}}}""", node.ToJson());

        var sub = await executor.ExecuteAsync("subscription { imageAdded { title } }", cancellationToken: ct);
        var titles = new List<string?>();
        await foreach (var e in sub.Stream!.WithCancellation(ct))
            titles.Add(e.ToJsonElement().GetProperty("data").GetProperty("imageAdded").GetProperty("title").GetString());
        Assert.Equal(["Cat", "Dog"], titles);

        var sdl = executor.Schema.ToSdl();
        Assert.Contains("type ImageConnection {", sdl, StringComparison.Ordinal);
        Assert.Contains("type Image implements Node {", sdl, StringComparison.Ordinal);
    }

    [Fact]
    public void SdlExtensionsMergeIntoTypes()
    {
        var schema = new SchemaBuilder()
            .AddTypeDefinitions("""
                type Query { a: Int }
                extend type Query { b: String }
                enum E { X }
                extend enum E { Y }
                input I { x: Int }
                extend input I { y: Int @deprecated(reason: "no") }
                """)
            .Build();
        var query = (ObjectType)schema.GetType("Query")!;
        Assert.Equal(["a", "b"], query.Fields.Select(f => f.Name));
        Assert.Equal(["X", "Y"], ((EnumType)schema.GetType("E")!).Values.Select(v => v.Name));
        Assert.Equal("no", ((InputObjectType)schema.GetType("I")!).GetField("y")!.DeprecationReason);
    }
}
