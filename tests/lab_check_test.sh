#!/bin/sh
# tests/lab_check_test.sh -- tools/lab_check.sh must pass the miniature lab
# tests/data/lab_fixture.md and fail every doctored copy of it: a wrong
# number, a wrong output line, a marker without a value, a value never
# quoted, a failing command, a link to a missing file, an unknown
# directive, an open fence; and --update must restore a doctored copy.
# Usage: SHSIM=path/to/shsim sh tests/lab_check_test.sh
SHSIM=${SHSIM:-./shsim}
export SHSIM
fix=tests/data/lab_fixture.md
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0

# check WANT_STATUS WHAT SED_SCRIPT: run the checker on the fixture edited by
# SED_SCRIPT and compare its exit status
check() {
    sed "$3" "$fix" >"$tmp/lab.md"
    sh tools/lab_check.sh "$tmp/lab.md" >"$tmp/log" 2>&1; got=$?
    if [ "$got" = "$1" ]; then pass=$((pass + 1))
    else fail=$((fail + 1)); echo "FAIL: $2: exit $got, want $1"; cat "$tmp/log"; fi
}

check 0 "the fixture as it is" ''
check 1 "a wrong number" 's/19<!--=to-->/20<!--=to-->/'
check 1 "a number with another precision" 's/12.5<!--=pct-->/12.50<!--=pct-->/'
check 1 "a wrong output line" 's/T4r0---------|~|/T4r0----------~|/'
check 1 "a marker without a value" 's/<!--=to-->/<!--=too-->/'
check 1 "a value never quoted" 's/12<!--=from-->/12/'
check 1 "a failing command" 's/--no-plot/--no-such-option/'
check 1 "a failing value command" 's/start worker=1/start worker=7/'
check 1 "a link to a missing file" 's|^# A lab in miniature.*|&  ![x](nothere.png)|'
check 2 "an unknown directive" 's/lab: skip/lab: skipp/'
check 2 "an open fence" '$a\
```sh'
# --update rewrites a doctored copy back into the fixture
sed 's/19<!--=to-->/20<!--=to-->/; s/12.5<!--=pct-->%/13.0<!--=pct-->%/; s/T4r0---------|~|/T4r0----------~|/' "$fix" >"$tmp/lab.md"
sh tools/lab_check.sh --update "$tmp/lab.md" >"$tmp/log" 2>&1
if cmp -s "$tmp/lab.md" "$fix"; then pass=$((pass + 1))
else fail=$((fail + 1)); echo "FAIL: --update did not restore the fixture"; diff "$fix" "$tmp/lab.md"; fi

echo "lab_check_test: $pass passed, $fail failed"
[ $fail = 0 ]
