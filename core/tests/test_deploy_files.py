"""R5#1, #11, #12, #13: the deployment files an operator copies (docs/deploy/, .env.example, scripts/manage)
and docs/operations.md's schedule agree, and the environment reaches every process, cron included."""

import base64
import os
import re
import subprocess
from pathlib import Path

from django.core.management import get_commands

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "docs" / "deploy"
ENV_FILE = "/etc/xieshang/env"


def _systemd_environment_file(text: str) -> dict[str, str]:
    """Read a file the way systemd's EnvironmentFile= does: a comment only at the start of a line, the
    value is everything after the first '=' (an inline "# …" stays part of it)."""
    values = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";")):
            continue
        key, _, value = line.partition("=")
        values[key.strip()] = value.strip()
    return values


def _periodic_table() -> list[str]:
    ops = (ROOT / "docs" / "operations.md").read_text()
    section = ops[ops.index("## Periodic jobs") :]
    section = section[: section.index("\n```cron")]
    return re.findall(r"^\| `([^`]+)` \|", section, re.MULTILINE)


def _cron_jobs() -> list[str]:
    jobs = []
    for line in (DEPLOY / "xieshang.cron").read_text().splitlines():
        if line and not line.startswith("#") and "=" not in line.split()[0]:
            fields = line.split()
            assert fields[5] == "xieshang" and fields[6] == "/srv/xieshang/scripts/manage", line
            jobs.append(" ".join(fields[7 : fields.index(">>")]))
    return jobs


def test_env_example_values_carry_no_comment_when_systemd_reads_them():
    values = _systemd_environment_file((ROOT / ".env.example").read_text())
    assert values["DJANGO_DEBUG"] == "false" and values["USE_DB_TASKS"] == "true"
    for key, value in values.items():
        assert re.fullmatch(r"[A-Z][A-Z0-9_]*", key), key
        assert not re.search(r"[\s#'\"$`]", value), f"{key}={value!r}: read differently by systemd and sh"


def test_the_environment_file_reaches_a_cron_job_through_scripts_manage(tmp_path):
    """A cron line runs with next to no environment: scripts/manage reads the file the units read (here a
    copy of .env.example pointed at scratch files) and runs on it; without the file it refuses to run."""
    secret, key = tmp_path / "secret_key", tmp_path / "field_key"
    secret.write_text("s" * 50 + "-Q9!x")
    key.write_text(base64.b64encode(os.urandom(32)).decode())
    env_file = tmp_path / "env"
    env_file.write_text(
        (ROOT / ".env.example").read_text()
        + f"DJANGO_SECRET_KEY_FILE={secret}\nFIELD_ENCRYPTION_KEY_FILE={key}\n"
        + f"DATABASE_URL=sqlite:///{tmp_path}/cron.sqlite3\nMEDIA_ROOT={tmp_path}/media\n"
    )
    code = (
        "from django.conf import settings as s;"
        "print(s.DATABASES['default']['NAME'], s.TASKS['default']['BACKEND'], s.DEBUG)"
    )
    cron_env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "XIESHANG_ENV_FILE": str(env_file)}
    result = subprocess.run(
        ["sh", "-c", f'cd / && {ROOT}/scripts/manage shell --no-imports -c "{code}"'],
        env=cron_env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert f"{tmp_path}/cron.sqlite3 django_tasks_db.DatabaseBackend False" in result.stdout
    missing = subprocess.run(
        [str(ROOT / "scripts" / "manage"), "send_reminders"],
        env={**cron_env, "XIESHANG_ENV_FILE": str(tmp_path / "nowhere")},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert missing.returncode != 0 and "cannot read the environment file" in missing.stderr


def test_every_documented_job_is_in_the_cron_file_and_has_a_timer():
    table = _periodic_table()
    # The jobs an operator would otherwise miss (reviews 5 #11, #7, #8).
    for job in ("send_plan_reminders", "prune_db_task_results", "requeue_stale_tasks", "retry_notification_emails"):
        assert job in table
    assert _cron_jobs() == table
    ops = (ROOT / "docs" / "operations.md").read_text()
    block = ops[ops.index("```cron", ops.index("## Periodic jobs")) :].split("```")[1]
    cron_lines = [ln for ln in (DEPLOY / "xieshang.cron").read_text().splitlines() if ln[:1].isdigit() or ln[:1] == "*"]
    assert block.strip().splitlines()[1:] == cron_lines  # the block in the docs is the file
    assert "python manage.py" not in block  # no line that would run without the environment
    commands = get_commands()
    for job in table:
        name, *args = job.split()
        assert name in commands, name
        timer = (DEPLOY / f"xieshang-job@{name}.timer").read_text()
        assert f"Unit=xieshang-job@{name}.service" in timer and "OnCalendar=" in timer
        drop_in = DEPLOY / f"xieshang-job@{name}.service.d" / "args.conf"
        if args:
            assert f'Environment="JOB_ARGS={" ".join(args)}"' in drop_in.read_text()
        else:
            assert not drop_in.exists()
    assert "manage.py %i $JOB_ARGS" in (DEPLOY / "xieshang-job@.service").read_text()
    timers = sorted(p.name for p in DEPLOY.glob("*.timer"))
    assert timers == sorted(f"xieshang-job@{job.split()[0]}.timer" for job in table)


def test_one_set_of_units_reading_one_environment_file():
    units = sorted(p.name for p in DEPLOY.glob("*.service"))
    assert units == ["xieshang-job@.service", "xieshang-web.service", "xieshang-worker@.service"]
    for unit in units:
        text = (DEPLOY / unit).read_text()
        assert re.findall(r"^EnvironmentFile=(.*)$", text, re.MULTILINE) == [ENV_FILE], unit
        assert "Environment=USE_DB_TASKS" not in text  # the web must queue into the same database
    web = (DEPLOY / "xieshang-web.service").read_text()
    assert "--preload" in web and "--access-logfile -" in web
