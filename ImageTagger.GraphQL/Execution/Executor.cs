using System.Collections;
using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using ImageTagger.GraphQL.DataLoader;
using ImageTagger.GraphQL.Introspection;
using ImageTagger.GraphQL.Language;
using ImageTagger.GraphQL.Types;
using ImageTagger.GraphQL.Validation;

namespace ImageTagger.GraphQL.Execution;

/// <summary>Immutable linked response path.</summary>
public sealed class ResponsePath(ResponsePath? previous, object key)
{
    /// <summary>The path of the enclosing field or list, or null at the root.</summary>
    public ResponsePath? Previous { get; } = previous;
    /// <summary>A response key (string) or a list index (int).</summary>
    public object Key { get; } = key;

    // List indices boxed once: most lists are short, and every item of every list needs its index as an object.
    private static readonly object[] _indices = CreateIndices(256);

    private static object[] CreateIndices(int count)
    {
        var indices = new object[count];
        for (var i = 0; i < count; i++) indices[i] = i;
        return indices;
    }

    internal static object Index(int index) => (uint)index < (uint)_indices.Length ? _indices[index] : index;

    /// <summary>The path from the root as keys and indices, as written in an error's <c>path</c>.</summary>
    public IReadOnlyList<object> ToList()
    {
        var list = new List<object>();
        for (var p = this; p is not null; p = p.Previous) list.Add(p.Key);
        list.Reverse();
        return list;
    }
}

/// <summary>
/// Parses, validates and executes requests against one schema (spec section 6). Thread-safe; create one per schema.
/// </summary>
public sealed class GraphQLExecutor
{
    /// <summary>Source of one activity per executed operation (OpenTelemetry GraphQL semantic conventions).</summary>
    public static readonly System.Diagnostics.ActivitySource ActivitySource = new("ImageTagger.GraphQL");

    private readonly ConcurrentDictionary<string, (DocumentNode Document, IReadOnlyList<GraphQLError> Errors)> _cache = new(StringComparer.Ordinal);
    private readonly IReadOnlyList<IValidationRule> _rules;

    /// <summary>Creates an executor for <paramref name="schema"/>; one instance serves concurrent requests.</summary>
    public GraphQLExecutor(Schema schema, ExecutionOptions? options = null)
    {
        Schema = schema;
        Options = options ?? new ExecutionOptions();
        var rules = new List<IValidationRule>(SpecifiedRules.All);
        if (!Options.EnableIntrospection) rules.Add(new NoSchemaIntrospectionRule());
        if (Options.MaxDepth is { } depth) rules.Add(new MaxDepthRule(depth));
        if (Options.MaxAliases is not null || Options.MaxFields is not null) rules.Add(new MaxFieldsRule(Options.MaxAliases, Options.MaxFields));
        if (Options.MaxComplexity is { } cost) rules.Add(new ComplexityRule(cost, Options.DefaultListSize));
        rules.AddRange(Options.AdditionalRules);
        _rules = rules;
    }

    /// <summary>The schema requests run against.</summary>
    public Schema Schema { get; }
    /// <summary>Limits, middleware and switches applied to every request.</summary>
    public ExecutionOptions Options { get; }

    /// <summary>Parses and validates (with caching by query text). Returns errors instead of throwing.</summary>
    public (DocumentNode? Document, IReadOnlyList<GraphQLError> Errors, bool IsSyntaxError) Prepare(string query)
    {
        if (_cache.TryGetValue(query, out var cached)) return (cached.Document, cached.Errors, false);
        DocumentNode document;
        try
        {
            document = Parser.Parse(query, new ParserOptions { MaxTokens = Options.MaxTokens });
        }
        catch (GraphQLSyntaxException ex)
        {
            return (null, ex.Errors!, true);
        }
        var errors = DocumentValidator.Validate(Schema, document, _rules, Options.MaxValidationErrors);
        if (Options.DocumentCacheSize > 0)
        {
            // Crude but bounded: a full cache starts over (hot documents come back immediately).
            if (_cache.Count >= Options.DocumentCacheSize) _cache.Clear();
            _cache[query] = (document, errors);
        }
        return (document, errors, false);
    }

    /// <summary>Runs <paramref name="query"/> with <paramref name="variables"/> (no operation name, no services).</summary>
    public Task<ExecutionResult> ExecuteAsync(string query, IReadOnlyDictionary<string, object?>? variables = null, CancellationToken cancellationToken = default) =>
        ExecuteAsync(new ExecutionRequest { Query = query, Variables = variables }, cancellationToken);

    /// <summary>Parses (or takes from the cache), validates and executes <paramref name="request"/>; never throws for GraphQL errors, which are in the result.</summary>
    public async Task<ExecutionResult> ExecuteAsync(ExecutionRequest request, CancellationToken cancellationToken = default)
    {
        DocumentNode document;
        if (request.Document is not null)
        {
            document = request.Document;
            var errors = DocumentValidator.Validate(Schema, document, _rules, Options.MaxValidationErrors);
            if (errors.Count > 0) return ExecutionResult.FromErrors(ExecutionResultKind.ValidationError, errors);
        }
        else
        {
            if (string.IsNullOrEmpty(request.Query))
                return ExecutionResult.FromErrors(ExecutionResultKind.RequestError, [new GraphQLError("Must provide query string.")]);
            var (doc, errors, syntax) = Prepare(request.Query);
            if (doc is null || errors.Count > 0)
                return ExecutionResult.FromErrors(syntax ? ExecutionResultKind.ParseError : ExecutionResultKind.ValidationError, errors);
            document = doc;
        }

        var operation = GetOperation(document, request.OperationName, out var opError);
        if (operation is null) return ExecutionResult.FromErrors(ExecutionResultKind.RequestError, [opError!]);
        if (request.AllowedOperations is not null && !request.AllowedOperations.Contains(operation.Operation))
        {
            return new ExecutionResult
            {
                Kind = ExecutionResultKind.RequestError,
                Operation = operation,
                Errors = [new GraphQLError($"Can only perform a {string.Join(" or ", request.AllowedOperations.Select(o => o.ToString().ToLowerInvariant()))} operation from this request, not a {operation.Operation.ToString().ToLowerInvariant()}.", [operation])],
            };
        }

        var operationType = operation.Operation switch
        {
            OperationType.Query => "query",
            OperationType.Mutation => "mutation",
            _ => "subscription",
        };
        // The activity's name is only built when someone listens.
        using var activity = ActivitySource.HasListeners()
            ? ActivitySource.StartActivity(operation.Name is null ? operationType : $"{operationType} {operation.Name.Value}")
            : null;
        activity?.SetTag("graphql.operation.type", operationType);
        activity?.SetTag("graphql.operation.name", operation.Name?.Value);
        activity?.SetTag("graphql.document", request.Query);

        var varErrors = new List<GraphQLError>();
        var variables = ValueCoercion.CoerceVariableValues(Schema, operation, request.Variables, varErrors);
        if (varErrors.Count > 0) return new ExecutionResult { Kind = ExecutionResultKind.RequestError, Errors = varErrors, Operation = operation };

        var fragments = new Dictionary<string, FragmentDefinitionNode>(StringComparer.Ordinal);
        for (var i = 0; i < document.Definitions.Count; i++)
        {
            if (document.Definitions[i] is FragmentDefinitionNode f) fragments.TryAdd(f.Name.Value, f);
        }

        if (operation.Operation == OperationType.Subscription)
        {
            // A subscription lives as long as its consumer: the execution timeout does not apply to the stream.
            return await new ExecutionRun(this, request, operation, fragments, variables, cancellationToken).SubscribeAsync().ConfigureAwait(false);
        }

        using var timeoutCts = Options.Timeout is { } timeout ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken) : null;
        timeoutCts?.CancelAfter(Options.Timeout!.Value);
        var token = timeoutCts?.Token ?? cancellationToken;
        var run = new ExecutionRun(this, request, operation, fragments, variables, token);
        var result = await run.ExecuteRootAsync(request.RootValue).ConfigureAwait(false);
        if (result.Errors.Count > 0) activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, result.Errors[0].Message);
        if (token.IsCancellationRequested && !cancellationToken.IsCancellationRequested && Options.Timeout is not null)
        {
            // Timed out: report it once, keep whatever partial data was produced.
            var errors = result.Errors.ToList();
            errors.Add(new GraphQLError($"Execution timed out after {Options.Timeout.Value.TotalMilliseconds:0} ms.", (IReadOnlyList<SourceLocation>)[], null,
                new Dictionary<string, object?> { ["code"] = "TIMEOUT" }));
            return new ExecutionResult { Kind = result.Kind, HasData = result.HasData, Data = result.Data, Errors = errors, Operation = operation };
        }
        cancellationToken.ThrowIfCancellationRequested();
        return result;
    }

    internal static OperationDefinitionNode? GetOperation(DocumentNode document, string? operationName, out GraphQLError? error)
    {
        error = null;
        OperationDefinitionNode? found = null;
        for (var i = 0; i < document.Definitions.Count; i++)
        {
            if (document.Definitions[i] is not OperationDefinitionNode op) continue;
            if (operationName is null)
            {
                if (found is not null)
                {
                    error = new GraphQLError("Must provide operation name if query contains multiple operations.");
                    return null;
                }
                found = op;
            }
            else if (op.Name?.Value == operationName)
            {
                found = op;
            }
        }
        if (found is null)
            error = new GraphQLError(operationName is null ? "Must provide an operation." : $"Unknown operation named \"{operationName}\".");
        return found;
    }

    /// <summary>State for one execution of one operation.</summary>
    private sealed class ExecutionRun(
        GraphQLExecutor executor,
        ExecutionRequest request,
        OperationDefinitionNode operation,
        Dictionary<string, FragmentDefinitionNode> fragments,
        Dictionary<string, object?> variables,
        CancellationToken token)
    {
        private readonly Schema _schema = executor.Schema;
        private readonly ExecutionOptions _options = executor.Options;
        private readonly List<GraphQLError> _errors = [];
        private readonly Lock _errorsLock = new();
        private readonly IServiceProvider _services = request.Services ?? EmptyServiceProvider.Instance;
        // Made on first use: most requests touch neither.
        private IDictionary<string, object?>? _contextData = request.ContextData;
        private DataLoaderScope? _loaders;

        public IDictionary<string, object?> ContextData
        {
            get
            {
                if (_contextData is null) Interlocked.CompareExchange(ref _contextData, new ConcurrentDictionary<string, object?>(), null);
                return _contextData;
            }
        }

        public DataLoaderScope Loaders
        {
            get
            {
                if (_loaders is null) Interlocked.CompareExchange(ref _loaders, new DataLoaderScope { CancellationToken = token }, null);
                return _loaders;
            }
        }
        private object? _rootValue = request.RootValue;

        public OperationDefinitionNode Operation => operation;
        public Dictionary<string, FragmentDefinitionNode> Fragments => fragments;
        public Dictionary<string, object?> Variables => variables;
        public CancellationToken Token => token;
        private bool _isSubscriptionEvent;

        public async Task<ExecutionResult> ExecuteRootAsync(object? rootValue)
        {
            _rootValue = rootValue;
            var rootType = _schema.GetRootType(operation.Operation);
            if (rootType is null)
            {
                return ExecutionResult.FromErrors(ExecutionResultKind.RequestError,
                    [new GraphQLError($"Schema is not configured to execute {operation.Operation.ToString().ToLowerInvariant()} operation.", [operation])]);
            }
            ResultMap? data;
            try
            {
                var fields = FieldCollector.CollectFields(_schema, rootType, operation.SelectionSet, variables, fragments);
                var task = operation.Operation == OperationType.Mutation
                    ? ExecuteFieldsSeriallyAsync(rootType, rootValue, null, fields)
                    : ExecuteFieldsAsync(rootType, rootValue, null, fields);
                data = await DriveAsync(task).ConfigureAwait(false);
            }
            catch (FieldErrorException fe)
            {
                AddError(fe.Error);
                data = null;
            }
            catch (GraphQLException ge) when (ge.Errors is not null)
            {
                foreach (var e in ge.Errors) AddError(e);
                data = null;
            }
            IReadOnlyList<GraphQLError> errors;
            lock (_errorsLock) errors = _errors.Count == 0 ? [] : [.. _errors];
            return new ExecutionResult { Kind = ExecutionResultKind.Success, HasData = true, Data = data, Errors = errors, Operation = operation };
        }

        // Runs the execution, dispatching data loader batches whenever every pending resolver is waiting on one.
        private async Task<T> DriveAsync<T>(ValueTask<T> work)
        {
            if (work.IsCompleted) return await work.ConfigureAwait(false);
            var task = work.AsTask();
            var loaders = Loaders;
            while (!task.IsCompleted)
            {
                if (loaders.HasPending)
                {
                    await loaders.DispatchAsync().ConfigureAwait(false);
                    continue;
                }
                await Task.WhenAny(task, loaders.WaitForWorkAsync()).ConfigureAwait(false);
            }
            return await task.ConfigureAwait(false);
        }

        public async Task<ExecutionResult> SubscribeAsync()
        {
            var rootType = _schema.Subscription;
            if (rootType is null)
            {
                return ExecutionResult.FromErrors(ExecutionResultKind.RequestError,
                    [new GraphQLError("Schema is not configured to execute subscription operation.", [operation])]);
            }
            var fields = FieldCollector.CollectFields(_schema, rootType, operation.SelectionSet, variables, fragments);
            var (key, nodes) = fields.Groups[0];
            var fieldDef = GetFieldDef(rootType, nodes[0].Name.Value)!;
            var path = new ResponsePath(null, key);
            try
            {
                var args = ValueCoercion.GetArgumentValues(fieldDef.Arguments, nodes[0].Arguments, nodes[0], variables);
                var ctx = new ResolverContext(this, rootType, fieldDef, nodes, path, args, request.RootValue);
                if (fieldDef.Subscriber is null)
                    throw new GraphQLException($"Subscription field must return AsyncIterable. Received: {ValueHelper.Inspect(null)}.");
                var stream = await fieldDef.Subscriber(ctx).ConfigureAwait(false);
                return new ExecutionResult { Kind = ExecutionResultKind.Success, Stream = MapStream(stream), Operation = operation };
            }
            catch (Exception ex)
            {
                return ExecutionResult.FromErrors(ExecutionResultKind.RequestError, [ToLocatedError(ex, nodes, path)]);
            }
        }

        private async IAsyncEnumerable<ExecutionResult> MapStream(IAsyncEnumerable<object?> stream)
        {
            await foreach (var ev in stream.WithCancellation(token).ConfigureAwait(false))
            {
                var run = new ExecutionRun(executor, request, operation, fragments, variables, token) { _isSubscriptionEvent = true };
                var rootType = _schema.Subscription!;
                ResultMap? data;
                try
                {
                    var fields = FieldCollector.CollectFields(_schema, rootType, operation.SelectionSet, variables, fragments);
                    data = await run.DriveAsync(run.ExecuteFieldsAsync(rootType, ev, null, fields)).ConfigureAwait(false);
                }
                catch (FieldErrorException fe)
                {
                    run.AddError(fe.Error);
                    data = null;
                }
                yield return new ExecutionResult { Kind = ExecutionResultKind.Success, HasData = true, Data = data, Errors = [.. run._errors], Operation = operation };
            }
        }

        private void AddError(GraphQLError error)
        {
            lock (_errorsLock) _errors.Add(error);
        }

        private FieldDefinition? GetFieldDef(ObjectType parentType, string name)
        {
            if (name.Length > 1 && name[0] == '_' && name[1] == '_')
            {
                if (name == "__typename") return IntrospectionSchema.TypeNameField;
                if (ReferenceEquals(parentType, _schema.Query))
                {
                    if (name == "__schema") return IntrospectionSchema.SchemaField;
                    if (name == "__type") return IntrospectionSchema.TypeField;
                }
            }
            return parentType.GetField(name);
        }

        private async ValueTask<ResultMap> ExecuteFieldsSeriallyAsync(ObjectType type, object? source, ResponsePath? path, FieldGroups fields)
        {
            var map = new ResultMap(fields.Keys);
            foreach (var (key, nodes) in fields.Groups)
            {
                var value = await ExecuteFieldAsync(type, source, nodes, path, key).ConfigureAwait(false);
                map.Add(key, value);
            }
            return map;
        }

        private async ValueTask<ResultMap> ExecuteFieldsAsync(ObjectType type, object? source, ResponsePath? path, FieldGroups fields)
        {
            var map = new ResultMap(fields.Keys);
            List<(int Index, ValueTask<object?> Task)>? pending = null;
            // Start every field before awaiting any, so independent resolvers run concurrently.
            foreach (var (key, nodes) in fields.Groups)
            {
                var vt = ExecuteFieldAsync(type, source, nodes, path, key);
                if (vt.IsCompletedSuccessfully)
                {
                    map.Add(key, vt.Result);
                }
                else if (vt.IsFaulted)
                {
                    // A null propagating from a synchronously failed non-null field ends this object at once (as graphql-js does):
                    // later siblings are not started.
                    vt.GetAwaiter().GetResult();
                }
                else
                {
                    (pending ??= []).Add((map.Add(key, null), vt));
                }
            }
            if (pending is not null) await AwaitAllAsync(map, pending).ConfigureAwait(false);
            return map;
        }

        private static async ValueTask AwaitAllAsync(ResultMap map, List<(int Index, ValueTask<object?> Task)> pending)
        {
            Exception? first = null;
            foreach (var (index, task) in pending)
            {
                try
                {
                    map.Set(index, await task.ConfigureAwait(false));
                }
                catch (Exception ex)
                {
                    first ??= ex;
                }
            }
            if (first is not null) ExceptionDispatch(first);
        }

        private static void ExceptionDispatch(Exception ex) => System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex).Throw();

        private async ValueTask<object?> ExecuteFieldAsync(ObjectType parentType, object? source, List<FieldNode> nodes, ResponsePath? parentPath, string key)
        {
            var node = nodes[0];
            var fieldDef = GetFieldDef(parentType, node.Name.Value);
            if (fieldDef is null) return null;
            // The field's path object is made only when something needs it: a resolver context, sub-fields or list items,
            // or an error. A leaf field read by the default resolver (most fields) never does.
            ResponsePath? path = fieldDef.Resolver is not null || _options.FieldMiddleware.Count > 0 || !IsLeaf(fieldDef.Type)
                ? new ResponsePath(parentPath, key)
                : null;
            try
            {
                token.ThrowIfCancellationRequested();
                var args = fieldDef.Arguments.Count == 0 && node.Arguments.Count == 0
                    ? EmptyArgs
                    : ValueCoercion.GetArgumentValues(fieldDef.Arguments, node.Arguments, node, variables);
                // The context is only allocated when a resolver needs it (default resolvers read the parent directly).
                ResolverContext? ctx = null;
                object? result;
                if (_options.FieldMiddleware.Count > 0 && !fieldDef.Name.StartsWith("__", StringComparison.Ordinal))
                {
                    ctx = new ResolverContext(this, parentType, fieldDef, nodes, path!, args, source);
                    var vt = Pipeline(fieldDef, parentType)(ctx);
                    result = vt.IsCompletedSuccessfully ? vt.Result : await vt.ConfigureAwait(false);
                }
                else if (fieldDef.Resolver is { } resolver)
                {
                    ctx = new ResolverContext(this, parentType, fieldDef, nodes, path!, args, source);
                    var vt = resolver(ctx);
                    result = vt.IsCompletedSuccessfully ? vt.Result : await vt.ConfigureAwait(false);
                }
                else if (_isSubscriptionEvent && ReferenceEquals(parentType, _schema.Subscription))
                {
                    result = source;
                }
                else
                {
                    result = DefaultResolve(source, fieldDef.Name);
                }
                var completed = CompleteValueAsync(fieldDef.Type, nodes, new FieldInfo(parentType, fieldDef, ctx, args, source), path, result);
                return completed.IsCompletedSuccessfully ? completed.Result : await completed.ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                return HandleFieldError(ex, fieldDef.Type, nodes, path ?? new ResponsePath(parentPath, key));
            }
        }

        // A scalar or enum, possibly non-null, not in a list: completing it needs no path.
        private static bool IsLeaf(GraphQLType type) => (type is NonNullType nn ? nn.OfType : type) is ScalarType or EnumType;

        private static readonly Dictionary<string, object?> EmptyArgs = [];

        // The resolver wrapped by the configured middleware (outermost first).
        private FieldResolver Pipeline(FieldDefinition fieldDef, ObjectType parentType)
        {
            FieldResolver next = fieldDef.Resolver
                ?? (_isSubscriptionEvent && ReferenceEquals(parentType, _schema.Subscription)
                    ? c => new ValueTask<object?>(c.Source)
                    : c => new ValueTask<object?>(DefaultResolve(c.Source, c.Field.Name)));
            for (var i = _options.FieldMiddleware.Count - 1; i >= 0; i--)
            {
                var middleware = _options.FieldMiddleware[i];
                var inner = next;
                next = c => middleware(c, inner);
            }
            return next;
        }

        private static object? DefaultResolve(object? source, string name)
        {
            if (source is null) return null;
            return ValueHelper.TryGetMember(source, name, out var value) ? value : null;
        }

        private object? HandleFieldError(Exception ex, GraphQLType returnType, List<FieldNode> nodes, ResponsePath path)
        {
            var error = ex is FieldErrorException fe ? fe.Error : ToLocatedError(ex, nodes, path);
            if (returnType is NonNullType) throw ex as FieldErrorException ?? new FieldErrorException(error);
            AddError(error);
            return null;
        }

        private GraphQLError ToLocatedError(Exception ex, List<FieldNode> nodes, ResponsePath path)
        {
            var pathList = path.ToList();
            switch (ex)
            {
                case GraphQLException { Errors: { Count: > 0 } errs }:
                    var e = errs[0];
                    return e.Locations.Count > 0
                        ? new GraphQLError(e.Message, e.Locations, pathList, e.Extensions, ex)
                        : new GraphQLError(e.Message, nodes, pathList, e.Extensions, ex);
                case GraphQLException ge:
                    return new GraphQLError(ge.Message, nodes, pathList, ge.Extensions, ex);
                case OperationCanceledException when token.IsCancellationRequested:
                    return new GraphQLError("Execution was canceled.", nodes, pathList, new Dictionary<string, object?> { ["code"] = "CANCELED" }, ex);
                default:
                    var message = _options.ExposeExceptionMessages || _options.IncludeExceptionDetails ? ex.Message : "Unexpected Execution Error";
                    return new GraphQLError(message, nodes, pathList, null, _options.IncludeExceptionDetails ? ex : null);
            }
        }

        /// <summary>What value completion needs to know about the field; the resolver context is created lazily.</summary>
        private readonly record struct FieldInfo(ObjectType ParentType, FieldDefinition Field, ResolverContext? Context,
            IReadOnlyDictionary<string, object?> Arguments, object? Source);

        // path is null only for leaf values (see IsLeaf), which never use it.
        private async ValueTask<object?> CompleteValueAsync(GraphQLType returnType, List<FieldNode> nodes, FieldInfo ctx, ResponsePath? path, object? result)
        {
            if (result is Task task)
            {
                // A resolver returned a task object instead of awaiting it: await it here.
                await task.ConfigureAwait(false);
                result = TaskResult(task);
            }
            if (result is Exception thrown) throw thrown;
            if (returnType is NonNullType nn)
            {
                var completed = await CompleteValueAsync(nn.OfType, nodes, ctx, path, result).ConfigureAwait(false);
                if (completed is null)
                    throw new GraphQLException($"Cannot return null for non-nullable field {ctx.ParentType.Name}.{ctx.Field.Name}.");
                return completed;
            }
            if (result is null || ReferenceEquals(result, ValueHelper.Undefined)) return null;
            switch (returnType)
            {
                case ListType lt:
                    return await CompleteListAsync(lt, nodes, ctx, path!, result).ConfigureAwait(false);
                case ScalarType st:
                    {
                        var serialized = st.Serialize(result);
                        return serialized ?? throw new GraphQLException($"Expected `{st.Name}.serialize({ValueHelper.Inspect(result)})` to return non-nullable value, returned: null");
                    }
                case EnumType et:
                    return et.FindByInternalValue(result)?.Name ?? throw new GraphQLException($"Enum \"{et.Name}\" cannot represent value: {ValueHelper.Inspect(result)}");
                case ObjectType ot:
                    if (ot.IsTypeOf is not null && !ot.IsTypeOf(result))
                        throw new GraphQLException($"Expected value of type \"{ot.Name}\" but got: {ValueHelper.Inspect(result)}.");
                    return await CompleteObjectAsync(ot, nodes, path!, result).ConfigureAwait(false);
                case InterfaceType or UnionType:
                    {
                        var context = ctx.Context ?? new ResolverContext(this, ctx.ParentType, ctx.Field, nodes, path!, ctx.Arguments, ctx.Source);
                        var runtimeType = ResolveRuntimeType((NamedType)returnType, result, context);
                        return await CompleteObjectAsync(runtimeType, nodes, path!, result).ConfigureAwait(false);
                    }
                default:
                    throw new GraphQLException($"Cannot complete value of unexpected output type: \"{returnType}\".");
            }
        }

        // Result of a completed Task<T> (null for a plain Task, whose runtime type may be Task<VoidTaskResult>).
        private static object? TaskResult(Task task)
        {
            for (var t = task.GetType(); t is not null && t != typeof(Task); t = t.BaseType)
            {
                if (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(Task<>))
                    return t.GetGenericArguments()[0].Name == "VoidTaskResult" ? null : t.GetProperty(nameof(Task<int>.Result))!.GetValue(task);
            }
            return null;
        }

        private ValueTask<ResultMap> CompleteObjectAsync(ObjectType type, List<FieldNode> nodes, ResponsePath path, object result)
        {
            // Sub-field collection depends only on (type, field nodes) within one request: list items share it.
            FieldGroups? subFields;
            lock (_subfieldCache)
            {
                _subfieldCache.TryGetValue((type, nodes), out subFields);
            }
            if (subFields is null)
            {
                subFields = FieldCollector.CollectSubfields(_schema, type, nodes, variables, fragments);
                lock (_subfieldCache) _subfieldCache[(type, nodes)] = subFields;
            }
            return ExecuteFieldsAsync(type, result, path, subFields);
        }

        private readonly Dictionary<(ObjectType, List<FieldNode>), FieldGroups> _subfieldCache = [];

        private async ValueTask<object?> CompleteListAsync(ListType type, List<FieldNode> nodes, FieldInfo ctx, ResponsePath path, object result)
        {
            if (result is string || result is not IEnumerable items)
                throw new GraphQLException($"Expected Iterable, but did not find one for field \"{ctx.ParentType.Name}.{ctx.Field.Name}\".");
            var itemType = type.OfType;
            var leafItems = IsLeaf(itemType);
            var completed = new List<object?>(result is ICollection c ? c.Count : 4);
            List<(int Index, ValueTask<object?> Task, ResponsePath Path)>? pending = null;
            var index = 0;
            // Indexed when possible: the non-generic enumerator of an array is an allocation per list.
            var list = result as IList;
            var enumerator = list is null ? items.GetEnumerator() : null;
            try
            {
                while (list is not null ? index < list.Count : enumerator!.MoveNext())
                {
                    var item = list is not null ? list[index] : enumerator!.Current;
                    // Leaf items need their path only for an error.
                    var itemPath = leafItems ? null : new ResponsePath(path, ResponsePath.Index(index));
                    var vt = CompleteValueAsync(itemType, nodes, ctx, itemPath, item);
                    if (vt.IsFaulted)
                    {
                        object? value;
                        try
                        {
                            value = vt.GetAwaiter().GetResult();
                        }
                        catch (Exception ex)
                        {
                            // Nullable item: record and continue; non-null item: propagates now, later items are not completed.
                            value = HandleFieldError(ex, itemType, nodes, itemPath ?? new ResponsePath(path, ResponsePath.Index(index)));
                        }
                        completed.Add(value);
                    }
                    else if (vt.IsCompletedSuccessfully)
                    {
                        completed.Add(vt.Result);
                    }
                    else
                    {
                        completed.Add(null);
                        (pending ??= []).Add((index, vt, itemPath ?? new ResponsePath(path, ResponsePath.Index(index))));
                    }
                    index++;
                }
            }
            finally
            {
                (enumerator as IDisposable)?.Dispose();
            }
            if (pending is not null)
            {
                Exception? first = null;
                foreach (var (i, vt, itemPath) in pending)
                {
                    try
                    {
                        completed[i] = await vt.ConfigureAwait(false);
                    }
                    catch (Exception ex)
                    {
                        try
                        {
                            completed[i] = HandleFieldError(ex, itemType, nodes, itemPath);
                        }
                        catch (Exception propagated)
                        {
                            first ??= propagated;
                        }
                    }
                }
                if (first is not null) ExceptionDispatch(first);
            }
            return completed;
        }

        private ObjectType ResolveRuntimeType(NamedType abstractType, object value, ResolverContext ctx)
        {
            var resolver = abstractType switch
            {
                InterfaceType i => i.ResolveType,
                UnionType u => u.ResolveType,
                _ => null,
            };
            ObjectType? runtime = null;
            if (resolver is not null)
            {
                var name = resolver(value, ctx);
                if (name is null || _schema.GetType(name) is not ObjectType o)
                    throw new GraphQLException(name is null
                        ? $"Abstract type \"{abstractType.Name}\" must resolve to an Object type at runtime for field \"{ctx.ParentType.Name}.{ctx.Field.Name}\". Either the \"{abstractType.Name}\" type should provide a \"resolveType\" function or each possible type should provide an \"isTypeOf\" function."
                        : $"Abstract type \"{abstractType.Name}\" was resolved to a type \"{name}\" that does not exist inside the schema.");
                runtime = o;
            }
            else
            {
                var possible = _schema.GetPossibleTypes(abstractType);
                foreach (var t in possible)
                {
                    if (t.IsTypeOf is not null && t.IsTypeOf(value))
                    {
                        runtime = t;
                        break;
                    }
                }
                runtime ??= _schema.GetObjectTypeForClr(value.GetType());
                if (runtime is null && value is IDictionary<string, object?> dict && dict.TryGetValue("__typename", out var tn) && tn is string typeName)
                    runtime = _schema.GetType(typeName) as ObjectType;
                if (runtime is null)
                    throw new GraphQLException($"Abstract type \"{abstractType.Name}\" must resolve to an Object type at runtime for field \"{ctx.ParentType.Name}.{ctx.Field.Name}\". Either the \"{abstractType.Name}\" type should provide a \"resolveType\" function or each possible type should provide an \"isTypeOf\" function.");
            }
            if (!_schema.IsSubType(abstractType, runtime))
                throw new GraphQLException($"Runtime Object type \"{runtime.Name}\" is not a possible type for \"{abstractType.Name}\".");
            return runtime;
        }

        private sealed class ResolverContext(
            ExecutionRun run,
            ObjectType parentType,
            FieldDefinition fieldDef,
            List<FieldNode> nodes,
            ResponsePath path,
            IReadOnlyDictionary<string, object?> arguments,
            object? source) : IResolverContext
        {
            private IReadOnlyList<object>? _path;

            public object? Source => source;
            public Schema Schema => run._schema;
            public ObjectType ParentType => parentType;
            public FieldDefinition Field => fieldDef;
            public IReadOnlyList<FieldNode> FieldNodes => nodes;
            public IReadOnlyList<object> Path => _path ??= path.ToList();
            public IReadOnlyDictionary<string, object?> Arguments => arguments;
            public OperationDefinitionNode Operation => run.Operation;
            public IReadOnlyDictionary<string, FragmentDefinitionNode> Fragments => run.Fragments;
            public IReadOnlyDictionary<string, object?> Variables => run.Variables;
            public object? RootValue => run._rootValue;
            public IServiceProvider RequestServices => run._services;
            public CancellationToken CancellationToken => run.Token;
            public IDictionary<string, object?> ContextData => run.ContextData;
            public DataLoaderScope DataLoaders => run.Loaders;

            public void ReportError(GraphQLError error) =>
                run.AddError(error.Path is null ? new GraphQLError(error.Message, nodes, Path, error.Extensions, error.OriginalException) : error);
        }
    }

    /// <summary>Carries an already located error up to the nearest nullable field.</summary>
    private sealed class FieldErrorException(GraphQLError error) : Exception(error.Message)
    {
        public GraphQLError Error { get; } = error;
    }

    private sealed class EmptyServiceProvider : IServiceProvider
    {
        public static readonly EmptyServiceProvider Instance = new();
        public object? GetService(Type serviceType) => null;
    }
}
