using Oracle.Core.Transparency;

namespace Oracle.Core.Tests.Transparency;

public sealed class TilePathTests
{
    [Theory]
    [InlineData(0, 0UL, 256, "tile/0/000")]
    [InlineData(0, 1234067UL, 256, "tile/0/x001/x234/067")]
    [InlineData(2, 67UL, 12, "tile/2/067.p/12")]
    [InlineData(TilePath.EntriesLevel, 1000UL, 256, "tile/entries/x001/000")]
    [InlineData(TilePath.EntriesLevel, 5UL, 255, "tile/entries/005.p/255")]
    public void ToString_Tile_IsTheC2spPath(int level, ulong index, int width, string path)
    {
        var tile = new TilePath(level, index, width);

        Assert.Equal(path, tile.ToString());
        Assert.True(TilePath.TryParse(path["tile/".Length..], out var parsed));
        Assert.Equal(tile, parsed);
    }

    [Theory]
    [InlineData("0/67")]
    [InlineData("0/x000/067")]
    [InlineData("0/001/067")]
    [InlineData("00/067")]
    [InlineData("64/067")]
    [InlineData("0/067.p/0")]
    [InlineData("0/067.p/256")]
    [InlineData("0/067.p/012")]
    [InlineData("0/067.p")]
    [InlineData("entries")]
    [InlineData("0/x001/x234/67")]
    public void TryParse_NotCanonical_Refused(string path)
    {
        Assert.False(TilePath.TryParse(path, out _));
    }
}
