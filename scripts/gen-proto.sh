#!/usr/bin/env bash
# Regenerates the TypeScript wire types in src/gen/ from proto/ with ts-proto.
# The output is checked in; run `npm run gen:proto` after editing any .proto file and commit both.
# Needs `protoc` (Debian: protobuf-compiler) and the ts-proto dev dependency.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

plugin="$root/node_modules/.bin/protoc-gen-ts_proto"
out="$root/src/gen"
if ! command -v protoc >/dev/null 2>&1; then
  echo "gen-proto: protoc not found (apt-get install -y protobuf-compiler)" >&2
  exit 1
fi
if [ ! -x "$plugin" ]; then
  echo "gen-proto: $plugin missing (npm install -D ts-proto)" >&2
  exit 1
fi

# Options shared by every package: ESM imports with .js suffixes, bigint for 64-bit integers,
# optional message-typed fields, cosmjs-compatible encode/decode/fromPartial. toJSON emits canonical
# proto3 JSON (lowerCamel keys, 64-bit ints as strings), which the chain's jsonpb accepts; fromJSON also
# accepts the original snake_case names that the REST gateway and the Go structs emit.
common="esModuleInterop=true,importSuffix=.js,forceLong=bigint,useOptionals=messages,useExactTypes=false"

rm -rf "$out"
mkdir -p "$out"

# Peer-to-peer services (package `supernode`): grpc-js service definitions, client and server types.
peer_files=$(cd proto && find supernode -name '*.proto' | sort)
# Chain packages and their dependencies: messages plus framework-neutral service descriptors
# (full names and request/response codecs), which src/wire turns into the ABCI query-path table.
chain_files=$(cd proto && find lumera cosmos google -name '*.proto' | sort)

# shellcheck disable=SC2086
protoc --plugin="protoc-gen-ts_proto=$plugin" -I proto \
  --ts_proto_out="$out" --ts_proto_opt="$common,outputServices=grpc-js" $peer_files
# shellcheck disable=SC2086
protoc --plugin="protoc-gen-ts_proto=$plugin" -I proto \
  --ts_proto_out="$out" --ts_proto_opt="$common,outputServices=generic-definitions" $chain_files

echo "gen-proto: wrote $(find "$out" -name '*.ts' | wc -l) files to src/gen"
