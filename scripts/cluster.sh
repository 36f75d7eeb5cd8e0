#!/usr/bin/env bash
# `npm run cluster`: a local cluster on one machine, as docs/scaling.md describes it. Redis and
# PostgreSQL from Debian's packages, two WebCompile instances on this machine's engine (ports 8001
# and 8002), and nginx in front on ${PORT:-8000} (scripts/lb.mjs, with its health checks). Their
# files are under runs/cluster/ (kept between runs: submissions survive a restart). Ctrl+C stops
# everything. Any WEBCOMPILE_* setting in the environment applies to both instances.
. "$(dirname "$0")/lib.sh"
provision
ensure_build

# Ports and the data folder may be moved (the test of this script does): CLUSTER_INSTANCE_PORTS,
# CLUSTER_REDIS_PORT, CLUSTER_PG_PORT, CLUSTER_DATA.
port=${PORT:-8000}
data=${CLUSTER_DATA:-runs/cluster}
read -r -a instance_ports <<<"${CLUSTER_INSTANCE_PORTS:-8001 8002}"
redis_port=${CLUSTER_REDIS_PORT:-6380}
pg_port=${CLUSTER_PG_PORT:-5433}
mkdir -p "$data"
pids=()
instances=()
stop_all() {
  trap - INT TERM EXIT
  echo "[cluster] stopping" >&2
  # Instances first (each drains its runs, still able to store their results), then the load
  # balancer and the shared servers.
  for pid in "${instances[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${instances[@]}"; do wait "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait || true
}
trap stop_all INT TERM EXIT

wait_port() {
  local p=$1 what=$2
  for _ in $(seq 1 300); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  echo "[cluster] $what did not start on port $p" >&2
  exit 1
}

bash scripts/services.sh redis "$data/redis" "$redis_port" >"$data/redis.log" 2>&1 &
pids+=($!)
bash scripts/services.sh postgres "$(realpath "$data")/postgres" "$pg_port" >"$data/postgres.log" 2>&1 &
pids+=($!)
wait_port "$redis_port" Redis
wait_port "$pg_port" PostgreSQL

export WEBCOMPILE_REDIS_URL="redis://127.0.0.1:$redis_port"
export WEBCOMPILE_DATABASE_URL="postgres://webcompile@127.0.0.1:$pg_port/webcompile"
export WEBCOMPILE_TRUST_PROXY=true
upstreams=()
for p in "${instance_ports[@]}"; do
  PORT=$p HOST=127.0.0.1 WEBCOMPILE_LOG_DIR="$data/instance-$p" NODE_ENV=production node server.mjs \
    >"$data/instance-$p.out" 2>&1 &
  instances+=($!)
  upstreams+=(--upstream "127.0.0.1:$p")
done
for p in "${instance_ports[@]}"; do wait_port "$p" "instance $p"; done
node scripts/lb.mjs --dir "$data/nginx" --port "$port" "${upstreams[@]}" &
pids+=($!)
wait_port "$port" nginx
echo "[cluster] http://localhost:$port (instances on ${instance_ports[*]}; /api/cluster lists them; logs in $data/)" >&2
# Ends when any part ends (then everything is stopped).
wait -n
