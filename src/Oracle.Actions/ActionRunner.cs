using System.Net.Http;
using Oracle.Chain;
using Oracle.Chain.Errors;
using Oracle.Chain.Keys;
using Oracle.Chain.Transactions;

namespace Oracle.Actions;

/// <summary>
/// Runs an action body and turns every expected failure into an <see cref="ActionError"/>: the action's own refusals,
/// contract reverts (explained), a node that does not answer, a refused transaction, key problems. Anything else is a
/// bug and propagates.
/// </summary>
public static class ActionRunner
{
    /// <summary>Runs <paramref name="body"/>; see the class remarks for what becomes a failure.</summary>
    public static async Task<ActionResult<T>> RunAsync<T>(ActionContext? context, Func<Task<T>> body, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(body);
        try
        {
            return await body().ConfigureAwait(false);
        }
        catch (ActionFailedException e)
        {
            return e.Error;
        }
        catch (ContractRevertedException e)
        {
            var now = context is null ? null : await context.TryChainTimeAsync(cancellationToken).ConfigureAwait(false);
            return new ActionError(ActionErrorKind.Refused, RevertMessages.Explain(e.Error, context, now), e.Error);
        }
        catch (TransactionRejectedException e)
        {
            return new ActionError(ActionErrorKind.Refused, e.Message);
        }
        catch (KeyStoreException e)
        {
            return new ActionError(ActionErrorKind.Key, e.Message);
        }
        catch (ChainContextException e)
        {
            return new ActionError(ActionErrorKind.InvalidInput, e.Message);
        }
        catch (HttpRequestException e) when (context is null)
        {
            return new ActionError(ActionErrorKind.Unavailable, e.Message);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && (ChainErrors.IsUnavailable(e) || e is TimeoutException))
        {
            var node = context?.Chain.RpcUrl;
            return new ActionError(ActionErrorKind.Unavailable,
                $"the chain node{(node is null ? "" : $" at {node}")} does not answer: {e.GetBaseException().Message}");
        }
    }
}
