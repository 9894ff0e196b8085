using Oracle.Core.Merkle;
using Oracle.Core.Transparency;

namespace Oracle.Core.Tests.Transparency;

public sealed class CheckpointBodyTests
{
    [Fact]
    public void Format_Checkpoint_IsOriginSizeAndBase64RootLines()
    {
        var root = MerkleHash.Leaf("x"u8);

        var text = new CheckpointBody("collector.example/log", 1234, root).Format();

        Assert.Equal($"collector.example/log\n1234\n{Convert.ToBase64String(root)}\n", text);
    }

    [Fact]
    public void TryParse_FormattedCheckpoint_RoundTrips()
    {
        var body = new CheckpointBody("collector.example/log", 7, MerkleHash.Leaf("y"u8), ["extension line"]);

        Assert.True(CheckpointBody.TryParse(body.Format(), out var parsed));

        Assert.True(body.Head.Matches(parsed!.Head));
        Assert.Equal(body.Origin, parsed.Origin);
        Assert.Equal(["extension line"], parsed.Extensions);
    }

    [Theory]
    [InlineData("origin\n007\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n")]
    [InlineData("origin\n-1\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n")]
    [InlineData("origin\n1\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU\n")]
    [InlineData("origin\n1\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=")]
    [InlineData("orig in\n1\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n")]
    [InlineData("origin\n1\n")]
    public void TryParse_NotACheckpoint_Refused(string body)
    {
        Assert.False(CheckpointBody.TryParse(body, out _));
    }
}
