#!/usr/bin/env bash
# Public appeal intake under concurrent load, as a ratio to a bare Django view served the same way.
#
#   benchmarks/intake_load.sh [connections=16] [duration=20s] [rounds=2]
#
# Serves the project with gunicorn (WORKERS sync workers, DEBUG off, rate limits off, tasks queued in
# the database as in production) on loopback, then alternates wrk runs against /bench/bare and POSTs
# of the public appeal form (/appeals/, CSRF cookie + token fetched once). DATABASE_URL defaults to a
# scratch PostgreSQL database xieshang_bench (created if missing); sqlite:///var/bench.sqlite3 works too.
set -euo pipefail
cd "$(dirname "$0")/.."
CONN=${1:-16}
DUR=${2:-20s}
ROUNDS=${3:-2}
PORT=${PORT:-8765}
WORKERS=${WORKERS:-4}
GTHREADS=${GTHREADS:-1}   # >1: gunicorn's gthread worker with this many threads per process
THREADS=${THREADS:-2}
export DATABASE_URL=${DATABASE_URL:-postgres://xieshang:xieshang@127.0.0.1:5432/xieshang_bench}
export DJANGO_DEBUG=false RATELIMIT_ENABLE=false STATIC_PLAIN=true DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost
export BENCHMARK_VIEWS=true   # /bench/bare, the baseline (404 without it)
export USE_DB_TASKS=${USE_DB_TASKS:-true}
export BENCH_DIR=$PWD/benchmarks
PY=.venv/bin/python
mkdir -p var

if [[ $DATABASE_URL == postgres* ]]; then
  db=${DATABASE_URL##*/}
  PGPASSWORD=xieshang psql -h 127.0.0.1 -U xieshang -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='$db'" \
    | grep -q 1 || PGPASSWORD=xieshang createdb -h 127.0.0.1 -U xieshang "$db"
fi
if [[ $DATABASE_URL == postgres* && $DATABASE_URL != *synchronous_commit* ]]; then
  # Durable commits, as in production: .ci/run turns them off for its role (ALTER ROLE … SET
  # synchronous_commit = off) to speed the tests up, which would flatter every POST measured here.
  sep='?'; [[ $DATABASE_URL == *\?* ]] && sep='&'
  export DATABASE_URL="$DATABASE_URL${sep}options=-c%20synchronous_commit%3Don"
fi
$PY manage.py migrate -v0
town=$($PY manage.py shell --no-imports -c \
  "from district.models import Town; print(Town.objects.get_or_create(name='压测镇（合成数据）')[0].pk)")
before=$($PY manage.py shell --no-imports -c "from intake.models import Appeal; print(Appeal.objects.count())")

.venv/bin/gunicorn config.wsgi:application --bind 127.0.0.1:$PORT --workers "$WORKERS" --threads "$GTHREADS" \
  --log-level warning --pid var/bench_gunicorn.pid --daemon
stop() {  # quick shutdown, and wait for it: a graceful one lingers and would load the next run
  local pid; pid=$(cat var/bench_gunicorn.pid 2>/dev/null) || return 0
  kill -INT "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.2; done
}
trap stop EXIT
for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done

curl -sf -c var/bench_cookies.txt "http://127.0.0.1:$PORT/appeals/" -o var/bench_form.html
cookie=$(awk '$6 == "csrftoken" {print $7}' var/bench_cookies.txt)
token=$(grep -o 'name="csrfmiddlewaretoken" value="[^"]*"' var/bench_form.html | head -1 | sed 's/.*value="//; s/"$//')

run() { wrk -t"$THREADS" -c"$CONN" -d"$1" "${@:2}" | grep '^RESULT' | sed 's/^RESULT //'; }
field() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p" <<<"$2"; }

commit=sqlite
if [[ $DATABASE_URL == postgres* ]]; then
  commit=$($PY manage.py shell --no-imports -c \
    "from django.db import connection; c = connection.cursor(); c.execute('SHOW synchronous_commit'); print(c.fetchone()[0])")
fi
echo "intake load: $WORKERS gunicorn workers × $GTHREADS threads, $CONN connections, $DUR per run, $ROUNDS rounds, db ${DATABASE_URL%%:*} (synchronous_commit $commit), USE_DB_TASKS=$USE_DB_TASKS"
run 5s -s benchmarks/bare.lua "http://127.0.0.1:$PORT/bench/bare" >/dev/null   # warm-up
run 5s -s benchmarks/intake_post.lua "http://127.0.0.1:$PORT/appeals/" -- "$cookie" "$token" "$town" >/dev/null
posted=0
for r in $(seq 1 "$ROUNDS"); do
  bare=$(run "$DUR" -s benchmarks/bare.lua "http://127.0.0.1:$PORT/bench/bare")
  intake=$(run "$DUR" -s benchmarks/intake_post.lua "http://127.0.0.1:$PORT/appeals/" -- "$cookie" "$token" "$town")
  ratio=$(awk -v a="$(field rps "$intake")" -v b="$(field rps "$bare")" 'BEGIN {printf "%.2f", a / b}')
  echo "round $r bare:   $bare"
  echo "round $r intake: $intake"
  echo "round $r ratio intake/bare = $ratio (budget >= 0.3, goal 0.5); intake p95 = $(field p95_ms "$intake") ms (budget < 50)"
  posted=$((posted + $(field requests "$intake")))
done
after=$($PY manage.py shell --no-imports -c "from intake.models import Appeal; print(Appeal.objects.count())")
echo "appeals stored during the measured runs and warm-up: $((after - before)) (measured POSTs: $posted)"
