using GraphQL;
using GraphQL.Resolvers;
using GraphQL.SystemTextJson;
using GraphQL.Types;

namespace GraphQLBench;

/// <summary>GraphQL.NET 8 on the same SDL, data and document: schema-first, default property resolvers.</summary>
internal sealed class GraphQLNetSide : IDisposable
{
    private readonly ISchema _schema;
    private readonly DocumentExecuter _executer = new();
    private readonly GraphQLSerializer _serializer = new();
    private readonly Inputs _variables = new(new Dictionary<string, object?> { ["first"] = 10 });
    private readonly MemoryStream _output = new();

    public GraphQLNetSide(IReadOnlyList<Image> images, IReadOnlyList<User> users)
    {
        _schema = Schema.For(BenchSchema.Sdl, b =>
        {
            b.Types.For("Query").FieldFor("images").Resolver = new FuncFieldResolver<object?>(ctx => images.Take(ctx.GetArgument<int>("first")));
            b.Types.For("Query").FieldFor("viewer").Resolver = new FuncFieldResolver<object?>(_ => users[0]);
        });
        _schema.Initialize();
    }

    /// <summary>Parse + validate + execute (no document cache) + JSON into a reused stream; returns the bytes written.</summary>
    public async Task<int> RunAsync()
    {
        var result = await _executer.ExecuteAsync(o =>
        {
            o.Schema = _schema;
            o.Query = BenchSchema.Query;
            o.Variables = _variables;
        }).ConfigureAwait(false);
        _output.SetLength(0);
        await _serializer.WriteAsync(_output, result).ConfigureAwait(false);
        return (int)_output.Length;
    }

    public void Dispose() => _output.Dispose();

    public string LastJson => System.Text.Encoding.UTF8.GetString(_output.GetBuffer(), 0, (int)_output.Length);
}
