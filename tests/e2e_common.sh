# tests/e2e_common.sh -- what the end-to-end scripts share, sourced from the
# repository root (`. tests/e2e_common.sh`): the shsim under test, a
# temporary folder removed on exit, the pass/fail counters and expect.
SHSIM=${SHSIM:-./shsim}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

# expect STATUS CMD...: run CMD, check its exit status
expect() {
    want=$1; shift
    "$@" >"$tmp/stdout" 2>"$tmp/stderr"; got=$?
    if [ "$got" = "$want" ]; then ok; else bad "exit $got (want $want): $*"; cat "$tmp/stderr"; fi
}
