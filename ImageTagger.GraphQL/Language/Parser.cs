namespace ImageTagger.GraphQL.Language;

/// <summary>Limits applied while parsing untrusted documents.</summary>
public sealed class ParserOptions
{
    /// <summary>Stops parsing (with a syntax error) after this many tokens; protects against huge documents.</summary>
    public int MaxTokens { get; init; } = int.MaxValue;
    /// <summary>Maximum nesting of selection sets, list/object values and type references; guards the stack.</summary>
    public int MaxNestingDepth { get; init; } = 128;
    /// <summary>When false, locations are not recorded (slightly faster).</summary>
    public bool RecordLocations { get; init; } = true;
}

/// <summary>Recursive-descent parser for the whole GraphQL language (spec section 2 and 3).</summary>
public sealed class Parser
{
    private readonly Lexer _lexer;
    private readonly ParserOptions _options;
    private int _tokenCount;

    private Parser(string source, ParserOptions? options)
    {
        _lexer = new Lexer(source);
        _options = options ?? new ParserOptions();
    }

    /// <summary>Parses an executable or type-system document; throws <see cref="GraphQLSyntaxException"/> on bad syntax.</summary>
    public static DocumentNode Parse(string source, ParserOptions? options = null)
    {
        var p = new Parser(source, options);
        p.Advance();
        return p.ParseDocument();
    }

    /// <summary>Parses a constant value literal (e.g. <c>{a: [1, 2]}</c>).</summary>
    public static ValueNode ParseValue(string source)
    {
        var p = new Parser(source, null);
        p.Advance();
        var v = p.ParseValueLiteral(false);
        p.Expect(TokenKind.EndOfFile);
        return v;
    }

    /// <summary>Parses a type reference (e.g. <c>[String!]!</c>).</summary>
    public static TypeNode ParseType(string source)
    {
        var p = new Parser(source, null);
        p.Advance();
        var t = p.ParseTypeReference();
        p.Expect(TokenKind.EndOfFile);
        return t;
    }

    private Token Token => _lexer.Current;
    private int _depth;

    private void Enter()
    {
        if (++_depth > _options.MaxNestingDepth)
            throw new GraphQLSyntaxException($"Syntax Error: Document nesting exceeds the maximum depth of {_options.MaxNestingDepth}.",
                new SourceLocation(Token.Line, Token.Column));
    }

    private void Advance()
    {
        if (++_tokenCount > _options.MaxTokens)
            throw new GraphQLSyntaxException($"Syntax Error: Document contains more than {_options.MaxTokens} tokens. Parsing aborted.",
                _lexer.LocationOf(Token.Start));
        _lexer.Advance();
    }

    private Location? Loc(Token start) =>
        _options.RecordLocations ? new Location(start.Start, _lastEnd, start.Line, start.Column) : null;

    private int _lastEnd;

    private GraphQLSyntaxException Unexpected(Token? token = null)
    {
        var t = token ?? Token;
        return Error(t, $"Unexpected {t.Describe()}.");
    }

    private GraphQLSyntaxException Error(Token t, string message) =>
        new($"Syntax Error: {message}", new SourceLocation(t.Line, t.Column));

    private bool Peek(TokenKind kind) => Token.Kind == kind;

    private Token Expect(TokenKind kind)
    {
        var t = Token;
        if (t.Kind != kind) throw Error(t, $"Expected {Lexer.KindDescription(kind)}, found {t.Describe()}.");
        _lastEnd = t.End;
        Advance();
        return t;
    }

    private bool Skip(TokenKind kind)
    {
        if (Token.Kind != kind) return false;
        _lastEnd = Token.End;
        Advance();
        return true;
    }

    private void ExpectKeyword(string value)
    {
        var t = Token;
        if (t.Kind != TokenKind.Name || t.Value != value)
            throw Error(t, $"Expected \"{value}\", found {t.Describe()}.");
        _lastEnd = t.End;
        Advance();
    }

    private bool SkipKeyword(string value)
    {
        if (Token.Kind != TokenKind.Name || Token.Value != value) return false;
        _lastEnd = Token.End;
        Advance();
        return true;
    }

    private bool PeekKeyword(string value) => Token.Kind == TokenKind.Name && Token.Value == value;

    // Items of every list being parsed, innermost last: each list is copied out into an array of its exact size
    // (no List and no grown-and-dropped arrays per selection set).
    private readonly List<SyntaxNode> _items = [];

    private T[] Many<T>(TokenKind open, Func<T> item, TokenKind close) where T : SyntaxNode
    {
        Expect(open);
        var first = _items.Count;
        do _items.Add(item());
        while (!Skip(close));
        var result = new T[_items.Count - first];
        for (var i = 0; i < result.Length; i++) result[i] = (T)_items[first + i];
        _items.RemoveRange(first, result.Length);
        return result;
    }

    // Absent lists share the empty array: most fields have no arguments or directives (measured in bench/GraphQLBench).
    private IReadOnlyList<T> OptionalMany<T>(TokenKind open, Func<T> item, TokenKind close) where T : SyntaxNode
    {
        if (!Peek(open)) return [];
        return Many(open, item, close);
    }

    private NameNode ParseName()
    {
        var t = Expect(TokenKind.Name);
        return new NameNode(t.Value!) { Location = Loc(t) };
    }

    private DocumentNode ParseDocument()
    {
        var start = Token;
        var defs = new List<DefinitionNode>();
        do defs.Add(ParseDefinition());
        while (!Skip(TokenKind.EndOfFile));
        return new DocumentNode(defs) { Location = Loc(start) };
    }

    private DefinitionNode ParseDefinition()
    {
        if (Peek(TokenKind.BraceL)) return ParseOperationDefinition();
        var hasDescription = Peek(TokenKind.String) || Peek(TokenKind.BlockString);
        var keywordToken = hasDescription ? _lexer.Peek() : Token;
        if (keywordToken.Kind == TokenKind.Name)
        {
            switch (keywordToken.Value)
            {
                case "schema": return ParseSchemaDefinition();
                case "scalar" or "type" or "interface" or "union" or "enum" or "input": return ParseTypeDefinition();
                case "directive": return ParseDirectiveDefinition();
            }
            if (hasDescription)
                throw Error(Token, "Unexpected description, descriptions are supported only on type definitions.");
            switch (keywordToken.Value)
            {
                case "query" or "mutation" or "subscription": return ParseOperationDefinition();
                case "fragment": return ParseFragmentDefinition();
                case "extend": return ParseTypeSystemExtension();
            }
        }
        throw Unexpected(keywordToken);
    }

    // ---- executable definitions ----

    private OperationDefinitionNode ParseOperationDefinition()
    {
        var start = Token;
        if (Peek(TokenKind.BraceL))
        {
            var ss = ParseSelectionSet();
            return new OperationDefinitionNode { Operation = OperationType.Query, SelectionSet = ss, Location = Loc(start) };
        }
        var op = ParseOperationType();
        NameNode? name = Peek(TokenKind.Name) ? ParseName() : null;
        var vars = OptionalMany(TokenKind.ParenL, ParseVariableDefinition, TokenKind.ParenR);
        var dirs = ParseDirectives(false);
        var selectionSet = ParseSelectionSet();
        return new OperationDefinitionNode
        {
            Operation = op, Name = name, VariableDefinitions = vars, Directives = dirs, SelectionSet = selectionSet, Location = Loc(start),
        };
    }

    private OperationType ParseOperationType()
    {
        var t = Expect(TokenKind.Name);
        return t.Value switch
        {
            "query" => OperationType.Query,
            "mutation" => OperationType.Mutation,
            "subscription" => OperationType.Subscription,
            _ => throw Unexpected(t),
        };
    }

    private VariableDefinitionNode ParseVariableDefinition()
    {
        var start = Token;
        var variable = ParseVariable();
        Expect(TokenKind.Colon);
        var type = ParseTypeReference();
        ValueNode? def = Skip(TokenKind.Equals) ? ParseValueLiteral(true) : null;
        var dirs = ParseDirectives(true);
        return new VariableDefinitionNode { Variable = variable, Type = type, DefaultValue = def, Directives = dirs, Location = Loc(start) };
    }

    private VariableNode ParseVariable()
    {
        var start = Token;
        Expect(TokenKind.Dollar);
        return new VariableNode(ParseName()) { Location = Loc(start) };
    }

    private SelectionSetNode ParseSelectionSet()
    {
        var start = Token;
        Enter();
        var sels = Many(TokenKind.BraceL, _parseSelection ??= ParseSelection, TokenKind.BraceR);
        _depth--;
        return new SelectionSetNode(sels) { Location = Loc(start) };
    }

    private Func<SelectionNode>? _parseSelection; // one delegate per parse, not one per selection set

    private SelectionNode ParseSelection() => Peek(TokenKind.Spread) ? ParseFragment() : ParseField();

    private FieldNode ParseField()
    {
        var start = Token;
        var nameOrAlias = ParseName();
        NameNode? alias = null;
        NameNode name;
        if (Skip(TokenKind.Colon))
        {
            alias = nameOrAlias;
            name = ParseName();
        }
        else
        {
            name = nameOrAlias;
        }
        var args = ParseArguments(false);
        var dirs = ParseDirectives(false);
        SelectionSetNode? ss = Peek(TokenKind.BraceL) ? ParseSelectionSet() : null;
        return new FieldNode { Alias = alias, Name = name, Arguments = args, Directives = dirs, SelectionSet = ss, Location = Loc(start) };
    }

    private IReadOnlyList<ArgumentNode> ParseArguments(bool isConst)
    {
        // The closure lives in another method: a captured parameter allocates it on entry, even for no arguments.
        if (!Peek(TokenKind.ParenL)) return [];
        return ParseArgumentList(isConst);
    }

    private ArgumentNode[] ParseArgumentList(bool isConst)
    {
        return Many(TokenKind.ParenL, () =>
        {
            var start = Token;
            var name = ParseName();
            Expect(TokenKind.Colon);
            var value = ParseValueLiteral(isConst);
            return new ArgumentNode(name, value) { Location = Loc(start) };
        }, TokenKind.ParenR);
    }

    private SelectionNode ParseFragment()
    {
        var start = Token;
        Expect(TokenKind.Spread);
        var hasTypeCondition = SkipKeyword("on");
        if (!hasTypeCondition && Peek(TokenKind.Name))
        {
            var name = ParseName();
            return new FragmentSpreadNode { Name = name, Directives = ParseDirectives(false), Location = Loc(start) };
        }
        NamedTypeNode? typeCondition = hasTypeCondition ? ParseNamedType() : null;
        var dirs = ParseDirectives(false);
        var ss = ParseSelectionSet();
        return new InlineFragmentNode { TypeCondition = typeCondition, Directives = dirs, SelectionSet = ss, Location = Loc(start) };
    }

    private FragmentDefinitionNode ParseFragmentDefinition()
    {
        var start = Token;
        ExpectKeyword("fragment");
        if (PeekKeyword("on")) throw Unexpected();
        var name = ParseName();
        ExpectKeyword("on");
        var typeCondition = ParseNamedType();
        var dirs = ParseDirectives(false);
        var ss = ParseSelectionSet();
        return new FragmentDefinitionNode { Name = name, TypeCondition = typeCondition, Directives = dirs, SelectionSet = ss, Location = Loc(start) };
    }

    // ---- values ----

    private ValueNode ParseValueLiteral(bool isConst)
    {
        var t = Token;
        switch (t.Kind)
        {
            case TokenKind.BracketL:
                {
                    Enter();
                    Advance();
                    var items = new List<ValueNode>();
                    while (!Skip(TokenKind.BracketR)) items.Add(ParseValueLiteral(isConst));
                    _depth--;
                    return new ListValueNode(items) { Location = Loc(t) };
                }
            case TokenKind.BraceL:
                {
                    Enter();
                    Advance();
                    var fields = new List<ObjectFieldNode>();
                    while (!Skip(TokenKind.BraceR))
                    {
                        var fs = Token;
                        var name = ParseName();
                        Expect(TokenKind.Colon);
                        fields.Add(new ObjectFieldNode(name, ParseValueLiteral(isConst)) { Location = Loc(fs) });
                    }
                    _depth--;
                    return new ObjectValueNode(fields) { Location = Loc(t) };
                }
            case TokenKind.Int:
                Skip(TokenKind.Int);
                return new IntValueNode(t.Value!) { Location = Loc(t) };
            case TokenKind.Float:
                Skip(TokenKind.Float);
                return new FloatValueNode(t.Value!) { Location = Loc(t) };
            case TokenKind.String or TokenKind.BlockString:
                return ParseStringLiteral();
            case TokenKind.Name:
                Skip(TokenKind.Name);
                return t.Value switch
                {
                    "true" => new BooleanValueNode(true) { Location = Loc(t) },
                    "false" => new BooleanValueNode(false) { Location = Loc(t) },
                    "null" => new NullValueNode { Location = Loc(t) },
                    _ => new EnumValueNode(t.Value!) { Location = Loc(t) },
                };
            case TokenKind.Dollar:
                if (isConst)
                {
                    var next = _lexer.Peek();
                    if (next.Kind == TokenKind.Name)
                        throw Error(t, $"Unexpected variable \"${next.Value}\" in constant value.");
                    throw Unexpected();
                }
                return ParseVariable();
            default:
                throw Unexpected();
        }
    }

    private StringValueNode ParseStringLiteral()
    {
        var t = Token;
        _lastEnd = t.End;
        Advance();
        return new StringValueNode(t.Value!, t.Kind == TokenKind.BlockString) { Location = Loc(t) };
    }

    private IReadOnlyList<DirectiveNode> ParseDirectives(bool isConst)
    {
        if (!Peek(TokenKind.At)) return [];
        var list = new List<DirectiveNode>();
        while (Peek(TokenKind.At))
        {
            var start = Token;
            Advance();
            var name = ParseName();
            list.Add(new DirectiveNode(name, ParseArguments(isConst)) { Location = Loc(start) });
        }
        return list;
    }

    // ---- types ----

    private TypeNode ParseTypeReference()
    {
        var start = Token;
        TypeNode type;
        if (Skip(TokenKind.BracketL))
        {
            Enter();
            var inner = ParseTypeReference();
            _depth--;
            Expect(TokenKind.BracketR);
            type = new ListTypeNode(inner) { Location = Loc(start) };
        }
        else
        {
            type = ParseNamedType();
        }
        return Skip(TokenKind.Bang) ? new NonNullTypeNode(type) { Location = Loc(start) } : type;
    }

    private NamedTypeNode ParseNamedType()
    {
        var start = Token;
        return new NamedTypeNode(ParseName()) { Location = Loc(start) };
    }

    // ---- type system ----

    private StringValueNode? ParseDescription() =>
        Peek(TokenKind.String) || Peek(TokenKind.BlockString) ? ParseStringLiteral() : null;

    private SchemaDefinitionNode ParseSchemaDefinition()
    {
        var start = Token;
        var description = ParseDescription();
        ExpectKeyword("schema");
        var dirs = ParseDirectives(true);
        var ops = Many(TokenKind.BraceL, ParseOperationTypeDefinition, TokenKind.BraceR);
        return new SchemaDefinitionNode { Description = description, Directives = dirs, OperationTypes = ops, Location = Loc(start) };
    }

    private OperationTypeDefinitionNode ParseOperationTypeDefinition()
    {
        var start = Token;
        var op = ParseOperationType();
        Expect(TokenKind.Colon);
        return new OperationTypeDefinitionNode(op, ParseNamedType()) { Location = Loc(start) };
    }

    private TypeDefinitionNode ParseTypeDefinition(bool extension = false, Token? extendStart = null)
    {
        var start = extendStart ?? Token;
        var description = extension ? null : ParseDescription();
        var keyword = Token;
        var kw = Expect(TokenKind.Name).Value;
        var name = ParseName();
        switch (kw)
        {
            case "scalar":
                {
                    var dirs = ParseDirectives(true);
                    if (extension && dirs.Count == 0) throw Unexpected();
                    return new ScalarTypeDefinitionNode { Description = description, Name = name, Directives = dirs, IsExtension = extension, Location = Loc(start) };
                }
            case "type" or "interface":
                {
                    var interfaces = ParseImplementsInterfaces();
                    var dirs = ParseDirectives(true);
                    var fields = ParseFieldsDefinition();
                    if (extension && interfaces.Count == 0 && dirs.Count == 0 && fields.Count == 0) throw Unexpected();
                    return kw == "type"
                        ? new ObjectTypeDefinitionNode { Description = description, Name = name, Interfaces = interfaces, Directives = dirs, Fields = fields, IsExtension = extension, Location = Loc(start) }
                        : new InterfaceTypeDefinitionNode { Description = description, Name = name, Interfaces = interfaces, Directives = dirs, Fields = fields, IsExtension = extension, Location = Loc(start) };
                }
            case "union":
                {
                    var dirs = ParseDirectives(true);
                    var types = new List<NamedTypeNode>();
                    if (Skip(TokenKind.Equals))
                    {
                        Skip(TokenKind.Pipe);
                        do types.Add(ParseNamedType());
                        while (Skip(TokenKind.Pipe));
                    }
                    if (extension && dirs.Count == 0 && types.Count == 0) throw Unexpected();
                    return new UnionTypeDefinitionNode { Description = description, Name = name, Directives = dirs, Types = types, IsExtension = extension, Location = Loc(start) };
                }
            case "enum":
                {
                    var dirs = ParseDirectives(true);
                    var values = OptionalMany(TokenKind.BraceL, ParseEnumValueDefinition, TokenKind.BraceR);
                    if (extension && dirs.Count == 0 && values.Count == 0) throw Unexpected();
                    return new EnumTypeDefinitionNode { Description = description, Name = name, Directives = dirs, Values = values, IsExtension = extension, Location = Loc(start) };
                }
            case "input":
                {
                    var dirs = ParseDirectives(true);
                    var fields = OptionalMany(TokenKind.BraceL, ParseInputValueDefinition, TokenKind.BraceR);
                    if (extension && dirs.Count == 0 && fields.Count == 0) throw Unexpected();
                    return new InputObjectTypeDefinitionNode { Description = description, Name = name, Directives = dirs, Fields = fields, IsExtension = extension, Location = Loc(start) };
                }
            default:
                throw Unexpected(keyword);
        }
    }

    private List<NamedTypeNode> ParseImplementsInterfaces()
    {
        var list = new List<NamedTypeNode>();
        if (!SkipKeyword("implements")) return list;
        Skip(TokenKind.Amp);
        do list.Add(ParseNamedType());
        while (Skip(TokenKind.Amp));
        return list;
    }

    private IReadOnlyList<FieldDefinitionNode> ParseFieldsDefinition() =>
        OptionalMany(TokenKind.BraceL, () =>
        {
            var start = Token;
            var description = ParseDescription();
            var name = ParseName();
            var args = OptionalMany(TokenKind.ParenL, ParseInputValueDefinition, TokenKind.ParenR);
            Expect(TokenKind.Colon);
            var type = ParseTypeReference();
            var dirs = ParseDirectives(true);
            return new FieldDefinitionNode { Description = description, Name = name, Arguments = args, Type = type, Directives = dirs, Location = Loc(start) };
        }, TokenKind.BraceR);

    private InputValueDefinitionNode ParseInputValueDefinition()
    {
        var start = Token;
        var description = ParseDescription();
        var name = ParseName();
        Expect(TokenKind.Colon);
        var type = ParseTypeReference();
        ValueNode? def = Skip(TokenKind.Equals) ? ParseValueLiteral(true) : null;
        var dirs = ParseDirectives(true);
        return new InputValueDefinitionNode { Description = description, Name = name, Type = type, DefaultValue = def, Directives = dirs, Location = Loc(start) };
    }

    private EnumValueDefinitionNode ParseEnumValueDefinition()
    {
        var start = Token;
        var description = ParseDescription();
        if (Token.Kind == TokenKind.Name && Token.Value is "true" or "false" or "null")
            throw Error(Token, $"{Token.Value} is reserved and cannot be used for an enum value.");
        var name = ParseName();
        var dirs = ParseDirectives(true);
        return new EnumValueDefinitionNode { Description = description, Name = name, Directives = dirs, Location = Loc(start) };
    }

    private DirectiveDefinitionNode ParseDirectiveDefinition()
    {
        var start = Token;
        var description = ParseDescription();
        ExpectKeyword("directive");
        Expect(TokenKind.At);
        var name = ParseName();
        var args = OptionalMany(TokenKind.ParenL, ParseInputValueDefinition, TokenKind.ParenR);
        var repeatable = SkipKeyword("repeatable");
        ExpectKeyword("on");
        var locations = new List<NameNode>();
        Skip(TokenKind.Pipe);
        do
        {
            var t = Token;
            var loc = ParseName();
            if (!Types.DirectiveLocationNames.TryParse(loc.Value, out _))
                throw Unexpected(t);
            locations.Add(loc);
        }
        while (Skip(TokenKind.Pipe));
        return new DirectiveDefinitionNode { Description = description, Name = name, Arguments = args, Repeatable = repeatable, Locations = locations, Location = Loc(start) };
    }

    private TypeSystemDefinitionNode ParseTypeSystemExtension()
    {
        var start = Token;
        var next = _lexer.Peek();
        if (next.Kind == TokenKind.Name)
        {
            switch (next.Value)
            {
                case "schema":
                    {
                        ExpectKeyword("extend");
                        ExpectKeyword("schema");
                        var dirs = ParseDirectives(true);
                        var ops = OptionalMany(TokenKind.BraceL, ParseOperationTypeDefinition, TokenKind.BraceR);
                        if (dirs.Count == 0 && ops.Count == 0) throw Unexpected();
                        return new SchemaDefinitionNode { Directives = dirs, OperationTypes = ops, IsExtension = true, Location = Loc(start) };
                    }
                case "scalar" or "type" or "interface" or "union" or "enum" or "input":
                    ExpectKeyword("extend");
                    return ParseTypeDefinition(true, start);
            }
        }
        throw Unexpected(next);
    }
}
