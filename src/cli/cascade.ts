/**
 * `supernode cascade upload FILE` and `supernode cascade download ACTION_ID OUT`: thin wrappers around
 * uploadCascadeFile / downloadCascadeFile (src/cascade/upload.ts, download.ts).
 *
 * Connection and keys: `--devnet DIR` reads DIR/devnet.json (written by `supernode devnet start`) for the
 * RPC URL, chain id and the keyrings of its accounts and supernodes; otherwise `--chain-rpc`, `--chain-id`,
 * `--home` and `--key` name them. MsgFinalizeAction must be signed by a top-10 supernode (spec 02 §6.5), so
 * an upload also needs supernode keys: on the devnet every supernode key of devnet.json is offered, else
 * `--finalizer-key` (in `--finalizer-home`, default `--home`).
 *
 * Progress goes to stderr: bars for files over 4 MB when stderr is a terminal, a few plain lines otherwise.
 * stdout carries only the result (the action id; the written path).
 */
import { readFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import { connectLumeraClient, type LumeraClient } from '../chain/client.js';
import { Keyring, KEYRING_BACKENDS, type KeyringBackend } from '../chain/keyring.js';
import type { SigningKey } from '../chain/keys.js';
import { PASSPHRASE_ENV } from '../chain/from-config.js';
import { downloadCascadeFile, type DownloadProgress } from '../cascade/download.js';
import { uploadCascadeFile, type Finalizer, type UploadProgress } from '../cascade/upload.js';
import { cascadeClientDialer } from '../cascade/upload-dialer.js';
import { GrpcArtefactPeers } from '../healing/artefact-peers.js';
import { InvalidArgumentError } from '../util/errors.js';

/** Files above this size get progress bars (on a terminal). */
const BAR_THRESHOLD_BYTES = 4 * 1024 * 1024;

interface CommonOpts {
  devnet?: string;
  home?: string;
  key?: string;
  keyringBackend: string;
  chainRpc?: string;
  chainId?: string;
}

interface UploadOpts extends CommonOpts {
  finalizerKey?: string;
  finalizerHome?: string;
  holders: string;
  replicas: string;
  private?: boolean;
}

interface DevnetEntry {
  name: string;
  address: string;
  keyringHome: string;
}

interface DevnetJson {
  rpcUrl: string;
  chainId: string;
  supernodes: DevnetEntry[];
  accounts: DevnetEntry[];
}

function readDevnet(dir: string): DevnetJson {
  const path = join(resolve(dir), 'devnet.json');
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new InvalidArgumentError('--devnet', `${path} cannot be read as JSON: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const o = raw as Partial<DevnetJson>;
  const entries = (v: unknown) => Array.isArray(v) && v.every((e) => typeof e?.name === 'string' && typeof e?.keyringHome === 'string');
  if (typeof o.rpcUrl !== 'string' || typeof o.chainId !== 'string' || !entries(o.supernodes) || !entries(o.accounts)) {
    throw new InvalidArgumentError('--devnet', `${path} lacks rpcUrl, chainId, supernodes or accounts`);
  }
  return o as DevnetJson;
}

function ringAt(home: string, backend: string): Keyring {
  if (!KEYRING_BACKENDS.includes(backend as KeyringBackend)) {
    throw new InvalidArgumentError('--keyring-backend', `must be one of ${KEYRING_BACKENDS.join(', ')}, got ${JSON.stringify(backend)}`);
  }
  return new Keyring({ home, backend: backend as KeyringBackend, passphrase: backend === 'file' ? process.env[PASSPHRASE_ENV] : undefined });
}

interface Session {
  chain: LumeraClient;
  key: SigningKey;
  rpc: string;
  devnet?: DevnetJson;
}

async function openSession(o: CommonOpts): Promise<Session> {
  const devnet = o.devnet !== undefined ? readDevnet(o.devnet) : undefined;
  const rpc = o.chainRpc ?? devnet?.rpcUrl;
  const chainId = o.chainId ?? devnet?.chainId;
  if (!rpc) throw new InvalidArgumentError('--chain-rpc', 'is required (or --devnet DIR)');
  const name = o.key ?? (devnet ? 'acct0' : undefined);
  if (!name) throw new InvalidArgumentError('--key', 'is required (the account that signs)');
  let home = o.home;
  // On a devnet a key outside devnet.json is looked for next to its accounts (<devnet>/accounts/<name>).
  if (home === undefined && devnet) home = [...devnet.accounts, ...devnet.supernodes].find((e) => e.name === name)?.keyringHome ?? join(resolve(o.devnet!), 'accounts', name);
  if (home === undefined) throw new InvalidArgumentError('--home', `is required: no keyring given for key ${JSON.stringify(name)}`);
  const key = await ringAt(home, o.keyringBackend).signingKey(name);
  const chain = await connectLumeraClient({ rpcUrls: [rpc], chainId, signer: key, requestTimeoutMs: 10_000, tx: { inclusionTimeoutMs: 30_000 } });
  return { chain, key, rpc, devnet };
}

async function finalizersFor(o: UploadOpts, s: Session, opened: LumeraClient[]): Promise<Finalizer[]> {
  const entries: Array<{ name: string; home: string }> = [];
  if (o.finalizerKey !== undefined) {
    const home = o.finalizerHome ?? o.home ?? s.devnet?.supernodes.find((e) => e.name === o.finalizerKey)?.keyringHome;
    if (home === undefined) throw new InvalidArgumentError('--finalizer-home', `is required for --finalizer-key ${JSON.stringify(o.finalizerKey)}`);
    entries.push({ name: o.finalizerKey, home });
  } else if (s.devnet) {
    for (const e of s.devnet.supernodes) entries.push({ name: e.name, home: e.keyringHome });
  } else {
    throw new InvalidArgumentError('--finalizer-key', 'is required: MsgFinalizeAction must be signed by a top-10 supernode (or use --devnet DIR)');
  }
  const out: Finalizer[] = [];
  for (const e of entries) {
    const key = await ringAt(e.home, o.keyringBackend).signingKey(e.name);
    let client: LumeraClient | undefined;
    out.push({
      address: key.address,
      finalize: async (input) => {
        // Connected only for the finalizer actually used.
        client ??= await connectLumeraClient({ rpcUrls: [s.rpc], chainId: s.chain.chainId, signer: key, requestTimeoutMs: 10_000, tx: { inclusionTimeoutMs: 30_000 } });
        opened.push(client);
        return client.finalizeAction(input);
      },
    });
  }
  return out;
}

function int(flag: string, v: string, min: number, max: number): number {
  if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) throw new InvalidArgumentError(flag, `must be an integer in [${min}, ${max}], got ${JSON.stringify(v)}`);
  return Number(v);
}

/** Bars on a terminal for big files; otherwise one line per phase and per quarter of a long phase. */
export class Progress {
  private bar: cliProgress.SingleBar | undefined;
  private phase = '';
  private quarter = -1;
  constructor(private readonly fancy: boolean) {}

  update(phase: string, done: number, total: number, unit: 'bytes' | 'items'): void {
    if (phase !== this.phase) {
      this.bar?.stop();
      this.bar = undefined;
      this.phase = phase;
      this.quarter = -1;
      if (this.fancy && total > 1) {
        this.bar = new cliProgress.SingleBar({ stream: process.stderr, format: `${phase.padEnd(8)} [{bar}] {percentage}% {value}/{total} ${unit === 'bytes' ? 'MB' : ''}`, hideCursor: true }, cliProgress.Presets.shades_classic);
        this.bar.start(this.scale(total, unit), 0);
      } else process.stderr.write(`${phase}...\n`);
    }
    if (this.bar) {
      if (this.bar.getTotal() !== this.scale(total, unit)) this.bar.setTotal(this.scale(total, unit));
      this.bar.update(this.scale(done, unit));
    }
    else if (!this.fancy && total > 1) {
      const q = Math.floor((4 * done) / total);
      if (q > this.quarter && q > 0) {
        this.quarter = q;
        process.stderr.write(`${phase}: ${Math.min(100, q * 25)}% (${this.scale(done, unit)}/${this.scale(total, unit)}${unit === 'bytes' ? ' MB' : ''})\n`);
      }
    }
  }

  stop(): void {
    this.bar?.stop();
    this.bar = undefined;
  }

  private scale(v: number, unit: 'bytes' | 'items'): number {
    return unit === 'bytes' ? Math.round((v / 1e6) * 10) / 10 : v;
  }
}

function connectionOptions(cmd: Command): Command {
  return cmd
    .option('--devnet <dir>', 'devnet home (reads <dir>/devnet.json: RPC URL, chain id, keyrings)')
    .option('--home <dir>', 'keyring home of --key (<home>/keys/keyring-<backend>/)')
    .option('--key <name>', 'signing key (the creator for uploads; default acct0 with --devnet)')
    .option('--keyring-backend <backend>', 'keyring backend (file: passphrase from SUPERNODE_KEYRING_PASSPHRASE)', 'test')
    .option('--chain-rpc <url>', 'CometBFT RPC URL (default: from --devnet)')
    .option('--chain-id <id>', 'expected chain id (default: from --devnet)');
}

export function registerCascadeCommands(program: Command): void {
  const cascade = program.command('cascade').description('upload and download Cascade files through the supernodes (lumera-alts)');

  connectionOptions(cascade.command('upload <file>'))
    .description('encode FILE, register it (MsgRequestAction), store its artefacts on the holders, finalize; prints the action id')
    .option('--finalizer-key <name>', 'supernode key that signs MsgFinalizeAction (default with --devnet: any devnet supernode in the top 10)')
    .option('--finalizer-home <dir>', 'keyring home of --finalizer-key (default --home)')
    .option('--holders <n>', 'holders to store on (finalizer included)', '3')
    .option('--replicas <n>', 'holders per symbol (RaptorQ symbols are already ≈ 6× redundant)', '1')
    .option('--private', 'register a private action (only the creator may download)')
    .action(async (file: string, o: UploadOpts) => {
      const path = resolve(file);
      const st = await stat(path).catch(() => undefined);
      if (!st?.isFile()) throw new InvalidArgumentError('FILE', `${path} is not a readable file`);
      const holders = int('--holders', o.holders, 1, 10);
      const replicas = int('--replicas', o.replicas, 1, 10);
      const s = await openSession(o);
      const opened: LumeraClient[] = [];
      const dialer = await cascadeClientDialer(s.chain, s.key);
      const progress = new Progress(process.stderr.isTTY === true && st.size > BAR_THRESHOLD_BYTES);
      try {
        const r = await uploadCascadeFile({
          filePath: path, chain: s.chain, creator: s.key, dialer, finalizers: await finalizersFor(o, s, opened), holders, symbolReplicas: replicas,
          public: o.private !== true,
          progress: (p: UploadProgress) => progress.update(p.phase, p.done, p.total, p.phase === 'store' ? 'bytes' : 'items'),
        });
        progress.stop();
        process.stderr.write(`action ${r.actionId}: ${r.fileSize} bytes, ${r.symbols} symbols, data hash ${r.dataHashB64}, holders ${r.holders.join(',')}, finalized by ${r.finalizer}\n`);
        process.stdout.write(`${r.actionId}\n`);
      } finally {
        progress.stop();
        dialer.close();
        for (const c of opened) c.close();
        s.chain.close();
      }
    });

  connectionOptions(cascade.command('download <actionId> <out>'))
    .description('fetch an action\'s artefacts from its holders, decode, verify the data hash and write OUT atomically')
    .action(async (actionId: string, out: string, o: CommonOpts) => {
      if (!/^[0-9]{1,64}$/.test(actionId)) throw new InvalidArgumentError('ACTION_ID', `must be a decimal action id, got ${JSON.stringify(actionId)}`);
      const outPath = resolve(out);
      const s = await openSession(o);
      const dialer = await cascadeClientDialer(s.chain, s.key);
      try {
        const action = await s.chain.getAction(actionId);
        const big = (action?.fileSizeKbs ?? 0n) * 1024n > BigInt(BAR_THRESHOLD_BYTES);
        const progress = new Progress(process.stderr.isTTY === true && big);
        try {
          const r = await downloadCascadeFile({
            actionId, outPath, chain: s.chain, peers: new GrpcArtefactPeers(dialer, 60_000),
            progress: (p: DownloadProgress) => progress.update(p.phase, p.done, p.total, 'items'),
          });
          progress.stop();
          const skipped = r.unavailable.length > 0 ? `, unreachable ${r.unavailable.join(',')}` : '';
          process.stderr.write(`action ${actionId}: ${r.size} bytes, data hash ${r.dataHashB64} verified, ${r.used} symbols used${skipped}\n`);
          process.stdout.write(`${outPath}\n`);
        } finally {
          progress.stop();
        }
      } finally {
        dialer.close();
        s.chain.close();
      }
    });
}
