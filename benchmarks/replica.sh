#!/usr/bin/env bash
# Reads on a real streaming replica, checked once on this machine (issue 10; docs/operations.md).
#
#   benchmarks/replica.sh            # as root (runs PostgreSQL commands as the postgres user)
#
# Makes a hot-standby replica of the local PostgreSQL 15 cluster (pg_basebackup, port $REPLICA_PORT,
# statements logged), a scratch database xieshang_replica_check on the primary, and serves the project
# with gunicorn with DATABASE_URL (primary) and DATABASE_REPLICA_URL (replica). Then, as a citizen and
# as a clerk would: submits an appeal and follows the redirect (pinned to the primary), reads the
# tracking page again after the pin expired (must come from the replica), logs in and opens an office
# page (the session lives on the primary). Prints what each step saw and RESULT PASS/FAIL; stops the
# replica and removes its files at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
REPLICA_PORT=${REPLICA_PORT:-5434}
PORT=${PORT:-8781}
DIR=/tmp/xieshang_replica
DB=xieshang_replica_check
PGBIN=/usr/lib/postgresql/15/bin
PY=.venv/bin/python
PRIMARY=postgres://xieshang:xieshang@127.0.0.1:5432/$DB
REPLICA=postgres://xieshang:xieshang@127.0.0.1:$REPLICA_PORT/$DB
as_pg() { runuser -u postgres -- "$@"; }
fail=0
check() { if eval "$2"; then echo "ok    $1"; else echo "FAIL  $1"; fail=1; fi; }

stop() {
  [[ -f var/replica_gunicorn.pid ]] && kill -INT "$(cat var/replica_gunicorn.pid)" 2>/dev/null || true
  as_pg "$PGBIN/pg_ctl" -D "$DIR" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$DIR" var/replica_cookies.txt
}
trap stop EXIT
stop

echo "== primary: scratch database $DB, migrated"
PGPASSWORD=xieshang dropdb -h 127.0.0.1 -U xieshang --if-exists "$DB"
PGPASSWORD=xieshang createdb -h 127.0.0.1 -U xieshang "$DB"
DATABASE_URL=$PRIMARY $PY manage.py migrate -v0

echo "== replica: pg_basebackup of the cluster, hot standby on port $REPLICA_PORT"
as_pg "$PGBIN/pg_basebackup" -h /var/run/postgresql -p 5432 -D "$DIR" -R -X stream -c fast
cp /etc/postgresql/15/main/pg_hba.conf "$DIR/pg_hba.conf"
cat > "$DIR/postgresql.conf" <<EOF
port = $REPLICA_PORT
listen_addresses = '127.0.0.1'
unix_socket_directories = '/tmp'
hot_standby = on
hba_file = '$DIR/pg_hba.conf'
ident_file = '/etc/postgresql/15/main/pg_ident.conf'
log_statement = 'all'
log_line_prefix = '%m [%p] %d '
EOF
chown -R postgres:postgres "$DIR"
as_pg "$PGBIN/pg_ctl" -D "$DIR" -l "$DIR/server.log" -w start >/dev/null
export DATABASE_URL=$PRIMARY DATABASE_REPLICA_URL=$REPLICA REPLICA_PIN_SECONDS=3
export DJANGO_DEBUG=false RATELIMIT_ENABLE=false STATIC_PLAIN=true DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost

recovery=$($PY manage.py shell --no-imports -c "
from django.db import connections
def ask(alias):
    with connections[alias].cursor() as c:
        c.execute('SELECT pg_is_in_recovery()')
        return c.fetchone()[0]
print(ask('default'), ask('replica'))")
check "the primary is not in recovery, the replica is (got: $recovery)" '[[ $recovery == "False True" ]]'

town=$($PY manage.py shell --no-imports -c "
from accounts.models import User
from accounts.roles import Role
from django.contrib.auth.models import Group
from district.models import Town
u = User.objects.create_user(username='replica-clerk', password='Replica-check-2026')
u.groups.add(Group.objects.get_or_create(name=Role.CLERK)[0])
print(Town.objects.get_or_create(name='副本核对镇（合成数据）')[0].pk)")
sleep 1  # let the replica replay the user and the town

.venv/bin/gunicorn config.wsgi:application --bind 127.0.0.1:$PORT --workers 2 --log-level warning \
  --pid var/replica_gunicorn.pid --daemon
for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done
base=http://127.0.0.1:$PORT
jar=var/replica_cookies.txt
log_lines() { wc -l < "$DIR/server.log"; }
replica_saw() { tail -n +"$(($1 + 1))" "$DIR/server.log" | grep -c "$2" || true; }

echo "== a citizen submits an appeal"
form=$(curl -sf -c $jar -b $jar "$base/appeals/")
token=$(grep -o 'name="csrfmiddlewaretoken" value="[^"]*"' <<<"$form" | head -1 | sed 's/.*value="//; s/"$//')
headers=$(curl -s -o /dev/null -D - -c $jar -b $jar -e "$base/appeals/" "$base/appeals/" \
  --data-urlencode "csrfmiddlewaretoken=$token" --data-urlencode "title=副本核对：路灯不亮" \
  --data-urlencode "body=副本核对（合成数据）：东门路口的路灯坏了一个月，晚上出行不便。" \
  --data-urlencode "town=$town" --data-urlencode "idempotency_key=replica-$(date +%s%N)")
location=$(grep -i '^location:' <<<"$headers" | tr -d '\r' | awk '{print $2}')
code=$(sed -n 's#.*/track/\([^/]*\)/.*#\1#p' <<<"$location")
check "the submission answered 302 to its tracking page ($location)" '[[ -n $code ]]'
check "the answer set the pin cookie (xs_primary_until)" 'grep -qi "set-cookie: xs_primary_until" <<<"$headers"'

mark=$(log_lines)
status=$(curl -s -o /dev/null -w '%{http_code}' -b $jar "$base$location")
check "the redirect, pinned, shows the new appeal at once (HTTP $status)" '[[ $status == 200 ]]'
check "…and did not read it on the replica" '[[ $(replica_saw "$mark" "$code") == 0 ]]'

sleep 5  # the pin (REPLICA_PIN_SECONDS=3) has expired
behind=$(psql "$REPLICA" -tAc "SELECT pg_wal_lsn_diff('$(psql "$PRIMARY" -tAc "SELECT pg_current_wal_lsn()")', pg_last_wal_replay_lsn())")
mark=$(log_lines)
status=$(curl -s -o /dev/null -w '%{http_code}' -b $jar "$base$location")
check "the same page later is served from the replica (HTTP $status)" '[[ $status == 200 && $(replica_saw "$mark" "$code") -ge 1 ]]'
stored=$(psql "$REPLICA" -tAc "SELECT count(*) FROM intake_appeal WHERE tracking_code = '$code'")
check "the replica holds the appeal (rows: $stored; WAL not yet replayed: ${behind} bytes)" '[[ $stored == 1 ]]'

echo "== a clerk logs in and opens the office list"
login=$(curl -sf -c $jar -b $jar "$base/accounts/login/")
token=$(grep -o 'name="csrfmiddlewaretoken" value="[^"]*"' <<<"$login" | head -1 | sed 's/.*value="//; s/"$//')
status=$(curl -s -o /dev/null -w '%{http_code}' -c $jar -b $jar -e "$base/accounts/login/" "$base/accounts/login/" \
  --data-urlencode "csrfmiddlewaretoken=$token" --data-urlencode "username=replica-clerk" \
  --data-urlencode "password=Replica-check-2026")
check "login answered 302 (HTTP $status)" '[[ $status == 302 ]]'
sleep 5
mark=$(log_lines)
page=$(curl -s -w '\n%{http_code}' -b $jar "$base/appeals/office/")
check "after the pin expired the office list opens logged in (HTTP $(tail -1 <<<"$page"))" '[[ $(tail -1 <<<"$page") == 200 ]]'
check "…lists the appeal" 'grep -q "副本核对：路灯不亮" <<<"$page"'
check "…read the appeals on the replica" '[[ $(replica_saw "$mark" "intake_appeal") -ge 1 ]]'
check "…and the session not on the replica" '[[ $(replica_saw "$mark" "django_session") == 0 ]]'

[[ $fail == 0 ]] && echo "RESULT PASS" || { echo "RESULT FAIL"; exit 1; }
