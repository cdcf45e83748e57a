using OllamaSharp;
using OllamaSharp.Models;

namespace ImageTagger.Ai.Ollama;

/// <summary>
/// OllamaSharp's client with one addition: the answer stream honours the call's cancellation token. OllamaSharp
/// reads streamed lines without it, so a stalled stream would outlive a timeout or a cancelled caller.
/// </summary>
internal sealed class OllamaSharpClient(HttpClient httpClient, string defaultModel) : OllamaApiClient(httpClient, defaultModel)
{
    protected override async Task<HttpResponseMessage> SendToOllamaAsync(
        HttpRequestMessage requestMessage,
        OllamaRequest? ollamaRequest,
        HttpCompletionOption completionOption,
        CancellationToken cancellationToken)
    {
        var response = await base.SendToOllamaAsync(requestMessage, ollamaRequest, completionOption, cancellationToken).ConfigureAwait(false);
        (response.Content as OllamaAnswerContent)?.Answer.Bind(cancellationToken);
        return response;
    }
}
