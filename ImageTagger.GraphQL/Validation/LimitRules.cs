using System.Globalization;
using ImageTagger.GraphQL.Language;
using ImageTagger.GraphQL.Types;

namespace ImageTagger.GraphQL.Validation;

/// <summary>Walks an operation with fragments expanded (each fragment at most once per path) to measure it.</summary>
internal static class OperationWalker
{
    /// <summary>Visits fields depth-first; the callback gets (field node, field definition, parent type, depth) and returns whether to descend.</summary>
    public static void Walk(ValidationContext ctx, OperationDefinitionNode op, Func<FieldNode, FieldDefinition?, int, bool> onField)
    {
        var root = ctx.Schema.GetRootType(op.Operation);
        if (root is null) return;
        Visit(op.SelectionSet, root, 1, []);

        void Visit(SelectionSetNode ss, NamedType? parent, int depth, HashSet<string> fragmentsOnPath)
        {
            foreach (var sel in ss.Selections)
            {
                switch (sel)
                {
                    case FieldNode f:
                        var def = ctx.GetFieldDef(parent, f.Name.Value);
                        if (onField(f, def, depth) && f.SelectionSet is not null)
                            Visit(f.SelectionSet, def?.Type.Named, depth + 1, fragmentsOnPath);
                        break;
                    case InlineFragmentNode inf:
                        Visit(inf.SelectionSet, inf.TypeCondition is null ? parent : ctx.Schema.GetType(inf.TypeCondition.Name.Value), depth, fragmentsOnPath);
                        break;
                    case FragmentSpreadNode fs:
                        if (ctx.GetFragment(fs.Name.Value) is { } frag && fragmentsOnPath.Add(fs.Name.Value))
                        {
                            Visit(frag.SelectionSet, ctx.Schema.GetType(frag.TypeCondition.Name.Value), depth, fragmentsOnPath);
                            fragmentsOnPath.Remove(fs.Name.Value);
                        }
                        break;
                }
            }
        }
    }
}

/// <summary>Rejects operations nested deeper than the limit (introspection fields are not counted).</summary>
public sealed class MaxDepthRule(int maxDepth) : IValidationRule
{
    /// <inheritdoc />
    public string Name => "MaxDepth";

    /// <inheritdoc />
    public ValidationVisitor CreateVisitor(ValidationContext context) => new()
    {
        Leave = node =>
        {
            if (node is not OperationDefinitionNode op) return;
            var max = 0;
            OperationWalker.Walk(context, op, (f, _, depth) =>
            {
                if (f.Name.Value.StartsWith("__", StringComparison.Ordinal)) return false;
                max = Math.Max(max, depth);
                return depth <= maxDepth;
            });
            if (max > maxDepth)
                context.ReportError($"Query depth exceeds the maximum allowed depth of {maxDepth}.", op);
        },
    };
}

/// <summary>Limits the number of aliases and of field selections (after fragment expansion) per operation.</summary>
public sealed class MaxFieldsRule(int? maxAliases, int? maxFields) : IValidationRule
{
    /// <inheritdoc />
    public string Name => "MaxFields";

    /// <inheritdoc />
    public ValidationVisitor CreateVisitor(ValidationContext context) => new()
    {
        Leave = node =>
        {
            if (node is not OperationDefinitionNode op) return;
            int aliases = 0, fields = 0;
            var limit = (long)(maxFields ?? int.MaxValue) + (maxAliases ?? int.MaxValue);
            OperationWalker.Walk(context, op, (f, _, _) =>
            {
                fields++;
                if (f.Alias is not null) aliases++;
                return fields + aliases <= limit;
            });
            if (maxAliases is { } ma && aliases > ma)
                context.ReportError($"Operation has {aliases} aliases, more than the maximum of {ma}.", op);
            if (maxFields is { } mf && fields > mf)
                context.ReportError($"Operation selects {fields} fields, more than the maximum of {mf}.", op);
        },
    };
}

/// <summary>
/// Cost analysis: each field costs its <see cref="FieldDefinition.Cost"/>; the cost of the selections under a list field is
/// multiplied by its <c>first</c>/<c>last</c> argument (or the default list size).
/// </summary>
public sealed class ComplexityRule(int maxComplexity, int defaultListSize = 10) : IValidationRule
{
    /// <inheritdoc />
    public string Name => "Complexity";

    /// <inheritdoc />
    public ValidationVisitor CreateVisitor(ValidationContext context) => new()
    {
        Leave = node =>
        {
            if (node is not OperationDefinitionNode op) return;
            var root = context.Schema.GetRootType(op.Operation);
            if (root is null) return;
            var cost = Measure(context, op.SelectionSet, root, [], maxComplexity);
            if (cost > maxComplexity)
                context.ReportError($"Operation complexity {cost} exceeds the maximum allowed complexity of {maxComplexity}.", op);
        },
    };

    /// <summary>Computes the cost of a selection set; stops early once above <paramref name="cap"/>.</summary>
    public long Measure(ValidationContext ctx, SelectionSetNode ss, NamedType? parent, HashSet<string> fragmentsOnPath, long cap)
    {
        long total = 0;
        foreach (var sel in ss.Selections)
        {
            if (total > cap) return total;
            switch (sel)
            {
                case FieldNode f:
                    {
                        if (f.Name.Value.StartsWith("__", StringComparison.Ordinal)) continue;
                        var def = ctx.GetFieldDef(parent, f.Name.Value);
                        long cost = def?.Cost ?? 1;
                        if (f.SelectionSet is not null)
                        {
                            var child = Measure(ctx, f.SelectionSet, def?.Type.Named, fragmentsOnPath, cap);
                            cost += Multiplier(f, def) * child;
                        }
                        total += cost;
                        break;
                    }
                case InlineFragmentNode inf:
                    total += Measure(ctx, inf.SelectionSet, inf.TypeCondition is null ? parent : ctx.Schema.GetType(inf.TypeCondition.Name.Value), fragmentsOnPath, cap);
                    break;
                case FragmentSpreadNode fs:
                    if (ctx.GetFragment(fs.Name.Value) is { } frag && fragmentsOnPath.Add(fs.Name.Value))
                    {
                        total += Measure(ctx, frag.SelectionSet, ctx.Schema.GetType(frag.TypeCondition.Name.Value), fragmentsOnPath, cap);
                        fragmentsOnPath.Remove(fs.Name.Value);
                    }
                    break;
            }
        }
        return total;
    }

    private long Multiplier(FieldNode f, FieldDefinition? def)
    {
        foreach (var a in f.Arguments)
        {
            if (a.Name.Value is "first" or "last")
            {
                return a.Value is IntValueNode i && long.TryParse(i.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n)
                    ? Math.Max(n, 1)
                    : defaultListSize;
            }
        }
        var nullable = def?.Type.NullableType;
        return nullable is ListType ? defaultListSize : 1;
    }
}

/// <summary>Forbids <c>__schema</c> and <c>__type</c> (used when introspection is disabled).</summary>
public sealed class NoSchemaIntrospectionRule : IValidationRule
{
    /// <inheritdoc />
    public string Name => "NoSchemaIntrospection";

    /// <inheritdoc />
    public ValidationVisitor CreateVisitor(ValidationContext context) => new()
    {
        Enter = node =>
        {
            if (node is FieldNode f && f.Name.Value is "__schema" or "__type" && context.ParentType is not null)
                context.ReportError($"GraphQL introspection has been disabled, but the requested query contained the field \"{f.Name.Value}\".", f);
        },
    };
}
