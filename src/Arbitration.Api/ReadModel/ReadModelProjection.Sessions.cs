using System.Text;
using Oracle.Chain.Contracts.ProviderRegistry;
using Oracle.Chain.Contracts.SessionManager;
using Oracle.Chain.Events;
using static Arbitration.Api.ReadModel.ProjectionStep;

namespace Arbitration.Api.ReadModel;

/// <summary>Providers and sessions.</summary>
internal sealed partial class ReadModelProjection
{
    /// <summary>The ISO code of a <c>bytes8</c> region (ASCII, zero-padded).</summary>
    public static string Region(byte[] region) => Encoding.ASCII.GetString(region).TrimEnd('\0');

    private static Task ProviderRegisteredAsync(ProjectionStep step, ProviderRegisteredEvent e, ulong block, ulong time)
        => step.ExecuteAsync("""
            INSERT INTO providers (address, region, price_per_mib, policy_hash, policy_uri, endpoint, tunnel_public_key, bond, status, registered_at, registered_block)
            VALUES (@p, @region, @price::numeric, @policyHash, @policyUri, @endpoint, @tunnelKey, @bond::numeric, 'Active', @time, @block)
            ON CONFLICT (address) DO UPDATE SET region = excluded.region, price_per_mib = excluded.price_per_mib, policy_hash = excluded.policy_hash,
                policy_uri = excluded.policy_uri, endpoint = excluded.endpoint, tunnel_public_key = excluded.tunnel_public_key, bond = excluded.bond,
                reserved_bond = 0, status = 'Active', unbondable_at = NULL, registered_at = excluded.registered_at, registered_block = excluded.registered_block
            """, new
        {
            p = A(e.Provider),
            region = Region(e.Region),
            price = N(e.PricePerMiB),
            policyHash = H(e.PolicyHash),
            policyUri = e.PolicyUri,
            endpoint = e.Endpoint,
            tunnelKey = H(e.TunnelPublicKey),
            bond = N(e.Bond),
            time = L(time),
            block = L(block),
        });

    private static Task ProviderUpdatedAsync(ProjectionStep step, ProviderUpdatedEvent e)
        => step.ExecuteAsync("""
            UPDATE providers SET region = @region, price_per_mib = @price::numeric, policy_hash = @policyHash, policy_uri = @policyUri,
                endpoint = @endpoint, tunnel_public_key = @tunnelKey
            WHERE address = @p
            """, new
        {
            p = A(e.Provider),
            region = Region(e.Region),
            price = N(e.PricePerMiB),
            policyHash = H(e.PolicyHash),
            policyUri = e.PolicyUri,
            endpoint = e.Endpoint,
            tunnelKey = H(e.TunnelPublicKey),
        });

    private static async Task SessionOpenedAsync(ProjectionStep step, SessionOpenedEvent e, ChainEvent projected)
    {
        await step.ExecuteAsync("""
            INSERT INTO sessions (session_id, client, provider, deposit, price_per_mib, penalty, committee_size, opened_at, policy_hash,
                panel_hash, panel, opened_block, opened_tx, status)
            VALUES (@id, @client, @provider, @deposit::numeric, @price::numeric, @penalty::numeric, @committee, @openedAt, @policyHash,
                @panelHash, @panel, @block, @tx, 'Open')
            """, new
        {
            id = L(e.SessionId),
            client = A(e.Client),
            provider = A(e.Provider),
            deposit = N(e.Deposit),
            price = N(e.PricePerMiB),
            penalty = N(e.Penalty),
            committee = (short)e.CommitteeSize,
            openedAt = L(e.OpenedAt),
            policyHash = H(e.PolicyHash),
            panelHash = H(e.PanelHash),
            panel = e.Panel.Select(A).ToArray(),
            block = L(projected.BlockNumber),
            tx = projected.TransactionHash.ToLowerInvariant(),
        });
        await step.ExecuteAsync("UPDATE providers SET sessions_served = sessions_served + 1 WHERE address = @p", new { p = A(e.Provider) });
    }

    private static async Task VoucherSettledAsync(ProjectionStep step, VoucherSettledEvent e)
    {
        // The provider's traffic grows by what this voucher adds to the session's cumulative bytes.
        await step.ExecuteAsync("""
            UPDATE providers SET earned = earned + @paid::numeric,
                bytes_served = bytes_served + greatest(@bytes::numeric - (SELECT cumulative_bytes FROM sessions WHERE session_id = @id), 0)
            WHERE address = @p
            """, new { p = A(e.Provider), id = L(e.SessionId), paid = N(e.Paid), bytes = N(e.CumulativeBytes) });
        await step.ExecuteAsync("""
            UPDATE sessions SET cumulative_amount = @amount::numeric, paid = paid + @paid::numeric, cumulative_bytes = @bytes::numeric,
                log_size = @logSize, log_root = @logRoot, vouchers = vouchers + 1
            WHERE session_id = @id
            """, new
        {
            id = L(e.SessionId),
            amount = N(e.CumulativeAmount),
            paid = N(e.Paid),
            bytes = N(e.CumulativeBytes),
            logSize = L(e.LogSize),
            logRoot = H(e.LogRoot),
        });
    }

    private static async Task SessionClosedAsync(ProjectionStep step, SessionClosedEvent e)
    {
        await step.ExecuteAsync("UPDATE providers SET earned = earned + @paid::numeric WHERE address = @p", new { p = A(e.Provider), paid = N(e.PaidToProvider) });
        await step.ExecuteAsync("""
            UPDATE sessions SET status = 'Closed', closed_at = @closedAt, paid = paid + @paid::numeric, refunded = @refunded::numeric
            WHERE session_id = @id
            """, new { id = L(e.SessionId), closedAt = L(e.ClosedAt), paid = N(e.PaidToProvider), refunded = N(e.RefundedToClient) });
    }
}
