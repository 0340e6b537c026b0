#!/usr/bin/env bash
# Make sure the test run has Debian's chromium (browser tests), postgresql (PostgreSQL tests),
# redis-server (live updates across workers) and Pango with the DejaVu fonts (WeasyPrint, which
# makes the printable plan's PDF).
# Installs what is missing with apt-get when we are root or `sudo -n` works; otherwise says clearly
# what is missing and how to get it. Never fails by itself: the tests decide what a missing tool
# means (browser tests fail unless IPAPP_SKIP_BROWSER_TESTS=1).
set -euo pipefail

chromium_path="${IPAPP_CHROMIUM:-/usr/bin/chromium}"

have_chromium() { [[ -x "$chromium_path" ]]; }
have_postgresql() { compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null 2>&1; }
have_redis() { command -v redis-server >/dev/null 2>&1; }
# WeasyPrint loads libpango-1.0 and libpangoft2-1.0 at import; the PDF's font is DejaVu Sans.
have_pango() {
    { compgen -G "/usr/lib/*/libpangoft2-1.0.so.0" >/dev/null 2>&1 || [[ -e /usr/lib/libpangoft2-1.0.so.0 ]]; } &&
        [[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]]
}

missing=()
if [[ "${IPAPP_SKIP_BROWSER_TESTS:-}" == "1" ]]; then
    echo "ipapp: IPAPP_SKIP_BROWSER_TESTS=1: not looking for chromium; browser tests will be skipped." >&2
elif ! have_chromium; then
    missing+=(chromium)
fi
if ! have_postgresql; then
    missing+=(postgresql)
fi
if ! have_redis; then
    missing+=(redis-server)
fi
if ! have_pango; then
    missing+=(pango)
fi
if [[ ${#missing[@]} -eq 0 ]]; then
    exit 0
fi

sudo_cmd=()
if [[ "$(id -u)" -ne 0 ]]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        sudo_cmd=(sudo -n)
    else
        sudo_cmd=(none)
    fi
fi

explain_missing() {
    local reason="$1"
    echo "ipapp: *** could not install ${missing[*]}: $reason" >&2
    for package in "${missing[@]}"; do
        case "$package" in
            chromium)
                echo "ipapp: *** without chromium ($chromium_path) the browser tests FAIL." >&2
                echo "ipapp: ***   install it:  sudo apt-get install chromium   (or set IPAPP_CHROMIUM=/path/to/chromium)" >&2
                echo "ipapp: ***   or skip them on purpose:  IPAPP_SKIP_BROWSER_TESTS=1 make test" >&2
                ;;
            postgresql)
                echo "ipapp: *** without postgresql the tests marked 'postgres' cannot run." >&2
                echo "ipapp: ***   install it:  sudo apt-get install postgresql" >&2
                ;;
            redis-server)
                echo "ipapp: *** without redis-server the tests marked 'redis' FAIL." >&2
                echo "ipapp: ***   install it:  sudo apt-get install redis-server" >&2
                ;;
            pango)
                echo "ipapp: *** without Pango and the DejaVu fonts no PDF can be made: tests/test_plan_pdf.py FAILS." >&2
                echo "ipapp: ***   install them:  sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core" >&2
                ;;
        esac
    done
}

if ! command -v apt-get >/dev/null 2>&1; then
    explain_missing "this machine has no apt-get"
    exit 0
fi
if [[ "${sudo_cmd[*]:-}" == "none" ]]; then
    explain_missing "not root and 'sudo -n' is not allowed"
    exit 0
fi

echo "ipapp: installing ${missing[*]} with apt-get (a few minutes) ..." >&2
export DEBIAN_FRONTEND=noninteractive
apt=("${sudo_cmd[@]}" apt-get -o DPkg::Lock::Timeout=300 -q)
packages=()
for package in "${missing[@]}"; do
    case "$package" in
        # Fonts so that pages render real glyphs (screenshots, text measurements).
        chromium) packages+=(chromium fonts-dejavu-core fonts-liberation) ;;
        postgresql) packages+=(postgresql) ;;
        redis-server) packages+=(redis-server) ;;
        pango) packages+=(libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core) ;;
    esac
done
if ! "${apt[@]}" update >&2; then
    explain_missing "'apt-get update' failed"
    exit 0
fi
if ! "${apt[@]}" install -y --no-install-recommends "${packages[@]}" >&2; then
    explain_missing "'apt-get install ${packages[*]}' failed"
    exit 0
fi

still_missing=()
for package in "${missing[@]}"; do
    case "$package" in
        chromium) have_chromium || still_missing+=(chromium) ;;
        postgresql) have_postgresql || still_missing+=(postgresql) ;;
        redis-server) have_redis || still_missing+=(redis-server) ;;
        pango) have_pango || still_missing+=(pango) ;;
    esac
done
if [[ ${#still_missing[@]} -gt 0 ]]; then
    missing=("${still_missing[@]}")
    explain_missing "apt-get finished but they are still not there"
    exit 0
fi
echo "ipapp: installed ${missing[*]}." >&2
