/**
 * Writing configuration back out: the resolved config as YAML keys (what `config validate` prints, and
 * loadable again), and the documented example file (`supernode.example.yaml`, `config example`).
 */
import { stringify } from 'yaml';
import { CONFIG_SCHEMA, propertyOf, type Section } from './schema.js';
import type { Field } from './fields.js';
import type { SupernodeConfig } from './types.js';

/** The resolved config with YAML key names (snake_case) and YAML value forms (durations as `30s`). */
export function configToYamlObject(config: SupernodeConfig): Record<string, unknown> {
  return toYamlSection(CONFIG_SCHEMA, config as unknown as Record<string, unknown>);
}

function toYamlSection(schema: Section, model: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(schema.children)) {
    const value = model[propertyOf(key, child)];
    out[key] = child.kind === 'section' ? toYamlSection(child, value as Record<string, unknown>) : child.toYaml(value);
  }
  return out;
}

export function renderConfigYaml(config: SupernodeConfig): string {
  return stringify(configToYamlObject(config), { lineWidth: 0 });
}

const WIDTH = 100;

function wrapComment(text: string, indent: string): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && indent.length + 2 + line.length + 1 + word.length > WIDTH) {
      lines.push(`${indent}# ${line}`);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(`${indent}# ${line}`);
  return lines;
}

function scalarText(value: unknown): string {
  return stringify(value, { lineWidth: 0 }).trimEnd();
}

function describeDefault(field: Field<unknown>): string {
  if (field.default === undefined) return 'required';
  const shown = field.toYaml(field.default);
  if (Array.isArray(shown)) return `default: [${shown.map(scalarText).join(', ')}]`;
  return `default: ${scalarText(shown)}`;
}

function renderSection(schema: Section, indent: string, out: string[]): void {
  for (const [key, child] of Object.entries(schema.children)) {
    if (child.kind === 'section') {
      if (indent === '') out.push('');
      out.push(...wrapComment(child.doc, indent), `${indent}${key}:`);
      renderSection(child, `${indent}  `, out);
      continue;
    }
    out.push(...wrapComment(child.doc, indent), `${indent}# ${child.typeLabel}; ${describeDefault(child)}`);
    const value = child.toYaml(child.example ?? child.default);
    if (Array.isArray(value)) {
      out.push(`${indent}${key}:`, ...value.map((v) => `${indent}  - ${scalarText(v)}`));
    } else {
      out.push(`${indent}${key}: ${scalarText(value)}`);
    }
  }
}

/**
 * The documented example configuration: every key with its meaning, type and default. Values are the
 * defaults, except the required keys (placeholder values) and the LEP-6 toggles, which the example turns
 * on as a generated config does (spec 04 R7.2) while the comment shows the absent-key default (false).
 */
export function renderExampleConfig(): string {
  const out = [
    '# supernode configuration (YAML). Every key is listed with its meaning, type and default.',
    '# A key that is absent takes its default; for numeric knobs 0 also means "use the default".',
    '# Relative paths are resolved against base_dir. Check a file with: supernode config validate FILE',
    '',
  ];
  renderSection(CONFIG_SCHEMA, '', out);
  return `${out.join('\n')}\n`;
}
