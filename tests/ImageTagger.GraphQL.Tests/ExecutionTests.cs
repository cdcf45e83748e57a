using System.Runtime.CompilerServices;
using System.Text.Json;
using ImageTagger.GraphQL.Execution;
using ImageTagger.GraphQL.Types;
using Microsoft.Extensions.DependencyInjection;

namespace ImageTagger.GraphQL.Tests;

public class ExecutionTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private sealed record Pet(string Name);
    private sealed record Dog(string Name, int BarkVolume);
    private sealed record Cat(string Name, bool Meows);

    private static Schema PetSchema() => new SchemaBuilder()
        .Interface("Pet", i => i.Field("name", "String!"))
        .Object<Dog>("Dog", o => o.Implements("Pet").Field("name", "String!").Field("barkVolume", "Int"))
        .Object<Cat>("Cat", o => o.Implements("Pet").Field("name", "String!").Field("meows", "Boolean"))
        .Union("Animal", "Dog", "Cat")
        .Query(q => q
            .Field("pets", "[Pet!]!", _ => new object[] { new Dog("Rex", 9), new Cat("Tom", true) })
            .Field("animals", "[Animal]", _ => new object[] { new Cat("Kit", false), new Dog("Fido", 2) })
            .Field("unknownPet", "Pet", _ => new Pet("?")))
        .Build();

    [Fact]
    public async Task ResolvesInterfacesAndUnionsByClrType()
    {
        var result = await new GraphQLExecutor(PetSchema()).ExecuteAsync(
            "{ pets { __typename name ... on Dog { barkVolume } } animals { ... on Cat { meows } ... on Dog { name } } }", cancellationToken: Ct);
        Assert.Equal("""{"data":{"pets":[{"__typename":"Dog","name":"Rex","barkVolume":9},{"__typename":"Cat","name":"Tom"}],"animals":[{"meows":false},{"name":"Fido"}]}}""", result.ToJson());
    }

    [Fact]
    public async Task UnresolvableAbstractTypeIsAFieldError()
    {
        var result = await new GraphQLExecutor(PetSchema()).ExecuteAsync("{ unknownPet { name } }", cancellationToken: Ct);
        Assert.Equal(JsonValueKind.Null, result.ToJsonElement().GetProperty("data").GetProperty("unknownPet").ValueKind);
        Assert.StartsWith("Abstract type \"Pet\" must resolve to an Object type at runtime", Assert.Single(result.Errors).Message, StringComparison.Ordinal);
    }

    private static Schema NullSchema() => new SchemaBuilder()
        .Object("Item", o => o.Field("ok", "Int", _ => 1).Field("bad", "Int!", _ => null).Field("boom", "String", _ => throw new GraphQLException("nope", new Dictionary<string, object?> { ["code"] = "NOPE" })))
        .Query(q => q
            .Field("items", "[Item!]", _ => new[] { 1, 2 })
            .Field("nullableItems", "[Item]", _ => new[] { 1 })
            .Field("item", "Item!", _ => 1)
            .Field("secret", "String", _ => throw new InvalidOperationException("database password is hunter2")))
        .Build();

    [Fact]
    public async Task RepeatedResponseKeysMergeInLargeSelections()
    {
        // Field collection searches the first keys in order and indexes them from the eighth on: repeats on both sides of
        // that point must merge into the first occurrence, as if written once.
        var executor = new GraphQLExecutor(PetSchema());
        var repeated = await executor.ExecuteAsync(
            "{ __type(name: \"Dog\") { name kind description fields { name } interfaces { name } possibleTypes { name } enumValues { name } inputFields { name } ofType { name } name kind fields { type { name } } } }",
            cancellationToken: Ct);
        var once = await executor.ExecuteAsync(
            "{ __type(name: \"Dog\") { name kind description fields { name type { name } } interfaces { name } possibleTypes { name } enumValues { name } inputFields { name } ofType { name } } }",
            cancellationToken: Ct);
        Assert.Empty(once.Errors);
        Assert.Contains("\"barkVolume\"", once.ToJson(), StringComparison.Ordinal);
        Assert.Equal(once.ToJson(), repeated.ToJson());
    }

    private sealed record Reading(object Value, object[] Values);

    [Fact]
    public async Task ErrorsOfLeavesReadByTheDefaultResolverCarryTheirFullPath()
    {
        // Leaf fields without a resolver get their path object only when they fail: the path must still be complete.
        var schema = new SchemaBuilder()
            .Object<Reading>("Reading", o => o.Field("value", "Int").Field("values", "[Int!]"))
            .Query(q => q.Field("readings", "[Reading]", _ => new[] { new Reading(1, [1, 2]), new Reading("x", [3, "y"]) }))
            .Build();
        var result = await new GraphQLExecutor(schema).ExecuteAsync("{ readings { value values } }", cancellationToken: Ct);
        Assert.Equal("""{"errors":[{"message":"Int cannot represent non-integer value: \"x\"","locations":[{"line":1,"column":14}],"path":["readings",1,"value"]},{"message":"Int cannot represent non-integer value: \"y\"","locations":[{"line":1,"column":20}],"path":["readings",1,"values",1]}],"data":{"readings":[{"value":1,"values":[1,2]},{"value":null,"values":null}]}}""", result.ToJson());
    }

    [Fact]
    public async Task NullPropagatesToTheNearestNullableParent()
    {
        // Like graphql-js: once a non-null list item fails, the list is null and later items are not reported.
        var executor = new GraphQLExecutor(NullSchema());
        var list = await executor.ExecuteAsync("{ items { ok bad } nullableItems { bad } }", cancellationToken: Ct);
        Assert.Equal("""{"errors":[{"message":"Cannot return null for non-nullable field Item.bad.","locations":[{"line":1,"column":14}],"path":["items",0,"bad"]},{"message":"Cannot return null for non-nullable field Item.bad.","locations":[{"line":1,"column":36}],"path":["nullableItems",0,"bad"]}],"data":{"items":null,"nullableItems":[null]}}""", list.ToJson());
        var root = await executor.ExecuteAsync("{ item { bad } }", cancellationToken: Ct);
        Assert.Equal("""{"errors":[{"message":"Cannot return null for non-nullable field Item.bad.","locations":[{"line":1,"column":10}],"path":["item","bad"]}],"data":null}""", root.ToJson());
    }

    [Fact]
    public async Task ErrorsCarryExtensionsAndHideUnexpectedExceptionMessages()
    {
        var executor = new GraphQLExecutor(NullSchema());
        var result = await executor.ExecuteAsync("{ item { boom } secret }", cancellationToken: Ct);
        var json = result.ToJson();
        Assert.Contains("\"extensions\":{\"code\":\"NOPE\"}", json, StringComparison.Ordinal);
        Assert.Contains("Unexpected Execution Error", json, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", json, StringComparison.Ordinal);
        var dev = new GraphQLExecutor(NullSchema(), new ExecutionOptions { IncludeExceptionDetails = true });
        var devJson = (await dev.ExecuteAsync("{ secret }", cancellationToken: Ct)).ToJson(includeExceptionDetails: true);
        Assert.Contains("hunter2", devJson, StringComparison.Ordinal);
        Assert.Contains("\"exception\":", devJson, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MutationsRunSeriallyQueriesConcurrently()
    {
        var log = new List<string>();
        var running = 0;
        var maxRunning = 0;
        async Task<int> Work(string name, int delay)
        {
            lock (log) maxRunning = Math.Max(maxRunning, ++running);
            await Task.Delay(delay, Ct);
            lock (log)
            {
                running--;
                log.Add(name);
            }
            return delay;
        }
        var schema = new SchemaBuilder()
            .Query(q => q.Field("slow", "Int", f => f.Argument("ms", "Int!").Resolve(ctx => Work("q" + ctx.Argument<int>("ms"), ctx.Argument<int>("ms")))))
            .Mutation(m => m.Field("step", "Int", f => f.Argument("ms", "Int!").Resolve(ctx => Work("m" + ctx.Argument<int>("ms"), ctx.Argument<int>("ms")))))
            .Build();
        var executor = new GraphQLExecutor(schema);
        var m = await executor.ExecuteAsync("mutation { a: step(ms: 60) b: step(ms: 1) c: step(ms: 20) }", cancellationToken: Ct);
        Assert.Equal("""{"data":{"a":60,"b":1,"c":20}}""", m.ToJson());
        Assert.Equal(["m60", "m1", "m20"], log);
        Assert.Equal(1, maxRunning);
        log.Clear();
        var q = await executor.ExecuteAsync("{ a: slow(ms: 60) b: slow(ms: 1) }", cancellationToken: Ct);
        Assert.Equal("""{"data":{"a":60,"b":1}}""", q.ToJson());
        Assert.Equal(["q1", "q60"], log);
        Assert.Equal(2, maxRunning);
    }

    [Fact]
    public async Task TimeoutCancelsResolversAndReportsPartialData()
    {
        var schema = new SchemaBuilder()
            .Query(q => q
                .Field("fast", "Int", _ => 1)
                .Field("hang", "Int", f => f.Resolve(async ctx =>
                {
                    await Task.Delay(Timeout.Infinite, ctx.CancellationToken);
                    return 1;
                })))
            .Build();
        var executor = new GraphQLExecutor(schema, new ExecutionOptions { Timeout = TimeSpan.FromMilliseconds(100) });
        var result = await executor.ExecuteAsync("{ fast hang }", cancellationToken: Ct);
        var json = result.ToJsonElement();
        Assert.Equal(1, json.GetProperty("data").GetProperty("fast").GetInt32());
        Assert.Equal(JsonValueKind.Null, json.GetProperty("data").GetProperty("hang").ValueKind);
        Assert.Contains(result.Errors, e => e.Message.StartsWith("Execution timed out", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CallerCancellationIsObserved()
    {
        var schema = new SchemaBuilder().Query(q => q.Field("hang", "Int", f => f.Resolve(async ctx =>
        {
            await Task.Delay(Timeout.Infinite, ctx.CancellationToken);
            return 1;
        }))).Build();
        using var cts = new CancellationTokenSource(50);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new GraphQLExecutor(schema).ExecuteAsync("{ hang }", cancellationToken: cts.Token));
    }

    private sealed class Greeter
    {
        public string Greet(string name) => "Hello " + name;
    }

    [Fact]
    public async Task ResolversGetServicesContextDataAndVariables()
    {
        var services = new ServiceCollection().AddSingleton<Greeter>().BuildServiceProvider();
        var schema = new SchemaBuilder()
            .Query(q => q.Field("greet", "String!", f => f.Argument("name", "String!")
                .Resolve(ctx => ctx.GetRequiredService<Greeter>().Greet(ctx.Argument<string>("name")) + " from " + ctx.ContextData["tenant"])))
            .Build();
        var result = await new GraphQLExecutor(schema).ExecuteAsync(new ExecutionRequest
        {
            Query = "query ($n: String!) { greet(name: $n) }",
            Variables = new Dictionary<string, object?> { ["n"] = "Ada" },
            Services = services,
            ContextData = new Dictionary<string, object?> { ["tenant"] = "acme" },
        }, Ct);
        Assert.Equal("""{"data":{"greet":"Hello Ada from acme"}}""", result.ToJson());
    }

    public sealed record NewImage(string Title, IReadOnlyList<string> Tags, int Rating = 3);

    [Fact]
    public async Task InputObjectsBindToClrRecords()
    {
        var schema = new SchemaBuilder()
            .InputObject<NewImage>("NewImage", i => i.Field("title", "String!").Field("tags", "[String!]!").Field("rating", "Int", 3))
            .Mutation(m => m.Field("add", "String!", f => f.Argument("input", "NewImage!").Resolve(ctx =>
            {
                var input = ctx.Argument<NewImage>("input");
                return $"{input.Title}:{string.Join('+', input.Tags)}:{input.Rating}";
            })))
            .Query(q => q.Field("ok", "Boolean", _ => true))
            .Build();
        var result = await new GraphQLExecutor(schema).ExecuteAsync("mutation { add(input: { title: \"cat\", tags: \"pet\" }) }", cancellationToken: Ct);
        Assert.Equal("""{"data":{"add":"cat:pet:3"}}""", result.ToJson());
    }

    [Fact]
    public async Task SkipAndIncludeWithVariables()
    {
        var schema = new SchemaBuilder().Query(q => q.Field("a", "Int", _ => 1).Field("b", "Int", _ => 2)).Build();
        var result = await new GraphQLExecutor(schema).ExecuteAsync("query ($yes: Boolean!) { a @include(if: $yes) b @skip(if: $yes) }",
            new Dictionary<string, object?> { ["yes"] = false }, Ct);
        Assert.Equal("""{"data":{"b":2}}""", result.ToJson());
    }

    [Fact]
    public async Task ResolverCanReportErrorsAndStillReturnData()
    {
        var schema = new SchemaBuilder().Query(q => q.Field("partial", "[Int]", ctx =>
        {
            ctx.ReportError(new GraphQLError("one item was skipped"));
            return new[] { 1, 2 };
        })).Build();
        var result = await new GraphQLExecutor(schema).ExecuteAsync("{ partial }", cancellationToken: Ct);
        Assert.Equal("""{"errors":[{"message":"one item was skipped","locations":[{"line":1,"column":3}],"path":["partial"]}],"data":{"partial":[1,2]}}""", result.ToJson());
    }

    [Fact]
    public async Task RequestErrorsForOperationSelectionAndVariables()
    {
        var executor = new GraphQLExecutor(new SchemaBuilder().Query(q => q.Field("a", "Int", f => f.Argument("x", "Int!").Resolve(ctx => ctx.Argument<int>("x")))).Build());
        var multi = await executor.ExecuteAsync("query A { a(x: 1) } query B { a(x: 2) }", cancellationToken: Ct);
        Assert.Equal("Must provide operation name if query contains multiple operations.", Assert.Single(multi.Errors).Message);
        Assert.False(multi.HasData);
        var missing = await executor.ExecuteAsync("query ($x: Int!) { a(x: $x) }", cancellationToken: Ct);
        Assert.Equal("Variable \"$x\" of required type \"Int!\" was not provided.", Assert.Single(missing.Errors).Message);
        Assert.Equal(ExecutionResultKind.RequestError, missing.Kind);
        var syntax = await executor.ExecuteAsync("{ a(x: 1) ", cancellationToken: Ct);
        Assert.Equal(ExecutionResultKind.ParseError, syntax.Kind);
    }

    [Fact]
    public async Task LimitsRejectDeepWideAndExpensiveOperations()
    {
        var schema = new SchemaBuilder()
            .Object("Node", o => o.Field("child", "Node", _ => new object()).Field("children", "[Node!]!", f => f.Argument("first", "Int").Cost(2).Resolve(_ => Array.Empty<object>())).Field("v", "Int", _ => 1))
            .Query(q => q.Field("root", "Node", _ => new object()))
            .Build();
        var executor = new GraphQLExecutor(schema, new ExecutionOptions { MaxDepth = 4, MaxAliases = 2, MaxComplexity = 100 });
        var deep = await executor.ExecuteAsync("{ root { child { child { child { v } } } } }", cancellationToken: Ct);
        Assert.Equal("Query depth exceeds the maximum allowed depth of 4.", Assert.Single(deep.Errors).Message);
        var aliases = await executor.ExecuteAsync("{ a: root { v } b: root { v } c: root { v } }", cancellationToken: Ct);
        Assert.Equal("Operation has 3 aliases, more than the maximum of 2.", Assert.Single(aliases.Errors).Message);
        var costly = await executor.ExecuteAsync("{ root { children(first: 50) { children(first: 50) { v } } } }", cancellationToken: Ct);
        Assert.StartsWith("Operation complexity", Assert.Single(costly.Errors).Message, StringComparison.Ordinal);
        var cheap = await executor.ExecuteAsync("{ root { children(first: 5) { v } } }", cancellationToken: Ct);
        Assert.Empty(cheap.Errors);
        var introspection = await executor.ExecuteAsync(Introspection.IntrospectionSchema.IntrospectionQuery, cancellationToken: Ct);
        Assert.Empty(introspection.Errors);
    }

    [Fact]
    public async Task IntrospectionCanBeDisabled()
    {
        var executor = new GraphQLExecutor(new SchemaBuilder().Query(q => q.Field("a", "Int", _ => 1)).Build(), new ExecutionOptions { EnableIntrospection = false });
        var result = await executor.ExecuteAsync("{ __schema { types { name } } }", cancellationToken: Ct);
        Assert.StartsWith("GraphQL introspection has been disabled", Assert.Single(result.Errors).Message, StringComparison.Ordinal);
        Assert.Empty((await executor.ExecuteAsync("{ __typename a }", cancellationToken: Ct)).Errors);
    }

    private static async IAsyncEnumerable<int> Ticks(int count, [EnumeratorCancellation] CancellationToken ct = default)
    {
        for (var i = 1; i <= count; i++)
        {
            await Task.Delay(5, ct);
            yield return i;
        }
    }

    [Fact]
    public async Task SubscriptionsMapEachEventThroughTheSelection()
    {
        var schema = new SchemaBuilder()
            .Object("Tick", o => o.Field("n", "Int!", ctx => (int)ctx.Source!).Field("square", "Int!", ctx => (int)ctx.Source! * (int)ctx.Source!))
            .Query(q => q.Field("a", "Int", _ => 1))
            .Subscription(s => s.Field("ticks", "Tick!", f => f.Argument("count", "Int!").Subscribe(ctx => Ticks(ctx.Argument<int>("count"), ctx.CancellationToken))))
            .Build();
        var result = await new GraphQLExecutor(schema).ExecuteAsync("subscription { ticks(count: 3) { n square } }", cancellationToken: Ct);
        Assert.NotNull(result.Stream);
        var events = new List<string>();
        await foreach (var e in result.Stream!.WithCancellation(Ct)) events.Add(e.ToJson());
        Assert.Equal(["""{"data":{"ticks":{"n":1,"square":1}}}""", """{"data":{"ticks":{"n":2,"square":4}}}""", """{"data":{"ticks":{"n":3,"square":9}}}"""], events);
    }
}

public class ParameterBindingTests
{
    public sealed class Catalog
    {
        public Task<string[]> SearchAsync(string text, int first, CancellationToken ct) =>
            Task.FromResult(new[] { "cat", "catalog", "category", "dog" }.Where(x => x.Contains(text, StringComparison.Ordinal)).Take(first).ToArray());
    }

    public sealed record Owner(string Name);

    [Fact]
    public async Task DelegateParametersAreBoundFromArgumentsServicesAndParent()
    {
        var services = new ServiceCollection().AddSingleton<Catalog>().BuildServiceProvider();
        var schema = new SchemaBuilder()
            .Object<Owner>("Owner", o => o.Field("greeting", "String!", f => f.Argument("punctuation", "String", "!")
                .ResolveWith(([Parent] Owner owner, string punctuation) => "Hi " + owner.Name + punctuation)))
            .Query(q => q
                .Field("search", "[String!]!", f => f.Argument("text", "String!").Argument("first", "Int", 2)
                    .ResolveWith((Catalog catalog, string text, int first, CancellationToken ct) => catalog.SearchAsync(text, first, ct)))
                .Field("owner", "Owner", _ => new Owner("Ann"))
                .Field("optional", "Boolean!", f => f.ResolveWith((Owner? notRegistered) => notRegistered is null)))
            .Build();
        var result = await new GraphQLExecutor(schema).ExecuteAsync(new ExecutionRequest
        {
            Query = "{ search(text: \"cat\") owner { greeting } optional }",
            Services = services,
        }, TestContext.Current.CancellationToken);
        Assert.Equal("""{"data":{"search":["cat","catalog"],"owner":{"greeting":"Hi Ann!"},"optional":true}}""", result.ToJson());
    }
}

public class FieldMiddlewareTests
{
    [Fact]
    public async Task MiddlewareCanAuthorizeAndObserveEveryField()
    {
        var schema = new SchemaBuilder()
            .Object("Account", o => o.Field("name", "String").Field("balance", "Int", f => f.Metadata("role", "admin")))
            .Query(q => q.Field("account", "Account", _ => new Dictionary<string, object?> { ["name"] = "Ann", ["balance"] = 10 }))
            .Build();
        var seen = new List<string>();
        var options = new ExecutionOptions();
        options.FieldMiddleware.Add(async (ctx, next) =>
        {
            lock (seen) seen.Add(ctx.ParentType.Name + "." + ctx.Field.Name);
            return await next(ctx);
        });
        options.FieldMiddleware.Add((ctx, next) =>
            ctx.Field.Metadata.TryGetValue("role", out var role) && !(ctx.ContextData.TryGetValue("role", out var have) && Equals(have, role))
                ? throw new GraphQLException("Not authorized.", new Dictionary<string, object?> { ["code"] = "FORBIDDEN" })
                : next(ctx));
        var executor = new GraphQLExecutor(schema, options);
        var user = await executor.ExecuteAsync(new ExecutionRequest { Query = "{ account { name balance } __typename }", ContextData = new Dictionary<string, object?>() }, TestContext.Current.CancellationToken);
        Assert.Equal("""{"errors":[{"message":"Not authorized.","locations":[{"line":1,"column":18}],"path":["account","balance"],"extensions":{"code":"FORBIDDEN"}}],"data":{"account":{"name":"Ann","balance":null},"__typename":"Query"}}""", user.ToJson());
        Assert.Equal(["Query.account", "Account.name", "Account.balance"], seen);
        var admin = await executor.ExecuteAsync(new ExecutionRequest { Query = "{ account { balance } }", ContextData = new Dictionary<string, object?> { ["role"] = "admin" } }, TestContext.Current.CancellationToken);
        Assert.Equal("""{"data":{"account":{"balance":10}}}""", admin.ToJson());
    }
}

public class TracingTests
{
    [Fact]
    public async Task EachOperationIsAnActivityWithGraphQLAttributes()
    {
        var activities = new List<System.Diagnostics.Activity>();
        using var listener = new System.Diagnostics.ActivityListener
        {
            ShouldListenTo = s => s.Name == "ImageTagger.GraphQL",
            Sample = (ref System.Diagnostics.ActivityCreationOptions<System.Diagnostics.ActivityContext> _) => System.Diagnostics.ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => { lock (activities) activities.Add(a); },
        };
        System.Diagnostics.ActivitySource.AddActivityListener(listener);
        var executor = new GraphQLExecutor(new SchemaBuilder().Query(q => q.Field("a", "Int", _ => 1).Field("bad", "Int", _ => throw new GraphQLException("nope"))).Build());
        // Other tests run in parallel and also create activities: pick ours by their unique documents.
        await executor.ExecuteAsync("query TracingProbe { a }", cancellationToken: TestContext.Current.CancellationToken);
        await executor.ExecuteAsync("{ bad tracingProbe: a }", cancellationToken: TestContext.Current.CancellationToken);
        lock (activities)
        {
            var named = Assert.Single(activities, a => (string?)a.GetTagItem("graphql.document") == "query TracingProbe { a }");
            Assert.Equal("query TracingProbe", named.DisplayName);
            Assert.Equal("query", named.GetTagItem("graphql.operation.type"));
            Assert.Equal("TracingProbe", named.GetTagItem("graphql.operation.name"));
            var failed = Assert.Single(activities, a => (string?)a.GetTagItem("graphql.document") == "{ bad tracingProbe: a }");
            Assert.Equal("query", failed.DisplayName);
            Assert.Equal(System.Diagnostics.ActivityStatusCode.Error, failed.Status);
        }
    }
}
