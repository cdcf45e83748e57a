using System.Runtime.CompilerServices;
using System.Threading.Channels;
using ImageTagger.GraphQL.AspNetCore;
using ImageTagger.GraphQL.Client;
using ImageTagger.GraphQL.Execution;
using ImageTagger.GraphQL.Relay;
using ImageTagger.GraphQL.Types;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ImageTagger.GraphQL.Tests;

/// <summary>The example from the README, hosted for real and driven through <see cref="GraphQLHttpClient"/>.</summary>
public class ReadmeExampleTests
{
    public enum Visibility { Public, Private }

    public sealed record Image(int Id, string Title, Visibility Visibility, DateTimeOffset? TakenAt, int AlbumId);

    public sealed record Album(int Id, string Name);

    public sealed record AddImageInput(string Title, Visibility Visibility);

    /// <summary>Stands in for a repository (EF Core, Dapper...).</summary>
    public sealed class ImageStore
    {
        private readonly List<Image> _images = [new(1, "Cat", Visibility.Public, DateTimeOffset.UnixEpoch, 1), new(2, "Dog", Visibility.Private, null, 2)];
        private readonly Channel<Image> _added = Channel.CreateUnbounded<Image>();
        public int AlbumBatches { get; private set; }

        public Task<object?> FindAsync(string type, string id, CancellationToken ct) =>
            Task.FromResult<object?>(type == "Image" ? _images.FirstOrDefault(i => i.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) == id) : null);

        public Task<int> CountAsync(Visibility? v, CancellationToken ct) => Task.FromResult(_images.Count(i => v is null || i.Visibility == v));

        public Task<IReadOnlyList<Image>> PageAsync(Visibility? v, int offset, int limit, CancellationToken ct) =>
            Task.FromResult<IReadOnlyList<Image>>(_images.Where(i => v is null || i.Visibility == v).Skip(offset).Take(limit).ToList());

        public Task<IReadOnlyDictionary<int, Album>> AlbumsByIdAsync(IReadOnlyList<int> ids, CancellationToken ct)
        {
            AlbumBatches++;
            return Task.FromResult<IReadOnlyDictionary<int, Album>>(ids.ToDictionary(id => id, id => new Album(id, "Album " + id)));
        }

        public async Task<Image> AddAsync(AddImageInput input, CancellationToken ct)
        {
            var image = new Image(_images.Count + 1, input.Title, input.Visibility, null, 1);
            _images.Add(image);
            await _added.Writer.WriteAsync(image, ct);
            return image;
        }

        public async IAsyncEnumerable<Image> WatchAsync([EnumeratorCancellation] CancellationToken ct)
        {
            await foreach (var image in _added.Reader.ReadAllAsync(ct)) yield return image;
        }
    }

    internal static void Configure(IServiceCollection services) =>
        services.AddGraphQL(schema => schema
            .Scalar(new DateTimeScalar())
            .Enum<Visibility>()                                    // PUBLIC, PRIVATE
            .InputObject<AddImageInput>("AddImageInput", i => i
                .Field("title", "String!")
                .Field("visibility", "Visibility", Visibility.Public))
            .NodeInterface((ctx, type, id) => ctx.GetRequiredService<ImageStore>().FindAsync(type, id, ctx.CancellationToken))
            .Object<Image>("Image", o => o
                .NodeId<Image>(i => i.Id)                          // id: ID! = base64("Image:1"), implements Node
                .Field("title", "String!")                         // default resolver: property Title
                .Field("takenAt", "DateTime")
                .Field("album", "Album!", f => f.Resolve(ctx => ctx.DataLoaders
                    .GetOrCreate<int, Album>("albumById", (ids, ct) => ctx.GetRequiredService<ImageStore>().AlbumsByIdAsync(ids, ct))
                    .LoadAsync(ctx.Parent<Image>().AlbumId))))
            .Object<Album>("Album", o => o.Field("name", "String!"))
            .ConnectionType("Image")                               // ImageConnection, ImageEdge, PageInfo
            .Query(q => q
                .Field("images", "ImageConnection!", f => f
                    .ConnectionArguments()                         // first, after, last, before
                    .Argument("visibility", "Visibility")
                    .Cost(2)
                    .ResolveWith((ImageStore store, Visibility? visibility, IResolverContext ctx) =>
                        Connection.FromSliceAsync(ctx,
                            ct => store.CountAsync(visibility, ct),
                            (offset, limit, ct) => store.PageAsync(visibility, offset, limit, ct)))))
            .Mutation(m => m
                .Field("addImage", "Image!", f => f
                    .Argument("input", "AddImageInput!")
                    .Resolve(ctx => ctx.GetRequiredService<ImageStore>().AddAsync(ctx.Argument<AddImageInput>("input"), ctx.CancellationToken))))
            .Subscription(s => s
                .Field("imageAdded", "Image!", f => f.Subscribe(ctx => ctx.GetRequiredService<ImageStore>().WatchAsync(ctx.CancellationToken)))),
            options =>
            {
                options.MaxDocumentBytes = 50_000;
                options.Execution.MaxDepth = 12;
                options.Execution.MaxAliases = 30;
                options.Execution.MaxFields = 500;
                options.Execution.MaxComplexity = 5_000;
                options.Execution.Timeout = TimeSpan.FromSeconds(10);
                options.GraphiQLAssetBaseUrl = "/lib/graphiql";
                options.PersistedDocuments = new InMemoryPersistedDocumentStore();
            });

    [Fact]
    public async Task ExampleRunsEndToEnd()
    {
        var ct = TestContext.Current.CancellationToken;
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<ImageStore>();
        Configure(builder.Services);
        await using var app = builder.Build();
        app.MapGraphQL("/graphql");
        await app.StartAsync(ct);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        using var http = new HttpClient { BaseAddress = new Uri(address + "/") };
        var client = new GraphQLHttpClient(http, new Uri("graphql", UriKind.Relative));

        var page = await client.SendAsync("{ images(first: 5) { totalCount edges { node { id title takenAt album { name } } } } }", cancellationToken: ct);
        Assert.False(page.HasErrors);
        Assert.Equal(2, page.Data!.Value.GetProperty("images").GetProperty("totalCount").GetInt32());
        Assert.Equal("1970-01-01T00:00:00Z", page.Data!.Value.GetProperty("images").GetProperty("edges")[0].GetProperty("node").GetProperty("takenAt").GetString());
        Assert.Equal(1, app.Services.GetRequiredService<ImageStore>().AlbumBatches);

        // Subscribe, then add an image; the event arrives over server-sent events.
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var events = client.SubscribeAsync("subscription { imageAdded { title } }", cancellationToken: cts.Token).GetAsyncEnumerator(cts.Token);
        var first = events.MoveNextAsync().AsTask();
        await Task.Delay(200, ct);
        var added = await client.QueryAsync<AddedImage>("mutation ($input: AddImageInput!) { addImage(input: $input) { id title } }",
            new { input = new { title = "Bird", visibility = "PRIVATE" } }, "addImage", cancellationToken: ct);
        Assert.Equal("Bird", added.Title);
        Assert.True(await first.WaitAsync(TimeSpan.FromSeconds(10), ct));
        Assert.Equal("Bird", events.Current.Data!.Value.GetProperty("imageAdded").GetProperty("title").GetString());
        await cts.CancelAsync();
        try { await events.DisposeAsync(); } catch (OperationCanceledException) { }

        var node = await client.QueryAsync<AddedImage>("query ($id: ID!) { node(id: $id) { id ... on Image { title } } }", new { id = added.Id }, "node", cancellationToken: ct);
        Assert.Equal("Bird", node.Title);
    }

    public sealed record AddedImage(string Id, string Title);
}
