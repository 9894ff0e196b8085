using System.CommandLine;
using System.Globalization;
using System.Net.Http.Json;
using System.Numerics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Nethereum.Hex.HexConvertors.Extensions;
using Nethereum.Signer;
using Oracle.Chain.Keys;
using Oracle.Core.Eip712;

namespace Arbitration.Api.Commands;

/// <summary>
/// <c>arbitration-api sign-filing</c>: a party signs a dispute filing with its keystore and gets the body to POST to
/// <c>/disputes</c> (docs/api.md). It asks the API for the typed data (<c>GET /filings/template</c>: the filer's nonce,
/// the domain, the cost and, when the allowance is short, a permit), shows what it signs, checks that the API's domain is
/// the chain the operator expects, and signs offline with the key; nothing is sent on-chain by this command.
/// </summary>
internal static class SignFilingCommand
{
    public const string Name = "sign-filing";

    public static bool Matches(string[] args) => args.Length > 0 && args[0] == Name;

    public static Task<int> RunAsync(string[] args)
    {
        var api = new Option<string>("--api") { Description = "The Arbitration API, for example http://127.0.0.1:5000", Required = true };
        var keystore = new Option<FileInfo>("--keystore") { Description = "The filer's keystore (Web3 Secret Storage)", Required = true };
        var passwordFile = new Option<FileInfo?>("--password-file") { Description = "A file whose first line is the keystore's password (else ORACLE_KEYSTORE_PASSWORD)" };
        var session = new Option<ulong>("--session") { Description = "The session's id", Required = true };
        var claim = new Option<string>("--claim")
        {
            Description = "ClientBreachedPolicy (the provider files), ProviderBreachedPolicy, ProviderOvercharged or ProviderWithheldService (the client files)",
            Required = true,
        };
        claim.AcceptOnlyFromAmong("ClientBreachedPolicy", "ProviderBreachedPolicy", "ProviderOvercharged", "ProviderWithheldService");
        var rule = new Option<uint>("--rule") { Description = "The policy rule said to be broken (0: none)" };
        var evidenceHash = new Option<string>("--evidence-hash") { Description = "The hash POST /evidence returned", Required = true };
        var evidenceUri = new Option<string>("--evidence-uri") { Description = "The URI POST /evidence returned", Required = true };
        var chainId = new Option<ulong?>("--chain-id") { Description = "Refuse to sign unless the API's domain is this chain" };
        var deadline = new Option<ulong?>("--deadline") { Description = "Unix time after which the filing may not be relayed (default: an hour after the chain's time)" };
        var output = new Option<FileInfo?>("--output", "-o") { Description = "Write the body here (default: standard output)" };
        var proof = new Option<FileInfo?>("--proof")
        {
            Description = "ClientBreachedPolicy only: a JSON file with the record proof (leaf, leafIndex, auditPath, voucher, signature) to file with the claim; its hash is signed",
        };

        var command = new RootCommand("Signs a dispute filing (and a permit of its fee and stake) with a keystore; prints the POST /disputes body")
        {
            api, keystore, passwordFile, session, claim, rule, evidenceHash, evidenceUri, chainId, deadline, proof, output,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            try
            {
                var apiUrl = ApiUrl(parse.GetValue(api)!);
                var key = KeyStoreFile.LoadWithPasswordFile(parse.GetValue(keystore)!.FullName, parse.GetValue(passwordFile)?.FullName);
                var proofJson = parse.GetValue(proof) is { } proofFile ? JsonNode.Parse(await File.ReadAllTextAsync(proofFile.FullName, cancellationToken)) as JsonObject
                    ?? throw new InvalidDataException($"{proofFile.Name} is not a JSON object") : null;
                var body = await SignAsync(apiUrl, key, parse.GetValue(session), parse.GetValue(claim)!, parse.GetValue(rule), parse.GetValue(evidenceHash)!,
                    parse.GetValue(evidenceUri)!, parse.GetValue(chainId), parse.GetValue(deadline), cancellationToken, proofJson);
                var text = body.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
                if (parse.GetValue(output) is { } file)
                {
                    await File.WriteAllTextAsync(file.FullName, text + "\n", cancellationToken);
                    Console.Error.WriteLine($"sign-filing: wrote {file.FullName}; file it with: curl -H 'Content-Type: application/json' --data @{file.Name} {apiUrl.ToString().TrimEnd('/')}/disputes");
                }
                else
                {
                    Console.WriteLine(text);
                }

                return 0;
            }
            catch (Exception e) when (e is KeyStoreException or HttpRequestException or InvalidDataException or IOException or JsonException)
            {
                Console.Error.WriteLine($"sign-filing: {e.Message}");
                return 2;
            }
        });
        return command.Parse(args[1..]).InvokeAsync();
    }

    /// <summary>Fetches the template, checks it, signs the filing (and permit) and returns the body.</summary>
    public static async Task<JsonObject> SignAsync(Uri api, EthECKey key, ulong sessionId, string claim, uint rule, string evidenceHash, string evidenceUri,
        ulong? expectedChainId, ulong? deadline, CancellationToken cancellationToken, JsonObject? proof = null)
    {
        var filer = key.GetPublicAddress();
        var proofHash = ProofHashOf(proof);
        using var http = new HttpClient { BaseAddress = api, Timeout = TimeSpan.FromSeconds(30) };
        var query = $"filings/template?sessionId={sessionId}&filer={filer}&claimType={claim}&ruleId={rule}&evidenceHash={Uri.EscapeDataString(evidenceHash)}"
            + $"&evidenceUri={Uri.EscapeDataString(evidenceUri)}" + (deadline is { } d ? $"&deadline={d}" : "") + (proof is null ? "" : $"&proofHash={proofHash.ToHex(true)}");
        using var response = await http.GetAsync(new Uri(query, UriKind.Relative), cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidDataException($"the API refused the template ({(int)response.StatusCode}): {text}");
        }

        var template = JsonNode.Parse(text)!.AsObject();
        var filingTyped = template["filing"]!.AsObject();
        var domain = Domain(filingTyped);
        if (expectedChainId is { } expected && domain.ChainId != expected)
        {
            throw new InvalidDataException($"the API's DisputeManager domain is chain {domain.ChainId}, not {expected}: refusing to sign");
        }

        var m = filingTyped["message"]!.AsObject();
        var filing = new Oracle.Core.Eip712.Filing
        {
            SessionId = ulong.Parse(S(m, "sessionId"), CultureInfo.InvariantCulture),
            ClaimType = byte.Parse(S(m, "claimType"), CultureInfo.InvariantCulture),
            RuleId = uint.Parse(S(m, "ruleId"), CultureInfo.InvariantCulture),
            EvidenceHash = S(m, "evidenceHash").HexToByteArray(),
            EvidenceUri = S(m, "evidenceUri"),
            ProofHash = S(m, "proofHash").HexToByteArray(),
            PanelHash = S(m, "panelHash").HexToByteArray(),
            Nonce = BigInteger.Parse(S(m, "nonce"), CultureInfo.InvariantCulture),
            Deadline = ulong.Parse(S(m, "deadline"), CultureInfo.InvariantCulture),
        };
        if (filing.SessionId != sessionId || filing.RuleId != rule || !string.Equals(S(m, "evidenceHash"), evidenceHash, StringComparison.OrdinalIgnoreCase) || filing.EvidenceUri != evidenceUri
            || !filing.ProofHash.AsSpan().SequenceEqual(proofHash) || filing.PanelHash.Length != 32)
        {
            throw new InvalidDataException("the API's template is not the filing asked for: refusing to sign");
        }

        Console.Error.WriteLine($"sign-filing: {filer} files {claim} on session {sessionId} (rule {rule}) under chain {domain.ChainId}, DisputeManager {domain.VerifyingContract}, nonce {filing.Nonce}, deadline {filing.Deadline}; cost {template["cost"]} VPN base units");
        var body = new JsonObject
        {
            ["filer"] = filer,
            ["filing"] = new JsonObject
            {
                ["sessionId"] = filing.SessionId.ToString(CultureInfo.InvariantCulture),
                ["claimType"] = claim,
                ["ruleId"] = filing.RuleId,
                ["evidenceHash"] = filing.EvidenceHash.ToHex(true),
                ["evidenceUri"] = filing.EvidenceUri,
                ["nonce"] = filing.Nonce.ToString(CultureInfo.InvariantCulture),
                ["deadline"] = filing.Deadline,
            },
            ["signature"] = TypedDataSigner.Sign(filing, domain, key),
        };
        if (proof is not null)
        {
            body["proof"] = proof.DeepClone();
        }

        if (template["permit"] is JsonObject permitTyped)
        {
            var p = permitTyped["message"]!.AsObject();
            var permit = new Permit
            {
                Owner = S(p, "owner"),
                Spender = S(p, "spender"),
                Value = BigInteger.Parse(S(p, "value"), CultureInfo.InvariantCulture),
                Nonce = BigInteger.Parse(S(p, "nonce"), CultureInfo.InvariantCulture),
                Deadline = BigInteger.Parse(S(p, "deadline"), CultureInfo.InvariantCulture),
            };
            var permitDomain = Domain(permitTyped);
            if (permitDomain.ChainId != domain.ChainId || !string.Equals(permit.Spender, domain.VerifyingContract, StringComparison.OrdinalIgnoreCase)
                || !string.Equals(permit.Owner, filer, StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidDataException("the API's permit is not (owner = the filer, spender = the DisputeManager) on the same chain: refusing to sign");
            }

            Console.Error.WriteLine($"sign-filing: and a permit of {permit.Value} VPN base units to the DisputeManager until {permit.Deadline}");
            body["permit"] = new JsonObject
            {
                ["value"] = permit.Value.ToString(CultureInfo.InvariantCulture),
                ["deadline"] = permit.Deadline.ToString(CultureInfo.InvariantCulture),
                ["signature"] = TypedDataSigner.Sign(permit, permitDomain, key),
            };
        }

        return body;
    }

    // The proof's hash as the DisputeManager computes it; the API's own reader checks every field of the file.
    private static byte[] ProofHashOf(JsonObject? proof)
    {
        if (proof is null)
        {
            return new byte[32];
        }

        using var document = JsonDocument.Parse(proof.ToJsonString());
        var body = new Apis.JsonBody();
        var parsed = Filing.FilingReader.ReadProof(document.RootElement, body);
        if (parsed is null || !body.IsValid)
        {
            throw new InvalidDataException("the proof file is not a record proof: " + string.Join("; ", body.Errors.Select(e => $"{e.Key}: {string.Join(", ", e.Value)}")));
        }

        return Filing.FilingMessages.ProofHash(parsed);
    }

    // An http(s) URL; with a trailing slash, so that a path base (https://host/arbitration) is kept for the relative calls.
    private static Uri ApiUrl(string text)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new InvalidDataException($"--api: {text} is not an http(s) URL, for example http://127.0.0.1:5000");
        }

        return uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");
    }

    private static TypedDataDomain Domain(JsonObject typed)
    {
        var d = typed["domain"]!.AsObject();
        return new TypedDataDomain(S(d, "name"), S(d, "version"), BigInteger.Parse(S(d, "chainId"), CultureInfo.InvariantCulture), S(d, "verifyingContract"));
    }

    private static string S(JsonObject o, string name) => o[name]?.ToString() ?? throw new InvalidDataException($"the template has no {name}");
}
