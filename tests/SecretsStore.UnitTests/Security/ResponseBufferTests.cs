using System.Buffers;
using System.Reflection;
using System.Text;
using Microsoft.AspNetCore.Http;
using SecretsStore.Api.Dtos;
using SecretsStore.Api.Wire;
using SecretsStore.Grains.Abstractions;

namespace SecretsStore.UnitTests.Security;

/// <summary>
/// Review finding 17: each thread keeps one buffer that answers are serialized into, reused for the thread's next
/// answer. It was reset, not cleared, so a value answer stayed in it until overwritten.
/// </summary>
public sealed class ResponseBufferTests
{
    private const string Canary = "canary-buffer-0d8a61";

    [Fact]
    public async Task AValueAnswerLeavesNoValueInTheBufferItsThreadKeeps()
    {
        var context = new DefaultHttpContext { Response = { Body = new MemoryStream() } };
        var writing = ApiResults.Ok(new SecretValueDto("0123456789abcdef0123456789abcdef", "NAME", Canary)).ExecuteAsync(context);
        // Still on the thread that wrote: the buffer it keeps is this thread's.
        var kept = KeptBuffer();
        await writing;

        Assert.Contains(Canary, Encoding.UTF8.GetString(((MemoryStream)context.Response.Body).ToArray()), StringComparison.Ordinal);
        Assert.NotNull(kept);
        Assert.DoesNotContain(Canary, Encoding.UTF8.GetString(kept.GetSpan(kept.Capacity)), StringComparison.Ordinal);
    }

    /// <summary>
    /// The bytes behind the buffer the current thread keeps for its next answer (reflection: the buffer is the wire
    /// code's private business, and giving it an accessor only for this would be worse).
    /// </summary>
    private static ArrayBufferWriter<byte>? KeptBuffer()
    {
        var type = typeof(ApiResults).Assembly.GetType("SecretsStore.Api.Wire.ResponseBuffer", throwOnError: true)!;
        var spare = type.GetField("_spare", BindingFlags.NonPublic | BindingFlags.Static)!.GetValue(null);
        return spare is null ? null : (ArrayBufferWriter<byte>?)type.GetField("_bytes", BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(spare);
    }
}
