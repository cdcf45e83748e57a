namespace ImageTagger.GraphQL.Language;

/// <summary>Source position of a node: character offsets plus 1-based line/column of the start.</summary>
public readonly record struct Location(int Start, int End, int Line, int Column);

/// <summary>Base class of every syntax tree node.</summary>
public abstract class SyntaxNode
{
    public Location? Location { get; init; }
}

public sealed class NameNode(string value) : SyntaxNode
{
    public string Value { get; } = value;
    public override string ToString() => Value;
}

public sealed class DocumentNode(IReadOnlyList<DefinitionNode> definitions) : SyntaxNode
{
    public IReadOnlyList<DefinitionNode> Definitions { get; } = definitions;
    public IEnumerable<OperationDefinitionNode> Operations => Definitions.OfType<OperationDefinitionNode>();
    public IEnumerable<FragmentDefinitionNode> Fragments => Definitions.OfType<FragmentDefinitionNode>();
}

public abstract class DefinitionNode : SyntaxNode;

public abstract class ExecutableDefinitionNode : DefinitionNode
{
    public IReadOnlyList<DirectiveNode> Directives { get; init; } = [];
    public required SelectionSetNode SelectionSet { get; init; }
}

public enum OperationType { Query, Mutation, Subscription }

public sealed class OperationDefinitionNode : ExecutableDefinitionNode
{
    public OperationType Operation { get; init; }
    public NameNode? Name { get; init; }
    public IReadOnlyList<VariableDefinitionNode> VariableDefinitions { get; init; } = [];
}

public sealed class FragmentDefinitionNode : ExecutableDefinitionNode
{
    public required NameNode Name { get; init; }
    public required NamedTypeNode TypeCondition { get; init; }
}

public sealed class VariableDefinitionNode : SyntaxNode
{
    public required VariableNode Variable { get; init; }
    public required TypeNode Type { get; init; }
    public ValueNode? DefaultValue { get; init; }
    public IReadOnlyList<DirectiveNode> Directives { get; init; } = [];
}

public sealed class SelectionSetNode(IReadOnlyList<SelectionNode> selections) : SyntaxNode
{
    public IReadOnlyList<SelectionNode> Selections { get; } = selections;
}

public abstract class SelectionNode : SyntaxNode
{
    public IReadOnlyList<DirectiveNode> Directives { get; init; } = [];
}

public sealed class FieldNode : SelectionNode
{
    public NameNode? Alias { get; init; }
    public required NameNode Name { get; init; }
    public IReadOnlyList<ArgumentNode> Arguments { get; init; } = [];
    public SelectionSetNode? SelectionSet { get; init; }
    /// <summary>The response key: alias if present, else the field name.</summary>
    public string ResponseKey => Alias?.Value ?? Name.Value;
}

public sealed class FragmentSpreadNode : SelectionNode
{
    public required NameNode Name { get; init; }
}

public sealed class InlineFragmentNode : SelectionNode
{
    public NamedTypeNode? TypeCondition { get; init; }
    public required SelectionSetNode SelectionSet { get; init; }
}

public sealed class ArgumentNode(NameNode name, ValueNode value) : SyntaxNode
{
    public NameNode Name { get; } = name;
    public ValueNode Value { get; } = value;
}

public sealed class DirectiveNode(NameNode name, IReadOnlyList<ArgumentNode> arguments) : SyntaxNode
{
    public NameNode Name { get; } = name;
    public IReadOnlyList<ArgumentNode> Arguments { get; } = arguments;
}

// ---- values ----

public abstract class ValueNode : SyntaxNode;

public sealed class VariableNode(NameNode name) : ValueNode
{
    public NameNode Name { get; } = name;
}

public sealed class IntValueNode(string value) : ValueNode
{
    public string Value { get; } = value;
}

public sealed class FloatValueNode(string value) : ValueNode
{
    public string Value { get; } = value;
}

public sealed class StringValueNode(string value, bool block = false) : ValueNode
{
    public string Value { get; } = value;
    public bool Block { get; } = block;
}

public sealed class BooleanValueNode(bool value) : ValueNode
{
    public bool Value { get; } = value;
}

public sealed class NullValueNode : ValueNode;

public sealed class EnumValueNode(string value) : ValueNode
{
    public string Value { get; } = value;
}

public sealed class ListValueNode(IReadOnlyList<ValueNode> values) : ValueNode
{
    public IReadOnlyList<ValueNode> Values { get; } = values;
}

public sealed class ObjectValueNode(IReadOnlyList<ObjectFieldNode> fields) : ValueNode
{
    public IReadOnlyList<ObjectFieldNode> Fields { get; } = fields;
}

public sealed class ObjectFieldNode(NameNode name, ValueNode value) : SyntaxNode
{
    public NameNode Name { get; } = name;
    public ValueNode Value { get; } = value;
}

// ---- type references ----

public abstract class TypeNode : SyntaxNode
{
    public NamedTypeNode Named => this switch
    {
        NamedTypeNode n => n,
        ListTypeNode l => l.Type.Named,
        NonNullTypeNode nn => nn.Type.Named,
        _ => throw new InvalidOperationException(),
    };
}

public sealed class NamedTypeNode(NameNode name) : TypeNode
{
    public NameNode Name { get; } = name;
}

public sealed class ListTypeNode(TypeNode type) : TypeNode
{
    public TypeNode Type { get; } = type;
}

public sealed class NonNullTypeNode(TypeNode type) : TypeNode
{
    public TypeNode Type { get; } = type;
}

// ---- type system ----

public abstract class TypeSystemDefinitionNode : DefinitionNode
{
    public StringValueNode? Description { get; init; }
    public IReadOnlyList<DirectiveNode> Directives { get; init; } = [];
    /// <summary>True for the <c>extend ...</c> form.</summary>
    public bool IsExtension { get; init; }
}

public sealed class SchemaDefinitionNode : TypeSystemDefinitionNode
{
    public IReadOnlyList<OperationTypeDefinitionNode> OperationTypes { get; init; } = [];
}

public sealed class OperationTypeDefinitionNode(OperationType operation, NamedTypeNode type) : SyntaxNode
{
    public OperationType Operation { get; } = operation;
    public NamedTypeNode Type { get; } = type;
}

public abstract class TypeDefinitionNode : TypeSystemDefinitionNode
{
    public required NameNode Name { get; init; }
}

public sealed class ScalarTypeDefinitionNode : TypeDefinitionNode;

public sealed class ObjectTypeDefinitionNode : TypeDefinitionNode
{
    public IReadOnlyList<NamedTypeNode> Interfaces { get; init; } = [];
    public IReadOnlyList<FieldDefinitionNode> Fields { get; init; } = [];
}

public sealed class InterfaceTypeDefinitionNode : TypeDefinitionNode
{
    public IReadOnlyList<NamedTypeNode> Interfaces { get; init; } = [];
    public IReadOnlyList<FieldDefinitionNode> Fields { get; init; } = [];
}

public sealed class UnionTypeDefinitionNode : TypeDefinitionNode
{
    public IReadOnlyList<NamedTypeNode> Types { get; init; } = [];
}

public sealed class EnumTypeDefinitionNode : TypeDefinitionNode
{
    public IReadOnlyList<EnumValueDefinitionNode> Values { get; init; } = [];
}

public sealed class InputObjectTypeDefinitionNode : TypeDefinitionNode
{
    public IReadOnlyList<InputValueDefinitionNode> Fields { get; init; } = [];
}

public sealed class FieldDefinitionNode : SyntaxNode
{
    public StringValueNode? Description { get; init; }
    public required NameNode Name { get; init; }
    public IReadOnlyList<InputValueDefinitionNode> Arguments { get; init; } = [];
    public required TypeNode Type { get; init; }
    public IReadOnlyList<DirectiveNode> Directives { get; init; } = [];
}

public sealed class InputValueDefinitionNode : SyntaxNode
{
    public StringValueNode? Description { get; init; }
    public required NameNode Name { get; init; }
    public required TypeNode Type { get; init; }
    public ValueNode? DefaultValue { get; init; }
    public IReadOnlyList<DirectiveNode> Directives { get; init; } = [];
}

public sealed class EnumValueDefinitionNode : SyntaxNode
{
    public StringValueNode? Description { get; init; }
    public required NameNode Name { get; init; }
    public IReadOnlyList<DirectiveNode> Directives { get; init; } = [];
}

public sealed class DirectiveDefinitionNode : DefinitionNode
{
    public StringValueNode? Description { get; init; }
    public required NameNode Name { get; init; }
    public IReadOnlyList<InputValueDefinitionNode> Arguments { get; init; } = [];
    public bool Repeatable { get; init; }
    public IReadOnlyList<NameNode> Locations { get; init; } = [];
}
