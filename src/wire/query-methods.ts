/**
 * ABCI query paths of the Lumera Query services, each paired with its request and response codecs.
 * Built from the generated service descriptors so the chain client and the devnet share one table.
 */
import { QueryDefinition as AuditQueryDefinition } from '../gen/lumera/audit/v1/query.js';
import { QueryDefinition as ActionQueryDefinition } from '../gen/lumera/action/v1/query.js';
import { QueryDefinition as SupernodeQueryDefinition } from '../gen/lumera/supernode/v1/query.js';
import type { WireCodec } from './codec.js';

interface MethodDescriptor {
  readonly name: string;
  readonly requestType: WireCodec<object>;
  readonly responseType: WireCodec<object>;
}

interface ServiceDescriptor {
  readonly fullName: string;
  readonly methods: Readonly<Record<string, MethodDescriptor>>;
}

export interface QueryMethod<Req extends WireCodec<object>, Res extends WireCodec<object>> {
  /** e.g. "/lumera.audit.v1.Query/CurrentEpoch" — the ABCI query path and gRPC method path. */
  readonly path: string;
  /** e.g. "CurrentEpoch". */
  readonly rpc: string;
  /** e.g. "lumera.audit.v1.Query". */
  readonly service: string;
  readonly request: Req;
  readonly response: Res;
}

export type QueryTable<D extends ServiceDescriptor> = {
  readonly [K in keyof D['methods']]: QueryMethod<D['methods'][K]['requestType'], D['methods'][K]['responseType']>;
};

function queryTable<D extends ServiceDescriptor>(def: D): QueryTable<D> {
  const table: Record<string, QueryMethod<WireCodec<object>, WireCodec<object>>> = {};
  for (const [key, m] of Object.entries(def.methods)) {
    table[key] = {
      path: `/${def.fullName}/${m.name}`,
      rpc: m.name,
      service: def.fullName,
      request: m.requestType,
      response: m.responseType,
    };
  }
  return table as QueryTable<D>;
}

/** `/lumera.audit.v1.Query/*`, keyed by lowerCamel rpc name: auditQuery.currentEpoch.path, … */
export const auditQuery = queryTable(AuditQueryDefinition);
/** `/lumera.action.v1.Query/*`: actionQuery.getAction, actionQuery.listActionsBySuperNode, … */
export const actionQuery = queryTable(ActionQueryDefinition);
/** `/lumera.supernode.v1.Query/*`: supernodeQuery.getSuperNodeBySuperNodeAddress, … */
export const supernodeQuery = queryTable(SupernodeQueryDefinition);

export type AnyQueryMethod = QueryMethod<WireCodec<object>, WireCodec<object>>;

/** Every Lumera query method, keyed by full path (for a server that dispatches on the ABCI path). */
export const lumeraQueryMethodsByPath: ReadonlyMap<string, AnyQueryMethod> = new Map(
  [auditQuery, actionQuery, supernodeQuery]
    .flatMap((t): AnyQueryMethod[] => Object.values(t))
    .map((m) => [m.path, m]),
);
