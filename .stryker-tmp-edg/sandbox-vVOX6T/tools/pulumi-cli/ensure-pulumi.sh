#!/usr/bin/env bash
# ensure-pulumi.sh — make a usable Pulumi CLI available and print its bin dir.
#
# Usage:   PATH="$(bash tools/pulumi-cli/ensure-pulumi.sh):$PATH"
#
# Only the absolute bin directory is printed on stdout; every progress message
# goes to stderr. Lookup order:
#   a) a `pulumi` already on PATH whose `pulumi version` works (any v3; a note
#      is printed when it is not the pinned release);
#   b) the cached build at $PULUMI_HOME/versions/<ver>/bin/pulumi
#      (PULUMI_HOME defaults to $HOME/.pulumi; <ver> has no leading "v", the
#      layout the Node.js Automation API uses);
#   c) a fresh build from the wrapper Go module next to this script (go.mod,
#      go.sum, tools.go), installed atomically into that cache.
#
# Environment knobs:
#   PULUMI_ENSURE_SKIP_PATH=1   skip step (a): always use/build the pinned release.
#   PULUMI_ENSURE_STRICT=1      exit 1 if pulumi-language-nodejs or
#                               pulumi-resource-pulumi-nodejs is missing from the
#                               chosen bin dir (default: warn on stderr only).
set -euo pipefail

# Everything this script (and the tools it runs) writes goes to stderr; the
# result alone is written to the saved stdout (fd 3).
exec 3>&1 1>&2

PULUMI_VERSION="3.276.0"
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PULUMI_HOME_DIR="${PULUMI_HOME:-$HOME/.pulumi}"
VERSION_DIR="$PULUMI_HOME_DIR/versions/$PULUMI_VERSION"
CACHE_BIN="$VERSION_DIR/bin"

CLI_PKG="github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
SDK_MOD="github.com/pulumi/pulumi/sdk/v3"
LANGUAGE_HOST_SDK="v3.68.0"
LANGUAGE_HOST_PKG="github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs"
LDFLAGS="-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$PULUMI_VERSION"

log() { printf 'ensure-pulumi: %s\n' "$*"; }

# Prints the `pulumi version` output of $1, or fails.
cli_version() {
    local out
    out="$(PULUMI_SKIP_UPDATE_CHECK=true timeout 120 "$1" version 2>/dev/null)" || return 1
    out="$(printf '%s' "$out" | tr -d '[:space:]')"
    [[ "$out" =~ ^v?3\. ]] || return 1
    printf '%s\n' "$out"
}

# Warn (or fail with PULUMI_ENSURE_STRICT=1) about missing companion binaries.
check_companions() {
    local bin="$1" missing=()
    local f
    for f in pulumi-language-nodejs pulumi-resource-pulumi-nodejs; do
        [[ -x "$bin/$f" ]] || missing+=("$f")
    done
    ((${#missing[@]} == 0)) && return 0
    log "WARNING: $bin lacks: ${missing[*]}"
    if [[ " ${missing[*]} " == *" pulumi-language-nodejs "* ]]; then
        log "  Without pulumi-language-nodejs the CLI works for login/stack/config/state"
        log "  commands, but cannot run a 'runtime: nodejs' program (preview/up)."
        log "  Its Go module (github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3)"
        log "  is not tagged and is not served by the Go module proxy this machine reaches;"
        log "  see tools/pulumi-cli/README.md. With internet: curl -fsSL https://get.pulumi.com | sh"
    fi
    if [[ "${PULUMI_ENSURE_STRICT:-0}" == 1 ]]; then
        log "PULUMI_ENSURE_STRICT=1: failing."
        exit 1
    fi
}

emit() {
    check_companions "$1"
    printf '%s\n' "$1" >&3
    exit 0
}

# --- (a) pulumi already on PATH -------------------------------------------
if [[ "${PULUMI_ENSURE_SKIP_PATH:-0}" != 1 ]] && path_cli="$(command -v pulumi 2>/dev/null)"; then
    if ver="$(cli_version "$path_cli")"; then
        path_bin="$(cd "$(dirname "$path_cli")" && pwd -P)"
        # Follow a symlinked `pulumi` to the directory holding its companions.
        real_cli="$(readlink -f "$path_cli" 2>/dev/null || echo "$path_cli")"
        [[ -x "$path_bin/pulumi-language-nodejs" ]] || path_bin="$(dirname "$real_cli")"
        if [[ "${ver#v}" != "$PULUMI_VERSION" ]]; then
            log "note: using pulumi $ver from PATH ($path_cli); the pinned release is v$PULUMI_VERSION."
        else
            log "using pulumi $ver from PATH ($path_cli)"
        fi
        emit "$path_bin"
    else
        log "ignoring $path_cli: 'pulumi version' failed or is not v3"
    fi
fi

# Builds pulumi-language-nodejs into directory $1 from the language-host wrapper module.
build_language_host() {
    local out="$1" modcopy
    modcopy="$(mktemp -d "${TMPDIR:-/tmp}/pulumi-lh-mod.XXXXXX")"
    cp "$SCRIPT_DIR/language-host/go.mod" "$SCRIPT_DIR/language-host/go.sum" "$SCRIPT_DIR/language-host/tools.go" "$modcopy/"
    log "building pulumi-language-nodejs from sdk/v3@$LANGUAGE_HOST_SDK (about 1-2 min)..."
    local start=$SECONDS
    (cd "$modcopy" && GOWORK=off CGO_ENABLED=0 GOFLAGS="$(go_flags)" \
        go build -trimpath -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$LANGUAGE_HOST_SDK" \
        -o "$out/pulumi-language-nodejs" "$LANGUAGE_HOST_PKG") || { rm -rf "$modcopy"; return 1; }
    rm -rf "$modcopy"
    log "built pulumi-language-nodejs in $((SECONDS - start))s"
}

go_flags() {
    printf '%s' "$(printf '%s' "${GOFLAGS:-}" | sed -E 's/(^|[[:space:]])-mod=[^[:space:]]*//g') -mod=mod"
}

# --- (b) cached build --------------------------------------------------------
if [[ -x "$CACHE_BIN/pulumi" ]] && ver="$(cli_version "$CACHE_BIN/pulumi")"; then
    if [[ ! -x "$CACHE_BIN/pulumi-language-nodejs" ]] && command -v go >/dev/null 2>&1; then
        # An older cache holds the CLI alone: add the language host atomically.
        lh_stage="$(mktemp -d "$VERSION_DIR/.lh.tmp.XXXXXX")"
        if build_language_host "$lh_stage"; then
            mv -f "$lh_stage/pulumi-language-nodejs" "$CACHE_BIN/pulumi-language-nodejs"
        fi
        rm -rf "$lh_stage"
    fi
    log "using cached pulumi $ver in $CACHE_BIN"
    emit "$CACHE_BIN"
fi

# --- (c) build from the wrapper module -------------------------------------
if ! command -v go >/dev/null 2>&1; then
    log "ERROR: no usable pulumi CLI and no 'go' toolchain to build v$PULUMI_VERSION."
    log "  On a machine with internet access, install the CLI with:"
    log "    curl -fsSL https://get.pulumi.com | sh"
    log "  (or install Go >= 1.26 and re-run this script)."
    exit 1
fi

mkdir -p "$VERSION_DIR"
# Staging dirs live next to the final bin dir (same filesystem) so the final
# step is a single atomic rename; an interrupted build leaves only a
# .bin.tmp.* dir, which is cleaned up on exit and never mistaken for a cache.
stage="$(mktemp -d "$VERSION_DIR/.bin.tmp.XXXXXX")"
chmod 0755 "$stage"
modcopy="$(mktemp -d "${TMPDIR:-/tmp}/pulumi-cli-mod.XXXXXX")"
cleanup() { rm -rf "$stage" "$modcopy"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

# Build from a private copy of the wrapper module so the repo is never modified
# (and no go.work / vendor dir around the repo can interfere).
cp "$SCRIPT_DIR/go.mod" "$SCRIPT_DIR/go.sum" "$SCRIPT_DIR/tools.go" "$modcopy/"
# Force module mode: drop any -mod=... from the caller's GOFLAGS, add -mod=mod.
GOFLAGS="$(printf '%s' "${GOFLAGS:-}" | sed -E 's/(^|[[:space:]])-mod=[^[:space:]]*//g') -mod=mod"
export GOFLAGS GOWORK=off
# Static binary, as in upstream's release builds (and no C compiler needed).
export CGO_ENABLED=0

log "building pulumi v$PULUMI_VERSION with $(go version) (about 6-9 min on 2 cores)..."
start=$SECONDS
(cd "$modcopy" && go build -trimpath -ldflags "$LDFLAGS" -o "$stage/pulumi" "$CLI_PKG")
log "built pulumi in $((SECONDS - start))s"

# The dynamic-provider shim ships in the pinned sdk module (sdk/nodejs/dist/);
# copy it from the module cache rather than keeping a second copy here.
sdk_dir="$(cd "$modcopy" && go list -m -f '{{.Dir}}' "$SDK_MOD")"
install -m 0755 "$sdk_dir/nodejs/dist/pulumi-resource-pulumi-nodejs" "$stage/pulumi-resource-pulumi-nodejs"

# pulumi-language-nodejs: its own Go module is not served by the module proxy
# reachable here, so it is built from the last sdk/v3 release that carried it
# (see README.md). One already on PATH is preferred.
if lh="$(command -v pulumi-language-nodejs 2>/dev/null)"; then
    log "copying pulumi-language-nodejs from $lh"
    install -m 0755 "$lh" "$stage/pulumi-language-nodejs"
else
    build_language_host "$stage"
fi

ver="$(cli_version "$stage/pulumi")" || { log "ERROR: the freshly built pulumi does not run"; exit 1; }
[[ "$ver" == "v$PULUMI_VERSION" ]] || { log "ERROR: built pulumi reports '$ver', expected v$PULUMI_VERSION"; exit 1; }

# Atomic install: a bin dir without a working pulumi is stale; move it aside.
if [[ -e "$CACHE_BIN" ]] && ! cli_version "$CACHE_BIN/pulumi" >/dev/null 2>&1; then
    mv "$CACHE_BIN" "$VERSION_DIR/.bin.stale.$$.$RANDOM"
    rm -rf "$VERSION_DIR"/.bin.stale.*
fi
if mv -T "$stage" "$CACHE_BIN" 2>/dev/null; then
    log "installed into $CACHE_BIN"
elif [[ -x "$CACHE_BIN/pulumi" ]]; then
    log "another run installed $CACHE_BIN first; using it"
else
    log "ERROR: could not install into $CACHE_BIN"
    exit 1
fi
emit "$CACHE_BIN"
