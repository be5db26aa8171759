#!/usr/bin/env bash
# The README's test command (`npm test`). On a fresh machine it installs what the tests
# need (npm packages; Debian's chromium and docker.io), starts a private Docker engine for
# the Docker tests and stops it afterwards, then runs: typecheck, lint, build, unit and
# integration tests, Docker tests, end-to-end tests in real Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
export ELECTRON_SKIP_BINARY_DOWNLOAD=1

step() { printf '\n== %s\n' "$*"; }

# Each vitest run also writes a JSON report; the last line sums them up.
REPORTS=$(mktemp -d /tmp/tikv-stage-reports.XXXXXX)
vt() { local name=$1; shift; npx vitest run "$@" --reporter=dot --reporter=json --outputFile.json="$REPORTS/$name.json"; }

apt_install() {
  if [ "$(id -u)" != 0 ]; then echo "need root to install $*; install them and run again" >&2; return 1; fi
  if [ -z "${APT_UPDATED:-}" ]; then apt-get update -qq; APT_UPDATED=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

step "dependencies"
node scripts/ensure-deps.mjs
if [ ! -x /usr/bin/chromium ]; then
  echo "installing Debian's chromium for the end-to-end tests"
  apt_install chromium
fi
if ! command -v dockerd >/dev/null 2>&1; then
  echo "installing Debian's docker.io for the Docker tests"
  apt_install docker.io || [ -z "${CI:-}" ] || { echo "CI needs docker.io" >&2; exit 1; }
fi

step "typecheck"
npm run --silent typecheck

step "lint (layers, size limits)"
npm run --silent lint

step "build"
npx electron-vite build >/dev/null
echo "built out/main, out/preload, out/renderer"

step "unit and integration tests"
vt unit

# --- Docker tests, against a private engine -----------------------------------------
DOCKER_DIR=$(mktemp -d /tmp/tikv-stage-docker.XXXXXX)
DOCKERD_PID=""
cleanup() {
  if [ -n "$DOCKERD_PID" ] && [ -f "$DOCKER_DIR/docker.pid" ]; then
    # Leave nothing behind: the test containers, then the engine.
    DOCKER_HOST="unix://$DOCKER_DIR/docker.sock" docker ps -aq 2>/dev/null | xargs -r env DOCKER_HOST="unix://$DOCKER_DIR/docker.sock" docker rm -f >/dev/null 2>&1 || true
    pid=$(cat "$DOCKER_DIR/docker.pid")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  fi
  rm -rf "$DOCKER_DIR" "$REPORTS" 2>/dev/null || true
}
trap cleanup EXIT

start_dockerd() {
  command -v dockerd >/dev/null 2>&1 || { echo "no dockerd on this machine"; return 1; }
  [ "$(id -u)" = 0 ] || { echo "dockerd needs root"; return 1; }
  mkdir -p "$DOCKER_DIR/data" "$DOCKER_DIR/exec"
  # A script that (re)starts this private engine: the tests restart it to prove that the
  # events stream survives. --bridge=none: no default bridge to clash with a system engine
  # (compose-style networks still get their own bridges); --live-restore: containers keep
  # running while the engine restarts.
  cat >"$DOCKER_DIR/dockerd.sh" <<EOS
#!/usr/bin/env bash
if [ -f "$DOCKER_DIR/docker.pid" ]; then
  pid=\$(cat "$DOCKER_DIR/docker.pid"); kill "\$pid" 2>/dev/null
  for _ in \$(seq 1 100); do kill -0 "\$pid" 2>/dev/null || break; sleep 0.1; done
fi
nohup dockerd --host "unix://$DOCKER_DIR/docker.sock" --data-root "$DOCKER_DIR/data" \\
  --exec-root "$DOCKER_DIR/exec" --pidfile "$DOCKER_DIR/docker.pid" --bridge=none --live-restore \\
  >>"$DOCKER_DIR/dockerd.log" 2>&1 </dev/null &
for _ in \$(seq 1 100); do
  DOCKER_HOST="unix://$DOCKER_DIR/docker.sock" docker info >/dev/null 2>&1 && exit 0
  sleep 0.2
done
echo "dockerd did not start"; tail -5 "$DOCKER_DIR/dockerd.log"; exit 1
EOS
  chmod +x "$DOCKER_DIR/dockerd.sh"
  DOCKERD_PID=started
  "$DOCKER_DIR/dockerd.sh"
}

if [ -n "$(ls test/docker/*.test.ts 2>/dev/null)" ]; then
  step "Docker tests (private engine)"
  if start_dockerd; then
    export TIKV_STAGE_DOCKER_HOST="unix://$DOCKER_DIR/docker.sock"
    export TIKV_STAGE_DOCKERD_RESTART="$DOCKER_DIR/dockerd.sh"
    vt docker --config vitest.docker.config.mts
  elif [ -n "${CI:-}" ]; then
    echo "CI requires the Docker tests, and no engine could be started" >&2
    exit 1
  else
    echo "SKIPPED the Docker tests: no Docker engine could be started here (see above)"
  fi
fi

step "end-to-end tests (browser mode in Debian's chromium)"
vt e2e --config vitest.e2e.config.mts

step "shell tests (the built Electron shell on a stand-in for Electron; packaging offline)"
vt shell --config vitest.shell.config.mts

node -e '
const fs = require("fs"), path = require("path"), dir = process.argv[1];
let p = 0, f = 0, s = 0;
for (const n of fs.readdirSync(dir)) {
  const r = JSON.parse(fs.readFileSync(path.join(dir, n), "utf8"));
  p += r.numPassedTests; f += r.numFailedTests; s += r.numPendingTests + (r.numTodoTests || 0);
}
console.log(`\ntests: ${p} passed, ${f} failed, ${s} skipped`);
' "$REPORTS"
