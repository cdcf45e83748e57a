using ImageTagger.GraphQL.Language;

namespace ImageTagger.GraphQL.Types;

/// <summary>Type system validation performed at build time (spec section 3 "Type Validation").</summary>
internal static class SchemaValidator
{
    public static void Validate(Schema schema, List<string> errors)
    {
        foreach (var d in schema.Directives)
        {
            if (BuiltInDirectives.IsBuiltIn(d.Name)) continue;
            ValidateName(d.Name, $"@{d.Name}", errors);
            ValidateArguments(schema, $"@{d.Name}", d.Arguments, errors);
        }
        foreach (var type in schema.Types.Values)
        {
            if (type.Name.StartsWith("__", StringComparison.Ordinal)) continue;
            ValidateName(type.Name, type.Name, errors);
            switch (type)
            {
                case ComplexType ct:
                    ValidateFields(schema, ct, errors);
                    ValidateInterfaces(schema, ct, errors);
                    break;
                case UnionType u:
                    if (u.Types.Count == 0) errors.Add($"Union type {u.Name} must define one or more member types.");
                    if (u.Types.Distinct().Count() != u.Types.Count) errors.Add($"Union type {u.Name} can only include each member type once.");
                    break;
                case EnumType e:
                    if (e.Values.Count == 0) errors.Add($"Enum type {e.Name} must define one or more values.");
                    foreach (var v in e.Values)
                    {
                        ValidateName(v.Name, $"{e.Name}.{v.Name}", errors);
                        if (v.Name is "true" or "false" or "null") errors.Add($"Enum type {e.Name} cannot include value: {v.Name}.");
                    }
                    break;
                case InputObjectType io:
                    ValidateInputObject(io, errors);
                    break;
            }
        }
        ValidateInputCycles(schema, errors);
    }

    private static void ValidateName(string name, string where, List<string> errors)
    {
        if (name.Length == 0 || !Lexer.IsNameStart(name[0]) || !name.All(Lexer.IsNameContinue))
            errors.Add($"Names must only contain [_a-zA-Z0-9] but \"{where}\" does not.");
        else if (name.StartsWith("__", StringComparison.Ordinal))
            errors.Add($"Name \"{where}\" must not begin with \"__\", which is reserved by GraphQL introspection.");
    }

    private static void ValidateArguments(Schema schema, string owner, IReadOnlyList<InputValueDefinition> args, List<string> errors)
    {
        foreach (var a in args)
        {
            ValidateName(a.Name, $"{owner}({a.Name}:)", errors);
            if (!a.Type.IsInputType)
                errors.Add($"The type of {owner}({a.Name}:) must be Input Type but got: {a.Type}.");
            if (a.Type is NonNullType && !a.HasDefaultValue && a.DeprecationReason is not null)
                errors.Add($"Required argument {owner}({a.Name}:) cannot be deprecated.");
        }
        foreach (var g in args.GroupBy(a => a.Name).Where(g => g.Count() > 1))
            errors.Add($"Argument {owner}({g.Key}:) can only be defined once.");
    }

    private static void ValidateFields(Schema schema, ComplexType type, List<string> errors)
    {
        if (type.Fields.Count == 0) errors.Add($"Type {type.Name} must define one or more fields.");
        foreach (var f in type.Fields)
        {
            ValidateName(f.Name, $"{type.Name}.{f.Name}", errors);
            if (!f.Type.IsOutputType)
                errors.Add($"The type of {type.Name}.{f.Name} must be Output Type but got: {f.Type}.");
            ValidateArguments(schema, $"{type.Name}.{f.Name}", f.Arguments, errors);
        }
    }

    private static void ValidateInterfaces(Schema schema, ComplexType type, List<string> errors)
    {
        var seen = new HashSet<string>();
        foreach (var iface in type.Interfaces)
        {
            if (ReferenceEquals(iface, type))
            {
                errors.Add($"Type {type.Name} cannot implement itself because it would create a circular reference.");
                continue;
            }
            if (!seen.Add(iface.Name))
            {
                errors.Add($"Type {type.Name} can only implement {iface.Name} once.");
                continue;
            }
            foreach (var transitive in iface.Interfaces)
            {
                if (!type.Interfaces.Contains(transitive))
                    errors.Add(ReferenceEquals(transitive, type)
                        ? $"Type {type.Name} cannot implement {iface.Name} because it would create a circular reference."
                        : $"Type {type.Name} must implement {transitive.Name} because it is implemented by {iface.Name}.");
            }
            foreach (var ifaceField in iface.Fields)
            {
                var field = type.GetField(ifaceField.Name);
                if (field is null)
                {
                    errors.Add($"Interface field {iface.Name}.{ifaceField.Name} expected but {type.Name} does not provide it.");
                    continue;
                }
                if (!TypeComparators.IsTypeSubTypeOf(schema, field.Type, ifaceField.Type))
                    errors.Add($"Interface field {iface.Name}.{ifaceField.Name} expects type {ifaceField.Type} but {type.Name}.{field.Name} is type {field.Type}.");
                foreach (var ifaceArg in ifaceField.Arguments)
                {
                    var arg = field.GetArgument(ifaceArg.Name);
                    if (arg is null)
                        errors.Add($"Interface field argument {iface.Name}.{ifaceField.Name}({ifaceArg.Name}:) expected but {type.Name}.{field.Name} does not provide it.");
                    else if (!TypeComparators.IsEqualType(arg.Type, ifaceArg.Type))
                        errors.Add($"Interface field argument {iface.Name}.{ifaceField.Name}({ifaceArg.Name}:) expects type {ifaceArg.Type} but {type.Name}.{field.Name}({arg.Name}:) is type {arg.Type}.");
                }
                foreach (var arg in field.Arguments)
                {
                    if (ifaceField.GetArgument(arg.Name) is null && arg.Type is NonNullType && !arg.HasDefaultValue)
                        errors.Add($"Object field {type.Name}.{field.Name} includes required argument {arg.Name} that is missing from the Interface field {iface.Name}.{ifaceField.Name}.");
                }
            }
        }
    }

    private static void ValidateInputObject(InputObjectType io, List<string> errors)
    {
        if (io.Fields.Count == 0) errors.Add($"Input Object type {io.Name} must define one or more fields.");
        foreach (var f in io.Fields)
        {
            ValidateName(f.Name, $"{io.Name}.{f.Name}", errors);
            if (!f.Type.IsInputType)
                errors.Add($"The type of {io.Name}.{f.Name} must be Input Type but got: {f.Type}.");
            if (f.Type is NonNullType && !f.HasDefaultValue && f.DeprecationReason is not null)
                errors.Add($"Required input field {io.Name}.{f.Name} cannot be deprecated.");
            if (io.IsOneOf)
            {
                if (f.Type is NonNullType) errors.Add($"OneOf input field {io.Name}.{f.Name} must be nullable.");
                if (f.HasDefaultValue) errors.Add($"OneOf input field {io.Name}.{f.Name} cannot have a default value.");
            }
        }
    }

    // An input object may not reference itself through a chain of non-null fields (it could never be provided).
    private static void ValidateInputCycles(Schema schema, List<string> errors)
    {
        var visited = new HashSet<InputObjectType>();
        foreach (var io in schema.Types.Values.OfType<InputObjectType>())
        {
            var path = new List<string>();
            var onPath = new Dictionary<InputObjectType, int>();
            Detect(io);

            void Detect(InputObjectType t)
            {
                if (!visited.Add(t)) return;
                onPath[t] = path.Count;
                foreach (var f in t.Fields)
                {
                    if (f.Type is NonNullType { OfType: InputObjectType target })
                    {
                        path.Add($"{t.Name}.{f.Name}");
                        if (onPath.TryGetValue(target, out var start))
                            errors.Add($"Cannot reference Input Object \"{target.Name}\" within itself through a series of non-null fields: \"{string.Join(".", path.Skip(start).Select(p => p[(p.IndexOf('.') + 1)..]))}\".");
                        else
                            Detect(target);
                        path.RemoveAt(path.Count - 1);
                    }
                }
                onPath.Remove(t);
            }
        }
    }
}
