using System.Net;

namespace ImageTagger.Processing.Crawling;

public enum HtmlTokenKind
{
    StartTag,
    EndTag,
    Text,
}

/// <summary>A tag (name lower-cased, attributes decoded, first of duplicates kept) or a run of text.</summary>
public sealed record HtmlToken(HtmlTokenKind Kind, string Name, IReadOnlyList<KeyValuePair<string, string>> Attributes, string Text = "", bool SelfClosing = false)
{
    public string? Attribute(string name)
    {
        foreach (var (key, value) in Attributes)
        {
            if (key == name)
            {
                return value;
            }
        }

        return null;
    }
}

/// <summary>
/// A small, tolerant HTML tokenizer after the WHATWG tokenizer's main states: tags and attributes (quoted,
/// unquoted, valueless, entity-encoded), comments, doctype/CDATA/processing instructions as bogus comments,
/// and raw-text elements (script, style, ...) whose content is never mistaken for markup. It never throws on
/// malformed input: what a browser would drop (a tag cut off at the end), it drops.
/// </summary>
public static class HtmlTokenizer
{
    private static readonly HashSet<string> s_rawText = new(StringComparer.Ordinal) { "script", "style", "xmp", "iframe", "noembed", "noframes", "plaintext" };
    private static readonly HashSet<string> s_escapableRawText = new(StringComparer.Ordinal) { "title", "textarea" };

    public static IEnumerable<HtmlToken> Tokenize(string html)
    {
        var pos = 0;
        var textStart = 0;
        while (pos < html.Length)
        {
            var lt = html.IndexOf('<', pos);
            if (lt < 0 || lt + 1 >= html.Length)
            {
                break;
            }

            var next = html[lt + 1];
            if (next == '!' || next == '?' || next == '/' || char.IsAsciiLetter(next))
            {
                if (lt > textStart)
                {
                    yield return Text(html, textStart, lt);
                }
            }

            if (next == '!')
            {
                pos = SkipMarkupDeclaration(html, lt);
                textStart = pos;
                continue;
            }

            if (next == '?')
            {
                pos = SkipTo(html, lt + 2, ">");
                textStart = pos;
                continue;
            }

            if (next == '/')
            {
                if (lt + 2 < html.Length && char.IsAsciiLetter(html[lt + 2]))
                {
                    var (tag, end) = ReadTag(html, lt + 2, HtmlTokenKind.EndTag);
                    pos = end;
                    textStart = pos;
                    if (tag is not null)
                    {
                        yield return tag;
                    }
                }
                else
                {
                    // "</>" is ignored; "</3 ..." is a bogus comment up to '>'.
                    pos = SkipTo(html, lt + 2, ">");
                    textStart = pos;
                }

                continue;
            }

            if (!char.IsAsciiLetter(next))
            {
                pos = lt + 1; // a lone '<' is text
                continue;
            }

            var (start, after) = ReadTag(html, lt + 1, HtmlTokenKind.StartTag);
            pos = after;
            textStart = pos;
            if (start is null)
            {
                break; // cut off at the end of the document
            }

            yield return start;

            // As in browsers, "<script/>" still starts raw text: the slash means nothing on non-void elements.
            if (s_rawText.Contains(start.Name) || s_escapableRawText.Contains(start.Name))
            {
                var close = start.Name == "plaintext" ? html.Length : FindClosingTag(html, pos, start.Name);
                if (s_escapableRawText.Contains(start.Name) && close > pos)
                {
                    yield return new HtmlToken(HtmlTokenKind.Text, "", [], WebUtility.HtmlDecode(html[pos..close]));
                }

                pos = close;
                textStart = pos;
            }
        }

        if (textStart < html.Length)
        {
            yield return Text(html, textStart, html.Length);
        }
    }

    private static HtmlToken Text(string html, int start, int end) => new(HtmlTokenKind.Text, "", [], WebUtility.HtmlDecode(html[start..end]));

    /// <summary>Comments (<c>&lt;!-- --&gt;</c>, also the abrupt <c>&lt;!--&gt;</c>), CDATA, and doctype-like declarations.</summary>
    private static int SkipMarkupDeclaration(string html, int lt)
    {
        if (string.CompareOrdinal(html, lt, "<!--", 0, 4) == 0)
        {
            if (string.CompareOrdinal(html, lt + 4, ">", 0, 1) == 0)
            {
                return lt + 5;
            }

            if (string.CompareOrdinal(html, lt + 4, "->", 0, 2) == 0)
            {
                return lt + 6;
            }

            var end = html.IndexOf("-->", lt + 4, StringComparison.Ordinal);
            var bang = html.IndexOf("--!>", lt + 4, StringComparison.Ordinal);
            if (bang >= 0 && (end < 0 || bang < end))
            {
                return bang + 4;
            }

            return end < 0 ? html.Length : end + 3;
        }

        if (string.CompareOrdinal(html, lt, "<![CDATA[", 0, 9) == 0)
        {
            return SkipTo(html, lt + 9, "]]>");
        }

        return SkipTo(html, lt + 2, ">");
    }

    private static int SkipTo(string html, int from, string terminator)
    {
        var end = html.IndexOf(terminator, Math.Min(from, html.Length), StringComparison.Ordinal);
        return end < 0 ? html.Length : end + terminator.Length;
    }

    /// <summary>Where the raw text of <paramref name="name"/> ends: at <c>&lt;/name</c> followed by whitespace, '/' or '&gt;'.</summary>
    private static int FindClosingTag(string html, int from, string name)
    {
        var pos = from;
        while (true)
        {
            var candidate = html.IndexOf("</", pos, StringComparison.Ordinal);
            if (candidate < 0)
            {
                return html.Length;
            }

            var after = candidate + 2 + name.Length;
            if (after <= html.Length
                && string.Compare(html, candidate + 2, name, 0, name.Length, StringComparison.OrdinalIgnoreCase) == 0
                && (after == html.Length || html[after] is '>' or '/' or ' ' or '\t' or '\n' or '\r' or '\f'))
            {
                return candidate;
            }

            pos = candidate + 2;
        }
    }

    /// <summary>Reads a tag name and its attributes from <paramref name="pos"/> (just after '&lt;' or '&lt;/') up to and including '&gt;'.</summary>
    private static (HtmlToken? Tag, int End) ReadTag(string html, int pos, HtmlTokenKind kind)
    {
        var nameStart = pos;
        while (pos < html.Length && !IsSpace(html[pos]) && html[pos] is not '/' and not '>')
        {
            pos++;
        }

        var name = html[nameStart..pos].ToLowerInvariant();
        var attributes = new List<KeyValuePair<string, string>>();
        HashSet<string>? names = null; // only for tags with many attributes: keeps hostile markup linear
        var selfClosing = false;
        while (true)
        {
            while (pos < html.Length && (IsSpace(html[pos]) || html[pos] == '/'))
            {
                selfClosing = html[pos] == '/' && pos + 1 < html.Length && html[pos + 1] == '>';
                pos++;
            }

            if (pos >= html.Length)
            {
                return (null, html.Length);
            }

            if (html[pos] == '>')
            {
                pos++;
                break;
            }

            selfClosing = false;
            var attrStart = pos;
            pos++; // the first character may be anything, even '='
            while (pos < html.Length && !IsSpace(html[pos]) && html[pos] is not '/' and not '>' and not '=')
            {
                pos++;
            }

            var attrName = html[attrStart..pos].ToLowerInvariant();
            while (pos < html.Length && IsSpace(html[pos]))
            {
                pos++;
            }

            var value = "";
            if (pos < html.Length && html[pos] == '=')
            {
                pos++;
                while (pos < html.Length && IsSpace(html[pos]))
                {
                    pos++;
                }

                if (pos < html.Length && html[pos] is '"' or '\'')
                {
                    var quote = html[pos];
                    var close = html.IndexOf(quote, pos + 1);
                    if (close < 0)
                    {
                        return (null, html.Length);
                    }

                    value = html[(pos + 1)..close];
                    pos = close + 1;
                }
                else
                {
                    var valueStart = pos;
                    while (pos < html.Length && !IsSpace(html[pos]) && html[pos] != '>')
                    {
                        pos++;
                    }

                    value = html[valueStart..pos];
                }
            }

            if (attributes.Count >= 16 && names is null)
            {
                names = new HashSet<string>(attributes.Select(a => a.Key), StringComparer.Ordinal);
            }

            if (names is null ? !attributes.Exists(a => a.Key == attrName) : names.Add(attrName))
            {
                attributes.Add(new(attrName, value.Contains('&') ? WebUtility.HtmlDecode(value) : value));
            }
        }

        return (new HtmlToken(kind, name, attributes, SelfClosing: selfClosing), pos);
    }

    private static bool IsSpace(char c) => c is ' ' or '\t' or '\n' or '\r' or '\f';
}
