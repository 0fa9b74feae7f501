#!/usr/bin/env bash
# ensure-hosts.sh — make the Pulumi language hosts for Python, Go and YAML available
# and print their bin dir (the Node.js host comes with tools/pulumi-cli/ensure-pulumi.sh).
#
# Usage:   PATH="$(bash tools/language-hosts/ensure-hosts.sh [python|go|yaml|all]...):$PATH"
#          bash tools/language-hosts/ensure-hosts.sh --print-venv
#
# Only the absolute bin directory is printed on stdout; every progress message goes
# to stderr. No argument means `all`. Per host:
#   yaml    builds pulumi-language-yaml (github.com/pulumi/pulumi-yaml v1.25.0).
#   python  builds pulumi-language-python (sdk/v3 v3.68.0), copies
#           pulumi-language-python-exec beside it, and creates the virtualenv
#           $PULUMI_HOME/python-venvs/pulumi-3.272.0 holding the `pulumi` Python SDK.
#           A Python program runs with "$VENV/bin" first on PATH and VIRTUAL_ENV=$VENV.
#   go      builds pulumi-language-go (sdk/v3 v3.50.0), downloads the Go SDK modules a
#           program needs (github.com/pulumi/pulumi/sdk/v3 v3.276.0, through examples/go)
#           and pre-builds examples/go once so the Go build cache holds the SDK (a Go
#           program's first build otherwise compiles it: about 2 min on 2 cores).
#
# --print-venv prints the virtualenv path (it does not create it; `python` does).
#
# The hosts go to $PULUMI_HOME/language-hosts/<key>/bin (PULUMI_HOME defaults to
# $HOME/.pulumi), where <key> is a hash of the three wrapper modules here, so changing
# a pin builds into a new dir. Each binary is built in a staging dir on the same
# filesystem and renamed into place: an interrupted build never leaves a partial file.
# A second run finds everything cached and prints the dir in about a second.
set -euo pipefail
shopt -s inherit_errexit

exec 3>&1 1>&2

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PULUMI_HOME_DIR="${PULUMI_HOME:-$HOME/.pulumi}"
PYTHON_SDK_VERSION="3.272.0" # newest `pulumi` release PyPI serves here
VENV="$PULUMI_HOME_DIR/python-venvs/pulumi-$PYTHON_SDK_VERSION"
GO_SDK_PKG="github.com/pulumi/pulumi/sdk/v3/go/pulumi"

log() { printf 'ensure-hosts: %s\n' "$*"; }

want_python=0 want_go=0 want_yaml=0
for arg in "$@"; do
    case "$arg" in
    --print-venv)
        printf '%s\n' "$VENV" >&3
        exit 0
        ;;
    python) want_python=1 ;;
    go) want_go=1 ;;
    yaml) want_yaml=1 ;;
    all) want_python=1 want_go=1 want_yaml=1 ;;
    -h | --help)
        sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'
        exit 0
        ;;
    *)
        log "unknown argument '$arg' (expected python, go, yaml, all or --print-venv)"
        exit 2
        ;;
    esac
done
(($# == 0)) && want_python=1 want_go=1 want_yaml=1

if ! command -v go >/dev/null 2>&1 && [[ -x /usr/local/go/bin/go ]]; then
    PATH="/usr/local/go/bin:$PATH"
fi
if ! command -v go >/dev/null 2>&1; then
    log "ERROR: no 'go' toolchain: the language hosts are built from Go modules (Go >= 1.26),"
    log "  and Go programs need it too. Install Go and re-run this script."
    exit 1
fi

# Force module mode for the builds (drop any -mod=... from the caller's GOFLAGS) and
# ignore any go.work around the repo.
go_flags() {
    printf '%s' "$(printf '%s' "${GOFLAGS:-}" | sed -E 's/(^|[[:space:]])-mod=[^[:space:]]*//g') -mod=mod"
}
export GOWORK=off

KEY="$(cd "$SCRIPT_DIR" && cat python/go.mod python/go.sum python/tools.go go/go.mod go/go.sum go/tools.go \
    yaml/go.mod yaml/go.sum yaml/tools.go | sha256sum | cut -c1-12)"
HOSTS_DIR="$PULUMI_HOME_DIR/language-hosts/$KEY"
BIN="$HOSTS_DIR/bin"
mkdir -p "$BIN"

tmpdirs=()
cleanup() { ((${#tmpdirs[@]} == 0)) || rm -rf "${tmpdirs[@]}"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

# A private copy of a folder here, so builds never modify the repo: sets $copy (not printed,
# so that the dir is registered for cleanup in this shell rather than in a subshell).
copy_module() {
    copy="$(mktemp -d "${TMPDIR:-/tmp}/pulumi-hosts-${1//\//-}.XXXXXX")"
    tmpdirs+=("$copy")
    cp -R "$SCRIPT_DIR/$1/." "$copy/"
}

# build_host <wrapper dir> <binary> <package> <version variable> <module holding the version>
build_host() {
    local dir="$1" name="$2" pkg="$3" var="$4" mod="$5" modcopy stage ver start
    if [[ -x "$BIN/$name" ]]; then
        log "cached: $BIN/$name"
        return 0
    fi
    copy_module "$dir"
    modcopy="$copy"
    stage="$(mktemp -d "$HOSTS_DIR/.stage.XXXXXX")"
    tmpdirs+=("$stage")
    ver="$(cd "$modcopy" && GOFLAGS="$(go_flags)" go list -m -f '{{.Version}}' "$mod")"
    log "building $name from $mod@$ver with $(go version | cut -d' ' -f3)..."
    start=$SECONDS
    (cd "$modcopy" && CGO_ENABLED=0 GOFLAGS="$(go_flags)" \
        go build -trimpath -ldflags "-s -w -X $var=$ver" -o "$stage/$name" "$pkg")
    if [[ "$name" == pulumi-language-python ]]; then
        # The host runs this script with the program's python; it ships in the same module.
        local sdk_dir
        sdk_dir="$(cd "$modcopy" && GOFLAGS="$(go_flags)" go list -m -f '{{.Dir}}' "$mod")"
        install -m 0755 "$sdk_dir/python/cmd/pulumi-language-python-exec" "$stage/pulumi-language-python-exec"
        mv -f "$stage/pulumi-language-python-exec" "$BIN/pulumi-language-python-exec"
    fi
    mv -f "$stage/$name" "$BIN/$name"
    log "built $name in $((SECONDS - start))s"
}

# The `pulumi` Python SDK in a virtualenv at a fixed path. It is complete when its marker
# names this SDK version and the python3 it was made from; otherwise it is made again
# (under a lock, so concurrent runs do not trample each other).
ensure_venv() {
    local py want marker="$VENV/.pulumi-domo-venv" start
    py="$(command -v python3 || true)"
    if [[ -z "$py" ]]; then
        log "ERROR: no python3 on PATH: cannot create $VENV"
        return 1
    fi
    want="pulumi==$PYTHON_SDK_VERSION $("$py" -c 'import sys; print(sys.version.split()[0], sys.base_prefix)')"
    if [[ -f "$marker" && "$(cat "$marker")" == "$want" ]] && "$VENV/bin/python" -c '' 2>/dev/null; then
        log "cached: virtualenv $VENV"
        return 0
    fi
    mkdir -p "$(dirname "$VENV")"
    exec 9>"$VENV.lock"
    command -v flock >/dev/null 2>&1 && flock 9
    if [[ -f "$marker" && "$(cat "$marker")" == "$want" ]] && "$VENV/bin/python" -c '' 2>/dev/null; then
        log "cached: virtualenv $VENV (made by a concurrent run)"
        exec 9>&-
        return 0
    fi
    start=$SECONDS
    log "creating virtualenv $VENV with pulumi==$PYTHON_SDK_VERSION ($("$py" --version))..."
    rm -rf "$VENV"
    if ! "$py" -m venv "$VENV"; then
        log "ERROR: '$py -m venv' failed; on Debian/Ubuntu install python3-venv."
        return 1
    fi
    # requirements.txt pins the SDK and everything it pulls in (pip freeze of a working venv);
    # if a pin cannot be met (another Python), fall back to the SDK pin alone.
    if ! "$VENV/bin/python" -m pip install --disable-pip-version-check -q \
        -r "$SCRIPT_DIR/python/requirements.txt"; then
        log "WARNING: the pinned requirements did not install; installing pulumi==$PYTHON_SDK_VERSION alone"
        "$VENV/bin/python" -m pip install --disable-pip-version-check -q "pulumi==$PYTHON_SDK_VERSION"
    fi
    "$VENV/bin/python" -c "import pulumi, sys; from importlib.metadata import version; \
v = version('pulumi'); sys.exit(0 if v == '$PYTHON_SDK_VERSION' else 'pulumi ' + v + ' installed')"
    printf '%s' "$want" >"$marker"
    exec 9>&-
    log "virtualenv ready in $((SECONDS - start))s"
}

# Go programs: download the SDK modules and, unless the build cache already holds them,
# build examples/go once. The warm-up uses the environment a program build inherits
# (no -trimpath, the caller's CGO_ENABLED), so its cache entries are the ones reused.
warm_go_sdk() {
    local prog stale start
    copy_module examples/go
    prog="$copy"
    start=$SECONDS
    (cd "$prog" && GOFLAGS="$(go_flags)" go mod download)
    stale="$(cd "$prog" && GOFLAGS="$(go_flags)" go list -f '{{.Stale}}' "$GO_SDK_PKG")"
    if [[ "$stale" == false ]]; then
        log "cached: Go SDK modules and build cache ($(go env GOCACHE))"
        return 0
    fi
    log "pre-building the Go SDK (github.com/pulumi/pulumi/sdk/v3) into $(go env GOCACHE) (about 2 min on 2 cores)..."
    (cd "$prog" && GOFLAGS="$(go_flags)" go build -o "$prog/.out/program" .)
    log "Go SDK built in $((SECONDS - start))s"
}

if ((want_yaml)); then
    build_host yaml pulumi-language-yaml github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml \
        github.com/pulumi/pulumi-yaml/pkg/version.Version github.com/pulumi/pulumi-yaml
fi
if ((want_python)); then
    if [[ ! -x "$BIN/pulumi-language-python-exec" ]]; then rm -f "$BIN/pulumi-language-python"; fi
    build_host python pulumi-language-python github.com/pulumi/pulumi/sdk/v3/python/cmd/pulumi-language-python \
        github.com/pulumi/pulumi/sdk/v3/go/common/version.Version github.com/pulumi/pulumi/sdk/v3
    ensure_venv
fi
if ((want_go)); then
    build_host go pulumi-language-go github.com/pulumi/pulumi/sdk/v3/go/pulumi-language-go \
        github.com/pulumi/pulumi/sdk/v3/go/common/version.Version github.com/pulumi/pulumi/sdk/v3
    warm_go_sdk
fi

printf '%s\n' "$BIN" >&3
