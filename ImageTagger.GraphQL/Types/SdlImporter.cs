using ImageTagger.GraphQL.Language;

namespace ImageTagger.GraphQL.Types;

/// <summary>Turns SDL type definitions/extensions into builder declarations (schema-first support).</summary>
internal static class SdlImporter
{
    public static void Import(SchemaBuilder builder, DocumentNode document)
    {
        foreach (var def in document.Definitions)
        {
            switch (def)
            {
                case SchemaDefinitionNode s:
                    foreach (var op in s.OperationTypes)
                    {
                        var n = op.Type.Name.Value;
                        switch (op.Operation)
                        {
                            case OperationType.Query: builder.SetRootNames(n, null, null); break;
                            case OperationType.Mutation: builder.SetRootNames(null, n, null); break;
                            default: builder.SetRootNames(null, null, n); break;
                        }
                    }
                    if (s.Description is not null) builder.Description(s.Description.Value);
                    break;
                case ScalarTypeDefinitionNode sc:
                    {
                        var b = builder.GetOrAdd(sc.Name.Value, () => new ScalarTypeBuilder(new DelegateScalarType(sc.Name.Value, v => v)));
                        if (sc.Description is not null) b.DescriptionText = sc.Description.Value;
                        var url = Arg(sc.Directives, "specifiedBy", "url");
                        if (url is StringValueNode u) b.Scalar.SpecifiedByUrl = u.Value;
                        break;
                    }
                case ObjectTypeDefinitionNode o:
                    builder.Object(o.Name.Value, b =>
                    {
                        if (o.Description is not null) b.Description(o.Description.Value);
                        b.Implements(o.Interfaces.Select(i => i.Name.Value).ToArray());
                        foreach (var f in o.Fields) AddField(b.GetOrAddField(f.Name.Value, f.Type), f);
                    });
                    break;
                case InterfaceTypeDefinitionNode i:
                    builder.Interface(i.Name.Value, b =>
                    {
                        if (i.Description is not null) b.Description(i.Description.Value);
                        b.Implements(i.Interfaces.Select(x => x.Name.Value).ToArray());
                        foreach (var f in i.Fields) AddField(b.GetOrAddField(f.Name.Value, f.Type), f);
                    });
                    break;
                case UnionTypeDefinitionNode u:
                    builder.Union(u.Name.Value, b =>
                    {
                        if (u.Description is not null) b.Description(u.Description.Value);
                        b.Types(u.Types.Select(t => t.Name.Value).ToArray());
                    });
                    break;
                case EnumTypeDefinitionNode e:
                    builder.Enum(e.Name.Value, b =>
                    {
                        if (e.Description is not null) b.Description(e.Description.Value);
                        foreach (var v in e.Values)
                            b.Value(v.Name.Value, null, v.Description?.Value, Deprecation(v.Directives));
                    });
                    break;
                case InputObjectTypeDefinitionNode io:
                    builder.InputObject(io.Name.Value, b =>
                    {
                        if (io.Description is not null) b.Description(io.Description.Value);
                        if (io.Directives.Any(d => d.Name.Value == "oneOf")) b.OneOf();
                        foreach (var f in io.Fields) b.AddField(ToArgument(f));
                    });
                    break;
                case DirectiveDefinitionNode d:
                    {
                        var locations = d.Locations.Select(l => DirectiveLocationNames.TryParse(l.Value, out var loc) ? loc : DirectiveLocation.Field).ToList();
                        var db = new DirectiveBuilder(d.Name.Value, locations);
                        if (d.Description is not null) db.Description(d.Description.Value);
                        db.Repeatable(d.Repeatable);
                        foreach (var a in d.Arguments) db.AddArgument(ToArgument(a));
                        builder.AddDirective(db);
                        break;
                    }
                default:
                    throw new SchemaException($"Only type system definitions are allowed in SDL, found {def.GetType().Name}.");
            }
        }
    }

    private static void AddField(FieldBuilder f, FieldDefinitionNode node)
    {
        if (node.Description is not null) f.Description(node.Description.Value);
        if (Deprecation(node.Directives) is { } reason) f.Deprecated(reason);
        foreach (var a in node.Arguments) f.AddArgument(ToArgument(a));
    }

    private static ArgumentBuilder ToArgument(InputValueDefinitionNode a) => new(a.Name.Value, a.Type)
    {
        Description = a.Description?.Value,
        DefaultLiteral = a.DefaultValue,
        DeprecationReason = Deprecation(a.Directives),
    };

    private static string? Deprecation(IReadOnlyList<DirectiveNode> directives)
    {
        var d = directives.FirstOrDefault(x => x.Name.Value == "deprecated");
        if (d is null) return null;
        return Arg(directives, "deprecated", "reason") is StringValueNode s ? s.Value : BuiltInDirectives.DefaultDeprecationReason;
    }

    private static ValueNode? Arg(IReadOnlyList<DirectiveNode> directives, string directive, string argument) =>
        directives.FirstOrDefault(x => x.Name.Value == directive)?.Arguments.FirstOrDefault(a => a.Name.Value == argument)?.Value;
}
