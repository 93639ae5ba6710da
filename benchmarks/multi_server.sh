#!/usr/bin/env bash
# Several application servers and task workers against one PostgreSQL, with Redis as the shared cache.
#
#   benchmarks/multi_server.sh [appeals=40]
#
# Starts Redis on loopback (port 6380), two gunicorn instances (ports 8771 and 8772, two workers
# each) and two `db_worker` processes, all on the scratch database xieshang_multi (created and
# migrated). Submits appeals alternately to both servers (each submission queues an analysis task),
# waits for the queue to drain, then checks: the per-client rate limit is shared by both servers
# (counted in Redis), every accepted appeal stored once, every task finished
# successfully and ran on exactly one worker, both workers took tasks, both servers answered, and the
# cache (rate-limit counters, sessions of the shared cache) lives in the one Redis; then that the
# dashboard's figures are shared through Redis and refreshed by a worker once stale. Stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-40}
PY=.venv/bin/python
export DATABASE_URL=${DATABASE_URL:-postgres://xieshang:xieshang@127.0.0.1:5432/xieshang_multi}
export REDIS_URL=redis://127.0.0.1:6380/0
export USE_DB_TASKS=true DJANGO_DEBUG=false STATIC_PLAIN=true DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost
mkdir -p var/multi
db=${DATABASE_URL##*/}
PGPASSWORD=xieshang psql -h 127.0.0.1 -U xieshang -d postgres -qc "DROP DATABASE IF EXISTS $db" >/dev/null
PGPASSWORD=xieshang createdb -h 127.0.0.1 -U xieshang "$db"
$PY manage.py migrate -v0
town=$($PY manage.py shell --no-imports -c \
  "from district.models import Town; print(Town.objects.get_or_create(name='多机测试镇（合成数据）')[0].pk)")

pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for f in var/multi/gunicorn-*.pid; do [[ -f $f ]] && kill "$(cat "$f")" 2>/dev/null || true; done
  redis-cli -p 6380 shutdown nosave >/dev/null 2>&1 || true
}
trap cleanup EXIT

redis-server --port 6380 --bind 127.0.0.1 --save "" --appendonly no --daemonize yes \
  --pidfile "$PWD/var/multi/redis.pid" --logfile "$PWD/var/multi/redis.log"
for port in 8771 8772; do
  .venv/bin/gunicorn config.wsgi:application --bind 127.0.0.1:$port --workers 2 --daemon \
    --pid var/multi/gunicorn-$port.pid --error-logfile var/multi/gunicorn-$port.log
done
for w in 1 2; do
  $PY manage.py db_worker --interval 0.2 >var/multi/worker-$w.log 2>&1 &
  pids+=($!)
done
for port in 8771 8772; do
  for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
done

# Wait until the workers have finished every queued task: at most $1 checks, $2 s apart.
wait_for_queue() {
  local left
  for _ in $(seq 1 "$1"); do
    left=$($PY manage.py shell --no-imports -c \
      "from django_tasks_db.models import DBTaskResult as R; print(R.objects.exclude(status__in=['SUCCESSFUL','FAILED']).count())")
    [[ $left == 0 ]] && return 0
    sleep "$2"
  done
}

ok=0
limited=0
for i in $(seq 1 "$N"); do
  port=$((i % 2 == 0 ? 8771 : 8772))
  jar=var/multi/cookies-$port.txt
  [[ -f $jar ]] || curl -sf -c "$jar" "http://127.0.0.1:$port/appeals/" -o var/multi/form-$port.html
  token=$(grep -o 'name="csrfmiddlewaretoken" value="[^"]*"' var/multi/form-$port.html | head -1 | sed 's/.*value="//; s/"$//')
  code=$(curl -s -o /dev/null -w '%{http_code}' -b "$jar" -H "X-Forwarded-For: 10.0.0.$i" \
    --data-urlencode "csrfmiddlewaretoken=$token" --data-urlencode "title=多机测试第${i}件：路灯不亮" \
    --data-urlencode "body=多机测试（合成数据）：小区路灯不亮第${i}件，希望尽快修复。" --data-urlencode "town=$town" \
    --data-urlencode "idempotency_key=multi-$i" "http://127.0.0.1:$port/appeals/")
  [[ $code == 302 ]] && ok=$((ok + 1))
  [[ $code == 429 ]] && limited=$((limited + 1))
done
echo "submitted: $N alternating ports 8771/8772 from one client: $ok accepted (302), $limited rate-limited (429)"
# The per-client limit (APPEAL_RATE_LIMIT, 10/h) is counted in the shared Redis: the two servers'
# four worker processes together accept exactly 10, where per-process caches would accept up to 40.
limit_ok=$(( ok == (N < 10 ? N : 10) && ok + limited == N ))

wait_for_queue 150 1

$PY manage.py shell --no-imports -c "
from collections import Counter
from django.core.cache import cache
from django_tasks_db.models import DBTaskResult as R
from intake.models import Appeal
n = $ok
appeals = Appeal.objects.filter(title__startswith='多机测试')
tasks = list(R.objects.all())
by_status = Counter(t.status for t in tasks)
runs = Counter(len(t.worker_ids) for t in tasks)
workers = Counter(w for t in tasks for w in t.worker_ids)
analysed = Counter(t.args_kwargs['args'][0] for t in tasks if t.task_path.endswith('analyse_appeal'))
print(f'appeals stored: {appeals.count()} (expected {n}), distinct titles: {appeals.values(\"title\").distinct().count()}')
print(f'tasks: {len(tasks)} by status {dict(by_status)}; runs per task {dict(runs)}; tasks per worker {sorted(workers.values())}')
print(f'analyse_appeal tasks per appeal: {sorted(Counter(analysed.values()).items())}')
cache.set('multi-server-check', 'shared', 60)
ok = (appeals.count() == n and by_status.get('SUCCESSFUL', 0) == len(tasks) and set(runs) == {1}
      and len(workers) == 2 and set(analysed.values()) == {1} and len(analysed) == n and $limit_ok == 1)
print('RESULT', 'PASS' if ok else 'FAIL')
"

# The leaders' dashboard across processes: figures one process computed are served from Redis to
# another; once older than INSIGHT_CACHE_SECONDS (10 s here) the next request still gets them at once
# and queues one refresh, which a worker runs; the request after that gets the worker's figures.
dashboard() {
  INSIGHT_CACHE_SECONDS=10 $PY manage.py shell --no-imports -c "
from django.utils import timezone
from insight.selectors.dashboard import dashboard_for
from insight.selectors.scope import Period, Scope
d = dashboard_for(None, Scope('all'), Period.for_year(timezone.localdate().year))
print(d['computed_at'].isoformat(), d['key_numbers']['appeals'])"
}
first=$(dashboard)
sleep 10.5
stale=$(dashboard)
wait_for_queue 50 0.2
fresh=$(dashboard)
echo "dashboard (computed at, appeals): first $first; 10.5 s later $stale; after the refresh $fresh"
$PY manage.py shell --no-imports -c "
from django_tasks_db.models import DBTaskResult as R
refreshes = list(R.objects.filter(task_path__endswith='refresh_dashboard'))
print(f'refresh tasks: {len(refreshes)}, by status {sorted(t.status for t in refreshes)}')
first, stale, fresh = '$first'.split(), '$stale'.split(), '$fresh'.split()
ok = (stale == first and fresh[0] > first[0] and fresh[1] == first[1] == '$ok'
      and [t.status for t in refreshes] == ['SUCCESSFUL'])
print('RESULT (dashboard)', 'PASS' if ok else 'FAIL')
"
echo "redis keys (shared cache): $(redis-cli -p 6380 dbsize)"
for port in 8771 8772; do
  echo "server $port served: $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/healthz")"
done
