using System.Globalization;
using System.Text;

namespace ImageTagger.GraphQL.Language;

internal enum TokenKind
{
    StartOfFile, EndOfFile, Bang, Dollar, Amp, ParenL, ParenR, Spread, Colon, Equals, At,
    BracketL, BracketR, BraceL, Pipe, BraceR, Name, Int, Float, String, BlockString,
}

internal readonly record struct Token(TokenKind Kind, int Start, int End, int Line, int Column, string? Value)
{
    /// <summary>Description used in error messages, the same as graphql-js (<c>Name "foo"</c>, <c>"}"</c>, <c>&lt;EOF&gt;</c>).</summary>
    public string Describe()
    {
        var kind = Lexer.KindDescription(Kind);
        return Value is null ? kind : $"{kind} \"{Value}\"";
    }
}

/// <summary>Converts GraphQL source text into tokens (spec section 2.1). Comments and commas are skipped.</summary>
internal sealed class Lexer
{
    private readonly string _source;
    private int _position;
    private int _line = 1;
    private int _lineStart;

    public Lexer(string source)
    {
        _source = source;
        Current = new Token(TokenKind.StartOfFile, 0, 0, 0, 0, null);
    }

    public Token Current { get; private set; }
    public string Source => _source;

    public static string KindDescription(TokenKind kind) => kind switch
    {
        TokenKind.StartOfFile => "<SOF>",
        TokenKind.EndOfFile => "<EOF>",
        TokenKind.Bang => "\"!\"",
        TokenKind.Dollar => "\"$\"",
        TokenKind.Amp => "\"&\"",
        TokenKind.ParenL => "\"(\"",
        TokenKind.ParenR => "\")\"",
        TokenKind.Spread => "\"...\"",
        TokenKind.Colon => "\":\"",
        TokenKind.Equals => "\"=\"",
        TokenKind.At => "\"@\"",
        TokenKind.BracketL => "\"[\"",
        TokenKind.BracketR => "\"]\"",
        TokenKind.BraceL => "\"{\"",
        TokenKind.Pipe => "\"|\"",
        TokenKind.BraceR => "\"}\"",
        TokenKind.Name => "Name",
        TokenKind.Int => "Int",
        TokenKind.Float => "Float",
        TokenKind.String => "String",
        TokenKind.BlockString => "BlockString",
        _ => kind.ToString(),
    };

    public SourceLocation LocationOf(int position)
    {
        int line = 1, lineStart = 0;
        for (var i = 0; i < position && i < _source.Length; i++)
        {
            var c = _source[i];
            if (c == '\n' || (c == '\r' && (i + 1 >= _source.Length || _source[i + 1] != '\n')))
            {
                line++;
                lineStart = i + 1;
            }
        }
        return new SourceLocation(line, position - lineStart + 1);
    }

    private GraphQLSyntaxException Error(int position, string message) =>
        new($"Syntax Error: {message}", LocationOf(position));

    public Token Advance()
    {
        Current = ReadToken();
        return Current;
    }

    /// <summary>Looks at the following token without consuming it.</summary>
    public Token Peek()
    {
        var (p, l, ls, c) = (_position, _line, _lineStart, Current);
        var t = ReadToken();
        (_position, _line, _lineStart, Current) = (p, l, ls, c);
        return t;
    }

    private Token Make(TokenKind kind, int start, int end, string? value = null) =>
        new(kind, start, end, _line, start - _lineStart + 1, value);

    private Token ReadToken()
    {
        var s = _source;
        while (_position < s.Length)
        {
            var c = s[_position];
            switch (c)
            {
                case '\uFEFF' or '\t' or ' ' or ',':
                    _position++;
                    continue;
                case '\n':
                    _position++;
                    _line++;
                    _lineStart = _position;
                    continue;
                case '\r':
                    _position += _position + 1 < s.Length && s[_position + 1] == '\n' ? 2 : 1;
                    _line++;
                    _lineStart = _position;
                    continue;
                case '#':
                    while (_position < s.Length && s[_position] is not ('\n' or '\r')) _position++;
                    continue;
            }
            var start = _position;
            switch (c)
            {
                case '!': _position++; return Make(TokenKind.Bang, start, _position);
                case '$': _position++; return Make(TokenKind.Dollar, start, _position);
                case '&': _position++; return Make(TokenKind.Amp, start, _position);
                case '(': _position++; return Make(TokenKind.ParenL, start, _position);
                case ')': _position++; return Make(TokenKind.ParenR, start, _position);
                case ':': _position++; return Make(TokenKind.Colon, start, _position);
                case '=': _position++; return Make(TokenKind.Equals, start, _position);
                case '@': _position++; return Make(TokenKind.At, start, _position);
                case '[': _position++; return Make(TokenKind.BracketL, start, _position);
                case ']': _position++; return Make(TokenKind.BracketR, start, _position);
                case '{': _position++; return Make(TokenKind.BraceL, start, _position);
                case '|': _position++; return Make(TokenKind.Pipe, start, _position);
                case '}': _position++; return Make(TokenKind.BraceR, start, _position);
                case '.':
                    if (_position + 2 < s.Length && s[_position + 1] == '.' && s[_position + 2] == '.')
                    {
                        _position += 3;
                        return Make(TokenKind.Spread, start, _position);
                    }
                    break;
                case '"':
                    if (_position + 2 < s.Length && s[_position + 1] == '"' && s[_position + 2] == '"')
                    {
                        return ReadBlockString();
                    }
                    return ReadString();
            }
            if (IsNameStart(c)) return ReadName();
            if (c == '-' || char.IsAsciiDigit(c)) return ReadNumber();
            throw Error(start, c == '\'' ? "Unexpected single quote character ('), did you mean to use a double quote (\")?"
                : $"Unexpected character: {PrintChar(c)}.");
        }
        return Make(TokenKind.EndOfFile, s.Length, s.Length);
    }

    private static string PrintChar(char c) => c < 0x20 || c > 0x7E ? $"U+{(int)c:X4}" : $"\"{c}\"";

    public static bool IsNameStart(char c) => c == '_' || char.IsAsciiLetter(c);
    public static bool IsNameContinue(char c) => c == '_' || char.IsAsciiLetterOrDigit(c);

    private Token ReadName()
    {
        var start = _position;
        while (_position < _source.Length && IsNameContinue(_source[_position])) _position++;
        return Make(TokenKind.Name, start, _position, NameTable.Get(_source.AsSpan(start, _position - start)));
    }

    private Token ReadNumber()
    {
        var s = _source;
        var start = _position;
        var isFloat = false;
        if (s[_position] == '-') _position++;
        if (_position < s.Length && s[_position] == '0')
        {
            _position++;
            if (_position < s.Length && char.IsAsciiDigit(s[_position]))
                throw Error(_position, $"Invalid number, unexpected digit after 0: {PrintChar(s[_position])}.");
        }
        else
        {
            ReadDigits();
        }
        if (_position < s.Length && s[_position] == '.')
        {
            isFloat = true;
            _position++;
            ReadDigits();
        }
        if (_position < s.Length && s[_position] is 'e' or 'E')
        {
            isFloat = true;
            _position++;
            if (_position < s.Length && s[_position] is '+' or '-') _position++;
            ReadDigits();
        }
        // Numbers must not be directly followed by a name start or a dot (e.g. "1.2.3", "0xF").
        if (_position < s.Length && (s[_position] == '.' || IsNameStart(s[_position])))
            throw Error(_position, $"Invalid number, expected digit but got: {PrintChar(s[_position])}.");
        return Make(isFloat ? TokenKind.Float : TokenKind.Int, start, _position, s[start.._position]);
    }

    private void ReadDigits()
    {
        var s = _source;
        if (_position >= s.Length || !char.IsAsciiDigit(s[_position]))
            throw Error(_position, $"Invalid number, expected digit but got: {(_position >= s.Length ? "<EOF>" : PrintChar(s[_position]))}.");
        while (_position < s.Length && char.IsAsciiDigit(s[_position])) _position++;
    }

    private Token ReadString()
    {
        var s = _source;
        var start = _position;
        _position++;
        var sb = new StringBuilder();
        while (_position < s.Length)
        {
            var c = s[_position];
            if (c == '"')
            {
                _position++;
                return Make(TokenKind.String, start, _position, sb.ToString());
            }
            if (c is '\n' or '\r') break;
            if (c == '\\')
            {
                if (_position + 1 >= s.Length) break;
                var e = s[_position + 1];
                switch (e)
                {
                    case '"': sb.Append('"'); break;
                    case '\\': sb.Append('\\'); break;
                    case '/': sb.Append('/'); break;
                    case 'b': sb.Append('\b'); break;
                    case 'f': sb.Append('\f'); break;
                    case 'n': sb.Append('\n'); break;
                    case 'r': sb.Append('\r'); break;
                    case 't': sb.Append('\t'); break;
                    case 'u':
                        _position += ReadUnicodeEscape(sb);
                        continue;
                    default:
                        throw Error(_position, $"Invalid character escape sequence: \"\\{e}\".");
                }
                _position += 2;
                continue;
            }
            if (c < 0x20 && c != '\t')
                throw Error(_position, $"Invalid character within String: {PrintChar(c)}.");
            sb.Append(c);
            _position++;
        }
        throw Error(_position, "Unterminated string.");
    }

    // Handles \uXXXX and \u{X...}; returns the number of source characters consumed.
    private int ReadUnicodeEscape(StringBuilder sb)
    {
        var s = _source;
        var p = _position + 2;
        if (p < s.Length && s[p] == '{')
        {
            var end = s.IndexOf('}', p);
            if (end > p + 1 && int.TryParse(s.AsSpan(p + 1, end - p - 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var cp)
                && cp <= 0x10FFFF && cp is < 0xD800 or > 0xDFFF)
            {
                sb.Append(char.ConvertFromUtf32(cp));
                return end + 1 - _position;
            }
            throw Error(_position, $"Invalid Unicode escape sequence: \"{s[_position..Math.Min(s.Length, (end < 0 ? p : end) + 1)]}\".");
        }
        if (p + 4 <= s.Length && int.TryParse(s.AsSpan(p, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var code))
        {
            sb.Append((char)code);
            return 6;
        }
        throw Error(_position, $"Invalid Unicode escape sequence: \"{s[_position..Math.Min(s.Length, p + 4)]}\".");
    }

    private Token ReadBlockString()
    {
        var s = _source;
        var start = _position;
        var startLine = _line;
        var startCol = start - _lineStart + 1;
        _position += 3;
        var raw = new StringBuilder();
        while (_position < s.Length)
        {
            var c = s[_position];
            if (c == '"' && _position + 2 < s.Length && s[_position + 1] == '"' && s[_position + 2] == '"')
            {
                _position += 3;
                return new Token(TokenKind.BlockString, start, _position, startLine, startCol, BlockStringValue(raw.ToString()));
            }
            if (c == '\\' && _position + 3 < s.Length && s[_position + 1] == '"' && s[_position + 2] == '"' && s[_position + 3] == '"')
            {
                raw.Append("\"\"\"");
                _position += 4;
                continue;
            }
            if (c is '\n' or '\r')
            {
                if (c == '\r' && _position + 1 < s.Length && s[_position + 1] == '\n')
                {
                    _position++;
                }
                raw.Append('\n');
                _position++;
                _line++;
                _lineStart = _position;
                continue;
            }
            if (c < 0x20 && c != '\t')
                throw Error(_position, $"Invalid character within String: {PrintChar(c)}.");
            raw.Append(c);
            _position++;
        }
        throw Error(_position, "Unterminated string.");
    }

    /// <summary>Spec BlockStringValue(): removes common indentation and leading/trailing blank lines.</summary>
    public static string BlockStringValue(string raw)
    {
        var lines = raw.Split('\n');
        int? common = null;
        for (var i = 1; i < lines.Length; i++)
        {
            var indent = LeadingWhitespace(lines[i]);
            if (indent < lines[i].Length && (common is null || indent < common)) common = indent;
        }
        if (common is > 0)
        {
            for (var i = 1; i < lines.Length; i++)
                lines[i] = lines[i].Length >= common ? lines[i][common.Value..] : "";
        }
        var first = 0;
        var last = lines.Length - 1;
        while (first <= last && LeadingWhitespace(lines[first]) == lines[first].Length) first++;
        while (last >= first && LeadingWhitespace(lines[last]) == lines[last].Length) last--;
        return first > last ? "" : string.Join('\n', lines[first..(last + 1)]);
    }

    private static int LeadingWhitespace(string line)
    {
        var i = 0;
        while (i < line.Length && line[i] is ' ' or '\t') i++;
        return i;
    }
}

/// <summary>
/// The strings of names already seen on this thread, found by span: documents repeat the same few names (fields,
/// types, keywords), so a name's string is allocated once instead of once per occurrence. Bounded: it starts over
/// when full, so unusual documents cannot make it grow.
/// </summary>
internal static class NameTable
{
    private const int MaxNames = 1024;
    private const int MaxLength = 64;

    [ThreadStatic] private static Dictionary<string, string>? t_names;

    public static string Get(ReadOnlySpan<char> name)
    {
        if (name.Length > MaxLength) return name.ToString();
        var names = t_names ??= new Dictionary<string, string>(StringComparer.Ordinal);
        var lookup = names.GetAlternateLookup<ReadOnlySpan<char>>();
        if (lookup.TryGetValue(name, out var existing)) return existing;
        if (names.Count >= MaxNames) names.Clear();
        var value = name.ToString();
        names[value] = value;
        return value;
    }
}
