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
    /// <summary>
    /// Built-in rules only: the visitor keeps no per-document state except what it resets when it enters the document node,
    /// so one visitor serves every document validated with the same (reused) context.
    /// </summary>
    internal bool Reusable { get; init; }
    /// <inheritdoc />
    public override string ToString() => Name;
}

/// <summary>A variable reference found in a value, with the input type expected at that position.</summary>
internal readonly record struct VariableUsage(VariableNode Node, GraphQLType? Type, bool HasLocationDefault, GraphQLType? ParentType);

/// <summary>Runs validation rules over a document (spec section 5).</summary>
public static class DocumentValidator
{
    // One context (and the visitors of the built-in rules bound to it) per thread, reused from document to document:
    // validation is synchronous, so a thread validates one document at a time; taken out while in use (re-entrancy).
    [ThreadStatic] private static ValidationSession? t_session;

    /// <summary>Validates <paramref name="document"/> against <paramref name="schema"/> with <paramref name="rules"/> (default: all specified rules); stops after <paramref name="maxErrors"/>.</summary>
    public static IReadOnlyList<GraphQLError> Validate(Schema schema, DocumentNode document, IReadOnlyList<IValidationRule>? rules = null, int maxErrors = 100)
    {
        rules ??= SpecifiedRules.All;
        var session = t_session;
        t_session = null;
        if (session is null || !ReferenceEquals(session.Rules, rules) || session.Visitors.Length != rules.Count) session = new ValidationSession(rules);
        var context = session.Context;
        context.Reset(schema, document, maxErrors);
        var visitors = session.Visitors;
        for (var i = 0; i < visitors.Length; i++)
        {
            var rule = rules[i];
            if (!IsReusable(rule))
            {
                visitors[i] = rule.CreateVisitor(context);
                continue;
            }
            // Keyed by the rule too: a caller's list may have changed since this session was made.
            if (!ReferenceEquals(session.ReusableRules[i], rule))
            {
                session.ReusableRules[i] = rule;
                session.Reusable[i] = rule.CreateVisitor(context);
            }
            visitors[i] = session.Reusable[i]!;
        }
        try
        {
            context.Walk(document, visitors);
        }
        catch (TooManyValidationErrorsException)
        {
            context.AddAbortError();
        }
        var errors = context.TakeErrors();
        // Drop what belongs to this document before the session goes back (nothing of it may reach the next one).
        context.Clear();
        for (var i = 0; i < visitors.Length; i++) visitors[i] = null!;
        t_session = session;
        return errors;
    }

    // Built-in rules whose visitors keep no state across documents (they reset it when entering the document node).
    private static bool IsReusable(IValidationRule rule) => rule is ValidationRule { Reusable: true } or OverlappingFieldsCanBeMergedRule;

    private sealed class ValidationSession(IReadOnlyList<IValidationRule> rules)
    {
        public IReadOnlyList<IValidationRule> Rules { get; } = rules;
        public ValidationContext Context { get; } = new();
        public ValidationVisitor[] Visitors { get; } = new ValidationVisitor[rules.Count];
        public ValidationVisitor?[] Reusable { get; } = new ValidationVisitor?[rules.Count];
        public IValidationRule?[] ReusableRules { get; } = new IValidationRule?[rules.Count];
    }
}

internal sealed class TooManyValidationErrorsException : Exception;

/// <summary>What a rule sees while the document is walked: the schema, the type information at the current node, and the errors.</summary>
/// <remarks>A context is reused for the next document on the same thread: keep nothing from it after validation.</remarks>
public sealed class ValidationContext
{
    private static readonly GraphQLError[] NoErrors = [];

    private List<GraphQLError>? _errors;
    private int _maxErrors;
    private readonly Dictionary<string, FragmentDefinitionNode> _fragments = new(StringComparer.Ordinal);
    private readonly Dictionary<SelectionSetNode, List<FragmentSpreadNode>> _spreads = [];
    private readonly Dictionary<OperationDefinitionNode, List<FragmentDefinitionNode>> _recursiveFragments = [];
    private readonly Dictionary<ExecutableDefinitionNode, List<VariableUsage>> _variableUsages = [];

    // Lists handed out by the caches above go back to these pools when the context is cleared.
    private readonly Stack<List<FragmentSpreadNode>> _spreadLists = new();
    private readonly Stack<List<FragmentDefinitionNode>> _fragmentLists = new();
    private readonly Stack<List<VariableUsage>> _usageLists = new();
    private readonly Stack<SelectionSetNode> _selectionSetScratch = new();
    private readonly HashSet<string> _nameScratch = new(StringComparer.Ordinal);
    private readonly List<SelectionSetNode> _toVisitScratch = [];

    private readonly List<GraphQLType?> _typeStack = [];
    private readonly List<NamedType?> _parentTypeStack = [];
    private readonly List<GraphQLType?> _inputTypeStack = [];
    private readonly List<FieldDefinition?> _fieldDefStack = [];
    private readonly List<bool> _defaultValueStack = [];
    private ExecutableDefinitionNode? _currentDefinition;
    private bool _collectUsages;

    internal ValidationContext()
    {
        Schema = null!;
        Document = null!;
    }

    /// <summary>Prepares the context for <paramref name="document"/>: fragments by name and the variable usages.</summary>
    internal void Reset(Schema schema, DocumentNode document, int maxErrors)
    {
        Clear();
        Schema = schema;
        Document = document;
        _maxErrors = maxErrors;
        var definitions = document.Definitions;
        for (var i = 0; i < definitions.Count; i++)
        {
            if (definitions[i] is FragmentDefinitionNode f) _fragments.TryAdd(f.Name.Value, f);
        }
        // Pre-pass: variable usages per definition (with their expected types) so rules can ask at any time.
        _collectUsages = true;
        Walk(document, []);
        _collectUsages = false;
    }

    /// <summary>Forgets the document (caches emptied, their lists pooled, stacks emptied even after an aborted walk).</summary>
    internal void Clear()
    {
        _errors = null;
        _fragments.Clear();
        foreach (var list in _spreads.Values)
        {
            list.Clear();
            _spreadLists.Push(list);
        }
        _spreads.Clear();
        foreach (var list in _recursiveFragments.Values)
        {
            list.Clear();
            _fragmentLists.Push(list);
        }
        _recursiveFragments.Clear();
        foreach (var list in _variableUsages.Values)
        {
            list.Clear();
            _usageLists.Push(list);
        }
        _variableUsages.Clear();
        _selectionSetScratch.Clear();
        _nameScratch.Clear();
        _toVisitScratch.Clear();
        _typeStack.Clear();
        _parentTypeStack.Clear();
        _inputTypeStack.Clear();
        _fieldDefStack.Clear();
        _defaultValueStack.Clear();
        _currentDefinition = null;
        _collectUsages = false;
        _inVariableDefinition = false;
        Directive = null;
        Argument = null;
        EnumValue = null;
        Schema = null!;
        Document = null!;
    }

    /// <summary>The errors of this document, handed to the caller (the context will not touch the list again).</summary>
    internal IReadOnlyList<GraphQLError> TakeErrors()
    {
        IReadOnlyList<GraphQLError> errors = _errors ?? (IReadOnlyList<GraphQLError>)NoErrors;
        _errors = null;
        return errors;
    }

    /// <summary>The schema.</summary>
    public Schema Schema { get; private set; }
    /// <summary>The document being validated.</summary>
    public DocumentNode Document { get; private set; }
    /// <summary>The errors reported so far.</summary>
    public IReadOnlyList<GraphQLError> Errors => _errors ?? (IReadOnlyList<GraphQLError>)NoErrors;

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
        (_errors ??= []).Add(new GraphQLError(message, nodes));
        if (_errors.Count >= _maxErrors) throw new TooManyValidationErrorsException();
    }

    internal void AddAbortError() =>
        (_errors ??= []).Add(new GraphQLError("Too many validation errors, error limit reached. Validation aborted."));

    /// <summary>The fragment called <paramref name="name"/>, or null.</summary>
    public FragmentDefinitionNode? GetFragment(string name) => _fragments.GetValueOrDefault(name);

    /// <summary>The fragment spreads directly in <paramref name="selectionSet"/> and its nested inline fragments.</summary>
    public IReadOnlyList<FragmentSpreadNode> GetFragmentSpreads(SelectionSetNode selectionSet)
    {
        if (_spreads.TryGetValue(selectionSet, out var cached)) return cached;
        var spreads = _spreadLists.TryPop(out var pooled) ? pooled : [];
        var stack = _selectionSetScratch;
        stack.Clear();
        stack.Push(selectionSet);
        while (stack.Count > 0)
        {
            var selections = stack.Pop().Selections;
            for (var i = 0; i < selections.Count; i++)
            {
                switch (selections[i])
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
        var fragments = _fragmentLists.TryPop(out var pooled) ? pooled : [];
        var collected = _nameScratch;
        collected.Clear();
        // Not the scratch stack: GetFragmentSpreads uses that one while this walk is under way.
        var toVisit = _toVisitScratch;
        toVisit.Clear();
        toVisit.Add(operation.SelectionSet);
        while (toVisit.Count > 0)
        {
            var next = toVisit[^1];
            toVisit.RemoveAt(toVisit.Count - 1);
            var spreads = GetFragmentSpreads(next);
            for (var i = 0; i < spreads.Count; i++)
            {
                var spread = spreads[i];
                if (!collected.Add(spread.Name.Value)) continue;
                if (GetFragment(spread.Name.Value) is { } f)
                {
                    fragments.Add(f);
                    toVisit.Add(f.SelectionSet);
                }
            }
        }
        collected.Clear();
        _recursiveFragments[operation] = fragments;
        return fragments;
    }

    internal IReadOnlyList<VariableUsage> GetVariableUsages(ExecutableDefinitionNode definition) =>
        _variableUsages.TryGetValue(definition, out var list) ? list : [];

    /// <summary>Adds the usages of <paramref name="operation"/> and of every fragment it uses to <paramref name="into"/> (emptied first).</summary>
    internal void GetRecursiveVariableUsages(OperationDefinitionNode operation, List<VariableUsage> into)
    {
        into.Clear();
        if (_variableUsages.TryGetValue(operation, out var own)) into.AddRange(own);
        var fragments = GetRecursivelyReferencedFragments(operation);
        for (var i = 0; i < fragments.Count; i++)
        {
            if (_variableUsages.TryGetValue(fragments[i], out var list)) into.AddRange(list);
        }
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
        for (var i = 0; i < visitors.Length; i++) visitors[i].Enter?.Invoke(node);
        // Indexed loops: foreach over an IReadOnlyList allocates an enumerator per node.
        switch (node)
        {
            case DocumentNode d:
                for (var i = 0; i < d.Definitions.Count; i++)
                {
                    var def = d.Definitions[i];
                    if (def is ExecutableDefinitionNode ed) _currentDefinition = ed;
                    Walk(def, visitors);
                }
                break;
            case OperationDefinitionNode o:
                WalkAll(o.VariableDefinitions, visitors);
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
                WalkAll(ss.Selections, visitors);
                break;
            case FieldNode f:
                WalkAll(f.Arguments, visitors);
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
                WalkAll(l.Values, visitors);
                break;
            case ObjectValueNode ov:
                WalkAll(ov.Fields, visitors);
                break;
            case ObjectFieldNode of:
                Walk(of.Value, visitors);
                break;
            case DirectiveNode dir:
                WalkAll(dir.Arguments, visitors);
                break;
            case ListTypeNode lt:
                Walk(lt.Type, visitors);
                break;
            case NonNullTypeNode nn:
                Walk(nn.Type, visitors);
                break;
        }
        for (var i = 0; i < visitors.Length; i++) visitors[i].Leave?.Invoke(node);
        LeaveTypeInfo(node);
    }

    private void WalkAll<T>(IReadOnlyList<T> nodes, ValidationVisitor[] visitors) where T : SyntaxNode
    {
        for (var i = 0; i < nodes.Count; i++) Walk(nodes[i], visitors);
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
                    if (!_variableUsages.TryGetValue(_currentDefinition, out var list))
                        _variableUsages[_currentDefinition] = list = _usageLists.TryPop(out var pooled) ? pooled : [];
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
