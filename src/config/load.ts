/**
 * Loading the YAML configuration: parse with positions, walk the schema, apply defaults (spec 04 R7.2),
 * validate (R7.3), resolve paths against the base dir. Every problem is collected (not just the first)
 * and reported with its key path, the rule, the bad value and its line/column.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, resolve } from 'node:path';
import { Document, LineCounter, isAlias, isMap, isScalar, parseDocument, stringify, type Node as YamlNode } from 'yaml';
import { ConfigError, type ConfigIssue } from './errors.js';
import { CONFIG_SCHEMA, allKeyPaths, propertyOf, type Section } from './schema.js';
import type { Field } from './fields.js';
import { suggestKey } from './suggest.js';
import { crossFieldIssues } from './cross-checks.js';
import type { SupernodeConfig } from './types.js';

export interface LoadOptions {
  /** Overrides `base_dir` from the file (the `--base-dir` flag); relative to the working directory. */
  baseDir?: string;
  /** Directory a relative `base_dir` in the file is taken from; defaults to the working directory. */
  configDir?: string;
  /** Name shown in error positions (`supernode.yaml:12:5: …`). */
  source?: string;
  /** Home directory for `~` (tests pin it). */
  homeDir?: string;
}

export interface CheckResult {
  config: SupernodeConfig | undefined;
  issues: ConfigIssue[];
}

const KNOWN_PATHS = allKeyPaths();

/** Reads and loads a config file; throws ConfigError listing every problem. */
export function loadConfigFile(file: string, options: LoadOptions = {}): SupernodeConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new ConfigError([{ path: '', message: `cannot read config file: ${code}` }], file);
  }
  return parseConfig(text, { configDir: dirname(resolve(file)), source: file, ...options });
}

/** Loads config text; throws ConfigError listing every problem. */
export function parseConfig(text: string, options: LoadOptions = {}): SupernodeConfig {
  const { config, issues } = checkConfig(text, options);
  if (!config || issues.length > 0) throw new ConfigError(issues, options.source);
  return config;
}

/**
 * Builds a config from a plain object with the YAML key names (tests, programmatic use); same rules as a
 * file. `{ supernode: { identity, key_name }, lumera: { chain_id } }` is the smallest valid input.
 */
export function configFromObject(raw: Record<string, unknown>, options: LoadOptions = {}): SupernodeConfig {
  return parseConfig(stringify(raw), { source: 'config object', ...options });
}

/** Loads config text and returns the issues instead of throwing (`config validate`). */
export function checkConfig(text: string, options: LoadOptions = {}): CheckResult {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const at = (offset: number | undefined) => (offset === undefined ? {} : lines.linePos(offset));
  const syntax: ConfigIssue[] = [
    ...doc.errors.map((e) => ({ path: '', message: `YAML syntax error: ${e.message}`, ...at(e.pos[0]) })),
    // Warnings (e.g. an unknown !tag) would silently change how a value is read: treated as errors too.
    ...doc.warnings.map((e) => ({ path: '', message: `YAML problem: ${e.message}`, ...at(e.pos[0]) })),
  ];
  // A file that does not parse gives no trustworthy tree: report only where the syntax broke.
  if (doc.errors.length > 0) return { config: undefined, issues: syntax };

  const walker = new Walker(doc, lines);
  const model = walker.section(CONFIG_SCHEMA, doc.contents ?? undefined, '') as unknown as SupernodeConfig;
  // Single-key problems in file order (how an operator reads them), keys missing from the file last.
  const byPosition = [...walker.issues].sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity) || (a.col ?? 0) - (b.col ?? 0));
  const issues = [...syntax, ...byPosition];
  finishPaths(model, options);
  for (const issue of crossFieldIssues(model)) issues.push({ ...issue, ...walker.positionOf(issue.path) });
  return { config: issues.length === 0 ? model : undefined, issues };
}

class Walker {
  readonly issues: ConfigIssue[] = [];
  private readonly positions = new Map<string, { line: number; col: number }>();

  constructor(private readonly doc: Document.Parsed, private readonly lines: LineCounter) {}

  positionOf(path: string): { line?: number; col?: number } {
    return this.positions.get(path) ?? {};
  }

  private remember(path: string, node: YamlNode | undefined): { line?: number; col?: number } {
    const offset = node?.range?.[0];
    if (offset === undefined) return {};
    const pos = this.lines.linePos(offset);
    this.positions.set(path, pos);
    return pos;
  }

  private issue(path: string, message: string, node: YamlNode | undefined): void {
    this.issues.push({ path, message, ...this.remember(path, node) });
  }

  private deref(node: unknown): YamlNode | undefined {
    if (node === undefined || node === null) return undefined;
    const resolved = isAlias(node) ? node.resolve(this.doc) : node;
    if (resolved === undefined) return undefined;
    // `key:` with nothing after it parses as a null scalar: treated like an absent key.
    if (isScalar(resolved) && resolved.value === null) return undefined;
    return resolved as YamlNode;
  }

  section(schema: Section, rawNode: unknown, path: string): Record<string, unknown> {
    const node = this.deref(rawNode);
    const out: Record<string, unknown> = {};
    const present = new Map<string, YamlNode | undefined>();
    if (node !== undefined && !isMap(node)) {
      const shown = isScalar(node) ? JSON.stringify(node.value) : 'a list';
      this.issue(path, `${path || 'the config file'} must be a mapping of keys, got ${shown}`, node);
    } else if (node !== undefined) {
      this.remember(path, node);
      for (const pair of node.items) {
        const keyNode = pair.key as YamlNode | null;
        const key = isScalar(keyNode) ? String(keyNode.value) : undefined;
        const keyPath = path ? `${path}.${key}` : String(key);
        if (key === undefined || !(key in schema.children)) {
          const hint = key === undefined ? undefined : suggestKey(key, path, KNOWN_PATHS);
          const name = key === undefined ? 'a non-scalar key' : `key ${keyPath}`;
          this.issue(keyPath, `unknown ${name}${hint ? ` (did you mean ${hint}?)` : ''}`, keyNode ?? undefined);
          continue;
        }
        this.remember(keyPath, keyNode ?? undefined);
        present.set(key, pair.value as YamlNode | undefined);
      }
    }
    for (const [key, child] of Object.entries(schema.children)) {
      const childPath = path ? `${path}.${key}` : key;
      const value = present.get(key);
      out[propertyOf(key, child)] = child.kind === 'section' ? this.section(child, value, childPath) : this.leaf(child, value, childPath);
    }
    return out;
  }

  leaf(field: Field<unknown>, rawNode: unknown, path: string): unknown {
    const node = this.deref(rawNode);
    if (node === undefined) {
      if (field.default === undefined) this.issue(path, `${path} is required, expected ${field.typeLabel}`, undefined);
      return field.default ?? field.example;
    }
    const raw = isScalar(node) ? node.value : node.toJS(this.doc);
    const parsed = field.parse(raw);
    if (!parsed.ok) {
      this.issue(path + (parsed.problem.suffix ?? ''), `${path}${parsed.problem.suffix ?? ''} ${parsed.problem.text}`, node);
      return field.default ?? field.example;
    }
    let value = parsed.value;
    if (field.zeroMeansDefault && field.isZero(value) && field.default !== undefined) value = field.default;
    for (const p of field.check(value)) this.issue(path + (p.suffix ?? ''), `${path}${p.suffix ?? ''} ${p.text}`, node);
    this.remember(path, node);
    return value;
  }
}

function expandHome(p: string, home: string): string {
  return p === '~' ? home : p.startsWith('~/') ? resolve(home, p.slice(2)) : p;
}

/** Base dir: flag, else file, else default; then every path field resolved against it. */
function finishPaths(model: SupernodeConfig, options: LoadOptions): void {
  const home = options.homeDir ?? homedir();
  const fromFlag = options.baseDir !== undefined && options.baseDir.trim() !== '';
  const raw = expandHome(fromFlag ? (options.baseDir ?? '').trim() : model.baseDir, home);
  model.baseDir = isAbsolute(raw) ? resolve(raw) : resolve(fromFlag ? process.cwd() : (options.configDir ?? process.cwd()), raw);
  resolvePathFields(CONFIG_SCHEMA, model as unknown as Record<string, unknown>, model.baseDir, home);
}

function resolvePathFields(schema: Section, target: Record<string, unknown>, baseDir: string, home: string): void {
  for (const [key, child] of Object.entries(schema.children)) {
    const prop = propertyOf(key, child);
    if (child.kind === 'section') {
      resolvePathFields(child, target[prop] as Record<string, unknown>, baseDir, home);
    } else if (child.isPath && typeof target[prop] === 'string' && target[prop] !== '') {
      const p = expandHome(target[prop] as string, home);
      target[prop] = isAbsolute(p) ? resolve(p) : resolve(baseDir, p);
    }
  }
}
