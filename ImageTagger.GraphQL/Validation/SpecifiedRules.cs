using ImageTagger.GraphQL.Execution;
using ImageTagger.GraphQL.Language;
using ImageTagger.GraphQL.Types;

namespace ImageTagger.GraphQL.Validation;

/// <summary>All validation rules of spec section 5, in graphql-js order, with graphql-js 16 messages.</summary>
public static class SpecifiedRules
{
    // Built-in rules: their visitors reset any state on entering the document, so a reused context keeps one of each.
    private static ValidationRule Rule(string name, Func<ValidationContext, ValidationVisitor> factory) => new(name, factory) { Reusable = true };

    /// <summary>5.1.1: a document to execute holds only operations and fragments.</summary>
    public static readonly IValidationRule ExecutableDefinitions = Rule(nameof(ExecutableDefinitions), ctx => new()
    {
        Enter = node =>
        {
            if (node is not DocumentNode doc) return;
            foreach (var def in doc.Definitions)
            {
                if (def is ExecutableDefinitionNode) continue;
                var name = def switch
                {
                    SchemaDefinitionNode => "schema",
                    TypeDefinitionNode t => $"\"{t.Name.Value}\"",
                    DirectiveDefinitionNode d => $"\"{d.Name.Value}\"",
                    _ => "unknown",
                };
                ctx.ReportError($"The {name} definition is not executable.", def);
            }
        },
    });

    /// <summary>5.2.1.1: operation names are unique.</summary>
    public static readonly IValidationRule UniqueOperationNames = Rule(nameof(UniqueOperationNames), ctx =>
    {
        var known = new Dictionary<string, NameNode>(StringComparer.Ordinal);
        return new()
        {
            Enter = node =>
            {
                if (node is DocumentNode) known.Clear();
                if (node is OperationDefinitionNode { Name: { } name })
                {
                    if (known.TryGetValue(name.Value, out var prev))
                        ctx.ReportError($"There can be only one operation named \"{name.Value}\".", prev, name);
                    else known[name.Value] = name;
                }
            },
        };
    });

    /// <summary>5.2.2.1: an anonymous operation is the only operation.</summary>
    public static readonly IValidationRule LoneAnonymousOperation = Rule(nameof(LoneAnonymousOperation), ctx =>
    {
        var count = 0;
        return new()
        {
            Enter = node =>
            {
                if (node is DocumentNode doc)
                {
                    count = 0;
                    for (var i = 0; i < doc.Definitions.Count; i++)
                    {
                        if (doc.Definitions[i] is OperationDefinitionNode) count++;
                    }
                }
                if (node is OperationDefinitionNode { Name: null } && count > 1)
                    ctx.ReportError("This anonymous operation must be the only defined operation.", node);
            },
        };
    });

    /// <summary>5.2.3.1: a subscription has a single root field.</summary>
    public static readonly IValidationRule SingleFieldSubscriptions = Rule(nameof(SingleFieldSubscriptions), ctx => new()
    {
        Enter = node =>
        {
            if (node is not OperationDefinitionNode { Operation: OperationType.Subscription } op || ctx.Schema.Subscription is null) return;
            var fragments = ctx.Document.Fragments.GroupBy(f => f.Name.Value).ToDictionary(g => g.Key, g => g.First());
            FieldGroups fields;
            try
            {
                fields = FieldCollector.CollectFields(ctx.Schema, ctx.Schema.Subscription, op.SelectionSet, new Dictionary<string, object?>(), fragments);
            }
            catch (GraphQLException ex)
            {
                // graphql-js fails here too (@skip/@include needing a variable value that validation cannot have).
                ctx.ReportError(ex.Message, ex.Errors is { Count: > 0 } errs ? [.. errs[0].Locations.Count > 0 ? [] : new SyntaxNode?[] { op }] : [op]);
                return;
            }
            var opName = op.Name is null ? "Anonymous Subscription" : $"Subscription \"{op.Name.Value}\"";
            if (fields.Count > 1)
            {
                ctx.ReportError($"{opName} must select only one top level field.", fields.Groups.Skip(1).SelectMany(g => g.Value).ToArray());
            }
            foreach (var (_, nodes) in fields.Groups)
            {
                if (nodes[0].Name.Value.StartsWith("__", StringComparison.Ordinal))
                    ctx.ReportError($"{opName} must not select an introspection top level field.", nodes.ToArray());
            }
        },
    });

    /// <summary>Every named type exists in the schema.</summary>
    public static readonly IValidationRule KnownTypeNames = Rule(nameof(KnownTypeNames), ctx => new()
    {
        Enter = node =>
        {
            if (node is NamedTypeNode n && ctx.Schema.GetType(n.Name.Value) is null)
            {
                var suggestions = Suggestions.SuggestionList(n.Name.Value, ctx.Schema.Types.Keys);
                ctx.ReportError($"Unknown type \"{n.Name.Value}\".{Suggestions.DidYouMean(suggestions)}", n);
            }
        },
    });

    /// <summary>5.5.1.3: fragments apply to composite types.</summary>
    public static readonly IValidationRule FragmentsOnCompositeTypes = Rule(nameof(FragmentsOnCompositeTypes), ctx => new()
    {
        Enter = node =>
        {
            switch (node)
            {
                case InlineFragmentNode { TypeCondition: { } tc }:
                    if (ctx.Schema.GetType(tc.Name.Value) is { IsCompositeType: false })
                        ctx.ReportError($"Fragment cannot condition on non composite type \"{tc.Name.Value}\".", tc);
                    break;
                case FragmentDefinitionNode fd:
                    if (ctx.Schema.GetType(fd.TypeCondition.Name.Value) is { IsCompositeType: false })
                        ctx.ReportError($"Fragment \"{fd.Name.Value}\" cannot condition on non composite type \"{fd.TypeCondition.Name.Value}\".", fd.TypeCondition);
                    break;
            }
        },
    });

    /// <summary>5.8.2: variables have input types.</summary>
    public static readonly IValidationRule VariablesAreInputTypes = Rule(nameof(VariablesAreInputTypes), ctx => new()
    {
        Enter = node =>
        {
            if (node is VariableDefinitionNode vd && ctx.Schema.ResolveTypeNode(vd.Type) is { IsInputType: false })
                ctx.ReportError($"Variable \"${vd.Variable.Name.Value}\" cannot be non-input type \"{Printer.Print(vd.Type)}\".", vd.Type);
        },
    });

    /// <summary>5.3.3: leaf fields have no selections; composite fields have some.</summary>
    public static readonly IValidationRule ScalarLeafs = Rule(nameof(ScalarLeafs), ctx => new()
    {
        Enter = node =>
        {
            if (node is not FieldNode f || ctx.Type is not { } type) return;
            var named = type.Named;
            if (named.IsLeafType)
            {
                if (f.SelectionSet is not null)
                    ctx.ReportError($"Field \"{f.Name.Value}\" must not have a selection since type \"{type}\" has no subfields.", f.SelectionSet);
            }
            else if (f.SelectionSet is null)
            {
                ctx.ReportError($"Field \"{f.Name.Value}\" of type \"{type}\" must have a selection of subfields. Did you mean \"{f.Name.Value} {{ ... }}\"?", f);
            }
        },
    });

    /// <summary>5.3.1: selected fields exist on their type.</summary>
    public static readonly IValidationRule FieldsOnCorrectType = Rule(nameof(FieldsOnCorrectType), ctx => new()
    {
        Enter = node =>
        {
            if (node is not FieldNode f || ctx.ParentType is not { } parent || ctx.FieldDef is not null) return;
            var name = f.Name.Value;
            var suggestion = "";
            if (parent.IsAbstractType)
            {
                // Suggest types where the field exists: interfaces first (by how many possible types use them), then objects.
                var possible = ctx.Schema.GetPossibleTypes(parent).Where(t => t.GetField(name) is not null).ToList();
                var usage = new Dictionary<NamedType, int>();
                var ordered = new List<NamedType>(); // insertion-ordered like a JavaScript Set
                foreach (var t in possible)
                {
                    if (!ordered.Contains(t)) ordered.Add(t);
                    usage[t] = 1;
                    foreach (var i in t.Interfaces.Where(i => i.GetField(name) is not null))
                    {
                        if (!ordered.Contains(i)) ordered.Add(i);
                        usage[i] = usage.GetValueOrDefault(i) + 1;
                    }
                }
                int Compare(NamedType a, NamedType b)
                {
                    var diff = usage[b] - usage[a];
                    if (diff != 0) return diff;
                    // Super types first, then subtypes, then by name (graphql-js order).
                    if (a is InterfaceType && ctx.Schema.IsSubType(a, b)) return -1;
                    if (b is InterfaceType && ctx.Schema.IsSubType(b, a)) return 1;
                    return string.CompareOrdinal(a.Name, b.Name);
                }
                // Binary insertion sort, as V8 uses for short arrays: the comparator is not transitive, so the algorithm matters.
                for (var i = 1; i < ordered.Count; i++)
                {
                    var pivot = ordered[i];
                    int left = 0, right = i;
                    while (left < right)
                    {
                        var mid = left + ((right - left) >> 1);
                        if (Compare(pivot, ordered[mid]) < 0) right = mid;
                        else left = mid + 1;
                    }
                    ordered.RemoveAt(i);
                    ordered.Insert(left, pivot);
                }
                suggestion = Suggestions.DidYouMean(ordered.Select(t => t.Name).ToList(), "to use an inline fragment on");
            }
            if (suggestion.Length == 0 && parent is ComplexType ct)
                suggestion = Suggestions.DidYouMean(Suggestions.SuggestionList(name, ct.Fields.Select(x => x.Name)));
            ctx.ReportError($"Cannot query field \"{name}\" on type \"{parent.Name}\".{suggestion}", f);
        },
    });

    /// <summary>5.5.1.1: fragment names are unique.</summary>
    public static readonly IValidationRule UniqueFragmentNames = Rule(nameof(UniqueFragmentNames), ctx =>
    {
        var known = new Dictionary<string, NameNode>(StringComparer.Ordinal);
        return new()
        {
            Enter = node =>
            {
                if (node is DocumentNode) known.Clear();
                if (node is FragmentDefinitionNode fd)
                {
                    if (known.TryGetValue(fd.Name.Value, out var prev))
                        ctx.ReportError($"There can be only one fragment named \"{fd.Name.Value}\".", prev, fd.Name);
                    else known[fd.Name.Value] = fd.Name;
                }
            },
        };
    });

    /// <summary>5.5.2.1: spread fragments are defined.</summary>
    public static readonly IValidationRule KnownFragmentNames = Rule(nameof(KnownFragmentNames), ctx => new()
    {
        Enter = node =>
        {
            if (node is FragmentSpreadNode fs && ctx.GetFragment(fs.Name.Value) is null)
                ctx.ReportError($"Unknown fragment \"{fs.Name.Value}\".", fs.Name);
        },
    });

    /// <summary>5.5.1.4: every fragment is used.</summary>
    public static readonly IValidationRule NoUnusedFragments = Rule(nameof(NoUnusedFragments), ctx =>
    {
        var used = new HashSet<string>(StringComparer.Ordinal);
        return new()
        {
            Leave = node =>
            {
                if (node is not DocumentNode doc) return;
                used.Clear();
                var definitions = doc.Definitions;
                for (var i = 0; i < definitions.Count; i++)
                {
                    if (definitions[i] is not OperationDefinitionNode op) continue;
                    var fragments = ctx.GetRecursivelyReferencedFragments(op);
                    for (var j = 0; j < fragments.Count; j++) used.Add(fragments[j].Name.Value);
                }
                for (var i = 0; i < definitions.Count; i++)
                {
                    if (definitions[i] is FragmentDefinitionNode f && !used.Contains(f.Name.Value))
                        ctx.ReportError($"Fragment \"{f.Name.Value}\" is never used.", f);
                }
                used.Clear();
            },
        };
    });

    /// <summary>5.5.2.3: a spread can apply to its parent type.</summary>
    public static readonly IValidationRule PossibleFragmentSpreads = Rule(nameof(PossibleFragmentSpreads), ctx => new()
    {
        Enter = node =>
        {
            switch (node)
            {
                case InlineFragmentNode inf:
                    {
                        var fragType = ctx.Type?.Named;
                        var parentType = ctx.ParentType;
                        if (fragType is { IsCompositeType: true } && parentType is { IsCompositeType: true } && !TypeComparators.DoTypesOverlap(ctx.Schema, fragType, parentType))
                            ctx.ReportError($"Fragment cannot be spread here as objects of type \"{parentType.Name}\" can never be of type \"{fragType.Name}\".", inf);
                        break;
                    }
                case FragmentSpreadNode fs:
                    {
                        var fragment = ctx.GetFragment(fs.Name.Value);
                        var fragType = fragment is null ? null : ctx.Schema.GetType(fragment.TypeCondition.Name.Value);
                        var parentType = ctx.ParentType;
                        if (fragType is { IsCompositeType: true } && parentType is { IsCompositeType: true } && !TypeComparators.DoTypesOverlap(ctx.Schema, fragType, parentType))
                            ctx.ReportError($"Fragment \"{fs.Name.Value}\" cannot be spread here as objects of type \"{parentType.Name}\" can never be of type \"{fragType.Name}\".", fs);
                        break;
                    }
            }
        },
    });

    /// <summary>5.5.2.2: fragments do not spread themselves.</summary>
    public static readonly IValidationRule NoFragmentCycles = Rule(nameof(NoFragmentCycles), ctx =>
    {
        var visited = new HashSet<string>();
        var spreadPath = new List<FragmentSpreadNode>();
        var pathIndex = new Dictionary<string, int>();

        void Detect(FragmentDefinitionNode fragment)
        {
            var name = fragment.Name.Value;
            if (!visited.Add(name)) return;
            var spreads = ctx.GetFragmentSpreads(fragment.SelectionSet);
            if (spreads.Count == 0) return;
            pathIndex[name] = spreadPath.Count;
            for (var i = 0; i < spreads.Count; i++)
            {
                var spread = spreads[i];
                var spreadName = spread.Name.Value;
                spreadPath.Add(spread);
                if (!pathIndex.TryGetValue(spreadName, out var cycleIndex))
                {
                    if (ctx.GetFragment(spreadName) is { } f) Detect(f);
                }
                else
                {
                    var cyclePath = spreadPath.Skip(cycleIndex).ToList();
                    var via = string.Join(", ", cyclePath.Take(cyclePath.Count - 1).Select(s => $"\"{s.Name.Value}\""));
                    ctx.ReportError($"Cannot spread fragment \"{spreadName}\" within itself{(via.Length > 0 ? " via " + via : "")}.", cyclePath.ToArray());
                }
                spreadPath.RemoveAt(spreadPath.Count - 1);
            }
            pathIndex.Remove(name);
        }

        return new()
        {
            Enter = node =>
            {
                if (node is DocumentNode)
                {
                    visited.Clear();
                    spreadPath.Clear();
                    pathIndex.Clear();
                }
                if (node is FragmentDefinitionNode fd) Detect(fd);
            },
        };
    });

    /// <summary>5.8.1: variable names are unique.</summary>
    public static readonly IValidationRule UniqueVariableNames = Rule(nameof(UniqueVariableNames), ctx => new()
    {
        Enter = node =>
        {
            if (node is not OperationDefinitionNode op || !HasDuplicate(op.VariableDefinitions, v => v.Variable.Name.Value)) return;
            foreach (var g in op.VariableDefinitions.GroupBy(v => v.Variable.Name.Value).Where(g => g.Count() > 1))
                ctx.ReportError($"There can be only one variable named \"${g.Key}\".", g.Select(v => v.Variable.Name).ToArray());
        },
    });

    /// <summary>5.8.3: every variable used is defined.</summary>
    public static readonly IValidationRule NoUndefinedVariables = Rule(nameof(NoUndefinedVariables), ctx =>
    {
        var defined = new HashSet<string>(StringComparer.Ordinal);
        var usages = new List<VariableUsage>();
        return new()
        {
            Leave = node =>
            {
                if (node is not OperationDefinitionNode op) return;
                defined.Clear();
                for (var i = 0; i < op.VariableDefinitions.Count; i++) defined.Add(op.VariableDefinitions[i].Variable.Name.Value);
                ctx.GetRecursiveVariableUsages(op, usages);
                foreach (var usage in usages)
                {
                    var name = usage.Node.Name.Value;
                    if (!defined.Contains(name))
                    {
                        ctx.ReportError(op.Name is not null
                            ? $"Variable \"${name}\" is not defined by operation \"{op.Name.Value}\"."
                            : $"Variable \"${name}\" is not defined.", usage.Node, op);
                    }
                }
                usages.Clear();
            },
        };
    });

    /// <summary>5.8.4: every variable defined is used.</summary>
    public static readonly IValidationRule NoUnusedVariables = Rule(nameof(NoUnusedVariables), ctx =>
    {
        var used = new HashSet<string>(StringComparer.Ordinal);
        var usages = new List<VariableUsage>();
        return new()
        {
            Leave = node =>
            {
                if (node is not OperationDefinitionNode op) return;
                ctx.GetRecursiveVariableUsages(op, usages);
                used.Clear();
                foreach (var u in usages) used.Add(u.Node.Name.Value);
                usages.Clear();
                for (var i = 0; i < op.VariableDefinitions.Count; i++)
                {
                    var vd = op.VariableDefinitions[i];
                    var name = vd.Variable.Name.Value;
                    if (!used.Contains(name))
                    {
                        ctx.ReportError(op.Name is not null
                            ? $"Variable \"${name}\" is never used in operation \"{op.Name.Value}\"."
                            : $"Variable \"${name}\" is never used.", vd);
                    }
                }
                used.Clear();
            },
        };
    });

    /// <summary>5.7.1: directives exist and are at an allowed location.</summary>
    public static readonly IValidationRule KnownDirectives = Rule(nameof(KnownDirectives), ctx =>
    {
        var ancestors = new List<SyntaxNode>();
        return new()
        {
            Enter = node =>
            {
                if (node is DocumentNode) ancestors.Clear();
                if (node is DirectiveNode d)
                {
                    var def = ctx.Schema.GetDirective(d.Name.Value);
                    if (def is null)
                    {
                        ctx.ReportError($"Unknown directive \"@{d.Name.Value}\".", d);
                    }
                    else if (GetLocation(ancestors) is { } loc && !def.Locations.Contains(loc))
                    {
                        ctx.ReportError($"Directive \"@{d.Name.Value}\" may not be used on {loc.ToSpecName()}.", d);
                    }
                }
                ancestors.Add(node);
            },
            Leave = _ => ancestors.RemoveAt(ancestors.Count - 1),
        };

        static DirectiveLocation? GetLocation(List<SyntaxNode> ancestors) => ancestors.Count == 0 ? null : ancestors[^1] switch
        {
            OperationDefinitionNode o => o.Operation switch
            {
                OperationType.Query => DirectiveLocation.Query,
                OperationType.Mutation => DirectiveLocation.Mutation,
                _ => DirectiveLocation.Subscription,
            },
            FieldNode => DirectiveLocation.Field,
            FragmentSpreadNode => DirectiveLocation.FragmentSpread,
            InlineFragmentNode => DirectiveLocation.InlineFragment,
            FragmentDefinitionNode => DirectiveLocation.FragmentDefinition,
            VariableDefinitionNode => DirectiveLocation.VariableDefinition,
            _ => null,
        };
    });

    /// <summary>5.7.3: non-repeatable directives appear once per location.</summary>
    public static readonly IValidationRule UniqueDirectivesPerLocation = Rule(nameof(UniqueDirectivesPerLocation), ctx => new()
    {
        Enter = node =>
        {
            var directives = node switch
            {
                OperationDefinitionNode o => o.Directives,
                SelectionNode s => s.Directives,
                FragmentDefinitionNode f => f.Directives,
                VariableDefinitionNode v => v.Directives,
                _ => null,
            };
            if (directives is null || directives.Count < 2) return;
            var seen = new Dictionary<string, DirectiveNode>(StringComparer.Ordinal);
            foreach (var d in directives)
            {
                var def = ctx.Schema.GetDirective(d.Name.Value);
                if (def is null || def.IsRepeatable) continue;
                if (seen.TryGetValue(d.Name.Value, out var prev))
                    ctx.ReportError($"The directive \"@{d.Name.Value}\" can only be used once at this location.", prev, d);
                else seen[d.Name.Value] = d;
            }
        },
    });

    /// <summary>5.4.1: arguments exist on their field or directive.</summary>
    public static readonly IValidationRule KnownArgumentNames = Rule(nameof(KnownArgumentNames), ctx =>
    {
        SyntaxNode? parent = null;
        var stack = new List<SyntaxNode>();
        return new()
        {
            Enter = node =>
            {
                if (node is DocumentNode)
                {
                    stack.Clear();
                    parent = null;
                }
                if (node is ArgumentNode a && ctx.Argument is null)
                {
                    parent = stack.Count > 0 ? stack[^1] : null;
                    if (parent is DirectiveNode dn && ctx.Directive is { } dir)
                    {
                        ctx.ReportError($"Unknown argument \"{a.Name.Value}\" on directive \"@{dir.Name}\".{Suggestions.DidYouMean(Suggestions.SuggestionList(a.Name.Value, dir.Arguments.Select(x => x.Name)))}", a);
                        _ = dn;
                    }
                    else if (parent is FieldNode && ctx.FieldDef is { } fd && ctx.ParentType is { } pt)
                    {
                        ctx.ReportError($"Unknown argument \"{a.Name.Value}\" on field \"{pt.Name}.{fd.Name}\".{Suggestions.DidYouMean(Suggestions.SuggestionList(a.Name.Value, fd.Arguments.Select(x => x.Name)))}", a);
                    }
                }
                stack.Add(node);
            },
            Leave = _ => stack.RemoveAt(stack.Count - 1),
        };
    });

    /// <summary>5.4.2: argument names are unique.</summary>
    public static readonly IValidationRule UniqueArgumentNames = Rule(nameof(UniqueArgumentNames), ctx => new()
    {
        Enter = node =>
        {
            var args = node switch
            {
                FieldNode f => f.Arguments,
                DirectiveNode d => d.Arguments,
                _ => null,
            };
            if (args is null || !HasDuplicate(args, a => a.Name.Value)) return;
            foreach (var g in args.GroupBy(a => a.Name.Value).Where(g => g.Count() > 1))
                ctx.ReportError($"There can be only one argument named \"{g.Key}\".", g.Select(a => a.Name).ToArray());
        },
    });

    /// <summary>5.6.1: literal values fit their input types.</summary>
    public static readonly IValidationRule ValuesOfCorrectType = Rule(nameof(ValuesOfCorrectType), ctx =>
    {
        var variableDefinitions = new Dictionary<string, VariableDefinitionNode>(StringComparer.Ordinal);
        SyntaxNode? skipped = null;

        void IsValidValueNode(ValueNode node)
        {
            var locationType = ctx.InputType;
            if (locationType is null) return;
            var type = locationType.Named;
            if (!type.IsLeafType)
            {
                ctx.ReportError($"Expected value of type \"{locationType}\", found {Printer.Print(node)}.", node);
                return;
            }
            try
            {
                if (type is EnumType et)
                {
                    if (node is not EnumValueNode ev)
                        throw new GraphQLException($"Enum \"{et.Name}\" cannot represent non-enum value: {Printer.Print(node)}.{Suggestions.DidYouMean(Suggestions.SuggestionList(Printer.Print(node), et.Values.Select(v => v.Name)), "the enum value")}");
                    if (et.GetValue(ev.Value) is null)
                        throw new GraphQLException($"Value \"{ev.Value}\" does not exist in \"{et.Name}\" enum.{Suggestions.DidYouMean(Suggestions.SuggestionList(ev.Value, et.Values.Select(v => v.Name)), "the enum value")}");
                }
                else if (((ScalarType)type).ParseLiteral(node) is null)
                {
                    ctx.ReportError($"Expected value of type \"{locationType}\", found {Printer.Print(node)}.", node);
                }
            }
            catch (GraphQLException ex)
            {
                // Like graphql-js: a GraphQL error from parseLiteral is reported as is.
                ctx.ReportError(ex.Message, node);
            }
            catch (Exception)
            {
                ctx.ReportError($"Expected value of type \"{locationType}\", found {Printer.Print(node)}.", node);
            }
        }

        return new()
        {
            Leave = node =>
            {
                if (ReferenceEquals(node, skipped)) skipped = null;
            },
            Enter = node =>
            {
                if (node is DocumentNode)
                {
                    variableDefinitions.Clear();
                    skipped = null;
                }
                if (skipped is not null) return;
                switch (node)
                {
                    case OperationDefinitionNode op:
                        variableDefinitions.Clear();
                        for (var i = 0; i < op.VariableDefinitions.Count; i++)
                            variableDefinitions[op.VariableDefinitions[i].Variable.Name.Value] = op.VariableDefinitions[i];
                        break;
                    case ListValueNode l:
                        // TypeInfo already moved to the item type; the parent input type says whether a list is expected here.
                        if (ctx.ParentInputType?.NullableType is not ListType)
                        {
                            IsValidValueNode(l);
                            skipped = l; // graphql-js does not look inside this list any further
                        }
                        break;
                    case ObjectValueNode o:
                        {
                            var type = ctx.InputType?.Named;
                            if (type is not InputObjectType io)
                            {
                                IsValidValueNode(o);
                                return;
                            }
                            var present = o.Fields.Select(f => f.Name.Value).ToHashSet();
                            foreach (var field in io.Fields)
                            {
                                if (!present.Contains(field.Name) && field.Type is NonNullType && !field.HasDefaultValue)
                                    ctx.ReportError($"Field \"{io.Name}.{field.Name}\" of required type \"{field.Type}\" was not provided.", o);
                            }
                            if (io.IsOneOf) ValidateOneOf(ctx, o, io, variableDefinitions);
                            break;
                        }
                    case ObjectFieldNode of:
                        {
                            var parentType = ctx.ParentInputType?.Named;
                            if (ctx.InputType is null && parentType is InputObjectType pio)
                            {
                                var suggestions = Suggestions.SuggestionList(of.Name.Value, pio.Fields.Select(f => f.Name));
                                ctx.ReportError($"Field \"{of.Name.Value}\" is not defined by type \"{pio.Name}\".{Suggestions.DidYouMean(suggestions)}", of);
                            }
                            break;
                        }
                    case NullValueNode n:
                        if (ctx.InputType is NonNullType nn)
                            ctx.ReportError($"Expected value of type \"{nn}\", found {Printer.Print(n)}.", n);
                        break;
                    case EnumValueNode or IntValueNode or FloatValueNode or StringValueNode or BooleanValueNode:
                        IsValidValueNode((ValueNode)node);
                        break;
                }
            },
        };
    });

    private static void ValidateOneOf(ValidationContext ctx, ObjectValueNode node, InputObjectType type, Dictionary<string, VariableDefinitionNode> variableDefinitions)
    {
        if (node.Fields.Count != 1)
        {
            ctx.ReportError($"OneOf Input Object \"{type.Name}\" must specify exactly one key.", node);
            return;
        }
        var value = node.Fields[0].Value;
        if (value is NullValueNode)
        {
            ctx.ReportError($"Field \"{type.Name}.{node.Fields[0].Name.Value}\" must be non-null.", node);
            return;
        }
        if (value is VariableNode v && variableDefinitions.TryGetValue(v.Name.Value, out var def) && def.Type is not NonNullTypeNode)
            ctx.ReportError($"Variable \"{v.Name.Value}\" must be non-nullable to be used for OneOf Input Object \"{type.Name}\".", node);
    }

    /// <summary>5.4.2.1: required arguments are given.</summary>
    public static readonly IValidationRule ProvidedRequiredArguments = Rule(nameof(ProvidedRequiredArguments), ctx => new()
    {
        Leave = node =>
        {
            switch (node)
            {
                case FieldNode f when ctx.FieldDef is { } fd:
                    for (var i = 0; i < fd.Arguments.Count; i++)
                    {
                        var arg = fd.Arguments[i];
                        if (arg.Type is NonNullType && !arg.HasDefaultValue && !f.Arguments.Any(a => a.Name.Value == arg.Name))
                            ctx.ReportError($"Field \"{fd.Name}\" argument \"{arg.Name}\" of type \"{arg.Type}\" is required, but it was not provided.", f);
                    }
                    break;
                case DirectiveNode d when ctx.Schema.GetDirective(d.Name.Value) is { } def:
                    for (var i = 0; i < def.Arguments.Count; i++)
                    {
                        var arg = def.Arguments[i];
                        if (arg.Type is NonNullType && !arg.HasDefaultValue && !d.Arguments.Any(a => a.Name.Value == arg.Name))
                            ctx.ReportError($"Directive \"@{def.Name}\" argument \"{arg.Name}\" of type \"{arg.Type}\" is required, but it was not provided.", d);
                    }
                    break;
            }
        },
    });

    /// <summary>5.8.5: variables are used where their type is allowed.</summary>
    public static readonly IValidationRule VariablesInAllowedPosition = Rule(nameof(VariablesInAllowedPosition), ctx =>
    {
        var defs = new Dictionary<string, VariableDefinitionNode>(StringComparer.Ordinal);
        var usages = new List<VariableUsage>();
        return new() { Leave = Check };

        void Check(SyntaxNode node)
        {
            if (node is not OperationDefinitionNode op) return;
            defs.Clear();
            for (var i = 0; i < op.VariableDefinitions.Count; i++) defs.TryAdd(op.VariableDefinitions[i].Variable.Name.Value, op.VariableDefinitions[i]);
            ctx.GetRecursiveVariableUsages(op, usages);
            foreach (var usage in usages)
            {
                var name = usage.Node.Name.Value;
                if (!defs.TryGetValue(name, out var def) || usage.Type is null) continue;
                var varType = ctx.Schema.ResolveTypeNode(def.Type);
                if (varType is null) continue;
                if (!AllowedVariableUsage(ctx.Schema, varType, def.DefaultValue, usage.Type, usage.HasLocationDefault))
                    ctx.ReportError($"Variable \"${name}\" of type \"{varType}\" used in position expecting type \"{usage.Type}\".", def, usage.Node);
                if (usage.ParentType is InputObjectType { IsOneOf: true } oneOf && varType is not NonNullType)
                    ctx.ReportError($"Variable \"${name}\" is of type \"{varType}\" but must be non-nullable to be used for OneOf Input Object \"{oneOf.Name}\".", def, usage.Node);
            }
            usages.Clear();
        }
    });

    private static bool AllowedVariableUsage(Schema schema, GraphQLType varType, ValueNode? varDefault, GraphQLType locationType, bool hasLocationDefault)
    {
        if (locationType is NonNullType nn && varType is not NonNullType)
        {
            var hasNonNullVariableDefault = varDefault is not null and not NullValueNode;
            if (!hasNonNullVariableDefault && !hasLocationDefault) return false;
            return TypeComparators.IsTypeSubTypeOf(schema, varType, nn.OfType);
        }
        return TypeComparators.IsTypeSubTypeOf(schema, varType, locationType);
    }

    // Whether two items share a key: a quadratic scan without allocating (argument and variable lists are short).
    private static bool HasDuplicate<T>(IReadOnlyList<T> items, Func<T, string> key)
    {
        for (var i = 1; i < items.Count; i++)
        {
            var k = key(items[i]);
            for (var j = 0; j < i; j++)
            {
                if (key(items[j]) == k) return true;
            }
        }
        return false;
    }

    /// <summary>5.6.3: input object field names are unique.</summary>
    public static readonly IValidationRule UniqueInputFieldNames = Rule(nameof(UniqueInputFieldNames), ctx => new()
    {
        Enter = node =>
        {
            if (node is not ObjectValueNode o || o.Fields.Count < 2) return;
            var seen = new Dictionary<string, NameNode>(StringComparer.Ordinal);
            foreach (var f in o.Fields)
            {
                if (seen.TryGetValue(f.Name.Value, out var prev))
                    ctx.ReportError($"There can be only one input field named \"{f.Name.Value}\".", prev, f.Name);
                else seen[f.Name.Value] = f.Name;
            }
        },
    });

    /// <summary>The rules of the specification in graphql-js order.</summary>
    public static IReadOnlyList<IValidationRule> All { get; } =
    [
        ExecutableDefinitions, UniqueOperationNames, LoneAnonymousOperation, SingleFieldSubscriptions, KnownTypeNames,
        FragmentsOnCompositeTypes, VariablesAreInputTypes, ScalarLeafs, FieldsOnCorrectType, UniqueFragmentNames,
        KnownFragmentNames, NoUnusedFragments, PossibleFragmentSpreads, NoFragmentCycles, UniqueVariableNames,
        NoUndefinedVariables, NoUnusedVariables, KnownDirectives, UniqueDirectivesPerLocation, KnownArgumentNames,
        UniqueArgumentNames, ValuesOfCorrectType, ProvidedRequiredArguments, VariablesInAllowedPosition,
        OverlappingFieldsCanBeMergedRule.Instance, UniqueInputFieldNames,
    ];
}
