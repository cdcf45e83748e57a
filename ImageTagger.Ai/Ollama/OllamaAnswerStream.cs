using System.Buffers;
using System.Text;
using System.Text.Json;

namespace ImageTagger.Ai.Ollama;

/// <summary>
/// Passes an Ollama answer body (one JSON object, or NDJSON when streaming) through to OllamaSharp one whole line at a
/// time, after checking the line: not JSON → MalformedResponse with the text; <c>{"error": ...}</c> → ServerError with
/// Ollama's message (OllamaSharp ignores such a line in a 200 stream); a chat answer that ends without its
/// <c>"done": true</c> line, or a connection dropped mid-body → TruncatedResponse. Reads observe the cancellation
/// token bound by <see cref="OllamaSharpClient"/>, because OllamaSharp reads stream lines without one.
/// </summary>
internal sealed class OllamaAnswerStream(Stream inner, string path) : Stream
{
    private const int ChunkSize = 16 * 1024;

    private readonly bool _isChat = path.EndsWith("api/chat", StringComparison.Ordinal);
    private readonly bool _isEmbed = path.EndsWith("api/embed", StringComparison.Ordinal);
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);   // pooled: one per answer adds up
    private int _start;        // first byte not yet handed out
    private int _checkedEnd;   // bytes before this are whole, checked lines
    private int _end;          // bytes before this were read from the connection
    private bool _eof;
    private bool _sawDone;
    private OllamaException? _failure;   // raised once the good lines before it have been handed out
    private CancellationToken _bound;

    /// <summary>Cancels reads when the caller's (or the attempt's) token fires.</summary>
    public void Bind(CancellationToken cancellationToken) => _bound = cancellationToken;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (_checkedEnd == _start)
        {
            if (_failure is not null)
            {
                throw _failure;
            }

            if (_eof)
            {
                return 0;
            }

            await FillAsync(cancellationToken).ConfigureAwait(false);
        }

        var count = Math.Min(buffer.Length, _checkedEnd - _start);
        _buffer.AsMemory(_start, count).CopyTo(buffer);
        _start += count;
        return count;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && _buffer.Length > 0)
        {
            inner.Dispose();
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
            _eof = true;
            _start = _checkedEnd = _end = 0;
        }

        base.Dispose(disposing);
    }

    private async Task FillAsync(CancellationToken cancellationToken)
    {
        Compact();
        int read;
        using (var linked = _bound.CanBeCanceled ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _bound) : null)
        {
            try
            {
                read = await inner.ReadAsync(_buffer.AsMemory(_end), linked?.Token ?? cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or HttpRequestException && !cancellationToken.IsCancellationRequested && !_bound.IsCancellationRequested)
            {
                throw Truncated($"the connection dropped mid-answer ({ex.Message}).", ex);
            }
        }

        if (read == 0)
        {
            _eof = true;
            Release(_end - _checkedEnd);
            if (_failure is null && _isChat && !_sawDone)
            {
                _failure = Truncated("the answer closed before the final \"done\": true line.");
            }

            return;
        }

        _end += read;
        int newline;
        while (_failure is null && (newline = _buffer.AsSpan(_checkedEnd, _end - _checkedEnd).IndexOf((byte)'\n')) >= 0)
        {
            Release(newline + 1);
        }
    }

    /// <summary>Checks the next line (of <paramref name="length"/> bytes) and makes it readable, or records why not.</summary>
    private void Release(int length)
    {
        try
        {
            CheckLine(_buffer.AsSpan(_checkedEnd, length));
            _checkedEnd += length;
        }
        catch (OllamaException ex)
        {
            _failure = ex;
        }
    }

    /// <summary>Moves unread bytes to the front and grows the buffer when a line is longer than it.</summary>
    private void Compact()
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _checkedEnd -= _start;
            _end -= _start;
            _start = 0;
        }

        if (_buffer.Length - _end < ChunkSize / 2)
        {
            var larger = ArrayPool<byte>.Shared.Rent(_buffer.Length * 2);
            Buffer.BlockCopy(_buffer, 0, larger, 0, _end);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = larger;
        }
    }

    private void CheckLine(ReadOnlySpan<byte> line)
    {
        line = line.Trim(" \t\r\n"u8);
        if (line.IsEmpty)
        {
            return;
        }

        var reader = new Utf8JsonReader(line);
        string? error = null;
        bool hasMessage = false, hasEmbeddings = false;
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw Malformed($"not a JSON object: \"{Snippet(line)}\"");
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString();
                reader.Read();
                switch (name)
                {
                    case "error" when reader.TokenType == JsonTokenType.String:
                        error = reader.GetString();
                        break;
                    case "done" when reader.TokenType == JsonTokenType.True:
                        _sawDone = true;
                        break;
                    case "message" when reader.TokenType == JsonTokenType.StartObject:
                        hasMessage = true;
                        break;
                    case "embeddings" when reader.TokenType == JsonTokenType.StartArray:
                        hasEmbeddings = true;
                        break;
                }

                reader.Skip();
            }

            if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
            {
                throw Malformed($"not JSON: \"{Snippet(line)}\"");
            }
        }
        catch (JsonException ex)
        {
            throw Malformed($"not JSON ({ex.Message}) — it starts with \"{Snippet(line)}\"", ex);
        }

        if (error is not null)
        {
            // Ollama reports failures after the 200 header as such a line, e.g. when the runner crashes mid-answer.
            throw new OllamaException(OllamaFailureKind.ServerError, $"Ollama {path} failed while answering: {error}", serverError: error);
        }

        if (_isChat && !hasMessage && !_sawDone)
        {
            throw Malformed($"a line has neither \"message\" nor \"done\": \"{Snippet(line)}\"");
        }

        if (_isEmbed && !hasEmbeddings)
        {
            throw Malformed("the answer has no \"embeddings\".");
        }
    }

    private static string Snippet(ReadOnlySpan<byte> line) => OllamaText.Snippet(Encoding.UTF8.GetString(line));

    private OllamaException Malformed(string detail, Exception? inner = null) =>
        new(OllamaFailureKind.MalformedResponse, $"Ollama {path} returned a malformed answer: {detail}", innerException: inner);

    private OllamaException Truncated(string detail, Exception? inner = null) =>
        new(OllamaFailureKind.TruncatedResponse, $"Ollama {path} answer ended early: {detail}", innerException: inner);
}
