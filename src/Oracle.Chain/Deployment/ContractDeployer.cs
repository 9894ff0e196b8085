using Nethereum.Contracts;
using Nethereum.Web3;
using Oracle.Chain.Artifacts;
using Oracle.Chain.Errors;

namespace Oracle.Chain.Deployment;

/// <summary>Deploys one contract from its embedded artifact and records where it went.</summary>
public static class ContractDeployer
{
    /// <summary>
    /// Deploys <paramref name="deployment"/> (a generated <c>&lt;Contract&gt;Deployment</c> message with its constructor arguments).
    /// </summary>
    /// <exception cref="ContractRevertedException">The constructor reverted.</exception>
    public static Task<DeployedContract> DeployAsync<TDeployment>(IWeb3 web3, string contractName, TDeployment deployment, CancellationToken cancellationToken = default)
        where TDeployment : ContractDeploymentMessage, new()
        => DeployAsync(web3, ContractArtifacts.Get(contractName), deployment, cancellationToken);

    /// <summary>
    /// Deploys <paramref name="deployment"/> of a contract whose artifact is embedded elsewhere (the test doubles of
    /// tests/Oracle.Testing), recording <paramref name="artifact"/>'s hashes.
    /// </summary>
    /// <exception cref="ContractRevertedException">The constructor reverted.</exception>
    public static async Task<DeployedContract> DeployAsync<TDeployment>(IWeb3 web3, ContractArtifact artifact, TDeployment deployment, CancellationToken cancellationToken = default)
        where TDeployment : ContractDeploymentMessage, new()
    {
        ArgumentNullException.ThrowIfNull(web3);
        ArgumentNullException.ThrowIfNull(artifact);
        Nethereum.RPC.Eth.DTOs.TransactionReceipt receipt;
        try
        {
            receipt = await web3.Eth.GetContractDeploymentHandler<TDeployment>().SendRequestAndWaitForReceiptAsync(deployment, cancellationToken);
        }
        catch (Exception e) when (ContractErrorDecoder.TryDecode(e, out var error))
        {
            throw new ContractRevertedException(error, inner: e);
        }

        if (receipt.Status?.Value != 1 || string.IsNullOrEmpty(receipt.ContractAddress))
        {
            throw new ContractRevertedException(new ContractError(ContractError.UnknownName, "", [], "0x"), receipt.TransactionHash);
        }

        return new DeployedContract
        {
            Address = Nethereum.Util.AddressUtil.Current.ConvertToChecksumAddress(receipt.ContractAddress),
            BlockNumber = (ulong)receipt.BlockNumber.Value,
            TransactionHash = receipt.TransactionHash,
            BytecodeHash = artifact.BytecodeHash,
            SourceHash = artifact.SourceHash,
        };
    }
}
