#!/usr/bin/env bash
# Build times on this machine, for BENCHMARKS.md: a clean `cargo build`, the
# rebuild after touching openapi/spectrum.json, the rebuild after editing a
# description in it (a doc comment of the generated code changes), and the
# same three for `cargo build --release`.
#
# Builds a copy of the work tree (so touching the document does not make
# anyone else's build rerun build.rs) into its own target directory (never
# the shared one), and prints one Markdown table row per build with the load
# average before and after it: other work on the machine slows builds down.
#
#   bash benches/build_times.sh            # CARGO_TARGET_DIR defaults to /tmp/bt-target
set -euo pipefail
cd "$(dirname "$0")/.."

export CARGO_TARGET_DIR="${BT_TARGET_DIR:-/tmp/bt-target}"
export CARGO_TERM_COLOR=never
case "$CARGO_TARGET_DIR" in
    /tmp/*) ;;
    *) echo "refusing to delete $CARGO_TARGET_DIR: use a directory under /tmp" >&2; exit 1 ;;
esac
source_copy="${BT_SOURCE_DIR:-/tmp/bt-src}"
rm -rf "$source_copy"
mkdir -p "$source_copy"
# Others may be editing the tree: a file changing while it is read is not an
# error here (GNU tar exits 1 for that), an unreadable copy is.
set +o pipefail
tar --exclude=./target --exclude=./.git --warning=no-file-changed -cf - . | tar -C "$source_copy" -xf -
set -o pipefail
cd "$source_copy"
cargo fetch --quiet # downloads are not build time

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

# run LABEL COMMAND...: times COMMAND, prints a table row.
run() {
    local label=$1
    shift
    local before
    before=$(loadavg)
    if ! /usr/bin/time -f '%e %U %S %M' -o "$scratch/time" "$@" >"$scratch/out" 2>&1; then
        cat "$scratch/out" >&2
        exit 1
    fi
    local wall user sys rss
    read -r wall user sys rss <"$scratch/time"
    printf '| %s | %s s | %s s | %s s | %s MiB | %s | %s |\n' \
        "$label" "$wall" "$user" "$sys" "$((rss / 1024))" "$before" "$(loadavg)"
}

# edit_document N: changes one description in the document (so one doc
# comment of the generated code), differently each time.
edit_document() {
    local before
    before=$(cksum <openapi/spectrum.json)
    sed -i "0,/Cloudflare envelope\( (edit [0-9]*)\)\?\./s//Cloudflare envelope (edit $1)./" openapi/spectrum.json
    if [ "$(cksum <openapi/spectrum.json)" = "$before" ]; then
        echo "edit_document: no description to edit" >&2
        exit 1
    fi
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "$(cargo --version), $(rustc --version)"
echo
echo '| build | wall | user | sys | max RSS | load avg before (1/5/15 min) | load avg after |'
echo '|---|---|---|---|---|---|---|'
rm -rf "$CARGO_TARGET_DIR"
run 'clean `cargo build`' cargo build
touch openapi/spectrum.json
run 'rebuild after touching `openapi/spectrum.json`' cargo build
edit_document 1
run 'rebuild after editing a description in `openapi/spectrum.json`' cargo build
rm -rf "$CARGO_TARGET_DIR"
run 'clean `cargo build --release`' cargo build --release
touch openapi/spectrum.json
run 'release rebuild after touching `openapi/spectrum.json`' cargo build --release
edit_document 2
run 'release rebuild after editing a description' cargo build --release
