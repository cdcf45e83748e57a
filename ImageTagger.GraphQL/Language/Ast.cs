namespace ImageTagger.GraphQL.Language;

/// <summary>Source position of a node: character offsets plus 1-based line/column of the start.</summary>
public readonly record struct Location(int Start, int End, int Line, int Column);

/// <summary>Base class of every syntax tree node.</summary>
public abstract class SyntaxNode
{
    /// <summary>Where the node is in the source; null for nodes built in code.</summary>
    public Location? Location { get; init; }
}

/// <summary>A name (of a field, type, argument, ...).</summary>
public sealed class NameNode(string value) : SyntaxNode
{
    /// <summary>The name's text.</summary>
    public string Value { get; } = value;
    /// <inheritdoc />
    public override string ToString() => Value;
}

/// <summary>A parsed document: executable and/or type-system definitions.</summary>
public sealed class DocumentNode(IReadOnlyList<DefinitionNode> definitions) : SyntaxNode
{
    /// <summary>The definitions in source order.</summary>
    public IReadOnlyList<DefinitionNode> Definitions { get; } = definitions;
    /// <summary>The operation definitions.</summary>
    public IEnumerable<OperationDefinitionNode> Operations => Definitions.OfType<OperationDefinitionNode>();
    /// <summary>The fragment definitions.</summary>
    public IEnumerable<FragmentDefinitionNode> Fragments => Definitions.OfType<FragmentDefinitionNode>();
}

/// <summary>A top-level definition.</summary>
public abstract class DefinitionNode : SyntaxNode;

/// <summary>An operation or fragment definition.</summary>
public abstract class ExecutableDefinitionNode : DefinitionNode
{
    /// <summary>The directives on the definition.</summary>
    public IReadOnlyList<DirectiveNode> Directives { get; init; } = [];
    /// <summary>The selections.</summary>
    public required SelectionSetNode SelectionSet { get; init; }
}

/// <summary>The kind of an operation.</summary>
public enum OperationType
{
    /// <summary>A read-only fetch.</summary>
    Query,
    /// <summary>A write followed by a fetch; top-level fields run one after another.</summary>
    Mutation,
    /// <summary>A long-lived request that yields a result per source event.</summary>
    Subscription,
}

/// <summary>A query, mutation or subscription.</summary>
public sealed class OperationDefinitionNode : ExecutableDefinitionNode
{
    /// <summary>Which kind of operation.</summary>
    public OperationType Operation { get; init; }
    /// <summary>The operation's name; null when anonymous.</summary>
    public NameNode? Name { get; init; }
    /// <summary>The declared variables.</summary>
    public IReadOnlyList<VariableDefinitionNode> VariableDefinitions { get; init; } = [];
}

/// <summary>A named fragment: <c>fragment Name on Type { ... }</c>.</summary>
public sealed class FragmentDefinitionNode : ExecutableDefinitionNode
{
    /// <summary>The fragment's name.</summary>
    public required NameNode Name { get; init; }
    /// <summary>The type the fragment applies to.</summary>
    public required NamedTypeNode TypeCondition { get; init; }
}

/// <summary>A variable declaration: <c>$name: Type = default</c>.</summary>
public sealed class VariableDefinitionNode : SyntaxNode
{
    /// <summary>The variable.</summary>
    public required VariableNode Variable { get; init; }
    /// <summary>The declared type.</summary>
    public required TypeNode Type { get; init; }
    /// <summary>The default value, if any.</summary>
    public ValueNode? DefaultValue { get; init; }
    /// <summary>The directives on the declaration.</summary>
    public IReadOnlyList<DirectiveNode> Directives { get; init; } = [];
}

/// <summary>A selection set: <c>{ ... }</c>.</summary>
public sealed class SelectionSetNode(IReadOnlyList<SelectionNode> selections) : SyntaxNode
{
    /// <summary>The selections in source order.</summary>
    public IReadOnlyList<SelectionNode> Selections { get; } = selections;
}

/// <summary>A field, fragment spread or inline fragment.</summary>
public abstract class SelectionNode : SyntaxNode
{
    /// <summary>The directives on the selection.</summary>
    public IReadOnlyList<DirectiveNode> Directives { get; init; } = [];
}

/// <summary>A field selection.</summary>
public sealed class FieldNode : SelectionNode
{
    /// <summary>The alias, if any.</summary>
    public NameNode? Alias { get; init; }
    /// <summary>The field name.</summary>
    public required NameNode Name { get; init; }
    /// <summary>The arguments.</summary>
    public IReadOnlyList<ArgumentNode> Arguments { get; init; } = [];
    /// <summary>The sub-selections of a composite field.</summary>
    public SelectionSetNode? SelectionSet { get; init; }
    /// <summary>The response key: alias if present, else the field name.</summary>
    public string ResponseKey => Alias?.Value ?? Name.Value;
}

/// <summary>A fragment spread: <c>...Name</c>.</summary>
public sealed class FragmentSpreadNode : SelectionNode
{
    /// <summary>The fragment's name.</summary>
    public required NameNode Name { get; init; }
}

/// <summary>An inline fragment: <c>... on Type { ... }</c>.</summary>
public sealed class InlineFragmentNode : SelectionNode
{
    /// <summary>The type condition; null when absent.</summary>
    public NamedTypeNode? TypeCondition { get; init; }
    /// <summary>The selections.</summary>
    public required SelectionSetNode SelectionSet { get; init; }
}

/// <summary>An argument: <c>name: value</c>.</summary>
public sealed class ArgumentNode(NameNode name, ValueNode value) : SyntaxNode
{
    /// <summary>The argument's name.</summary>
    public NameNode Name { get; } = name;
    /// <summary>The argument's value.</summary>
    public ValueNode Value { get; } = value;
}

/// <summary>A directive: <c>@name(args)</c>.</summary>
public sealed class DirectiveNode(NameNode name, IReadOnlyList<ArgumentNode> arguments) : SyntaxNode
{
    /// <summary>The directive's name.</summary>
    public NameNode Name { get; } = name;
    /// <summary>The arguments.</summary>
    public IReadOnlyList<ArgumentNode> Arguments { get; } = arguments;
}

// ---- values ----

/// <summary>A value literal.</summary>
public abstract class ValueNode : SyntaxNode;

/// <summary>A variable reference: <c>$name</c>.</summary>
public sealed class VariableNode(NameNode name) : ValueNode
{
    /// <summary>The variable's name.</summary>
    public NameNode Name { get; } = name;
}

/// <summary>An integer literal, kept as text.</summary>
public sealed class IntValueNode(string value) : ValueNode
{
    /// <summary>The literal's text.</summary>
    public string Value { get; } = value;
}

/// <summary>A float literal, kept as text.</summary>
public sealed class FloatValueNode(string value) : ValueNode
{
    /// <summary>The literal's text.</summary>
    public string Value { get; } = value;
}

/// <summary>A string literal (quoted or block).</summary>
public sealed class StringValueNode(string value, bool block = false) : ValueNode
{
    /// <summary>The string's value (escapes resolved, block indentation removed).</summary>
    public string Value { get; } = value;
    /// <summary>Whether it was written as a block string (<c>"""</c>).</summary>
    public bool Block { get; } = block;
}

/// <c>true</c> or <c>false</c>.
public sealed class BooleanValueNode(bool value) : ValueNode
{
    /// <summary>The value.</summary>
    public bool Value { get; } = value;
}

/// <c>null</c>.
public sealed class NullValueNode : ValueNode;

/// <summary>An enum value literal.</summary>
public sealed class EnumValueNode(string value) : ValueNode
{
    /// <summary>The enum value's name.</summary>
    public string Value { get; } = value;
}

/// <summary>A list literal.</summary>
public sealed class ListValueNode(IReadOnlyList<ValueNode> values) : ValueNode
{
    /// <summary>The elements.</summary>
    public IReadOnlyList<ValueNode> Values { get; } = values;
}

/// <summary>An input object literal.</summary>
public sealed class ObjectValueNode(IReadOnlyList<ObjectFieldNode> fields) : ValueNode
{
    /// <summary>The fields in source order.</summary>
    public IReadOnlyList<ObjectFieldNode> Fields { get; } = fields;
}

/// <summary>One field of an input object literal.</summary>
public sealed class ObjectFieldNode(NameNode name, ValueNode value) : SyntaxNode
{
    /// <summary>The field's name.</summary>
    public NameNode Name { get; } = name;
    /// <summary>The field's value.</summary>
    public ValueNode Value { get; } = value;
}

// ---- type references ----

/// <summary>A type reference.</summary>
public abstract class TypeNode : SyntaxNode
{
    /// <summary>The named type inside any list and non-null wrappers.</summary>
    public NamedTypeNode Named => this switch
    {
        NamedTypeNode n => n,
        ListTypeNode l => l.Type.Named,
        NonNullTypeNode nn => nn.Type.Named,
        _ => throw new InvalidOperationException(),
    };
}

/// <summary>A named type reference.</summary>
public sealed class NamedTypeNode(NameNode name) : TypeNode
{
    /// <summary>The type's name.</summary>
    public NameNode Name { get; } = name;
}

/// <summary>A list type reference: <c>[Type]</c>.</summary>
public sealed class ListTypeNode(TypeNode type) : TypeNode
{
    /// <summary>The element type.</summary>
    public TypeNode Type { get; } = type;
}

/// <summary>A non-null type reference: <c>Type!</c>.</summary>
public sealed class NonNullTypeNode(TypeNode type) : TypeNode
{
    /// <summary>The wrapped type.</summary>
    public TypeNode Type { get; } = type;
}

// ---- type system ----

/// <summary>A type-system definition or extension.</summary>
public abstract class TypeSystemDefinitionNode : DefinitionNode
{
    /// <summary>The description, if any.</summary>
    public StringValueNode? Description { get; init; }
    /// <summary>The directives on the definition.</summary>
    public IReadOnlyList<DirectiveNode> Directives { get; init; } = [];
    /// <summary>True for the <c>extend ...</c> form.</summary>
    public bool IsExtension { get; init; }
}

/// <summary>A <c>schema { ... }</c> definition.</summary>
public sealed class SchemaDefinitionNode : TypeSystemDefinitionNode
{
    /// <summary>The root operation types.</summary>
    public IReadOnlyList<OperationTypeDefinitionNode> OperationTypes { get; init; } = [];
}

/// <summary>One root operation type: <c>query: Query</c>.</summary>
public sealed class OperationTypeDefinitionNode(OperationType operation, NamedTypeNode type) : SyntaxNode
{
    /// <summary>The operation kind.</summary>
    public OperationType Operation { get; } = operation;
    /// <summary>The root type.</summary>
    public NamedTypeNode Type { get; } = type;
}

/// <summary>A named type definition.</summary>
public abstract class TypeDefinitionNode : TypeSystemDefinitionNode
{
    /// <summary>The type's name.</summary>
    public required NameNode Name { get; init; }
}

/// <summary>A <c>scalar</c> definition.</summary>
public sealed class ScalarTypeDefinitionNode : TypeDefinitionNode;

/// <summary>A <c>type</c> definition.</summary>
public sealed class ObjectTypeDefinitionNode : TypeDefinitionNode
{
    /// <summary>The implemented interfaces.</summary>
    public IReadOnlyList<NamedTypeNode> Interfaces { get; init; } = [];
    /// <summary>The fields.</summary>
    public IReadOnlyList<FieldDefinitionNode> Fields { get; init; } = [];
}

/// <summary>An <c>interface</c> definition.</summary>
public sealed class InterfaceTypeDefinitionNode : TypeDefinitionNode
{
    /// <summary>The implemented interfaces.</summary>
    public IReadOnlyList<NamedTypeNode> Interfaces { get; init; } = [];
    /// <summary>The fields.</summary>
    public IReadOnlyList<FieldDefinitionNode> Fields { get; init; } = [];
}

/// <summary>A <c>union</c> definition.</summary>
public sealed class UnionTypeDefinitionNode : TypeDefinitionNode
{
    /// <summary>The member types.</summary>
    public IReadOnlyList<NamedTypeNode> Types { get; init; } = [];
}

/// <summary>An <c>enum</c> definition.</summary>
public sealed class EnumTypeDefinitionNode : TypeDefinitionNode
{
    /// <summary>The values.</summary>
    public IReadOnlyList<EnumValueDefinitionNode> Values { get; init; } = [];
}

/// <summary>An <c>input</c> definition.</summary>
public sealed class InputObjectTypeDefinitionNode : TypeDefinitionNode
{
    /// <summary>The input fields.</summary>
    public IReadOnlyList<InputValueDefinitionNode> Fields { get; init; } = [];
}

/// <summary>A field definition in a type or interface.</summary>
public sealed class FieldDefinitionNode : SyntaxNode
{
    /// <summary>The description, if any.</summary>
    public StringValueNode? Description { get; init; }
    /// <summary>The field's name.</summary>
    public required NameNode Name { get; init; }
    /// <summary>The argument definitions.</summary>
    public IReadOnlyList<InputValueDefinitionNode> Arguments { get; init; } = [];
    /// <summary>The field's type.</summary>
    public required TypeNode Type { get; init; }
    /// <summary>The directives on the field.</summary>
    public IReadOnlyList<DirectiveNode> Directives { get; init; } = [];
}

/// <summary>An argument or input field definition.</summary>
public sealed class InputValueDefinitionNode : SyntaxNode
{
    /// <summary>The description, if any.</summary>
    public StringValueNode? Description { get; init; }
    /// <summary>The name.</summary>
    public required NameNode Name { get; init; }
    /// <summary>The type.</summary>
    public required TypeNode Type { get; init; }
    /// <summary>The default value, if any.</summary>
    public ValueNode? DefaultValue { get; init; }
    /// <summary>The directives.</summary>
    public IReadOnlyList<DirectiveNode> Directives { get; init; } = [];
}

/// <summary>An enum value definition.</summary>
public sealed class EnumValueDefinitionNode : SyntaxNode
{
    /// <summary>The description, if any.</summary>
    public StringValueNode? Description { get; init; }
    /// <summary>The value's name.</summary>
    public required NameNode Name { get; init; }
    /// <summary>The directives.</summary>
    public IReadOnlyList<DirectiveNode> Directives { get; init; } = [];
}

/// <summary>A <c>directive @name</c> definition.</summary>
public sealed class DirectiveDefinitionNode : DefinitionNode
{
    /// <summary>The description, if any.</summary>
    public StringValueNode? Description { get; init; }
    /// <summary>The directive's name.</summary>
    public required NameNode Name { get; init; }
    /// <summary>The argument definitions.</summary>
    public IReadOnlyList<InputValueDefinitionNode> Arguments { get; init; } = [];
    /// <summary>Whether it is declared <c>repeatable</c>.</summary>
    public bool Repeatable { get; init; }
    /// <summary>The allowed locations, as written.</summary>
    public IReadOnlyList<NameNode> Locations { get; init; } = [];
}
