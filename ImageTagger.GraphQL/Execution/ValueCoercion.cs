using System.Collections;
using ImageTagger.GraphQL.Language;
using ImageTagger.GraphQL.Types;

namespace ImageTagger.GraphQL.Execution;

/// <summary>Input coercion (spec 3.x "Input Coercion", 6.1.2 CoerceVariableValues, 6.4.1 CoerceArgumentValues).</summary>
internal static class ValueCoercion
{
    private static readonly object Undefined = ValueHelper.Undefined;

    /// <summary>Coerces the raw request variables; errors are collected (execution does not start if any).</summary>
    public static Dictionary<string, object?> CoerceVariableValues(Schema schema, OperationDefinitionNode operation,
        IReadOnlyDictionary<string, object?>? inputs, List<GraphQLError> errors, int maxErrors = 50)
    {
        var coerced = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var def in operation.VariableDefinitions)
        {
            if (errors.Count >= maxErrors) break;
            var name = def.Variable.Name.Value;
            var type = schema.ResolveTypeNode(def.Type);
            if (type is null || !type.IsInputType)
            {
                errors.Add(new GraphQLError($"Variable \"${name}\" expected value of type \"{Printer.Print(def.Type)}\" which cannot be used as an input type.", [def.Type]));
                continue;
            }
            if (inputs is null || !inputs.TryGetValue(name, out var value))
            {
                if (def.DefaultValue is not null)
                {
                    coerced[name] = ValueFromAst(def.DefaultValue, type, null);
                }
                else if (type is NonNullType)
                {
                    errors.Add(new GraphQLError($"Variable \"${name}\" of required type \"{type}\" was not provided.", [def]));
                }
                continue;
            }
            if (value is null && type is NonNullType)
            {
                errors.Add(new GraphQLError($"Variable \"${name}\" of non-null type \"{type}\" must not be null.", [def]));
                continue;
            }
            var path = new List<object>();
            coerced[name] = CoerceInputValue(value, type, path, (p, invalid, message) =>
            {
                var prefix = $"Variable \"${name}\" got invalid value {ValueHelper.Inspect(invalid)}";
                if (p.Count > 0) prefix += $" at \"{name}{ValueHelper.PrintPath(p)}\"";
                errors.Add(new GraphQLError(prefix + "; " + message, [def]));
            });
        }
        return coerced;
    }

    public delegate void InputErrorHandler(IReadOnlyList<object> path, object? invalidValue, string message);

    /// <summary>Coerces a JSON-like value to the internal value of an input type (graphql-js <c>coerceInputValue</c>).</summary>
    public static object? CoerceInputValue(object? value, GraphQLType type, List<object> path, InputErrorHandler onError)
    {
        if (type is NonNullType nn)
        {
            if (value is not null) return CoerceInputValue(value, nn.OfType, path, onError);
            onError(path, value, $"Expected non-nullable type \"{type}\" not to be null.");
            return null;
        }
        if (value is null) return null;
        switch (type)
        {
            case ListType lt:
                if (value is IEnumerable e && value is not string && value is not IDictionary<string, object?>)
                {
                    var list = new List<object?>();
                    var i = 0;
                    foreach (var item in e)
                    {
                        path.Add(i);
                        list.Add(CoerceInputValue(item, lt.OfType, path, onError));
                        path.RemoveAt(path.Count - 1);
                        i++;
                    }
                    return list;
                }
                return new List<object?> { CoerceInputValue(value, lt.OfType, path, onError) };
            case InputObjectType io:
                {
                    if (value is not IDictionary<string, object?> dict)
                    {
                        onError(path, value, $"Expected type \"{io.Name}\" to be an object.");
                        return null;
                    }
                    var result = new Dictionary<string, object?>(StringComparer.Ordinal);
                    foreach (var field in io.Fields)
                    {
                        if (!dict.TryGetValue(field.Name, out var fv))
                        {
                            if (field.HasDefaultValue && field.DefaultValueLiteral is not null)
                                result[field.Name] = ValueFromAst(field.DefaultValueLiteral, field.Type, null);
                            else if (field.Type is NonNullType)
                                onError(path, value, $"Field \"{field.Name}\" of required type \"{field.Type}\" was not provided.");
                            continue;
                        }
                        path.Add(field.Name);
                        result[field.Name] = CoerceInputValue(fv, field.Type, path, onError);
                        path.RemoveAt(path.Count - 1);
                    }
                    foreach (var key in dict.Keys)
                    {
                        if (io.GetField(key) is null)
                            onError(path, value, $"Field \"{key}\" is not defined by type \"{io.Name}\".");
                    }
                    if (io.IsOneOf)
                    {
                        if (result.Count != 1)
                        {
                            onError(path, value, $"Exactly one key must be specified for OneOf type \"{io.Name}\".");
                        }
                        else if (result.Values.First() is null)
                        {
                            var key = result.Keys.First();
                            path.Add(key);
                            onError(path, null, $"Field \"{key}\" must be non-null.");
                            path.RemoveAt(path.Count - 1);
                        }
                    }
                    return result;
                }
            case EnumType et:
                {
                    if (value is not string s)
                    {
                        onError(path, value, $"Enum \"{et.Name}\" cannot represent non-string value: {ValueHelper.Inspect(value)}.");
                        return null;
                    }
                    if (et.GetValue(s) is { } ev) return ev.Value;
                    onError(path, value, $"Value \"{s}\" does not exist in \"{et.Name}\" enum.{Validation.Suggestions.DidYouMean(Validation.Suggestions.SuggestionList(s, et.Values.Select(v => v.Name)), "the enum value")}");
                    return null;
                }
            case ScalarType st:
                try
                {
                    var parsed = st.ParseValue(value);
                    if (parsed is null || ReferenceEquals(parsed, Undefined))
                        onError(path, value, $"Expected type \"{st.Name}\".");
                    return parsed;
                }
                catch (GraphQLException ex)
                {
                    onError(path, value, ex.Message);
                    return null;
                }
            default:
                onError(path, value, $"Expected type \"{type}\".");
                return null;
        }
    }

    /// <summary>
    /// Literal to internal value (graphql-js <c>valueFromAST</c>). Returns <see cref="ValueHelper.Undefined"/> when
    /// invalid, so callers can tell an invalid value from an explicit null.
    /// </summary>
    public static object? ValueFromAst(ValueNode? node, GraphQLType type, IReadOnlyDictionary<string, object?>? variables)
    {
        if (node is null) return Undefined;
        if (node is VariableNode v)
        {
            if (variables is null || !variables.TryGetValue(v.Name.Value, out var vv)) return Undefined;
            if (vv is null && type is NonNullType) return Undefined;
            return vv;
        }
        if (type is NonNullType nn)
        {
            return node is NullValueNode ? Undefined : ValueFromAst(node, nn.OfType, variables);
        }
        if (node is NullValueNode) return null;
        switch (type)
        {
            case ListType lt:
                if (node is ListValueNode list)
                {
                    var result = new List<object?>(list.Values.Count);
                    foreach (var item in list.Values)
                    {
                        if (IsMissingVariable(item, variables))
                        {
                            if (lt.OfType is NonNullType) return Undefined;
                            result.Add(null);
                            continue;
                        }
                        var iv = ValueFromAst(item, lt.OfType, variables);
                        if (ReferenceEquals(iv, Undefined)) return Undefined;
                        result.Add(iv);
                    }
                    return result;
                }
                {
                    var single = ValueFromAst(node, lt.OfType, variables);
                    return ReferenceEquals(single, Undefined) ? Undefined : new List<object?> { single };
                }
            case InputObjectType io:
                {
                    if (node is not ObjectValueNode obj) return Undefined;
                    var result = new Dictionary<string, object?>(StringComparer.Ordinal);
                    var fieldNodes = new Dictionary<string, ObjectFieldNode>(StringComparer.Ordinal);
                    foreach (var f in obj.Fields) fieldNodes.TryAdd(f.Name.Value, f);
                    foreach (var field in io.Fields)
                    {
                        if (!fieldNodes.TryGetValue(field.Name, out var fn) || IsMissingVariable(fn.Value, variables))
                        {
                            if (field.HasDefaultValue && field.DefaultValueLiteral is not null)
                                result[field.Name] = ValueFromAst(field.DefaultValueLiteral, field.Type, null);
                            else if (field.Type is NonNullType) return Undefined;
                            continue;
                        }
                        var fv = ValueFromAst(fn.Value, field.Type, variables);
                        if (ReferenceEquals(fv, Undefined)) return Undefined;
                        result[field.Name] = fv;
                    }
                    if (io.IsOneOf && (result.Count != 1 || result.Values.First() is null)) return Undefined;
                    return result;
                }
            case EnumType et:
                return node is EnumValueNode ev && et.GetValue(ev.Value) is { } def ? def.Value : Undefined;
            case ScalarType st:
                try
                {
                    // Variables nested inside literals are substituted first for custom scalars.
                    var parsed = st.ParseLiteral(node);
                    return parsed ?? Undefined;
                }
                catch (GraphQLException)
                {
                    return Undefined;
                }
            default:
                return Undefined;
        }
    }

    private static bool IsMissingVariable(ValueNode node, IReadOnlyDictionary<string, object?>? variables) =>
        node is VariableNode v && (variables is null || !variables.ContainsKey(v.Name.Value));

    /// <summary>Coerces field/directive arguments; throws <see cref="GraphQLException"/> with a located error on failure.</summary>
    public static Dictionary<string, object?> GetArgumentValues(IReadOnlyList<InputValueDefinition> definitions,
        IReadOnlyList<ArgumentNode> argumentNodes, SyntaxNode node, IReadOnlyDictionary<string, object?>? variables)
    {
        var coerced = new Dictionary<string, object?>(definitions.Count, StringComparer.Ordinal);
        foreach (var def in definitions)
        {
            ArgumentNode? argNode = null;
            foreach (var a in argumentNodes)
            {
                if (a.Name.Value == def.Name)
                {
                    argNode = a;
                    break;
                }
            }
            if (argNode is null)
            {
                if (def.HasDefaultValue && def.DefaultValueLiteral is not null)
                    coerced[def.Name] = ValueFromAst(def.DefaultValueLiteral, def.Type, null);
                else if (def.Type is NonNullType)
                    throw Located($"Argument \"{def.Name}\" of required type \"{def.Type}\" was not provided.", node);
                continue;
            }
            var valueNode = argNode.Value;
            var isNull = valueNode is NullValueNode;
            if (valueNode is VariableNode v)
            {
                if (variables is null || !variables.TryGetValue(v.Name.Value, out var vv))
                {
                    if (def.HasDefaultValue && def.DefaultValueLiteral is not null)
                        coerced[def.Name] = ValueFromAst(def.DefaultValueLiteral, def.Type, null);
                    else if (def.Type is NonNullType)
                        throw Located($"Argument \"{def.Name}\" of required type \"{def.Type}\" was provided the variable \"${v.Name.Value}\" which was not provided a runtime value.", valueNode);
                    continue;
                }
                isNull = vv is null;
            }
            if (isNull && def.Type is NonNullType)
                throw Located($"Argument \"{def.Name}\" of non-null type \"{def.Type}\" must not be null.", valueNode);
            var value = ValueFromAst(valueNode, def.Type, variables);
            if (ReferenceEquals(value, Undefined))
                throw Located($"Argument \"{def.Name}\" has invalid value {Printer.Print(valueNode)}.", valueNode);
            coerced[def.Name] = value;
        }
        return coerced;
    }

    private static GraphQLException Located(string message, SyntaxNode node) => new([new GraphQLError(message, [node])]);
}
