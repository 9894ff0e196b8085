using VpnGateway.Crypto;

namespace VpnGateway.Tests.Crypto;

public sealed class ReplayWindowTests
{
    [Fact]
    public void TryAccept_InOrderOnce_DuplicatesRefused()
    {
        var window = new ReplayWindow();

        for (ulong i = 0; i < 1000; i++)
        {
            Assert.True(window.TryAccept(i, ulong.MaxValue));
        }

        Assert.False(window.TryAccept(999, ulong.MaxValue));
        Assert.False(window.MayAccept(500, ulong.MaxValue));
    }

    [Fact]
    public void TryAccept_ReorderedInsideWindow_AcceptedOnceOutsideRefused()
    {
        var window = new ReplayWindow();
        Assert.True(window.TryAccept(10_000, ulong.MaxValue));

        Assert.True(window.TryAccept(10_000 - ReplayWindow.WindowSize, ulong.MaxValue));
        Assert.False(window.TryAccept(10_000 - ReplayWindow.WindowSize, ulong.MaxValue));
        Assert.True(window.TryAccept(9_999, ulong.MaxValue));
        Assert.False(window.TryAccept(10_000 - ReplayWindow.WindowSize - 1, ulong.MaxValue));
        Assert.False(window.MayAccept(1, ulong.MaxValue));
    }

    [Fact]
    public void TryAccept_JumpFarAhead_ClearsOldBits()
    {
        var window = new ReplayWindow();
        Assert.True(window.TryAccept(5, ulong.MaxValue));

        Assert.True(window.TryAccept(1_000_000, ulong.MaxValue));
        Assert.True(window.TryAccept(1_000_000 - 64, ulong.MaxValue));
        Assert.True(window.TryAccept(1_000_000 - 128 * 30, ulong.MaxValue));
    }

    [Fact]
    public void TryAccept_AtOrAboveLimit_Refused()
    {
        var window = new ReplayWindow();

        Assert.False(window.TryAccept(100, 100));
        Assert.True(window.TryAccept(99, 100));
    }

    [Fact]
    public void TryAccept_RandomOrder_MatchesSetSemantics()
    {
        var window = new ReplayWindow();
        var random = new Random(3);
        var seen = new HashSet<ulong>();
        ulong highest = 0;
        for (var i = 0; i < 100_000; i++)
        {
            var counter = (ulong)Math.Max(0, (long)highest + random.Next(-9000, 200));
            var fresh = !seen.Contains(counter) && (counter + ReplayWindow.WindowSize >= highest || counter > highest);
            var accepted = window.TryAccept(counter, ulong.MaxValue);
            Assert.Equal(fresh, accepted);
            if (accepted)
            {
                seen.Add(counter);
                highest = Math.Max(highest, counter);
            }
        }
    }
}
