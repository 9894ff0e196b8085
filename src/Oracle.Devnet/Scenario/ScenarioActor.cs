using Nethereum.Signer;
using Oracle.Actions;

namespace Oracle.Devnet.Scenario;

/// <summary>A person (or operator) of the main job: a key in a keystore file and the actions it takes on the chain.</summary>
/// <param name="Name">A short name for the timeline ("alice", "exit provider").</param>
/// <param name="Key">The key.</param>
/// <param name="Keystore">Its keystore file.</param>
/// <param name="Actions">Its actions (the command line's library, with its key).</param>
public sealed record ScenarioActor(string Name, EthECKey Key, string Keystore, ActionContext Actions)
{
    /// <summary>The account (checksummed).</summary>
    public string Address => Nethereum.Util.AddressUtil.Current.ConvertToChecksumAddress(Key.GetPublicAddress());
}
