using System.Globalization;
using System.Text;
using ImageTagger.GraphQL.Execution;
using ImageTagger.GraphQL.Types;

namespace ImageTagger.GraphQL.Relay;

/// <summary>Opaque global ids: base64 of <c>Type:id</c> (Relay Global Object Identification).</summary>
public static class GlobalId
{
    /// <summary>Encodes a global id: base64 of <c>Type:id</c>.</summary>
    public static string Encode(string typeName, object id) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"{typeName}:{Convert.ToString(id, CultureInfo.InvariantCulture)}"));

    /// <summary>Decodes a global id into its type name and id; false when it is not one.</summary>
    public static bool TryDecode(string? globalId, out string typeName, out string id)
    {
        typeName = id = "";
        if (string.IsNullOrEmpty(globalId)) return false;
        var buffer = new byte[globalId.Length];
        if (!Convert.TryFromBase64String(globalId, buffer, out var written)) return false;
        var text = Encoding.UTF8.GetString(buffer, 0, written);
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0) return false;
        typeName = text[..colon];
        id = text[(colon + 1)..];
        return true;
    }

    /// <summary>Decodes a global id; throws <see cref="GraphQLException"/> when it is not one.</summary>
    public static (string TypeName, string Id) Decode(string globalId) =>
        TryDecode(globalId, out var t, out var i) ? (t, i) : throw new GraphQLException($"Invalid global id \"{globalId}\".");
}

/// <summary>Relay's <c>PageInfo</c>: whether more pages exist and the cursors of the first and last edge.</summary>
/// <param name="HasNextPage">Whether edges exist after <paramref name="EndCursor"/>.</param>
/// <param name="HasPreviousPage">Whether edges exist before <paramref name="StartCursor"/>.</param>
/// <param name="StartCursor">The cursor of the first edge, or null when the page is empty.</param>
/// <param name="EndCursor">The cursor of the last edge, or null when the page is empty.</param>
public sealed record PageInfo(bool HasNextPage, bool HasPreviousPage, string? StartCursor, string? EndCursor);

/// <summary>One element of a connection with its opaque cursor.</summary>
/// <typeparam name="T">The node type.</typeparam>
/// <param name="Cursor">The opaque position of this edge, for <c>after</c>/<c>before</c>.</param>
/// <param name="Node">The element.</param>
public sealed record Edge<T>(string Cursor, T Node);

/// <summary>One page of a Relay connection.</summary>
/// <typeparam name="T">The node type.</typeparam>
/// <param name="Edges">The edges of this page, in order.</param>
/// <param name="PageInfo">Whether more pages exist, and the page's first and last cursor.</param>
/// <param name="TotalCount">The number of elements in the whole list, not only this page.</param>
public sealed record Connection<T>(IReadOnlyList<Edge<T>> Edges, PageInfo PageInfo, int TotalCount)
{
    /// <summary>The nodes without edges (convenience for resolvers and tests).</summary>
    public IEnumerable<T> Nodes => Edges.Select(e => e.Node);
}

/// <summary>Pagination arguments (<c>first</c>, <c>after</c>, <c>last</c>, <c>before</c>) read from a resolver context.</summary>
public readonly record struct ConnectionArguments(int? First, string? After, int? Last, string? Before)
{
    /// <summary>Reads <c>first</c>, <c>after</c>, <c>last</c> and <c>before</c> from the field's arguments.</summary>
    public static ConnectionArguments From(IResolverContext context)
    {
        var args = new ConnectionArguments(
            context.Arguments.GetValueOrDefault("first") as int?,
            context.Arguments.GetValueOrDefault("after") as string,
            context.Arguments.GetValueOrDefault("last") as int?,
            context.Arguments.GetValueOrDefault("before") as string);
        if (args.First < 0) throw new GraphQLException("Argument \"first\" must be a non-negative integer.");
        if (args.Last < 0) throw new GraphQLException("Argument \"last\" must be a non-negative integer.");
        return args;
    }
}

/// <summary>Builds connections with offset cursors (compatible with graphql-relay-js <c>arrayconnection:N</c> cursors).</summary>
public static class Connection
{
    private const string Prefix = "arrayconnection:";

    /// <summary>The opaque cursor of the element at <paramref name="offset"/>.</summary>
    public static string OffsetToCursor(int offset) => Convert.ToBase64String(Encoding.UTF8.GetBytes(Prefix + offset.ToString(CultureInfo.InvariantCulture)));

    /// <summary>The offset a cursor stands for, or null when it is not one of ours.</summary>
    public static int? CursorToOffset(string? cursor)
    {
        if (cursor is null) return null;
        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(cursor));
            return text.StartsWith(Prefix, StringComparison.Ordinal) && int.TryParse(text.AsSpan(Prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>Pages an in-memory list.</summary>
    public static Connection<T> FromList<T>(IReadOnlyList<T> items, ConnectionArguments args)
    {
        var (start, end) = Window(items.Count, args);
        return Build(args, items.Count, start, end, i => items[i]);
    }

    /// <summary>Slices an in-memory list by the field's connection arguments.</summary>
    public static Connection<T> FromList<T>(IReadOnlyList<T> items, IResolverContext context) => FromList(items, ConnectionArguments.From(context));

    /// <summary>
    /// Pages a data source that can count and fetch a slice (e.g. SQL OFFSET/LIMIT): only the needed rows are fetched.
    /// </summary>
    public static async Task<Connection<T>> FromSliceAsync<T>(IResolverContext context,
        Func<CancellationToken, Task<int>> count,
        Func<int, int, CancellationToken, Task<IReadOnlyList<T>>> fetch)
    {
        var args = ConnectionArguments.From(context);
        var total = await count(context.CancellationToken).ConfigureAwait(false);
        var (start, end) = Window(total, args);
        var slice = end > start ? await fetch(start, end - start, context.CancellationToken).ConfigureAwait(false) : [];
        return Build(args, total, start, start + slice.Count, i => slice[i - start]);
    }

    private static (int Start, int End) Window(int total, ConnectionArguments args)
    {
        var afterOffset = CursorToOffset(args.After) ?? -1;
        var beforeOffset = CursorToOffset(args.Before) ?? total;
        var start = Math.Max(afterOffset, -1) + 1;
        var end = Math.Min(beforeOffset, total);
        if (args.First is { } first) end = Math.Min(end, start + first);
        if (args.Last is { } last) start = Math.Max(start, end - last);
        return (start, Math.Max(start, end));
    }

    private static Connection<T> Build<T>(ConnectionArguments args, int total, int start, int end, Func<int, T> item)
    {
        var edges = new List<Edge<T>>(end - start);
        for (var i = start; i < end; i++) edges.Add(new Edge<T>(OffsetToCursor(i), item(i)));
        var lower = args.After is not null ? (CursorToOffset(args.After) ?? -1) + 1 : 0;
        var upper = args.Before is not null ? CursorToOffset(args.Before) ?? total : total;
        var pageInfo = new PageInfo(
            HasNextPage: args.First is not null && end < upper,
            HasPreviousPage: args.Last is not null && start > lower,
            StartCursor: edges.Count > 0 ? edges[0].Cursor : null,
            EndCursor: edges.Count > 0 ? edges[^1].Cursor : null);
        return new Connection<T>(edges, pageInfo, total);
    }
}

/// <summary>Schema builder helpers for Relay-style schemas.</summary>
public static class RelaySchemaExtensions
{
    /// <summary>
    /// Declares <c>{Node}Connection</c>, <c>{Node}Edge</c> and (once) <c>PageInfo</c> for a node type.
    /// Resolve the connection field with <see cref="Connection.FromList{T}(IReadOnlyList{T}, IResolverContext)"/> or
    /// <see cref="Connection.FromSliceAsync{T}"/>.
    /// </summary>
    public static SchemaBuilder ConnectionType(this SchemaBuilder builder, string nodeType, string? connectionName = null)
    {
        var connection = connectionName ?? nodeType + "Connection";
        var edge = (connectionName is null ? nodeType : connection.Replace("Connection", "", StringComparison.Ordinal)) + "Edge";
        builder.Object("PageInfo", o => o
            .Description("Information about pagination in a connection.")
            .Field("hasNextPage", "Boolean!", f => f.Description("When paginating forwards, are there more items?"))
            .Field("hasPreviousPage", "Boolean!", f => f.Description("When paginating backwards, are there more items?"))
            .Field("startCursor", "String", f => f.Description("When paginating backwards, the cursor to continue."))
            .Field("endCursor", "String", f => f.Description("When paginating forwards, the cursor to continue.")));
        builder.Object(edge, o => o
            .Description("An edge in a connection.")
            .Field("cursor", "String!", f => f.Description("A cursor for use in pagination."))
            .Field("node", nodeType + "!", f => f.Description("The item at the end of the edge.")));
        builder.Object(connection, o => o
            .Description($"A connection to a list of {nodeType} items.")
            .Field("edges", $"[{edge}!]!", f => f.Description("A list of edges."))
            .Field("pageInfo", "PageInfo!", f => f.Description("Information to aid in pagination."))
            .Field("totalCount", "Int!", f => f.Description("Total number of items in the connection.")));
        return builder;
    }

    /// <summary>Adds <c>first</c>, <c>after</c>, <c>last</c>, <c>before</c> arguments to a connection field.</summary>
    public static FieldBuilder ConnectionArguments(this FieldBuilder field) => field
        .Argument("first", "Int", a => a.Describe("Returns the first n elements from the list."))
        .Argument("after", "String", a => a.Describe("Returns the elements in the list that come after the specified cursor."))
        .Argument("last", "Int", a => a.Describe("Returns the last n elements from the list."))
        .Argument("before", "String", a => a.Describe("Returns the elements in the list that come before the specified cursor."));

    /// <summary>
    /// Declares the <c>Node</c> interface and <c>Query.node(id:)</c> / <c>Query.nodes(ids:)</c>. The resolver receives the
    /// decoded type name and id and returns the object (or null).
    /// </summary>
    public static SchemaBuilder NodeInterface(this SchemaBuilder builder, Func<IResolverContext, string, string, Task<object?>> resolveNode) => builder
        .Interface("Node", i => i.Description("An object with a global ID.").Field("id", "ID!", f => f.Description("The ID of the object.")))
        .Query(q => q
            .Field("node", "Node", f => f
                .Description("Fetches an object given its ID.")
                .Argument("id", "ID!", a => a.Describe("The ID of an object."))
                .Resolve(async ctx => GlobalId.TryDecode(ctx.Argument<string>("id"), out var type, out var id) ? await resolveNode(ctx, type, id).ConfigureAwait(false) : null))
            .Field("nodes", "[Node]!", f => f
                .Description("Fetches objects given their IDs.")
                .Argument("ids", "[ID!]!", a => a.Describe("The IDs of objects."))
                .Resolve(async ctx =>
                {
                    var ids = ctx.Argument<List<string>>("ids");
                    var results = new List<object?>(ids.Count);
                    foreach (var gid in ids)
                        results.Add(GlobalId.TryDecode(gid, out var type, out var id) ? await resolveNode(ctx, type, id).ConfigureAwait(false) : null);
                    return results;
                })));

    /// <summary>Makes an object type implement <c>Node</c> with an <c>id</c> field holding the encoded global id.</summary>
    public static ObjectTypeBuilder NodeId<T>(this ObjectTypeBuilder type, Func<T, object> localId) => type
        .Implements("Node")
        .Field("id", "ID!", f => f.Description("The ID of the object.").Resolve(ctx => GlobalId.Encode(type.Name, localId(ctx.Parent<T>()))));
}
