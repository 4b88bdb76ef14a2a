/** Daemon configuration: typed model, YAML loading with defaults and validation, example file, advisory. */
export type * from './types.js';
export { loadConfigFile, parseConfig, checkConfig, configFromObject, type LoadOptions, type CheckResult } from './load.js';
export { ConfigError, isConfigError, formatIssue, type ConfigIssue } from './errors.js';
export { lep6Advisory, enforcementModeName, type AdvisoryChainParams, type EnforcementModeName } from './advisory.js';
export { renderConfigYaml, renderExampleConfig, configToYamlObject } from './render.js';
export { splitHostPort } from './fields.js';
export { parseDuration, formatDuration } from './duration.js';
export { historyDbPath } from './paths.js';
