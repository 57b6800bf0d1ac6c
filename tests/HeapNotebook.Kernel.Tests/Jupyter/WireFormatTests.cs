using System.Text;
using System.Text.Json.Nodes;
using HeapNotebook.Kernel.Jupyter;

namespace HeapNotebook.Kernel.Tests.Jupyter;

public sealed class WireFormatTests
{
    private readonly WireFormat signed = new(new MessageSigner("secret"));

    [Fact]
    public void Signer_computes_hmac_sha256_as_rfc_4231_test_case_2()
    {
        var signer = new MessageSigner("Jefe");

        var signature = signer.Sign([Encoding.ASCII.GetBytes("what do ya "), Encoding.ASCII.GetBytes("want for nothing?")]);

        Assert.Equal("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843", signature);
    }

    [Fact]
    public void Encoded_frames_follow_the_spec_and_decode_back()
    {
        var message = Requests.Make("execute_request", new JsonObject { ["code"] = "1+1" });

        var frames = signed.Encode(message);

        Assert.Equal("client-1", Encoding.ASCII.GetString(frames[0]));
        Assert.Equal("<IDS|MSG>", Encoding.ASCII.GetString(frames[1]));
        Assert.Equal(64, frames[2].Length);
        Assert.Equal(7, frames.Count);
        var decoded = signed.Decode(frames, out var rejection);
        Assert.Null(rejection);
        Assert.Equal("1+1", decoded!.ContentString("code"));
        Assert.Equal(message.MessageId, decoded.MessageId);
    }

    [Fact]
    public void A_replayed_message_is_rejected_the_second_time()
    {
        var frames = signed.Encode(Requests.Make("execute_request", new JsonObject { ["code"] = "1+1" }));

        Assert.NotNull(signed.Decode(frames, out var first));
        Assert.Null(first);
        Assert.Null(signed.Decode(frames, out var second));
        Assert.Equal("replayed message: its signature was already seen", second);

        var fresh = signed.Encode(Requests.Make("execute_request", new JsonObject { ["code"] = "1+1" }));
        Assert.NotNull(signed.Decode(fresh, out _));
    }

    [Fact]
    public void A_message_signed_with_another_key_is_rejected()
    {
        var frames = new WireFormat(new MessageSigner("other")).Encode(Requests.Make("kernel_info_request"));

        Assert.Null(signed.Decode(frames, out var rejection));
        Assert.Equal("invalid signature", rejection);
    }

    [Fact]
    public void An_unsigned_message_is_rejected_when_a_key_is_set_and_accepted_without_one()
    {
        var frames = new WireFormat(new MessageSigner("")).Encode(Requests.Make("kernel_info_request"));

        Assert.Null(signed.Decode(frames, out var rejection));
        Assert.Equal("missing signature", rejection);
        Assert.NotNull(new WireFormat(new MessageSigner("")).Decode(frames, out _));
    }

    [Fact]
    public void A_tampered_content_frame_is_rejected()
    {
        var frames = signed.Encode(Requests.Make("execute_request", new JsonObject { ["code"] = "1" }));
        frames[^1] = Encoding.UTF8.GetBytes("{\"code\":\"2\"}");

        Assert.Null(signed.Decode(frames, out var rejection));
        Assert.Equal("invalid signature", rejection);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3)]
    public void Too_few_frames_are_rejected(int framesAfterDelimiter)
    {
        var frames = new List<byte[]> { "<IDS|MSG>"u8.ToArray() };
        frames.AddRange(Enumerable.Repeat("{}"u8.ToArray(), framesAfterDelimiter));

        Assert.Null(signed.Decode(frames, out var rejection));
        Assert.Contains("four JSON frames", rejection);
    }

    [Fact]
    public void Frames_without_a_delimiter_are_rejected()
    {
        Assert.Null(signed.Decode(["hello"u8.ToArray()], out var rejection));
        Assert.Contains("delimiter", rejection);
    }

    [Fact]
    public void Malformed_json_with_a_valid_signature_is_rejected_naming_the_frame()
    {
        var signer = new MessageSigner("secret");
        byte[][] json = [Encoding.UTF8.GetBytes("{\"msg_type\":\"x\"}"), "{}"u8.ToArray(), "{}"u8.ToArray(), "{oops"u8.ToArray()];
        var frames = new List<byte[]> { "<IDS|MSG>"u8.ToArray(), Encoding.ASCII.GetBytes(signer.Sign(json)) };
        frames.AddRange(json);

        Assert.Null(signed.Decode(frames, out var rejection));
        Assert.Contains("content frame", rejection);
    }

    [Fact]
    public void Binary_buffers_after_the_content_are_kept()
    {
        var frames = signed.Encode(Requests.Make("comm_msg"));
        frames.Add([1, 2, 3]);

        var decoded = signed.Decode(frames, out _);

        Assert.Equal([1, 2, 3], Assert.Single(decoded!.Buffers));
    }

    [Fact]
    public void A_signature_spelt_in_upper_case_is_rejected_so_a_replay_cannot_pass_as_new()
    {
        var frames = signed.Encode(Requests.Make("execute_request", new JsonObject { ["code"] = "1+1" }));
        Assert.NotNull(signed.Decode(frames, out _));

        frames[2] = Encoding.ASCII.GetBytes(Encoding.ASCII.GetString(frames[2]).ToUpperInvariant());

        Assert.Null(signed.Decode(frames, out var rejection));
        Assert.Equal("invalid signature", rejection);
    }

    [Theory]
    [InlineData(0, new byte[] { 0xff })]
    [InlineData(3, new byte[] { 0xc0, 0xaf })]
    [InlineData(3, new byte[] { 0xed, 0xa0, 0x80 })]
    [InlineData(1, new byte[] { 0xe2, 0x82 })]
    public void A_signed_frame_that_is_not_valid_utf8_is_rejected_naming_the_frame(int frame, byte[] invalid)
    {
        var frames = SignedFrames(frame, [.. "{\"msg_type\":\"execute_request\",\"x\":\""u8, .. invalid, .. "\"}"u8]);

        Assert.Null(signed.Decode(frames, out var rejection));
        Assert.Equal($"the {FrameNames[frame]} frame is not valid UTF-8", rejection);
    }

    [Theory]
    [InlineData(0, "{\"msg_type\":\"execute_request\",\"msg_id\":\"\\ud800\"}")]
    [InlineData(3, "{\"code\":\"1\\udc00+1\"}")]
    [InlineData(2, "{\"a\":[{\"b\":\"\\ud83d\"}]}")]
    public void A_lone_surrogate_escape_is_rejected_when_decoding_not_when_a_handler_reads_it(int frame, string json)
    {
        var frames = SignedFrames(frame, Encoding.UTF8.GetBytes(json));

        Assert.Null(signed.Decode(frames, out var rejection));
        Assert.StartsWith($"the {FrameNames[frame]} frame holds text that is not valid Unicode", rejection);
    }

    [Fact]
    public void A_repeated_property_name_is_rejected_when_decoding()
    {
        var frames = SignedFrames(0, "{\"msg_type\":\"execute_request\",\"msg_type\":\"shutdown_request\"}"u8.ToArray());

        Assert.Null(signed.Decode(frames, out var rejection));
        Assert.StartsWith("malformed JSON in the header frame", rejection);
    }

    private static readonly string[] FrameNames = ["header", "parent_header", "metadata", "content"];

    /// <summary>A correctly signed message whose JSON frame <paramref name="index"/> is <paramref name="frame"/>.</summary>
    private static List<byte[]> SignedFrames(int index, byte[] frame)
    {
        byte[][] json = ["{\"msg_type\":\"execute_request\"}"u8.ToArray(), "{}"u8.ToArray(), "{}"u8.ToArray(), "{\"code\":\"1\"}"u8.ToArray()];
        json[index] = frame;
        var frames = new List<byte[]> { "client-1"u8.ToArray(), "<IDS|MSG>"u8.ToArray(), Encoding.ASCII.GetBytes(new MessageSigner("secret").Sign(json)) };
        frames.AddRange(json);
        return frames;
    }
}
