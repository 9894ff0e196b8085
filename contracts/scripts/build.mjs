#!/usr/bin/env node
// Compiles every contract under contracts/src with the pinned solc-js into contracts/artifacts.
//
//   node scripts/build.mjs            compile if any input changed (incremental)
//   node scripts/build.mjs --force    compile even if nothing changed
//
// One artifact per contract (<Name>.json: abi, bytecode, deployedBytecode, sourceHash, compiler settings)
// plus index.json with the input hash that makes the build incremental. Any compiler warning fails the build.
// Test doubles under src/testing go to artifacts/testing/: they are not part of the shipped bindings (src/Oracle.Chain
// embeds artifacts/*.json only); tests/Oracle.Testing generates their bindings.
// Run by the MSBuild target in src/Oracle.Chain, so `dotnet build` is all a newcomer needs.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const srcDir = join(root, "src");
const outDir = join(root, "artifacts");
const require = createRequire(import.meta.url);

// Fixed compiler settings: changing any of these changes every bytecode hash, so they live in one place.
const settings = {
    evmVersion: "cancun",
    optimizer: { enabled: true, runs: 1000 },
    viaIR: true,
    metadata: { bytecodeHash: "none", appendCBOR: false },
    outputSelection: {
        "*": { "*": ["abi", "evm.bytecode.object", "evm.deployedBytecode.object", "evm.methodIdentifiers", "devdoc", "userdoc"] },
    },
};

function fail(message) {
    console.error(`contracts: error: ${message}`);
    process.exit(1);
}

function walk(dir) {
    const files = [];
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) files.push(...walk(path));
        else if (entry.name.endsWith(".sol")) files.push(path);
    }
    return files.sort();
}

const sha256 = (data) => createHash("sha256").update(data).digest("hex");

function packageVersion(name) {
    try {
        return JSON.parse(readFileSync(require.resolve(`${name}/package.json`), "utf8")).version;
    } catch {
        fail(`${name} is not installed: run \`npm ci\` in contracts/ (the README commands do this for you)`);
    }
}

const sourceFiles = walk(srcDir);
if (sourceFiles.length === 0) fail(`no contracts under ${relative(process.cwd(), srcDir)}`);

// Source unit names are paths relative to contracts/ ("src/VpnToken.sol"), so artifacts are machine independent.
const sources = {};
for (const file of sourceFiles) {
    sources[relative(root, file).split(sep).join("/")] = { content: readFileSync(file, "utf8") };
}

const solcVersion = packageVersion("solc");
const openZeppelinVersion = packageVersion("@openzeppelin/contracts");
const inputHash = sha256(JSON.stringify({
    solc: solcVersion,
    openZeppelin: openZeppelinVersion,
    settings,
    sources: Object.fromEntries(Object.entries(sources).map(([name, { content }]) => [name, sha256(content)])),
    builder: sha256(readFileSync(fileURLToPath(import.meta.url))),
}));

const indexPath = join(outDir, "index.json");
if (!process.argv.includes("--force") && existsSync(indexPath)) {
    try {
        const index = JSON.parse(readFileSync(indexPath, "utf8"));
        if (index.inputHash === inputHash) {
            console.log(`contracts: up to date (${index.contracts.length} artifacts)`);
            process.exit(0);
        }
    } catch {
        // A damaged index is rebuilt below.
    }
}

// Loading the compiler (WebAssembly) is the slow part, so it happens only once we know a build is needed.
const solc = require("solc");

function findImports(path) {
    // Only package imports reach the callback; relative imports are resolved by solc against the source unit name.
    try {
        return { contents: readFileSync(require.resolve(path), "utf8") };
    } catch {
        const local = join(root, path);
        if (existsSync(local)) return { contents: readFileSync(local, "utf8") };
        return { error: `import not found: ${path}` };
    }
}

const started = Date.now();
const output = JSON.parse(solc.compile(JSON.stringify({ language: "Solidity", sources, settings }), { import: findImports }));

const diagnostics = output.errors ?? [];
for (const d of diagnostics) console.error(d.formattedMessage ?? d.message);
const errors = diagnostics.filter((d) => d.severity === "error");
const warnings = diagnostics.filter((d) => d.severity === "warning");
if (errors.length > 0) fail(`${errors.length} compiler error(s)`);
if (warnings.length > 0) fail(`${warnings.length} compiler warning(s); warnings fail the build`);

// Write to a fresh folder and swap it in, so an interrupted build never leaves half an artifact set.
const tmpDir = `${outDir}.tmp`;
rmSync(tmpDir, { recursive: true, force: true });
mkdirSync(join(tmpDir, "testing"), { recursive: true });
const contracts = [];
for (const [sourceName, units] of Object.entries(output.contracts ?? {})) {
    if (!sourceName.startsWith("src/")) continue;
    for (const [contractName, unit] of Object.entries(units)) {
        if (contracts.some((c) => c.contractName === contractName)) fail(`two contracts are named ${contractName}`);
        const bytecode = `0x${unit.evm.bytecode.object}`;
        const deployedBytecode = `0x${unit.evm.deployedBytecode.object}`;
        const artifact = {
            contractName,
            sourceName,
            compiler: { version: solc.version(), settings: { evmVersion: settings.evmVersion, optimizer: settings.optimizer, viaIR: settings.viaIR } },
            sourceHash: sha256(sources[sourceName].content),
            bytecodeHash: sha256(bytecode),
            abi: unit.abi,
            methodIdentifiers: unit.evm.methodIdentifiers,
            bytecode,
            deployedBytecode,
            devdoc: unit.devdoc,
            userdoc: unit.userdoc,
        };
        const testOnly = sourceName.startsWith("src/testing/");
        writeFileSync(join(tmpDir, testOnly ? "testing" : "", `${contractName}.json`), `${JSON.stringify(artifact, null, 2)}\n`);
        contracts.push({ contractName, sourceName, deployable: bytecode.length > 2, testOnly, bytecodeHash: artifact.bytecodeHash });
    }
}
writeFileSync(join(tmpDir, "index.json"), `${JSON.stringify({ inputHash, solc: solc.version(), openZeppelin: openZeppelinVersion, contracts }, null, 2)}\n`);
rmSync(outDir, { recursive: true, force: true });
renameSync(tmpDir, outDir);
console.log(`contracts: compiled ${sourceFiles.length} source file(s) into ${contracts.length} artifact(s) with solc ${solc.version()} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
