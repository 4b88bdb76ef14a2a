import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isMap, isScalar, parseDocument, type Node as YamlNode } from 'yaml';
import { loadConfigFile, renderExampleConfig, renderConfigYaml, parseConfig } from '../../src/config/index.js';
import { leafKeyPaths } from '../../src/config/schema.js';

const EXAMPLE = fileURLToPath(new URL('../../../supernode.example.yaml', import.meta.url));

function yamlLeafPaths(node: YamlNode | null | undefined, prefix = ''): string[] {
  if (!isMap(node)) return [prefix];
  return node.items.flatMap((pair) => {
    const key = isScalar(pair.key) ? String(pair.key.value) : '?';
    return yamlLeafPaths(pair.value as YamlNode, prefix ? `${prefix}.${key}` : key);
  });
}

test('supernode.example.yaml loads cleanly and opts in to every LEP-6 service', () => {
  const c = loadConfigFile(EXAMPLE, { homeDir: '/home/op' });
  assert.equal(c.baseDir, '/home/op/.supernode');
  assert.deepEqual([c.storageChallenge.enabled, c.storageChallenge.lep6.enabled, c.storageChallenge.lep6.recheck.enabled, c.selfHealing.enabled], [true, true, true, true]);
  assert.equal(c.selfHealing.stagingDir, '/home/op/.supernode/heal-staging');
});

test('supernode.example.yaml is the generated example and documents every key with its default', () => {
  const text = readFileSync(EXAMPLE, 'utf8');
  assert.equal(text, renderExampleConfig(), 'regenerate with: supernode config example > supernode.example.yaml');
  const doc = parseDocument(text);
  assert.deepEqual(yamlLeafPaths(doc.contents as YamlNode).sort(), leafKeyPaths().sort());
  const lines = text.split('\n');
  for (const path of leafKeyPaths()) {
    const key = path.split('.').pop() ?? '';
    const indent = '  '.repeat(path.split('.').length - 1);
    const at = lines.findIndex((l) => l.startsWith(`${indent}${key}:`));
    assert.ok(at > 1, path);
    assert.match(lines[at - 1] ?? '', /^\s*# .*; (default: .+|required)$/, `${path} has a type/default comment`);
    assert.match(lines[at - 2] ?? '', /^\s*# \S/, `${path} has a meaning comment`);
  }
});

test('the resolved config printed as YAML loads back to the same config', () => {
  const c = loadConfigFile(EXAMPLE, { homeDir: '/home/op' });
  assert.deepEqual(parseConfig(renderConfigYaml(c), { homeDir: '/elsewhere' }), c);
});
