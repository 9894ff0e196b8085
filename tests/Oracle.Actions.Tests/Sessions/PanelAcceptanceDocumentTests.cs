using System.Numerics;
using Nethereum.Signer;
using Oracle.Actions.Sessions;
using Oracle.Core.Eip712;

namespace Oracle.Actions.Tests.Sessions;

public sealed class PanelAcceptanceDocumentTests
{
    private static readonly EthECKey Provider = new("0x" + new string('1', 64));

    [Fact]
    public void ToToken_ThenParse_SameAcceptanceAndTheProviderRecovers()
    {
        var signed = Signed();

        var again = PanelAcceptanceDocument.Parse(signed.ToToken());

        Assert.Equal(signed.ChainId, again.ChainId);
        Assert.Equal(signed.SessionManager, again.SessionManager);
        Assert.Equal(signed.Client, again.Client);
        Assert.Equal(signed.Penalty, again.Penalty);
        Assert.Equal(signed.Panel, again.Panel);
        Assert.Equal(signed.Deadline, again.Deadline);
        Assert.Equal(signed.Signature, again.Signature);
        Assert.Equal(Provider.GetPublicAddress(), again.RecoverSigner(), ignoreCase: true);
    }

    [Fact]
    public void ToJson_ThenParse_Same()
    {
        var signed = Signed();

        var again = PanelAcceptanceDocument.Parse(signed.ToJson());

        Assert.Equal(signed.ToToken(), again.ToToken());
    }

    [Theory]
    [InlineData("penalty")]
    [InlineData("deadline")]
    [InlineData("client")]
    [InlineData("panel")]
    [InlineData("chainId")]
    public void RecoverSigner_AnyFieldAltered_NotTheProvider(string field)
    {
        var signed = Signed();
        var altered = field switch
        {
            "penalty" => signed with { Penalty = signed.Penalty - 1 },
            "deadline" => signed with { Deadline = signed.Deadline + 1 },
            "client" => signed with { Client = "0x" + new string('9', 40) },
            "panel" => signed with { Panel = [.. signed.Panel.Take(2), "0x" + new string('f', 40)] },
            _ => signed with { ChainId = 1 },
        };

        Assert.NotEqual(Provider.GetPublicAddress(), altered.RecoverSigner(), StringComparer.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("""{"type": "voucher"}""", "not a panel acceptance")]
    [InlineData("""{"type": "oracle-panel-acceptance", "chainId": 1}""", "field sessionManager is missing")]
    [InlineData("panel-acceptance:%%%", "not base64url")]
    [InlineData("[1, 2]", "not a JSON object")]
    public void Parse_Wrong_RefusedNamingTheProblem(string text, string reason)
    {
        var e = Assert.Throws<ActionFailedException>(() => PanelAcceptanceDocument.Parse(text));

        Assert.Equal(ActionErrorKind.InvalidInput, e.Error.Kind);
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_PanelMemberNotAnAddress_RefusedNamingIt()
    {
        var json = Signed().ToJsonObject();
        json["panel"]![1] = "0x1234";

        var e = Assert.Throws<ActionFailedException>(() => PanelAcceptanceDocument.Parse(json.ToJsonString()));

        Assert.Contains("panel member 2 is not an address", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void HashPanel_Addresses_AbiEncodingOfTheWordsHashed()
    {
        string[] panel = ["0x" + new string('1', 40), "0x" + new string('a', 40), "0x" + new string('b', 40)];
        var words = new Nethereum.ABI.ABIEncode().GetABIEncoded([.. panel.Select(p => new Nethereum.ABI.ABIValue("address", p))]);

        Assert.Equal(Nethereum.Util.Sha3Keccack.Current.CalculateHash(words), PanelAcceptance.HashPanel(panel));
        Assert.Throws<FormatException>(() => PanelAcceptance.HashPanel(["0x1234"]));
    }

    private static PanelAcceptanceDocument Signed()
    {
        string[] panel = ["0x1111111111111111111111111111111111111111", "0x2222222222222222222222222222222222222222", "0x3333333333333333333333333333333333333333"];
        var unsigned = new PanelAcceptanceDocument(31337, "0x5FbDB2315678afecb367f032d93F642f64180aa3", Provider.GetPublicAddress(),
            "0x70997970C51812dc3A010C7d01b50e0d17dc79C8", BigInteger.Pow(10, 18) * 2, 3, panel, 4_102_444_800, new byte[65]);
        var signature = TypedDataSigner.Sign(unsigned.ToMessage(), TypedDataDomain.SessionManager(31337, unsigned.SessionManager), Provider);
        return unsigned with { Signature = Convert.FromHexString(signature[2..]) };
    }
}
