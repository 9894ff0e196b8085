// Hardhat is used only for its local node (`hardhat node`); contracts are compiled by scripts/build.mjs.
// The hardfork matches the EVM version the build script compiles for.
const { createHash } = require("node:crypto");

// Well-known development keys: key i is SHA-256("oracle devnet account <i>"), the same derivation as
// Oracle.Chain.Keys.DevelopmentKeys. They are public and must only ever hold devnet funds.
const accounts = Array.from({ length: 64 }, (_, i) => ({
    privateKey: `0x${createHash("sha256").update(`oracle devnet account ${i}`).digest("hex")}`,
    balance: "1000000000000000000000000",
}));

// The chain id is 31337 unless ORACLE_CHAIN_ID says otherwise (the devnet's --chain-id; tests run the gateway on 1337
// to prove nothing depends on one id).
module.exports = {
    networks: {
        hardhat: {
            chainId: Number(process.env.ORACLE_CHAIN_ID || 31337),
            hardfork: "cancun",
            accounts,
            mining: { auto: true, interval: 0 },
            allowBlocksWithSameTimestamp: true,
        },
    },
};
