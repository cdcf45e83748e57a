using ImageTagger.GraphQL.Introspection;
using ImageTagger.GraphQL.Language;
using ImageTagger.GraphQL.Types;

namespace ImageTagger.GraphQL.Validation;

/// <summary>Callbacks of one rule for one document; Enter/Leave see every node with type information available on the context.</summary>
public sealed class ValidationVisitor
{
    /// <summary>Called when the walk enters a node.</summary>
    public Action<SyntaxNode>? Enter { get; init; }
    /// <summary>Called when the walk leaves a node.</summary>
    public Action<SyntaxNode>? Leave { get; init; }
}

/// <summary>A validation rule: creates fresh visitor state for each document.</summary>
public interface IValidationRule
{
    /// <summary>The rule's name.</summary>
    string Name { get; }
    /// <summary>Creates the callbacks for one document.</summary>
    ValidationVisitor CreateVisitor(ValidationContext context);
}

/// <summary>A rule defined by a factory delegate that creates fresh per-document state.</summary>
public sealed class ValidationRule(string name, Func<ValidationContext, ValidationVisitor> factory) : IValidationRule
{
    /// <inheritdoc />
    public string Name { get; } = name;
    /// <inheritdoc />
    public ValidationVisitor CreateVisitor(ValidationContext context) => factory(context);
    /// <inheritdoc />
    public override string ToString() => Name;
}

/// <summary>A variable reference found in a value, with the input type expected at that position.</summary>
internal readonly record struct VariableUsage(VariableNode Node, GraphQLType? Type, bool HasLocationDefault, GraphQLType? ParentType);

/// <summary>Runs validation rules over a document (spec section 5).</summary>
public static class DocumentValidator
{
    /// <summary>Validates <paramref name="document"/> against <paramref name="schema"/> with <paramref name="rules"/> (default: all specified rules); stops after <paramref name="maxErrors"/>.</summary>
    public static IReadOnlyList<GraphQLError> Validate(Schema schema, DocumentNode document, IReadOnlyList<IValidationRule>? rules = null, int maxErrors = 100)
    {
        var context = new ValidationContext(schema, document, maxErrors);
        var visitors = (rules ?? SpecifiedRules.All).Select(r => r.CreateVisitor(context)).ToArray();
        try
        {
            context.Walk(document, visitors);
        }
        catch (TooManyValidationErrorsException)
        {
            context.AddAbortError();
        }
        return context.Errors;
    }
}

internal sealed class TooManyValidationErrorsException : Exception;

/// <summary>What a rule sees while the document is walked: the schema, the type information at the current node, and the errors.</summary>
public sealed class ValidationContext
{
    private readonly List<GraphQLError> _errors = [];
    private readonly int _maxErrors;
    private readonly Dictionary<string, FragmentDefinitionNode> _fragments = new(StringComparer.Ordinal);
    private readonly Dictionary<SelectionSetNode, List<FragmentSpreadNode>> _spreads = [];
    private readonly Dictionary<OperationDefinitionNode, List<FragmentDefinitionNode>> _recursiveFragments = [];
    private readonly Dictionary<ExecutableDefinitionNode, List<VariableUsage>> _variableUsages = [];

    private readonly List<GraphQLType?> _typeStack = [];
    private readonly List<NamedType?> _parentTypeStack = [];
    private readonly List<GraphQLType?> _inputTypeStack = [];
    private readonly List<FieldDefinition?> _fieldDefStack = [];
    private readonly List<bool> _defaultValueStack = [];
    private ExecutableDefinitionNode? _currentDefinition;
    private bool _collectUsages;

    internal ValidationContext(Schema schema, DocumentNode document, int maxErrors)
    {
        Schema = schema;
        Document = document;
        _maxErrors = maxErrors;
        foreach (var f in document.Fragments) _fragments.TryAdd(f.Name.Value, f);
        // Pre-pass: variable usages per definition (with their expected types) so rules can ask at any time.
        _collectUsages = true;
        Walk(document, []);
        _collectUsages = false;
    }

    /// <summary>The schema.</summary>
    public Schema Schema { get; }
    /// <summary>The document being validated.</summary>
    public DocumentNode Document { get; }
    /// <summary>The errors reported so far.</summary>
    public IReadOnlyList<GraphQLError> Errors => _errors;

    /// <summary>The output type at the current node, if known.</summary>
    public GraphQLType? Type => Top(_typeStack);
    /// <summary>The composite type whose selection set holds the current node.</summary>
    public NamedType? ParentType => Top(_parentTypeStack);
    /// <summary>The input type expected at the current value.</summary>
    public GraphQLType? InputType => Top(_inputTypeStack);
    /// <summary>The input type that contains the current value.</summary>
    public GraphQLType? ParentInputType => _inputTypeStack.Count >= 2 ? _inputTypeStack[^2] : null;
    /// <summary>The definition of the current field.</summary>
    public FieldDefinition? FieldDef => Top(_fieldDefStack);
    /// <summary>The definition of the current directive.</summary>
    public DirectiveDefinition? Directive { get; private set; }
    /// <summary>The definition of the current argument.</summary>
    public InputValueDefinition? Argument { get; private set; }
    /// <summary>The definition of the current enum value.</summary>
    public EnumValueDefinition? EnumValue { get; private set; }

    private static T? Top<T>(List<T?> stack) => stack.Count > 0 ? stack[^1] : default;

    /// <summary>Reports an error at <paramref name="nodes"/>.</summary>
    public void ReportError(string message, params SyntaxNode?[] nodes)
    {
        _errors.Add(new GraphQLError(message, nodes));
        if (_errors.Count >= _maxErrors) throw new TooManyValidationErrorsException();
    }

    internal void AddAbortError() =>
        _errors.Add(new GraphQLError("Too many validation errors, error limit reached. Validation aborted."));

    /// <summary>The fragment called <paramref name="name"/>, or null.</summary>
    public FragmentDefinitionNode? GetFragment(string name) => _fragments.GetValueOrDefault(name);

    /// <summary>The fragment spreads directly in <paramref name="selectionSet"/> and its nested inline fragments.</summary>
    public IReadOnlyList<FragmentSpreadNode> GetFragmentSpreads(SelectionSetNode selectionSet)
    {
        if (_spreads.TryGetValue(selectionSet, out var cached)) return cached;
        var spreads = new List<FragmentSpreadNode>();
        var stack = new Stack<SelectionSetNode>();
        stack.Push(selectionSet);
        while (stack.Count > 0)
        {
            foreach (var s in stack.Pop().Selections)
            {
                switch (s)
                {
                    case FragmentSpreadNode fs: spreads.Add(fs); break;
                    case FieldNode { SelectionSet: { } ss }: stack.Push(ss); break;
                    case InlineFragmentNode inf: stack.Push(inf.SelectionSet); break;
                }
            }
        }
        _spreads[selectionSet] = spreads;
        return spreads;
    }

    /// <summary>Every fragment an operation uses, directly or through other fragments.</summary>
    public IReadOnlyList<FragmentDefinitionNode> GetRecursivelyReferencedFragments(OperationDefinitionNode operation)
    {
        if (_recursiveFragments.TryGetValue(operation, out var cached)) return cached;
        var fragments = new List<FragmentDefinitionNode>();
        var collected = new HashSet<string>();
        var toVisit = new Stack<SelectionSetNode>();
        toVisit.Push(operation.SelectionSet);
        while (toVisit.Count > 0)
        {
            foreach (var spread in GetFragmentSpreads(toVisit.Pop()))
            {
                if (!collected.Add(spread.Name.Value)) continue;
                if (GetFragment(spread.Name.Value) is { } f)
                {
                    fragments.Add(f);
                    toVisit.Push(f.SelectionSet);
                }
            }
        }
        _recursiveFragments[operation] = fragments;
        return fragments;
    }

    internal IReadOnlyList<VariableUsage> GetVariableUsages(ExecutableDefinitionNode definition) =>
        _variableUsages.TryGetValue(definition, out var list) ? list : [];

    internal IReadOnlyList<VariableUsage> GetRecursiveVariableUsages(OperationDefinitionNode operation)
    {
        var usages = new List<VariableUsage>(GetVariableUsages(operation));
        foreach (var f in GetRecursivelyReferencedFragments(operation)) usages.AddRange(GetVariableUsages(f));
        return usages;
    }

    /// <summary>Field definition lookup including the introspection meta fields.</summary>
    public FieldDefinition? GetFieldDef(NamedType? parentType, string name)
    {
        if (parentType is null) return null;
        if (name == "__typename" && parentType is ObjectType or InterfaceType or UnionType) return IntrospectionSchema.TypeNameField;
        if (ReferenceEquals(parentType, Schema.Query))
        {
            if (name == "__schema") return IntrospectionSchema.SchemaField;
            if (name == "__type") return IntrospectionSchema.TypeField;
        }
        return (parentType as ComplexType)?.GetField(name);
    }

    internal void Walk(SyntaxNode node, ValidationVisitor[] visitors)
    {
        EnterTypeInfo(node);
        foreach (var v in visitors) v.Enter?.Invoke(node);
        switch (node)
        {
            case DocumentNode d:
                foreach (var def in d.Definitions)
                {
                    if (def is ExecutableDefinitionNode ed) _currentDefinition = ed;
                    Walk(def, visitors);
                }
                break;
            case OperationDefinitionNode o:
                foreach (var v in o.VariableDefinitions) Walk(v, visitors);
                WalkAll(o.Directives, visitors);
                Walk(o.SelectionSet, visitors);
                break;
            case VariableDefinitionNode vd:
                Walk(vd.Variable, visitors);
                Walk(vd.Type, visitors);
                if (vd.DefaultValue is not null) Walk(vd.DefaultValue, visitors);
                WalkAll(vd.Directives, visitors);
                break;
            case SelectionSetNode ss:
                foreach (var s in ss.Selections) Walk(s, visitors);
                break;
            case FieldNode f:
                foreach (var a in f.Arguments) Walk(a, visitors);
                WalkAll(f.Directives, visitors);
                if (f.SelectionSet is not null) Walk(f.SelectionSet, visitors);
                break;
            case ArgumentNode a:
                Walk(a.Value, visitors);
                break;
            case FragmentSpreadNode fs:
                WalkAll(fs.Directives, visitors);
                break;
            case InlineFragmentNode inf:
                if (inf.TypeCondition is not null) Walk(inf.TypeCondition, visitors);
                WalkAll(inf.Directives, visitors);
                Walk(inf.SelectionSet, visitors);
                break;
            case FragmentDefinitionNode fd:
                Walk(fd.TypeCondition, visitors);
                WalkAll(fd.Directives, visitors);
                Walk(fd.SelectionSet, visitors);
                break;
            case ListValueNode l:
                foreach (var v in l.Values) Walk(v, visitors);
                break;
            case ObjectValueNode ov:
                foreach (var f in ov.Fields) Walk(f, visitors);
                break;
            case ObjectFieldNode of:
                Walk(of.Value, visitors);
                break;
            case DirectiveNode dir:
                foreach (var a in dir.Arguments) Walk(a, visitors);
                break;
            case ListTypeNode lt:
                Walk(lt.Type, visitors);
                break;
            case NonNullTypeNode nn:
                Walk(nn.Type, visitors);
                break;
        }
        foreach (var v in visitors) v.Leave?.Invoke(node);
        LeaveTypeInfo(node);
    }

    private void WalkAll(IReadOnlyList<DirectiveNode> directives, ValidationVisitor[] visitors)
    {
        foreach (var d in directives) Walk(d, visitors);
    }

    private bool _inVariableDefinition;

    // Mirrors graphql-js TypeInfo.enter / leave.
    private void EnterTypeInfo(SyntaxNode node)
    {
        switch (node)
        {
            case SelectionSetNode:
                {
                    var named = Type?.Named;
                    _parentTypeStack.Add(named is { IsCompositeType: true } ? named : null);
                    break;
                }
            case FieldNode f:
                {
                    var fieldDef = GetFieldDef(ParentType, f.Name.Value);
                    _fieldDefStack.Add(fieldDef);
                    _typeStack.Add(fieldDef?.Type is { IsOutputType: true } t ? t : null);
                    break;
                }
            case DirectiveNode d:
                Directive = Schema.GetDirective(d.Name.Value);
                break;
            case OperationDefinitionNode o:
                _typeStack.Add(Schema.GetRootType(o.Operation));
                break;
            case InlineFragmentNode inf:
                {
                    var t = inf.TypeCondition is not null ? Schema.GetType(inf.TypeCondition.Name.Value) : Type?.Named;
                    _typeStack.Add(t is { IsOutputType: true } ? t : null);
                    break;
                }
            case FragmentDefinitionNode fd:
                {
                    var t = Schema.GetType(fd.TypeCondition.Name.Value);
                    _typeStack.Add(t is { IsOutputType: true } ? t : null);
                    break;
                }
            case VariableDefinitionNode vd:
                {
                    _inVariableDefinition = true;
                    var t = Schema.ResolveTypeNode(vd.Type);
                    _inputTypeStack.Add(t is { IsInputType: true } ? t : null);
                    break;
                }
            case ArgumentNode a:
                {
                    var argDef = Directive is not null ? Directive.GetArgument(a.Name.Value) : FieldDef?.GetArgument(a.Name.Value);
                    Argument = argDef;
                    _defaultValueStack.Add(argDef?.HasDefaultValue ?? false);
                    _inputTypeStack.Add(argDef?.Type is { IsInputType: true } t ? t : null);
                    break;
                }
            case ListValueNode:
                {
                    var listType = InputType?.NullableType;
                    var itemType = listType is ListType lt ? lt.OfType : listType;
                    _defaultValueStack.Add(false);
                    _inputTypeStack.Add(itemType is { IsInputType: true } ? itemType : null);
                    break;
                }
            case ObjectFieldNode of:
                {
                    InputValueDefinition? field = InputType?.Named is InputObjectType io ? io.GetField(of.Name.Value) : null;
                    _defaultValueStack.Add(field?.HasDefaultValue ?? false);
                    _inputTypeStack.Add(field?.Type is { IsInputType: true } t ? t : null);
                    break;
                }
            case EnumValueNode ev:
                EnumValue = InputType?.Named is EnumType et ? et.GetValue(ev.Value) : null;
                break;
            case VariableNode v when _collectUsages && !_inVariableDefinition && _currentDefinition is not null:
                {
                    if (!_variableUsages.TryGetValue(_currentDefinition, out var list)) _variableUsages[_currentDefinition] = list = [];
                    list.Add(new VariableUsage(v, InputType, _defaultValueStack.Count > 0 && _defaultValueStack[^1], ParentInputType));
                    break;
                }
        }
    }

    private void LeaveTypeInfo(SyntaxNode node)
    {
        switch (node)
        {
            case SelectionSetNode:
                _parentTypeStack.RemoveAt(_parentTypeStack.Count - 1);
                break;
            case FieldNode:
                _fieldDefStack.RemoveAt(_fieldDefStack.Count - 1);
                _typeStack.RemoveAt(_typeStack.Count - 1);
                break;
            case DirectiveNode:
                Directive = null;
                break;
            case OperationDefinitionNode or InlineFragmentNode or FragmentDefinitionNode:
                _typeStack.RemoveAt(_typeStack.Count - 1);
                break;
            case VariableDefinitionNode:
                _inVariableDefinition = false;
                _inputTypeStack.RemoveAt(_inputTypeStack.Count - 1);
                break;
            case ArgumentNode:
                Argument = null;
                _defaultValueStack.RemoveAt(_defaultValueStack.Count - 1);
                _inputTypeStack.RemoveAt(_inputTypeStack.Count - 1);
                break;
            case ListValueNode or ObjectFieldNode:
                _defaultValueStack.RemoveAt(_defaultValueStack.Count - 1);
                _inputTypeStack.RemoveAt(_inputTypeStack.Count - 1);
                break;
            case EnumValueNode:
                EnumValue = null;
                break;
        }
    }
}
